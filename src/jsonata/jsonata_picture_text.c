/* jsonata_picture_text.c - JavaScript strings as UTF-16 code units, and the
 * error messages of the picture functions (see jsonata_picture_impl.h).
 * jsonata-js slices pictures with substring/substr/slice and compares them
 * one code unit at a time; working in the same units keeps every index, and
 * so every result, the same.  Not here: number text (jsonata_picture_jsnum.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_picture_impl.h"
#include "xalloc.h"
#include "banned.h"

void u16_init(struct u16 *s)
{
	s->v = NULL;
	s->len = s->cap = 0;
}

void u16_release(struct u16 *s)
{
	free(s->v);
	u16_init(s);
}

void u16_reset(struct u16 *s)
{
	s->len = 0;
}

static void u16_grow(struct u16 *s, size_t extra)
{
	ARRAY_GROW(s->v, size_add(s->len, extra), s->cap);
}

void u16_addv(struct u16 *s, struct u16v v)
{
	if (!v.len)
		return;
	u16_grow(s, v.len);
	memmove(s->v + s->len, v.v, v.len * sizeof(*v.v));
	s->len += v.len;
}

void u16_addc(struct u16 *s, uint16_t c)
{
	u16_grow(s, 1);
	s->v[s->len++] = c;
}

void u16_addcp(struct u16 *s, uint32_t cp)
{
	if (cp < 0x10000) {
		u16_addc(s, (uint16_t)cp);
		return;
	}
	cp -= 0x10000;
	u16_addc(s, (uint16_t)(0xD800 + (cp >> 10)));
	u16_addc(s, (uint16_t)(0xDC00 + (cp & 0x3FF)));
}

/* Decodes one UTF-8 sequence at p (n bytes left); returns its length, with
 * *cp U+FFFD for a byte that does not start a valid sequence. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	static const uint32_t min_of_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 :
		     p[0] >= 0xE0 && p[0] < 0xF0 ? 3 : p[0] >= 0xF0 && p[0] < 0xF5 ? 4 : 0;
	if (len == 1) {
		*cp = p[0];
		return 1;
	}
	*cp = 0xFFFD;
	if (!len || len > n)
		return 1;
	uint32_t v = p[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 1;
		v = v << 6 | (p[i] & 0x3F);
	}
	if (v < min_of_len[len] || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
		return 1;
	*cp = v;
	return len;
}

void u16_addn(struct u16 *s, const char *utf8, size_t len)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += utf8_decode(p + i, len - i, &cp);
		u16_addcp(s, cp);
	}
}

void u16_adds(struct u16 *s, const char *utf8)
{
	u16_addn(s, utf8, strlen(utf8));
}

void u16_insert(struct u16 *s, size_t at, struct u16v v)
{
	if (!v.len)
		return;
	u16_grow(s, v.len);
	memmove(s->v + at + v.len, s->v + at, (s->len - at) * sizeof(*s->v));
	memcpy(s->v + at, v.v, v.len * sizeof(*v.v));
	s->len += v.len;
}

static void utf8_put(uint32_t cp, struct buf *out)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(out, b, n);
}

uint32_t u16_next_cp(struct u16v s, size_t *i)
{
	uint32_t c = s.v[(*i)++];
	if (c >= 0xD800 && c < 0xDC00 && *i < s.len && s.v[*i] >= 0xDC00 &&
	    s.v[*i] < 0xE000)
		return 0x10000 + ((c - 0xD800) << 10) + (s.v[(*i)++] - 0xDC00);
	return c;
}

void u16_to_utf8(struct u16v s, struct buf *out)
{
	size_t i = 0;
	while (i < s.len) {
		uint32_t cp = u16_next_cp(s, &i);
		utf8_put(cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp, out);
	}
}

struct u16v u16_view(const struct u16 *s)
{
	struct u16v v = { s->v, s->len };
	return v;
}

struct u16v u16_sub(struct u16v s, size_t from, size_t to)
{
	/* an empty view may have no storage at all: NULL + 0 is undefined */
	struct u16v v = { s.v ? s.v + from : s.v, to - from };
	return v;
}

/* A relative index as slice/substr read it: negative counts from the end. */
static size_t rel_index(double i, size_t len)
{
	if (isnan(i))
		return 0;
	if (i < 0)
		return -i >= (double)len ? 0 : len - (size_t)-i;
	return i >= (double)len ? len : (size_t)i;
}

struct u16v u16_substr(struct u16v s, double start, double length)
{
	size_t from = rel_index(start, s.len);
	double room = (double)(s.len - from);
	double n = isnan(length) || length < 0 ? 0 : length > room ? room : length;
	return u16_sub(s, from, from + (size_t)n);
}

struct u16v u16_slice(struct u16v s, double start, double end)
{
	size_t from = rel_index(start, s.len), to = rel_index(end, s.len);
	return u16_sub(s, from, to < from ? from : to);
}

int u16_eq(struct u16v a, struct u16v b)
{
	return a.len == b.len && (!a.len || !memcmp(a.v, b.v, a.len * sizeof(*a.v)));
}

size_t u16_index_of(struct u16v s, struct u16v needle, size_t from)
{
	if (from > s.len)
		from = s.len;
	for (size_t i = from; i + needle.len <= s.len; i++)
		if (u16_eq(u16_sub(s, i, i + needle.len), needle))
			return i;
	return U16_NPOS;
}

size_t u16_last_index_of(struct u16v s, struct u16v needle)
{
	if (needle.len > s.len)
		return U16_NPOS;
	for (size_t i = s.len - needle.len + 1; i-- > 0;)
		if (u16_eq(u16_sub(s, i, i + needle.len), needle))
			return i;
	return U16_NPOS;
}

int u16_is_space(uint32_t c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

void u16_ascii_case(struct u16 *s, int upper)
{
	for (size_t i = 0; i < s->len; i++) {
		uint16_t c = s->v[i];
		if (upper && c >= 'a' && c <= 'z')
			s->v[i] = (uint16_t)(c - 32);
		else if (!upper && c >= 'A' && c <= 'Z')
			s->v[i] = (uint16_t)(c + 32);
	}
}

/* ---- errors ---------------------------------------------------------------- */

int pic_fail(struct jsonata_picture_error *err, const char *code,
	     const char *fmt, ...)
{
	snprintf(err->code, sizeof(err->code), "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* jsonata-js's messages (its errorCodes table); %s is the {{value}}. */
static const struct {
	const char *code, *message;
} messages[] = {
	{ "D3080", "The picture string must only contain a maximum of two sub-pictures" },
	{ "D3081", "The sub-picture must not contain more than one instance of the 'decimal-separator' character" },
	{ "D3082", "The sub-picture must not contain more than one instance of the 'percent' character" },
	{ "D3083", "The sub-picture must not contain more than one instance of the 'per-mille' character" },
	{ "D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character" },
	{ "D3085", "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'" },
	{ "D3086", "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character" },
	{ "D3087", "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character" },
	{ "D3088", "The sub-picture must not contain a 'grouping-separator' at the end of the integer part" },
	{ "D3089", "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character" },
	{ "D3090", "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'" },
	{ "D3091", "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'" },
	{ "D3092", "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'" },
	{ "D3093", "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'" },
	{ "D3100", "The radix of the formatBase function must be between 2 and 36.  It was given %s" },
	{ "D3110", "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given %s" },
	{ "D3130", "Formatting or parsing an integer as a sequence starting with %s is not supported by this implementation" },
	{ "D3131", "In a decimal digit pattern, all digits must be from the same decimal group" },
	{ "D3132", "Unknown component specifier %s in date/time picture string" },
	{ "D3133", "The 'name' modifier can only be applied to months and days in the date/time picture string, not %s" },
	{ "D3134", "The timezone integer format specifier cannot have more than four digits" },
	{ "D3135", "No matching closing bracket ']' in date/time picture string" },
	{ "D3136", "The date/time picture string is missing specifiers required to parse the timestamp" },
};

int pic_fail_code(struct jsonata_picture_error *err, const char *code,
		  const char *value)
{
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		if (strcmp(messages[i].code, code))
			continue;
		if (strstr(messages[i].message, "%s")) {
			const char *m = messages[i].message;
			const char *at = strstr(m, "%s");
			return pic_fail(err, code, "%.*s%s%s", (int)(at - m), m,
					value ? value : "undefined", at + 2);
		}
		return pic_fail(err, code, "%s", messages[i].message);
	}
	return pic_fail(err, code, "%s", value ? value : code);
}
