/* jsobject.h - the JavaScript-object text that `sls invoke` prints.
 * Node's util.inspect writes results as
 *   { executionArn: 'arn:...', startDate: 2019-11-12T11:39:26.081Z,
 *     output: '{"a":1}' }
 * unquoted keys, strings in single (or double, or back) quotes, bare Date
 * values, trailing commas.
 * Courses paste that text as recorded output, so we read it into cJSON:
 * strings stay strings, a bare date becomes its ISO text, `undefined`
 * becomes null.  This subset is the domain's own format; no library reads it.
 * Not here: JSON (doc.h), comparing values (jsoncmp.h). */
#ifndef STEPBOOK_JSOBJECT_H
#define STEPBOOK_JSOBJECT_H

#include <stddef.h>

#include <cJSON.h>

#include "buf.h"

/* Nesting deeper than this is refused (util.inspect stops at depth 2 and
 * prints [Object]; a pasted value is never deep). */
#define JSOBJECT_MAX_DEPTH 64

/* Parses text[0..len) as one value with optional surrounding white space.
 * Returns an owned tree (free with cJSON_Delete), or NULL with a static
 * message in *why and the byte offset of the problem in *at. */
cJSON *jsobject_parse(const char *text, size_t len, const char **why,
		      size_t *at);

/* The two layouts of util.inspect a course may have pasted: Node 10 and
 * before put the first entry on the brace's line ("{ a: 1,\n  b: 2 }"),
 * Node 12 and after open a line ("{\n  a: 1,\n  b: 2\n}"). */
enum jsobject_style { JSOBJECT_NODE10, JSOBJECT_NODE12 };

/* The layout text was printed in: NODE10 when a value follows its opening
 * brace or bracket on the same line and the value spans several lines. */
enum jsobject_style jsobject_style_of(const char *text, size_t len);

/* Appends v as util.inspect prints it, in that layout: keys bare when they
 * are identifiers, strings in single quotes (double or back quotes when
 * that saves escapes), an ISO date string (what a Date prints as) bare;
 * a value fitting on one line of 72 bytes stays on one line.  What
 * jsobject_parse reads back gives v again. */
void jsobject_print(const cJSON *v, enum jsobject_style style, struct buf *out);

#endif
