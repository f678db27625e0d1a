/* report_impl.h - what report.c and report_check.c share; private to the
 * report module.  One JSON shape for a diagnostic, one GitHub escaping. */
#ifndef STEPBOOK_REPORT_IMPL_H
#define STEPBOOK_REPORT_IMPL_H

#include <stdio.h>

#include <cJSON.h>

#include "diag.h"

/* The diagnostics as a JSON array of {file, line, column, severity, rule,
 * message, pointer}.  Returns owned, free with cJSON_Delete. */
cJSON *report_diags_json_(const struct diag_list *l);

/* Writes s escaped for a GitHub workflow command: %, CR and LF always;
 * ':' and ',' too in a property value. */
void report_github_escape_(FILE *out, const char *s, int property);

#endif
