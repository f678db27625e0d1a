/* asl_build.c - cJSON definition -> ASL model (see asl.h).
 * The builder records only what stops it from modelling a value (a state
 * that is not an object, nesting past the limit); whether the machine is
 * valid ASL is the validator's question, asked of the finished model. */
#include "asl.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonget.h"
#include "xalloc.h"
#include "banned.h"

struct builder {
	const struct doc *doc;
	struct diag_list *diags;
	size_t states; /* built so far, nested ones included */
	struct asl_machine *top; /* holds the index of compiled forms */
};

static const cJSON *field(const cJSON *obj, const char *name)
{
	return json_get(obj, name);
}

static const char *str_field(const cJSON *obj, const char *name)
{
	const cJSON *v = field(obj, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_field(const cJSON *obj, const char *name, double dflt)
{
	const cJSON *v = field(obj, name);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static enum asl_query_language lang_of(const cJSON *obj,
				       enum asl_query_language dflt)
{
	const char *ql = str_field(obj, "QueryLanguage");
	if (!ql)
		return dflt;
	return strcmp(ql, "JSONata") ? ASL_QL_JSONPATH : ASL_QL_JSONATA;
}

/* ErrorEquals as an array of borrowed strings (non-strings skipped). */
static const char **error_list(const cJSON *obj, size_t *nr)
{
	const cJSON *list = field(obj, "ErrorEquals");
	size_t n = 0;
	const char **out = xcalloc((size_t)cJSON_GetArraySize(list) + 1,
				   sizeof(*out));
	for (const cJSON *e = cJSON_IsArray(list) ? list->child : NULL; e; e = e->next)
		if (cJSON_IsString(e))
			out[n++] = e->valuestring;
	*nr = n;
	return out;
}

/* ---- Choice rules ------------------------------------------------------ */

static void build_rule(struct builder *b, struct asl_rule *r, const cJSON *j,
		       int top);

static void build_rule_list(struct builder *b, struct asl_rule *r,
			    const cJSON *list)
{
	size_t n = (size_t)cJSON_GetArraySize(list);
	r->children = xcalloc(n ? n : 1, sizeof(*r->children));
	for (const cJSON *c = list->child; c; c = c->next)
		build_rule(b, &r->children[r->nr_children++], c, 0);
}

/* Finds the comparison operator of a rule: the first member whose name is
 * in asl_cmp_table (plain or ...Path). */
static void find_cmp(struct asl_rule *r, const cJSON *j)
{
	r->cmp = ASL_CMP_NONE;
	for (const cJSON *m = j->child; m; m = m->next) {
		for (int op = 0; op < ASL_CMP_COUNT; op++) {
			const struct asl_cmp_info *info = &asl_cmp_table[op];
			int is_path = info->path_name &&
				      !strcmp(m->string, info->path_name);
			if (is_path || !strcmp(m->string, info->name)) {
				r->cmp = (enum asl_cmp)op;
				r->cmp_is_path = is_path;
				r->operand = m;
				return;
			}
		}
	}
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
static void build_rule(struct builder *b, struct asl_rule *r, const cJSON *j,
		       int top)
{
	r->json = j;
	r->pos = doc_pos(b->doc, j);
	r->next_index = -1;
	if (!cJSON_IsObject(j)) {
		r->kind = ASL_RULE_CMP;
		r->cmp = ASL_CMP_NONE;
		return;
	}
	if (top) {
		r->next = str_field(j, "Next");
		r->assign = field(j, "Assign");
		r->output = field(j, "Output");
	}
	const cJSON *list;
	if (cJSON_IsArray(list = field(j, "And"))) {
		r->kind = ASL_RULE_AND;
		build_rule_list(b, r, list);
	} else if (cJSON_IsArray(list = field(j, "Or"))) {
		r->kind = ASL_RULE_OR;
		build_rule_list(b, r, list);
	} else if ((list = field(j, "Not"))) {
		r->kind = ASL_RULE_NOT;
		r->children = xcalloc(1, sizeof(*r->children));
		r->nr_children = 1;
		build_rule(b, &r->children[0], list, 0);
	} else if ((list = field(j, "Condition"))) {
		r->kind = ASL_RULE_CONDITION;
		r->operand = list;
	} else {
		r->kind = ASL_RULE_CMP;
		r->variable = str_field(j, "Variable");
		find_cmp(r, j);
	}
}

/* ---- Retry and Catch --------------------------------------------------- */

static void build_retry(struct builder *b, struct asl_state *s, const cJSON *list)
{
	size_t n = (size_t)cJSON_GetArraySize(list);
	s->retry = xcalloc(n ? n : 1, sizeof(*s->retry));
	for (const cJSON *j = list->child; j; j = j->next) {
		struct asl_retrier *r = &s->retry[s->nr_retry++];
		r->json = j;
		r->pos = doc_pos(b->doc, j);
		r->errors = error_list(j, &r->nr_errors);
		r->interval_seconds = num_field(j, "IntervalSeconds", 1);
		r->max_attempts = num_field(j, "MaxAttempts", 3);
		r->backoff_rate = num_field(j, "BackoffRate", 2.0);
		r->max_delay_seconds = num_field(j, "MaxDelaySeconds", 0);
		const char *jitter = str_field(j, "JitterStrategy");
		r->jitter_full = jitter && !strcmp(jitter, "FULL");
	}
}

static void build_catch(struct builder *b, struct asl_state *s, const cJSON *list)
{
	size_t n = (size_t)cJSON_GetArraySize(list);
	s->catchers = xcalloc(n ? n : 1, sizeof(*s->catchers));
	for (const cJSON *j = list->child; j; j = j->next) {
		struct asl_catcher *c = &s->catchers[s->nr_catchers++];
		c->json = j;
		c->pos = doc_pos(b->doc, j);
		c->errors = error_list(j, &c->nr_errors);
		c->next = str_field(j, "Next");
		c->next_index = -1;
		c->result_path = field(j, "ResultPath");
		c->assign = field(j, "Assign");
		c->output = field(j, "Output");
	}
}

/* ---- states ------------------------------------------------------------ */

static struct asl_machine *build_machine(struct builder *b, const cJSON *def,
					 const struct asl_machine *parent,
					 const struct asl_state *owner,
					 enum asl_query_language lang);

static void build_dataflow(struct asl_dataflow *f, const cJSON *j)
{
	f->input_path = field(j, "InputPath");
	f->parameters = field(j, "Parameters");
	f->result_selector = field(j, "ResultSelector");
	f->result_path = field(j, "ResultPath");
	f->output_path = field(j, "OutputPath");
	f->result = field(j, "Result");
	f->assign = field(j, "Assign");
	f->arguments = field(j, "Arguments");
	f->output = field(j, "Output");
}

static void build_branches(struct builder *b, const struct asl_machine *m,
			   struct asl_state *s, const cJSON *j)
{
	const cJSON *list = field(j, "Branches");
	if (s->type == ASL_MAP) {
		const cJSON *proc = field(j, "ItemProcessor");
		s->legacy_iterator = !proc && field(j, "Iterator");
		if (!proc)
			proc = field(j, "Iterator");
		if (!proc)
			return;
		const char *mode = str_field(field(proc, "ProcessorConfig"), "Mode");
		s->distributed = mode && !strcmp(mode, "DISTRIBUTED");
		s->branches = xcalloc(1, sizeof(*s->branches));
		s->branches[s->nr_branches++] =
			build_machine(b, proc, m, s, m->lang);
		return;
	}
	if (!cJSON_IsArray(list))
		return;
	size_t n = (size_t)cJSON_GetArraySize(list);
	s->branches = xcalloc(n ? n : 1, sizeof(*s->branches));
	for (const cJSON *br = list->child; br; br = br->next)
		s->branches[s->nr_branches++] = build_machine(b, br, m, s, m->lang);
}

static void build_type_fields(struct builder *b, const struct asl_machine *m,
			      struct asl_state *s, const cJSON *j)
{
	const cJSON *list;
	s->resource = str_field(j, "Resource");
	s->timeout_seconds = field(j, "TimeoutSeconds");
	s->timeout_seconds_path = field(j, "TimeoutSecondsPath");
	s->heartbeat_seconds = field(j, "HeartbeatSeconds");
	s->heartbeat_seconds_path = field(j, "HeartbeatSecondsPath");
	s->seconds = field(j, "Seconds");
	s->timestamp = field(j, "Timestamp");
	s->seconds_path = field(j, "SecondsPath");
	s->timestamp_path = field(j, "TimestampPath");
	s->error = field(j, "Error");
	s->cause = field(j, "Cause");
	s->error_path = field(j, "ErrorPath");
	s->cause_path = field(j, "CausePath");
	s->items_path = field(j, "ItemsPath");
	s->items = field(j, "Items");
	s->item_selector = field(j, "ItemSelector");
	s->max_concurrency = field(j, "MaxConcurrency");
	s->max_concurrency_path = field(j, "MaxConcurrencyPath");
	s->item_reader = field(j, "ItemReader");
	s->item_batcher = field(j, "ItemBatcher");
	s->result_writer = field(j, "ResultWriter");
	s->tolerated_failure_count = field(j, "ToleratedFailureCount");
	s->tolerated_failure_percentage = field(j, "ToleratedFailurePercentage");
	s->default_next = str_field(j, "Default");
	if (cJSON_IsArray(list = field(j, "Choices"))) {
		size_t n = (size_t)cJSON_GetArraySize(list);
		s->choices = xcalloc(n ? n : 1, sizeof(*s->choices));
		for (const cJSON *r = list->child; r; r = r->next)
			build_rule(b, &s->choices[s->nr_choices++], r, 1);
	}
	if (cJSON_IsArray(list = field(j, "Retry")))
		build_retry(b, s, list);
	if (cJSON_IsArray(list = field(j, "Catch")))
		build_catch(b, s, list);
	if (s->type == ASL_PARALLEL || s->type == ASL_MAP)
		build_branches(b, m, s, j);
}

/* ---- compiled expressions ---------------------------------------------- */

/* Compiles json into *e and indexes it by its node for the validator. */
static void compile(struct builder *b, struct asl_expr *e, const cJSON *json,
		    enum asl_expr_want want)
{
	asl_expr_init(e, json, want);
	if (json)
		strmap_put(&b->top->exprs, (const char *)&json, sizeof(json), e);
}

/* Compiles field 'name' of the state's struct asl_state_exprs from json
 * when json is present; the state gets a block of its own then. */
#define COMPILE_STATE(b, s, name, want, json) \
	compile_state_expr(b, s, offsetof(struct asl_state_exprs, name), json, want)

static void compile_state_expr(struct builder *b, struct asl_state *s,
			       size_t at, const cJSON *json,
			       enum asl_expr_want want)
{
	if (!json)
		return; /* absent: ASL_EXPR_NONE, as in the shared block */
	if (s->compiled == &asl_no_state_exprs_)
		s->compiled = xcalloc(1, sizeof(*s->compiled));
	/* the state's own block, allocated writable just above */
	char *own = (char *)(uintptr_t)s->compiled;
	compile(b, (struct asl_expr *)(void *)(own + at), json, want);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
static void compile_rule(struct builder *b, struct asl_rule *r)
{
	const cJSON *j = r->json;
	compile(b, &r->compiled.variable, cJSON_IsObject(j) ? field(j, "Variable") : NULL,
		ASL_WANT_VALUE);
	compile(b, &r->compiled.operand, r->cmp_is_path ? r->operand : NULL,
		ASL_WANT_VALUE);
	compile(b, &r->compiled.assign, r->assign, ASL_WANT_TEMPLATE);
	for (size_t i = 0; i < r->nr_children; i++)
		compile_rule(b, &r->children[i]);
}

/* ---- JSONata states ---------------------------------------------------- */

static void compile_jsonata(struct builder *b, struct asl_expr *e,
			    const cJSON *json)
{
	compile(b, e, json, ASL_WANT_JSONATA);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
static void compile_jsonata_rule(struct builder *b, struct asl_rule *r)
{
	if (r->kind == ASL_RULE_CONDITION)
		compile_jsonata(b, &r->compiled.condition, r->operand);
	compile_jsonata(b, &r->compiled.assign, r->assign);
	compile_jsonata(b, &r->compiled.output, r->output);
	for (size_t i = 0; i < r->nr_children; i++)
		compile_jsonata_rule(b, &r->children[i]);
}

/* The fields of a Map, its ItemReader, ItemBatcher and ResultWriter that
 * take JSONata. */
static void compile_jsonata_map(struct builder *b, struct asl_state *s)
{
	const cJSON *reader_config = field(s->item_reader, "ReaderConfig");
	COMPILE_STATE(b, s, items, ASL_WANT_JSONATA, s->items);
	COMPILE_STATE(b, s, item_selector, ASL_WANT_JSONATA, s->item_selector);
	COMPILE_STATE(b, s, max_concurrency, ASL_WANT_JSONATA, s->max_concurrency);
	COMPILE_STATE(b, s, tolerated_failure_count, ASL_WANT_JSONATA,
			s->tolerated_failure_count);
	COMPILE_STATE(b, s, tolerated_failure_percentage, ASL_WANT_JSONATA,
			s->tolerated_failure_percentage);
	COMPILE_STATE(b, s, reader_parameters, ASL_WANT_JSONATA,
			field(s->item_reader, "Arguments"));
	COMPILE_STATE(b, s, writer_parameters, ASL_WANT_JSONATA,
			field(s->result_writer, "Arguments"));
	COMPILE_STATE(b, s, reader_max_items, ASL_WANT_JSONATA,
			field(reader_config, "MaxItems"));
	COMPILE_STATE(b, s, batch_input, ASL_WANT_JSONATA,
			field(s->item_batcher, "BatchInput"));
	COMPILE_STATE(b, s, max_items_per_batch, ASL_WANT_JSONATA,
			field(s->item_batcher, "MaxItemsPerBatch"));
	COMPILE_STATE(b, s, max_input_bytes_per_batch, ASL_WANT_JSONATA,
			field(s->item_batcher, "MaxInputBytesPerBatch"));
}

/* Every JSONata field of s, compiled once (asl.h): a field holding no
 * "{% %}" string compiles too, as a literal. */
static void compile_jsonata_state(struct builder *b, struct asl_state *s)
{
	struct asl_dataflow *f = &s->flow;
	compile_jsonata(b, &f->compiled.arguments, f->arguments);
	compile_jsonata(b, &f->compiled.output, f->output);
	compile_jsonata(b, &f->compiled.assign, f->assign);
	COMPILE_STATE(b, s, seconds, ASL_WANT_JSONATA, s->seconds);
	COMPILE_STATE(b, s, timestamp, ASL_WANT_JSONATA, s->timestamp);
	COMPILE_STATE(b, s, timeout_seconds, ASL_WANT_JSONATA, s->timeout_seconds);
	COMPILE_STATE(b, s, heartbeat_seconds, ASL_WANT_JSONATA, s->heartbeat_seconds);
	COMPILE_STATE(b, s, error, ASL_WANT_JSONATA, s->error);
	COMPILE_STATE(b, s, cause, ASL_WANT_JSONATA, s->cause);
	if (s->type == ASL_MAP)
		compile_jsonata_map(b, s);
	for (size_t i = 0; i < s->nr_choices; i++)
		compile_jsonata_rule(b, &s->choices[i]);
	for (size_t i = 0; i < s->nr_catchers; i++) {
		struct asl_catcher *c = &s->catchers[i];
		compile_jsonata(b, &c->compiled.assign, c->assign);
		compile_jsonata(b, &c->compiled.output, c->output);
	}
}

/* The Distributed Map's fields that hold paths or templates. */
static void compile_distributed(struct builder *b, struct asl_state *s)
{
	const cJSON *j = s->json, *rc = field(s->item_reader, "ReaderConfig");
	COMPILE_STATE(b, s, reader_parameters, ASL_WANT_TEMPLATE,
		field(s->item_reader, "Parameters"));
	COMPILE_STATE(b, s, max_items_path, ASL_WANT_VALUE,
		      field(rc, "MaxItemsPath"));
	COMPILE_STATE(b, s, writer_parameters, ASL_WANT_TEMPLATE,
		field(s->result_writer, "Parameters"));
	COMPILE_STATE(b, s, max_items_per_batch_path, ASL_WANT_VALUE,
		field(s->item_batcher, "MaxItemsPerBatchPath"));
	COMPILE_STATE(b, s, max_input_bytes_per_batch_path, ASL_WANT_VALUE,
		field(s->item_batcher, "MaxInputBytesPerBatchPath"));
	COMPILE_STATE(b, s, tolerated_failure_count_path, ASL_WANT_VALUE,
		field(j, "ToleratedFailureCountPath"));
	COMPILE_STATE(b, s, tolerated_failure_percentage_path, ASL_WANT_VALUE,
		field(j, "ToleratedFailurePercentagePath"));
}

/* Every expression of s, compiled once (asl.h). */
static void compile_state(struct builder *b, struct asl_state *s)
{
	struct asl_dataflow *f = &s->flow;
	if (f->lang == ASL_QL_JSONATA)
		return compile_jsonata_state(b, s);
	compile(b, &f->compiled.input_path, f->input_path, ASL_WANT_VALUE);
	compile(b, &f->compiled.parameters, f->parameters, ASL_WANT_TEMPLATE);
	compile(b, &f->compiled.result_selector, f->result_selector,
		      ASL_WANT_TEMPLATE);
	compile(b, &f->compiled.result_path, f->result_path, ASL_WANT_REFERENCE);
	compile(b, &f->compiled.output_path, f->output_path, ASL_WANT_VALUE);
	compile(b, &f->compiled.assign, f->assign, ASL_WANT_TEMPLATE);
	COMPILE_STATE(b, s, seconds_path, ASL_WANT_VALUE, s->seconds_path);
	COMPILE_STATE(b, s, timestamp_path, ASL_WANT_VALUE, s->timestamp_path);
	COMPILE_STATE(b, s, timeout_seconds_path, ASL_WANT_VALUE,
		      s->timeout_seconds_path);
	COMPILE_STATE(b, s, heartbeat_seconds_path, ASL_WANT_VALUE,
		      s->heartbeat_seconds_path);
	COMPILE_STATE(b, s, error_path, ASL_WANT_VALUE, s->error_path);
	COMPILE_STATE(b, s, cause_path, ASL_WANT_VALUE, s->cause_path);
	COMPILE_STATE(b, s, items_path, ASL_WANT_VALUE, s->items_path);
	COMPILE_STATE(b, s, item_selector, ASL_WANT_TEMPLATE,
		      s->item_selector);
	COMPILE_STATE(b, s, max_concurrency_path, ASL_WANT_VALUE,
		      s->max_concurrency_path);
	COMPILE_STATE(b, s, batch_input, ASL_WANT_TEMPLATE,
		      field(s->item_batcher, "BatchInput"));
	compile_distributed(b, s);
	for (size_t i = 0; i < s->nr_choices; i++)
		compile_rule(b, &s->choices[i]);
	for (size_t i = 0; i < s->nr_catchers; i++) {
		struct asl_catcher *c = &s->catchers[i];
		compile(b, &c->compiled.result_path, c->result_path,
			      ASL_WANT_REFERENCE);
		compile(b, &c->compiled.assign, c->assign, ASL_WANT_TEMPLATE);
	}
}

static void build_state(struct builder *b, const struct asl_machine *m,
			struct asl_state *s, const cJSON *j)
{
	memset(s, 0, sizeof(*s));
	s->compiled = &asl_no_state_exprs_;
	s->name = j->string;
	s->json = j;
	s->pos = doc_key_pos(b->doc, j);
	s->next_index = s->default_index = -1;
	if (!cJSON_IsObject(j)) {
		s->type = ASL_UNKNOWN;
		diag_error(b->diags, doc_pos(b->doc, j), "asl/state-not-object",
			   "state '%s' must be an object", j->string);
		return;
	}
	s->type = asl_type_from_name(str_field(j, "Type"));
	s->comment = str_field(j, "Comment");
	s->next = str_field(j, "Next");
	s->end = cJSON_IsTrue(field(j, "End"));
	s->flow.lang = lang_of(j, m->lang);
	build_dataflow(&s->flow, j);
	build_type_fields(b, m, s, j);
	compile_state(b, s);
}

/* ---- machines ---------------------------------------------------------- */

static void resolve_targets(struct asl_machine *m)
{
	m->start_index = asl_state_index(m, m->start_at);
	for (size_t i = 0; i < m->nr_states; i++) {
		struct asl_state *s = &m->states[i];
		s->next_index = asl_state_index(m, s->next);
		s->default_index = asl_state_index(m, s->default_next);
		for (size_t k = 0; k < s->nr_choices; k++)
			s->choices[k].next_index = asl_state_index(m, s->choices[k].next);
		for (size_t k = 0; k < s->nr_catchers; k++)
			s->catchers[k].next_index =
				asl_state_index(m, s->catchers[k].next);
	}
}

static int check_limits(struct builder *b, struct asl_machine *m,
			const cJSON *states)
{
	if (m->depth > ASL_MAX_NESTING)
		return diag_error(b->diags, m->pos, "asl/too-deep",
				  "Parallel and Map states nest deeper than %d levels",
				  ASL_MAX_NESTING);
	size_t n = (size_t)cJSON_GetArraySize(states);
	if (b->states + n > ASL_MAX_STATES)
		return diag_error(b->diags, m->pos, "asl/too-many-states",
				  "more than %d states in one machine", ASL_MAX_STATES);
	b->states += n;
	return 0;
}

/* Recursion is bounded by ASL_MAX_NESTING. */
static struct asl_machine *build_machine(struct builder *b, const cJSON *def,
					 const struct asl_machine *parent,
					 const struct asl_state *owner,
					 enum asl_query_language lang)
{
	struct asl_machine *m = xcalloc(1, sizeof(*m));
	m->json = def;
	m->doc = b->doc;
	m->pos = doc_pos(b->doc, def);
	m->parent = parent;
	m->owner = owner;
	m->depth = parent ? parent->depth + 1 : 0;
	m->start_index = -1;
	strmap_init(&m->by_name);
	strmap_init(&m->exprs);
	if (!b->top)
		b->top = m;
	if (!cJSON_IsObject(def)) {
		diag_error(b->diags, m->pos, "asl/not-object",
			   "a state machine definition must be an object");
		return m;
	}
	m->comment = str_field(def, "Comment");
	m->start_at = str_field(def, "StartAt");
	m->lang = lang_of(def, lang);
	m->timeout_seconds = field(def, "TimeoutSeconds");
	const cJSON *states = field(def, "States");
	if (!cJSON_IsObject(states) || check_limits(b, m, states))
		return m;
	m->states = xcalloc((size_t)cJSON_GetArraySize(states) + 1,
			    sizeof(*m->states));
	for (const cJSON *j = states->child; j; j = j->next) {
		struct asl_state *s = &m->states[m->nr_states];
		build_state(b, m, s, j);
		/* names are unique: the document refuses duplicate keys */
		strmap_put(&m->by_name, s->name, strlen(s->name), s);
		m->nr_states++;
	}
	resolve_targets(m);
	return m;
}

struct asl_machine *asl_build(const cJSON *definition, const struct doc *doc,
			      struct diag_list *diags)
{
	struct builder b = { doc, diags, 0, NULL };
	return build_machine(&b, definition, NULL, NULL, ASL_QL_JSONPATH);
}
