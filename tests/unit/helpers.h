/* helpers.h - small conveniences shared by the Check suites. */
#ifndef STEPBOOK_TEST_HELPERS_H
#define STEPBOOK_TEST_HELPERS_H

#include "diag.h"

/* Writes text to a fresh file named 'name' in a per-process temporary
 * folder and returns its path (static storage, valid until the next call). */
const char *tmp_file(const char *name, const char *text);

/* The diagnostics as text lines "file:line:col: severity: message [rule]",
 * with the temporary folder stripped from file names.  Returns owned. */
char *diags_text(const struct diag_list *l);

/* The folder of the reference course, or NULL (test skips) when absent. */
const char *shared_dir(void);

#endif
