/* suggest.h - "did you mean": the closest name from a list of candidates.
 * Distance is optimal string alignment (Damerau-Levenshtein with adjacent
 * transpositions), case-insensitive, with a case-only difference counting
 * less than any edit.  Not here: what the candidates are (the caller's table). */
#ifndef STEPBOOK_SUGGEST_H
#define STEPBOOK_SUGGEST_H

#include <stddef.h>

/* Longer words are never compared: bounds the O(n*m) table. */
#define SUGGEST_MAX_LEN 64

/* Edit distance between a and b (case-insensitive), or SIZE_MAX when either
 * is longer than SUGGEST_MAX_LEN. */
size_t suggest_distance(const char *a, const char *b);

/* The candidate closest to word if it is close enough to be a likely typo
 * (a case-only difference, or at most 1 edit per 3 letters, max 3), else
 * NULL.  Borrows; the result points into candidates.  NULL entries are
 * skipped. */
const char *suggest_best(const char *word, const char *const *candidates,
			 size_t n);

#endif
