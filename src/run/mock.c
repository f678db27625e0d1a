/* mock.c - the MockConfigFile reader and response lookup (see mock.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "mock.h"
#include "xalloc.h"
#include "banned.h"

static char *why_f(const char *fmt, const char *a, const char *b)
{
	struct buf m = BUF_INIT;
	buf_addf(&m, fmt, a, b ? b : "");
	return buf_detach(&m, NULL);
}

void mock_adopt_response(struct mock_config *mc, const cJSON *response)
{
	for (const cJSON *e = response ? response->child : NULL; e; e = e->next) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "Template");
		if (!cJSON_IsObject(e) || !t || mock_template(mc, e))
			continue;
		struct asl_expr *c = xcalloc(1, sizeof(*c));
		asl_expr_init(c, t, cJSON_IsString(t) ? ASL_WANT_VALUE
						      : ASL_WANT_TEMPLATE);
		strmap_put(&mc->templates, (const char *)&e, sizeof(e), c);
	}
}

/* Every "Template" of MockedResponses, compiled like a Parameters template
 * (a string is a path or an intrinsic call). */
static void compile_templates(struct mock_config *mc)
{
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(mc->root,
							    "MockedResponses");
	for (const cJSON *r = all ? all->child : NULL; r; r = r->next)
		mock_adopt_response(mc, r);
}

void mock_adopt(struct mock_config *mc, cJSON *root, const char *path)
{
	memset(mc, 0, sizeof(*mc));
	strmap_init(&mc->templates);
	mc->root = root;
	mc->path = path;
	compile_templates(mc);
}

int mock_load(struct mock_config *mc, const char *path, char **why)
{
	struct buf text = BUF_INIT;
	const char *reason;
	if (fileio_read(path, &text, &reason)) {
		mock_adopt(mc, NULL, path);
		*why = why_f("cannot read mock file '%s': %s", path, reason);
		return -1;
	}
	mock_adopt(mc, cJSON_ParseWithLength(text.ptr, text.len), path);
	buf_release(&text);
	if (!cJSON_IsObject(mc->root)) {
		*why = why_f("mock file '%s' is not a JSON object%s", path, NULL);
		return -1;
	}
	return 0;
}

void mock_release(struct mock_config *mc)
{
	for (size_t i = 0; i < mc->templates.nr; i++) {
		asl_expr_release(mc->templates.entries[i].value);
		free(mc->templates.entries[i].value);
	}
	strmap_release(&mc->templates);
	cJSON_Delete(mc->root);
	memset(mc, 0, sizeof(*mc));
}

const struct asl_expr *mock_template(const struct mock_config *mc,
				     const cJSON *entry)
{
	return mc ? strmap_get(&mc->templates, (const char *)&entry,
			       sizeof(entry)) : NULL;
}

static const cJSON *only_child(const cJSON *o)
{
	return o && o->child && !o->child->next ? o->child : NULL;
}

int mock_select(struct mock_config *mc, const char *machine, const char *name,
		char **why)
{
	const cJSON *sms = cJSON_GetObjectItemCaseSensitive(mc->root, "StateMachines");
	const cJSON *m = machine ? cJSON_GetObjectItemCaseSensitive(sms, machine) : NULL;
	if (!m)
		m = only_child(sms);
	if (!m) {
		*why = why_f("mock file '%s' has no state machine named '%s'",
			     mc->path, machine ? machine : "(unnamed)");
		return -1;
	}
	const cJSON *tcs = cJSON_GetObjectItemCaseSensitive(m, "TestCases");
	mc->test_case = cJSON_GetObjectItemCaseSensitive(tcs, name);
	if (!cJSON_IsObject(mc->test_case)) {
		*why = why_f("mock file '%s' has no test case '%s'", mc->path, name);
		mc->test_case = NULL;
		return -1;
	}
	return 0;
}

/* The entry of response 'r' for invocation n: "n", or a range "a-b". */
static const cJSON *pick(const cJSON *r, unsigned n)
{
	const cJSON *last = NULL;
	unsigned long last_hi = 0;
	for (const cJSON *e = r ? r->child : NULL; e; e = e->next) {
		char *end;
		unsigned long lo = strtoul(e->string, &end, 10), hi = lo;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (*end || !cJSON_IsObject(e))
			continue;
		if (n >= lo && n <= hi)
			return e;
		if (!last || hi >= last_hi) {
			last = e;
			last_hi = hi;
		}
	}
	return last && n > last_hi ? last : NULL;
}

static const cJSON *response_named(const struct mock_config *mc,
				   const cJSON *name)
{
	if (!cJSON_IsString(name))
		return NULL;
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(mc->root, "MockedResponses");
	return cJSON_GetObjectItemCaseSensitive(all, name->valuestring);
}

const cJSON *mock_response(const struct mock_config *mc, const char *state,
			   const char *resource, const char *function,
			   unsigned n)
{
	if (!mc || !mc->root)
		return NULL;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(mc->test_case, state);
	const cJSON *defaults = cJSON_GetObjectItemCaseSensitive(mc->root, "Defaults");
	if (!name && resource)
		name = cJSON_GetObjectItemCaseSensitive(defaults, resource);
	if (!name && function)
		name = cJSON_GetObjectItemCaseSensitive(defaults, function);
	return pick(response_named(mc, name), n);
}
