/* dataflow_jsonpath.c - the JSONPath implementation of the data-flow seam
 * (dataflow.h): InputPath, Parameters-style templates, ResultSelector,
 * ResultPath, OutputPath, Assign and the Catch output, worded the way AWS
 * words their runtime errors.  It evaluates the forms the model compiled
 * (asl_expr); it compiles nothing.
 * Not here: JSONPath, templates and intrinsics themselves (model/), the
 * context object and shares of the input (exec_frame.c). */
#include <stdlib.h>
#include <string.h>

#include "dataflow.h"
#include "xalloc.h"
#include "banned.h"

/* ---- evaluation environment ------------------------------------------- */

static const cJSON *lookup_var(void *ctx, const char *name)
{
	for (const struct vscope *s = ctx; s; s = s->parent) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->vars, name);
		if (v)
			return v;
	}
	return NULL;
}

static void make_env(struct exec *x, struct frame *fr, const cJSON *in,
		     int need_context, struct jsonpath_env *env)
{
	env->input = in;
	env->context = need_context ? exec_context_(x, fr) : x->context;
	env->variable = lookup_var;
	env->ctx = fr->scope;
}

/* ---- values: paths and intrinsic calls -------------------------------- */

static cJSON *value(struct exec *x, struct frame *fr, const struct asl_expr *e,
		    const cJSON *in, int *bad)
{
	struct jsonpath_env env;
	*bad = 0;
	make_env(x, fr, in, e->needs_context, &env);
	if (e->kind == ASL_EXPR_PATH)
		return jsonpath_eval(e->path, &env);
	if (e->kind != ASL_EXPR_CALL) {
		*bad = 1;
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The value '%s' is not a valid JSONPath or "
				"intrinsic function call.", asl_expr_text(e));
		return NULL;
	}
	cJSON *out = NULL;
	const char *ename;
	char *cause = NULL;
	if (intrinsic_eval(e->call, &env, &x->rng, &out, &ename, &cause)) {
		exec_err_state_(&fr->err, fr, ename, "%s", cause ? cause : "");
		free(cause);
		return NULL;
	}
	return out;
}

static const cJSON *value_ref(struct exec *x, struct frame *fr,
			      const struct asl_expr *e, const cJSON *in,
			      cJSON **owned)
{
	int bad;
	*owned = NULL;
	if (e->kind == ASL_EXPR_PATH && jsonpath_is_definite(e->path)) {
		struct jsonpath_env env;
		make_env(x, fr, in, e->needs_context, &env);
		return jsonpath_get(e->path, &env);
	}
	return *owned = value(x, fr, e, in, &bad);
}

/* The path in AWS's bracket notation ($['a'][0]) when it is a reference
 * path below $, else as written: how "No results for path" quotes it. */
static void path_normal(const struct asl_expr *e, struct buf *out)
{
	const char *name;
	long long index;
	if (e->kind != ASL_EXPR_PATH || jsonpath_root(e->path) != JSONPATH_ROOT_INPUT ||
	    !jsonpath_is_reference(e->path) || !jsonpath_ref_len(e->path)) {
		buf_adds(out, asl_expr_text(e));
		return;
	}
	buf_addc(out, '$');
	for (size_t i = 0; jsonpath_ref_step(e->path, i, &name, &index); i++) {
		if (name)
			buf_addf(out, "['%s']", name);
		else
			buf_addf(out, "[%lld]", index);
	}
}

/* ---- InputPath / OutputPath ------------------------------------------- */

static int no_results(struct frame *fr, const struct asl_expr *e)
{
	if (!fr->err.error) {
		struct buf n = BUF_INIT;
		path_normal(e, &n);
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"Invalid path '%s' : No results for path: %s",
				asl_expr_text(e), n.ptr);
		buf_release(&n);
	}
	return -1;
}

/* InputPath or OutputPath e on 'in': a copy when absent, {} for null. */
static int select_path(struct exec *x, struct frame *fr,
		       const struct asl_expr *e, const cJSON *in, cJSON **out)
{
	if (!e->json) {
		*out = exec_copy_(x, in);
		return 0;
	}
	if (cJSON_IsNull(e->json)) {
		*out = cJSON_CreateObject();
		return 0;
	}
	if (!cJSON_IsString(e->json)) {
		exec_err_state_(&fr->err, fr, "States.Runtime", "Invalid path.");
		return -1;
	}
	int bad;
	*out = value(x, fr, e, in, &bad);
	return *out ? 0 : no_results(fr, e);
}

static const cJSON *select_ref(struct exec *x, struct frame *fr,
			       const struct asl_expr *e, const cJSON *in,
			       cJSON **owned)
{
	const cJSON *v = value_ref(x, fr, e, in, owned);
	if (!v)
		no_results(fr, e);
	return v;
}

static int enter(struct exec *x, struct frame *fr)
{
	const struct asl_expr *e = &fr->state->flow.compiled.input_path;
	fr->eff = fr->input;
	if (fr->state->type == ASL_FAIL) /* Fail reads its input */
		return 0;
	if (e->json) {
		if (select_path(x, fr, e, fr->input, &fr->eff_owned))
			return -1;
		fr->eff = fr->eff_owned;
	}
	exec_record_(fr, EXEC_STAGE_AFTER_INPUT_PATH, fr->eff);
	return 0;
}

static int output(struct exec *x, struct frame *fr, cJSON *in)
{
	const struct asl_expr *e = &fr->state->flow.compiled.output_path;
	if (!e->json) {
		fr->output = in;
		return 0;
	}
	int rc = select_path(x, fr, e, in, &fr->output);
	cJSON_Delete(in);
	return rc;
}

/* ---- payload templates ------------------------------------------------ */

/* A template that does not compile fails at run time the way AWS fails a
 * field it cannot evaluate. */
static int template_invalid(struct frame *fr, const struct asl_expr *e,
			    const cJSON *in)
{
	const cJSON *m = e->error_node;
	if (m && m->string && !cJSON_IsString(m)) {
		struct buf b = BUF_INIT;
		exec_json_(in, &b);
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The JSONPath '' specified for the field '%s' "
				"could not be found in the input '%s'",
				m->string, b.ptr);
		buf_release(&b);
	} else if (m && cJSON_IsString(m))
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The value '%s' is not a valid JSONPath or "
				"intrinsic function call.", m->valuestring);
	else
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"Invalid payload template: %s", e->error);
	return -1;
}

static int arguments(struct exec *x, struct frame *fr, const struct asl_expr *e,
		     const cJSON *in, cJSON **out)
{
	struct jsonpath_env env;
	const char *ename = NULL;
	char *cause = NULL;
	*out = NULL;
	if (e->kind != ASL_EXPR_TEMPLATE)
		return template_invalid(fr, e, in);
	make_env(x, fr, in, e->needs_context, &env);
	if (payload_eval(e->tmpl, &env, &x->rng, out, &ename, &cause) == 0)
		return 0;
	exec_err_state_(&fr->err, fr, ename ? ename : "States.Runtime", "%s",
			cause ? cause : "");
	free(cause);
	return -1;
}

static int shape(struct exec *x, struct frame *fr, cJSON *result, cJSON **out)
{
	const struct asl_expr *e = &fr->state->flow.compiled.result_selector;
	exec_record_(fr, EXEC_STAGE_RESULT, result);
	if (!e->json) {
		*out = result;
	} else {
		int rc = arguments(x, fr, e, result, out);
		cJSON_Delete(result);
		if (rc)
			return -1;
	}
	exec_record_(fr, EXEC_STAGE_AFTER_RESULT_SELECTOR, *out);
	return 0;
}

/* ---- Assign ----------------------------------------------------------- */

static int assign(struct exec *x, struct frame *fr, const struct asl_expr *e,
		  const cJSON *in)
{
	cJSON *vals = NULL;
	if (!cJSON_IsObject(e->json))
		return 0;
	if (arguments(x, fr, e, in, &vals))
		return -1;
	exec_assign_(x, fr, vals);
	return 0;
}

/* ---- ResultPath ------------------------------------------------------- */

/* One step of a compiled reference path: a member name, or an index. */
struct seg {
	const char *name;
	long long index;
};

/* The child of cur at s: created (create_obj) when missing, unshared
 * (unshare) when it is a share of the execution input. */
static cJSON *child_for(cJSON *cur, const struct seg *s, int create_obj,
			int unshare)
{
	cJSON *c;
	if (s->name) {
		c = cJSON_GetObjectItemCaseSensitive(cur, s->name);
		if (!c && create_obj)
			c = cJSON_AddObjectToObject(cur, s->name);
	} else
		c = s->index > 0x7fffffff ? NULL : cJSON_GetArrayItem(cur, (int)s->index);
	if (c && unshare && (c->type & cJSON_IsReference))
		c = exec_unshare_child_(cur, c);
	return c;
}

static int set_seg(cJSON *cur, const struct seg *s, cJSON *v)
{
	if (s->name) {
		if (!cJSON_IsObject(cur))
			return -1;
		exec_set_item_(cur, s->name, v);
		return 0;
	}
	if (!cJSON_IsArray(cur) || s->index >= cJSON_GetArraySize(cur))
		return -1;
	return cJSON_ReplaceItemInArray(cur, (int)s->index, v) ? 0 : -1;
}

static int seg_at(const struct jsonpath *p, size_t i, struct seg *s)
{
	return jsonpath_ref_step(p, i, &s->name, &s->index);
}

/* Puts v at reference path p (at least one step) inside root.  Consumes v
 * on success. */
static int put_at(cJSON *root, const struct jsonpath *p, cJSON *v)
{
	struct seg s;
	cJSON *cur = root;
	size_t n = jsonpath_ref_len(p);
	for (size_t i = 0; seg_at(p, i, &s); i++) {
		if (i + 1 == n)
			return set_seg(cur, &s, v);
		if ((s.name && !cJSON_IsObject(cur)) || (!s.name && !cJSON_IsArray(cur)))
			return -1;
		if (!(cur = child_for(cur, &s, 1, 1)))
			return -1;
	}
	return -1;
}

/* Whether put_at(root, p, v) would succeed, without changing root. */
static int put_ok(const cJSON *root, const struct jsonpath *p)
{
	struct seg s;
	const cJSON *cur = root;
	int fresh = 0; /* cur is an object put_at would create */
	size_t n = jsonpath_ref_len(p);
	for (size_t i = 0; seg_at(p, i, &s); i++) {
		if (i + 1 == n) {
			if (s.name)
				return fresh || cJSON_IsObject(cur);
			return !fresh && cJSON_IsArray(cur) &&
			       s.index < cJSON_GetArraySize(cur);
		}
		if (fresh || (s.name && !cJSON_IsObject(cur)) ||
		    (!s.name && !cJSON_IsArray(cur))) {
			if (!fresh || !s.name)
				return 0;
		} else {
			const cJSON *c = child_for((cJSON *)cur, &s, 0, 0);
			if (!c && !s.name)
				return 0;
			fresh = !c;
			cur = c;
		}
	}
	return 0;
}

static int placed(struct frame *fr, const cJSON *out)
{
	exec_record_(fr, EXEC_STAGE_AFTER_RESULT_PATH, out);
	return 0;
}

/* ResultPath e: result (consumed) placed into a copy of 'in'. */
static int place_into(struct exec *x, struct frame *fr, const struct asl_expr *e,
		      const cJSON *in, cJSON *result, cJSON **out)
{
	if (cJSON_IsNull(e->json)) {
		cJSON_Delete(result);
		*out = exec_copy_(x, in);
		return placed(fr, *out);
	}
	if (!e->json || (e->kind == ASL_EXPR_PATH && !jsonpath_ref_len(e->path))) {
		*out = result; /* absent, or "$" */
		return placed(fr, *out);
	}
	cJSON *root = exec_copy_(x, in);
	if (e->kind == ASL_EXPR_PATH && put_at(root, e->path, result) == 0) {
		*out = root;
		return placed(fr, *out);
	}
	struct buf b = BUF_INIT;
	exec_json_(in, &b);
	exec_err_state_(&fr->err, fr, "States.ResultPathMatchFailure",
			"Unable to apply ResultPath '%s' to input '%s'",
			cJSON_IsString(e->json) ? e->json->valuestring : "", b.ptr);
	buf_release(&b);
	cJSON_Delete(root);
	cJSON_Delete(result);
	return -1;
}

/* ResultPath against the frame's own input, which it takes over instead of
 * copying when nothing can need it again (the frame owns it and the state
 * has no Catch). */
static int place(struct exec *x, struct frame *fr, cJSON *result, cJSON **out)
{
	const struct asl_expr *e = &fr->state->flow.compiled.result_path;
	if (fr->input_borrowed || fr->state->nr_catchers || !fr->input ||
	    (fr->input->type & cJSON_IsReference) || e->kind != ASL_EXPR_PATH ||
	    !jsonpath_ref_len(e->path) || !put_ok(fr->input, e->path))
		return place_into(x, fr, e, fr->input, result, out);
	cJSON *root = fr->input;
	fr->input = NULL;
	if (put_at(root, e->path, result))
		abort(); /* put_ok said it would work */
	*out = root;
	return placed(fr, *out);
}

/* ---- Catch ------------------------------------------------------------ */

static cJSON *error_output(const struct exec_err *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "Error", e->error);
	if (e->cause)
		cJSON_AddStringToObject(o, "Cause", e->cause);
	return o;
}

static int catch_output(struct exec *x, struct frame *fr,
			const struct asl_catcher *c)
{
	cJSON *eo = error_output(&fr->err), *out = NULL;
	if (assign(x, fr, &c->compiled.assign, eo)) {
		cJSON_Delete(eo);
		return -1;
	}
	if (place_into(x, fr, &c->compiled.result_path, fr->input, eo, &out))
		return -1;
	fr->output = out;
	return 0;
}

const struct dataflow dataflow_jsonpath = {
	.language = "JSONPath",
	.enter = enter,
	.arguments = arguments,
	.value = value,
	.value_ref = value_ref,
	.select = select_ref,
	.shape = shape,
	.assign = assign,
	.place = place,
	.output = output,
	.catch_output = catch_output,
};
