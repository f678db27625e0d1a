/* doc_scalar.c - where each byte of a string value came from in its file.
 * A definition embedded as text (a CloudFormation DefinitionString) is
 * parsed on its own; to point at the template's lines its bytes are traced
 * back through the scalar's quoting: YAML literal and folded blocks (with
 * any chomping and indentation indicator), double-quoted (escapes, escaped and folded line breaks),
 * single-quoted and plain multi-line scalars, and JSON strings (a JSON
 * string is a double-quoted YAML scalar without line breaks).  The trace
 * re-reads the source the way libyaml reads it and is trusted only when it
 * rebuilds the parser's value exactly; otherwise the caller falls back.
 * Not here: parsing (doc_json.c, doc_yaml.c), what the text means. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* The decoded bytes and, for each, the source offset it came from. */
struct trace {
	const char *s;     /* the document's text */
	size_t len, i;     /* its length, the read position */
	struct buf out;
	size_t *from;
	size_t alloc;
};

static void emit(struct trace *t, const char *bytes, size_t n, size_t at)
{
	ARRAY_GROW(t->from, t->out.len + n + 1, t->alloc);
	for (size_t k = 0; k < n; k++)
		t->from[t->out.len + k] = at;
	buf_add(&t->out, bytes, n);
}

static int at_end(const struct trace *t)
{
	return t->i >= t->len;
}

static int cur(const struct trace *t)
{
	return at_end(t) ? -1 : (unsigned char)t->s[t->i];
}

static int is_break(int c)
{
	return c == '\n' || c == '\r';
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Skips one line break (\r\n counts as one). */
static void skip_break(struct trace *t)
{
	if (cur(t) == '\r' && t->i + 1 < t->len && t->s[t->i + 1] == '\n')
		t->i++;
	t->i++;
}

/* Byte offset of line:col (both from 1, col in characters). */
static size_t offset_of(const char *s, size_t len, struct pos p)
{
	size_t i = 0;
	for (unsigned line = 1; i < len && line < p.line; i++)
		line += s[i] == '\n';
	for (unsigned col = 1; i < len && col < p.col; col++)
		for (i++; i < len && ((unsigned char)s[i] & 0xC0) == 0x80;)
			i++;
	return i;
}

/* ---- escapes ------------------------------------------------------------ */

static void emit_code_point(struct trace *t, unsigned long cp, size_t at)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	emit(t, b, n, at);
}

static int hex_value(const struct trace *t, size_t at, int digits, unsigned long *out)
{
	*out = 0;
	for (int k = 0; k < digits; k++) {
		int c = at + (size_t)k < t->len ? t->s[at + (size_t)k] : 0;
		int v = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' &&
			(c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		*out = *out * 16 + (unsigned long)v;
	}
	return 0;
}

/* t->i is at a backslash not followed by a line break.  Returns -1 for an
 * escape this trace does not know (the caller then gives up). */
static int escape(struct trace *t)
{
	static const struct { char name, value; } simple[] = {
		{ '0', '\0' }, { 'a', '\a' }, { 'b', '\b' }, { 't', '\t' },
		{ '\t', '\t' }, { 'n', '\n' }, { 'v', '\v' }, { 'f', '\f' },
		{ 'r', '\r' }, { 'e', '\033' }, { ' ', ' ' }, { '"', '"' },
		{ '/', '/' }, { '\\', '\\' },
	};
	size_t at = t->i;
	int c = t->i + 1 < t->len ? (unsigned char)t->s[t->i + 1] : -1;
	int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	for (size_t k = 0; k < sizeof(simple) / sizeof(*simple); k++)
		if (c == simple[k].name) {
			emit(t, &simple[k].value, 1, at);
			t->i += 2;
			return 0;
		}
	unsigned long cp;
	if (c == 'N' || c == '_' || c == 'L' || c == 'P') {
		cp = c == 'N' ? 0x85 : c == '_' ? 0xA0 : c == 'L' ? 0x2028 : 0x2029;
		t->i += 2;
	} else if (digits && !hex_value(t, at + 2, digits, &cp)) {
		t->i += 2 + (size_t)digits;
		unsigned long lo;
		/* JSON spells characters beyond the BMP as two \u escapes */
		if (cp >= 0xD800 && cp < 0xDC00 && t->i + 6 <= t->len &&
		    t->s[t->i] == '\\' && t->s[t->i + 1] == 'u' &&
		    !hex_value(t, t->i + 2, 4, &lo) && lo >= 0xDC00 && lo < 0xE000) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			t->i += 6;
		}
	} else {
		return -1;
	}
	emit_code_point(t, cp, at);
	return 0;
}

/* ---- flow scalars: double-quoted, single-quoted, plain ------------------ */

enum flow { FLOW_DOUBLE, FLOW_SINGLE, FLOW_PLAIN };

/* The blanks and line breaks between two runs of text, folded as libyaml
 * folds them: blanks kept inside a line, trailing blanks dropped, one
 * break becomes a space, n breaks become n-1 newlines. */
static void fold(struct trace *t, int leading_blanks)
{
	size_t ws_start = t->i, ws_len = 0, lead_at = 0, ntrail = 0;
	int lead = 0;
	size_t *trail = NULL, trail_alloc = 0;
	while (is_blank(cur(t)) || is_break(cur(t))) {
		if (is_blank(cur(t))) {
			if (!leading_blanks && !ws_len)
				ws_start = t->i;
			if (!leading_blanks)
				ws_len++;
			t->i++;
			continue;
		}
		if (!leading_blanks) {
			ws_len = 0;
			lead = 1;
			lead_at = t->i;
			leading_blanks = 1;
		} else {
			ARRAY_GROW(trail, ntrail + 1, trail_alloc);
			trail[ntrail++] = t->i;
		}
		skip_break(t);
	}
	if (!leading_blanks || (!lead && !ntrail)) {
		for (size_t k = 0; k < ws_len; k++)
			emit(t, &t->s[ws_start + k], 1, ws_start + k);
	} else if (lead && !ntrail) {
		emit(t, " ", 1, lead_at);
	} else {
		for (size_t k = 0; k < ntrail; k++)
			emit(t, "\n", 1, trail[k]);
	}
	free(trail);
}

/* Reads a flow scalar starting at t->i (after its opening quote).  Plain
 * scalars stop once 'want' bytes are out: their end depends on context
 * (': ', ' #', indentation) that the value already tells. */
static int read_flow(struct trace *t, enum flow style, size_t want)
{
	int quote = style == FLOW_DOUBLE ? '"' : '\'';
	for (;;) {
		int leading_blanks = 0;
		while (!at_end(t) && !is_blank(cur(t)) && !is_break(cur(t))) {
			int c = cur(t);
			if (style == FLOW_PLAIN && t->out.len >= want)
				return 0;
			if (style == FLOW_SINGLE && c == '\'' && t->i + 1 < t->len &&
			    t->s[t->i + 1] == '\'') {
				emit(t, "'", 1, t->i);
				t->i += 2;
			} else if (style != FLOW_PLAIN && c == quote) {
				return 0;
			} else if (style == FLOW_DOUBLE && c == '\\' && t->i + 1 < t->len &&
				   is_break((unsigned char)t->s[t->i + 1])) {
				t->i++;
				skip_break(t);
				leading_blanks = 1;
				break;
			} else if (style == FLOW_DOUBLE && c == '\\') {
				if (escape(t) < 0)
					return -1;
			} else {
				emit(t, &t->s[t->i], 1, t->i);
				t->i++;
			}
		}
		if (at_end(t) || (style == FLOW_PLAIN && t->out.len >= want))
			return style == FLOW_PLAIN ? 0 : -1;
		fold(t, leading_blanks);
	}
}

/* ---- block scalars: literal | and folded > ------------------------------ */

/* Eats indentation and empty lines as libyaml does before a block
 * scalar's content line, appending one break offset per empty line to
 * *brk; learns the indentation from the first content line when *indent is
 * 0.  Returns the column reached (the spaces eaten on the current line). */
static size_t block_breaks(struct trace *t, size_t *indent, size_t **brk,
			   size_t *nbrk, size_t *alloc)
{
	size_t max_indent = 0, col;
	for (;;) {
		for (col = 0; (!*indent || col < *indent) && cur(t) == ' '; col++)
			t->i++;
		if (col > max_indent)
			max_indent = col;
		if (!is_break(cur(t)))
			break;
		ARRAY_GROW(*brk, *nbrk + 1, *alloc);
		(*brk)[(*nbrk)++] = t->i;
		skip_break(t);
	}
	if (!*indent)
		*indent = max_indent ? max_indent : 1;
	return col;
}

/* The indentation of the node that holds the block scalar starting at
 * 'at': the column of the mapping key on its line, or of the '-' of a
 * sequence entry that is the scalar itself ("- |2"). */
static size_t parent_indent(const struct trace *t, size_t at)
{
	size_t start = at;
	while (start > 0 && t->s[start - 1] != '\n')
		start--;
	size_t col = 0;
	while (start + col < at && t->s[start + col] == ' ')
		col++;
	while (start + col + 1 < at && t->s[start + col] == '-' &&
	       t->s[start + col + 1] == ' ') {
		size_t next = col + 1;
		while (start + next < at && t->s[start + next] == ' ')
			next++;
		if (start + next == at || t->s[start + next] == '!' ||
		    t->s[start + next] == '&')
			break;
		col = next;
	}
	return col;
}

static int read_block(struct trace *t)
{
	int literal = cur(t) == '|', chomp = 0;
	size_t indent = 0, parent = parent_indent(t, t->i);
	for (t->i++; cur(t) == '+' || cur(t) == '-' || (cur(t) >= '1' && cur(t) <= '9');
	     t->i++) {
		if (cur(t) >= '1' && cur(t) <= '9')
			indent = parent + (size_t)(cur(t) - '0');
		else
			chomp = cur(t) == '+' ? 1 : -1;
	}
	while (!at_end(t) && !is_break(cur(t)))
		t->i++;
	if (at_end(t))
		return 0;
	skip_break(t);
	size_t *trail = NULL, ntrail = 0, alloc = 0, lead_at = 0;
	int lead = 0, leading_blank = 0;
	size_t col = block_breaks(t, &indent, &trail, &ntrail, &alloc);
	while (col == indent && !at_end(t)) {
		int trailing_blank = is_blank(cur(t));
		if (!literal && lead && !leading_blank && !trailing_blank) {
			if (!ntrail)
				emit(t, " ", 1, lead_at);
		} else if (lead) {
			emit(t, "\n", 1, lead_at);
		}
		for (size_t k = 0; k < ntrail; k++)
			emit(t, "\n", 1, trail[k]);
		ntrail = 0;
		lead = 0;
		leading_blank = is_blank(cur(t));
		while (!at_end(t) && !is_break(cur(t))) {
			emit(t, &t->s[t->i], 1, t->i);
			t->i++;
		}
		if (at_end(t))
			break;
		lead = 1;
		lead_at = t->i;
		skip_break(t);
		col = block_breaks(t, &indent, &trail, &ntrail, &alloc);
	}
	if (chomp != -1 && lead)
		emit(t, "\n", 1, lead_at);
	for (size_t k = 0; chomp == 1 && k < ntrail; k++)
		emit(t, "\n", 1, trail[k]);
	free(trail);
	return 0;
}

/* ---- the entry point ---------------------------------------------------- */

/* Line and column of each traced offset, in one forward pass. */
static struct pos *positions(const struct doc *d, const size_t *from, size_t n,
			     size_t end)
{
	struct pos *map = xcalloc(n + 1, sizeof(*map));
	struct pos p = { d->path, 1, 1 };
	size_t at = 0;
	for (size_t k = 0; k <= n; k++) {
		size_t want = k < n ? from[k] : end;
		if (want < at) { /* offsets only grow; a repeat keeps its place */
			map[k] = map[k ? k - 1 : 0];
			continue;
		}
		for (; at < want; at++) {
			unsigned char c = (unsigned char)d->text.ptr[at];
			if (c == '\n') {
				p.line++;
				p.col = 1;
			} else if ((c & 0xC0) != 0x80) {
				p.col++;
			}
		}
		map[k] = p;
	}
	return map;
}

/* In a remapped document with an origin: the byte of text whose origin
 * is p (the first one), or the text's length when none is. */
static size_t origin_offset(const struct doc *d, struct pos p)
{
	for (size_t k = 0; k < d->text.len; k++)
		if (d->origin[k].line == p.line && d->origin[k].col == p.col)
			return k;
	return d->text.len;
}

/* The traced offsets' places in the file the text came from. */
static struct pos *origin_positions(const struct doc *d, const size_t *from,
				    size_t n, size_t end)
{
	struct pos *map = xcalloc(n + 1, sizeof(*map));
	for (size_t k = 0; k <= n; k++)
		map[k] = d->origin[k < n ? from[k] : end];
	return map;
}

struct pos *doc_string_map(const struct doc *d, const cJSON *str)
{
	if (!cJSON_IsString(str) || !d->text.ptr || (d->remapped && !d->origin))
		return NULL;
	struct pos at = doc_pos(d, str);
	if (!at.line)
		return NULL;
	struct trace t = { d->text.ptr, d->text.len, 0, BUF_INIT, NULL, 0 };
	t.i = d->origin ? origin_offset(d, at) : offset_of(t.s, t.len, at);
	/* a tag (!Sub) or an anchor may stand before the scalar, which then
	 * may start on a later line */
	while (cur(&t) == '!' || cur(&t) == '&') {
		while (!at_end(&t) && !is_blank(cur(&t)) && !is_break(cur(&t)))
			t.i++;
		while (is_blank(cur(&t)) || is_break(cur(&t)) || cur(&t) == '#') {
			if (cur(&t) == '#')
				while (!at_end(&t) && !is_break(cur(&t)))
					t.i++;
			else
				t.i++;
		}
	}
	int c = cur(&t), r;
	size_t want = strlen(str->valuestring);
	if (c == '|' || c == '>') {
		r = read_block(&t);
	} else if (c == '"' || c == '\'') {
		t.i++;
		r = read_flow(&t, c == '"' ? FLOW_DOUBLE : FLOW_SINGLE, want);
	} else {
		r = read_flow(&t, FLOW_PLAIN, want);
	}
	struct pos *map = NULL;
	if (!r && t.out.len == want && !memcmp(t.out.ptr ? t.out.ptr : "",
					       str->valuestring, want))
		map = d->origin ? origin_positions(d, t.from, want, t.i)
				: positions(d, t.from, want, t.i);
	free(t.from);
	buf_release(&t.out);
	return map;
}
