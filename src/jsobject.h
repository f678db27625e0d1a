/* jsobject.h - the JavaScript-object text that `sls invoke` prints.
 * Node's util.inspect writes results as
 *   { executionArn: 'arn:...', startDate: 2019-11-12T11:39:26.081Z,
 *     output: '{"a":1}' }
 * unquoted keys, single-quoted strings, bare Date values, trailing commas.
 * Courses paste that text as recorded output, so we read it into cJSON:
 * strings stay strings, a bare date becomes its ISO text, `undefined`
 * becomes null.  This subset is the domain's own format; no library reads it.
 * Not here: JSON (doc.h), comparing values (jsoncmp.h). */
#ifndef STEPBOOK_JSOBJECT_H
#define STEPBOOK_JSOBJECT_H

#include <stddef.h>

#include <cJSON.h>

/* Nesting deeper than this is refused (util.inspect stops at depth 2 and
 * prints [Object]; a pasted value is never deep). */
#define JSOBJECT_MAX_DEPTH 64

/* Parses text[0..len) as one value with optional surrounding white space.
 * Returns an owned tree (free with cJSON_Delete), or NULL with a static
 * message in *why and the byte offset of the problem in *at. */
cJSON *jsobject_parse(const char *text, size_t len, const char **why,
		      size_t *at);

#endif
