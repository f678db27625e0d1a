/* cmd_diagram.c - `stepbook diagram [-f svg|dot|png] [-o FILE] [-t TITLE]
 * [--catch auto|edges|stubs] FILE`: draws one state machine definition
 * (.json or .yaml) with the diagram renderer.  Warnings go to stderr; the
 * picture is drawn even when the machine has problems. */
#include <stdio.h>
#include <string.h>

#include "asl.h"
#include "buf.h"
#include "cmd.h"
#include "diag.h"
#include "diagram.h"
#include "doc.h"
#include "banned.h"

static int usage(void)
{
	fputs("usage: stepbook diagram [-f svg|dot|png] [-o FILE] [-t TITLE]"
	      " [--catch auto|edges|stubs] FILE\n", stderr);
	return EXIT_USAGE;
}

static int parse_catch(const char *s, enum diagram_catch_style *style)
{
	static const char *const names[] = { "auto", "edges", "stubs" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*style = (enum diagram_catch_style)i;
			return 0;
		}
	return -1;
}

static int write_out(const char *path, const struct buf *b)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f) {
		perror(path);
		return EXIT_ERRORS;
	}
	int bad = fwrite(b->ptr, 1, b->len, f) != b->len;
	if (path)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	return bad ? EXIT_ERRORS : EXIT_OK;
}

static void print_diags(const struct diag_list *diags)
{
	for (size_t i = 0; i < diags->nr; i++) {
		const struct diag *g = &diags->items[i];
		fprintf(stderr, "%s:%u:%u: %s: %s", g->pos.file, g->pos.line,
			g->pos.col, severity_name(g->severity), g->message);
		fprintf(stderr, g->rule ? " [%s]\n" : "\n", g->rule);
	}
}

static int render_file(const char *path, const struct diagram_options *opt,
		       const char *output, struct diag_list *diags)
{
	struct doc *d = doc_new(path);
	int status = EXIT_ERRORS;
	if (!doc_load(d, diags)) {
		struct asl_machine *m = asl_build(d->root, d, diags);
		struct buf out = BUF_INIT;
		if (!diagram_render(m, opt, &out, diags))
			status = write_out(output, &out);
		buf_release(&out);
		asl_free(m);
	}
	print_diags(diags);
	doc_free(d);
	return status;
}

int cmd_diagram(int argc, char **argv)
{
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	const char *output = NULL, *input = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;
		if (!strcmp(a, "-f") && has_value) {
			if (diagram_format_from_name(argv[++i], &opt.format))
				return usage();
		} else if (!strcmp(a, "-o") && has_value) {
			output = argv[++i];
		} else if (!strcmp(a, "-t") && has_value) {
			opt.title = argv[++i];
		} else if (!strcmp(a, "--catch") && has_value) {
			if (parse_catch(argv[++i], &opt.catch_style))
				return usage();
		} else if (a[0] == '-' || input) {
			return usage();
		} else {
			input = a;
		}
	}
	if (!input)
		return usage();
	int status = render_file(input, &opt, output, &diags);
	diag_list_release(&diags);
	return status;
}
