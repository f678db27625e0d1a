/* jsoncmp.c - shape-aware comparison, a 2-space JSON printer and a line
 * diff (see jsoncmp.h).  Recursion follows the values' nesting, which every
 * parser that made them has bounded (DOC_MAX_DEPTH, JSOBJECT_MAX_DEPTH,
 * cJSON's own nesting limit). */
#include "jsoncmp.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

/* ---- shapes ------------------------------------------------------------- */

static int all_of(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, s[i]) || !s[i])
			return 0;
	return 1;
}

#define HEX "0123456789abcdefABCDEF"
#define B64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

static int is_uuid(const char *s)
{
	static const size_t groups[] = { 8, 4, 4, 4, 12 };
	for (int g = 0; g < 5; g++) {
		if (!all_of(s, groups[g], HEX))
			return 0;
		s += groups[g];
		if (*s != (g < 4 ? '-' : '\0'))
			return 0;
		s += g < 4;
	}
	return 1;
}

enum jsoncmp_shape jsoncmp_shape(const char *s)
{
	int64_t ms;
	size_t n = strlen(s);
	if (!strncmp(s, "arn:", 4))
		return JSONCMP_ARN;
	if (is_uuid(s))
		return JSONCMP_UUID;
	if (n >= 20 && isdigit((unsigned char)s[0]) && !timestamp_parse(s, &ms))
		return JSONCMP_DATE;
	if (n >= 100 && all_of(s, n, B64))
		return JSONCMP_TOKEN;
	return JSONCMP_PLAIN;
}

/* Field i (0-based, ':'-separated) of an ARN into out[0..cap). */
static size_t arn_field(const char *arn, int i, const char **at)
{
	const char *p = arn;
	for (int k = 0; k < i; k++) {
		p = strchr(p, ':');
		if (!p)
			return *at = "", 0;
		p++;
	}
	*at = p;
	return i >= 6 ? strlen(p) : strcspn(p, ":");
}

/* "Name-AbCdEf123456" -> length of "Name" (CloudFormation's suffix). */
static size_t strip_suffix(const char *s, size_t n)
{
	if (n > 13 && s[n - 13] == '-' &&
	    all_of(s + n - 12, 12, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
		return n - 13;
	return n;
}

static int same_arn(const char *a, const char *b)
{
	const char *fa, *fb;
	for (int i = 0; i < 6; i++) {
		size_t na = arn_field(a, i, &fa), nb = arn_field(b, i, &fb);
		if (i == 4) {
			if (na != 12 || nb != 12 || !all_of(fa, 12, "0123456789") ||
			    !all_of(fb, 12, "0123456789"))
				return 0;
			continue;
		}
		if (na != nb || memcmp(fa, fb, na))
			return 0;
	}
	/* the rest: MACHINE[:EXECUTION] */
	size_t na = arn_field(a, 6, &fa), nb = arn_field(b, 6, &fb);
	size_t ma = strcspn(fa, ":"), mb = strcspn(fb, ":");
	size_t sa = strip_suffix(fa, ma), sb = strip_suffix(fb, mb);
	if (sa != sb || memcmp(fa, fb, sa))
		return 0;
	return (ma == na) == (mb == nb); /* both have an execution part, or neither */
}

static int same_shape(const char *e, const char *a)
{
	enum jsoncmp_shape s = jsoncmp_shape(e);
	if (s == JSONCMP_PLAIN || s != jsoncmp_shape(a))
		return 0;
	return s == JSONCMP_ARN ? same_arn(e, a) : 1;
}

/* 1 for epoch seconds, 2 for epoch milliseconds, 0 for neither. */
static int epoch_unit(double d)
{
	if (d >= 1e9 && d < 1e10)
		return 1;
	if (d >= 1e12 && d < 1e13)
		return 2;
	return 0;
}

/* ---- matching ----------------------------------------------------------- */

static int match(const cJSON *e, const cJSON *a, cJSON **norm);

static int match_json_strings(const cJSON *e, const cJSON *a, cJSON **norm)
{
	const char *se = e->valuestring, *sa = a->valuestring;
	if ((*se != '{' && *se != '[') || (*sa != '{' && *sa != '['))
		return 0;
	cJSON *je = cJSON_Parse(se), *ja = cJSON_Parse(sa);
	int ok = je && ja && match(je, ja, NULL);
	cJSON_Delete(je);
	cJSON_Delete(ja);
	if (ok)
		*norm = cJSON_CreateString(se);
	return ok;
}

static int match_object(const cJSON *e, const cJSON *a, cJSON **norm)
{
	int ok = cJSON_GetArraySize(e) == cJSON_GetArraySize(a);
	*norm = cJSON_CreateObject();
	for (const cJSON *ai = a->child; ai; ai = ai->next) {
		const cJSON *ei = cJSON_GetObjectItemCaseSensitive(e, ai->string);
		cJSON *n = NULL;
		if (!ei || !match(ei, ai, &n))
			ok = 0;
		cJSON_AddItemToObject(*norm, ai->string, n ? n : cJSON_Duplicate(ai, 1));
	}
	return ok;
}

static int match_array(const cJSON *e, const cJSON *a, cJSON **norm)
{
	int ok = cJSON_GetArraySize(e) == cJSON_GetArraySize(a);
	*norm = cJSON_CreateArray();
	const cJSON *ei = e->child;
	for (const cJSON *ai = a->child; ai; ai = ai->next) {
		cJSON *n = NULL;
		if (!ei || !match(ei, ai, &n))
			ok = 0;
		cJSON_AddItemToArray(*norm, n ? n : cJSON_Duplicate(ai, 1));
		ei = ei ? ei->next : NULL;
	}
	return ok;
}

/* Does a match e?  *norm (when asked) gets a's normalised copy, or stays
 * NULL when a is to be copied as it is. */
static int match(const cJSON *e, const cJSON *a, cJSON **norm)
{
	cJSON *scratch = NULL;
	cJSON **out = norm ? norm : &scratch;
	int ok;
	if (cJSON_IsString(e) && cJSON_IsString(a)) {
		ok = !strcmp(e->valuestring, a->valuestring) ||
		     same_shape(e->valuestring, a->valuestring);
		if (ok && strcmp(e->valuestring, a->valuestring))
			*out = cJSON_CreateString(e->valuestring);
		else if (!ok)
			ok = match_json_strings(e, a, out);
	} else if (cJSON_IsNumber(e) && cJSON_IsNumber(a)) {
		ok = e->valuedouble == a->valuedouble ||
		     (epoch_unit(e->valuedouble) &&
		      epoch_unit(e->valuedouble) == epoch_unit(a->valuedouble));
		if (ok)
			*out = cJSON_Duplicate(e, 1);
	} else if (cJSON_IsObject(e) && cJSON_IsObject(a)) {
		ok = match_object(e, a, out);
	} else if (cJSON_IsArray(e) && cJSON_IsArray(a)) {
		ok = match_array(e, a, out);
	} else {
		ok = (e->type & 0xFF) == (a->type & 0xFF) && !cJSON_IsRaw(e);
	}
	cJSON_Delete(scratch);
	return ok;
}

int jsoncmp_match(const cJSON *expected, const cJSON *actual,
		  cJSON **normalized)
{
	cJSON *n = NULL;
	int ok = match(expected, actual, &n);
	if (normalized)
		*normalized = n ? n : cJSON_Duplicate(actual, 1);
	else
		cJSON_Delete(n);
	return ok;
}

/* ---- printing ----------------------------------------------------------- */

void jsoncmp_print(const cJSON *v, struct buf *out)
{
	jsonout_write(out, v, JSONOUT_PRETTY);
}

/* ---- unified diff ------------------------------------------------------- */

/* Lines larger than this product are diffed as "all removed, all added":
 * the LCS table is n*m, and recorded outputs are far smaller. */
#define JSONCMP_MAX_CELLS (4u * 1024 * 1024)

struct lines {
	const char **at;
	size_t *len;
	size_t nr;
};

static void split_lines(const char *s, struct lines *l)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '\n';
	n += *s && s[strlen(s) - 1] != '\n';
	l->at = xcalloc(n + 1, sizeof(*l->at));
	l->len = xcalloc(n + 1, sizeof(*l->len));
	l->nr = 0;
	for (const char *p = s; *p;) {
		size_t k = strcspn(p, "\n");
		l->at[l->nr] = p;
		l->len[l->nr++] = k;
		p += k + (p[k] == '\n');
	}
}

static int line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->at[i], b->at[j], a->len[i]);
}

/* ops: ' ', '-', '+' per output line, from the LCS of a and b. */
static char *edit_script(const struct lines *a, const struct lines *b, size_t *nops)
{
	size_t n = a->nr, m = b->nr;
	char *ops = xmalloc(size_add(n, m) + 1);
	size_t k = 0;
	if (size_mul(n + 1, m + 1) > JSONCMP_MAX_CELLS) {
		memset(ops, '-', n);
		memset(ops + n, '+', m);
		*nops = n + m;
		return ops;
	}
	unsigned *t = xcalloc(size_mul(n + 1, m + 1), sizeof(*t));
#define T(i, j) t[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			T(i, j) = line_eq(a, i, b, j) ? T(i + 1, j + 1) + 1
				: T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && line_eq(a, i, b, j))
			ops[k++] = ' ', i++, j++;
		else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1)))
			ops[k++] = '-', i++;
		else
			ops[k++] = '+', j++;
	}
#undef T
	free(t);
	*nops = k;
	return ops;
}

static void emit_hunk(const char *ops, size_t from, size_t to,
		      const struct lines *a, const struct lines *b,
		      size_t ai, size_t bi, struct buf *out)
{
	size_t na = 0, nb = 0;
	for (size_t k = from; k < to; k++) {
		na += ops[k] != '+';
		nb += ops[k] != '-';
	}
	buf_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ai + 1, na, bi + 1, nb);
	for (size_t k = from; k < to; k++) {
		const struct lines *l = ops[k] == '+' ? b : a;
		size_t idx = ops[k] == '+' ? bi : ai;
		buf_addf(out, "%c%.*s\n", ops[k], (int)l->len[idx], l->at[idx]);
		ai += ops[k] != '+';
		bi += ops[k] != '-';
	}
}

void jsoncmp_diff(const char *a, const char *b, const char *from,
		  const char *to, struct buf *out)
{
	struct lines la, lb;
	split_lines(a, &la);
	split_lines(b, &lb);
	size_t nops;
	char *ops = edit_script(&la, &lb, &nops);
	int header = 0;
	size_t ai = 0, bi = 0;
	for (size_t k = 0; k < nops;) {
		if (ops[k] == ' ') {
			ai++, bi++, k++;
			continue;
		}
		/* a hunk: changes less than 7 equal lines apart, 3 of context */
		size_t start = k >= 3 ? k - 3 : 0, last = k;
		for (size_t x = k; x < nops && x - last <= 6; x++)
			if (ops[x] != ' ')
				last = x;
		size_t end = last + 4 < nops ? last + 4 : nops;
		if (!header) {
			buf_addf(out, "--- %s\n+++ %s\n", from, to);
			header = 1;
		}
		size_t back = k - start;
		emit_hunk(ops, start, end, &la, &lb, ai - back, bi - back, out);
		for (size_t x = k; x < end; x++) {
			ai += ops[x] != '+';
			bi += ops[x] != '-';
		}
		k = end;
	}
	free(ops);
	free(la.at);
	free(la.len);
	free(lb.at);
	free(lb.len);
}
