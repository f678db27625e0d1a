/* jsonout.h - JSON text as jq prints it: the one printer behind every JSON
 * output of stepbook (run, validate, check --format json, run --format
 * history, the recorded outputs `check --update` writes).
 *
 * Pretty (the default) is jq's layout: two spaces per level, one member or
 * element per line, `"key": value`, and `[]` / `{}` for empty containers.
 * JSONOUT_COMPACT is `jq -c`: one line, no spaces.  Numbers are written as
 * cJSON writes them (integers plainly, others with 15 or 17 significant
 * digits) and strings escaped as cJSON escapes them (quote, backslash, \b
 * \f \n \r \t, other control characters as \u00XX; UTF-8 as is), so switching
 * a printer to jsonout changes only the layout.  The walk iterates: depth
 * costs heap, not stack.
 * Not here: parsing (cJSON, doc.h), comparing values (jsoncmp.h). */
#ifndef STEPBOOK_JSONOUT_H
#define STEPBOOK_JSONOUT_H

#include <stdio.h>

#include <cJSON.h>

#include "buf.h"

enum jsonout_flags {
	JSONOUT_PRETTY = 0,
	JSONOUT_COMPACT = 1 << 0, /* one line, as jq -c */
};

/* Appends v (borrowed; NULL prints null) to out, without a newline. */
void jsonout_write(struct buf *out, const cJSON *v, unsigned flags);

/* Writes v and a newline to f.  Returns 0, or -1 when f reports an error. */
int jsonout_print(FILE *f, const cJSON *v, unsigned flags);

#endif
