/* stepdiff.h - what the learner changes at a step: a line diff between the
 * previous saved step and this one, rendered as highlighted HTML with the
 * unchanged stretches folded to a few lines of context.
 * Not here: which step is the previous one (site.c). */
#ifndef STEPBOOK_STEPDIFF_H
#define STEPBOOK_STEPDIFF_H

#include <stddef.h>

#include "buf.h"

/* Cells of the longest-common-subsequence table between the parts of two
 * files that differ; beyond it the whole middle shows as replaced.  Bounds
 * memory (4 bytes a cell) whatever two files a course holds. */
#define STEPDIFF_MAX_CELLS (4u * 1024 * 1024)
/* Unchanged lines shown around each change. */
#define STEPDIFF_CONTEXT 3

struct stepdiff_stats {
	size_t added, removed;
};

/* Appends <pre class="diff">...</pre> for a -> b (lang as highlight.h, may
 * be NULL) and counts the changed lines in *st. */
void stepdiff_html(const char *a, size_t alen, const char *b, size_t blen,
		   const char *lang, struct buf *out, struct stepdiff_stats *st);

#endif
