/* jsonpath_parse.c - JSONPath text -> step program (see jsonpath_impl.h).
 * A recursive-descent parser over a bounded text with a depth counter; every
 * error carries a byte offset and a short static message.
 * Not here: running the program (jsonpath_eval.c). */
#include "jsonpath_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

struct parser {
	const char *s;
	size_t len, pos;
	int depth;
	const char *err;
	size_t err_at;
};

static struct jsonpath *parse_path(struct parser *ps);
static struct jp_expr *parse_or(struct parser *ps);

static int fail(struct parser *ps, const char *msg)
{
	if (!ps->err) {
		ps->err = msg;
		ps->err_at = ps->pos;
	}
	return -1;
}

static int peek(const struct parser *ps)
{
	return ps->pos < ps->len ? (unsigned char)ps->s[ps->pos] : -1;
}

static int peek_at(const struct parser *ps, size_t ahead)
{
	size_t at = ps->pos + ahead;
	return at < ps->len ? (unsigned char)ps->s[at] : -1;
}

static void skip_blank(struct parser *ps)
{
	while (peek(ps) == ' ' || peek(ps) == '\t' || peek(ps) == '\n' ||
	       peek(ps) == '\r')
		ps->pos++;
}

static int accept(struct parser *ps, int c)
{
	if (peek(ps) != c)
		return 0;
	ps->pos++;
	return 1;
}

static int expect(struct parser *ps, int c, const char *msg)
{
	skip_blank(ps);
	return accept(ps, c) ? 0 : fail(ps, msg);
}

static int enter(struct parser *ps)
{
	if (++ps->depth > JSONPATH_MAX_DEPTH)
		return fail(ps, "filter nested too deeply");
	return 0;
}

/* Characters that end a name written in dot notation: structure, blanks,
 * filter operators and the separators of intrinsic argument lists. */
static int ends_name(int c)
{
	return c < 0 || strchr(".[]() \t\r\n,=!<>&|'\"?", c) != NULL;
}

/* ---- freeing --------------------------------------------------------- */

static void operand_free(struct jp_operand *o)
{
	jsonpath_free(o->path);
	cJSON_Delete(o->literal);
}

void jsonpath_expr_free(struct jp_expr *e)
{
	if (!e)
		return;
	jsonpath_expr_free(e->left);
	jsonpath_expr_free(e->right);
	operand_free(&e->a);
	operand_free(&e->b);
	free(e);
}

static void step_release(struct jp_step *st)
{
	for (size_t i = 0; i < st->nnames; i++)
		free(st->names[i]);
	free(st->names);
	free(st->indexes);
	jsonpath_expr_free(st->filter);
}

void jsonpath_free(struct jsonpath *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nsteps; i++)
		step_release(&p->steps[i]);
	free(p->steps);
	free(p->varname);
	free(p->text);
	free(p);
}

static struct jp_step *add_step(struct jsonpath *p, enum jp_step_kind kind)
{
	ARRAY_GROW(p->steps, p->nsteps + 1, p->alloc);
	struct jp_step *st = &p->steps[p->nsteps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	return st;
}

static void add_name(struct jp_step *st, char *name)
{
	st->names = xrealloc(st->names, size_mul(st->nnames + 1, sizeof(char *)));
	st->names[st->nnames++] = name;
}

static void add_index(struct jp_step *st, long long index)
{
	st->indexes = xrealloc(st->indexes,
			       size_mul(st->nindexes + 1, sizeof(long long)));
	st->indexes[st->nindexes++] = index;
}

/* ---- lexical pieces -------------------------------------------------- */

static int escaped_char(int c)
{
	switch (c) {
	case '\\': case '\'': case '"': case '/': return c;
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'b': return '\b';
	case 'f': return '\f';
	default: return -1;
	}
}

/* quoted := "'" chars "'" | '"' chars '"'; returns owned text or NULL. */
static char *parse_quoted(struct parser *ps)
{
	int quote = peek(ps);
	struct buf b = BUF_INIT;
	ps->pos++;
	for (;;) {
		int c = peek(ps);
		if (c < 0) {
			fail(ps, "unterminated string");
			break;
		}
		ps->pos++;
		if (c == quote)
			return buf_detach(&b, NULL);
		if (c == '\\') {
			c = escaped_char(peek(ps));
			if (c < 0) {
				fail(ps, "invalid escape in string");
				break;
			}
			ps->pos++;
		}
		buf_addc(&b, (char)c);
	}
	buf_release(&b);
	return NULL;
}

/* integer := '-'? digit+ (at most 18 digits, so it fits a long long) */
static int parse_int(struct parser *ps, long long *out)
{
	int neg = accept(ps, '-');
	size_t start = ps->pos;
	long long v = 0;
	while (peek(ps) >= '0' && peek(ps) <= '9') {
		if (ps->pos - start >= 18)
			return fail(ps, "index too large");
		v = v * 10 + (peek(ps) - '0');
		ps->pos++;
	}
	if (ps->pos == start)
		return fail(ps, "expected a digit");
	*out = neg ? -v : v;
	return 0;
}

static int is_digit_start(int c)
{
	return c == '-' || (c >= '0' && c <= '9');
}

/* ---- bracket steps --------------------------------------------------- */

/* names := quoted (',' quoted)* ']' */
static int parse_names(struct parser *ps, struct jsonpath *p)
{
	struct jp_step *st = add_step(p, JP_NAME);
	do {
		skip_blank(ps);
		if (peek(ps) != '\'' && peek(ps) != '"')
			return fail(ps, "expected a quoted name");
		char *name = parse_quoted(ps);
		if (!name)
			return -1;
		add_name(st, name);
		skip_blank(ps);
	} while (accept(ps, ','));
	if (st->nnames > 1)
		st->kind = JP_NAMES;
	return expect(ps, ']', "expected ']'");
}

/* slice := int? ':' int? (':' int?)? ']'  (the first int already read) */
static int parse_slice(struct parser *ps, struct jp_step *st)
{
	for (int i = 1; i < 3 && accept(ps, ':'); i++) {
		skip_blank(ps);
		if (is_digit_start(peek(ps))) {
			if (parse_int(ps, &st->slice[i]) < 0)
				return -1;
			st->has[i] = 1;
		}
		skip_blank(ps);
	}
	if (st->has[2] && st->slice[2] <= 0)
		return fail(ps, "slice step must be positive");
	return expect(ps, ']', "expected ']'");
}

/* indexes := int (',' int)* ']' | slice */
static int parse_indexes(struct parser *ps, struct jsonpath *p)
{
	struct jp_step *st = add_step(p, JP_INDEX);
	long long v = 0;
	if (peek(ps) != ':') {
		if (parse_int(ps, &v) < 0)
			return -1;
		st->slice[0] = v;
		st->has[0] = 1;
		skip_blank(ps);
	}
	if (peek(ps) == ':') {
		st->kind = JP_SLICE;
		return parse_slice(ps, st);
	}
	add_index(st, v);
	while (accept(ps, ',')) {
		skip_blank(ps);
		if (parse_int(ps, &v) < 0)
			return -1;
		add_index(st, v);
		skip_blank(ps);
	}
	if (st->nindexes > 1)
		st->kind = JP_INDEXES;
	return expect(ps, ']', "expected ']'");
}

/* filter := '?' '(' or-expr ')' ']' */
static int parse_filter(struct parser *ps, struct jsonpath *p)
{
	struct jp_step *st = add_step(p, JP_FILTER);
	if (expect(ps, '(', "expected '(' after '?'") < 0 || enter(ps) < 0)
		return -1;
	st->filter = parse_or(ps);
	ps->depth--;
	if (!st->filter || expect(ps, ')', "expected ')'") < 0)
		return -1;
	return expect(ps, ']', "expected ']'");
}

/* bracket := '[' ( '*' ']' | filter | names | indexes ) */
static int parse_bracket(struct parser *ps, struct jsonpath *p)
{
	skip_blank(ps);
	int c = peek(ps);
	if (c == '*') {
		ps->pos++;
		add_step(p, JP_WILDCARD);
		return expect(ps, ']', "expected ']'");
	}
	if (c == '?') {
		ps->pos++;
		return parse_filter(ps, p);
	}
	if (c == '\'' || c == '"')
		return parse_names(ps, p);
	if (is_digit_start(c) || c == ':')
		return parse_indexes(ps, p);
	return fail(ps, "expected a name, index, '*' or '?' in brackets");
}

/* ---- dot steps and the step loop ------------------------------------- */

/* dotname := '*' | name-char+ */
static int parse_dot_name(struct parser *ps, struct jsonpath *p)
{
	if (accept(ps, '*')) {
		add_step(p, JP_WILDCARD);
		return 0;
	}
	size_t start = ps->pos;
	while (!ends_name(peek(ps)))
		ps->pos++;
	if (ps->pos == start)
		return fail(ps, "expected a name after '.'");
	add_name(add_step(p, JP_NAME), xstrndup(ps->s + start, ps->pos - start));
	return 0;
}

/* steps := ( '..'? (dotname | bracket) | '.' (dotname | bracket) | bracket )*
 * A dot before a bracket ($.[0], $.a.['b c']) is Jayway's: its compiler
 * reads whatever token follows a '.', and AWS's own path documentation
 * writes $.abc.['def ghi']. */
static int parse_steps(struct parser *ps, struct jsonpath *p)
{
	for (;;) {
		if (accept(ps, '.')) {
			if (accept(ps, '.'))
				add_step(p, JP_DESCENT);
			if (accept(ps, '[')) {
				if (parse_bracket(ps, p) < 0)
					return -1;
				continue;
			}
			if (parse_dot_name(ps, p) < 0)
				return -1;
		} else if (accept(ps, '[')) {
			if (parse_bracket(ps, p) < 0)
				return -1;
		} else {
			return 0;
		}
	}
}

static int is_var_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

static int is_var_char(int c)
{
	return is_var_start(c) || (c >= '0' && c <= '9');
}

/* root := '$$' | '$' varname | '$' | '@' */
static int parse_root(struct parser *ps, struct jsonpath *p)
{
	if (accept(ps, '@')) {
		p->relative = 1;
		return 0;
	}
	if (!accept(ps, '$'))
		return fail(ps, "a path must start with '$'");
	if (accept(ps, '$')) {
		p->root = JSONPATH_ROOT_CONTEXT;
		return 0;
	}
	if (!is_var_start(peek(ps)))
		return 0;
	size_t start = ps->pos;
	while (is_var_char(peek(ps)))
		ps->pos++;
	if (ps->pos - start > JSONPATH_MAX_VARNAME)
		return fail(ps, "variable name too long");
	p->root = JSONPATH_ROOT_VARIABLE;
	p->varname = xstrndup(ps->s + start, ps->pos - start);
	return 0;
}

static struct jsonpath *parse_path(struct parser *ps)
{
	struct jsonpath *p = xcalloc(1, sizeof(*p));
	size_t start = ps->pos;
	if (parse_root(ps, p) < 0 || parse_steps(ps, p) < 0) {
		jsonpath_free(p);
		return NULL;
	}
	p->text = xstrndup(ps->s + start, ps->pos - start);
	return p;
}

/* ---- filter expressions ---------------------------------------------- */

static int keyword(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if (ps->len - ps->pos < n || memcmp(ps->s + ps->pos, word, n) != 0 ||
	    is_var_char(peek_at(ps, n)))
		return 0;
	ps->pos += n;
	return 1;
}

/* number := '-'? digits ('.' digits)? ([eE] [+-]? digits)? */
static cJSON *parse_number(struct parser *ps)
{
	size_t start = ps->pos;
	accept(ps, '-');
	while ((peek(ps) >= '0' && peek(ps) <= '9') || peek(ps) == '.' ||
	       peek(ps) == 'e' || peek(ps) == 'E' ||
	       ((peek(ps) == '+' || peek(ps) == '-') &&
		(ps->s[ps->pos - 1] | 0x20) == 'e'))
		ps->pos++;
	char *text = xstrndup(ps->s + start, ps->pos - start);
	char *end;
	double v = strtod(text, &end);
	int bad = end == text || *end != '\0';
	free(text);
	if (bad) {
		ps->pos = start;
		fail(ps, "invalid number");
		return NULL;
	}
	return cJSON_CreateNumber(v);
}

/* A JSON literal, [..] or {..}, as Jayway reads it: up to the matching
 * close outside quotes, strings in single or double quotes. */
static cJSON *parse_json_literal(struct parser *ps)
{
	size_t start = ps->pos;
	int depth = 0, quote = 0;
	struct buf json = BUF_INIT;
	for (; ps->pos < ps->len; ps->pos++) {
		char c = ps->s[ps->pos];
		if (quote && c == '\\' && ps->pos + 1 < ps->len) {
			c = ps->s[++ps->pos];
			if (c != '\'') /* \' is no JSON escape */
				buf_addc(&json, '\\');
		} else if (quote && c == quote) {
			quote = 0;
			c = '"';
		} else if (quote && c == '"') {
			buf_addc(&json, '\\'); /* a " inside '...' */
		} else if (!quote && (c == '\'' || c == '"')) {
			quote = c;
			c = '"';
		} else if (!quote && (c == '[' || c == '{')) {
			depth++;
		} else if (!quote && (c == ']' || c == '}') && --depth == 0) {
			buf_addc(&json, c);
			ps->pos++;
			break;
		}
		buf_addc(&json, c);
	}
	cJSON *v = depth == 0 && !quote ? cJSON_Parse(json.ptr) : NULL;
	buf_release(&json);
	if (!v) {
		ps->pos = start;
		fail(ps, "invalid JSON literal");
	}
	return v;
}

static cJSON *parse_literal(struct parser *ps)
{
	int c = peek(ps);
	if (c == '[' || c == '{')
		return parse_json_literal(ps);
	if (c == '\'' || c == '"') {
		char *s = parse_quoted(ps);
		cJSON *v = s ? cJSON_CreateString(s) : NULL;
		free(s);
		return v;
	}
	if (keyword(ps, "true"))
		return cJSON_CreateTrue();
	if (keyword(ps, "false"))
		return cJSON_CreateFalse();
	if (keyword(ps, "null"))
		return cJSON_CreateNull();
	if (is_digit_start(c))
		return parse_number(ps);
	fail(ps, "expected a path, a literal or '('");
	return NULL;
}

/* operand := ('@' | '$') steps | literal */
static int parse_operand(struct parser *ps, struct jp_operand *o)
{
	skip_blank(ps);
	if (peek(ps) == '@' || peek(ps) == '$')
		o->path = parse_path(ps);
	else
		o->literal = parse_literal(ps);
	return o->path || o->literal ? 0 : -1;
}

/* A word operator is Jayway's when a blank follows it (its compiler reads
 * an operator word up to the next space), in any case. */
static int word_op(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if (ps->len - ps->pos <= n || strncasecmp(ps->s + ps->pos, word, n) ||
	    (ps->s[ps->pos + n] != ' ' && ps->s[ps->pos + n] != '\t'))
		return 0;
	ps->pos += n;
	return 1;
}

static int parse_cmp_op(struct parser *ps, enum jp_cmp *op)
{
	static const struct { const char *text; enum jp_cmp op; int word; } ops[] = {
		{ "==", JPC_EQ, 0 }, { "!=", JPC_NE, 0 }, { "<=", JPC_LE, 0 },
		{ ">=", JPC_GE, 0 }, { "<", JPC_LT, 0 },  { ">", JPC_GT, 0 },
		{ "in", JPC_IN, 1 }, { "nin", JPC_NIN, 1 },
		{ "subsetof", JPC_SUBSETOF, 1 }, { "anyof", JPC_ANYOF, 1 },
		{ "noneof", JPC_NONEOF, 1 }, { "size", JPC_SIZE, 1 },
		{ "empty", JPC_EMPTY, 1 }, { "contains", JPC_CONTAINS, 1 },
	};
	skip_blank(ps);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].text);
		if (ops[i].word ? word_op(ps, ops[i].text)
				: (ps->len - ps->pos >= n &&
				   memcmp(ps->s + ps->pos, ops[i].text, n) == 0 &&
				   (ps->pos += n, 1))) {
			*op = ops[i].op;
			return 1;
		}
	}
	return 0;
}

static struct jp_expr *new_expr(enum jp_expr_kind kind)
{
	struct jp_expr *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	return e;
}

/* comparison := operand (cmp-op operand)?   (a lone path tests existence) */
static struct jp_expr *parse_comparison(struct parser *ps)
{
	struct jp_expr *e = new_expr(JPX_EXISTS);
	if (parse_operand(ps, &e->a) < 0)
		goto fail;
	if (parse_cmp_op(ps, &e->cmp)) {
		e->kind = JPX_CMP;
		if (parse_operand(ps, &e->b) < 0)
			goto fail;
	} else if (!e->a.path) {
		fail(ps, "expected a comparison operator");
		goto fail;
	}
	return e;
fail:
	jsonpath_expr_free(e);
	return NULL;
}

/* unary := '!' unary | '(' or-expr ')' | comparison */
static struct jp_expr *parse_unary(struct parser *ps)
{
	skip_blank(ps);
	if (peek(ps) != '!' && peek(ps) != '(')
		return parse_comparison(ps);
	if (enter(ps) < 0)
		return NULL;
	struct jp_expr *e;
	if (accept(ps, '!')) {
		e = new_expr(JPX_NOT);
		e->left = parse_unary(ps);
	} else {
		ps->pos++;
		e = parse_or(ps);
		if (e && expect(ps, ')', "expected ')'") < 0) {
			jsonpath_expr_free(e);
			e = NULL;
		}
	}
	ps->depth--;
	if (e && e->kind == JPX_NOT && !e->left) {
		jsonpath_expr_free(e);
		e = NULL;
	}
	return e;
}

static int accept_pair(struct parser *ps, const char *two)
{
	skip_blank(ps);
	if (peek(ps) != two[0] || peek_at(ps, 1) != two[1])
		return 0;
	ps->pos += 2;
	return 1;
}

/* and-expr := unary ('&&' unary)*   or-expr := and-expr ('||' and-expr)* */
static struct jp_expr *parse_binary(struct parser *ps, int is_or)
{
	struct jp_expr *e = is_or ? parse_binary(ps, 0) : parse_unary(ps);
	while (e && accept_pair(ps, is_or ? "||" : "&&")) {
		struct jp_expr *both = new_expr(is_or ? JPX_OR : JPX_AND);
		both->left = e;
		both->right = is_or ? parse_binary(ps, 0) : parse_unary(ps);
		e = both;
		if (!e->right) {
			jsonpath_expr_free(e);
			e = NULL;
		}
	}
	return e;
}

static struct jp_expr *parse_or(struct parser *ps)
{
	return parse_binary(ps, 1);
}

/* ---- entry points ---------------------------------------------------- */

static struct jsonpath *compile_error(const struct parser *ps,
				      struct jsonpath *p,
				      struct jsonpath_error *err)
{
	jsonpath_free(p);
	err->offset = ps->err_at;
	err->message = ps->err;
	return NULL;
}

static struct jsonpath *compile(struct parser *ps, size_t *used,
				struct jsonpath_error *err)
{
	struct jsonpath *p = NULL;
	if (!used && ps->len > JSONPATH_MAX_LEN) {
		fail(ps, "path too long");
		return compile_error(ps, p, err);
	}
	p = parse_path(ps);
	if (p && p->relative) {
		ps->pos = 0;
		fail(ps, "a path must start with '$'");
	} else if (p && ps->pos > JSONPATH_MAX_LEN) {
		fail(ps, "path too long");
	} else if (p && !used && ps->pos != ps->len) {
		fail(ps, "unexpected character");
	}
	if (ps->err)
		return compile_error(ps, p, err);
	if (used)
		*used = ps->pos;
	return p;
}

struct jsonpath *jsonpath_compile(const char *text, struct jsonpath_error *err)
{
	struct parser ps = { text, strlen(text), 0, 0, NULL, 0 };
	return compile(&ps, NULL, err);
}

struct jsonpath *jsonpath_compile_prefix(const char *text, size_t len,
					 size_t *used,
					 struct jsonpath_error *err)
{
	struct parser ps = { text, len, 0, 0, NULL, 0 };
	return compile(&ps, used, err);
}
