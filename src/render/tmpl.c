/* tmpl.c - parse templates into a flat op list; render over cJSON scopes. */
#include "tmpl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "xalloc.h"
#include "banned.h"

enum op_kind { OP_TEXT, OP_VAR, OP_RAW, OP_SECTION, OP_INVERTED };

struct op {
	enum op_kind kind;
	const char *s;  /* text or name, into t->text */
	size_t len;
	size_t end;     /* sections: index of the op after the body */
	const char *at; /* where the tag starts, for messages */
};

/* A list item rendered before: the item, the values it held, its bytes. */
struct memo_item {
	size_t op;            /* its section */
	const cJSON *item;
	size_t steps;         /* operations rendering it took */
	size_t snap_len, len;
	char data[];          /* snap_len bytes of values, then len of output */
};

/* Items remembered at most: a sidebar has one per page and folder, twice
 * (current or not); past this the memo starts again. */
#define TMPL_MEMO_MAX 4096
#define TMPL_MEMO_SLOTS 8192 /* a power of two, twice TMPL_MEMO_MAX */

struct tmpl {
	char *text;
	struct op *ops;
	size_t nr, alloc;
	struct memo_item **memo; /* TMPL_MEMO_SLOTS, open addressing; or NULL */
	size_t memo_nr;
};

/* ---- parsing ------------------------------------------------------------ */

static struct op *add_op(struct tmpl *t, enum op_kind kind, const char *s,
			 size_t len)
{
	ARRAY_GROW(t->ops, t->nr + 1, t->alloc);
	struct op *op = &t->ops[t->nr++];
	op->kind = kind;
	op->s = s;
	op->len = len;
	op->end = 0;
	op->at = s;
	return op;
}

static struct pos pos_at(const char *path, const char *text, const char *at)
{
	struct pos pos = { path, 1, 1 };
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			pos.line++;
			pos.col = 1;
		} else {
			pos.col++;
		}
	}
	return pos;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

struct parse_state {
	const char *path;
	size_t stack[TMPL_MAX_DEPTH];
	int depth;
	struct diag_list *diags;
};

static int close_section(struct tmpl *t, struct parse_state *ps,
			 const char *name, size_t len, const char *at)
{
	if (!ps->depth)
		return diag_error(ps->diags, pos_at(ps->path, t->text, at),
				  "tmpl/unopened", "{{/%.*s}} closes no section",
				  (int)len, name);
	struct op *open = &t->ops[ps->stack[--ps->depth]];
	if (open->len != len || memcmp(open->s, name, len))
		return diag_error(ps->diags, pos_at(ps->path, t->text, at),
				  "tmpl/mismatch", "{{/%.*s}} closes {{#%.*s}}",
				  (int)len, name, (int)open->len, open->s);
	open->end = t->nr;
	return 0;
}

/* One {{...}} tag starting at p (after the braces); returns -1 on error. */
static int parse_tag(struct tmpl *t, struct parse_state *ps, const char *tag,
		     const char *s, size_t len, int triple)
{
	char sigil = len ? *s : 0;
	if (!triple && (sigil == '#' || sigil == '^' || sigil == '/' ||
			sigil == '!')) {
		s++;
		len--;
	} else {
		sigil = 0;
	}
	trim(&s, &len);
	if (sigil == '!')
		return 0;
	if (sigil == '/')
		return close_section(t, ps, s, len, tag);
	if (sigil == '#' || sigil == '^') {
		if (ps->depth >= TMPL_MAX_DEPTH)
			return diag_error(ps->diags, pos_at(ps->path, t->text, tag),
					  "tmpl/too-deep", "sections nest deeper than %d",
					  TMPL_MAX_DEPTH);
		ps->stack[ps->depth++] = t->nr;
		add_op(t, sigil == '#' ? OP_SECTION : OP_INVERTED, s, len)->at = tag;
		return 0;
	}
	add_op(t, triple ? OP_RAW : OP_VAR, s, len);
	return 0;
}

static int parse_all(struct tmpl *t, struct parse_state *ps)
{
	const char *p = t->text;
	while (*p) {
		const char *open = strstr(p, "{{");
		if (!open) {
			add_op(t, OP_TEXT, p, strlen(p));
			break;
		}
		if (open > p)
			add_op(t, OP_TEXT, p, (size_t)(open - p));
		int triple = open[2] == '{';
		const char *body = open + (triple ? 3 : 2);
		const char *close = strstr(body, triple ? "}}}" : "}}");
		if (!close)
			return diag_error(ps->diags, pos_at(ps->path, t->text, open),
					  "tmpl/unclosed-tag", "'{{' without '}}'");
		if (parse_tag(t, ps, open, body, (size_t)(close - body), triple))
			return -1;
		p = close + (triple ? 3 : 2);
	}
	if (ps->depth) {
		const struct op *o = &t->ops[ps->stack[ps->depth - 1]];
		return diag_error(ps->diags, pos_at(ps->path, t->text, o->at),
				  "tmpl/unclosed-section", "{{#%.*s}} is never closed",
				  (int)o->len, o->s);
	}
	return 0;
}

struct tmpl *tmpl_parse(const char *path, const char *text, size_t len,
			struct diag_list *diags)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	t->text = xstrndup(text, len);
	struct parse_state ps = { .path = path, .depth = 0, .diags = diags };
	if (parse_all(t, &ps)) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

static void memo_clear(struct tmpl *t)
{
	for (size_t i = 0; t->memo && i < TMPL_MEMO_SLOTS; i++)
		free(t->memo[i]);
	free(t->memo);
	t->memo = NULL;
	t->memo_nr = 0;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	memo_clear(t);
	free(t->ops);
	free(t->text);
	free(t);
}

/* ---- rendering ---------------------------------------------------------- */

struct scope {
	const cJSON *v;
	const struct scope *up;
	int depth; /* 0 for the data, one more per section */
};

/* One rendering: every op executed counts against TMPL_MAX_STEPS, because
 * nested sections over lists multiply (32 levels over two items would be
 * 2^32 passes). */
struct render {
	struct tmpl *t;
	struct buf *out;
	size_t steps;
	size_t limit;  /* out->len past which rendering stops */
	int floor;     /* depth of the item being memoized, or -1 */
	int escaped;   /* it looked up a name outside itself */
};

/* The member named s (len bytes) of object v.  Names are compared here
 * rather than with strncmp: a page looks up a few names in small objects
 * over a thousand times (the sidebar), and the calls were most of it. */
static const cJSON *member(const cJSON *v, const char *s, size_t len)
{
	if (!v || (v->type & 0xFF) != cJSON_Object)
		return NULL;
	for (const cJSON *c = v->child; c; c = c->next) {
		const char *k = c->string;
		size_t i = 0;
		while (i < len && k[i] == s[i])
			i++;
		if (i == len && k[i] == '\0')
			return c;
	}
	return NULL;
}

/* The first '.' of the len bytes at s, or NULL. */
static const char *find_dot(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.')
			return s + i;
	return NULL;
}

/* The value of name s (len bytes) seen from scope sc.  A name found
 * outside the item being memoized (or nowhere) makes it depend on more
 * than itself. */
static const cJSON *lookup(struct render *r, const struct scope *sc,
			   const char *s, size_t len)
{
	if (len == 1 && *s == '.')
		return sc->v;
	const char *dot = find_dot(s, len);
	size_t first = dot ? (size_t)(dot - s) : len;
	const cJSON *v = NULL;
	for (; sc && !(v = member(sc->v, s, first)); sc = sc->up)
		;
	if (r->floor >= 0 && (!sc || sc->depth < r->floor))
		r->escaped = 1;
	while (v && dot) {
		s = dot + 1;
		len -= first + 1;
		dot = find_dot(s, len);
		first = dot ? (size_t)(dot - s) : len;
		v = member(v, s, first);
	}
	return v;
}

static int truthy(const cJSON *v)
{
	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return 0;
	if (cJSON_IsString(v))
		return v->valuestring[0] != '\0';
	if (cJSON_IsArray(v))
		return cJSON_GetArraySize(v) > 0;
	if (cJSON_IsNumber(v))
		return v->valuedouble != 0;
	return 1;
}

/* n in decimal into num (room for 21 bytes). */
static void put_integer(char *num, long long n)
{
	char digits[24];
	size_t k = 0, o = 0;
	unsigned long long u = n < 0 ? 0ull - (unsigned long long)n
				     : (unsigned long long)n;
	do {
		digits[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		num[o++] = '-';
	while (k)
		num[o++] = digits[--k];
	num[o] = '\0';
}

static void put_value(struct buf *out, const cJSON *v, int raw)
{
	char num[64];
	const char *s = NULL;
	if (cJSON_IsString(v))
		s = v->valuestring;
	else if (cJSON_IsBool(v))
		s = cJSON_IsTrue(v) ? "true" : "false";
	else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 1e15 && !(d == 0 && signbit(d)))
			put_integer(num, (long long)d); /* "%.0f", without snprintf */
		else
			snprintf(num, sizeof(num), "%g", d);
		s = num;
	}
	if (!s)
		return;
	if (raw)
		buf_adds(out, s);
	else
		escape_attr(out, s, strlen(s));
}

static void render_range(struct render *r, size_t from, size_t to,
			 const struct scope *sc);

/* ---- list items rendered once -------------------------------------------
 * An item of a list that is an object of strings, numbers and booleans,
 * and whose rendering looks up only its own members, renders to the same
 * bytes whenever it holds the same values: the sidebar, the same on every
 * page of a folder but for the current mark, was a twentieth of a build.
 * Such items are remembered by section and item (the site shares one
 * sidebar between the pages of a folder) with their values, and copied
 * while the item still holds those values. */

/* The values of an object item as a memo holds them: per member a type
 * byte, the name and NUL, then a string and NUL or a number's bytes.
 * Returns 0, or -1 when a member is not a string, number or boolean. */
static int snapshot(const cJSON *item, struct buf *out)
{
	for (const cJSON *c = item->child; c; c = c->next) {
		int type = c->type & 0xFF;
		if (type != cJSON_String && type != cJSON_Number &&
		    type != cJSON_True && type != cJSON_False && type != cJSON_NULL)
			return -1;
		buf_addc(out, (char)type);
		buf_add(out, c->string, strlen(c->string) + 1);
		if (type == cJSON_String)
			buf_add(out, c->valuestring, strlen(c->valuestring) + 1);
		else if (type == cJSON_Number)
			buf_add(out, &c->valuedouble, sizeof(c->valuedouble));
	}
	return 0;
}

/* Does item hold the values of snapshot p (n bytes)? */
static int same_values(const cJSON *item, const char *p, size_t n)
{
	const char *end = p + n;
	for (const cJSON *c = item->child; c; c = c->next) {
		int type = c->type & 0xFF;
		if (p == end || *p++ != (char)type || strcmp(p, c->string))
			return 0;
		p += strlen(p) + 1;
		if (type == cJSON_String) {
			if (strcmp(p, c->valuestring))
				return 0;
			p += strlen(p) + 1;
		} else if (type == cJSON_Number) {
			if (memcmp(p, &c->valuedouble, sizeof(c->valuedouble)))
				return 0;
			p += sizeof(c->valuedouble);
		}
	}
	return p == end;
}

static size_t memo_slot(const struct tmpl *t, size_t op, const cJSON *item)
{
	uint64_t h = ((uint64_t)(uintptr_t)item ^ ((uint64_t)op << 48)) *
		     0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 40) & (TMPL_MEMO_SLOTS - 1);
	while (t->memo[i] && (t->memo[i]->op != op || t->memo[i]->item != item))
		i = (i + 1) & (TMPL_MEMO_SLOTS - 1);
	return i;
}

/* Copies the remembered item, when it still holds the values it was
 * rendered with and copying stays within the limits rendering it would
 * have.  Returns 0, or -1 to render it. */
static int memo_copy(struct render *r, size_t op, const cJSON *item)
{
	if (!r->t->memo)
		return -1;
	const struct memo_item *m = r->t->memo[memo_slot(r->t, op, item)];
	if (!m || !same_values(item, m->data, m->snap_len) ||
	    r->steps + m->steps >= TMPL_MAX_STEPS || r->out->len + m->len > r->limit)
		return -1;
	buf_add(r->out, m->data + m->snap_len, m->len);
	r->steps += m->steps;
	return 0;
}

static void memo_put(struct render *r, size_t op, const cJSON *item,
		     const struct buf *snap, size_t start, size_t steps)
{
	struct tmpl *t = r->t;
	if (!t->memo || t->memo_nr >= TMPL_MEMO_MAX) {
		memo_clear(t);
		t->memo = xcalloc(TMPL_MEMO_SLOTS, sizeof(*t->memo));
	}
	size_t len = r->out->len - start, at = memo_slot(t, op, item);
	struct memo_item *m = xmalloc(size_add(sizeof(*m), size_add(snap->len, len)));
	m->op = op;
	m->item = item;
	m->steps = steps;
	m->snap_len = snap->len;
	m->len = len;
	memcpy(m->data, snap->ptr, snap->len);
	memcpy(m->data + snap->len, r->out->ptr + start, len);
	if (t->memo[at])
		free(t->memo[at]); /* the same item, other values */
	else
		t->memo_nr++;
	t->memo[at] = m;
}

/* Renders the body of section op i once for item. */
static void render_item(struct render *r, size_t i, const cJSON *item,
			const struct scope *sc)
{
	const struct op *op = &r->t->ops[i];
	struct scope inner = { item, sc, sc->depth + 1 };
	int object = item && (item->type & 0xFF) == cJSON_Object;
	if (r->floor >= 0 || !object) {
		render_range(r, i + 1, op->end, &inner);
		return;
	}
	if (!memo_copy(r, i, item))
		return;
	struct buf snap = BUF_INIT;
	int ok = !snapshot(item, &snap);
	size_t start = r->out->len, steps = r->steps;
	r->floor = inner.depth;
	r->escaped = 0;
	render_range(r, i + 1, op->end, &inner);
	r->floor = -1;
	if (ok && !r->escaped && r->steps < TMPL_MAX_STEPS)
		memo_put(r, i, item, &snap, start, r->steps - steps);
	buf_release(&snap);
}

static void render_section(struct render *r, size_t i, const struct scope *sc)
{
	const struct op *op = &r->t->ops[i];
	const cJSON *v = lookup(r, sc, op->s, op->len);
	if (op->kind == OP_INVERTED) {
		if (!truthy(v))
			render_range(r, i + 1, op->end, sc);
		return;
	}
	if (!truthy(v))
		return;
	if (cJSON_IsArray(v)) {
		const cJSON *item;
		cJSON_ArrayForEach(item, v)
			render_item(r, i, item, sc);
		return;
	}
	struct scope inner = { v, sc, sc->depth + 1 };
	render_range(r, i + 1, op->end, &inner);
}

/* Recursion is bounded by TMPL_MAX_DEPTH, work by TMPL_MAX_STEPS. */
static void render_range(struct render *r, size_t from, size_t to,
			 const struct scope *sc)
{
	for (size_t i = from; i < to && r->steps < TMPL_MAX_STEPS; i++) {
		if (r->out->len > r->limit) {
			r->steps = TMPL_MAX_STEPS; /* stop everything above too */
			return;
		}
		r->steps++;
		const struct op *op = &r->t->ops[i];
		switch (op->kind) {
		case OP_TEXT:
			buf_add(r->out, op->s, op->len);
			break;
		case OP_VAR:
		case OP_RAW:
			put_value(r->out, lookup(r, sc, op->s, op->len),
				  op->kind == OP_RAW);
			break;
		case OP_SECTION:
		case OP_INVERTED:
			render_section(r, i, sc);
			i = op->end - 1;
			break;
		}
	}
}

int tmpl_render(struct tmpl *t, const cJSON *data, struct buf *out)
{
	struct render r = { t, out, 0, out->len + TMPL_MAX_OUTPUT, -1, 0 };
	struct scope top = { data, NULL, 0 };
	render_range(&r, 0, t->nr, &top);
	return r.steps >= TMPL_MAX_STEPS ? -1 : 0;
}
