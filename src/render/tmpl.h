/* tmpl.h - the theme's templates: a small mustache-like language over cJSON.
 *   {{name}}            the value, escaped for HTML text and attributes
 *                        (escape_attr: strings, numbers, booleans)
 *   {{{name}}}          the value as is: only for HTML stepbook made itself
 *   {{#name}}..{{/name}} a section: once per item of a list, once with an
 *                        object (its members come into scope), once if true;
 *                        skipped for false, null, "", [] and missing names
 *   {{^name}}..{{/name}} the inverse: only when the section would be skipped
 *   {{! comment }}       dropped
 * Names are looked up from the innermost section outwards; `a.b` descends
 * into objects and `.` is the current item.  A template is parsed once
 * (errors located in its file) and rendered many times.
 * Not here: what the data is (site.c). */
#ifndef STEPBOOK_TMPL_H
#define STEPBOOK_TMPL_H

#include <stddef.h>

#include <cJSON.h>

#include "buf.h"
#include "diag.h"

/* Sections nested deeper than this are refused: a layout needs a handful,
 * and rendering recurses once per level. */
#define TMPL_MAX_DEPTH 32

struct tmpl;

/* Parses a template read from 'path'.  Returns owned (free with tmpl_free),
 * or NULL with located errors in diags (unclosed or mismatched sections). */
struct tmpl *tmpl_parse(const char *path, const char *text, size_t len,
			struct diag_list *diags);
void tmpl_free(struct tmpl *t);

/* Operations one rendering may execute, and bytes it may write: a real
 * layout runs a few thousand operations and writes well under a few MiB
 * (inline diagrams included); nested sections over lists multiply, so a
 * hostile theme could otherwise run for ever. */
#define TMPL_MAX_STEPS 200000
#define TMPL_MAX_OUTPUT (64u * 1024 * 1024)

/* Renders t with 'data' as the outermost scope (borrowed); appends to out.
 * Returns 0, or -1 when rendering stopped at TMPL_MAX_STEPS or
 * TMPL_MAX_OUTPUT (out holds what was rendered until then).  t remembers
 * the list items it rendered (the same values render to the same bytes,
 * copied the next time), so one thread at a time renders a template. */
int tmpl_render(struct tmpl *t, const cJSON *data, struct buf *out);

#endif
