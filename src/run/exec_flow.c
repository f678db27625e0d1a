/* exec_flow.c - the JSONPath data-flow stages of a state: InputPath,
 * payload templates (Parameters, ResultSelector, ItemSelector), ResultPath,
 * OutputPath, Assign, and the context object.  Each stage is one function
 * so a JSONata evaluator can plug in beside it (asl_dataflow.lang).
 * Paths and intrinsic calls compile once per execution and are cached by
 * the address of their text in the definition.
 * Not here: the JSONPath language itself (jsonpath.h, intrinsic.h). */
#include <stdlib.h>
#include <string.h>

#include "exec_impl.h"
#include "intrinsic.h"
#include "payload.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

/* ---- compiled-path cache ---------------------------------------------- */

struct compiled {
	struct jsonpath *path;     /* or */
	struct intrinsic *call;    /* or neither: the text is invalid */
	int needs_context;         /* the call may read $$ */
};

static struct compiled *compiled_get(struct exec *x, const char *text)
{
	struct compiled *c = strmap_get(&x->cache, (const char *)&text, sizeof(text));
	if (c)
		return c;
	c = xcalloc(1, sizeof(*c));
	if (intrinsic_is_call(text)) {
		struct intrinsic_error ie;
		c->call = intrinsic_compile(text, &ie);
		c->needs_context = strstr(text, "$$") != NULL;
	} else {
		struct jsonpath_error je;
		c->path = jsonpath_compile(text, &je);
	}
	strmap_put(&x->cache, (const char *)&text, sizeof(text), c);
	return c;
}

static void exec_cache_free_(struct strmap *cache)
{
	for (size_t i = 0; i < cache->nr; i++) {
		struct compiled *c = cache->entries[i].value;
		jsonpath_free(c->path);
		intrinsic_free(c->call);
		free(c);
	}
	strmap_release(cache);
}

const struct jsonpath *exec_compiled_path_(struct exec *x, const char *text)
{
	return compiled_get(x, text)->path;
}

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

static void set_item(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

/* The context object is rebuilt only when what it shows changes: a new
 * visit, a retry, a task token, a Map item.  Map.Item is a reference to
 * the frame's item, dropped again by exec_context_forget_. */
static int context_current(const struct exec *x, const struct frame *fr)
{
	return fr->visit_id && x->ctx_visit == fr->visit_id &&
	       x->ctx_retry == fr->retry_count && x->ctx_token == fr->task_token;
}

static void context_map(struct exec *x, struct frame *fr)
{
	cJSON_DeleteItemFromObjectCaseSensitive(x->context, "Map");
	if (fr->map_item) {
		cJSON *map = cJSON_AddObjectToObject(x->context, "Map");
		cJSON_AddItemReferenceToObject(map, "Item", (cJSON *)fr->map_item);
	}
	x->ctx_item = fr->map_item;
}

const cJSON *exec_context_(struct exec *x, struct frame *fr)
{
	if (context_current(x, fr)) {
		if (x->ctx_item != fr->map_item)
			context_map(x, fr);
		return x->context;
	}
	cJSON *state = cJSON_CreateObject();
	struct buf t = BUF_INIT;
	timestamp_format(fr->entered_ms, &t);
	cJSON_AddStringToObject(state, "EnteredTime", t.ptr);
	cJSON_AddStringToObject(state, "Name", fr->state->name);
	cJSON_AddNumberToObject(state, "RetryCount", fr->retry_count);
	buf_release(&t);
	set_item(x->context, "State", state);
	cJSON_DeleteItemFromObjectCaseSensitive(x->context, "Task");
	if (fr->task_token) {
		cJSON *task = cJSON_AddObjectToObject(x->context, "Task");
		cJSON_AddStringToObject(task, "Token", fr->task_token);
	}
	context_map(x, fr);
	x->ctx_visit = fr->visit_id;
	x->ctx_retry = fr->retry_count;
	x->ctx_token = fr->task_token;
	return x->context;
}

void exec_context_forget_(struct exec *x)
{
	cJSON_DeleteItemFromObjectCaseSensitive(x->context, "Map");
	x->ctx_item = NULL;
}

static void make_env(struct exec *x, struct frame *fr, const cJSON *in,
		     int need_context, struct jsonpath_env *env)
{
	env->input = in;
	env->context = need_context ? exec_context_(x, fr) : x->context;
	env->variable = lookup_var;
	env->ctx = fr->scope;
}

void exec_json_(const cJSON *v, struct buf *out)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	buf_adds(out, s ? s : "null");
	cJSON_free(s);
}

cJSON *exec_path_(struct exec *x, struct frame *fr, const char *text,
		  const cJSON *in, int *bad)
{
	struct compiled *c = compiled_get(x, text);
	struct jsonpath_env env;
	*bad = 0;
	if (c->path) {
		make_env(x, fr, in, jsonpath_root(c->path) == JSONPATH_ROOT_CONTEXT, &env);
		return jsonpath_eval(c->path, &env);
	}
	if (!c->call) {
		*bad = 1;
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The value '%s' is not a valid JSONPath or "
				"intrinsic function call.", text);
		return NULL;
	}
	make_env(x, fr, in, c->needs_context, &env);
	cJSON *out = NULL;
	const char *ename;
	char *cause = NULL;
	if (intrinsic_eval(c->call, &env, &x->rng, &out, &ename, &cause)) {
		exec_err_state_(&fr->err, fr, ename, "%s", cause ? cause : "");
		free(cause);
		return NULL;
	}
	return out;
}

const cJSON *exec_path_ref_(struct exec *x, struct frame *fr, const char *text,
			    const cJSON *in, cJSON **owned)
{
	struct compiled *c = compiled_get(x, text);
	int bad;
	*owned = NULL;
	if (c->path && jsonpath_is_definite(c->path)) {
		struct jsonpath_env env;
		make_env(x, fr, in, jsonpath_root(c->path) == JSONPATH_ROOT_CONTEXT,
			 &env);
		return jsonpath_get(c->path, &env);
	}
	return *owned = exec_path_(x, fr, text, in, &bad);
}

int exec_input_ref_(struct exec *x, struct frame *fr, const cJSON **eff,
		    cJSON **owned)
{
	*owned = NULL;
	if (!fr->state->flow.input_path) {
		*eff = fr->input;
		return 0;
	}
	int rc = exec_input_path_(x, fr, fr->input, owned);
	*eff = *owned;
	return rc;
}

/* ---- sharing the execution input ------------------------------------- */

/* The execution input never changes ($$.Execution.Input shows it) and
 * outlives the run, so a value derived from it may share its nodes instead
 * of copying them.  A share is a cJSON reference node (cJSON_IsReference):
 * read-only, freed without its target.  Only nodes of the execution input
 * are ever shared, so a share never outlives what it points to; a writer
 * (put_at) unshares the nodes on its way before it changes anything. */
static int is_shared(const struct exec *x, const cJSON *v)
{
	return v == x->borrowed_input || (v->type & cJSON_IsReference);
}

/* One level of v (the execution input or a share): a new node of v's type
 * whose children share v's.  Returns owned; v's key is not copied. */
static cJSON *unshare(const cJSON *v)
{
	cJSON *n;
	if (cJSON_IsObject(v))
		n = cJSON_CreateObject();
	else if (cJSON_IsArray(v))
		n = cJSON_CreateArray();
	else {
		n = cJSON_Duplicate(v, 0);
		cJSON_free(n->string);
		n->string = NULL;
		return n;
	}
	for (cJSON *c = v->child; c; c = c->next) {
		if (cJSON_IsObject(v))
			cJSON_AddItemReferenceToObject(n, c->string, c);
		else
			cJSON_AddItemReferenceToArray(n, c);
	}
	return n;
}

cJSON *exec_copy_(const struct exec *x, const cJSON *v)
{
	if (!v)
		return NULL;
	if (is_shared(x, v))
		return unshare(v);
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return cJSON_Duplicate(v, 0);
	cJSON *n = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
	/* recursion bounded by the nesting of values, as cJSON_Duplicate's */
	for (const cJSON *c = v->child; c; c = c->next) {
		if (cJSON_IsObject(v))
			cJSON_AddItemToObject(n, c->string, exec_copy_(x, c));
		else
			cJSON_AddItemToArray(n, exec_copy_(x, c));
	}
	return n;
}

/* Replaces the share c, a child of parent, with an unshared node of its
 * own (whose children still share).  Returns the new child. */
static cJSON *unshare_child(cJSON *parent, cJSON *c)
{
	cJSON *n = unshare(c);
	if (c->string) {
		size_t len = strlen(c->string) + 1;
		n->string = cJSON_malloc(len);
		memcpy(n->string, c->string, len);
	}
	cJSON_ReplaceItemViaPointer(parent, c, n);
	return n;
}

/* ---- reference paths in AWS's bracket notation ------------------------ */

/* Splits a reference path ($.a.b[0]['c']) into segments: names and
 * indexes.  Calls fn for each; returns -1 on syntax it does not know. */
struct seg { const char *name; size_t len; long index; };

static int next_seg(const char **p, struct seg *s)
{
	const char *t = *p;
	s->name = NULL;
	s->index = -1;
	if (*t == '.') {
		s->name = ++t;
		while (*t && *t != '.' && *t != '[')
			t++;
		s->len = (size_t)(t - s->name);
	} else if (t[0] == '[' && (t[1] == '\'' || t[1] == '"')) {
		char q = t[1];
		s->name = t + 2;
		const char *e = strchr(s->name, q);
		if (!e || e[1] != ']')
			return -1;
		s->len = (size_t)(e - s->name);
		t = e + 2;
	} else if (t[0] == '[') {
		char *e;
		s->index = strtol(t + 1, &e, 10);
		if (*e != ']' || e == t + 1 || s->index < 0)
			return -1;
		t = e + 1;
	} else
		return -1;
	if (s->name && !s->len)
		return -1;
	*p = t;
	return 0;
}

void exec_path_normal_(const char *text, struct buf *out)
{
	const char *p = text + 1;
	struct seg s;
	size_t start = out->len;
	if (text[0] != '$') {
		buf_adds(out, text);
		return;
	}
	buf_addc(out, '$');
	while (*p) {
		if (next_seg(&p, &s)) {
			buf_truncate(out, start);
			buf_adds(out, text);
			return;
		}
		if (s.name)
			buf_addf(out, "['%.*s']", (int)s.len, s.name);
		else
			buf_addf(out, "[%ld]", s.index);
	}
}

/* ---- InputPath / OutputPath ------------------------------------------- */

static int select_path(struct exec *x, struct frame *fr, const cJSON *path,
		       const cJSON *in, cJSON **out)
{
	if (!path) {
		*out = exec_copy_(x, in);
		return 0;
	}
	if (cJSON_IsNull(path)) {
		*out = cJSON_CreateObject();
		return 0;
	}
	if (!cJSON_IsString(path)) {
		exec_err_state_(&fr->err, fr, "States.Runtime", "Invalid path.");
		return -1;
	}
	int bad;
	*out = exec_path_(x, fr, path->valuestring, in, &bad);
	if (*out)
		return 0;
	if (!fr->err.error) {
		struct buf n = BUF_INIT;
		exec_path_normal_(path->valuestring, &n);
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"Invalid path '%s' : No results for path: %s",
				path->valuestring, n.ptr);
		buf_release(&n);
	}
	return -1;
}

int exec_input_path_(struct exec *x, struct frame *fr, const cJSON *in, cJSON **out)
{
	return select_path(x, fr, fr->state->flow.input_path, in, out);
}

int exec_output_path_(struct exec *x, struct frame *fr, cJSON *in, cJSON **out)
{
	const cJSON *p = fr->state->flow.output_path;
	if (!p) {
		*out = in;
		return 0;
	}
	int rc = select_path(x, fr, p, in, out);
	cJSON_Delete(in);
	return rc;
}

/* ---- payload templates ------------------------------------------------ */

/* A template compiled once per execution (payload.h), cached by the
 * address of its JSON in the definition. */
struct compiled_payload {
	struct payload *p;          /* NULL: the template does not compile */
	struct payload_error err;
	int needs_context;
};

static int expr_needs_context(const char *text)
{
	return strstr(text, "$$") != NULL;
}

/* Whether any ".$" expression of t may read $$: compiled once. */
static int tmpl_needs_context(const cJSON *t, int depth)
{
	if (depth > PAYLOAD_MAX_DEPTH)
		return 1;
	for (const cJSON *m = t ? t->child : NULL; m; m = m->next) {
		if (cJSON_IsString(m) && expr_needs_context(m->valuestring))
			return 1;
		if ((cJSON_IsObject(m) || cJSON_IsArray(m)) &&
		    tmpl_needs_context(m, depth + 1))
			return 1;
	}
	return 0;
}

static struct compiled_payload *payload_get(struct exec *x, const cJSON *tmpl)
{
	struct compiled_payload *c =
		strmap_get(&x->payloads, (const char *)&tmpl, sizeof(tmpl));
	if (c)
		return c;
	c = xcalloc(1, sizeof(*c));
	c->p = payload_compile(tmpl, &c->err);
	c->needs_context = tmpl_needs_context(tmpl, 0);
	strmap_put(&x->payloads, (const char *)&tmpl, sizeof(tmpl), c);
	return c;
}

static void payloads_free(struct strmap *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		struct compiled_payload *c = m->entries[i].value;
		payload_free(c->p);
		free(c);
	}
	strmap_release(m);
}

/* A template that does not compile fails at run time the way AWS fails a
 * field it cannot evaluate. */
static int payload_invalid(struct frame *fr, const struct compiled_payload *c,
			   const cJSON *in)
{
	const cJSON *m = c->err.node;
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
				"Invalid payload template: %s", c->err.message);
	return -1;
}

int exec_payload_(struct exec *x, struct frame *fr, const cJSON *tmpl,
		  const cJSON *in, cJSON **out)
{
	const struct compiled_payload *c = payload_get(x, tmpl);
	struct jsonpath_env env;
	const char *ename = NULL;
	char *cause = NULL;
	*out = NULL;
	if (!c->p)
		return payload_invalid(fr, c, in);
	make_env(x, fr, in, c->needs_context, &env);
	if (payload_eval(c->p, &env, &x->rng, out, &ename, &cause) == 0)
		return 0;
	exec_err_state_(&fr->err, fr, ename ? ename : "States.Runtime", "%s",
			cause ? cause : "");
	free(cause);
	return -1;
}

void exec_caches_free_(struct exec *x)
{
	exec_cache_free_(&x->cache);
	payloads_free(&x->payloads);
}

/* ---- ResultPath ------------------------------------------------------- */

/* The child of cur at s: created (create_obj) when missing, unshared
 * (unshare) when it is a share of the execution input. */
static cJSON *child_for(cJSON *cur, const struct seg *s, int create_obj,
			int unshare)
{
	cJSON *c;
	if (s->name) {
		char *k = xstrndup(s->name, s->len);
		c = cJSON_GetObjectItemCaseSensitive(cur, k);
		if (!c && create_obj)
			c = cJSON_AddObjectToObject(cur, k);
		free(k);
	} else
		c = cJSON_GetArrayItem(cur, (int)s->index);
	if (c && unshare && (c->type & cJSON_IsReference))
		c = unshare_child(cur, c);
	return c;
}

static int set_seg(cJSON *cur, const struct seg *s, cJSON *v)
{
	if (s->name) {
		if (!cJSON_IsObject(cur))
			return -1;
		char *k = xstrndup(s->name, s->len);
		set_item(cur, k, v);
		free(k);
		return 0;
	}
	if (!cJSON_IsArray(cur) || s->index >= cJSON_GetArraySize(cur))
		return -1;
	return cJSON_ReplaceItemInArray(cur, (int)s->index, v) ? 0 : -1;
}

/* Puts v at reference path 'text' inside root.  Consumes v on success. */
static int put_at(cJSON *root, const char *text, cJSON *v)
{
	const char *p = text + 1;
	struct seg s;
	cJSON *cur = root;
	if (text[0] != '$' || next_seg(&p, &s))
		return -1;
	for (;;) {
		if (!*p)
			return set_seg(cur, &s, v);
		if ((s.name && !cJSON_IsObject(cur)) || (!s.name && !cJSON_IsArray(cur)))
			return -1;
		cur = child_for(cur, &s, 1, 1);
		if (!cur || next_seg(&p, &s))
			return -1;
	}
}

/* Whether put_at(root, text, v) would succeed, without changing root. */
static int put_ok(const cJSON *root, const char *text)
{
	const char *p = text + 1;
	struct seg s;
	const cJSON *cur = root;
	int fresh = 0; /* cur is an object put_at would create */
	if (text[0] != '$' || next_seg(&p, &s))
		return 0;
	for (;;) {
		if (!*p) {
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
		if (next_seg(&p, &s))
			return 0;
	}
}

int exec_result_path_take_(struct exec *x, struct frame *fr, const cJSON *path,
			   cJSON *result, cJSON **out)
{
	if (fr->input_borrowed || fr->state->nr_catchers || !fr->input ||
	    (fr->input->type & cJSON_IsReference) || !cJSON_IsString(path) || !put_ok(fr->input, path->valuestring) ||
	    !strcmp(path->valuestring, "$"))
		return exec_result_path_(x, fr, path, fr->input, result, out);
	cJSON *root = fr->input;
	fr->input = NULL;
	if (put_at(root, path->valuestring, result))
		abort(); /* put_ok said it would work */
	*out = root;
	return 0;
}

int exec_result_path_(struct exec *x, struct frame *fr, const cJSON *path,
		      const cJSON *in, cJSON *result, cJSON **out)
{
	if (cJSON_IsNull(path)) {
		cJSON_Delete(result);
		*out = exec_copy_(x, in);
		return 0;
	}
	if (!path || (cJSON_IsString(path) && !strcmp(path->valuestring, "$"))) {
		*out = result;
		return 0;
	}
	cJSON *root = exec_copy_(x, in);
	if (cJSON_IsString(path) && put_at(root, path->valuestring, result) == 0) {
		*out = root;
		return 0;
	}
	struct buf b = BUF_INIT;
	exec_json_(in, &b);
	exec_err_state_(&fr->err, fr, "States.ResultPathMatchFailure",
			"Unable to apply ResultPath '%s' to input '%s'",
			cJSON_IsString(path) ? path->valuestring : "", b.ptr);
	buf_release(&b);
	cJSON_Delete(root);
	cJSON_Delete(result);
	return -1;
}

/* ---- Assign ----------------------------------------------------------- */

int exec_assign_(struct exec *x, struct frame *fr, const cJSON *assign,
		 const cJSON *in)
{
	cJSON *vals = NULL;
	if (!cJSON_IsObject(assign))
		return 0;
	if (exec_payload_(x, fr, assign, in, &vals))
		return -1;
	while (vals->child) {
		cJSON *v = cJSON_DetachItemViaPointer(vals, vals->child);
		char *k = v->string;
		v->string = NULL;
		set_item(fr->scope->vars, k, v);
		cJSON_free(k);
	}
	cJSON_Delete(vals);
	return 0;
}
