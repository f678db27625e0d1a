/* jsonata.c - the public face of the engine: compile, evaluate, free, and
 * the error messages of jsonata-js's codes.
 * Not here: parsing (jsonata_parse.c), evaluation (jsonata_eval.c). */
#include "jsonata_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"
#include "banned.h"

/* ---- messages --------------------------------------------------------------- */

static const struct { const char *code, *text; } messages[] = {
	{ "S0101", "String literal must be terminated by a matching quote" },
	{ "S0102", "Number out of range: {{token}}" },
	{ "S0103", "Unsupported escape sequence: \\{{token}}" },
	{ "S0104", "The escape sequence \\u must be followed by 4 hex digits" },
	{ "S0105", "Quoted property name must be terminated with a backquote (`)" },
	{ "S0106", "Comment has no closing tag" },
	{ "S0201", "Syntax error: {{token}}" },
	{ "S0202", "Expected {{value}}, got {{token}}" },
	{ "S0203", "Expected {{value}} before end of expression" },
	{ "S0204", "Unknown operator: {{token}}" },
	{ "S0205", "Unexpected token: {{token}}" },
	{ "S0207", "Unexpected end of expression" },
	{ "S0208", "Parameter {{token}} of function definition must be a variable name (start with $)" },
	{ "S0209", "A predicate cannot follow a grouping expression in a step" },
	{ "S0210", "Each step can only have one grouping expression" },
	{ "S0211", "The symbol {{token}} cannot be used as a unary operator" },
	{ "S0212", "The left side of := must be a variable name (start with $)" },
	{ "S0213", "The literal value {{token}} cannot be used as a step within a path expression" },
	{ "S0214", "The right side of {{token}} must be a variable name (start with $)" },
	{ "S0215", "A context variable binding must precede any predicates on a step" },
	{ "S0216", "A context variable binding must precede the 'order-by' clause on a step" },
	{ "S0217", "The object representing the 'parent' cannot be derived from this expression" },
	{ "S0299", "The expression is nested too deeply" },
	{ "S0301", "Empty regular expressions are not allowed" },
	{ "S0302", "No terminating / in regular expression" },
	{ "S0303", "Invalid regular expression: {{token}}" },
	{ "S0401", "Type parameters can only be applied to functions and arrays" },
	{ "S0402", "Choice groups containing parameterized types are not supported" },
	{ "D1001", "Number out of range: {{value}}" },
	{ "D1002", "Cannot negate a non-numeric value: {{value}}" },
	{ "T1003", "Key in object structure must evaluate to a string; got: {{value}}" },
	{ "D1004", "Regular expression matches zero length string" },
	{ "T1005", "Attempted to invoke a non-function. Did you mean ${{{token}}}?" },
	{ "T1006", "Attempted to invoke a non-function" },
	{ "T1007", "Attempted to partially apply a non-function. Did you mean ${{{token}}}?" },
	{ "T1008", "Attempted to partially apply a non-function" },
	{ "D1009", "Multiple key definitions evaluate to same key: {{value}}" },
	{ "T1010", "The matcher function argument passed to function {{token}} does not return the correct object structure" },
	{ "T2001", "The left side of the {{token}} operator must evaluate to a number" },
	{ "T2002", "The right side of the {{token}} operator must evaluate to a number" },
	{ "T2003", "The left side of the range operator (..) must evaluate to an integer" },
	{ "T2004", "The right side of the range operator (..) must evaluate to an integer" },
	{ "T2006", "The right side of the function application operator ~> must be a function" },
	{ "T2007", "Type mismatch when comparing values in order-by clause: {{value}}" },
	{ "T2008", "The expressions within an order-by clause must evaluate to numeric or string values" },
	{ "T2009", "The values either side of operator {{token}} must be of the same data type" },
	{ "T2010", "The expressions either side of operator {{token}} must evaluate to numeric or string values" },
	{ "T2011", "The insert/update clause of the transform expression must evaluate to an object: {{value}}" },
	{ "T2012", "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}" },
	{ "T2013", "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function." },
	{ "D3001", "Attempting to invoke string function on Infinity or NaN" },
	{ "D3010", "Second argument of replace function cannot be an empty string" },
	{ "D3011", "Fourth argument of replace function must evaluate to a positive number" },
	{ "D3012", "Attempted to replace a matched string with a non-string value" },
	{ "D3020", "Third argument of split function must evaluate to a positive number" },
	{ "D3030", "Unable to cast value to a number: {{value}}" },
	{ "D3040", "Third argument of match function must evaluate to a positive number" },
	{ "D3050", "The second argument of reduce function must be a function with at least two arguments" },
	{ "D3060", "The sqrt function cannot be applied to a negative number: {{value}}" },
	{ "D3061", "The power function has resulted in a value that cannot be represented as a JSON number: {{value}}" },
	{ "D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function" },
	{ "D3120", "Syntax error in expression passed to function eval: {{value}}" },
	{ "D3121", "Dynamic error evaluating the expression passed to function eval: {{value}}" },
	{ "D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more." },
	{ "D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0." },
	{ "D3140", "Malformed URL passed to the function: {{value}}" },
	{ "D3150", "Picture-string functions are not available in this build" },
	/* stepbook's codes for Step Functions' own functions */
	{ "D3200", "The chunk size of $partition must be a positive integer" },
	{ "D3201", "The step of $range must not be zero" },
	{ "D3202", "The algorithm of $hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512" },
	{ "D3203", "The argument of $parse is not valid JSON" },
	{ "U1001", "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive." },
};

const char *jsonata_message(const char *code)
{
	for (size_t i = 0; i < sizeof(messages) / sizeof(*messages); i++)
		if (strcmp(messages[i].code, code) == 0)
			return messages[i].text;
	return "Error {{token}}";
}

/* Short JSON text of a value for messages. */
static void value_text(struct jsonata_eval *ev, const jv *v, struct buf *b)
{
	if (!v) {
		buf_adds(b, "undefined");
		return;
	}
	if (v->type == JV_STR) {
		buf_addc(b, '"');
		buf_add(b, v->u.s.p, v->len > 100 ? 100 : v->len);
		buf_addc(b, '"');
		return;
	}
	int failed = ev->failed;
	ev->failed = 1; /* no nested error records */
	struct jsonata_error *saved = ev->err;
	struct jsonata_error scratch;
	ev->err = &scratch;
	if (v->type == JV_NUM && !isfinite(v->u.n)) {
		char num[32];
		jsonata_num_js(v->u.n, num);
		buf_adds(b, num);
	} else {
		jsonata_stringify(ev, v, 0, b);
	}
	ev->err = saved;
	ev->failed = failed;
	if (b->len > 200)
		buf_truncate(b, 200);
}

static void render(struct jsonata_eval *ev, const char *tmpl, const jv *value)
{
	struct jsonata_error *e = ev->err;
	struct buf b = BUF_INIT;
	for (const char *s = tmpl; *s; s++) {
		if (strncmp(s, "{{{token}}}", 11) == 0) {
			buf_adds(&b, e->token);
			s += 10;
		} else if (strncmp(s, "{{token}}", 9) == 0) {
			buf_addf(&b, "\"%s\"", e->token);
			s += 8;
		} else if (strncmp(s, "{{value}}", 9) == 0) {
			value_text(ev, value, &b);
			s += 8;
		} else {
			buf_addc(&b, *s);
		}
	}
	snprintf(e->message, sizeof(e->message), "%s", b.ptr);
	buf_release(&b);
}

static void set_head(struct jsonata_eval *ev, const char *code, size_t pos,
		     const char *token)
{
	ev->failed = 1;
	snprintf(ev->err->code, sizeof(ev->err->code), "%s", code);
	ev->err->position = pos;
	snprintf(ev->err->token, sizeof(ev->err->token), "%s", token ? token : "");
}

int jsonata_fail(struct jsonata_eval *ev, const char *code, size_t pos,
		 const char *token, const jv *value)
{
	if (ev->failed)
		return -1;
	set_head(ev, code, pos, token);
	ev->err_value = value;
	ev->err_templated = 1;
	render(ev, jsonata_message(code), value);
	return -1;
}

int jsonata_failf(struct jsonata_eval *ev, const char *code, size_t pos,
		  const char *token, const char *fmt, ...)
{
	if (ev->failed)
		return -1;
	set_head(ev, code, pos, token);
	ev->err_templated = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev->err->message, sizeof(ev->err->message), fmt, ap);
	va_end(ap);
	return -1;
}

void jsonata_fill_pos(struct jsonata_eval *ev, size_t pos, const char *token)
{
	struct jsonata_error *e = ev->err;
	if (!ev->failed)
		return;
	if (e->position == JSONATA_NOPOS)
		e->position = pos;
	if (!e->token[0] && token) {
		snprintf(e->token, sizeof(e->token), "%s", token);
		if (ev->err_templated)
			render(ev, jsonata_message(e->code), ev->err_value);
	}
}

/* ---- compile ---------------------------------------------------------------- */

struct jsonata *jsonata_compile(const char *text, size_t len,
				struct jsonata_error *err)
{
	memset(err, 0, sizeof(*err));
	if (len > JSONATA_MAX_TEXT) {
		snprintf(err->code, sizeof(err->code), "S0299");
		snprintf(err->message, sizeof(err->message),
			 "The expression is longer than %d bytes", JSONATA_MAX_TEXT);
		return NULL;
	}
	struct jsonata *j = xcalloc(1, sizeof(*j));
	jsonata_arena_init(&j->arena);
	j->text = xstrndup(text, len);
	if (jsonata_parse(j, j->text, len, err, JSONATA_MAX_PARSE_DEPTH) < 0) {
		jsonata_free(j);
		return NULL;
	}
	return j;
}

void jsonata_free(struct jsonata *j)
{
	if (!j)
		return;
	jsonata_arena_release(&j->arena);
	free(j->text);
	free(j);
}

/* ---- evaluate ------------------------------------------------------------------ */

static void setup(struct jsonata_eval *ev, const struct jsonata *j,
		  const struct jsonata_options *opt, struct jsonata_error *err)
{
	memset(ev, 0, sizeof(*ev));
	jsonata_arena_init(&ev->arena);
	jsonata_arena_init(&ev->perm);
	ev->expr = j;
	ev->opt = opt;
	ev->err = err;
	ev->max_depth = opt && opt->max_depth ? opt->max_depth : JSONATA_MAX_DEPTH;
	ev->max_memory = opt && opt->max_memory ? opt->max_memory : JSONATA_MAX_MEMORY;
	long ms = opt && opt->time_ms ? opt->time_ms : JSONATA_MAX_TIME_MS;
	if (ms > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ev->deadline_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
				  (int64_t)ms * 1000000;
	}
	rng_init(&ev->rng, opt ? opt->seed : 0);
	ev->now_ms = opt ? opt->now_ms : 0;
	size_t nb = jsonata_nbuiltins + jsonata_aws_nbuiltins;
	ev->bsigs = xcalloc(nb, sizeof(*ev->bsigs));
	ev->bvals = xcalloc(nb, sizeof(*ev->bvals));
	ev->global = jsonata_env_new(ev, NULL);
}

static void bind_all(struct jsonata_eval *ev, const cJSON *bindings)
{
	if (!cJSON_IsObject(bindings))
		return;
	for (const cJSON *b = bindings->child; b; b = b->next) {
		size_t len = strlen(b->string);
		jsonata_env_bind(ev, ev->global,
				 jsonata_arena_strndup(&ev->arena, b->string, len),
				 len, jsonata_from_cjson(ev, b));
	}
}

/* Runs j on input (already converted); the caller releases ev. */
static int run(struct jsonata_eval *ev, jv *in, jv **out)
{
	if (jv_is_array(in)) {
		jv *w = jv_seq(ev);
		jv_push(ev, w, in);
		w->flags |= JV_OUTER;
		in = w;
	}
	ev->input = in;
	jsonata_env_bind(ev, ev->global, "$", 1, in);
	return jsonata_eval_node(ev, ev->expr->root, in, ev->global, out);
}

static void finish(struct jsonata_eval *ev, struct jsonata_error *err, int rc)
{
	if (rc < 0 && err->position == JSONATA_NOPOS)
		err->position = 0;
	jsonata_arena_release(&ev->arena);
	jsonata_arena_release(&ev->perm);
	free(ev->bsigs);
	free(ev->bvals);
}

int jsonata_evaluate(const struct jsonata *j, const cJSON *input,
		     const cJSON *bindings, const struct jsonata_options *opt,
		     cJSON **result, struct jsonata_error *err)
{
	struct jsonata_eval ev;
	memset(err, 0, sizeof(*err));
	*result = NULL;
	setup(&ev, j, opt, err);
	bind_all(&ev, bindings);
	jv *out;
	int rc = run(&ev, jsonata_from_cjson(&ev, input), &out);
	if (rc == 0)
		rc = jsonata_to_cjson(&ev, out, result);
	finish(&ev, err, rc);
	return rc;
}

int jsonata_evaluate_text(const struct jsonata *j,
			  const struct jsonata_text *input,
			  const cJSON *bindings,
			  const struct jsonata_options *opt, int indent,
			  struct buf *out, int *defined,
			  struct jsonata_error *err)
{
	struct jsonata_eval ev;
	memset(err, 0, sizeof(*err));
	*defined = 0;
	setup(&ev, j, opt, err);
	bind_all(&ev, bindings);
	jv *in = NULL, *res;
	size_t off;
	int rc = 0;
	if (input && jsonata_parse_json(&ev, input->ptr, input->len,
					input->give_back, &in, &off) < 0)
		rc = jsonata_failf(&ev, "D1100", off, "",
				   "The input is not valid JSON (at byte %zu)", off);
	if (rc == 0)
		rc = run(&ev, in, &res);
	if (rc == 0) {
		size_t before = out->len;
		rc = jsonata_write_value(&ev, res, indent, out);
		*defined = rc == 0 && out->len > before;
	}
	finish(&ev, err, rc);
	return rc;
}
