/* jsonata_parse.c - JSONata text to the syntax tree the evaluator walks.
 * A tokenizer, a Pratt (top-down operator precedence) parser with
 * jsonata-js's binding powers and error codes, then the post-parse pass that
 * flattens '.' chains into paths of steps, attaches predicates, group-by,
 * sort, focus (@) and index (#) bindings to their steps, resolves the parent
 * operator (%) to ancestor slots and marks tail calls in lambda bodies.
 * Recursion is bounded by JSONATA_MAX_PARSE_DEPTH.
 * Not here: evaluation (jsonata_eval.c), signatures (jsonata_sig.c). */
#include "jsonata_impl.h"
#include "hexdigit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

enum tok_type { T_END, T_OP, T_NAME, T_VAR, T_STR, T_NUM, T_VALUE, T_REGEX };

struct tok {
	enum tok_type type;
	char op[4];        /* operator text */
	const char *str;   /* name, variable, string (arena, NUL-terminated) */
	size_t len;
	double num;
	int value;         /* T_VALUE: 0 false, 1 true, 2 null */
	size_t start, pos; /* offsets of the token's first byte and just past */
	void *regex;
	uint32_t rflags;
};

struct parser {
	struct jsonata *j;
	const char *src;
	size_t len, at;
	struct tok t;      /* the current token */
	struct jsonata_error *err;
	int failed;
	size_t depth, max_depth;
	struct jnode **parents; /* parent-operator nodes by slot index */
	size_t nparents, alloc_parents;
};

/* ---- errors -------------------------------------------------------------- */

static int perr_value(struct parser *p, const char *code, size_t pos,
		      const char *token, const char *value);

static int perr(struct parser *p, const char *code, size_t pos,
		const char *token)
{
	return perr_value(p, code, pos, token, NULL);
}

static int perr_value(struct parser *p, const char *code, size_t pos,
		      const char *token, const char *value)
{
	if (p->failed)
		return -1;
	p->failed = 1;
	struct jsonata_error *e = p->err;
	snprintf(e->code, sizeof(e->code), "%s", code);
	e->position = pos;
	snprintf(e->token, sizeof(e->token), "%s", token ? token : "");
	const char *m = jsonata_message(code);
	struct buf b = BUF_INIT;
	for (const char *s = m; *s; s++) {
		if (strncmp(s, "{{token}}", 9) == 0) {
			buf_addf(&b, "\"%s\"", e->token);
			s += 8;
		} else if (strncmp(s, "{{value}}", 9) == 0) {
			buf_addf(&b, "\"%s\"", value ? value : e->token);
			s += 8;
		} else {
			buf_addc(&b, *s);
		}
	}
	snprintf(e->message, sizeof(e->message), "%s", b.ptr);
	buf_release(&b);
	return -1;
}

static const char *tok_text(struct parser *p, char *tmp, size_t n)
{
	const struct tok *t = &p->t;
	switch (t->type) {
	case T_END: return "(end)";
	case T_OP: return t->op;
	case T_NAME: case T_VAR: case T_STR: return t->str;
	default:
		snprintf(tmp, n, "%.*s", (int)(t->pos - t->start), p->src + t->start);
		return tmp;
	}
}

/* ---- tokenizer ----------------------------------------------------------- */

static int is_op_char(char c)
{
	return c && strchr(".[]{}(),@#;:?+-*/%|=<>^&!~", c) != NULL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

static int read_hex4(const char *s, size_t avail, uint32_t *out)
{
	if (avail < 4)
		return -1;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_digit(s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (uint32_t)h;
	}
	*out = v;
	return 0;
}

static int lex_string(struct parser *p, struct tok *t)
{
	char quote = p->src[p->at++];
	struct buf b = BUF_INIT;
	while (p->at < p->len) {
		char c = p->src[p->at];
		if (c == quote) {
			p->at++;
			t->type = T_STR;
			t->str = jsonata_arena_strndup(&p->j->arena, b.ptr, b.len);
			t->len = b.len;
			buf_release(&b);
			return 0;
		}
		if (c != '\\') {
			buf_addc(&b, c);
			p->at++;
			continue;
		}
		p->at++;
		c = p->at < p->len ? p->src[p->at] : '\0';
		const char *esc = strchr("\"\\/bfnrt", c);
		if (c && esc) {
			buf_addc(&b, "\"\\/\b\f\n\r\t"[esc - "\"\\/bfnrt"]);
		} else if (c == 'u') {
			uint32_t cp, lo;
			if (read_hex4(p->src + p->at + 1, p->len - p->at - 1, &cp) < 0) {
				buf_release(&b);
				return perr(p, "S0104", p->at, NULL);
			}
			p->at += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && p->at + 6 < p->len + 1 &&
			    p->src[p->at + 1] == '\\' && p->src[p->at + 2] == 'u' &&
			    read_hex4(p->src + p->at + 3, p->len - p->at - 3, &lo) == 0 &&
			    lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p->at += 6;
			}
			jsonata_utf8_put(&b, cp);
		} else {
			char tk[2] = { c, 0 };
			buf_release(&b);
			return perr(p, "S0103", p->at, tk);
		}
		p->at++;
	}
	buf_release(&b);
	return perr(p, "S0101", p->at, NULL);
}

static int lex_number(struct parser *p, struct tok *t)
{
	size_t i = p->at;
	const char *s = p->src;
	if (s[i] == '0')
		i++;
	else
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	if (i + 1 < p->len && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
		size_t k = i + 1;
		if (k < p->len && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < p->len && s[k] >= '0' && s[k] <= '9') {
			while (k < p->len && s[k] >= '0' && s[k] <= '9')
				k++;
			i = k;
		}
	}
	char *tmp = xstrndup(s + p->at, i - p->at);
	double d = strtod(tmp, NULL);
	if (!isfinite(d)) {
		char tk[64];
		snprintf(tk, sizeof(tk), "%s", tmp);
		free(tmp);
		return perr(p, "S0102", p->at, tk);
	}
	free(tmp);
	p->at = i;
	t->type = T_NUM;
	t->num = d;
	return 0;
}

static int lex_regex(struct parser *p, struct tok *t)
{
	size_t start = p->at;
	int depth = 0;
	while (p->at < p->len) {
		char c = p->src[p->at];
		if (c == '/' && depth == 0) {
			size_t bs = 0;
			while (p->at - bs > start && p->src[p->at - bs - 1] == '\\')
				bs++;
			if (bs % 2 == 0)
				break;
		}
		int esc = p->at > 0 && p->src[p->at - 1] == '\\';
		if ((c == '(' || c == '[' || c == '{') && !esc)
			depth++;
		if ((c == ')' || c == ']' || c == '}') && !esc)
			depth--;
		p->at++;
	}
	if (p->at >= p->len)
		return perr(p, "S0302", p->at, NULL);
	if (p->at == start)
		return perr(p, "S0301", p->at, NULL);
	size_t end = p->at++;
	uint32_t flags = 0;
	while (p->at < p->len && (p->src[p->at] == 'i' || p->src[p->at] == 'm'))
		flags |= p->src[p->at++] == 'i' ? 1u : 2u;
	const char *msg = NULL;
	t->regex = jsonata_regex_compile(&p->j->arena, p->src + start,
					 end - start, flags, &msg);
	if (!t->regex)
		return perr(p, "S0303", p->at, msg);
	t->type = T_REGEX;
	t->rflags = flags;
	t->str = jsonata_arena_strndup(&p->j->arena, p->src + start, end - start);
	t->len = end - start;
	return 0;
}

static int lex_name(struct parser *p, struct tok *t)
{
	size_t i = p->at;
	while (i < p->len && !is_space(p->src[i]) && !is_op_char(p->src[i]))
		i++;
	const char *s = p->src + p->at;
	size_t n = i - p->at;
	p->at = i;
	if (s[0] == '$') {
		t->type = T_VAR;
		t->str = jsonata_arena_strndup(&p->j->arena, s + 1, n - 1);
		t->len = n - 1;
		return 0;
	}
	if ((n == 2 && memcmp(s, "or", 2) == 0) || (n == 2 && memcmp(s, "in", 2) == 0) ||
	    (n == 3 && memcmp(s, "and", 3) == 0)) {
		t->type = T_OP;
		snprintf(t->op, sizeof(t->op), "%.*s", (int)n, s);
		return 0;
	}
	t->type = T_VALUE;
	if (n == 4 && memcmp(s, "true", 4) == 0)
		t->value = 1;
	else if (n == 5 && memcmp(s, "false", 5) == 0)
		t->value = 0;
	else if (n == 4 && memcmp(s, "null", 4) == 0)
		t->value = 2;
	else {
		t->type = T_NAME;
		t->str = jsonata_arena_strndup(&p->j->arena, s, n);
		t->len = n;
	}
	return 0;
}

static int skip_blank(struct parser *p)
{
	for (;;) {
		while (p->at < p->len && is_space(p->src[p->at]))
			p->at++;
		if (p->at + 1 < p->len && p->src[p->at] == '/' && p->src[p->at + 1] == '*') {
			size_t start = p->at;
			p->at += 2;
			while (!(p->at + 1 < p->len && p->src[p->at] == '*' &&
				 p->src[p->at + 1] == '/')) {
				if (++p->at >= p->len)
					return perr(p, "S0106", start, NULL);
			}
			p->at += 2;
			continue;
		}
		return 0;
	}
}

static const char *const two_char_ops[] = { "..", ":=", "!=", ">=", "<=", "**", "~>" };

static int lex_two_char(struct parser *p, struct tok *t)
{
	if (p->at + 1 >= p->len)
		return 0;
	for (size_t i = 0; i < sizeof(two_char_ops) / sizeof(*two_char_ops); i++)
		if (memcmp(p->src + p->at, two_char_ops[i], 2) == 0) {
			t->type = T_OP;
			memcpy(t->op, two_char_ops[i], 3);
			p->at += 2;
			return 1;
		}
	return 0;
}

static int lex_backtick(struct parser *p, struct tok *t)
{
	const char *end = memchr(p->src + p->at + 1, '`', p->len - p->at - 1);
	if (!end) {
		p->at = p->len;
		return perr(p, "S0105", p->at, NULL);
	}
	size_t n = (size_t)(end - p->src) - p->at - 1;
	t->type = T_NAME;
	t->str = jsonata_arena_strndup(&p->j->arena, p->src + p->at + 1, n);
	t->len = n;
	p->at += n + 2;
	return 0;
}

/* The next token; 'infix' after an operand, where '/' divides. */
static int lex(struct parser *p, int infix, struct tok *t)
{
	memset(t, 0, sizeof(*t));
	if (skip_blank(p) < 0)
		return -1;
	t->start = p->at;
	int rc = 0;
	char c = p->at < p->len ? p->src[p->at] : '\0';
	if (p->at >= p->len) {
		t->type = T_END;
	} else if (!infix && c == '/') {
		p->at++;
		rc = lex_regex(p, t);
	} else if (lex_two_char(p, t)) {
		/* done */
	} else if (is_op_char(c)) {
		t->type = T_OP;
		t->op[0] = c;
		p->at++;
	} else if (c == '"' || c == '\'') {
		rc = lex_string(p, t);
	} else if (c >= '0' && c <= '9') {
		rc = lex_number(p, t);
	} else if (c == '`') {
		rc = lex_backtick(p, t);
	} else {
		rc = lex_name(p, t);
	}
	t->pos = p->at;
	return rc;
}

/* ---- Pratt parser -------------------------------------------------------- */

static int lbp_of(const struct tok *t)
{
	static const struct { const char *op; int bp; } table[] = {
		{ ".", 75 }, { "[", 80 }, { "{", 70 }, { "(", 80 }, { "@", 80 },
		{ "#", 80 }, { "?", 20 }, { "+", 50 }, { "-", 50 }, { "*", 60 },
		{ "/", 60 }, { "%", 60 }, { "=", 40 }, { "<", 40 }, { ">", 40 },
		{ "^", 40 }, { "**", 60 }, { ":=", 10 }, { "!=", 40 }, { "<=", 40 },
		{ ">=", 40 }, { "~>", 40 }, { "and", 30 }, { "or", 25 },
		{ "in", 40 }, { "&", 50 },
	};
	if (t->type != T_OP)
		return 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (strcmp(table[i].op, t->op) == 0)
			return table[i].bp;
	return 0;
}

static int is_op(const struct tok *t, const char *op)
{
	return t->type == T_OP && strcmp(t->op, op) == 0;
}

static struct jnode *node_new(struct parser *p, enum jn_type type, size_t pos)
{
	struct jnode *n = jsonata_arena_alloc(&p->j->arena, sizeof(*n));
	n->type = (uint8_t)type;
	n->pos = pos;
	return n;
}

static void node_push(struct parser *p, struct jnode ***v, size_t *n,
		      size_t *alloc, struct jnode *item)
{
	if (*n == *alloc) {
		size_t cap = *alloc ? *alloc * 2 : 4;
		struct jnode **nv = jsonata_arena_alloc(&p->j->arena, cap * sizeof(*nv));
		if (*n)
			memcpy(nv, *v, *n * sizeof(*nv));
		*v = nv;
		*alloc = cap;
	}
	(*v)[(*n)++] = item;
}
#define PUSH_ITEM(p, nd, x) node_push((p), &(nd)->items, &(nd)->n, &(nd)->nalloc, (x))

/* Moves to the next token; with 'id', the current one must be that
 * operator (S0202, or S0203 at the end). */
static int advance(struct parser *p, const char *id, int infix)
{
	if (p->failed)
		return -1;
	if (id && !is_op(&p->t, id)) {
		char tmp[64];
		return perr_value(p, p->t.type == T_END ? "S0203" : "S0202", p->t.pos,
				  tok_text(p, tmp, sizeof(tmp)), id);
	}
	struct tok t;
	if (lex(p, infix, &t) < 0)
		return -1;
	if (t.type == T_OP && (strcmp(t.op, "!") == 0 || strcmp(t.op, "~") == 0))
		return perr(p, "S0204", t.pos, t.op);
	p->t = t;
	return 0;
}

static struct jnode *expression(struct parser *p, int rbp);

static struct jnode *literal_node(struct parser *p, const struct tok *t)
{
	static const enum jn_type types[] = {
		[T_NAME] = JN_NAME, [T_VAR] = JN_VARIABLE, [T_STR] = JN_STRING,
		[T_NUM] = JN_NUMBER, [T_VALUE] = JN_VALUE, [T_REGEX] = JN_REGEX,
	};
	struct jnode *n = node_new(p, types[t->type], t->pos);
	n->str = t->str;
	n->len = t->len;
	n->num = t->num;
	n->value = t->value;
	n->regex = t->regex;
	n->regex_flags = t->rflags;
	if (n->type == JN_VARIABLE && n->len) {
		n->builtin[0] = jsonata_builtin_find(n->str, n->len, 0);
		n->builtin[1] = jsonata_builtin_find(n->str, n->len, 1);
	}
	return n;
}

static struct jnode *parse_object(struct parser *p, struct jnode *n)
{
	if (!is_op(&p->t, "}")) {
		for (;;) {
			struct jnode *k = expression(p, 0);
			if (!k || advance(p, ":", 0) < 0)
				return NULL;
			struct jnode *v = expression(p, 0);
			if (!v)
				return NULL;
			PUSH_ITEM(p, n, k);
			PUSH_ITEM(p, n, v);
			if (!is_op(&p->t, ","))
				break;
			if (advance(p, ",", 0) < 0)
				return NULL;
		}
	}
	if (advance(p, "}", 1) < 0)
		return NULL;
	return n;
}

static struct jnode *parse_array(struct parser *p, struct jnode *n)
{
	if (!is_op(&p->t, "]")) {
		for (;;) {
			struct jnode *item = expression(p, 0);
			if (!item)
				return NULL;
			if (is_op(&p->t, "..")) {
				struct jnode *r = node_new(p, JN_BINARY, p->t.pos);
				r->op = OP_RANGE;
				r->str = "..";
				r->lhs = item;
				if (advance(p, "..", 0) < 0 || !(r->rhs = expression(p, 0)))
					return NULL;
				item = r;
			}
			PUSH_ITEM(p, n, item);
			if (!is_op(&p->t, ","))
				break;
			if (advance(p, ",", 0) < 0)
				return NULL;
		}
	}
	if (advance(p, "]", 1) < 0)
		return NULL;
	return n;
}

static struct jnode *parse_block(struct parser *p, struct jnode *n)
{
	while (!is_op(&p->t, ")")) {
		struct jnode *e = expression(p, 0);
		if (!e)
			return NULL;
		PUSH_ITEM(p, n, e);
		if (!is_op(&p->t, ";"))
			break;
		if (advance(p, ";", 0) < 0)
			return NULL;
	}
	if (advance(p, ")", 1) < 0)
		return NULL;
	return n;
}

static struct jnode *parse_transform(struct parser *p, struct jnode *n)
{
	if (!(n->lhs = expression(p, 0)) || advance(p, "|", 0) < 0 ||
	    !(n->rhs = expression(p, 0)))
		return NULL;
	if (is_op(&p->t, ",")) {
		if (advance(p, ",", 0) < 0 || !(n->third = expression(p, 0)))
			return NULL;
	}
	if (advance(p, "|", 0) < 0)
		return NULL;
	return n;
}

static struct jnode *nud_op(struct parser *p, const struct tok *t)
{
	static const struct { const char *op; enum jn_type type; } simple[] = {
		{ "*", JN_WILDCARD }, { "**", JN_DESCENDANT }, { "%", JN_PARENT },
	};
	for (size_t i = 0; i < 3; i++)
		if (strcmp(t->op, simple[i].op) == 0)
			return node_new(p, simple[i].type, t->pos);
	if (strcmp(t->op, "and") == 0 || strcmp(t->op, "or") == 0 ||
	    strcmp(t->op, "in") == 0) {
		struct jnode *n = node_new(p, JN_NAME, t->pos);
		n->str = jsonata_arena_strndup(&p->j->arena, t->op, strlen(t->op));
		n->len = strlen(t->op);
		return n;
	}
	struct jnode *n = node_new(p, JN_NEG, t->pos);
	switch (t->op[0]) {
	case '-':
		if (t->op[1])
			break;
		n->lhs = expression(p, 70);
		return n->lhs ? n : NULL;
	case '[': n->type = JN_ARRAY; return parse_array(p, n);
	case '{': n->type = JN_OBJECT; return parse_object(p, n);
	case '(': n->type = JN_BLOCK; return parse_block(p, n);
	case '|': n->type = JN_TRANSFORM; return parse_transform(p, n);
	default: break;
	}
	perr(p, "S0211", t->pos, t->op);
	return NULL;
}

static struct jnode *nud(struct parser *p, const struct tok *t)
{
	switch (t->type) {
	case T_END:
		perr(p, "S0207", t->pos, "(end)");
		return NULL;
	case T_OP:
		return nud_op(p, t);
	default:
		return literal_node(p, t);
	}
}

static int parse_signature(struct parser *p, struct jnode *n)
{
	size_t sig_start = p->t.start, sig_end;
	int depth = 1;
	while (depth > 0 && !is_op(&p->t, "{") && p->t.type != T_END) {
		if (advance(p, NULL, 0) < 0)
			return -1;
		if (is_op(&p->t, ">"))
			depth--;
		else if (is_op(&p->t, "<"))
			depth++;
	}
	sig_end = p->t.pos;
	if (advance(p, ">", 0) < 0)
		return -1;
	size_t off = 0;
	const char *code = NULL;
	n->sig = jsonata_sig_parse(&p->j->arena, p->src + sig_start,
				   sig_end - sig_start, &off, &code);
	if (!n->sig)
		return perr(p, code, sig_start + off, NULL);
	return 0;
}

static struct jnode *led_call(struct parser *p, const struct tok *t,
			      struct jnode *left)
{
	struct jnode *n = node_new(p, JN_FUNCTION, t->pos);
	n->lhs = left;
	if (!is_op(&p->t, ")")) {
		for (;;) {
			if (is_op(&p->t, "?")) {
				n->type = JN_PARTIAL;
				PUSH_ITEM(p, n, node_new(p, JN_HOLE, p->t.pos));
				if (advance(p, "?", 0) < 0)
					return NULL;
			} else {
				struct jnode *a = expression(p, 0);
				if (!a)
					return NULL;
				PUSH_ITEM(p, n, a);
			}
			if (!is_op(&p->t, ","))
				break;
			if (advance(p, ",", 0) < 0)
				return NULL;
		}
	}
	if (advance(p, ")", 1) < 0)
		return NULL;
	if (left->type == JN_NAME && ((left->len == 8 && memcmp(left->str, "function", 8) == 0) ||
				      strcmp(left->str, "\xce\xbb") == 0)) {
		for (size_t i = 0; i < n->n; i++)
			if (n->items[i]->type != JN_VARIABLE) {
				perr(p, "S0208", n->items[i]->pos, n->items[i]->str);
				return NULL;
			}
		n->type = JN_LAMBDA;
		if (is_op(&p->t, "<") && parse_signature(p, n) < 0)
			return NULL;
		if (advance(p, "{", 0) < 0 || !(n->rhs = expression(p, 0)) ||
		    advance(p, "}", 0) < 0)
			return NULL;
	}
	return n;
}

static struct jnode *led_order(struct parser *p, const struct tok *t,
			       struct jnode *left)
{
	struct jnode *n = node_new(p, JN_ORDER, t->pos);
	n->lhs = left;
	if (advance(p, "(", 0) < 0)
		return NULL;
	for (;;) {
		struct jnode *term = node_new(p, JN_SORT, p->t.pos);
		if (is_op(&p->t, "<")) {
			if (advance(p, "<", 0) < 0)
				return NULL;
		} else if (is_op(&p->t, ">")) {
			term->descending = 1;
			if (advance(p, ">", 0) < 0)
				return NULL;
		}
		if (!(term->lhs = expression(p, 0)))
			return NULL;
		PUSH_ITEM(p, n, term);
		if (!is_op(&p->t, ","))
			break;
		if (advance(p, ",", 0) < 0)
			return NULL;
	}
	if (advance(p, ")", 0) < 0)
		return NULL;
	return n;
}

static struct jnode *led_pred(struct parser *p, const struct tok *t,
			      struct jnode *left)
{
	if (is_op(&p->t, "]")) {
		struct jnode *step = left;
		while (step && step->type == JN_PRED)
			step = step->lhs;
		step->keep_array = 1;
		if (advance(p, "]", 0) < 0)
			return NULL;
		return left;
	}
	struct jnode *n = node_new(p, JN_PRED, t->pos);
	n->lhs = left;
	if (!(n->rhs = expression(p, 0)) || advance(p, "]", 1) < 0)
		return NULL;
	return n;
}

static const struct { const char *op; enum jn_op code; } binops[] = {
	{ "+", OP_ADD }, { "-", OP_SUB }, { "*", OP_MUL }, { "/", OP_DIV },
	{ "%", OP_MOD }, { "=", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT },
	{ "<=", OP_LE }, { ">", OP_GT }, { ">=", OP_GE }, { "&", OP_CONCAT },
	{ "and", OP_AND }, { "or", OP_OR }, { "in", OP_IN },
};

static struct jnode *led_binary(struct parser *p, const struct tok *t,
				struct jnode *left, int bp)
{
	struct jnode *n = node_new(p, JN_BINARY, t->pos);
	n->lhs = left;
	n->str = jsonata_arena_strndup(&p->j->arena, t->op, strlen(t->op));
	for (size_t i = 0; i < sizeof(binops) / sizeof(*binops); i++)
		if (strcmp(binops[i].op, t->op) == 0)
			n->op = (uint8_t)binops[i].code;
	if (strcmp(t->op, ".") == 0)
		n->type = JN_DOT;
	else if (strcmp(t->op, "~>") == 0)
		n->type = JN_APPLY;
	if (!(n->rhs = expression(p, bp)))
		return NULL;
	return n;
}

static struct jnode *led(struct parser *p, const struct tok *t,
			 struct jnode *left)
{
	int bp = lbp_of(t);
	struct jnode *n;
	switch (t->op[0]) {
	case '(': return led_call(p, t, left);
	case '[': return led_pred(p, t, left);
	case '^': return led_order(p, t, left);
	case '{':
		n = node_new(p, JN_GROUP, t->pos);
		n->lhs = left;
		return parse_object(p, n);
	case '?':
		n = node_new(p, JN_CONDITION, t->pos);
		n->lhs = left;
		if (!(n->rhs = expression(p, 0)))
			return NULL;
		if (is_op(&p->t, ":") &&
		    (advance(p, ":", 0) < 0 || !(n->third = expression(p, 0))))
			return NULL;
		return n;
	case '@':
	case '#':
		n = node_new(p, t->op[0] == '@' ? JN_FOCUS : JN_POS, t->pos);
		n->lhs = left;
		if (!(n->rhs = expression(p, 80)))
			return NULL;
		if (n->rhs->type != JN_VARIABLE) {
			perr(p, "S0214", n->rhs->pos, t->op);
			return NULL;
		}
		return n;
	case ':':
		if (left->type != JN_VARIABLE) {
			perr(p, "S0212", left->pos, left->str);
			return NULL;
		}
		n = node_new(p, JN_BIND, t->pos);
		n->lhs = left;
		return (n->rhs = expression(p, 9)) ? n : NULL;
	default:
		return led_binary(p, t, left, bp);
	}
}

static struct jnode *expression(struct parser *p, int rbp)
{
	if (++p->depth > p->max_depth) {
		perr(p, "S0299", p->t.pos, NULL);
		return NULL;
	}
	struct tok t = p->t;
	if (advance(p, NULL, 1) < 0)
		return NULL;
	struct jnode *left = nud(p, &t);
	while (left && !p->failed && rbp < lbp_of(&p->t)) {
		t = p->t;
		if (advance(p, NULL, 0) < 0)
			return NULL;
		left = led(p, &t, left);
	}
	p->depth--;
	return p->failed ? NULL : left;
}

/* ---- post-parse pass ----------------------------------------------------- */

static void seek_push(struct parser *p, struct jnode *n, struct jslot *s)
{
	node_push(p, (struct jnode ***)&n->seeking, &n->nseeking, &n->skalloc,
		  (struct jnode *)s);
}

static void push_ancestry(struct parser *p, struct jnode *result,
			  struct jnode *value)
{
	if (!value)
		return;
	for (size_t i = 0; i < value->nseeking; i++)
		seek_push(p, result, value->seeking[i]);
	if (value->type == JN_PARENT)
		seek_push(p, result, value->slot);
}

static const char *type_name(const struct jnode *n)
{
	switch (n->type) {
	case JN_PATH: return "path";
	case JN_BINARY: return "binary";
	case JN_FUNCTION: return "function";
	case JN_VARIABLE: return "variable";
	case JN_STRING: return "string";
	case JN_NUMBER: return "number";
	case JN_CONDITION: return "condition";
	default: return "expression";
	}
}

static struct jslot *seek_parent(struct parser *p, struct jnode *n,
				 struct jslot *slot)
{
	switch (n->type) {
	case JN_NAME:
	case JN_WILDCARD:
		slot->level--;
		if (slot->level == 0) {
			if (n->ancestor)
				memcpy(p->parents[slot->index]->slot->label,
				       n->ancestor->label, sizeof(slot->label));
			n->ancestor = slot;
			n->tuple = 1;
		}
		break;
	case JN_PARENT:
		slot->level++;
		break;
	case JN_BLOCK:
		if (n->n > 0) {
			n->tuple = 1;
			slot = seek_parent(p, n->items[n->n - 1], slot);
		}
		break;
	case JN_PATH: {
		n->tuple = 1;
		size_t i = n->n;
		slot = seek_parent(p, n->items[--i], slot);
		while (slot && slot->level > 0 && i > 0)
			slot = seek_parent(p, n->items[--i], slot);
		break;
	}
	default:
		perr(p, "S0217", n->pos, type_name(n));
		return NULL;
	}
	return slot;
}

static int resolve_ancestry(struct parser *p, struct jnode *path)
{
	struct jnode *last = path->items[path->n - 1];
	size_t nslots = last->nseeking;
	struct jslot **slots = last->seeking;
	if (last->type == JN_PARENT) {
		seek_push(p, last, last->slot);
		nslots = last->nseeking;
		slots = last->seeking;
	}
	for (size_t is = 0; is < nslots; is++) {
		struct jslot *slot = slots[is];
		long index = (long)path->n - 2;
		while (slot && slot->level > 0) {
			if (index < 0) {
				seek_push(p, path, slot);
				break;
			}
			struct jnode *step = path->items[index--];
			while (index >= 0 && step->focus && path->items[index]->focus)
				step = path->items[index--];
			slot = seek_parent(p, step, slot);
		}
		if (!slot)
			return -1;
	}
	return 0;
}

static struct jnode *tail_call(struct parser *p, struct jnode *e)
{
	if (e->type == JN_FUNCTION && e->npreds == 0) {
		struct jnode *thunk = node_new(p, JN_LAMBDA, e->pos);
		thunk->thunk = 1;
		thunk->rhs = e;
		return thunk;
	}
	if (e->type == JN_CONDITION) {
		e->rhs = tail_call(p, e->rhs);
		if (e->third)
			e->third = tail_call(p, e->third);
	} else if (e->type == JN_BLOCK && e->n > 0) {
		e->items[e->n - 1] = tail_call(p, e->items[e->n - 1]);
	}
	return e;
}

static struct jnode *post(struct parser *p, struct jnode *e);

static struct jnode *as_path(struct parser *p, struct jnode *step)
{
	if (step->type == JN_PATH)
		return step;
	struct jnode *path = node_new(p, JN_PATH, step->pos);
	PUSH_ITEM(p, path, step);
	return path;
}

static struct jnode *post_dot(struct parser *p, struct jnode *e)
{
	struct jnode *lstep = post(p, e->lhs);
	if (!lstep)
		return NULL;
	struct jnode *r = as_path(p, lstep);
	if (lstep->type == JN_PARENT)
		seek_push(p, r, lstep->slot);
	struct jnode *rest = post(p, e->rhs);
	if (!rest)
		return NULL;
	if (rest->type == JN_PATH) {
		for (size_t i = 0; i < rest->n; i++)
			PUSH_ITEM(p, r, rest->items[i]);
	} else {
		if (rest->npreds) {
			rest->stages = rest->preds;
			rest->nstages = rest->npreds;
			rest->stalloc = rest->pralloc;
			rest->preds = NULL;
			rest->npreds = rest->pralloc = 0;
		}
		PUSH_ITEM(p, r, rest);
	}
	for (size_t i = 0; i < r->n; i++) {
		struct jnode *s = r->items[i];
		if (s->type == JN_NUMBER || s->type == JN_VALUE) {
			char tk[32];
			if (s->type == JN_NUMBER)
				jsonata_num_js(s->num, tk);
			else
				snprintf(tk, sizeof(tk), "%s", s->value == 2 ? "null" : s->value ? "true" : "false");
			perr(p, "S0213", s->pos, tk);
			return NULL;
		}
		if (s->type == JN_STRING)
			s->type = JN_NAME;
		if (s->keep_array)
			r->keep_singleton = 1;
	}
	if (r->items[0]->type == JN_ARRAY)
		r->items[0]->consarray = 1;
	if (r->items[r->n - 1]->type == JN_ARRAY)
		r->items[r->n - 1]->consarray = 1;
	return resolve_ancestry(p, r) < 0 ? NULL : r;
}

static struct jnode *post_pred(struct parser *p, struct jnode *e)
{
	struct jnode *r = post(p, e->lhs);
	if (!r)
		return NULL;
	struct jnode *step = r;
	int stages = 0;
	if (r->type == JN_PATH) {
		step = r->items[r->n - 1];
		stages = 1;
	}
	if (step->group) {
		perr(p, "S0209", e->pos, NULL);
		return NULL;
	}
	struct jnode *pred = post(p, e->rhs);
	if (!pred)
		return NULL;
	for (size_t i = 0; i < pred->nseeking; i++) {
		struct jslot *slot = pred->seeking[i];
		if (slot->level == 1) {
			if (!seek_parent(p, step, slot))
				return NULL;
		} else {
			slot->level--;
		}
	}
	push_ancestry(p, step, pred);
	struct jnode *f = node_new(p, JN_FILTER, e->pos);
	f->lhs = pred;
	if (stages)
		node_push(p, &step->stages, &step->nstages, &step->stalloc, f);
	else
		node_push(p, &step->preds, &step->npreds, &step->pralloc, f);
	return r;
}

static int post_pairs(struct parser *p, struct jnode *src, struct jnode *dst,
		      int ancestry)
{
	for (size_t i = 0; i < src->n; i++) {
		struct jnode *x = post(p, src->items[i]);
		if (!x)
			return -1;
		if (ancestry)
			push_ancestry(p, dst, x);
		src->items[i] = x;
	}
	return 0;
}

static struct jnode *post_group(struct parser *p, struct jnode *e)
{
	struct jnode *r = post(p, e->lhs);
	if (!r)
		return NULL;
	if (r->group) {
		perr(p, "S0210", e->pos, NULL);
		return NULL;
	}
	struct jnode *g = node_new(p, JN_OBJECT, e->pos);
	g->items = e->items;
	g->n = e->n;
	g->nalloc = e->nalloc;
	if (post_pairs(p, g, g, 0) < 0)
		return NULL;
	r->group = g;
	return r;
}

static struct jnode *post_order(struct parser *p, struct jnode *e)
{
	struct jnode *r = post(p, e->lhs);
	if (!r)
		return NULL;
	r = as_path(p, r);
	struct jnode *sort = node_new(p, JN_SORT, e->pos);
	for (size_t i = 0; i < e->n; i++) {
		struct jnode *term = e->items[i];
		if (!(term->lhs = post(p, term->lhs)))
			return NULL;
		push_ancestry(p, sort, term->lhs);
		PUSH_ITEM(p, sort, term);
	}
	PUSH_ITEM(p, r, sort);
	return resolve_ancestry(p, r) < 0 ? NULL : r;
}

static struct jnode *post_focus(struct parser *p, struct jnode *e)
{
	struct jnode *r = post(p, e->lhs);
	if (!r)
		return NULL;
	struct jnode *step = r->type == JN_PATH ? r->items[r->n - 1] : r;
	if (step->nstages || step->npreds) {
		perr(p, "S0215", e->pos, NULL);
		return NULL;
	}
	if (step->type == JN_SORT) {
		perr(p, "S0216", e->pos, NULL);
		return NULL;
	}
	if (e->keep_array)
		step->keep_array = 1;
	step->focus = e->rhs->str;
	step->tuple = 1;
	return r;
}

static struct jnode *post_pos(struct parser *p, struct jnode *e)
{
	struct jnode *r = post(p, e->lhs);
	if (!r)
		return NULL;
	struct jnode *step = r;
	if (r->type == JN_PATH) {
		step = r->items[r->n - 1];
	} else {
		r = as_path(p, r);
		if (step->npreds) {
			step->stages = step->preds;
			step->nstages = step->npreds;
			step->stalloc = step->pralloc;
			step->preds = NULL;
			step->npreds = step->pralloc = 0;
		}
	}
	if (!step->nstages) {
		step->index = e->rhs->str;
	} else {
		struct jnode *ix = node_new(p, JN_INDEX, e->pos);
		ix->str = e->rhs->str;
		node_push(p, &step->stages, &step->nstages, &step->stalloc, ix);
	}
	step->tuple = 1;
	return r;
}

static struct jnode *post_binary(struct parser *p, struct jnode *e)
{
	if (!(e->lhs = post(p, e->lhs)) || !(e->rhs = post(p, e->rhs)))
		return NULL;
	if (e->type == JN_BIND) {
		push_ancestry(p, e, e->rhs);
	} else if (e->type == JN_BINARY) {
		push_ancestry(p, e, e->lhs);
		push_ancestry(p, e, e->rhs);
	}
	return e;
}

static struct jnode *post_call(struct parser *p, struct jnode *e)
{
	if (post_pairs(p, e, e, 1) < 0 || !(e->lhs = post(p, e->lhs)))
		return NULL;
	return e;
}

static struct jnode *post_misc(struct parser *p, struct jnode *e)
{
	switch (e->type) {
	case JN_NEG:
		if (!(e->lhs = post(p, e->lhs)))
			return NULL;
		if (e->lhs->type == JN_NUMBER) {
			e->lhs->num = -e->lhs->num;
			return e->lhs;
		}
		push_ancestry(p, e, e->lhs);
		return e;
	case JN_LAMBDA:
		if (!(e->rhs = post(p, e->rhs)))
			return NULL;
		e->rhs = tail_call(p, e->rhs);
		return e;
	case JN_CONDITION:
		if (!(e->lhs = post(p, e->lhs)) || !(e->rhs = post(p, e->rhs)))
			return NULL;
		push_ancestry(p, e, e->lhs);
		push_ancestry(p, e, e->rhs);
		if (e->third) {
			if (!(e->third = post(p, e->third)))
				return NULL;
			push_ancestry(p, e, e->third);
		}
		return e;
	case JN_TRANSFORM:
		if (!(e->lhs = post(p, e->lhs)) || !(e->rhs = post(p, e->rhs)))
			return NULL;
		if (e->third && !(e->third = post(p, e->third)))
			return NULL;
		return e;
	case JN_BLOCK:
		if (post_pairs(p, e, e, 1) < 0)
			return NULL;
		for (size_t i = 0; i < e->n; i++) {
			struct jnode *x = e->items[i];
			if (x->consarray || (x->type == JN_PATH && x->items[0]->consarray))
				e->consarray = 1;
		}
		return e;
	default:
		return e;
	}
}

static struct jnode *post_parent(struct parser *p, struct jnode *e)
{
	struct jnode *r = node_new(p, JN_PARENT, e->pos);
	r->slot = jsonata_arena_alloc(&p->j->arena, sizeof(*r->slot));
	snprintf(r->slot->label, sizeof(r->slot->label), "!%zu", p->nparents);
	r->slot->level = 1;
	r->slot->index = p->nparents;
	ARRAY_GROW(p->parents, p->nparents + 1, p->alloc_parents);
	p->parents[p->nparents++] = r;
	return r;
}

static struct jnode *post_node(struct parser *p, struct jnode *e)
{
	switch (e->type) {
	case JN_DOT: return post_dot(p, e);
	case JN_PRED: return post_pred(p, e);
	case JN_GROUP: return post_group(p, e);
	case JN_ORDER: return post_order(p, e);
	case JN_FOCUS: return post_focus(p, e);
	case JN_POS: return post_pos(p, e);
	case JN_BIND:
	case JN_BINARY:
	case JN_APPLY: return post_binary(p, e);
	case JN_ARRAY:
	case JN_OBJECT: return post_pairs(p, e, e, 1) < 0 ? NULL : e;
	case JN_FUNCTION:
	case JN_PARTIAL: return post_call(p, e);
	case JN_NAME: {
		struct jnode *path = as_path(p, e);
		if (e->keep_array)
			path->keep_singleton = 1;
		return path;
	}
	case JN_PARENT: return post_parent(p, e);
	default: return post_misc(p, e);
	}
}

static struct jnode *post(struct parser *p, struct jnode *e)
{
	if (p->failed)
		return NULL;
	if (++p->depth > p->max_depth) {
		perr(p, "S0299", e->pos, NULL);
		return NULL;
	}
	int keep = e->keep_array;
	struct jnode *r = post_node(p, e);
	p->depth--;
	if (r && keep)
		r->keep_array = 1;
	return p->failed ? NULL : r;
}

/* Deeper than this, blocks keep their frames (the safe default). */
#define MARK_MAX_DEPTH 2000

/* Whether evaluating n may bind a variable (:=) in the frame it runs in.
 * Marks every block whose items cannot: such a block needs no frame of its
 * own, which saves one per evaluation of, say, `orders.(price * qty)`.
 * Blocks and lambdas bind in frames of their own, so they contain their
 * items' bindings. */
static int mark_frames(struct jnode *n, int depth)
{
	if (!n)
		return 0;
	if (depth > MARK_MAX_DEPTH)
		return 1;
	int binds = n->type == JN_BIND;
	binds |= mark_frames(n->lhs, depth + 1);
	binds |= mark_frames(n->rhs, depth + 1);
	binds |= mark_frames(n->third, depth + 1);
	binds |= mark_frames(n->group, depth + 1);
	for (size_t i = 0; i < n->n; i++)
		binds |= mark_frames(n->items[i], depth + 1);
	for (size_t i = 0; i < n->nstages; i++)
		binds |= mark_frames(n->stages[i], depth + 1);
	for (size_t i = 0; i < n->npreds; i++)
		binds |= mark_frames(n->preds[i], depth + 1);
	if (n->type == JN_BLOCK) {
		n->no_frame = !binds;
		n->frame_safe = 1;
		return 0;
	}
	binds = n->type == JN_LAMBDA ? 0 : binds;
	n->frame_safe = !binds;
	return binds;
}

int jsonata_parse(struct jsonata *j, const char *text, size_t len,
		  struct jsonata_error *err, size_t max_depth)
{
	struct parser p = { 0 };
	p.j = j;
	p.src = text;
	p.len = len;
	p.err = err;
	p.max_depth = max_depth;
	if (advance(&p, NULL, 0) < 0)
		goto fail;
	struct jnode *e = expression(&p, 0);
	if (!e)
		goto fail;
	if (p.t.type != T_END) {
		char tmp[64];
		perr(&p, "S0201", p.t.pos, tok_text(&p, tmp, sizeof(tmp)));
		goto fail;
	}
	p.depth = 0;
	e = post(&p, e);
	if (!e)
		goto fail;
	if (e->type == JN_PARENT || e->nseeking) {
		perr(&p, "S0217", e->pos, type_name(e));
		goto fail;
	}
	mark_frames(e, 0);
	j->root = e;
	j->ancestors = p.nparents;
	free(p.parents);
	return 0;
fail:
	free(p.parents);
	return -1;
}
