/* report.h - prints diagnostics for people and for machines.
 * text:   path:line:col: error: message [rule], then the source line and a
 *         caret under the column when showing source (a TTY, or asked);
 * json:   one array of {file, line, column, severity, rule, message, pointer};
 * github: workflow commands (::error file=...,line=...,col=...::message).
 * Not here: making diagnostics (diag.h). */
#ifndef STEPBOOK_REPORT_H
#define STEPBOOK_REPORT_H

#include <stdio.h>

#include "diag.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_GITHUB };

struct report_options {
	enum report_format format;
	int show_source; /* text: quote the line and put a caret under it */
};

/* Parses "text" / "json" / "github".  Returns 0, or -1 if unknown. */
int report_format_parse(const char *name, enum report_format *out);

void report_print(FILE *out, const struct diag_list *l,
		  const struct report_options *opt);

#endif
