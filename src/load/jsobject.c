/* jsobject.c - a bounded recursive-descent reader for util.inspect output,
 * and its writer for --update (see jsobject.h).  Recursion depth is capped
 * by JSOBJECT_MAX_DEPTH both ways. */
#include "jsobject.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hexdigit.h"
#include "xalloc.h"
#include "banned.h"

struct reader {
	const char *s;
	size_t len, at;
	const char *why;
	size_t err_at;
	int depth;
};

static cJSON *read_value(struct reader *r);

static cJSON *fail(struct reader *r, const char *why)
{
	if (!r->why) {
		r->why = why;
		r->err_at = r->at;
	}
	return NULL;
}

static void skip_space(struct reader *r)
{
	while (r->at < r->len && isspace((unsigned char)r->s[r->at]))
		r->at++;
}

static int peek(const struct reader *r)
{
	return r->at < r->len ? (unsigned char)r->s[r->at] : -1;
}

/* Appends code point cp as UTF-8. */
static void add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xC0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (char)(0xE0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/* \xHH or \uHHHH after the backslash and letter; returns -1 if malformed. */
static int read_hex(struct reader *r, int digits, unsigned *cp)
{
	*cp = 0;
	for (int i = 0; i < digits; i++) {
		int v = hex_digit(peek(r));
		if (v < 0)
			return -1;
		*cp = *cp * 16 + (unsigned)v;
		r->at++;
	}
	return 0;
}

static int read_escape(struct reader *r, struct buf *b)
{
	int c = peek(r);
	if (c < 0)
		return -1;
	r->at++;
	unsigned cp;
	switch (c) {
	case 'n': buf_addc(b, '\n'); return 0;
	case 't': buf_addc(b, '\t'); return 0;
	case 'r': buf_addc(b, '\r'); return 0;
	case 'b': buf_addc(b, '\b'); return 0;
	case 'f': buf_addc(b, '\f'); return 0;
	case 'v': buf_addc(b, '\v'); return 0;
	case '0': buf_addc(b, '\0'); return 0;
	case 'x':
		if (read_hex(r, 2, &cp))
			return -1;
		add_utf8(b, cp);
		return 0;
	case 'u':
		if (read_hex(r, 4, &cp))
			return -1;
		add_utf8(b, cp);
		return 0;
	default:
		buf_addc(b, (char)c); /* \' \" \\ and any other char as itself */
		return 0;
	}
}

/* A quoted string; the caller is on the quote. */
static char *read_string(struct reader *r, size_t *n)
{
	int q = peek(r);
	size_t start = r->at++;
	struct buf b = BUF_INIT;
	for (;;) {
		int c = peek(r);
		if (c < 0 || c == '\n') {
			r->at = start;
			fail(r, "unterminated string");
			buf_release(&b);
			return NULL;
		}
		r->at++;
		if (c == q)
			break;
		if (c == '\\' && read_escape(r, &b)) {
			fail(r, "bad escape in string");
			buf_release(&b);
			return NULL;
		}
		if (c != '\\')
			buf_addc(&b, (char)c);
	}
	return buf_detach(&b, n);
}

static int is_word_char(int c)
{
	return c >= 0 && (isalnum(c) || c == '_' || c == '$' || c == '-' ||
			  c == '.' || c == ':' || c == '+');
}

/* A bare word: a key, a number, true/false/null/undefined, or a Date. */
static cJSON *read_bare(struct reader *r)
{
	size_t start = r->at;
	while (is_word_char(peek(r)))
		r->at++;
	size_t n = r->at - start;
	const char *w = r->s + start;
	if (!n)
		return fail(r, "expected a value");
	if (n == 4 && !memcmp(w, "true", 4))
		return cJSON_CreateTrue();
	if (n == 5 && !memcmp(w, "false", 5))
		return cJSON_CreateFalse();
	if ((n == 4 && !memcmp(w, "null", 4)) ||
	    (n == 9 && !memcmp(w, "undefined", 9)))
		return cJSON_CreateNull();
	if ((n == 8 && !memcmp(w, "Infinity", 8)) || (n == 9 && !memcmp(w, "-Infinity", 9)))
		return cJSON_CreateNumber(*w == '-' ? -HUGE_VAL : HUGE_VAL);
	char *word = xstrndup(w, n);
	char *end;
	double d = strtod(word, &end);
	cJSON *v;
	if (*end == '\0' && (isdigit((unsigned char)*word) || *word == '-'))
		v = cJSON_CreateNumber(d);
	else if (n >= 10 && isdigit((unsigned char)w[0]) && w[4] == '-')
		v = cJSON_CreateString(word); /* a Date, printed bare */
	else
		v = NULL;
	free(word);
	if (!v) {
		r->at = start;
		return fail(r, "expected a value");
	}
	return v;
}

/* An object key: identifier, number or quoted string. */
static char *read_key(struct reader *r)
{
	int c = peek(r);
	if (c == '\'' || c == '"' || c == '`')
		return read_string(r, NULL);
	size_t start = r->at;
	while (peek(r) >= 0 && (isalnum(peek(r)) || peek(r) == '_' ||
				peek(r) == '$'))
		r->at++;
	if (r->at == start) {
		fail(r, "expected a key");
		return NULL;
	}
	return xstrndup(r->s + start, r->at - start);
}

/* Reads ", item" lists up to 'close'; item reads one member or element. */
static cJSON *read_list(struct reader *r, cJSON *into, int close,
			int (*item)(struct reader *, cJSON *))
{
	r->at++;
	for (;;) {
		skip_space(r);
		if (peek(r) == close) {
			r->at++;
			return into;
		}
		if (item(r, into))
			break;
		skip_space(r);
		if (peek(r) == ',') {
			r->at++;
			continue;
		}
		if (peek(r) == close)
			continue;
		fail(r, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		break;
	}
	cJSON_Delete(into);
	return NULL;
}

static int read_member(struct reader *r, cJSON *obj)
{
	char *key = read_key(r);
	if (!key)
		return -1;
	skip_space(r);
	if (peek(r) != ':') {
		free(key);
		fail(r, "expected ':' after the key");
		return -1;
	}
	r->at++;
	skip_space(r);
	cJSON *v = read_value(r);
	if (v && cJSON_GetObjectItemCaseSensitive(obj, key)) /* JS: the last one wins */
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else if (v)
		cJSON_AddItemToObject(obj, key, v);
	free(key);
	return v ? 0 : -1;
}

static int read_element(struct reader *r, cJSON *arr)
{
	cJSON *v = read_value(r);
	if (v)
		cJSON_AddItemToArray(arr, v);
	return v ? 0 : -1;
}

static cJSON *read_value(struct reader *r)
{
	skip_space(r);
	int c = peek(r);
	if (c == '{' || c == '[') {
		if (++r->depth > JSOBJECT_MAX_DEPTH)
			return fail(r, "nested too deeply");
		cJSON *v = c == '{' ? read_list(r, cJSON_CreateObject(), '}', read_member)
				    : read_list(r, cJSON_CreateArray(), ']', read_element);
		r->depth--;
		return v;
	}
	if (c == '\'' || c == '"' || c == '`') {
		char *s = read_string(r, NULL);
		if (!s)
			return NULL;
		cJSON *v = cJSON_CreateString(s);
		free(s);
		return v;
	}
	if (c < 0)
		return fail(r, "unexpected end of text");
	return read_bare(r);
}

cJSON *jsobject_parse(const char *text, size_t len, const char **why,
		      size_t *at)
{
	struct reader r = { text, len, 0, NULL, 0, 0 };
	if (memchr(text, '\0', len)) {
		*why = "NUL byte in text";
		*at = (size_t)((const char *)memchr(text, '\0', len) - text);
		return NULL;
	}
	cJSON *v = read_value(&r);
	skip_space(&r);
	if (v && r.at < len) {
		cJSON_Delete(v);
		v = fail(&r, "unexpected text after the value");
	}
	if (!v) {
		*why = r.why ? r.why : "expected a value";
		*at = r.err_at;
	}
	return v;
}

/* ---- writing ---------------------------------------------------------------- */

/* One line holds a value up to this many bytes (util.inspect's breakLength
 * as Node 10 used it, less the indentation it counts). */
#define JSOBJECT_LINE 72

enum jsobject_style jsobject_style_of(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i >= len || (text[i] != '{' && text[i] != '['))
		return JSOBJECT_NODE12;
	const char *nl = memchr(text + i, '\n', len - i);
	size_t j = i + 1;
	while (j < len && (text[j] == ' ' || text[j] == '\t'))
		j++;
	return nl && j < (size_t)(nl - text) ? JSOBJECT_NODE10 : JSOBJECT_NODE12;
}

/* What Date.prototype.toISOString writes: 2019-11-12T11:39:26.081Z. */
static int is_iso_date(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	return s[sizeof(shape) - 1] == '\0';
}

static int is_identifier(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '$')
			return 0;
	return 1;
}

/* A string literal: single quotes, unless the text holds some and double
 * (or, holding both, back) quotes need no escape. */
static void add_quoted(struct buf *out, const char *s)
{
	char q = '\'';
	if (strchr(s, '\''))
		q = !strchr(s, '"') ? '"' : !strchr(s, '`') ? '`' : '\'';
	buf_addc(out, q);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\n': buf_adds(out, "\\n"); break;
		case '\t': buf_adds(out, "\\t"); break;
		case '\r': buf_adds(out, "\\r"); break;
		case '\b': buf_adds(out, "\\b"); break;
		case '\f': buf_adds(out, "\\f"); break;
		case '\v': buf_adds(out, "\\v"); break;
		case '\\': buf_adds(out, "\\\\"); break;
		default:
			if (*p == (unsigned char)q) {
				buf_addc(out, '\\');
				buf_addc(out, (char)*p);
			} else if (*p < 0x20 || *p == 0x7f) {
				buf_addf(out, "\\x%02X", *p);
			} else {
				buf_addc(out, (char)*p);
			}
		}
	}
	buf_addc(out, q);
}

/* A number as JavaScript writes it (Number::toString): the shortest
 * digits that read back, fixed notation from 1e-7 up to 1e21. */
static void add_number(struct buf *out, double d)
{
	if (!isfinite(d)) {
		buf_adds(out, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (d == 0) {
		buf_addc(out, '0');
		return;
	}
	char e_form[40];
	for (int prec = 0; prec <= 16; prec++) { /* d.ddde+XX, shortest */
		snprintf(e_form, sizeof(e_form), "%.*e", prec, d);
		if (strtod(e_form, NULL) == d)
			break;
	}
	const char *p = e_form;
	if (*p == '-') {
		buf_addc(out, '-');
		p++;
	}
	char digits[24];
	size_t k = 0;
	for (; *p && *p != 'e'; p++)
		if (isdigit((unsigned char)*p) && k < sizeof(digits) - 1)
			digits[k++] = *p;
	digits[k] = '\0';
	int n = atoi(p + 1) + 1; /* the decimal point sits after n digits */
	if ((int)k <= n && n <= 21) {
		buf_adds(out, digits);
		for (int z = (int)k; z < n; z++)
			buf_addc(out, '0');
	} else if (0 < n && n <= 21) {
		buf_addf(out, "%.*s.%s", n, digits, digits + n);
	} else if (-6 < n && n <= 0) {
		buf_adds(out, "0.");
		for (int z = n; z < 0; z++)
			buf_addc(out, '0');
		buf_adds(out, digits);
	} else {
		buf_addf(out, "%c%s%.*s%c%+d", digits[0], k > 1 ? "." : "",
			 (int)k - 1, digits + 1, 'e', n - 1);
	}
}

static void print_value(const cJSON *v, enum jsobject_style style, int indent,
			int depth, struct buf *out);

/* An object's or array's entries, then laid out: on one line when they
 * all fit, else one per line in the style's way. */
static void print_list(const cJSON *v, enum jsobject_style style, int indent,
		       int depth, struct buf *out)
{
	int obj = cJSON_IsObject(v);
	char open = obj ? '{' : '[', close = obj ? '}' : ']';
	size_t n = (size_t)cJSON_GetArraySize(v), k = 0, width = 4;
	struct buf *items = xcalloc(n + 1, sizeof(*items));
	int multi = 0;
	for (const cJSON *e = v->child; e && k < n; e = e->next, k++) {
		struct buf *b = &items[k];
		buf_init(b);
		if (obj) {
			if (is_identifier(e->string))
				buf_adds(b, e->string);
			else
				add_quoted(b, e->string);
			buf_adds(b, ": ");
		}
		print_value(e, style, indent + 2, depth + 1, b);
		multi |= strchr(b->ptr, '\n') != NULL;
		width += b->len + (k ? 2 : 0);
	}
	if (!n) {
		buf_addc(out, open);
	} else if (!multi && width + (size_t)indent <= JSOBJECT_LINE) {
		buf_addc(out, open);
		for (k = 0; k < n; k++)
			buf_addf(out, "%s%s", k ? ", " : " ", items[k].ptr);
		buf_addc(out, ' ');
	} else {
		buf_addc(out, open);
		if (style == JSOBJECT_NODE12)
			buf_addf(out, "\n%*s", indent + 2, "");
		else
			buf_addc(out, ' ');
		for (k = 0; k < n; k++) {
			if (k)
				buf_addf(out, ",\n%*s", indent + 2, "");
			buf_add(out, items[k].ptr, items[k].len);
		}
		if (style == JSOBJECT_NODE12)
			buf_addf(out, "\n%*s", indent, "");
		else
			buf_addc(out, ' ');
	}
	buf_addc(out, close);
	for (k = 0; k < n; k++)
		buf_release(&items[k]);
	free(items);
}

static void print_value(const cJSON *v, enum jsobject_style style, int indent,
			int depth, struct buf *out)
{
	if (depth > JSOBJECT_MAX_DEPTH) {
		buf_adds(out, cJSON_IsArray(v) ? "[Array]" : "[Object]");
		return;
	}
	if (cJSON_IsString(v)) {
		if (is_iso_date(v->valuestring))
			buf_adds(out, v->valuestring);
		else
			add_quoted(out, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		add_number(out, v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		buf_adds(out, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		print_list(v, style, indent, depth, out);
	} else {
		buf_adds(out, "null");
	}
}

void jsobject_print(const cJSON *v, enum jsobject_style style, struct buf *out)
{
	print_value(v, style, 0, 0, out);
}
