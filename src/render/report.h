/* report.h - prints diagnostics for people and for machines.
 * text:   path:line:col: error: message [rule], then the source line and a
 *         caret under the column when showing source (a TTY, or asked);
 * json:   one array of {file, line, column, severity, rule, message, pointer},
 *         in jq's layout (jsonout.h), or on one line when compact;
 * github: workflow commands (::error file=...,line=...,col=...::message);
 * junit:  one <testcase> per check case (report_check only; diagnostics
 *         print as one failing testcase each).
 * report_check prints the cases of `stepbook check` the same four ways,
 * with the diff of a mismatched output and a closing count.
 * Not here: making diagnostics (diag.h), running checks (check.h). */
#ifndef STEPBOOK_REPORT_H
#define STEPBOOK_REPORT_H

#include <stdio.h>

#include "gate.h"
#include "diag.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_GITHUB, REPORT_JUNIT };

struct report_options {
	enum report_format format;
	int show_source; /* text: quote the line and put a caret under it */
	int compact;     /* json: one line (jq -c) instead of jq's indented layout */
};

/* Parses "text" / "json" / "github" / "junit".  Returns 0, or -1 if unknown. */
int report_format_parse(const char *name, enum report_format *out);

void report_print(FILE *out, const struct diag_list *l,
		  const struct report_options *opt);

/* Prints the cases of a check run; text ends with
 * "N passed, M failed, K skipped" and, when verbose, lists passed and
 * skipped cases (with the reason) as well as failures. */
void report_check(FILE *out, const struct gate_run *run,
		  const struct report_options *opt, int verbose);

#endif
