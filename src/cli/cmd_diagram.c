/* cmd_diagram.c - `stepbook diagram`: one picture per state machine, from
 * any file the loader reads (ASL, serverless.yml, CloudFormation/SAM).
 * Output files are written atomically.  Warnings go to stderr and the
 * picture is still drawn; a file that cannot be loaded is an error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
	"                        [-T svg|dot|png|pdf] [--scale N] [-t TITLE]\n"
	"                        [--catch auto|edges|stubs] [--stage STAGE]\n"
	"\n"
	"Draws every state machine the files declare (ASL JSON/YAML, serverless.yml,\n"
	"CloudFormation or SAM templates).\n"
	"\n"
	"  --machine NAME   only the machine with this name (serverless key or name,\n"
	"                   CloudFormation logical id or StateMachineName, ASL file stem)\n"
	"  -o OUT           write the one diagram to OUT (default: standard output)\n"
	"  --out-dir DIR    write each diagram to DIR/STEM.MACHINE.EXT (DIR/STEM.EXT\n"
	"                   when the machine is named after its file)\n"
	"  -T FORMAT        svg (default), dot, png or pdf\n"
	"  --scale N        png: N times the pixels (96 dpi times N; up to 8), for\n"
	"                   slides and screens\n"
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

/* A wrong command line: one line saying what is wrong.  Returns -1. */
__attribute__((format(printf, 1, 2)))
static int bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stepbook diagram: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

static const char *format_ext(enum diagram_format f)
{
	static const char *const ext[] = { "svg", "dot", "png", "pdf" };
	return ext[f];
}

/* --scale: a number in (0, DIAGRAM_MAX_SCALE].  Returns 0 or -1. */
static int parse_scale(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !(d > 0 && d <= DIAGRAM_MAX_SCALE))
		return -1;
	*out = d;
	return 0;
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

/* The option at argv[i] with its value v: 0, or -1 after saying what is
 * wrong.  Options without a value are handled by parse_args. */
static int option(struct diagram_cmd *c, const char *a, const char *v)
{
	static const char *const catch_names[] = { "auto", "edges", "stubs" };
	if (!strcmp(a, "-T") || !strcmp(a, "--format")) {
		if (diagram_format_from_name(v, &c->opt.format))
			return bad_usage("-T is svg, dot, png or pdf, not '%s'", v);
	} else if (!strcmp(a, "--scale")) {
		if (parse_scale(v, &c->opt.scale))
			return bad_usage("--scale is a number above 0, at most %g, not '%s'",
					 DIAGRAM_MAX_SCALE, v);
	} else if (!strcmp(a, "-o")) {
		c->output = v;
	} else if (!strcmp(a, "--out-dir")) {
		c->out_dir = v;
	} else if (!strcmp(a, "--machine")) {
		c->machine = v;
	} else if (!strcmp(a, "-t")) {
		c->opt.title = v;
	} else if (!strcmp(a, "--stage")) {
		c->load.stage = v;
	} else {
		int k = 0;
		while (k < 3 && strcmp(v, catch_names[k]))
			k++;
		if (k == 3)
			return bad_usage("--catch is auto, edges or stubs, not '%s'", v);
		c->opt.catch_style = (enum diagram_catch_style)k;
	}
	return 0;
}

static int parse_args(struct diagram_cmd *c, int argc, char **argv)
{
	static const char *const with_value[] = { "-T", "--format", "--scale",
		"-o", "--out-dir", "--machine", "-t", "--stage", "--catch" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k = 0;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 1;
		if (a[0] != '-' || !a[1]) {
			c->files[c->nr_files++] = a;
			continue;
		}
		while (k < sizeof(with_value) / sizeof(*with_value) && strcmp(a, with_value[k]))
			k++;
		if (k == sizeof(with_value) / sizeof(*with_value))
			return bad_usage("unknown option '%s'; 'stepbook diagram --help' "
					 "lists them", a);
		if (i + 1 >= argc)
			return bad_usage("%s needs a value", a);
		if (option(c, a, argv[++i]))
			return -1;
	}
	if (!c->nr_files)
		return bad_usage("no FILE to draw; 'stepbook diagram --help' "
				 "describes the options");
	if (c->output && c->out_dir)
		return bad_usage("-o and --out-dir exclude each other");
	if (c->output && c->nr_files > 1 && !c->machine)
		return bad_usage("-o writes one diagram: name its --machine, or use "
				 "--out-dir DIR for several files");
	if (c->opt.scale && c->opt.format != DIAGRAM_PNG)
		return bad_usage("--scale is for -T png (svg and pdf scale by "
				 "themselves)");
	return 0;
}

int cmd_diagram(int argc, char **argv)
{
	const char *files[argc > 0 ? argc : 1];
	struct diagram_cmd c = { DIAGRAM_OPTIONS_INIT, { 0 }, NULL, NULL, NULL,
				 files, 0, 0 };
	int r = parse_args(&c, argc, argv);
	if (r)
		return r > 0 ? (fputs(usage_text, stdout), EXIT_OK) : EXIT_USAGE;
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
