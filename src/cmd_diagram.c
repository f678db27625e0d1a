/* cmd_diagram.c - `stepbook diagram`: placeholder until the renderer lands. */
#include <stdio.h>

#include "cmd.h"
#include "diag.h"
#include "doc.h"
#include "banned.h"

int cmd_diagram(int argc, char **argv)
{
	struct diag_list diags = DIAG_LIST_INIT;
	int status = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		struct doc *d = doc_new(argv[i]);
		if (doc_load(d, &diags))
			status = EXIT_ERRORS;
		else {
			char *s = cJSON_Print(d->root);
			puts(s);
			cJSON_free(s);
		}
		doc_free(d);
	}
	for (size_t i = 0; i < diags.nr; i++) {
		struct diag *g = &diags.items[i];
		fprintf(stderr, "%s:%u:%u: %s: %s\n", g->pos.file, g->pos.line,
			g->pos.col, severity_name(g->severity), g->message);
	}
	diag_list_release(&diags);
	return status;
}
