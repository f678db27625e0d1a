/* intrinsic_parse.c - intrinsic call text -> call tree, and the evaluator
 * that walks the tree (arguments first, then the registry function).
 * Not here: the functions themselves and their table (intrinsic_fns.c). */
#include "intrinsic_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

struct parser {
	const char *s;
	size_t len, pos;
	int depth;
	const char *err;
	size_t err_at;
};

static struct intrinsic *parse_call(struct parser *ps);

static int fail_at(struct parser *ps, size_t at, const char *msg)
{
	if (!ps->err) {
		ps->err = msg;
		ps->err_at = at;
	}
	return -1;
}

static int fail(struct parser *ps, const char *msg)
{
	return fail_at(ps, ps->pos, msg);
}

static int peek(const struct parser *ps)
{
	return ps->pos < ps->len ? (unsigned char)ps->s[ps->pos] : -1;
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

int intrinsic_is_call(const char *text)
{
	return strncmp(text, "States.", 7) == 0;
}

/* ---- freeing ----------------------------------------------------------- */

static void arg_release(struct intrinsic_arg *a)
{
	cJSON_Delete(a->literal);
	free(a->raw);
	jsonpath_free(a->path);
	intrinsic_free(a->call);
}

/* Recursion depth is bounded by INTRINSIC_MAX_DEPTH through the parser. */
void intrinsic_free(struct intrinsic *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nargs; i++)
		arg_release(&c->args[i]);
	free(c->args);
	free(c->text);
	free(c);
}

const char *intrinsic_text(const struct intrinsic *c)
{
	return c->text;
}

/* ---- arguments --------------------------------------------------------- */

/* string := "'" (char | '\' ['{}\\])* "'"; the literal holds the unescaped
 * value, raw the text between the quotes as written (States.Format needs to
 * tell an escaped '\{' from a placeholder). */
static int parse_string(struct parser *ps, struct intrinsic_arg *a)
{
	struct buf b = BUF_INIT;
	size_t start = ++ps->pos;
	for (;;) {
		int c = peek(ps);
		if (c < 0) {
			buf_release(&b);
			return fail(ps, "unterminated string");
		}
		ps->pos++;
		if (c == '\'')
			break;
		if (c == '\\') {
			c = peek(ps);
			if (c != '\'' && c != '{' && c != '}' && c != '\\') {
				buf_release(&b);
				return fail(ps, "invalid escape in string");
			}
			ps->pos++;
		}
		buf_addc(&b, (char)c);
	}
	a->raw = xstrndup(ps->s + start, ps->pos - 1 - start);
	a->literal = cJSON_CreateString(b.ptr);
	buf_release(&b);
	return 0;
}

/* number := '-'? digits ('.' digits)? ([eE] [+-]? digits)? */
static int parse_number(struct parser *ps, struct intrinsic_arg *a)
{
	size_t start = ps->pos;
	accept(ps, '-');
	while (peek(ps) > 0 && strchr("0123456789.eE", peek(ps))) {
		ps->pos++;
		if ((ps->s[ps->pos - 1] | 0x20) == 'e' &&
		    (peek(ps) == '+' || peek(ps) == '-'))
			ps->pos++;
	}
	char *text = xstrndup(ps->s + start, ps->pos - start);
	char *end;
	double v = strtod(text, &end);
	int bad = end == text || *end != '\0';
	free(text);
	if (bad)
		return fail_at(ps, start, "invalid number");
	a->literal = cJSON_CreateNumber(v);
	return 0;
}

static int parse_path(struct parser *ps, struct intrinsic_arg *a)
{
	struct jsonpath_error jerr;
	size_t used;
	a->path = jsonpath_compile_prefix(ps->s + ps->pos, ps->len - ps->pos,
					  &used, &jerr);
	if (!a->path)
		return fail_at(ps, ps->pos + jerr.offset, jerr.message);
	ps->pos += used;
	return 0;
}

static int keyword(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if (ps->len - ps->pos < n || memcmp(ps->s + ps->pos, word, n) != 0)
		return 0;
	ps->pos += n;
	return 1;
}

/* arg := string | number | true | false | null | path | call */
static int parse_arg(struct parser *ps, struct intrinsic_arg *a)
{
	int c = peek(ps);
	if (c == '\'')
		return parse_string(ps, a);
	if (c == '$')
		return parse_path(ps, a);
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(ps, a);
	if (keyword(ps, "true"))
		a->literal = cJSON_CreateTrue();
	else if (keyword(ps, "false"))
		a->literal = cJSON_CreateFalse();
	else if (keyword(ps, "null"))
		a->literal = cJSON_CreateNull();
	else if (intrinsic_is_call(ps->s + ps->pos))
		return (a->call = parse_call(ps)) ? 0 : -1;
	else
		return fail(ps, "expected an argument");
	return 0;
}

/* args := '(' (arg (',' arg)*)? ')' */
static int parse_args(struct parser *ps, struct intrinsic *c)
{
	size_t alloc = 0;
	skip_blank(ps);
	if (!accept(ps, '('))
		return fail(ps, "expected '('");
	skip_blank(ps);
	if (accept(ps, ')'))
		return 0;
	do {
		skip_blank(ps);
		if (c->nargs == INTRINSIC_MAX_ARGS)
			return fail(ps, "too many arguments");
		ARRAY_GROW(c->args, c->nargs + 1, alloc);
		memset(&c->args[c->nargs], 0, sizeof(c->args[0]));
		if (parse_arg(ps, &c->args[c->nargs++]) < 0)
			return -1;
		skip_blank(ps);
	} while (accept(ps, ','));
	return accept(ps, ')') ? 0 : fail(ps, "expected ',' or ')'");
}

/* call := 'States.' name args */
static struct intrinsic *parse_call(struct parser *ps)
{
	size_t start = ps->pos;
	if (++ps->depth > INTRINSIC_MAX_DEPTH) {
		fail(ps, "intrinsic functions nested too deeply");
		return NULL;
	}
	while (peek(ps) == '.' || (peek(ps) >= 'A' && peek(ps) <= 'Z') ||
	       (peek(ps) >= 'a' && peek(ps) <= 'z') ||
	       (peek(ps) >= '0' && peek(ps) <= '9'))
		ps->pos++;
	struct intrinsic *c = xcalloc(1, sizeof(*c));
	c->def = intrinsic_lookup(ps->s + start, ps->pos - start);
	if (!c->def)
		fail_at(ps, start, "unknown intrinsic function");
	else if (parse_args(ps, c) == 0 && c->nargs < c->def->min_args)
		fail_at(ps, start, "too few arguments");
	else if (!ps->err && c->nargs > c->def->max_args)
		fail_at(ps, start, "too many arguments");
	ps->depth--;
	if (ps->err) {
		intrinsic_free(c);
		return NULL;
	}
	c->text = xstrndup(ps->s + start, ps->pos - start);
	return c;
}

struct intrinsic *intrinsic_compile(const char *text,
				    struct intrinsic_error *err)
{
	struct parser ps = { text, strlen(text), 0, 0, NULL, 0 };
	struct intrinsic *c = NULL;
	if (ps.len > INTRINSIC_MAX_LEN)
		fail(&ps, "intrinsic call too long");
	else if (!intrinsic_is_call(text))
		fail(&ps, "expected an intrinsic function");
	else if ((c = parse_call(&ps)) != NULL)
		skip_blank(&ps);
	if (c && ps.pos != ps.len)
		fail(&ps, "unexpected character");
	if (!ps.err)
		return c;
	intrinsic_free(c);
	err->offset = ps.err_at;
	err->message = ps.err;
	return NULL;
}

/* ---- evaluation -------------------------------------------------------- */

int intrinsic_fail(struct intrinsic_run *run, const char *fmt, ...)
{
	va_list ap;
	if (!run->error_name) {
		run->error_name = "States.IntrinsicFailure";
		va_start(ap, fmt);
		buf_vaddf(&run->why, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int path_missing(struct intrinsic_run *run, const struct jsonpath *p)
{
	const cJSON *doc = jsonpath_root_doc(p, run->env);
	char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
	intrinsic_fail(run, "The JsonPath argument for the field '%s' could not "
		       "be found in the input '%s'", jsonpath_text(p),
		       text ? text : "null");
	run->error_name = "States.Runtime";
	cJSON_free(text);
	return -1;
}

static int eval_call(const struct intrinsic *c, struct intrinsic_run *run,
		     cJSON **out);

static int eval_arg(const struct intrinsic_arg *a, struct intrinsic_run *run,
		    cJSON **out, int reads_only, int *borrowed)
{
	*borrowed = 0;
	if (reads_only && a->path && jsonpath_is_definite(a->path)) {
		*out = (cJSON *)jsonpath_get(a->path, run->env);
		*borrowed = 1;
		return *out ? 0 : path_missing(run, a->path);
	}
	if (a->literal) {
		*out = cJSON_Duplicate(a->literal, 1);
		return 0;
	}
	if (a->call)
		return eval_call(a->call, run, out);
	*out = jsonpath_eval(a->path, run->env);
	if (*out)
		return 0;
	if (!jsonpath_is_definite(a->path))
		return intrinsic_fail(run, "The JsonPath argument for the field "
				      "'%s' selects too many nodes",
				      jsonpath_text(a->path));
	return path_missing(run, a->path);
}

/* Arguments first, left to right, then the function; recursion depth is
 * bounded by INTRINSIC_MAX_DEPTH through the parser. */
static int eval_call(const struct intrinsic *c, struct intrinsic_run *run,
		     cJSON **out)
{
	cJSON *argv[INTRINSIC_MAX_ARGS];
	int borrowed[INTRINSIC_MAX_ARGS];
	size_t n = 0;
	int r = 0;
	while (n < c->nargs &&
	       (r = eval_arg(&c->args[n], run, &argv[n], c->def->reads_only,
			     &borrowed[n])) == 0)
		n++;
	if (r == 0) {
		run->call = c;
		r = c->def->fn(run, argv, n, out);
	}
	while (n > 0) {
		n--;
		if (!borrowed[n])
			cJSON_Delete(argv[n]);
	}
	return r;
}

int intrinsic_eval(const struct intrinsic *c, const struct jsonpath_env *env,
		   struct rng *rng, cJSON **out, const char **error_name,
		   char **cause)
{
	struct intrinsic_run run = { c, env, rng, NULL, BUF_INIT };
	*out = NULL;
	if (eval_call(c, &run, out) == 0) {
		buf_release(&run.why);
		return 0;
	}
	struct buf b = BUF_INIT;
	buf_addf(&b, "The function '%s' had the following error: %s", c->text,
		 run.why.ptr);
	buf_release(&run.why);
	*error_name = run.error_name;
	*cause = buf_detach(&b, NULL);
	return -1;
}
