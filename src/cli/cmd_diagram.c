/* cmd_diagram.c - `stepbook diagram`: one picture per state machine, from
 * any file the loader reads (ASL, serverless.yml, CloudFormation/SAM).
 * Output files are written atomically.  Warnings go to stderr and the
 * picture is still drawn; a file that cannot be loaded is an error. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "asl.h"
#include "buf.h"
#include "cmd.h"
#include "diag.h"
#include "diagram.h"
#include "fileio.h"
#include "loader.h"
#include "report.h"
#include "banned.h"

static const char usage_text[] =
	"usage: stepbook diagram FILE... [--machine NAME] [-o OUT | --out-dir DIR]\n"
	"                        [-T svg|dot|png] [-t TITLE] [--catch auto|edges|stubs]\n"
	"                        [--stage STAGE]\n"
	"\n"
	"Draws every state machine the files declare (ASL JSON/YAML, serverless.yml,\n"
	"CloudFormation or SAM templates).\n"
	"\n"
	"  --machine NAME   only the machine with this name (serverless key or name,\n"
	"                   CloudFormation logical id or StateMachineName, ASL file stem)\n"
	"  -o OUT           write the one diagram to OUT (default: standard output)\n"
	"  --out-dir DIR    write each diagram to DIR/STEM.MACHINE.EXT (DIR/STEM.EXT\n"
	"                   when the machine is named after its file)\n"
	"  -T FORMAT        svg (default), dot or png\n"
	"  -t TITLE         a title drawn above the diagram\n"
	"  --catch STYLE    Catch edges: auto (default: a shared handler is drawn as a\n"
	"                   small node beside each state), edges, or stubs\n"
	"  --stage STAGE    the stage for ${opt:stage} in serverless files\n"
	"\n"
	"Exit status: 0 drawn, 1 a file has errors, 2 usage.\n";

struct diagram_cmd {
	struct diagram_options opt;
	struct loader_options load;
	const char *machine, *output, *out_dir;
	const char **files;
	int nr_files;
	size_t written;
};

static int usage(FILE *out, int status)
{
	fputs(usage_text, out);
	return status;
}

static const char *format_ext(enum diagram_format f)
{
	return f == DIAGRAM_DOT ? "dot" : f == DIAGRAM_PNG ? "png" : "svg";
}

static int write_stdout(const struct buf *b)
{
	return fwrite(b->ptr, 1, b->len, stdout) == b->len && !fflush(stdout) ? 0 : -1;
}

/* DIR/STEM.MACHINE.EXT, or DIR/STEM.EXT for a machine named after its file. */
static void out_dir_path(struct buf *path, const struct diagram_cmd *c,
			 const char *file, const char *machine)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t stem = strcspn(base, ".");
	buf_addf(path, "%s/%.*s", c->out_dir, (int)stem, base);
	if (strlen(machine) != stem || strncmp(machine, base, stem))
		buf_addf(path, ".%s", machine);
	buf_addf(path, ".%s", format_ext(c->opt.format));
}

static int emit(struct diagram_cmd *c, const char *file,
		const struct loaded_machine *lm, const struct buf *svg)
{
	struct buf path = BUF_INIT;
	if (c->out_dir)
		out_dir_path(&path, c, file, lm->name);
	else if (c->output)
		buf_adds(&path, c->output);
	int r = path.len ? fileio_write_atomic(path.ptr, svg->ptr, svg->len)
			 : write_stdout(svg);
	if (r)
		fprintf(stderr, "stepbook: cannot write %s: %m\n",
			path.len ? path.ptr : "standard output");
	buf_release(&path);
	c->written++;
	return r;
}

static int draw(struct diagram_cmd *c, const char *file,
		const struct loaded_machine *lm, struct diag_list *diags)
{
	struct asl_machine *m = asl_build(lm->definition, lm->doc, diags);
	struct buf out = BUF_INIT;
	int r = diagram_render(m, &c->opt, &out, diags);
	if (!r)
		r = emit(c, file, lm, &out);
	buf_release(&out);
	asl_free(m);
	return r;
}

/* The machines of one file to draw: all of them, or the one --machine names. */
static int draw_file(struct diagram_cmd *c, const char *file,
		     struct diag_list *diags)
{
	struct loaded_file lf;
	int r = loader_load(&lf, file, &c->load, diags);
	if (!r && c->machine) {
		const struct loaded_machine *lm = loader_find(&lf, c->machine);
		r = lm ? draw(c, file, lm, diags) : 0;
	} else if (!r && lf.nr_machines > 1 && !c->out_dir && c->nr_files == 1) {
		struct buf names = BUF_INIT;
		for (size_t i = 0; i < lf.nr_machines; i++)
			buf_addf(&names, "%s%s", i ? ", " : "", lf.machines[i].name);
		r = diag_error(diags, doc_pos(lf.doc, lf.doc->root), "diagram/several",
			       "this file declares %zu state machines (%s): choose "
			       "one with --machine NAME, or draw all with --out-dir DIR",
			       lf.nr_machines, names.ptr);
		buf_release(&names);
	} else {
		for (size_t i = 0; !r && i < lf.nr_machines; i++)
			r = draw(c, file, &lf.machines[i], diags);
	}
	loader_release(&lf);
	return r;
}

static int parse_args(struct diagram_cmd *c, int argc, char **argv)
{
	static const char *const catch_names[] = { "auto", "edges", "stubs" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = v != NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 1;
		if ((!strcmp(a, "-T") || !strcmp(a, "--format")) && takes) {
			if (diagram_format_from_name(v, &c->opt.format))
				return -1;
		} else if (!strcmp(a, "-o") && takes) {
			c->output = v;
		} else if (!strcmp(a, "--out-dir") && takes) {
			c->out_dir = v;
		} else if (!strcmp(a, "--machine") && takes) {
			c->machine = v;
		} else if (!strcmp(a, "-t") && takes) {
			c->opt.title = v;
		} else if (!strcmp(a, "--stage") && takes) {
			c->load.stage = v;
		} else if (!strcmp(a, "--catch") && takes) {
			int k = 0;
			while (k < 3 && strcmp(v, catch_names[k]))
				k++;
			if (k == 3)
				return -1;
			c->opt.catch_style = (enum diagram_catch_style)k;
		} else if (a[0] == '-' && a[1]) {
			return -1;
		} else {
			c->files[c->nr_files++] = a;
			continue;
		}
		i++; /* the option's value */
	}
	if (!c->nr_files || (c->output && c->out_dir))
		return -1;
	if (c->output && c->nr_files > 1 && !c->machine)
		return -1;
	return 0;
}

int cmd_diagram(int argc, char **argv)
{
	const char *files[argc > 0 ? argc : 1];
	struct diagram_cmd c = { DIAGRAM_OPTIONS_INIT, { 0 }, NULL, NULL, NULL,
				 files, 0, 0 };
	int r = parse_args(&c, argc, argv);
	if (r)
		return r > 0 ? usage(stdout, EXIT_OK) : usage(stderr, EXIT_USAGE);
	if (c.out_dir && fileio_mkdirs(c.out_dir)) {
		fprintf(stderr, "stepbook: cannot create %s: %m\n", c.out_dir);
		return EXIT_ERRORS;
	}
	struct diag_list diags = DIAG_LIST_INIT;
	int failed = 0;
	for (int i = 0; i < c.nr_files; i++)
		failed |= draw_file(&c, c.files[i], &diags) != 0;
	if (c.machine && !c.written && !failed) {
		diag_error(&diags, (struct pos){ c.files[0], 0, 0 }, "diagram/no-machine",
			   "no state machine named '%s' here", c.machine);
		failed = 1;
	}
	struct report_options ro = { REPORT_TEXT, isatty(2), 0 };
	report_print(stderr, &diags, &ro);
	diag_list_release(&diags);
	return failed ? EXIT_ERRORS : EXIT_OK;
}
