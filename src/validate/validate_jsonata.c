/* validate_jsonata.c - JSONata expressions ("{% ... %}" strings) in
 * JSONata states: that each parses (the engine's own error, placed at the
 * offending token inside the author's string), and what Step Functions
 * refuses although JSONata would take it: $eval, $$, the input read at the
 * top level as $ or a bare field name instead of $states.input, $states
 * members outside the fields that have them, States.* intrinsics; calls of
 * unknown functions and calls with a wrong number of arguments.  Facts from
 * the Step Functions developer guide (transforming data with JSONata,
 * variables) and the JSONata 2.0 function reference.
 *
 * The engine offers no walk of its syntax tree, so the checks after the
 * parse read the expression's tokens (validate_jsonata_scan.c): they only
 * report what the tokens show for certain and stay silent otherwise.
 * Not here: the {% %} fields a state may have (validate_fields.c),
 * evaluating anything (the interpreter's). */
#include "validate_jsonata_impl.h"

#include <string.h>

#include "intrinsic.h"
#include "jsonata.h"
#include "banned.h"

/* ---- the functions a call may name ------------------------------------- */

#define ANY_ARGS 255

/* A function's arguments: at least min, at most max; 'context' when the
 * first one may be left out to take the context value (a '-' in its
 * JSONata signature). */
struct ja_function {
	const char *name;
	unsigned char min, max, context;
};

/* JSONata 2.0 built-ins, then the ones Step Functions adds (its $random
 * takes an optional seed); $eval is reported by its own rule. */
static const struct ja_function functions[] = {
	{ "abs", 1, 1, 1 }, { "append", 2, 2, 0 }, { "assert", 1, 2, 0 },
	{ "average", 1, 1, 0 }, { "base64decode", 1, 1, 1 },
	{ "base64encode", 1, 1, 1 }, { "boolean", 1, 1, 1 }, { "ceil", 1, 1, 1 },
	{ "clone", 1, 1, 1 }, { "contains", 2, 2, 1 }, { "count", 1, 1, 0 },
	{ "decodeUrl", 1, 1, 1 }, { "decodeUrlComponent", 1, 1, 1 },
	{ "distinct", 1, 1, 0 }, { "each", 2, 2, 1 }, { "encodeUrl", 1, 1, 1 },
	{ "encodeUrlComponent", 1, 1, 1 }, { "error", 0, 1, 0 },
	{ "exists", 1, 1, 0 }, { "filter", 2, 2, 0 }, { "floor", 1, 1, 1 },
	{ "formatBase", 1, 2, 1 }, { "formatInteger", 2, 2, 1 },
	{ "formatNumber", 2, 3, 1 }, { "fromMillis", 1, 3, 1 },
	{ "join", 1, 2, 0 }, { "keys", 1, 1, 1 }, { "length", 1, 1, 1 },
	{ "lookup", 2, 2, 1 }, { "lowercase", 1, 1, 1 }, { "map", 2, 2, 0 },
	{ "match", 2, 3, 1 }, { "max", 1, 1, 0 }, { "merge", 1, 1, 0 },
	{ "millis", 0, 0, 0 }, { "min", 1, 1, 0 }, { "not", 1, 1, 1 },
	{ "now", 0, 2, 0 }, { "number", 1, 1, 1 }, { "pad", 2, 3, 1 },
	{ "parseInteger", 2, 2, 1 }, { "power", 2, 2, 1 }, { "reduce", 2, 3, 0 },
	{ "replace", 3, 4, 1 }, { "reverse", 1, 1, 0 }, { "round", 1, 2, 1 },
	{ "shuffle", 1, 1, 0 }, { "sift", 1, 2, 1 }, { "single", 1, 2, 0 },
	{ "sort", 1, 2, 0 }, { "split", 2, 3, 1 }, { "spread", 1, 1, 1 },
	{ "sqrt", 1, 1, 1 }, { "string", 0, 2, 0 }, { "substring", 2, 3, 1 },
	{ "substringAfter", 2, 2, 1 }, { "substringBefore", 2, 2, 1 },
	{ "sum", 1, 1, 0 }, { "toMillis", 1, 2, 1 }, { "trim", 1, 1, 1 },
	{ "type", 1, 1, 0 }, { "uppercase", 1, 1, 1 }, { "zip", 1, ANY_ARGS, 0 },
	/* Step Functions */
	{ "partition", 2, 2, 0 }, { "range", 3, 3, 0 }, { "hash", 2, 2, 0 },
	{ "random", 0, 1, 0 }, { "uuid", 0, 0, 0 }, { "parse", 1, 1, 0 },
};

static const struct ja_function *function_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(*functions); i++)
		if (strlen(functions[i].name) == len &&
		    !strncmp(functions[i].name, name, len))
			return &functions[i];
	return NULL;
}

/* ---- one expression ---------------------------------------------------- */

/* What checking one expression needs: where its text sits in the string
 * node (base: the offset of the text after "{%"), what it may read. */
struct ja_check {
	struct vctx *v;
	const cJSON *str;
	const char *text;
	size_t base;
	enum ja_allow allow;
};

static void report_syntax(struct ja_check *c, const struct jsonata_error *e,
			  size_t len)
{
	size_t at = e->position > len ? len : e->position;
	size_t tok = strlen(e->token);
	if (e->token[0] && strcmp(e->token, "(end)") && tok <= at &&
	    !strncmp(c->text + at - tok, e->token, tok))
		at -= tok; /* the engine points just past the token */
	size_t where = c->base + at;
	if (at == len) /* the expression ended too early: point at its "%}" */
		where = strlen(c->str->valuestring) - 2;
	v_report_in(c->v, R_JSONATA_SYNTAX, c->str, where,
		    "JSONata syntax error %s: %s", e->code, e->message);
}

static void report_call(struct ja_check *c, const struct ja_call *call)
{
	const char *name = c->text + call->at + 1;
	size_t len = call->len - 1;
	const struct ja_function *f = function_find(name, len);
	if (!f)
		return v_report_in(c->v, R_JSONATA_FUNCTION, c->str, c->base + call->at,
				   "unknown JSONata function '$%.*s'", (int)len, name);
	size_t least = f->context && f->min ? f->min - 1u : f->min;
	if (call->args >= least && call->args <= f->max)
		return;
	if (f->min == f->max)
		v_report_in(c->v, R_JSONATA_ARITY, c->str, c->base + call->at,
			    "$%s takes %u argument%s, not %zu", f->name, f->min,
			    f->min == 1 ? "" : "s", call->args);
	else if (f->max == ANY_ARGS)
		v_report_in(c->v, R_JSONATA_ARITY, c->str, c->base + call->at,
			    "$%s takes at least %u argument%s, not %zu", f->name,
			    f->min, f->min == 1 ? "" : "s", call->args);
	else
		v_report_in(c->v, R_JSONATA_ARITY, c->str, c->base + call->at,
			    "$%s takes %u to %u arguments, not %zu", f->name, f->min,
			    f->max, call->args);
}

/* The lexer's findings, worded. */
static void on_finding(void *ctx, const struct ja_finding *f)
{
	struct ja_check *c = ctx;
	size_t at = c->base + f->at;
	const char *tok = c->text + f->at;
	int n = (int)f->len;
	switch (f->kind) {
	case JA_FOUND_CALL:
		if (f->len == 5 && !strncmp(tok, "$eval", 5))
			break; /* reported as JA_FOUND_VARIABLE */
		report_call(c, &f->call);
		break;
	case JA_FOUND_VARIABLE:
		if (f->len == 5 && !strncmp(tok, "$eval", 5))
			v_report_in(c->v, R_JSONATA_EVAL, c->str, at,
				    "$eval is not available in Step Functions; "
				    "use $parse to read JSON text");
		else if (f->len == 2 && !strncmp(tok, "$$", 2))
			v_report_in(c->v, R_JSONATA_ROOT, c->str, at,
				    "$$ is not available in Step Functions; "
				    "read the input as $states.input");
		break;
	case JA_FOUND_TOP_DOLLAR:
		v_report_in(c->v, R_JSONATA_ROOT, c->str, at,
			    "$ at the top level of an expression is not available in "
			    "Step Functions; read the input as $states.input");
		break;
	case JA_FOUND_TOP_NAME:
		v_report_in(c->v, R_JSONATA_ROOT, c->str, at,
			    "field name '%.*s' at the top level of an expression; "
			    "Step Functions reads the input as $states.input.%.*s",
			    n, tok, n, tok);
		break;
	case JA_FOUND_INTRINSIC:
		v_report_in(c->v, R_JSONATA_INTRINSIC, c->str, at,
			    "intrinsic function '%.*s' in a JSONata expression; "
			    "JSONata has its own functions", n, tok);
		break;
	case JA_FOUND_STATES_MEMBER:
		if (f->len == 6 && !strncmp(tok, "result", 6) && !(c->allow & JA_RESULT))
			v_report_in(c->v, R_JSONATA_STATES, c->str, at,
				    "$states.result is only available in Output and "
				    "Assign of a Task, Parallel or Map state");
		else if (f->len == 11 && !strncmp(tok, "errorOutput", 11) &&
			 !(c->allow & JA_ERROR_OUTPUT))
			v_report_in(c->v, R_JSONATA_STATES, c->str, at,
				    "$states.errorOutput is only available in Output "
				    "and Assign of a Catcher");
		break;
	}
}

/* The expression as the model compiled it (its field's part for str), or
 * compiled here for a field the model holds no JSONata form of (a
 * snippet, a field outside the model's list). */
static void check_expression(struct vctx *v, const struct asl_expr *field,
			     const cJSON *str, enum ja_allow allow)
{
	const char *s = str->valuestring;
	size_t n = strlen(s);
	if (n < 4 || strcmp(s + n - 2, "%}"))
		return v_report(v, R_JSONATA, str, AT_VALUE,
				"a JSONata expression that opens with {%% must close with %%}");
	const struct asl_jsonata_part *part = field ? asl_jsonata_part_of(field, str) : NULL;
	struct ja_check c = { v, str, s + 2, 2, allow };
	size_t len = n - 4;
	if (part) {
		c.text = s + part->offset, c.base = part->offset, len = part->len;
		if (part->error)
			return report_syntax(&c, part->error, len);
		return v_ja_scan(c.text, len, on_finding, &c);
	}
	struct jsonata_error err;
	memset(&err, 0, sizeof(err));
	struct jsonata *j = jsonata_compile(c.text, len, &err);
	if (!j)
		return report_syntax(&c, &err, len);
	jsonata_free(j);
	v_ja_scan(c.text, len, on_finding, &c);
}

/* A JSONPath template member "x.$": "States.Format(...)" in a JSONata
 * value: the key is taken as written and the call never runs. */
static void dollar_key_call(struct vctx *v, const cJSON *m)
{
	size_t n = strlen(m->string);
	if (n < 2 || strcmp(m->string + n - 2, ".$") || !cJSON_IsString(m) ||
	    !intrinsic_is_call(m->valuestring))
		return;
	v_report(v, R_JSONATA_INTRINSIC, m, AT_VALUE,
		 "'%s' (key '%s') is an intrinsic call; a JSONata state takes a "
		 "'.$' key as written and never runs the call: write \"%.*s\": "
		 "\"{%% ... %%}\" with a JSONata function", m->valuestring, m->string,
		 (int)(n - 2), m->string);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
static const struct asl_expr *jsonata_form(const struct vctx *v, const cJSON *node)
{
	const struct asl_expr *e = v->model && node ? asl_expr_at(v->model, node) : NULL;
	return e && (e->kind == ASL_EXPR_JSONATA || e->kind == ASL_EXPR_INVALID) ? e : NULL;
}

/* field: the model's form of the value or of a value around it; a member
 * the model compiled as a field of its own (ItemReader's Arguments...)
 * is read from that form. */
static void walk(struct vctx *v, const struct asl_expr *field,
		 const cJSON *value, enum ja_allow allow)
{
	if (!field)
		field = jsonata_form(v, value);
	if (cJSON_IsString(value)) {
		if (!strncmp(value->valuestring, "{%", 2))
			check_expression(v, field, value, allow);
		return;
	}
	for (const cJSON *m = value ? value->child : NULL; m; m = m->next) {
		if (cJSON_IsObject(value))
			dollar_key_call(v, m);
		walk(v, field, m, allow);
	}
}

void v_jsonata(struct vctx *v, const cJSON *value, enum ja_allow allow)
{
	walk(v, NULL, value, allow);
}

/* ---- Assign ------------------------------------------------------------ */

/* AWS: a variable name is a Unicode identifier (ID_Start, then
 * ID_Continue characters) of at most 80 characters.  ASCII is checked
 * exactly; other characters are let through (no Unicode tables here). */
static const char *variable_name_problem(const char *name, size_t len)
{
	size_t chars = 0;
	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)name[i] & 0xC0) != 0x80;
	if (!len)
		return "is empty";
	if (chars > 80)
		return "is longer than 80 characters";
	unsigned char first = (unsigned char)name[0];
	if (first < 0x80 && !((first | 0x20) >= 'a' && (first | 0x20) <= 'z') && first != '_')
		return "does not start with a letter or '_'";
	for (size_t i = 1; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch < 0x80 && ch != '_' && !(ch >= '0' && ch <= '9') &&
		    !((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'))
			return "holds a character other than letters, digits and '_'";
	}
	return NULL;
}

void v_assign_names(struct vctx *v, const cJSON *assign)
{
	if (!cJSON_IsObject(assign))
		return;
	for (const cJSON *m = assign->child; m; m = m->next) {
		size_t len = strlen(m->string);
		if (len >= 2 && !strcmp(m->string + len - 2, ".$"))
			len -= 2; /* JSONPath: the name before ".$" */
		const char *why = variable_name_problem(m->string, len);
		if (why)
			v_report(v, R_VARIABLE_NAME, m, AT_KEY,
				 "variable name '%.*s' %s", (int)len, m->string, why);
	}
}
