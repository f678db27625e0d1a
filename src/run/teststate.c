/* teststate.c - the TestState API's request and response (teststate.h).
 * Every check here is one the API makes before it runs anything
 * (ValidationException, InvalidDefinition); each becomes a located error
 * at the field at fault.  JSON text fields ("input": "{\"a\":1}") may be
 * written as JSON values too; a definition given as text is located inside
 * the request's string, byte by byte.
 * Not here: the run (exec_test.c), the States Language checks (validate/). */
#include <stdlib.h>
#include <string.h>

#include "teststate.h"
#include "xalloc.h"
#include "banned.h"

#define RULE_REQUEST "test-state/request"
#define RULE_MOCK "test-state/mock"
#define RULE_DEFINITION "test-state/definition"

static const char *const request_fields[] = {
	"definition", "roleArn", "input", "inspectionLevel", "revealSecrets",
	"variables", "stateName", "mock", "context", "stateConfiguration",
};

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int bad(struct teststate *t, struct diag_list *diags, const cJSON *at,
	       const char *rule, const char *fmt, const char *arg)
{
	diag_error(diags, at ? doc_key_pos(t->doc, at) : doc_pos(t->doc, NULL),
		   rule, fmt, arg);
	return -1;
}

/* A JSON text field: its value parsed (a string) or copied (a JSON value).
 * Returns owned, or NULL after a located error. */
static cJSON *json_field(struct teststate *t, const cJSON *v, const char *what,
			 struct diag_list *diags)
{
	if (!cJSON_IsString(v))
		return cJSON_Duplicate(v, 1);
	cJSON *p = cJSON_Parse(v->valuestring);
	if (!p)
		bad(t, diags, v, RULE_REQUEST, "'%s' is not JSON text", what);
	return p;
}

/* ---- a definition written as JSON text -------------------------------- */

/* Where the bytes of the definition's text came from in the request. */
struct embed {
	size_t *lines;   /* offset of each line's start in the text */
	size_t nlines, len;
	struct pos *at;  /* doc_string_map of the string, or NULL */
	struct pos start; /* the string's own place, when at is NULL */
};

static struct pos embed_pos(struct pos p, void *ctx)
{
	const struct embed *e = ctx;
	if (!e->at || !p.line || p.line > e->nlines)
		return e->start;
	size_t off = e->lines[p.line - 1] + (p.col ? p.col - 1 : 0);
	return e->at[off < e->len ? off : e->len];
}

static void embed_init(struct embed *e, const struct doc *d, const cJSON *str)
{
	size_t alloc = 0;
	const char *s = str->valuestring;
	memset(e, 0, sizeof(*e));
	e->len = strlen(s);
	e->at = doc_string_map(d, str);
	e->start = doc_pos(d, str);
	ARRAY_GROW(e->lines, 1, alloc);
	e->lines[e->nlines++] = 0;
	for (size_t i = 0; i < e->len; i++)
		if (s[i] == '\n') {
			ARRAY_GROW(e->lines, e->nlines + 1, alloc);
			e->lines[e->nlines++] = i + 1;
		}
}

static const cJSON *parse_definition_text(struct teststate *t, const cJSON *str,
					  struct diag_list *diags)
{
	struct embed e;
	struct diag_list local = DIAG_LIST_INIT;
	embed_init(&e, t->doc, str);
	t->def_doc = doc_new(t->doc->path);
	int rc = doc_parse(t->def_doc, str->valuestring, e.len, DOC_JSON, &local);
	doc_remap(t->def_doc, embed_pos, &e);
	for (size_t i = 0; i < local.nr; i++)
		diag_error(diags, embed_pos(local.items[i].pos, &e),
			   RULE_DEFINITION, "in the definition text: %s",
			   local.items[i].message);
	diag_list_release(&local);
	free(e.lines);
	free(e.at);
	t->mdoc = t->def_doc;
	return rc ? NULL : t->def_doc->root;
}

/* ---- the machine -------------------------------------------------------- */

static void stub(cJSON *states, const cJSON *next)
{
	if (cJSON_IsString(next) && !get(states, next->valuestring))
		cJSON_AddItemToObject(states, next->valuestring,
				      cJSON_Parse("{\"Type\":\"Succeed\"}"));
}

/* A machine that runs one state: it, under TESTSTATE_STATE_NAME, and a
 * Succeed for every state it may go to, so that its Next resolves.  The
 * state is shared, not copied, so that the model locates it. */
static cJSON *wrap_state(struct teststate *t, const cJSON *state)
{
	cJSON *w = cJSON_CreateObject();
	cJSON_AddStringToObject(w, "StartAt", TESTSTATE_STATE_NAME);
	cJSON *states = cJSON_AddObjectToObject(w, "States");
	cJSON *ref = cJSON_CreateObjectReference(state->child);
	cJSON_AddItemToObject(states, TESTSTATE_STATE_NAME, ref);
	/* the side table of positions is the doc's: the share is located
	   where the state is written */
	doc_set_pos((struct doc *)t->mdoc, ref, doc_pos(t->mdoc, state),
		    doc_pos(t->mdoc, state));
	stub(states, get(state, "Next"));
	stub(states, get(state, "Default"));
	const cJSON *c;
	cJSON_ArrayForEach(c, get(state, "Choices"))
		stub(states, get(c, "Next"));
	cJSON_ArrayForEach(c, get(state, "Catch"))
		stub(states, get(c, "Next"));
	return w;
}

/* The state named 'name' anywhere in m; *in_map when a Map runs it. */
static const struct asl_state *find_state(const struct asl_machine *m,
					  const char *name, int *in_map)
{
	const struct asl_state *s = asl_state_get(m, name);
	if (s) {
		*in_map = m->owner && m->owner->type == ASL_MAP;
		return s;
	}
	for (size_t i = 0; i < m->nr_states; i++)
		for (size_t b = 0; b < m->states[i].nr_branches; b++)
			if ((s = find_state(m->states[i].branches[b], name, in_map)))
				return s;
	return NULL;
}

static int build_machine(struct teststate *t, const cJSON *req,
			 const cJSON *def, struct diag_list *diags,
			 int *in_map)
{
	const cJSON *name = get(req, "stateName");
	if (!cJSON_IsObject(def))
		return bad(t, diags, get(req, "definition"), RULE_DEFINITION,
			   "%s", "the definition is no JSON object");
	if (name && !cJSON_IsString(name))
		return bad(t, diags, name, RULE_REQUEST, "%s", "stateName is no string");
	if (!name && get(def, "States"))
		return bad(t, diags, get(req, "definition"), RULE_DEFINITION, "%s",
			   "the definition is a whole state machine: name the "
			   "state to test with stateName");
	if (name && !get(def, "States"))
		return bad(t, diags, name, RULE_DEFINITION, "%s",
			   "with stateName, the definition must be a whole "
			   "state machine (StartAt, States)");
	if (!name)
		def = t->wrapper = wrap_state(t, def);
	size_t before = diags->errors;
	t->m = asl_build(def, t->mdoc, diags);
	if (diags->errors > before)
		return -1;
	const char *n = name ? name->valuestring : TESTSTATE_STATE_NAME;
	*in_map = 0;
	t->test.state = find_state(t->m, n, in_map);
	if (!t->test.state)
		return bad(t, diags, name, RULE_DEFINITION,
			   "the definition has no state named '%s'", n);
	return 0;
}

/* ---- fields ------------------------------------------------------------- */

static int level(struct teststate *t, const cJSON *v, struct diag_list *diags)
{
	static const char *const names[] = { "INFO", "DEBUG", "TRACE" };
	t->level = TESTSTATE_INFO;
	if (!v)
		return 0;
	for (int i = 0; i < 3 && cJSON_IsString(v); i++)
		if (!strcmp(v->valuestring, names[i])) {
			t->level = (enum teststate_level)i;
			return 0;
		}
	return bad(t, diags, v, RULE_REQUEST, "%s",
		   "inspectionLevel is INFO, DEBUG or TRACE");
}

static int is_http_task(const struct asl_state *s)
{
	return s->type == ASL_TASK && s->resource &&
	       !strcmp(s->resource, "arn:aws:states:::http:invoke");
}

static int count_field(struct teststate *t, const cJSON *v, const char *what,
		       long *out, struct diag_list *diags)
{
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e9 ||
	    v->valuedouble != (double)(long)v->valuedouble)
		return bad(t, diags, v, RULE_REQUEST,
			   "%s is a whole number, 0 or more", what);
	*out = (long)v->valuedouble;
	return 0;
}

/* Whether machine m (a Parallel's branch, a Map's processor) holds 'name'. */
static int holds_state(const struct asl_state *s, const char *name)
{
	int in_map;
	for (size_t b = 0; b < s->nr_branches; b++)
		if (find_state(s->branches[b], name, &in_map))
			return 1;
	return 0;
}

static int state_configuration(struct teststate *t, const cJSON *cfg,
			       struct diag_list *diags)
{
	const struct asl_state *s = t->test.state;
	int flow = s->type == ASL_MAP || s->type == ASL_PARALLEL;
	const cJSON *by = get(cfg, "errorCausedByState");
	const cJSON *c;
	t->test.map_iteration_failure_count = -1;
	if (cfg && !cJSON_IsObject(cfg))
		return bad(t, diags, cfg, RULE_REQUEST, "%s",
			   "stateConfiguration is no object");
	cJSON_ArrayForEach(c, cfg)
		if (strcmp(c->string, "retrierRetryCount") &&
		    strcmp(c->string, "errorCausedByState") &&
		    strcmp(c->string, "mapIterationFailureCount") &&
		    strcmp(c->string, "mapItemReaderData"))
			return bad(t, diags, c, RULE_REQUEST,
				   "unknown stateConfiguration field '%s'", c->string);
	if (count_field(t, get(cfg, "retrierRetryCount"), "retrierRetryCount",
			&t->test.retrier_retry_count, diags) ||
	    count_field(t, get(cfg, "mapIterationFailureCount"),
			"mapIterationFailureCount",
			&t->test.map_iteration_failure_count, diags))
		return -1;
	if (get(cfg, "mapIterationFailureCount") && s->type != ASL_MAP)
		return bad(t, diags, get(cfg, "mapIterationFailureCount"), RULE_REQUEST,
			   "%s", "mapIterationFailureCount is for a Map state");
	if (by && (!flow || !cJSON_IsString(by) || !holds_state(s, by->valuestring)))
		return bad(t, diags, by, RULE_REQUEST, "%s",
			   "errorCausedByState names a state inside the Map or "
			   "Parallel state under test");
	if (t->test.mock_error && flow && !by)
		return bad(t, diags, get(get(t->doc->root, "mock"), "errorOutput"),
			   RULE_MOCK, "%s", "a mocked error of a Map or Parallel "
			   "state needs stateConfiguration.errorCausedByState");
	if ((c = get(cfg, "mapItemReaderData")) && (s->type != ASL_MAP || !s->item_reader))
		return bad(t, diags, c, RULE_REQUEST, "%s",
			   "mapItemReaderData is for a Map state with an ItemReader");
	if (c)
		return bad(t, diags, c, "test-state/unsupported", "%s",
			   "mapItemReaderData is not supported by stepbook test-state yet");
	return 0;
}

/* The mocked result of a Map is the array of its iterations' results; a
 * Parallel's has one element per branch. */
static int mock_result_shape(struct teststate *t, const cJSON *at,
			     struct diag_list *diags)
{
	const struct asl_state *s = t->test.state;
	const cJSON *r = t->mock_result;
	if (s->type == ASL_PARALLEL &&
	    (!cJSON_IsArray(r) || (size_t)cJSON_GetArraySize(r) != s->nr_branches))
		return bad(t, diags, at, RULE_MOCK, "%s",
			   "the mocked result of a Parallel state is an array "
			   "with one element per branch");
	if (s->type == ASL_MAP && !cJSON_IsArray(r) && !cJSON_IsObject(r))
		return bad(t, diags, at, RULE_MOCK, "%s",
			   "the mocked result of a Map state is an array (or, "
			   "with a ResultWriter, an object)");
	return 0;
}

static int mock_error(struct teststate *t, const cJSON *eo,
		      struct diag_list *diags)
{
	const cJSON *e = get(eo, "error"), *c = get(eo, "cause");
	if (!cJSON_IsObject(eo) || !cJSON_IsString(e))
		return bad(t, diags, eo, RULE_MOCK, "%s",
			   "mock.errorOutput is an object with an \"error\" string");
	if (c && !cJSON_IsString(c))
		return bad(t, diags, c, RULE_MOCK, "%s", "mock.errorOutput.cause is a string");
	t->test.mock_error = e->valuestring;
	t->test.mock_cause = c ? c->valuestring : NULL;
	return 0;
}

static int mock(struct teststate *t, const cJSON *mk, struct diag_list *diags)
{
	const cJSON *r = get(mk, "result"), *eo = get(mk, "errorOutput");
	const cJSON *mode = get(mk, "fieldValidationMode");
	enum asl_type ty = t->test.state->type;
	if (!mk)
		return 0;
	t->mocked = 1;
	if (!cJSON_IsObject(mk) || (!r && !eo) || (r && eo))
		return bad(t, diags, mk, RULE_MOCK, "%s",
			   "mock holds either a result or an errorOutput");
	if (ty != ASL_TASK && ty != ASL_MAP && ty != ASL_PARALLEL)
		return bad(t, diags, mk, RULE_MOCK, "a mock is for a Task, Map or "
			   "Parallel state, not a %s state", asl_type_name(ty));
	if (mode && (!cJSON_IsString(mode) ||
		     (strcmp(mode->valuestring, "STRICT") &&
		      strcmp(mode->valuestring, "PRESENT") &&
		      strcmp(mode->valuestring, "NONE"))))
		return bad(t, diags, mode, RULE_MOCK, "%s",
			   "fieldValidationMode is STRICT, PRESENT or NONE");
	if (eo)
		return mock_error(t, eo, diags);
	if (!(t->mock_result = json_field(t, r, "mock.result", diags)))
		return -1;
	t->test.mock_result = t->mock_result;
	return mock_result_shape(t, r, diags);
}

static int known_fields(struct teststate *t, const cJSON *req,
			struct diag_list *diags)
{
	const cJSON *c;
	if (!cJSON_IsObject(req))
		return bad(t, diags, NULL, RULE_REQUEST, "%s",
			   "the request is no JSON object");
	cJSON_ArrayForEach(c, req) {
		size_t i = 0;
		while (i < sizeof(request_fields) / sizeof(*request_fields) &&
		       strcmp(c->string, request_fields[i]))
			i++;
		if (i == sizeof(request_fields) / sizeof(*request_fields))
			return bad(t, diags, c, RULE_REQUEST,
				   "unknown request field '%s'", c->string);
	}
	return 0;
}

static int input_field(struct teststate *t, const cJSON *v,
		       struct diag_list *diags)
{
	if (!v) {
		t->input = cJSON_CreateObject();
		return 0;
	}
	if (cJSON_IsString(v))
		t->input_text = xstrdup(v->valuestring);
	return (t->input = json_field(t, v, "input", diags)) ? 0 : -1;
}

static int object_field(struct teststate *t, const cJSON *v, const char *what,
			cJSON **out, struct diag_list *diags)
{
	if (!v)
		return 0;
	if (!(*out = json_field(t, v, what, diags)))
		return -1;
	if (!cJSON_IsObject(*out))
		return bad(t, diags, v, RULE_REQUEST, "'%s' is no JSON object", what);
	return 0;
}

static int context_fields(struct teststate *t, const cJSON *req, int in_map,
			  struct diag_list *diags)
{
	const cJSON *ctx = get(req, "context"), *rs = get(req, "revealSecrets");
	if (ctx && !t->mocked)
		return bad(t, diags, ctx, RULE_REQUEST, "%s",
			   "context may only be given with a mock");
	if (rs && !cJSON_IsBool(rs))
		return bad(t, diags, rs, RULE_REQUEST, "%s", "revealSecrets is true or false");
	if (cJSON_IsTrue(rs) && t->mocked)
		return bad(t, diags, rs, RULE_REQUEST, "%s",
			   "revealSecrets cannot be used with a mock");
	if (object_field(t, ctx, "context", &t->context, diags) ||
	    object_field(t, get(req, "variables"), "variables", &t->variables, diags))
		return -1;
	t->test.context = t->context;
	t->test.variables = t->variables;
	const cJSON *item = get(get(t->context, "Map"), "Item");
	if (item)
		t->map_item = cJSON_Duplicate(item, 1);
	else if (in_map) { /* as AWS fills $$ for a state inside a Map */
		t->map_item = cJSON_CreateObject();
		cJSON_AddNumberToObject(t->map_item, "Index", 0);
		cJSON_AddItemToObject(t->map_item, "Value", cJSON_Duplicate(t->input, 1));
	}
	t->test.map_item = t->map_item;
	return 0;
}

int teststate_parse(struct teststate *t, const cJSON *request,
		    struct doc *doc, const cJSON *definition,
		    const struct doc *def_doc, struct diag_list *diags)
{
	int in_map = 0;
	memset(t, 0, sizeof(*t));
	t->doc = doc;
	t->mdoc = def_doc ? def_doc : doc;
	t->test.map_iteration_failure_count = -1;
	if (known_fields(t, request, diags))
		return -1;
	const cJSON *def = definition ? definition : get(request, "definition");
	if (!def)
		return bad(t, diags, NULL, RULE_REQUEST, "%s",
			   "the request has no definition");
	if (!definition && cJSON_IsString(def) &&
	    !(def = parse_definition_text(t, def, diags)))
		return -1;
	const cJSON *rn = get(request, "roleArn");
	if (rn && !cJSON_IsString(rn))
		return bad(t, diags, rn, RULE_REQUEST, "%s", "roleArn is a string");
	if (build_machine(t, request, def, diags, &in_map) ||
	    level(t, get(request, "inspectionLevel"), diags) ||
	    input_field(t, get(request, "input"), diags) ||
	    mock(t, get(request, "mock"), diags) ||
	    state_configuration(t, get(request, "stateConfiguration"), diags) ||
	    context_fields(t, request, in_map, diags))
		return -1;
	if (t->level == TESTSTATE_TRACE && !is_http_task(t->test.state))
		return bad(t, diags, get(request, "inspectionLevel"), RULE_REQUEST,
			   "%s", "inspectionLevel TRACE is for an HTTP Task "
			   "(arn:aws:states:::http:invoke)");
	return 0;
}

int teststate_needs_mock(const struct teststate *t)
{
	return !t->mocked;
}

void teststate_release(struct teststate *t)
{
	asl_free(t->m);
	cJSON_Delete(t->wrapper);
	doc_free(t->def_doc);
	cJSON_Delete(t->input);
	cJSON_Delete(t->variables);
	cJSON_Delete(t->context);
	cJSON_Delete(t->mock_result);
	cJSON_Delete(t->map_item);
	free(t->input_text);
	memset(t, 0, sizeof(*t));
}

/* ---- the response ------------------------------------------------------- */

static void add_text(cJSON *o, const char *key, const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);
	cJSON_AddStringToObject(o, key, s);
	cJSON_free(s);
}

/* inspectionData's fields in the order the API documents them. */
static const enum exec_stage response_stages[] = {
	EXEC_STAGE_INPUT, EXEC_STAGE_AFTER_INPUT_PATH, EXEC_STAGE_AFTER_PARAMETERS,
	EXEC_STAGE_AFTER_ARGUMENTS, EXEC_STAGE_AFTER_ITEMS_PATH,
	EXEC_STAGE_AFTER_ITEM_SELECTOR, EXEC_STAGE_AFTER_ITEM_BATCHER,
	EXEC_STAGE_MAX_CONCURRENCY, EXEC_STAGE_TOLERATED_FAILURE_COUNT,
	EXEC_STAGE_TOLERATED_FAILURE_PERCENTAGE, EXEC_STAGE_RESULT,
	EXEC_STAGE_AFTER_RESULT_SELECTOR, EXEC_STAGE_AFTER_RESULT_PATH,
	EXEC_STAGE_VARIABLES,
};

static int numeric_stage(enum exec_stage k)
{
	return k == EXEC_STAGE_MAX_CONCURRENCY ||
	       k == EXEC_STAGE_TOLERATED_FAILURE_COUNT ||
	       k == EXEC_STAGE_TOLERATED_FAILURE_PERCENTAGE;
}

static cJSON *error_details(const struct exec_test_result *r)
{
	cJSON *d = cJSON_CreateObject();
	if (r->catch_index >= 0)
		cJSON_AddNumberToObject(d, "catchIndex", r->catch_index);
	if (r->retry_index >= 0) {
		cJSON_AddNumberToObject(d, "retryBackoffIntervalSeconds",
					(double)r->retry_backoff_seconds);
		cJSON_AddNumberToObject(d, "retryIndex", r->retry_index);
	}
	return d;
}

static cJSON *inspection_data(const struct teststate *t,
			      const struct exec_test_result *r)
{
	cJSON *d = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof(response_stages) / sizeof(*response_stages); i++) {
		enum exec_stage k = response_stages[i];
		const cJSON *v = r->inspection ? r->inspection->stage[k] : NULL;
		if (k == EXEC_STAGE_INPUT && t->input_text)
			cJSON_AddStringToObject(d, "input", t->input_text);
		else if (v && numeric_stage(k))
			cJSON_AddItemToObject(d, exec_stage_name(k), cJSON_Duplicate(v, 1));
		else if (v)
			add_text(d, exec_stage_name(k), v);
	}
	if (r->catch_index >= 0 || r->retry_index >= 0)
		cJSON_AddItemToObject(d, "errorDetails", error_details(r));
	return d;
}

cJSON *teststate_response(const struct teststate *t,
			  const struct exec_test_result *r)
{
	cJSON *o = cJSON_CreateObject();
	if (r->output && t->input_text && cJSON_Compare(r->output, t->input, 1))
		cJSON_AddStringToObject(o, "output", t->input_text);
	else if (r->output)
		add_text(o, "output", r->output);
	if (r->error)
		cJSON_AddStringToObject(o, "error", r->error);
	if (r->cause)
		cJSON_AddStringToObject(o, "cause", r->cause);
	if (t->level != TESTSTATE_INFO)
		cJSON_AddItemToObject(o, "inspectionData", inspection_data(t, r));
	if (r->next_state)
		cJSON_AddStringToObject(o, "nextState", r->next_state);
	cJSON_AddStringToObject(o, "status", exec_test_status_name(r->status));
	return o;
}
