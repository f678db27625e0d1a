/* asl_expr.c - compiling one expression field of the model, once, when the
 * model is built: a path, an intrinsic call, a reference path, a payload
 * template or a JSONata field, with what is wrong kept beside it when it
 * does not compile.
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
	/* an invalid template is kept: its faults are what the validator reports */
	if (payload_compile_all(json, &e->tmpl, &pe) < 0)
		return invalid(e, pe.node, 0, pe.message);
	e->kind = ASL_EXPR_TEMPLATE;
	e->needs_context = template_needs_context(json, 0);
}

/* ---- JSONata fields --------------------------------------------------- */

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int asl_jsonata_span(const char *text, size_t *offset, size_t *len)
{
	size_t n = strlen(text);
	if (n < 4 || strncmp(text, "{%", 2) || strcmp(text + n - 2, "%}"))
		return 0;
	size_t a = 2, b = n - 2;
	while (a < b && blank(text[a]))
		a++;
	while (b > a && blank(text[b - 1]))
		b--;
	*offset = a;
	*len = b - a;
	return 1;
}

static int name_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Whether an expression may read $states.context: any use of $states that
 * is not .input, .result or .errorOutput (a bare $states included). */
static int reads_context(const char *t, size_t len)
{
	static const char *const plain[] = { ".input", ".result", ".errorOutput" };
	const char *end = t + len;
	for (const char *p = t; p + 7 <= end; p++) {
		if (strncmp(p, "$states", 7))
			continue;
		const char *q = p + 7;
		int known = 0;
		for (size_t i = 0; i < 3 && !known; i++) {
			size_t k = strlen(plain[i]);
			known = q + k <= end && !strncmp(q, plain[i], k) &&
				(q + k == end || !name_char(q[k]));
		}
		if (!known)
			return 1;
	}
	return 0;
}

/* Byte offset of character 'chars' in t[0..len) (UTF-8). */
static size_t char_offset(const char *t, size_t len, size_t chars)
{
	size_t i = 0;
	while (i < len && chars--) {
		i++;
		while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

static void compile_part(struct asl_expr *e, const cJSON *node, size_t offset,
			 size_t len)
{
	ARRAY_GROW(e->parts, e->nr_parts + 1, e->alloc_parts);
	struct asl_jsonata_part *p = &e->parts[e->nr_parts++];
	const char *text = node->valuestring + offset;
	struct jsonata_error err;
	memset(p, 0, sizeof(*p));
	p->node = node;
	p->offset = offset;
	p->len = len;
	p->needs_context = reads_context(text, len);
	e->needs_context |= p->needs_context;
	if ((p->expr = jsonata_compile(text, len, &err))) {
		p->quick = asl_quick_compile(text, len);
		return;
	}
	p->error = xmalloc(sizeof(*p->error));
	*p->error = err;
	p->error_offset = offset + char_offset(text, len, err.position);
	if (e->kind != ASL_EXPR_INVALID)
		invalid(e, node, p->error_offset, err.message);
}

/* Every "{% %}" string inside v, depth first.  Recursion is bounded by the
 * document's nesting limit (DOC_MAX_DEPTH). */
static void compile_jsonata_value(struct asl_expr *e, const cJSON *v)
{
	size_t offset, len;
	if (cJSON_IsString(v) && asl_jsonata_span(v->valuestring, &offset, &len))
		compile_part(e, v, offset, len);
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		for (const cJSON *c = v->child; c; c = c->next)
			compile_jsonata_value(e, c);
}

static void compile_jsonata(struct asl_expr *e, const cJSON *json)
{
	e->kind = ASL_EXPR_JSONATA;
	compile_jsonata_value(e, json);
}

const struct asl_jsonata_part *asl_jsonata_part_of(const struct asl_expr *e,
						   const cJSON *node)
{
	for (size_t i = 0; i < e->nr_parts; i++)
		if (e->parts[i].node == node)
			return &e->parts[i];
	return NULL;
}

/* ---- any field --------------------------------------------------------- */

void asl_expr_init(struct asl_expr *e, const cJSON *json,
		   enum asl_expr_want want)
{
	memset(e, 0, sizeof(*e));
	e->json = json;
	if (!json)
		return;
	atomic_fetch_add(&compilations, 1);
	if (want == ASL_WANT_JSONATA)
		return compile_jsonata(e, json);
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
	/* most fields of a state are absent: touching them would only fault
	 * in (or copy, after a fork) pages nobody else writes */
	if (!e->json && !e->error)
		return;
	jsonpath_free(e->path);
	intrinsic_free(e->call);
	payload_free(e->tmpl);
	for (size_t i = 0; i < e->nr_parts; i++) {
		jsonata_free(e->parts[i].expr);
		asl_quick_free(e->parts[i].quick);
		free(e->parts[i].error);
	}
	free(e->parts);
	free(e->error);
	memset(e, 0, sizeof(*e));
}

const char *asl_expr_text(const struct asl_expr *e)
{
	return cJSON_IsString(e->json) ? e->json->valuestring : NULL;
}
