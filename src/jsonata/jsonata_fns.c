/* jsonata_fns.c - the built-in functions of JSONata 2.0.6 and their
 * registry table {name, signature, function, declared arity}.  Arguments
 * arrive checked against the signature (jsonata_sig.c), so each function
 * only handles undefined and the value rules jsonata-js applies.  Lengths
 * and substrings count Unicode code points, as jsonata-js does; regex
 * offsets are reported in UTF-16 units, as JavaScript's RegExp reports them.
 * Not here: the picture-string functions (jsonata_fns_picture.c). */
#include "jsonata_impl.h"
#include "hexdigit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

#define TRY(x) do { if ((x) < 0) return -1; } while (0)
#define ARG(i) ((i) < argc ? argv[i] : NULL)
#define FN(name) static int name(struct jsonata_eval *ev, jv **argv, \
				 size_t argc, jv *input, jv **out)
#define UNUSED_ARGS (void)ev; (void)argv; (void)argc; (void)input

/* ---- helpers ------------------------------------------------------------- */

static size_t cp_len(const jv *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->len; i++)
		n += ((unsigned char)s->u.s.p[i] & 0xC0) != 0x80;
	return n;
}

/* Byte offset of code point k (clamped). */
static size_t cp_off(const jv *s, size_t k)
{
	size_t i = 0;
	while (i < s->len && k > 0) {
		i++;
		while (i < s->len && ((unsigned char)s->u.s.p[i] & 0xC0) == 0x80)
			i++;
		k--;
	}
	return i;
}

static jv *sub(struct jsonata_eval *ev, const jv *s, size_t from, size_t to)
{
	return jv_str(ev, s->u.s.p + from, to - from);
}

static int hof_call(struct jsonata_eval *ev, jv *fn, jv *a1, jv *a2, jv *a3,
		    jv **out)
{
	jv *args[3] = { a1, a2, a3 };
	size_t ar = jsonata_func_arity(fn);
	size_t n = ar >= 3 ? 3 : ar >= 2 ? 2 : 1;
	return jsonata_apply(ev, fn, args, n, NULL, out);
}

static int str_limit(struct jsonata_eval *ev, size_t len)
{
	if (len > JSONATA_MAX_STRING)
		return jsonata_failf(ev, "D1099", JSONATA_NOPOS, "",
				     "A string longer than %zu bytes cannot be built",
				     (size_t)JSONATA_MAX_STRING);
	return 0;
}

static const char *find_str(const jv *hay, size_t from, const jv *needle)
{
	if (needle->len == 0)
		return hay->u.s.p + from;
	if (from > hay->len)
		return NULL;
	const char *p = hay->u.s.p + from;
	size_t left = hay->len - from;
	while (left >= needle->len) {
		const char *q = memchr(p, needle->u.s.p[0], left - needle->len + 1);
		if (!q)
			return NULL;
		if (memcmp(q, needle->u.s.p, needle->len) == 0)
			return q;
		left -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return NULL;
}

/* ---- aggregation --------------------------------------------------------- */

FN(fn_sum)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = NULL;
	if (!a)
		return 0;
	double t = 0;
	for (size_t i = 0; i < a->len; i++)
		t += a->u.a.items[i]->u.n;
	*out = jv_num(ev, t);
	return 0;
}

FN(fn_count)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = jv_num(ev, a ? (double)a->len : 0);
	return 0;
}

static int minmax(struct jsonata_eval *ev, jv *a, int max, jv **out)
{
	*out = NULL;
	if (!a || a->len == 0)
		return 0;
	double m = a->u.a.items[0]->u.n;
	for (size_t i = 1; i < a->len; i++) {
		double v = a->u.a.items[i]->u.n;
		if (max ? v > m : v < m)
			m = v;
	}
	*out = jv_num(ev, m);
	return 0;
}

FN(fn_max) { UNUSED_ARGS; return minmax(ev, ARG(0), 1, out); }
FN(fn_min) { UNUSED_ARGS; return minmax(ev, ARG(0), 0, out); }

FN(fn_average)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = NULL;
	if (!a || a->len == 0)
		return 0;
	double t = 0;
	for (size_t i = 0; i < a->len; i++)
		t += a->u.a.items[i]->u.n;
	*out = jv_num(ev, t / (double)a->len);
	return 0;
}

/* ---- strings ------------------------------------------------------------- */

/* An integer below 1e15 as $string writes it (plain digits, as
 * JavaScript prints every integer below 1e21, and toPrecision(15) keeps
 * it): written straight into the arena, the common case of $string. */
static jv *int_string(struct jsonata_eval *ev, double d)
{
	char tmp[24], *w = tmp + sizeof(tmp);
	unsigned long long u = (unsigned long long)fabs(d);
	do {
		*--w = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (d < 0)
		*--w = '-';
	return jv_str(ev, w, (size_t)(tmp + sizeof(tmp) - w));
}

FN(fn_string)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = NULL;
	if (!a)
		return 0;
	if (a->type == JV_STR) {
		*out = a;
		return 0;
	}
	if (a->type == JV_NUM && a->u.n == floor(a->u.n) && fabs(a->u.n) < 1e15) {
		*out = int_string(ev, a->u.n);
		return 0;
	}
	struct buf b = BUF_INIT;
	int rc = jsonata_stringify(ev, a, ARG(1) && ARG(1)->u.b, &b);
	if (rc == 0)
		*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return rc;
}

FN(fn_length)
{
	UNUSED_ARGS;
	*out = ARG(0) ? jv_num(ev, (double)cp_len(ARG(0))) : NULL;
	return 0;
}

FN(fn_substring)
{
	UNUSED_ARGS;
	jv *s = ARG(0);
	*out = NULL;
	if (!s)
		return 0;
	double len = (double)cp_len(s);
	double start = ARG(1) ? trunc(ARG(1)->u.n) : 0;
	if (len + start < 0)
		start = 0;
	if (start < 0)
		start += len;
	double end = len;
	if (ARG(2)) {
		double l = trunc(ARG(2)->u.n);
		if (l <= 0 || isnan(l)) {
			*out = jv_str(ev, "", 0);
			return 0;
		}
		end = start + l;
	}
	if (start > len)
		start = len;
	if (end > len)
		end = len;
	if (end < start)
		end = start;
	*out = sub(ev, s, cp_off(s, (size_t)start), cp_off(s, (size_t)end));
	return 0;
}

FN(fn_substring_before)
{
	UNUSED_ARGS;
	jv *s = ARG(0), *c = ARG(1);
	*out = NULL;
	if (!s)
		return 0;
	const char *p = c ? find_str(s, 0, c) : NULL;
	*out = p ? sub(ev, s, 0, (size_t)(p - s->u.s.p)) : s;
	return 0;
}

FN(fn_substring_after)
{
	UNUSED_ARGS;
	jv *s = ARG(0), *c = ARG(1);
	*out = NULL;
	if (!s)
		return 0;
	const char *p = c ? find_str(s, 0, c) : NULL;
	*out = p ? sub(ev, s, (size_t)(p - s->u.s.p) + c->len, s->len) : s;
	return 0;
}

static uint32_t map_case(uint32_t c, int upper)
{
	if (upper) {
		if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7) ||
		    (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) || (c >= 0x430 && c <= 0x44F))
			return c - (c >= 0x430 ? 0x20 : c >= 0x3B1 ? 0x20 : 0x20);
		if (c >= 0x450 && c <= 0x45F)
			return c - 0x50;
		if (c >= 0x100 && c <= 0x17F && (c & 1) && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F)
			return c - 1;
		if (c == 0xFF)
			return 0x178;
		return c;
	}
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
	    (c >= 0x391 && c <= 0x3A9) || (c >= 0x410 && c <= 0x42F))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	if (c >= 0x100 && c <= 0x17F && !(c & 1) && c != 0x130 && c != 0x138)
		return c + 1;
	if (c == 0x178)
		return 0xFF;
	return c;
}

static uint32_t utf8_next(const char *s, size_t len, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	uint32_t cp;
	size_t n;
	if (c < 0x80) { cp = c; n = 1; }
	else if (c < 0xE0) { cp = c & 0x1F; n = 2; }
	else if (c < 0xF0) { cp = c & 0x0F; n = 3; }
	else { cp = c & 0x07; n = 4; }
	for (size_t k = 1; k < n && *i + k < len; k++)
		cp = (cp << 6) | ((unsigned char)s[*i + k] & 0x3F);
	*i += n;
	return cp;
}

static int change_case(struct jsonata_eval *ev, jv *s, int upper, jv **out)
{
	*out = NULL;
	if (!s)
		return 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < s->len;) {
		uint32_t cp = utf8_next(s->u.s.p, s->len, &i);
		if (upper && cp == 0xDF) {
			buf_adds(&b, "SS");
			continue;
		}
		jsonata_utf8_put(&b, map_case(cp, upper));
	}
	*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return 0;
}

FN(fn_lowercase) { UNUSED_ARGS; return change_case(ev, ARG(0), 0, out); }
FN(fn_uppercase) { UNUSED_ARGS; return change_case(ev, ARG(0), 1, out); }

FN(fn_trim)
{
	UNUSED_ARGS;
	jv *s = ARG(0);
	*out = NULL;
	if (!s)
		return 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < s->len; i++) {
		char c = s->u.s.p[i];
		int ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
		if (!ws) {
			buf_addc(&b, c);
			continue;
		}
		while (i + 1 < s->len && strchr(" \t\n\r", s->u.s.p[i + 1]) && s->u.s.p[i + 1])
			i++;
		buf_addc(&b, ' ');
	}
	size_t from = b.len && b.ptr[0] == ' ' ? 1 : 0;
	size_t to = b.len > from && b.ptr[b.len - 1] == ' ' ? b.len - 1 : b.len;
	*out = jv_str(ev, b.ptr + from, to - from);
	buf_release(&b);
	return 0;
}

FN(fn_pad)
{
	UNUSED_ARGS;
	jv *s = ARG(0), *w = ARG(1), *c = ARG(2);
	*out = NULL;
	if (!s || !w) {
		*out = s;
		return 0;
	}
	const char *pc = c && c->len ? c->u.s.p : " ";
	jv padv = { .type = JV_STR, .len = c && c->len ? c->len : 1, .u.s = { pc } };
	double width = w ? trunc(fabs(w->u.n)) : 0;
	double need = width - (double)cp_len(s);
	if (need <= 0) {
		*out = s;
		return 0;
	}
	/* compared as a double first: a width like 1e69 overflows size_t */
	TRY(str_limit(ev, need > (double)JSONATA_MAX_STRING ? JSONATA_MAX_STRING + 1
							    : (size_t)need * 4));
	struct buf pad = BUF_INIT;
	/* a pad of stray continuation bytes (invalid UTF-8 in the
	 * expression, found by fuzz_jsonata_eval) counts as one character */
	size_t pclen = cp_len(&padv) ? cp_len(&padv) : 1;
	for (size_t k = 0; k < (size_t)need; k++) {
		size_t ci = k % pclen;
		size_t a = cp_off(&padv, ci), bb = cp_off(&padv, ci + 1);
		buf_add(&pad, pc + a, bb - a);
	}
	struct buf b = BUF_INIT;
	if (w->u.n < 0)
		buf_add(&b, pad.ptr, pad.len);
	buf_add(&b, s->u.s.p, s->len);
	if (w->u.n >= 0)
		buf_add(&b, pad.ptr, pad.len);
	*out = jv_str_buf(ev, &b);
	buf_release(&b);
	buf_release(&pad);
	return 0;
}

/* ---- regex-driven string functions --------------------------------------- */

/* The next match of fn (a regex value) in s at byte 'from'; 1 found. */
static int next_match(struct jsonata_eval *ev, const jv *fn, const jv *s,
		      size_t from, struct jsonata_match *m)
{
	if (from > s->len)
		return 0;
	if (!jv_is_func(fn) || fn->u.f->kind != JF_REGEX)
		return jsonata_fail(ev, "T1010", JSONATA_NOPOS, "", NULL);
	return jsonata_regex_exec(ev, fn->u.f->regex, s->u.s.p, s->len, from, m);
}

static int is_regex(const jv *v)
{
	return jv_is_func(v) && v->u.f->kind == JF_REGEX;
}

/* Byte offset after a match, stepping past an empty match. */
static int advance_after(struct jsonata_eval *ev, const jv *s,
			 const struct jsonata_match *m, size_t *from)
{
	if (m->end > m->start) {
		*from = m->end;
		return 0;
	}
	if (m->end >= s->len) {
		*from = s->len + 1;
		return 0;
	}
	return jsonata_fail(ev, "D1004", JSONATA_NOPOS, "", NULL);
}

static jv *match_object(struct jsonata_eval *ev, const jv *s,
			const struct jsonata_match *m, int with_index)
{
	jv *o = jv_obj(ev);
	jv_set(ev, o, "match", 5, sub(ev, s, m->start, m->end));
	if (with_index) {
		jv_set(ev, o, "index", 5,
		       jv_num(ev, (double)jsonata_utf16_len(s->u.s.p, m->start)));
	} else {
		jv_set(ev, o, "start", 5,
		       jv_num(ev, (double)jsonata_utf16_len(s->u.s.p, m->start)));
		jv_set(ev, o, "end", 3,
		       jv_num(ev, (double)jsonata_utf16_len(s->u.s.p, m->end)));
	}
	jv *g = jv_arr(ev, m->ngroups);
	for (size_t i = 0; i < m->ngroups; i++)
		jv_push(ev, g, m->gs[i] == SIZE_MAX ? NULL : sub(ev, s, m->gs[i], m->ge[i]));
	jv_set(ev, o, "groups", 6, g);
	return o;
}

/* A matcher written in JSONata: called with the string, it returns
 * {match, start, end, groups, next} and next() the following match. */
static int custom_match(struct jsonata_eval *ev, jv *s, jv *fn, jv *lim,
			jv *result)
{
	jv *m;
	TRY(jsonata_apply(ev, fn, &s, 1, NULL, &m));
	for (double count = 0; m && (!lim || count < lim->u.n); count++) {
		jv *mt = m->type == JV_OBJ ? jv_get(m, "match", 5) : NULL;
		jv *st = m->type == JV_OBJ ? jv_get(m, "start", 5) : NULL;
		jv *gr = m->type == JV_OBJ ? jv_get(m, "groups", 6) : NULL;
		jv *next = m->type == JV_OBJ ? jv_get(m, "next", 4) : NULL;
		if (!mt || !st || !gr || !jv_is_func(next))
			return jsonata_fail(ev, "T1010", JSONATA_NOPOS, "", NULL);
		jv *o = jv_obj(ev);
		jv_set(ev, o, "match", 5, mt);
		jv_set(ev, o, "index", 5, st);
		jv_set(ev, o, "groups", 6, gr);
		jv_push(ev, result, o);
		TRY(jsonata_apply(ev, next, NULL, 0, NULL, &m));
	}
	return 0;
}

FN(fn_match)
{
	UNUSED_ARGS;
	jv *s = ARG(0), *re = ARG(1), *lim = ARG(2);
	*out = NULL;
	if (!s)
		return 0;
	if (lim && lim->u.n < 0)
		return jsonata_fail(ev, "D3040", JSONATA_NOPOS, "", lim);
	jv *result = jv_seq(ev);
	*out = result;
	if (!is_regex(re))
		return custom_match(ev, s, re, lim, result);
	size_t from = 0;
	struct jsonata_match m;
	for (double count = 0; !lim || count < lim->u.n; count++) {
		int rc = next_match(ev, re, s, from, &m);
		TRY(rc);
		if (!rc)
			break;
		jv_push(ev, result, match_object(ev, s, &m, 1));
		TRY(advance_after(ev, s, &m, &from));
	}
	*out = result;
	return 0;
}

FN(fn_contains)
{
	UNUSED_ARGS;
	jv *s = ARG(0), *t = ARG(1);
	*out = NULL;
	if (!s)
		return 0;
	if (jv_is_str(t)) {
		*out = JV_BOOLV(find_str(s, 0, t) != NULL);
		return 0;
	}
	if (!is_regex(t))
		return 0;
	struct jsonata_match m;
	int rc = next_match(ev, t, s, 0, &m);
	TRY(rc);
	*out = JV_BOOLV(rc);
	return 0;
}

FN(fn_split)
{
	UNUSED_ARGS;
	jv *s = ARG(0), *sep = ARG(1), *lim = ARG(2);
	*out = NULL;
	if (!s)
		return 0;
	if (lim && lim->u.n < 0)
		return jsonata_fail(ev, "D3020", JSONATA_NOPOS, "", lim);
	double limit = lim ? floor(lim->u.n) : INFINITY;
	jv *result = jv_arr(ev, 0);
	if (!sep) {
		if (limit > 0)
			jv_push(ev, result, s);
		*out = result;
		return 0;
	}
	if (jv_is_str(sep) && sep->len == 0) {
		size_t n = cp_len(s);
		for (size_t k = 0; k < n && (double)result->len < limit; k++)
			jv_push(ev, result, sub(ev, s, cp_off(s, k), cp_off(s, k + 1)));
		*out = result;
		return 0;
	}
	size_t from = 0;
	while ((double)result->len < limit) {
		size_t at, after;
		if (jv_is_str(sep)) {
			const char *p = find_str(s, from, sep);
			if (!p)
				break;
			at = (size_t)(p - s->u.s.p);
			after = at + sep->len;
		} else {
			struct jsonata_match m;
			int rc = next_match(ev, sep, s, from, &m);
			TRY(rc);
			if (!rc)
				break;
			at = m.start;
			after = m.end;
			if (after == at) {
				if (at >= s->len)
					break;
				after = at + 1; /* empty separator: split per character */
				while (after < s->len && ((unsigned char)s->u.s.p[after] & 0xC0) == 0x80)
					after++;
				at = after;
				jv_push(ev, result, sub(ev, s, from, at));
				from = after;
				continue;
			}
		}
		jv_push(ev, result, sub(ev, s, from, at));
		from = after;
	}
	if ((double)result->len < limit)
		jv_push(ev, result, sub(ev, s, from, s->len));
	*out = result;
	return 0;
}

FN(fn_join)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *sep = ARG(1);
	*out = NULL;
	if (!a)
		return 0;
	/* measured first, then written once where it stays: a long join
	 * costs its length, not a growing buffer and a copy */
	size_t len = 0, seplen = sep ? sep->len : 0;
	for (size_t i = 0; i < a->len; i++) {
		len += (i ? seplen : 0) + a->u.a.items[i]->len;
		if (len > JSONATA_MAX_STRING)
			return str_limit(ev, len);
	}
	char *text = jsonata_arena_alloc(&ev->arena, len + 1), *w = text;
	for (size_t i = 0; i < a->len; i++) {
		if (i && seplen) {
			memcpy(w, sep->u.s.p, seplen);
			w += seplen;
		}
		memcpy(w, a->u.a.items[i]->u.s.p, a->u.a.items[i]->len);
		w += a->u.a.items[i]->len;
	}
	*out = jv_str_borrow(ev, text, len);
	return 0;
}

/* $n in a replacement string, as jsonata-js reads it. */
static void substitute(const jv *rep, const jv *s, const struct jsonata_match *m,
		       struct buf *b)
{
	const char *r = rep->u.s.p;
	size_t n = rep->len;
	for (size_t i = 0; i < n; i++) {
		if (r[i] != '$' || i + 1 >= n) {
			buf_addc(b, r[i]);
			continue;
		}
		char d = r[i + 1];
		if (d == '$') {
			buf_addc(b, '$');
			i++;
		} else if (d == '0') {
			buf_add(b, s->u.s.p + m->start, m->end - m->start);
			i++;
		} else if (d >= '1' && d <= '9') {
			size_t maxd = m->ngroups == 0 ? 1 : (size_t)floor(log10((double)m->ngroups)) + 1;
			size_t idx = 0, k = 0;
			while (k < maxd && i + 1 + k < n && r[i + 1 + k] >= '0' && r[i + 1 + k] <= '9')
				idx = idx * 10 + (size_t)(r[i + 1 + k++] - '0');
			if (maxd > 1 && idx > m->ngroups) {
				idx /= 10;
				k--;
			}
			if (idx >= 1 && idx <= m->ngroups && m->gs[idx - 1] != SIZE_MAX)
				buf_add(b, s->u.s.p + m->gs[idx - 1], m->ge[idx - 1] - m->gs[idx - 1]);
			i += k;
		} else {
			buf_addc(b, '$');
		}
	}
}

static int replace_one(struct jsonata_eval *ev, const jv *s, jv *rep,
		       const struct jsonata_match *m, struct buf *b)
{
	if (jv_is_str(rep)) {
		substitute(rep, s, m, b);
		return 0;
	}
	jv *mo = match_object(ev, s, m, 0), *res;
	TRY(jsonata_apply(ev, rep, &mo, 1, NULL, &res));
	if (!jv_is_str(res))
		return jsonata_fail(ev, "D3012", JSONATA_NOPOS, "", res);
	buf_add(b, res->u.s.p, res->len);
	return 0;
}

static int replace_regex(struct jsonata_eval *ev, jv *s, jv *pat, jv *rep,
			 double limit, struct buf *b)
{
	size_t from = 0, pos = 0;
	struct jsonata_match m;
	for (double count = 0; count < limit; count++) {
		int rc = next_match(ev, pat, s, from, &m);
		TRY(rc);
		if (!rc)
			break;
		buf_add(b, s->u.s.p + pos, m.start - pos);
		TRY(replace_one(ev, s, rep, &m, b));
		pos = m.end;
		TRY(advance_after(ev, s, &m, &from));
		TRY(str_limit(ev, b->len));
	}
	buf_add(b, s->u.s.p + pos, s->len - pos);
	return 0;
}

FN(fn_replace)
{
	UNUSED_ARGS;
	jv *s = ARG(0), *pat = ARG(1), *rep = ARG(2), *lim = ARG(3);
	*out = NULL;
	if (!s)
		return 0;
	if (jv_is_str(pat) && pat->len == 0)
		return jsonata_fail(ev, "D3010", JSONATA_NOPOS, "", pat);
	if (lim && lim->u.n < 0)
		return jsonata_fail(ev, "D3011", JSONATA_NOPOS, "", lim);
	double limit = lim ? lim->u.n : INFINITY;
	struct buf b = BUF_INIT;
	int rc = 0;
	if (jv_is_str(pat)) {
		size_t pos = 0;
		const char *p;
		for (double count = 0; count < limit && (p = find_str(s, pos, pat)); count++) {
			size_t at = (size_t)(p - s->u.s.p);
			buf_add(&b, s->u.s.p + pos, at - pos);
			if (jv_is_str(rep))
				buf_add(&b, rep->u.s.p, rep->len);
			pos = at + pat->len;
			if ((rc = str_limit(ev, b.len)) < 0)
				break;
		}
		buf_add(&b, s->u.s.p + pos, s->len - pos);
	} else {
		rc = replace_regex(ev, s, pat, rep, limit, &b);
	}
	if (rc == 0)
		*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return rc;
}

/* ---- encodings ----------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

FN(fn_base64encode)
{
	UNUSED_ARGS;
	jv *s = ARG(0);
	*out = NULL;
	if (!s)
		return 0;
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s->u.s.p;
	for (size_t i = 0; i < s->len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < s->len) v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < s->len) v |= p[i + 2];
		buf_addc(&b, b64[(v >> 18) & 63]);
		buf_addc(&b, b64[(v >> 12) & 63]);
		buf_addc(&b, i + 1 < s->len ? b64[(v >> 6) & 63] : '=');
		buf_addc(&b, i + 2 < s->len ? b64[v & 63] : '=');
	}
	*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return 0;
}

FN(fn_base64decode)
{
	UNUSED_ARGS;
	jv *s = ARG(0);
	*out = NULL;
	if (!s)
		return 0;
	struct buf b = BUF_INIT;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < s->len; i++) {
		const char *k = strchr(b64, s->u.s.p[i]);
		if (!k || !s->u.s.p[i])
			continue;
		acc = (acc << 6) | (uint32_t)(k - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((acc >> bits) & 0xFF));
		}
	}
	*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return 0;
}

static int has_lone_surrogate(const jv *s)
{
	for (size_t i = 0; i + 2 < s->len; i++)
		if ((unsigned char)s->u.s.p[i] == 0xED && ((unsigned char)s->u.s.p[i + 1] & 0xE0) == 0xA0)
			return 1;
	return 0;
}

static int encode_url(struct jsonata_eval *ev, jv *s, const char *keep, jv **out)
{
	*out = NULL;
	if (!s)
		return 0;
	if (has_lone_surrogate(s))
		return jsonata_fail(ev, "D3140", JSONATA_NOPOS, "", s);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->u.s.p[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c && strchr(keep, c)))
			buf_addc(&b, (char)c);
		else
			buf_addf(&b, "%%%02X", c);
	}
	*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return 0;
}

FN(fn_encode_url_component) { UNUSED_ARGS; return encode_url(ev, ARG(0), "-_.!~*'()", out); }
FN(fn_encode_url) { UNUSED_ARGS; return encode_url(ev, ARG(0), "-_.!~*'();/?:@&=+$,#", out); }

static int decode_url(struct jsonata_eval *ev, jv *s, const char *reserved, jv **out)
{
	*out = NULL;
	if (!s)
		return 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < s->len; i++) {
		char c = s->u.s.p[i];
		if (c != '%') {
			buf_addc(&b, c);
			continue;
		}
		int h = i + 2 < s->len ? (int)strtol((char[]){ s->u.s.p[i + 1], s->u.s.p[i + 2], 0 }, NULL, 16) : -1;
		if (i + 2 >= s->len || !strchr("0123456789abcdefABCDEF", s->u.s.p[i + 1]) ||
		    !strchr("0123456789abcdefABCDEF", s->u.s.p[i + 2]) || !s->u.s.p[i + 1] || !s->u.s.p[i + 2]) {
			buf_release(&b);
			return jsonata_fail(ev, "D3140", JSONATA_NOPOS, "", s);
		}
		if (h < 0x80 && h && strchr(reserved, h))
			buf_add(&b, s->u.s.p + i, 3);
		else
			buf_addc(&b, (char)h);
		i += 2;
	}
	/* a malformed UTF-8 sequence is a URIError in JavaScript */
	for (size_t i = 0; i < b.len;) {
		unsigned char c = (unsigned char)b.ptr[i];
		size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
		int ok = n > 0 && i + n <= b.len;
		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)b.ptr[i + k] & 0xC0) == 0x80;
		if (!ok) {
			buf_release(&b);
			return jsonata_fail(ev, "D3140", JSONATA_NOPOS, "", s);
		}
		i += n;
	}
	*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return 0;
}

FN(fn_decode_url_component) { UNUSED_ARGS; return decode_url(ev, ARG(0), "", out); }
FN(fn_decode_url) { UNUSED_ARGS; return decode_url(ev, ARG(0), ";/?:@&=+$,#", out); }

/* ---- numbers --------------------------------------------------------------- */

static int parse_js_number(const jv *s, double *out)
{
	const char *p = s->u.s.p;
	size_t n = s->len, i = 0;
	if (n > 2 && p[0] == '0' && strchr("xXoObB", p[1]) && p[1]) {
		int base = strchr("xX", p[1]) ? 16 : strchr("oO", p[1]) ? 8 : 2;
		double v = 0;
		for (i = 2; i < n; i++) {
			int d = hex_digit(p[i]);
			if (d < 0 || d >= base)
				return -1;
			v = v * base + d;
		}
		*out = v;
		return 0;
	}
	if (i < n && p[i] == '-')
		i++;
	size_t digits = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++, digits++;
	if (!digits)
		return -1;
	if (i < n && p[i] == '.') {
		i++;
		size_t fd = 0;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++, fd++;
		if (!fd)
			return -1;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		size_t ed = 0;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++, ed++;
		if (!ed)
			return -1;
	}
	if (i != n)
		return -1;
	*out = strtod(p, NULL);
	return isfinite(*out) ? 0 : -1;
}

FN(fn_number)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = NULL;
	if (!a)
		return 0;
	double d;
	switch (a->type) {
	case JV_NUM: *out = a; return 0;
	case JV_BOOL: *out = jv_num(ev, a->u.b ? 1 : 0); return 0;
	case JV_STR:
		if (parse_js_number(a, &d) == 0) {
			*out = jv_num(ev, d);
			return 0;
		}
		/* fall through */
	default:
		return jsonata_fail(ev, "D3030", JSONATA_NOPOS, "", a);
	}
}

static int num1(struct jsonata_eval *ev, jv *a, double (*f)(double), jv **out)
{
	*out = a ? jv_num(ev, f(a->u.n)) : NULL;
	return 0;
}

static double js_round0(double x)
{
	return floor(x + 0.5);
}

FN(fn_abs) { UNUSED_ARGS; return num1(ev, ARG(0), fabs, out); }
FN(fn_floor) { UNUSED_ARGS; return num1(ev, ARG(0), floor, out); }
FN(fn_ceil) { UNUSED_ARGS; return num1(ev, ARG(0), ceil, out); }

/* Shifts the decimal point of x by e places through its text, as jsonata-js
 * does ("1.5e3" -> "1.5e5"), so no binary rounding creeps in. */
static double shift_decimal(double x, double e)
{
	char t[32], u[48];
	jsonata_num_js(x, t);
	char *ep = strchr(t, 'e');
	double exp = e;
	if (ep) {
		exp += strtod(ep + 1, NULL);
		*ep = '\0';
	}
	snprintf(u, sizeof(u), "%se%.0f", t, exp);
	return strtod(u, NULL);
}

FN(fn_round)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *p = ARG(1);
	*out = NULL;
	if (!a)
		return 0;
	double prec = p ? trunc(p->u.n) : 0;
	double x = a->u.n;
	if (prec != 0)
		x = shift_decimal(x, prec);
	double r = js_round0(x);
	if (fabs(r - x) == 0.5 && fabs(fmod(r, 2)) == 1)
		r -= 1;
	if (prec != 0)
		r = shift_decimal(r, -prec);
	if (r == 0)
		r = 0;
	*out = jv_num(ev, r);
	return 0;
}

FN(fn_sqrt)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = NULL;
	if (!a)
		return 0;
	if (a->u.n < 0)
		return jsonata_fail(ev, "D3060", JSONATA_NOPOS, "", a);
	*out = jv_num(ev, sqrt(a->u.n));
	return 0;
}

FN(fn_power)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *e = ARG(1);
	*out = NULL;
	if (!a || !e)
		return 0;
	double r = pow(a->u.n, e->u.n);
	if (!isfinite(r))
		return jsonata_fail(ev, "D3061", JSONATA_NOPOS, "", a);
	*out = jv_num(ev, r);
	return 0;
}

FN(fn_random)
{
	UNUSED_ARGS;
	*out = jv_num(ev, rng_double(&ev->rng));
	return 0;
}

/* ---- booleans ------------------------------------------------------------- */

static int truthy_fn(const jv *v)
{
	if (jv_is_func(v))
		return 0;
	if (jv_is_array(v) && v->len == 1)
		return truthy_fn(v->u.a.items[0]);
	if (jv_is_array(v)) {
		for (size_t i = 0; i < v->len; i++)
			if (truthy_fn(v->u.a.items[i]))
				return 1;
		return 0;
	}
	return jv_truthy(v);
}

FN(fn_boolean) { UNUSED_ARGS; *out = ARG(0) ? JV_BOOLV(truthy_fn(ARG(0))) : NULL; return 0; }
FN(fn_not) { UNUSED_ARGS; *out = ARG(0) ? JV_BOOLV(!truthy_fn(ARG(0))) : NULL; return 0; }
FN(fn_exists) { UNUSED_ARGS; *out = JV_BOOLV(ARG(0) != NULL); return 0; }

/* ---- arrays ----------------------------------------------------------------- */

FN(fn_append) { UNUSED_ARGS; *out = jsonata_append(ev, ARG(0), ARG(1)); return 0; }

FN(fn_reverse)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = a;
	if (!a || a->len <= 1)
		return 0;
	jv *r = jv_arr(ev, a->len);
	for (size_t i = a->len; i > 0; i--)
		jv_push(ev, r, a->u.a.items[i - 1]);
	*out = r;
	return 0;
}

FN(fn_shuffle)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = a;
	if (!a || a->len <= 1)
		return 0;
	jv *r = jv_arr(ev, a->len);
	memcpy(r->u.a.items, a->u.a.items, a->len * sizeof(jv *));
	r->len = a->len;
	for (size_t i = r->len - 1; i > 0; i--) {
		size_t j = (size_t)rng_range(&ev->rng, 0, (int64_t)i);
		jv *t = r->u.a.items[i];
		r->u.a.items[i] = r->u.a.items[j];
		r->u.a.items[j] = t;
	}
	*out = r;
	return 0;
}

FN(fn_distinct)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = a;
	if (!jv_is_array(a) || a->len <= 1)
		return 0;
	jv *r = jv_is_seq(a) ? jv_seq(ev) : jv_arr(ev, 0);
	for (size_t i = 0; i < a->len; i++) {
		int dup = 0;
		for (size_t k = 0; k < r->len && !dup; k++)
			dup = jv_equal(a->u.a.items[i], r->u.a.items[k]);
		if (!dup)
			jv_push(ev, r, a->u.a.items[i]);
	}
	*out = r;
	return 0;
}

struct usort {
	struct jsonata_eval *ev;
	jv *fn;
	int failed;
};

/* 1 when a must come after b. */
static int usort_after(struct usort *u, jv *a, jv *b)
{
	if (u->failed)
		return 0;
	if (!u->fn) {
		if (a->type == JV_NUM)
			return a->u.n > b->u.n;
		return jv_strcmp(a, b) > 0;
	}
	jv *args[2] = { a, b }, *r;
	if (jsonata_apply(u->ev, u->fn, args, 2, NULL, &r) < 0) {
		u->failed = 1;
		return 0;
	}
	return jv_truthy(r);
}

static void usort_merge(struct usort *u, jv **v, jv **tmp, size_t n)
{
	if (n < 2 || u->failed)
		return;
	size_t h = n / 2;
	usort_merge(u, v, tmp, h);
	usort_merge(u, v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = usort_after(u, v[i], v[j]) ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

FN(fn_sort)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *fn = ARG(1);
	*out = a;
	if (!a || a->len <= 1)
		return 0;
	if (!fn) {
		int nums = 1, strs = 1;
		for (size_t i = 0; i < a->len; i++) {
			nums &= jv_is_num(a->u.a.items[i]);
			strs &= jv_is_str(a->u.a.items[i]);
		}
		if (!nums && !strs)
			return jsonata_fail(ev, "D3070", JSONATA_NOPOS, "", NULL);
	}
	jv *r = jv_arr(ev, a->len);
	memcpy(r->u.a.items, a->u.a.items, a->len * sizeof(jv *));
	r->len = a->len;
	jv **tmp = xmalloc(size_mul(a->len, sizeof(jv *)));
	struct usort u = { ev, fn, 0 };
	usort_merge(&u, r->u.a.items, tmp, r->len);
	free(tmp);
	*out = r;
	return u.failed ? -1 : 0;
}

FN(fn_zip)
{
	UNUSED_ARGS;
	jv *r = jv_arr(ev, 0);
	size_t min = SIZE_MAX;
	for (size_t i = 0; i < argc; i++) {
		size_t n = argv[i] ? argv[i]->len : 0;
		if (n < min)
			min = n;
	}
	for (size_t k = 0; argc && k < min; k++) {
		jv *t = jv_arr(ev, argc);
		for (size_t i = 0; i < argc; i++)
			jv_push(ev, t, argv[i]->u.a.items[k]);
		jv_push(ev, r, t);
	}
	*out = r;
	return 0;
}

/* ---- objects ---------------------------------------------------------------- */

static void keys_into(struct jsonata_eval *ev, jv *v, jv *seen)
{
	if (jv_is_array(v)) {
		for (size_t i = 0; i < v->len; i++)
			keys_into(ev, v->u.a.items[i], seen);
	} else if (v && v->type == JV_OBJ) {
		for (size_t i = 0; i < v->u.o->n; i++)
			if (!jv_get(seen, v->u.o->keys[i].key, v->u.o->keys[i].klen))
				jv_set(ev, seen, v->u.o->keys[i].key, v->u.o->keys[i].klen, JV_NULLV);
	}
}

FN(fn_keys)
{
	UNUSED_ARGS;
	jv *seen = jv_obj(ev), *r = jv_seq(ev);
	keys_into(ev, ARG(0), seen);
	for (size_t i = 0; i < seen->u.o->n; i++)
		jv_push(ev, r, jv_str_borrow(ev, seen->u.o->keys[i].key, seen->u.o->keys[i].klen));
	*out = r;
	return 0;
}

static void lookup_into(struct jsonata_eval *ev, jv *v, jv *key, jv *r, int depth)
{
	if (jv_is_array(v) && depth < JSONATA_MAX_VALUE_DEPTH) {
		for (size_t i = 0; i < v->len; i++)
			lookup_into(ev, v->u.a.items[i], key, r, depth + 1);
	} else if (v && v->type == JV_OBJ) {
		jv *x = jv_get(v, key->u.s.p, key->len);
		if (jv_is_array(x))
			for (size_t i = 0; i < x->len; i++)
				jv_push(ev, r, x->u.a.items[i]);
		else if (x)
			jv_push(ev, r, x);
	}
}

FN(fn_lookup)
{
	UNUSED_ARGS;
	jv *v = ARG(0);
	*out = NULL;
	if (!ARG(1))
		return 0;
	if (v && v->type == JV_OBJ) {
		*out = jv_get(v, ARG(1)->u.s.p, ARG(1)->len);
		return 0;
	}
	if (!jv_is_array(v))
		return 0;
	jv *r = jv_seq(ev);
	lookup_into(ev, v, ARG(1), r, 0);
	*out = r;
	return 0;
}

static void spread_into(struct jsonata_eval *ev, jv *v, jv *r, int depth)
{
	if (jv_is_array(v) && depth < JSONATA_MAX_VALUE_DEPTH) {
		for (size_t i = 0; i < v->len; i++)
			spread_into(ev, v->u.a.items[i], r, depth + 1);
	} else if (v && v->type == JV_OBJ) {
		for (size_t i = 0; i < v->u.o->n; i++) {
			jv *o = jv_obj(ev);
			jv_set(ev, o, v->u.o->keys[i].key, v->u.o->keys[i].klen, v->u.o->vals[i]);
			jv_push(ev, r, o);
		}
	} else if (v) {
		jv_push(ev, r, v);
	}
}

FN(fn_spread)
{
	UNUSED_ARGS;
	jv *v = ARG(0);
	if (!v || (!jv_is_array(v) && v->type != JV_OBJ)) {
		*out = v;
		return 0;
	}
	jv *r = jv_seq(ev);
	spread_into(ev, v, r, 0);
	*out = r;
	return 0;
}

FN(fn_merge)
{
	UNUSED_ARGS;
	jv *a = ARG(0);
	*out = NULL;
	if (!a)
		return 0;
	jv *r = jv_obj(ev);
	for (size_t i = 0; i < a->len; i++) {
		jv *o = a->u.a.items[i];
		for (size_t k = 0; k < o->u.o->n; k++)
			jv_set(ev, r, o->u.o->keys[k].key, o->u.o->keys[k].klen, o->u.o->vals[k]);
	}
	*out = r;
	return 0;
}

FN(fn_each)
{
	UNUSED_ARGS;
	jv *o = ARG(0), *fn = ARG(1);
	*out = NULL;
	if (!o)
		return 0;
	jv *r = jv_seq(ev);
	for (size_t i = 0; i < o->u.o->n; i++) {
		jv *res, *k = jv_str_borrow(ev, o->u.o->keys[i].key, o->u.o->keys[i].klen);
		TRY(hof_call(ev, fn, o->u.o->vals[i], k, o, &res));
		if (res)
			jv_push(ev, r, res);
	}
	*out = r;
	return 0;
}

FN(fn_sift)
{
	UNUSED_ARGS;
	jv *o = ARG(0), *fn = ARG(1);
	*out = NULL;
	if (!o)
		return 0;
	jv *r = jv_obj(ev);
	for (size_t i = 0; i < o->u.o->n; i++) {
		jv *res, *k = jv_str_borrow(ev, o->u.o->keys[i].key, o->u.o->keys[i].klen);
		TRY(hof_call(ev, fn, o->u.o->vals[i], k, o, &res));
		if (jv_truthy(res))
			jv_set(ev, r, o->u.o->keys[i].key, o->u.o->keys[i].klen, o->u.o->vals[i]);
	}
	*out = r->u.o->n ? r : NULL;
	return 0;
}

/* Fails with the author's message, or 'fallback' when there is none or it
 * is empty (jsonata-js's `message || default`).  The message is a C
 * string: a NUL in the text is written as \u0000 instead of ending it. */
static int fail_with_text(struct jsonata_eval *ev, const char *code,
			  const jv *m, const char *fallback)
{
	if (!m || m->len == 0)
		return jsonata_failf(ev, code, JSONATA_NOPOS, "", "%s", fallback);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < m->len && b.len < 512; i++) {
		if (m->u.s.p[i])
			buf_addc(&b, m->u.s.p[i]);
		else
			buf_adds(&b, "\\u0000");
	}
	int rc = jsonata_failf(ev, code, JSONATA_NOPOS, "", "%s", b.ptr);
	buf_release(&b);
	return rc;
}

FN(fn_error)
{
	UNUSED_ARGS;
	*out = NULL;
	return fail_with_text(ev, "D3137", ARG(0), "$error() function evaluated");
}

FN(fn_assert)
{
	UNUSED_ARGS;
	jv *c = ARG(0), *m = ARG(1);
	*out = NULL;
	if (c && c->u.b)
		return 0;
	return fail_with_text(ev, "D3141", m, "$assert() statement failed");
}

FN(fn_type)
{
	UNUSED_ARGS;
	static const char *const names[] = {
		[JV_NULL] = "null", [JV_BOOL] = "boolean", [JV_NUM] = "number",
		[JV_STR] = "string", [JV_ARR] = "array", [JV_OBJ] = "object",
		[JV_FUNC] = "function", [JV_TUPLE] = "object",
	};
	jv *v = ARG(0);
	*out = v ? jv_str_borrow(ev, names[v->type], strlen(names[v->type])) : NULL;
	return 0;
}

FN(fn_clone)
{
	UNUSED_ARGS;
	return jsonata_clone(ev, ARG(0), out);
}

/* ---- higher-order functions ---------------------------------------------- */

FN(fn_map)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *fn = ARG(1);
	*out = NULL;
	if (!a)
		return 0;
	jv *r = jv_seq(ev);
	jv_reserve(ev, r, a->len);
	int indexed = jv_is_func(fn) && jsonata_func_arity(fn) >= 2; /* else no index */
	for (size_t i = 0; i < a->len; i++) {
		jv *res;
		jv_prefetch(a->u.a.items, i, a->len);
		TRY(hof_call(ev, fn, a->u.a.items[i],
			     indexed ? jv_num(ev, (double)i) : NULL, a, &res));
		if (res)
			jv_push(ev, r, res);
	}
	*out = r;
	return 0;
}

FN(fn_filter)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *fn = ARG(1);
	*out = NULL;
	if (!a)
		return 0;
	jv *r = jv_seq(ev);
	int indexed = jv_is_func(fn) && jsonata_func_arity(fn) >= 2; /* else no index */
	for (size_t i = 0; i < a->len; i++) {
		jv *res;
		TRY(hof_call(ev, fn, a->u.a.items[i],
			     indexed ? jv_num(ev, (double)i) : NULL, a, &res));
		if (truthy_fn(res))
			jv_push(ev, r, a->u.a.items[i]);
	}
	*out = r;
	return 0;
}

FN(fn_single)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *fn = ARG(1), *found = NULL;
	int n = 0;
	*out = NULL;
	if (!a)
		return 0;
	for (size_t i = 0; i < a->len; i++) {
		jv *res = JV_BOOLV(1);
		if (fn)
			TRY(hof_call(ev, fn, a->u.a.items[i], jv_num(ev, (double)i), a, &res));
		if (!truthy_fn(res))
			continue;
		if (n++)
			return jsonata_fail(ev, "D3138", JSONATA_NOPOS, "", NULL);
		found = a->u.a.items[i];
	}
	if (!n)
		return jsonata_fail(ev, "D3139", JSONATA_NOPOS, "", NULL);
	*out = found;
	return 0;
}

FN(fn_reduce)
{
	UNUSED_ARGS;
	jv *a = ARG(0), *fn = ARG(1), *acc = ARG(2);
	*out = NULL;
	if (!a)
		return 0;
	size_t ar = jsonata_func_arity(fn);
	if (ar < 2)
		return jsonata_fail(ev, "D3050", JSONATA_NOPOS, "", NULL);
	size_t i = 0;
	if (!acc && a->len > 0)
		acc = a->u.a.items[i++];
	for (; i < a->len; i++) {
		jv *args[4] = { acc, a->u.a.items[i], jv_num(ev, (double)i), a };
		TRY(jsonata_apply(ev, fn, args, ar >= 4 ? 4 : ar, NULL, &acc));
	}
	*out = acc;
	return 0;
}

/* ---- time and $eval ---------------------------------------------------------- */

FN(fn_millis)
{
	UNUSED_ARGS;
	*out = jv_num(ev, (double)ev->now_ms);
	return 0;
}

FN(fn_eval)
{
	UNUSED_ARGS;
	jv *src = ARG(0), *focus = ARG(1);
	*out = NULL;
	if (!src)
		return 0;
	if (ev->eval_depth >= 8)
		return jsonata_failf(ev, "D3121", JSONATA_NOPOS, "", "$eval nested too deeply");
	struct jsonata_error perr;
	struct jsonata *j = jsonata_compile(src->u.s.p, src->len, &perr);
	if (!j)
		return jsonata_failf(ev, "D3120", JSONATA_NOPOS, "", "Syntax error in expression passed to function eval: %s",
				     perr.message);
	jv *in = focus ? focus : input;
	if (focus && jv_is_array(focus) && !jv_is_seq(focus)) {
		in = jv_seq(ev);
		jv_push(ev, in, focus);
		in->flags |= JV_OUTER;
	}
	ev->eval_depth++;
	ev->no_compact = 1; /* it may bind into the global frame */
	int rc = jsonata_eval_node(ev, j->root, in, ev->global, out);
	ev->eval_depth--;
	/* values may point into j's literals: keep it alive with the arena */
	jsonata_arena_cleanup(&ev->arena, (void (*)(void *))jsonata_free, j);
	if (rc < 0 && strcmp(ev->err->code, "D3121") != 0) {
		char msg[sizeof(ev->err->message)];
		snprintf(msg, sizeof(msg), "%s", ev->err->message);
		snprintf(ev->err->code, sizeof(ev->err->code), "D3121");
		snprintf(ev->err->message, sizeof(ev->err->message),
			 "Dynamic error evaluating the expression passed to function eval: %.400s", msg);
	}
	return rc;
}

/* ---- the registry ------------------------------------------------------------- */

#define PICTURE(fname, pname) \
	FN(fname) { return jsonata_fns_picture(ev, pname, argv, argc, input, out); }
PICTURE(fn_format_number, "formatNumber")
PICTURE(fn_format_base, "formatBase")
PICTURE(fn_format_integer, "formatInteger")
PICTURE(fn_parse_integer, "parseInteger")
PICTURE(fn_from_millis, "fromMillis")
PICTURE(fn_to_millis, "toMillis")

const struct jsonata_builtin jsonata_builtins[] = {
	{ "abs", "<n-:n>", fn_abs, 1 },
	{ "append", "<xx:a>", fn_append, 2 },
	{ "assert", "<bs?:x>", fn_assert, 2 },
	{ "average", "<a<n>:n>", fn_average, 1 },
	{ "base64decode", "<s-:s>", fn_base64decode, 1 },
	{ "base64encode", "<s-:s>", fn_base64encode, 1 },
	{ "boolean", "<x-:b>", fn_boolean, 1 },
	{ "ceil", "<n-:n>", fn_ceil, 1 },
	{ "clone", "<(oa)-:o>", fn_clone, 1 },
	{ "contains", "<s-(sf):b>", fn_contains, 2 },
	{ "count", "<a:n>", fn_count, 1 },
	{ "decodeUrl", "<s-:s>", fn_decode_url, 1 },
	{ "decodeUrlComponent", "<s-:s>", fn_decode_url_component, 1 },
	{ "distinct", "<x:x>", fn_distinct, 1 },
	{ "each", "<o-f:a>", fn_each, 2 },
	{ "encodeUrl", "<s-:s>", fn_encode_url, 1 },
	{ "encodeUrlComponent", "<s-:s>", fn_encode_url_component, 1 },
	{ "error", "<s?:x>", fn_error, 1 },
	{ "eval", "<sx?:x>", fn_eval, 2 },
	{ "exists", "<x:b>", fn_exists, 1 },
	{ "filter", "<af>", fn_filter, 2 },
	{ "floor", "<n-:n>", fn_floor, 1 },
	{ "formatBase", "<n-n?:s>", fn_format_base, 2 },
	{ "formatInteger", "<n-s:s>", fn_format_integer, 2 },
	{ "formatNumber", "<n-so?:s>", fn_format_number, 3 },
	{ "fromMillis", "<n-s?s?:s>", fn_from_millis, 3 },
	{ "join", "<a<s>s?:s>", fn_join, 2 },
	{ "keys", "<x-:a<s>>", fn_keys, 1 },
	{ "length", "<s-:n>", fn_length, 1 },
	{ "lookup", "<x-s:x>", fn_lookup, 2 },
	{ "lowercase", "<s-:s>", fn_lowercase, 1 },
	{ "map", "<af>", fn_map, 2 },
	{ "match", "<s-f<s:o>n?:a<o>>", fn_match, 3 },
	{ "max", "<a<n>:n>", fn_max, 1 },
	{ "merge", "<a<o>:o>", fn_merge, 1 },
	{ "millis", "<:n>", fn_millis, 0 },
	{ "min", "<a<n>:n>", fn_min, 1 },
	{ "not", "<x-:b>", fn_not, 1 },
	{ "now", "<s?s?:s>", jsonata_fns_now, 2 },
	{ "number", "<(nsb)-:n>", fn_number, 1 },
	{ "pad", "<s-ns?:s>", fn_pad, 3 },
	{ "parseInteger", "<s-s:n>", fn_parse_integer, 2 },
	{ "power", "<n-n:n>", fn_power, 2 },
	{ "random", "<:n>", fn_random, 0 },
	{ "reduce", "<afj?:j>", fn_reduce, 3 },
	{ "replace", "<s-(sf)(sf)n?:s>", fn_replace, 4 },
	{ "reverse", "<a:a>", fn_reverse, 1 },
	{ "round", "<n-n?:n>", fn_round, 2 },
	{ "shuffle", "<a:a>", fn_shuffle, 1 },
	{ "sift", "<o-f?:o>", fn_sift, 2 },
	{ "single", "<af?>", fn_single, 2 },
	{ "sort", "<af?:a>", fn_sort, 2 },
	{ "split", "<s-(sf)n?:a<s>>", fn_split, 3 },
	{ "spread", "<x-:a<o>>", fn_spread, 1 },
	{ "sqrt", "<n-:n>", fn_sqrt, 1 },
	{ "string", "<x-b?:s>", fn_string, 1 },
	{ "substring", "<s-nn?:s>", fn_substring, 3 },
	{ "substringAfter", "<s-s:s>", fn_substring_after, 2 },
	{ "substringBefore", "<s-s:s>", fn_substring_before, 2 },
	{ "sum", "<a<n>:n>", fn_sum, 1 },
	{ "toMillis", "<s-s?:n>", fn_to_millis, 2 },
	{ "trim", "<s-:s>", fn_trim, 1 },
	{ "type", "<x:s>", fn_type, 1 },
	{ "uppercase", "<s-:s>", fn_uppercase, 1 },
	{ "zip", "<a+>", fn_zip, 0 },
};
const size_t jsonata_nbuiltins = sizeof(jsonata_builtins) / sizeof(*jsonata_builtins);

static const struct jsonata_builtin *table_find(const struct jsonata_builtin *t,
					       size_t nt, const char *name,
					       size_t len)
{
	size_t lo = 0, hi = nt;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *m = t[mid].name;
		size_t ml = strlen(m);
		int c = memcmp(m, name, ml < len ? ml : len);
		if (c == 0)
			c = ml < len ? -1 : ml > len;
		if (c == 0)
			return &t[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct jsonata_builtin *jsonata_builtin_find(const char *name, size_t len,
						   int step_functions)
{
	const struct jsonata_builtin *b = NULL;
	if (step_functions)
		b = table_find(jsonata_aws_builtins, jsonata_aws_nbuiltins, name, len);
	return b ? b : table_find(jsonata_builtins, jsonata_nbuiltins, name, len);
}

size_t jsonata_builtin_index(const struct jsonata_builtin *b)
{
	if (b >= jsonata_aws_builtins && b < jsonata_aws_builtins + jsonata_aws_nbuiltins)
		return jsonata_nbuiltins + (size_t)(b - jsonata_aws_builtins);
	return (size_t)(b - jsonata_builtins);
}

const struct jsig *jsonata_builtin_sig(struct jsonata_eval *ev,
				       const struct jsonata_builtin *b)
{
	size_t i = jsonata_builtin_index(b);
	if (!ev->bsigs[i]) {
		size_t off;
		const char *code;
		ev->bsigs[i] = jsonata_sig_parse(&ev->perm, b->sig, strlen(b->sig),
						 &off, &code);
	}
	return ev->bsigs[i];
}
