/* tmpl.c - parse templates into a flat op list; render over cJSON scopes. */
#include "tmpl.h"

#include <math.h>
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

struct tmpl {
	char *text;
	struct op *ops;
	size_t nr, alloc;
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

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	free(t->ops);
	free(t->text);
	free(t);
}

/* ---- rendering ---------------------------------------------------------- */

struct scope {
	const cJSON *v;
	const struct scope *up;
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

static const cJSON *lookup(const struct scope *sc, const char *s, size_t len)
{
	if (len == 1 && *s == '.')
		return sc->v;
	const char *dot = find_dot(s, len);
	size_t first = dot ? (size_t)(dot - s) : len;
	const cJSON *v = NULL;
	for (; sc && !v; sc = sc->up)
		v = member(sc->v, s, first);
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

/* One rendering: every op executed counts against TMPL_MAX_STEPS, because
 * nested sections over lists multiply (32 levels over two items would be
 * 2^32 passes). */
struct render {
	const struct tmpl *t;
	struct buf *out;
	size_t steps;
	size_t limit; /* out->len past which rendering stops */
};

static void render_range(struct render *r, size_t from, size_t to,
			 const struct scope *sc);

static void render_section(struct render *r, size_t i, const struct scope *sc)
{
	const struct op *op = &r->t->ops[i];
	const cJSON *v = lookup(sc, op->s, op->len);
	if (op->kind == OP_INVERTED) {
		if (!truthy(v))
			render_range(r, i + 1, op->end, sc);
		return;
	}
	if (!truthy(v))
		return;
	if (cJSON_IsArray(v)) {
		const cJSON *item;
		cJSON_ArrayForEach(item, v) {
			struct scope inner = { item, sc };
			render_range(r, i + 1, op->end, &inner);
		}
		return;
	}
	struct scope inner = { v, sc };
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
			put_value(r->out, lookup(sc, op->s, op->len),
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

int tmpl_render(const struct tmpl *t, const cJSON *data, struct buf *out)
{
	struct render r = { t, out, 0, out->len + TMPL_MAX_OUTPUT };
	struct scope top = { data, NULL };
	render_range(&r, 0, t->nr, &top);
	return r.steps >= TMPL_MAX_STEPS ? -1 : 0;
}
