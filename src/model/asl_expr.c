/* asl_expr.c - compiling one expression field of the model, once, when the
 * model is built: a path, an intrinsic call, a reference path or a payload
 * template, with what is wrong kept beside it when it does not compile.
 * Not here: which fields hold expressions (asl_build.c), evaluating them
 * (the interpreter's dataflow), wording diagnostics (the validator). */
#include "asl.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* Atomic: serve builds models on several threads. */
static atomic_ulong compilations;

unsigned long asl_expr_compilations(void)
{
	return atomic_load(&compilations);
}

static void invalid(struct asl_expr *e, const cJSON *node, size_t offset,
		    const char *message)
{
	e->kind = ASL_EXPR_INVALID;
	e->error = xstrdup(message);
	e->error_node = node;
	e->error_offset = offset;
}

/* A '.$' value or a *Path field: an intrinsic call when it starts
 * "States.", a JSONPath otherwise. */
static void compile_value(struct asl_expr *e, const char *text)
{
	if (intrinsic_is_call(text)) {
		struct intrinsic_error ie;
		if (!(e->call = intrinsic_compile(text, &ie)))
			return invalid(e, e->json, ie.offset, ie.message);
		e->kind = ASL_EXPR_CALL;
		e->needs_context = strstr(text, "$$") != NULL;
		return;
	}
	struct jsonpath_error je;
	if (!(e->path = jsonpath_compile(text, &je)))
		return invalid(e, e->json, je.offset, je.message);
	e->kind = ASL_EXPR_PATH;
	e->needs_context = jsonpath_root(e->path) == JSONPATH_ROOT_CONTEXT;
}

/* ResultPath: "$" or names and indexes below the state input. */
static void compile_reference(struct asl_expr *e, const char *text)
{
	struct jsonpath_error je;
	if (!(e->path = jsonpath_compile(text, &je)))
		return invalid(e, e->json, je.offset, je.message);
	if (jsonpath_root(e->path) != JSONPATH_ROOT_INPUT ||
	    !jsonpath_is_reference(e->path))
		return invalid(e, e->json, 0, "not a reference path"); /* path kept */
	e->kind = ASL_EXPR_PATH;
}

/* Whether any ".$" expression of t may read $$. */
static int template_needs_context(const cJSON *t, int depth)
{
	if (depth > PAYLOAD_MAX_DEPTH)
		return 1;
	for (const cJSON *m = t ? t->child : NULL; m; m = m->next) {
		if (cJSON_IsString(m) && strstr(m->valuestring, "$$"))
			return 1;
		if ((cJSON_IsObject(m) || cJSON_IsArray(m)) &&
		    template_needs_context(m, depth + 1))
			return 1;
	}
	return 0;
}

static void compile_template(struct asl_expr *e, const cJSON *json)
{
	struct payload_error pe;
	if (!(e->tmpl = payload_compile(json, &pe)))
		return invalid(e, pe.node, 0, pe.message);
	e->kind = ASL_EXPR_TEMPLATE;
	e->needs_context = template_needs_context(json, 0);
}

void asl_expr_init(struct asl_expr *e, const cJSON *json,
		   enum asl_expr_want want)
{
	memset(e, 0, sizeof(*e));
	e->json = json;
	if (!json)
		return;
	atomic_fetch_add(&compilations, 1);
	if (want == ASL_WANT_TEMPLATE)
		return compile_template(e, json);
	if (!cJSON_IsString(json))
		return;
	if (want == ASL_WANT_REFERENCE)
		return compile_reference(e, json->valuestring);
	compile_value(e, json->valuestring);
}

void asl_expr_release(struct asl_expr *e)
{
	jsonpath_free(e->path);
	intrinsic_free(e->call);
	payload_free(e->tmpl);
	free(e->error);
	memset(e, 0, sizeof(*e));
}

const char *asl_expr_text(const struct asl_expr *e)
{
	return cJSON_IsString(e->json) ? e->json->valuestring : NULL;
}
