/* stepdiff.c - LCS line diff on the differing middle of two files.
 * Common prefix and suffix are cut first, so the table only spans what a
 * step changed: a few dozen lines for a course step. */
#include "stepdiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "xalloc.h"
#include "banned.h"

struct line {
	const char *s;
	size_t n;
};

struct lines {
	struct line *v;
	size_t nr, alloc;
};

enum op { OP_SAME, OP_DEL, OP_ADD };

struct edit {
	enum op op;
	const struct line *line;
};

struct edits {
	struct edit *v;
	size_t nr, alloc;
};

static void split(const char *s, size_t len, struct lines *out)
{
	const char *end = s + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		ARRAY_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr].s = s;
		out->v[out->nr++].n = (size_t)(e - s);
		s = nl ? nl + 1 : end;
	}
}

static int same(const struct line *a, const struct line *b)
{
	return a->n == b->n && !memcmp(a->s, b->s, a->n);
}

static void push(struct edits *e, enum op op, const struct line *l)
{
	ARRAY_GROW(e->v, e->nr + 1, e->alloc);
	e->v[e->nr].op = op;
	e->v[e->nr++].line = l;
}

/* LCS table over a[0..n) x b[0..m), then walk it forwards. */
static void lcs(const struct line *a, size_t n, const struct line *b, size_t m,
		struct edits *e)
{
	size_t w = m + 1;
	uint32_t *t = xcalloc(size_mul(n + 1, w), sizeof(*t));
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			t[i * w + j] = same(&a[i], &b[j])
				? t[(i + 1) * w + j + 1] + 1
				: (t[(i + 1) * w + j] > t[i * w + j + 1]
					   ? t[(i + 1) * w + j] : t[i * w + j + 1]);
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && same(&a[i], &b[j])) {
			push(e, OP_SAME, &a[i]);
			i++, j++;
		} else if (j < m && (i == n || t[i * w + j + 1] >= t[(i + 1) * w + j])) {
			push(e, OP_ADD, &b[j++]);
		} else {
			push(e, OP_DEL, &a[i++]);
		}
	}
	free(t);
}

static void diff(const struct lines *a, const struct lines *b, struct edits *e)
{
	size_t pre = 0, suf = 0;
	while (pre < a->nr && pre < b->nr && same(&a->v[pre], &b->v[pre]))
		pre++;
	while (suf < a->nr - pre && suf < b->nr - pre &&
	       same(&a->v[a->nr - 1 - suf], &b->v[b->nr - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		push(e, OP_SAME, &a->v[i]);
	size_t n = a->nr - pre - suf, m = b->nr - pre - suf;
	if ((n + 1) * (m + 1) <= STEPDIFF_MAX_CELLS) {
		lcs(a->v + pre, n, b->v + pre, m, e);
	} else {
		for (size_t i = 0; i < n; i++)
			push(e, OP_DEL, &a->v[pre + i]);
		for (size_t j = 0; j < m; j++)
			push(e, OP_ADD, &b->v[pre + j]);
	}
	for (size_t i = a->nr - suf; i < a->nr; i++)
		push(e, OP_SAME, &a->v[i]);
}

/* Whether edit k is within STEPDIFF_CONTEXT lines of a change. */
static int near_change(const struct edits *e, size_t k)
{
	size_t lo = k > STEPDIFF_CONTEXT ? k - STEPDIFF_CONTEXT : 0;
	size_t hi = k + STEPDIFF_CONTEXT;
	for (size_t i = lo; i <= hi && i < e->nr; i++)
		if (e->v[i].op != OP_SAME)
			return 1;
	return 0;
}

static void emit_line(const struct edit *ed, const char *lang, struct buf *out)
{
	static const char *const cls[] = { "d-same", "d-del", "d-add" };
	static const char *const mark[] = { " ", "-", "+" };
	buf_addf(out, "<span class=\"%s\"><span class=\"d-mark\" aria-hidden=\"true\">%s</span>",
		 cls[ed->op], mark[ed->op]);
	if (ed->op == OP_DEL)
		buf_adds(out, "<del>");
	else if (ed->op == OP_ADD)
		buf_adds(out, "<ins>");
	highlight_code(lang, ed->line->s, ed->line->n, out);
	if (ed->op == OP_DEL)
		buf_adds(out, "</del>");
	else if (ed->op == OP_ADD)
		buf_adds(out, "</ins>");
	buf_adds(out, "\n</span>");
}

static void emit(const struct edits *e, const char *lang, struct buf *out)
{
	buf_adds(out, "<pre class=\"diff\"><code>");
	size_t skipped = 0;
	for (size_t k = 0; k < e->nr; k++) {
		if (e->v[k].op == OP_SAME && !near_change(e, k)) {
			skipped++;
			continue;
		}
		if (skipped)
			buf_addf(out, "<span class=\"d-fold\">\xe2\x8b\xaf %zu unchanged line%s\n</span>",
				 skipped, skipped == 1 ? "" : "s");
		skipped = 0;
		emit_line(&e->v[k], lang, out);
	}
	if (skipped)
		buf_addf(out, "<span class=\"d-fold\">\xe2\x8b\xaf %zu unchanged line%s\n</span>",
			 skipped, skipped == 1 ? "" : "s");
	buf_adds(out, "</code></pre>\n");
}

void stepdiff_html(const char *a, size_t alen, const char *b, size_t blen,
		   const char *lang, struct buf *out, struct stepdiff_stats *st)
{
	struct lines la = { 0 }, lb = { 0 };
	struct edits e = { 0 };
	split(a, alen, &la);
	split(b, blen, &lb);
	diff(&la, &lb, &e);
	st->added = st->removed = 0;
	for (size_t k = 0; k < e.nr; k++) {
		st->added += e.v[k].op == OP_ADD;
		st->removed += e.v[k].op == OP_DEL;
	}
	emit(&e, lang, out);
	free(la.v);
	free(lb.v);
	free(e.v);
}
