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
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

/* ---- compiled-path cache ---------------------------------------------- */

struct compiled {
	struct jsonpath *path;     /* or */
	struct intrinsic *call;    /* or neither: the text is invalid */
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
	} else {
		struct jsonpath_error je;
		c->path = jsonpath_compile(text, &je);
	}
	strmap_put(&x->cache, (const char *)&text, sizeof(text), c);
	return c;
}

void exec_cache_free_(struct strmap *cache);
void exec_cache_free_(struct strmap *cache)
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

const cJSON *exec_context_(struct exec *x, struct step *st)
{
	cJSON *state = cJSON_CreateObject();
	struct buf t = BUF_INIT;
	timestamp_format(st->entered_ms, &t);
	cJSON_AddStringToObject(state, "EnteredTime", t.ptr);
	cJSON_AddStringToObject(state, "Name", st->state->name);
	cJSON_AddNumberToObject(state, "RetryCount", st->retry_count);
	buf_release(&t);
	set_item(x->context, "State", state);
	cJSON_DeleteItemFromObjectCaseSensitive(x->context, "Task");
	if (st->task_token) {
		cJSON *task = cJSON_AddObjectToObject(x->context, "Task");
		cJSON_AddStringToObject(task, "Token", st->task_token);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(x->context, "Map");
	if (st->map_item) {
		cJSON *map = cJSON_AddObjectToObject(x->context, "Map");
		cJSON_AddItemToObject(map, "Item", cJSON_Duplicate(st->map_item, 1));
	}
	return x->context;
}

static void make_env(struct exec *x, struct step *st, const cJSON *in,
		     int need_context, struct jsonpath_env *env)
{
	env->input = in;
	env->context = need_context ? exec_context_(x, st) : x->context;
	env->variable = lookup_var;
	env->ctx = st->scope;
}

void exec_json_(const cJSON *v, struct buf *out)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	buf_adds(out, s ? s : "null");
	cJSON_free(s);
}

cJSON *exec_path_(struct exec *x, struct step *st, const char *text,
		  const cJSON *in, int *bad)
{
	struct compiled *c = compiled_get(x, text);
	struct jsonpath_env env;
	*bad = 0;
	if (c->path) {
		make_env(x, st, in, jsonpath_root(c->path) == JSONPATH_ROOT_CONTEXT, &env);
		return jsonpath_eval(c->path, &env);
	}
	if (!c->call) {
		*bad = 1;
		exec_err_state_(&st->err, st, "States.Runtime",
				"The value '%s' is not a valid JSONPath or "
				"intrinsic function call.", text);
		return NULL;
	}
	make_env(x, st, in, 1, &env);
	cJSON *out = NULL;
	const char *ename;
	char *cause = NULL;
	if (intrinsic_eval(c->call, &env, &x->rng, &out, &ename, &cause)) {
		exec_err_state_(&st->err, st, ename, "%s", cause ? cause : "");
		free(cause);
		return NULL;
	}
	return out;
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

static int select_path(struct exec *x, struct step *st, const cJSON *path,
		       const cJSON *in, cJSON **out)
{
	if (!path) {
		*out = cJSON_Duplicate(in, 1);
		return 0;
	}
	if (cJSON_IsNull(path)) {
		*out = cJSON_CreateObject();
		return 0;
	}
	if (!cJSON_IsString(path)) {
		exec_err_state_(&st->err, st, "States.Runtime", "Invalid path.");
		return -1;
	}
	int bad;
	*out = exec_path_(x, st, path->valuestring, in, &bad);
	if (*out)
		return 0;
	if (!st->err.error) {
		struct buf n = BUF_INIT;
		exec_path_normal_(path->valuestring, &n);
		exec_err_state_(&st->err, st, "States.Runtime",
				"Invalid path '%s' : No results for path: %s",
				path->valuestring, n.ptr);
		buf_release(&n);
	}
	return -1;
}

int exec_input_path_(struct exec *x, struct step *st, const cJSON *in, cJSON **out)
{
	return select_path(x, st, st->state->flow.input_path, in, out);
}

int exec_output_path_(struct exec *x, struct step *st, cJSON *in, cJSON **out)
{
	const cJSON *p = st->state->flow.output_path;
	if (!p) {
		*out = in;
		return 0;
	}
	int rc = select_path(x, st, p, in, out);
	cJSON_Delete(in);
	return rc;
}

/* ---- payload templates ------------------------------------------------ */

static int tmpl_value(struct exec *x, struct step *st, const cJSON *t,
		      const cJSON *in, cJSON **out);

static int tmpl_field(struct exec *x, struct step *st, const cJSON *f,
		      const cJSON *in, cJSON *obj)
{
	size_t klen = strlen(f->string);
	cJSON *v = NULL;
	if (klen < 2 || strcmp(f->string + klen - 2, ".$")) {
		if (tmpl_value(x, st, f, in, &v))
			return -1;
		cJSON_AddItemToObject(obj, f->string, v);
		return 0;
	}
	int bad = 0;
	if (cJSON_IsString(f))
		v = exec_path_(x, st, f->valuestring, in, &bad);
	if (!v) {
		if (!st->err.error) {
			struct buf b = BUF_INIT;
			exec_json_(in, &b);
			exec_err_state_(&st->err, st, "States.Runtime",
					"The JSONPath '%s' specified for the field "
					"'%s' could not be found in the input '%s'",
					cJSON_IsString(f) ? f->valuestring : "",
					f->string, b.ptr);
			buf_release(&b);
		}
		return -1;
	}
	char *key = xstrndup(f->string, klen - 2);
	cJSON_AddItemToObject(obj, key, v);
	free(key);
	return 0;
}

static int tmpl_value(struct exec *x, struct step *st, const cJSON *t,
		      const cJSON *in, cJSON **out)
{
	if (!cJSON_IsObject(t) && !cJSON_IsArray(t)) {
		*out = cJSON_Duplicate(t, 0);
		return 0;
	}
	cJSON *o = cJSON_IsObject(t) ? cJSON_CreateObject() : cJSON_CreateArray();
	for (const cJSON *f = t->child; f; f = f->next) {
		cJSON *v = NULL;
		if (cJSON_IsObject(t)) {
			if (tmpl_field(x, st, f, in, o))
				goto fail;
			continue;
		}
		if (tmpl_value(x, st, f, in, &v))
			goto fail;
		cJSON_AddItemToArray(o, v);
	}
	*out = o;
	return 0;
fail:
	cJSON_Delete(o);
	return -1;
}

int exec_template_(struct exec *x, struct step *st, const cJSON *tmpl,
		   const cJSON *in, cJSON **out)
{
	return tmpl_value(x, st, tmpl, in, out);
}

/* ---- ResultPath ------------------------------------------------------- */

static cJSON *child_for(cJSON *cur, const struct seg *s, int create_obj)
{
	if (s->name) {
		char *k = xstrndup(s->name, s->len);
		cJSON *c = cJSON_GetObjectItemCaseSensitive(cur, k);
		if (!c && create_obj)
			c = cJSON_AddObjectToObject(cur, k);
		free(k);
		return c;
	}
	return cJSON_GetArrayItem(cur, (int)s->index);
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
		cur = child_for(cur, &s, 1);
		if (!cur || next_seg(&p, &s))
			return -1;
	}
}

int exec_result_path_(struct exec *x, struct step *st, const cJSON *path,
		      const cJSON *in, cJSON *result, cJSON **out)
{
	(void)x;
	if (cJSON_IsNull(path)) {
		cJSON_Delete(result);
		*out = cJSON_Duplicate(in, 1);
		return 0;
	}
	if (!path || (cJSON_IsString(path) && !strcmp(path->valuestring, "$"))) {
		*out = result;
		return 0;
	}
	cJSON *root = cJSON_Duplicate(in, 1);
	if (cJSON_IsString(path) && put_at(root, path->valuestring, result) == 0) {
		*out = root;
		return 0;
	}
	struct buf b = BUF_INIT;
	exec_json_(in, &b);
	exec_err_state_(&st->err, st, "States.ResultPathMatchFailure",
			"Unable to apply ResultPath '%s' to input '%s'",
			cJSON_IsString(path) ? path->valuestring : "", b.ptr);
	buf_release(&b);
	cJSON_Delete(root);
	cJSON_Delete(result);
	return -1;
}

/* ---- Assign ----------------------------------------------------------- */

int exec_assign_(struct exec *x, struct step *st, const cJSON *assign,
		 const cJSON *in)
{
	cJSON *vals = NULL;
	if (!cJSON_IsObject(assign))
		return 0;
	if (exec_template_(x, st, assign, in, &vals))
		return -1;
	while (vals->child) {
		cJSON *v = cJSON_DetachItemViaPointer(vals, vals->child);
		char *k = v->string;
		v->string = NULL;
		set_item(st->scope->vars, k, v);
		cJSON_free(k);
	}
	cJSON_Delete(vals);
	return 0;
}
