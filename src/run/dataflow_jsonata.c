/* dataflow_jsonata.c - the JSONata implementation of the data-flow seam
 * (dataflow.h).  A JSONata state has no InputPath, ResultSelector or
 * ResultPath: its Arguments and Output, and every other JSONata field, are
 * JSON values whose "{% %}" strings the model compiled (asl_expr, kind
 * ASL_EXPR_JSONATA); evaluating a field copies its value with each of
 * those strings replaced by the expression's result.  Expressions see
 * $states (input, result, errorOutput, context: each only where the state
 * has it) and the workflow variables as $name.  Assign is evaluated before
 * Output but takes effect after it, so Output reads the variables as they
 * were when the state was entered.
 * A failing expression is States.QueryEvaluationError, worded as AWS words
 * it, with an EvaluationFailed event naming the field.
 * Not here: the engine (jsonata/), which state reads which field (exec*.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataflow.h"
#include "doc.h"
#include "xalloc.h"
#include "banned.h"

#define QUERY_ERROR "States.QueryEvaluationError"

/* What $states holds for one evaluation (NULL: not available there). */
struct states_view {
	const cJSON *input, *result, *error_output;
};

/* ---- errors ------------------------------------------------------------ */

/* Appends the path from v down to target (/key, [i]); 1 when found.
 * Recursion is bounded by the document's nesting limit. */
static int find_path(const cJSON *v, const cJSON *target, struct buf *out,
		     int depth)
{
	if (v == target)
		return 1;
	if (depth > DOC_MAX_DEPTH || !(cJSON_IsObject(v) || cJSON_IsArray(v)))
		return 0;
	int i = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		size_t mark = out->len;
		if (cJSON_IsObject(v))
			buf_addf(out, "%s%s", mark ? "/" : "", c->string);
		else
			buf_addf(out, "[%d]", i);
		if (find_path(c, target, out, depth + 1))
			return 1;
		buf_truncate(out, mark);
	}
	return 0;
}

/* The field a node of the state's definition sits in, as AWS names it:
 * 'Arguments/Payload/id', 'Choices[0]/Condition', 'Output/a/b[1]'. */
static void field_name(const struct frame *fr, const cJSON *node,
		       struct buf *out)
{
	if (!find_path(fr->state->json, node, out, 0))
		buf_adds(out, node && node->string ? node->string : "");
}

/* Sets States.QueryEvaluationError on the frame: "The JSONata expression
 * '<expr>' specified for the field '<field>' <what>", and writes the
 * EvaluationFailed event. */
static int query_error(struct exec *x, struct frame *fr, const char *expr,
		       size_t len, const cJSON *node, const char *what)
{
	struct buf field = BUF_INIT;
	field_name(fr, node, &field);
	exec_err_state_(&fr->err, fr, QUERY_ERROR,
			"The JSONata expression '%.*s' specified for the field "
			"'%s' %s", (int)len, expr, field.ptr ? field.ptr : "", what);
	if (x->res->history) {
		cJSON *d = exec_details_err_(&fr->err);
		cJSON_AddStringToObject(d, "location", field.ptr ? field.ptr : "");
		cJSON_AddStringToObject(d, "state", fr->state->name);
		exec_event_(x, "EvaluationFailed", "evaluationFailedEventDetails", d);
	} else
		exec_event_(x, NULL, NULL, NULL);
	buf_release(&field);
	return -1;
}

static int part_error(struct exec *x, struct frame *fr,
		      const struct asl_jsonata_part *p, const char *what)
{
	return query_error(x, fr, p->node->valuestring + p->offset, p->len,
			   p->node, what);
}

static int coded_error(struct exec *x, struct frame *fr,
		       const struct asl_jsonata_part *p,
		       const struct jsonata_error *err)
{
	struct buf what = BUF_INIT;
	buf_addf(&what, "threw an error during evaluation. %s: %s", err->code,
		 err->message);
	part_error(x, fr, p, what.ptr);
	buf_release(&what);
	return -1;
}

/* JSON type names as AWS's messages use them. */
static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "array";
	return "object";
}

int dataflow_jsonata_type_error(struct exec *x, struct frame *fr,
				const struct asl_expr *e, const cJSON *got,
				const char *expected)
{
	struct buf what = BUF_INIT;
	const char *text = "";
	size_t len = 0;
	char *printed = NULL;
	if (e->nr_parts) {
		text = e->parts[0].node->valuestring + e->parts[0].offset;
		len = e->parts[0].len;
	} else if ((printed = cJSON_PrintUnformatted(e->json))) {
		text = printed;
		len = strlen(printed);
	}
	buf_addf(&what, "returned a %s, but the field takes %s.", type_name(got),
		 expected);
	query_error(x, fr, text, len, e->json, what.ptr);
	buf_release(&what);
	cJSON_free(printed);
	return -1;
}

/* ---- the engine -------------------------------------------------------- */

/* The variables object of one evaluation: $states, then every variable in
 * scope (inner scopes first), all by reference. */
static cJSON *bindings(struct exec *x, struct frame *fr,
		       const struct states_view *sv, int context)
{
	cJSON *b = cJSON_CreateObject();
	cJSON *st = cJSON_AddObjectToObject(b, "states");
	if (sv->input)
		cJSON_AddItemReferenceToObject(st, "input", (cJSON *)sv->input);
	if (sv->result)
		cJSON_AddItemReferenceToObject(st, "result", (cJSON *)sv->result);
	if (sv->error_output)
		cJSON_AddItemReferenceToObject(st, "errorOutput",
					       (cJSON *)sv->error_output);
	if (context) /* only an expression that may read it pays for it */
		cJSON_AddItemReferenceToObject(st, "context",
					       (cJSON *)exec_context_(x, fr));
	for (const struct vscope *s = fr->scope; s; s = s->parent)
		for (cJSON *v = s->vars->child; v; v = v->next)
			if (s == fr->scope ||
			    !cJSON_GetObjectItemCaseSensitive(b, v->string))
				cJSON_AddItemReferenceToObject(b, v->string, v);
	return b;
}

/* ---- quick expressions ----------------------------------------------- */

static const cJSON *lookup_var(const struct frame *fr, const char *name)
{
	for (const struct vscope *s = fr->scope; s; s = s->parent) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->vars, name);
		if (v)
			return v;
	}
	return NULL;
}

/* An operand's value, borrowed (numbers and strings: made in *tmp); NULL
 * when the engine must answer: something missing, or an array on the way
 * (a path maps over arrays). */
static const cJSON *quick_operand(const struct frame *fr,
				  const struct asl_quick_operand *o,
				  const struct states_view *sv, cJSON *tmp)
{
	const cJSON *v = NULL;
	switch (o->root) {
	case ASL_QUICK_NUMBER:
		tmp->type = cJSON_Number;
		tmp->valuedouble = o->number;
		return tmp;
	case ASL_QUICK_STRING:
		tmp->type = cJSON_String;
		tmp->valuestring = o->string;
		return tmp;
	case ASL_QUICK_TRUE:
	case ASL_QUICK_FALSE:
	case ASL_QUICK_NULL:
		tmp->type = o->root == ASL_QUICK_TRUE ? cJSON_True
			  : o->root == ASL_QUICK_FALSE ? cJSON_False : cJSON_NULL;
		return tmp;
	case ASL_QUICK_INPUT:
		v = sv->input;
		break;
	case ASL_QUICK_RESULT:
		v = sv->result;
		break;
	case ASL_QUICK_ERROR_OUTPUT:
		v = sv->error_output;
		break;
	case ASL_QUICK_VARIABLE:
		v = lookup_var(fr, o->variable);
		break;
	}
	for (size_t i = 0; v && i < o->nr_names; i++)
		v = cJSON_IsObject(v)
			? cJSON_GetObjectItemCaseSensitive(v, o->names[i]) : NULL;
	return v && !cJSON_IsArray(v) ? v : NULL;
}

/* a op b for two numbers: NULL when the engine must answer (a result
 * JSONata refuses, such as an infinity). */
static cJSON *quick_numbers(char op, double a, double b)
{
	double r;
	switch (op) {
	case '+': r = a + b; break;
	case '-': r = a - b; break;
	case '*': r = a * b; break;
	case '/': r = a / b; break;
	case '<': return cJSON_CreateBool(a < b);
	case '>': return cJSON_CreateBool(a > b);
	case 'l': return cJSON_CreateBool(a <= b);
	case 'g': return cJSON_CreateBool(a >= b);
	case '=': return cJSON_CreateBool(a == b);
	case 'n': return cJSON_CreateBool(a != b);
	default: return NULL;
	}
	return isfinite(r) ? cJSON_CreateNumber(r) : NULL;
}

/* = and != on two scalars (JSONata compares values and types). */
static cJSON *quick_equal(char op, const cJSON *a, const cJSON *b)
{
	int same;
	if ((a->type & 0xFF) != (b->type & 0xFF))
		same = 0;
	else if (cJSON_IsString(a))
		same = !strcmp(a->valuestring, b->valuestring);
	else if (cJSON_IsBool(a) || cJSON_IsNull(a))
		same = 1;
	else
		return NULL;
	return cJSON_CreateBool(op == '=' ? same : !same);
}

/* Answers p's quick form, or NULL when the engine must. */
static cJSON *quick(const struct frame *fr, const struct asl_quick *q,
		    const struct states_view *sv)
{
	cJSON ta = { 0 }, tb = { 0 };
	const cJSON *a = quick_operand(fr, &q->a, sv, &ta), *b;
	if (!a)
		return NULL;
	if (!q->op)
		return cJSON_Duplicate(a, 1);
	if (!(b = quick_operand(fr, &q->b, sv, &tb)))
		return NULL;
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return quick_numbers(q->op, a->valuedouble, b->valuedouble);
	if ((q->op == '=' || q->op == 'n') && !cJSON_IsObject(a) &&
	    !cJSON_IsObject(b) && !cJSON_IsNumber(a) && !cJSON_IsNumber(b))
		return quick_equal(q->op, a, b);
	return NULL;
}

/* ---- evaluating a field ------------------------------------------------ */

static int eval_part(struct exec *x, struct frame *fr,
		     const struct asl_jsonata_part *p,
		     const struct states_view *sv, cJSON **out)
{
	*out = NULL;
	if (!p->expr)
		return coded_error(x, fr, p, p->error);
	if (p->quick && (*out = quick(fr, p->quick, sv)))
		return 0;
	cJSON *b = bindings(x, fr, sv, p->needs_context);
	struct jsonata_options o = { .now_ms = x->clock.now,
				     .seed = rng_next(&x->rng),
				     .step_functions = 1 };
	struct jsonata_error err;
	int rc = jsonata_evaluate(p->expr, NULL, b, &o, out, &err);
	cJSON_Delete(b);
	if (rc)
		return coded_error(x, fr, p, &err);
	if (!*out)
		return part_error(x, fr, p, "returned nothing (undefined).");
	return 0;
}

/* A copy of v with its expression strings evaluated; *cursor walks e's
 * parts, which are in the same (depth-first) order.  Recursion is bounded
 * by the document's nesting limit. */
static int walk(struct exec *x, struct frame *fr, const struct asl_expr *e,
		const cJSON *v, const struct states_view *sv, size_t *cursor,
		cJSON **out)
{
	*out = NULL;
	if (*cursor < e->nr_parts && e->parts[*cursor].node == v)
		return eval_part(x, fr, &e->parts[(*cursor)++], sv, out);
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
		*out = cJSON_Duplicate(v, 0);
		cJSON_free((*out)->string);
		(*out)->string = NULL;
		return 0;
	}
	cJSON *o = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
	for (const cJSON *c = v->child; c; c = c->next) {
		cJSON *item;
		if (walk(x, fr, e, c, sv, cursor, &item)) {
			cJSON_Delete(o);
			return -1;
		}
		if (cJSON_IsObject(v))
			cJSON_AddItemToObject(o, c->string, item);
		else
			cJSON_AddItemToArray(o, item);
	}
	*out = o;
	return 0;
}

/* Field e evaluated: new owned *out (NULL when the field is absent). */
static int eval_field(struct exec *x, struct frame *fr, const struct asl_expr *e,
		      const struct states_view *sv, cJSON **out)
{
	*out = NULL;
	if (!e->json)
		return 0;
	if (!e->nr_parts) {
		*out = cJSON_Duplicate(e->json, 1);
		cJSON_free((*out)->string);
		(*out)->string = NULL;
		return 0;
	}
	if (e->parts[0].node == e->json)
		return eval_part(x, fr, &e->parts[0], sv, out);
	size_t cursor = 0;
	return walk(x, fr, e, e->json, sv, &cursor, out);
}

/* ---- the seam ---------------------------------------------------------- */

/* The types whose Output and Assign see $states.result. */
static int has_result(const struct frame *fr)
{
	enum asl_type t = fr->state->type;
	return t == ASL_TASK || t == ASL_PARALLEL || t == ASL_MAP;
}

static int enter(struct exec *x, struct frame *fr)
{
	(void)x;
	fr->eff = fr->input;
	return 0;
}

static int arguments(struct exec *x, struct frame *fr, const struct asl_expr *e,
		     const cJSON *in, cJSON **out)
{
	struct states_view sv = { in, NULL, NULL };
	if (!e->json) {
		*out = exec_copy_(x, in);
		return 0;
	}
	return eval_field(x, fr, e, &sv, out);
}

static cJSON *value(struct exec *x, struct frame *fr, const struct asl_expr *e,
		    const cJSON *in, int *bad)
{
	struct states_view sv = { in, NULL, NULL };
	cJSON *v = NULL;
	*bad = 0;
	eval_field(x, fr, e, &sv, &v);
	return v;
}

static const cJSON *value_ref(struct exec *x, struct frame *fr,
			      const struct asl_expr *e, const cJSON *in,
			      cJSON **owned)
{
	int bad;
	return *owned = value(x, fr, e, in, &bad);
}

/* No ResultSelector in JSONata: the raw result is recorded, as is. */
static int shape(struct exec *x, struct frame *fr, cJSON *result, cJSON **out)
{
	(void)x;
	exec_record_(fr, EXEC_STAGE_RESULT, result);
	*out = result;
	return 0;
}

/* Evaluates Assign e into the frame's pending variables (fr->assigned):
 * they take effect once Output has been evaluated (output, catch_output).
 * 'in' is the state's result where it has one. */
static int assign_view(struct exec *x, struct frame *fr, const struct asl_expr *e,
		       const struct states_view *sv)
{
	cJSON *vals = NULL;
	if (!e->json)
		return 0;
	if (eval_field(x, fr, e, sv, &vals))
		return -1;
	if (!cJSON_IsObject(vals)) {
		int rc = dataflow_jsonata_type_error(x, fr, e, vals, "an object");
		cJSON_Delete(vals);
		return rc;
	}
	if (!fr->assigned) {
		fr->assigned = vals;
		return 0;
	}
	while (vals->child) {
		cJSON *v = cJSON_DetachItemViaPointer(vals, vals->child);
		char *k = v->string;
		v->string = NULL;
		exec_set_item_(fr->assigned, k, v);
		cJSON_free(k);
	}
	cJSON_Delete(vals);
	return 0;
}

static int assign(struct exec *x, struct frame *fr, const struct asl_expr *e,
		  const cJSON *in)
{
	struct states_view sv = { fr->input, has_result(fr) ? in : NULL, NULL };
	return assign_view(x, fr, e, &sv);
}

/* The pending variables, now in the frame's scope. */
static void commit(struct exec *x, struct frame *fr)
{
	cJSON *vals = fr->assigned;
	fr->assigned = NULL;
	if (vals)
		exec_assign_(x, fr, vals);
}

static int place(struct exec *x, struct frame *fr, cJSON *result, cJSON **out)
{
	(void)x;
	(void)fr;
	*out = result;
	return 0;
}

/* The Output in force: a matched Choice rule's own, else the state's. */
static const struct asl_expr *output_field(const struct frame *fr)
{
	const struct asl_state *s = fr->state;
	if (s->type == ASL_CHOICE && fr->rule >= 0 &&
	    s->choices[fr->rule].compiled.output.json)
		return &s->choices[fr->rule].compiled.output;
	return &s->flow.compiled.output;
}

/* Output on 'in' (consumed: the result, or the input passed on). */
static int output(struct exec *x, struct frame *fr, cJSON *in)
{
	const struct asl_expr *e = output_field(fr);
	if (!e->json) {
		fr->output = in;
		commit(x, fr);
		return 0;
	}
	/* the types that pass their input on may have moved it into 'in' */
	struct states_view sv = { fr->input ? fr->input : in,
				  has_result(fr) ? in : NULL, NULL };
	int rc = eval_field(x, fr, e, &sv, &fr->output);
	cJSON_Delete(in);
	if (rc == 0)
		commit(x, fr);
	return rc;
}

static cJSON *error_output(const struct exec_err *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "Error", e->error);
	if (e->cause)
		cJSON_AddStringToObject(o, "Cause", e->cause);
	return o;
}

/* The catcher's Assign and Output, with $states.errorOutput; without an
 * Output the state's output is the error output. */
static int catch_output(struct exec *x, struct frame *fr,
			const struct asl_catcher *c)
{
	cJSON *eo = error_output(&fr->err);
	struct states_view sv = { fr->input, NULL, eo };
	cJSON_Delete(fr->assigned); /* what the failed state meant to assign */
	fr->assigned = NULL;
	int rc = assign_view(x, fr, &c->compiled.assign, &sv);
	if (rc == 0 && c->compiled.output.json)
		rc = eval_field(x, fr, &c->compiled.output, &sv, &fr->output);
	else if (rc == 0) {
		fr->output = eo;
		eo = NULL;
	}
	cJSON_Delete(eo);
	if (rc == 0)
		commit(x, fr);
	return rc;
}

const struct dataflow dataflow_jsonata = {
	.language = "JSONata",
	.enter = enter,
	.arguments = arguments,
	.value = value,
	.value_ref = value_ref,
	.select = value_ref,
	.shape = shape,
	.assign = assign,
	.place = place,
	.output = output,
	.catch_output = catch_output,
};
