/* suggest.c - closest-name suggestions (see suggest.h). */
#include "suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "banned.h"

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

static int same_ci(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

size_t suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
		return SIZE_MAX;
	size_t d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t cost = same_ci(a[i - 1], b[j - 1]) ? 0 : 1;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && same_ci(a[i - 1], b[j - 2]) &&
			    same_ci(a[i - 2], b[j - 1]) && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[n][m];
}

const char *suggest_best(const char *word, const char *const *candidates,
			 size_t n)
{
	size_t len = strlen(word);
	size_t limit = len / 3 < 3 ? len / 3 : 3;
	if (limit < 1)
		limit = 1;
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t d = suggest_distance(word, candidates[i]);
		if (d < best_d) {
			best = candidates[i];
			best_d = d;
		}
	}
	return best && best_d <= limit ? best : NULL;
}
