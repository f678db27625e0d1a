/* search.h - the client-side search index: one entry per page section
 * {u: url, p: page, s: section, t: prose, c: code lines}, written as search-index.js assigning a global
 * (a script tag loads it, so search works from file:// too).  Entries keep
 * the order they were added (reading order): the same course gives the
 * same bytes.  Not here: the search UI (templates/site.js). */
#ifndef STEPBOOK_SEARCH_H
#define STEPBOOK_SEARCH_H

#include <stddef.h>

#include "buf.h"

/* Characters of text kept per section: enough to find any word a reader
 * types, and it bounds the index at a few MiB for a large course. */
#define SEARCH_MAX_TEXT 6000

struct search_index;

/* Returns owned, free with search_free. */
struct search_index *search_new(void);
void search_free(struct search_index *s);

/* Adds a section (all strings copied): text is prose, whitespace-collapsed;
 * code (NULL: none) keeps one line per line, each trimmed, blank lines
 * dropped, so that a hit shows the line it is on. */
void search_add(struct search_index *s, const char *url, const char *page,
		const char *section, const char *text, const char *code);

/* Replaces the entries of site page 'out' (url 'out' or 'out#...') with
 * copies of the entries of 'with', where the first of them was (at the end
 * when there was none): a rebuilt page keeps its place in reading order.
 * Borrows both arguments. */
void search_replace_page(struct search_index *s, const char *out,
			 const struct search_index *with);

/* Appends `window.STEPBOOK_SEARCH = [...];` */
void search_write_js(const struct search_index *s, struct buf *out);

#endif
