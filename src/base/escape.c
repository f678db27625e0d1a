/* escape.c - markup escaping and stable ids (see escape.h for the rules).
 * Not here: deciding what to escape; callers escape everything from input. */
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "banned.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
/* Longest plain state name kept verbatim in an id, and longest slug. */
#define ID_PLAIN_MAX 64
#define ID_SLUG_MAX 32

/* Length of the well-formed UTF-8 sequence at s (at most rem bytes), or 0
 * when it is malformed, overlong, a surrogate or above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t rem)
{
	size_t n;
	uint32_t cp, min;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2, cp = s[0] & 0x1Fu, min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3, cp = s[0] & 0x0Fu, min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4, cp = s[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (n > rem)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* The entity for byte c, or NULL when c goes out as it is. */
static const char *entity(unsigned char c, int attr)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t': return attr ? "&#9;" : NULL;
	case '\n': return attr ? "&#10;" : NULL;
	case '\r': return attr ? "&#13;" : NULL;
	default: return NULL;
	}
}

enum mode { TEXT, ATTR, GV_LABEL };

/* Printable ASCII that no mode changes: copied in runs, one buf_add each
 * (byte by byte, escaping was a tenth of a build's instructions). */
#define PLAIN8(c) ((c) >= 0x20 && (c) < 0x7F && (c) != '&' && (c) != '<' && \
		   (c) != '>' && (c) != '"' && (c) != '\'' && (c) != '\\')
#define PLAIN4(c) PLAIN8(c), PLAIN8((c) + 1), PLAIN8((c) + 2), PLAIN8((c) + 3)
#define PLAIN16(c) PLAIN4(c), PLAIN4((c) + 4), PLAIN4((c) + 8), PLAIN4((c) + 12)
#define PLAIN64(c) PLAIN16(c), PLAIN16((c) + 16), PLAIN16((c) + 32), PLAIN16((c) + 48)

/* A table: one load a byte where eight comparisons were (escaping runs
 * over every title, link and label of every page). */
static const unsigned char plain_bytes[256] = {
	PLAIN64(0), PLAIN64(64), PLAIN64(128), PLAIN64(192),
};

static int plain(unsigned char c)
{
	return plain_bytes[c];
}

static void escape(struct buf *out, const char *s, size_t len, enum mode mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		while (run < len && plain(p[run]))
			run++;
		if (run > i) {
			buf_add(out, p + i, run - i);
			i = run;
			continue;
		}
		const char *ent = entity(p[i], mode == ATTR);
		if (mode == GV_LABEL && p[i] == '\\')
			ent = "\\\\";
		size_t n = utf8_seq(p + i, len - i);
		if (ent) {
			buf_adds(out, ent);
		} else if (n == 0 || (p[i] < 0x20 && p[i] != '\t' &&
				      p[i] != '\n' && p[i] != '\r') || p[i] == 0x7F) {
			buf_adds(out, REPLACEMENT);
			n = n ? n : 1;
		} else {
			buf_add(out, p + i, n);
		}
		i += n ? n : 1;
	}
}

void escape_html(struct buf *out, const char *s, size_t len)
{
	escape(out, s, len, TEXT);
}

void escape_attr(struct buf *out, const char *s, size_t len)
{
	escape(out, s, len, ATTR);
}

void escape_gv_label(struct buf *out, const char *s, size_t len)
{
	escape(out, s, len, GV_LABEL);
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int is_plain(const char *s, size_t len)
{
	if (len == 0 || len > ID_PLAIN_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void add_slug(struct buf *out, const char *s, size_t len)
{
	size_t start = out->len;
	int dash = 0;
	for (size_t i = 0; i < len; i++) {
		if (!is_alnum((unsigned char)s[i])) {
			dash = 1;
			continue;
		}
		int sep = dash && out->len > start;
		if (out->len - start + (size_t)sep + 1 > ID_SLUG_MAX)
			break;
		if (sep)
			buf_addc(out, '-');
		buf_addc(out, s[i]);
		dash = 0;
	}
}

void escape_state_id(struct buf *out, const char *name, size_t len)
{
	buf_adds(out, "state-");
	if (is_plain(name, len)) {
		buf_add(out, name, len);
		return;
	}
	add_slug(out, name, len);
	buf_addf(out, "_%08x", (unsigned)fnv1a(name, len));
}

void escape_token(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (is_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_')
			buf_addc(out, s[i]);
}
