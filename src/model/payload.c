/* payload.c - compiling and instantiating payload templates (payload.h).
 * Compilation walks the template once and stores each ".$" expression in
 * walk order; instantiation walks it again in the same order and takes the
 * expressions one by one, so no lookup table is needed.
 * Not here: where templates appear in a state (the model, the dataflow). */
#include "payload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "intrinsic.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

struct payload_expr {
	enum payload_expr_kind kind;
	const cJSON *member;    /* the ".$" member of the template (borrowed) */
	struct jsonpath *path;  /* owned: PAYLOAD_EXPR_JSONPATH */
	struct intrinsic *call; /* owned: PAYLOAD_EXPR_INTRINSIC */
};

struct payload {
	const cJSON *tmpl;
	struct payload_expr *exprs; /* owned, in walk order */
	size_t n, alloc;
	struct payload_fault *faults; /* owned, in walk order */
	size_t nr_faults, alloc_faults;
};

/* Evaluation state: the next expression to take, and the error if any. */
struct run {
	const struct payload *p;
	size_t next;
	const struct jsonpath_env *env;
	struct rng *rng;
	const char *error_name;
	char *cause;
};

void payload_free(struct payload *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		jsonpath_free(p->exprs[i].path);
		intrinsic_free(p->exprs[i].call);
	}
	free(p->exprs);
	free(p->faults);
	free(p);
}

/* Length of a key without its ".$" suffix, or 0 when it has none. */
static size_t expr_key_len(const char *key)
{
	size_t n = strlen(key);
	return n >= 2 && strcmp(key + n - 2, ".$") == 0 ? n - 2 : 0;
}

/* Records what does not compile, and goes on with the rest. */
static void fault(struct payload *p, const cJSON *node, enum payload_fault_kind kind,
		  const char *message, size_t offset)
{
	ARRAY_GROW(p->faults, p->nr_faults + 1, p->alloc_faults);
	struct payload_fault *f = &p->faults[p->nr_faults++];
	f->node = node;
	f->kind = kind;
	snprintf(f->message, sizeof(f->message), "%s", message);
	f->offset = offset;
}

/* ---- compiling --------------------------------------------------------- */

static void compile_expr(struct payload *p, const cJSON *m)
{
	if (!cJSON_IsString(m))
		return fault(p, m, PAYLOAD_FAULT_NOT_STRING, "not a string", 0);
	struct payload_expr e = { PAYLOAD_EXPR_JSONPATH, m, NULL, NULL };
	const char *text = m->valuestring;
	struct jsonpath_error je;
	if (intrinsic_is_call(text)) {
		struct intrinsic_error ie;
		e.kind = PAYLOAD_EXPR_INTRINSIC;
		if (!(e.call = intrinsic_compile(text, &ie)))
			return fault(p, m, PAYLOAD_FAULT_CALL, ie.message, ie.offset);
	} else if (!(e.path = jsonpath_compile(text, &je))) {
		return fault(p, m, text[0] == '$' ? PAYLOAD_FAULT_PATH
			     : PAYLOAD_FAULT_NOT_PATH, je.message, je.offset);
	} else if (text[0] != '$') { /* what the path compiler took, a template does not */
		jsonpath_free(e.path);
		return fault(p, m, PAYLOAD_FAULT_NOT_PATH, "a path must start with '$'", 0);
	}
	ARRAY_GROW(p->exprs, p->n + 1, p->alloc);
	p->exprs[p->n++] = e;
}

/* "a" and "a.$" in one object would both produce the field "a". */
static void check_duplicates(struct payload *p, const cJSON *obj)
{
	struct strmap seen = STRMAP_INIT;
	for (const cJSON *m = obj->child; m; m = m->next) {
		size_t n = expr_key_len(m->string);
		if (strmap_put(&seen, m->string, n ? n : strlen(m->string),
			       (void *)m)) {
			fault(p, m, PAYLOAD_FAULT_DUPLICATE, "defined twice", 0);
			break;
		}
	}
	strmap_release(&seen);
}

/* Recursion depth is bounded by PAYLOAD_MAX_DEPTH. */
static void compile_node(struct payload *p, const cJSON *node, int depth)
{
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return;
	if (depth >= PAYLOAD_MAX_DEPTH)
		return fault(p, node, PAYLOAD_FAULT_TOO_DEEP, "nested too deeply", 0);
	if (cJSON_IsObject(node))
		check_duplicates(p, node);
	for (const cJSON *m = node->child; m; m = m->next) {
		if (cJSON_IsObject(node) && expr_key_len(m->string))
			compile_expr(p, m);
		else
			compile_node(p, m, depth + 1);
	}
}

/* The first fault in the words payload_compile has always used. */
static void describe_fault(const struct payload_fault *f, struct payload_error *err)
{
	const cJSON *m = f->node;
	const char *text = cJSON_IsString(m) ? m->valuestring : "";
	err->node = m;
	switch (f->kind) {
	case PAYLOAD_FAULT_NOT_STRING:
		snprintf(err->message, sizeof(err->message),
			 "the value of '%s' must be a string", m->string);
		break;
	case PAYLOAD_FAULT_CALL:
		snprintf(err->message, sizeof(err->message), "invalid intrinsic "
			 "function '%s': %s at offset %zu", text, f->message, f->offset);
		break;
	case PAYLOAD_FAULT_PATH:
		snprintf(err->message, sizeof(err->message), "invalid JSONPath "
			 "'%s': %s at offset %zu", text, f->message, f->offset);
		break;
	case PAYLOAD_FAULT_NOT_PATH:
		snprintf(err->message, sizeof(err->message), "the value of '%s' must "
			 "be a JSONPath or an intrinsic function", m->string);
		break;
	case PAYLOAD_FAULT_DUPLICATE:
		snprintf(err->message, sizeof(err->message),
			 "the field '%s' is defined twice", m->string);
		break;
	case PAYLOAD_FAULT_TOO_DEEP:
		snprintf(err->message, sizeof(err->message),
			 "the template is nested too deeply");
		break;
	}
}

int payload_compile_all(const cJSON *tmpl, struct payload **out,
			struct payload_error *err)
{
	struct payload *p = xcalloc(1, sizeof(*p));
	p->tmpl = tmpl;
	compile_node(p, tmpl, 0);
	*out = p;
	if (!p->nr_faults)
		return 0;
	describe_fault(&p->faults[0], err);
	return -1;
}

struct payload *payload_compile(const cJSON *tmpl, struct payload_error *err)
{
	struct payload *p;
	if (payload_compile_all(tmpl, &p, err) == 0)
		return p;
	payload_free(p);
	return NULL;
}

size_t payload_nr_faults(const struct payload *p)
{
	return p ? p->nr_faults : 0;
}

const struct payload_fault *payload_fault_at(const struct payload *p, size_t i)
{
	return p && i < p->nr_faults ? &p->faults[i] : NULL;
}

/* ---- instantiating ----------------------------------------------------- */

static int path_not_found(struct run *r, const struct payload_expr *e)
{
	const cJSON *doc = jsonpath_root_doc(e->path, r->env);
	char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
	struct buf b = BUF_INIT;
	if (jsonpath_is_definite(e->path))
		buf_addf(&b, "The JSONPath '%s' specified for the field '%s' could "
			 "not be found in the input '%s'", jsonpath_text(e->path),
			 e->member->string, text ? text : "null");
	else
		buf_addf(&b, "The JSONPath '%s' specified for the field '%s' "
			 "selects more than %d nodes", jsonpath_text(e->path),
			 e->member->string, JSONPATH_MAX_NODES);
	cJSON_free(text);
	r->error_name = "States.Runtime";
	r->cause = buf_detach(&b, NULL);
	return -1;
}

static int eval_expr(struct run *r, cJSON **out)
{
	const struct payload_expr *e = &r->p->exprs[r->next++];
	switch (e->kind) {
	case PAYLOAD_EXPR_JSONPATH:
		*out = jsonpath_eval(e->path, r->env);
		return *out ? 0 : path_not_found(r, e);
	case PAYLOAD_EXPR_INTRINSIC:
		return intrinsic_eval(e->call, r->env, r->rng, out,
				      &r->error_name, &r->cause);
	}
	return -1;
}

static int eval_node(struct run *r, const cJSON *node, cJSON **out);

static int eval_member(struct run *r, const cJSON *m, cJSON *obj)
{
	cJSON *v;
	size_t n = expr_key_len(m->string);
	if ((n ? eval_expr(r, &v) : eval_node(r, m, &v)) < 0)
		return -1;
	if (!n) {
		cJSON_AddItemToObject(obj, m->string, v);
		return 0;
	}
	/* the key is allocated once, by cJSON's allocator, and the member
	 * appended as it is (cJSON_AddItemToObject would copy the key again) */
	char *key = cJSON_malloc(n + 1);
	if (!key)
		abort();
	memcpy(key, m->string, n);
	key[n] = '\0';
	cJSON_free(v->string);
	v->string = key;
	v->type &= ~cJSON_StringIsConst;
	cJSON_AddItemToArray(obj, v);
	return 0;
}

/* Same walk as compile_node, so depth stays within PAYLOAD_MAX_DEPTH. */
static int eval_node(struct run *r, const cJSON *node, cJSON **out)
{
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node)) {
		*out = cJSON_Duplicate(node, 0);
		return 0;
	}
	int is_obj = cJSON_IsObject(node);
	*out = is_obj ? cJSON_CreateObject() : cJSON_CreateArray();
	for (const cJSON *m = node->child; m; m = m->next) {
		cJSON *v;
		if (is_obj && eval_member(r, m, *out) == 0)
			continue;
		if (!is_obj && eval_node(r, m, &v) == 0) {
			cJSON_AddItemToArray(*out, v);
			continue;
		}
		cJSON_Delete(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int payload_eval(const struct payload *p, const struct jsonpath_env *env,
		 struct rng *rng, cJSON **out, const char **error_name,
		 char **cause)
{
	struct run r = { p, 0, env, rng, NULL, NULL };
	if (eval_node(&r, p->tmpl, out) == 0)
		return 0;
	*error_name = r.error_name;
	*cause = r.cause;
	return -1;
}
