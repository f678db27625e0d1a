/* validate_states.c - rules of one state type that need more than the
 * field table: Retry and Catch, Wait durations, Task timeouts and callback
 * tokens, Map processors and distributed mode, Parallel branches.
 * Not here: field presence and JSON types (validate_fields.c). */
#include "validate_impl.h"

#include <string.h>

#include "suggest.h"
#include "banned.h"

/* ---- Retry and Catch --------------------------------------------------- */

/* The predefined error names (ASL spec, "Errors"). */
static const char *const predefined_errors[] = {
	"States.ALL", "States.DataLimitExceeded", "States.ExceedToleratedFailureThreshold",
	"States.HeartbeatTimeout", "States.Http.Socket", "States.IntrinsicFailure",
	"States.ItemReaderFailed", "States.NoChoiceMatched", "States.ParameterPathFailure",
	"States.Permissions", "States.ResultPathMatchFailure", "States.ResultWriterFailed",
	"States.Runtime", "States.TaskFailed", "States.Timeout",
	"States.QueryEvaluationError",
};
#define NR_ERRORS (sizeof(predefined_errors) / sizeof(*predefined_errors))

static const char *const retrier_fields[] = {
	"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
	"MaxDelaySeconds", "JitterStrategy", "Comment",
};
static const char *const catcher_fields[] = {
	"ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment",
};

static void check_error_name(struct vctx *v, const cJSON *e)
{
	if (strncmp(e->valuestring, "States.", 7))
		return;
	for (size_t i = 0; i < NR_ERRORS; i++)
		if (!strcmp(e->valuestring, predefined_errors[i]))
			return;
	const char *hint = suggest_best(e->valuestring, predefined_errors, NR_ERRORS);
	if (hint)
		v_report(v, R_ERROR_NAME, e, AT_VALUE,
			 "'%s' is not a predefined error; did you mean '%s'?",
			 e->valuestring, hint);
	else
		v_report(v, R_ERROR_NAME, e, AT_VALUE, "'%s' is not a predefined error",
			 e->valuestring);
}

/* ErrorEquals of one retrier/catcher; 'last' when it is the last entry. */
static void check_error_equals(struct vctx *v, const cJSON *entry,
			       const char *what, const char *state, int last)
{
	const cJSON *list = v_field(entry, "ErrorEquals");
	if (!list)
		return v_report(v, R_ERROR_EQUALS, entry, AT_VALUE,
				"a %s of state '%s' has no ErrorEquals", what, state);
	if (!cJSON_IsArray(list) || !list->child)
		return v_report(v, R_ERROR_EQUALS, list, AT_VALUE,
				"ErrorEquals in a %s of state '%s' must be a non-empty "
				"array of error names", what, state);
	for (const cJSON *e = list->child; e; e = e->next) {
		if (!cJSON_IsString(e)) {
			v_report(v, R_ERROR_EQUALS, e, AT_VALUE,
				 "error names in ErrorEquals must be strings");
			continue;
		}
		check_error_name(v, e);
		if (strcmp(e->valuestring, "States.ALL"))
			continue;
		if (list->child->next)
			v_report(v, R_STATES_ALL, e, AT_VALUE,
				 "States.ALL must be alone in its ErrorEquals (state '%s')", state);
		else if (!last)
			v_report(v, R_STATES_ALL, e, AT_VALUE,
				 "the %s with States.ALL must be the last one of state '%s'",
				 what, state);
	}
}

static void check_entry_fields(struct vctx *v, const cJSON *entry,
			       const char *const *names, size_t n,
			       const char *what, const char *state)
{
	for (const cJSON *m = entry->child; m; m = m->next) {
		size_t i = 0;
		while (i < n && strcmp(names[i], m->string))
			i++;
		if (i < n)
			continue;
		const char *hint = suggest_best(m->string, names, n);
		if (hint)
			v_report(v, R_FIELD_UNKNOWN, m, AT_KEY,
				 "unknown field '%s' in a %s of state '%s'; did you mean '%s'?",
				 m->string, what, state, hint);
		else
			v_report(v, R_FIELD_UNKNOWN, m, AT_KEY,
				 "unknown field '%s' in a %s of state '%s'", m->string, what, state);
	}
}

/* A numeric retrier field: integer when 'integer', at least min. */
static void check_number(struct vctx *v, const cJSON *entry, const char *name,
			 enum vrule rule, double min, double max, int integer)
{
	const cJSON *n = v_field(entry, name);
	if (!n || v_placeholder(v, n))
		return;
	if (!cJSON_IsNumber(n) || (integer && !v_is_integer(n)) || n->valuedouble < min)
		v_report(v, rule, n, AT_VALUE, "%s must be %s >= %g", name,
			 integer ? "an integer" : "a number", min);
	else if (n->valuedouble > max)
		v_report(v, rule, n, AT_VALUE, "%s must be at most %.0f", name, max);
}

void v_retry(struct vctx *v, const struct asl_state *s)
{
	const cJSON *list = v_field(s->json, "Retry");
	size_t i = 0;
	for (const cJSON *r = cJSON_IsArray(list) ? list->child : NULL; r; r = r->next, i++) {
		if (!cJSON_IsObject(r)) {
			v_report(v, R_FIELD_TYPE, r, AT_VALUE,
				 "a retrier of state '%s' must be an object", s->name);
			continue;
		}
		check_entry_fields(v, r, retrier_fields, 7, "retrier", s->name);
		check_error_equals(v, r, "retrier", s->name, !r->next);
		check_number(v, r, "MaxAttempts", R_RETRY_MAX_ATTEMPTS, 0, 99999999, 1);
		check_number(v, r, "IntervalSeconds", R_RETRY_INTERVAL, 1, 99999999, 1);
		check_number(v, r, "BackoffRate", R_RETRY_BACKOFF, 1.0, 1e9, 0);
		check_number(v, r, "MaxDelaySeconds", R_RETRY_MAX_DELAY, 1, 31622400, 1);
		const cJSON *j = v_field(r, "JitterStrategy");
		if (j && (!cJSON_IsString(j) || (strcmp(j->valuestring, "FULL") &&
						 strcmp(j->valuestring, "NONE"))))
			v_report(v, R_ENUM_VALUE, j, AT_VALUE,
				 "JitterStrategy must be 'FULL' or 'NONE'");
	}
}

static void check_catcher(struct vctx *v, const struct asl_state *s,
			  const cJSON *c)
{
	check_entry_fields(v, c, catcher_fields, 6, "catcher", s->name);
	check_error_equals(v, c, "catcher", s->name, !c->next);
	const cJSON *next = v_field(c, "Next");
	if (!next && !v->fragment)
		v_report(v, R_FIELD_REQUIRED, c, AT_VALUE,
			 "a catcher of state '%s' has no Next", s->name);
	else if (next && !cJSON_IsString(next))
		v_report(v, R_FIELD_TYPE, next, AT_VALUE, "Next must be a string");
	const cJSON *rp = v_field(c, "ResultPath");
	const cJSON *out = v_field(c, "Output");
	const cJSON *assign = v_field(c, "Assign");
	if (s->flow.lang == ASL_QL_JSONATA) {
		if (rp)
			v_report(v, R_FIELD_NOT_ALLOWED, rp, AT_KEY,
				 "ResultPath is not allowed in a JSONata catcher (use Output)");
		if (out)
			v_jsonata(v, out, JA_ERROR_OUTPUT);
		if (assign)
			v_jsonata(v, assign, JA_ERROR_OUTPUT);
		v_assign_names(v, assign);
		return;
	}
	if (out)
		v_report(v, R_FIELD_NOT_ALLOWED, out, AT_KEY,
			 "Output is not allowed in a JSONPath catcher (it is for JSONata)");
	if (rp)
		v_path_field(v, rp, VPATH_REFERENCE, 1, "ResultPath");
	if (cJSON_IsObject(assign))
		v_template(v, assign);
	v_assign_names(v, assign);
}

void v_catch(struct vctx *v, const struct asl_state *s)
{
	const cJSON *list = v_field(s->json, "Catch");
	for (const cJSON *c = cJSON_IsArray(list) ? list->child : NULL; c; c = c->next) {
		if (cJSON_IsObject(c))
			check_catcher(v, s, c);
		else
			v_report(v, R_FIELD_TYPE, c, AT_VALUE,
				 "a catcher of state '%s' must be an object", s->name);
	}
}

/* ---- Wait, Task -------------------------------------------------------- */

void v_wait(struct vctx *v, const struct asl_state *s)
{
	const cJSON *set[] = { s->seconds, s->timestamp, s->seconds_path, s->timestamp_path };
	size_t n = 0;
	const cJSON *second = NULL;
	for (size_t i = 0; i < 4; i++)
		if (set[i] && ++n == 2)
			second = set[i];
	if (!n)
		v_report(v, R_WAIT_DURATION, s->json, AT_KEY,
			 "Wait state '%s' needs one of Seconds, Timestamp, SecondsPath, "
			 "TimestampPath", s->name);
	else if (n > 1)
		v_report(v, R_WAIT_DURATION, second, AT_KEY,
			 "Wait state '%s' has more than one of Seconds, Timestamp, "
			 "SecondsPath, TimestampPath", s->name);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

void v_task(struct vctx *v, const struct asl_state *s)
{
	const cJSON *hb = s->heartbeat_seconds, *to = s->timeout_seconds;
	if (v_is_integer(hb) && v_is_integer(to) && hb->valuedouble >= to->valuedouble)
		v_report(v, R_HEARTBEAT_TIMEOUT, hb, AT_VALUE,
			 "HeartbeatSeconds (%g) of state '%s' must be less than "
			 "TimeoutSeconds (%g)", hb->valuedouble, s->name, to->valuedouble);
	if (!s->resource || !ends_with(s->resource, ".waitForTaskToken"))
		return;
	const cJSON *params = s->flow.lang == ASL_QL_JSONATA ? s->flow.arguments
							     : s->flow.parameters;
	if (!v_template_has_token(params))
		v_report(v, R_TASK_TOKEN, v_field(s->json, "Resource"), AT_VALUE,
			 "callback task '%s' never passes %s, so it can never be "
			 "resumed", s->name, s->flow.lang == ASL_QL_JSONATA ?
			 "$states.context.Task.Token in its Arguments" :
			 "$$.Task.Token in its Parameters");
	if (!hb && !s->heartbeat_seconds_path)
		v_report(v, R_TASK_HEARTBEAT, s->json, AT_KEY,
			 "callback task '%s' has no HeartbeatSeconds: a lost token "
			 "leaves it waiting until TimeoutSeconds", s->name);
}

/* ---- Map, Parallel ----------------------------------------------------- */

static const char *const distributed_fields[] = {
	"ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount",
	"ToleratedFailureCountPath", "ToleratedFailurePercentage",
	"ToleratedFailurePercentagePath", "Label",
};

static void check_processor_config(struct vctx *v, const struct asl_state *s,
				   const cJSON *proc)
{
	const cJSON *cfg = v_field(proc, "ProcessorConfig");
	if (!cfg)
		return;
	if (!cJSON_IsObject(cfg))
		return v_report(v, R_FIELD_TYPE, cfg, AT_VALUE,
				"ProcessorConfig must be an object");
	const cJSON *mode = v_field(cfg, "Mode"), *et = v_field(cfg, "ExecutionType");
	if (mode && (!cJSON_IsString(mode) || (strcmp(mode->valuestring, "INLINE") &&
					       strcmp(mode->valuestring, "DISTRIBUTED"))))
		v_report(v, R_ENUM_VALUE, mode, AT_VALUE,
			 "ProcessorConfig Mode must be 'INLINE' or 'DISTRIBUTED'");
	if (et && (!cJSON_IsString(et) || (strcmp(et->valuestring, "STANDARD") &&
					   strcmp(et->valuestring, "EXPRESS"))))
		v_report(v, R_ENUM_VALUE, et, AT_VALUE,
			 "ProcessorConfig ExecutionType must be 'STANDARD' or 'EXPRESS'");
	if (s->distributed && !et)
		v_report(v, R_PROCESSOR_CONFIG, cfg, AT_KEY,
			 "the DISTRIBUTED processor of Map state '%s' needs an ExecutionType",
			 s->name);
	for (const cJSON *m = cfg->child; m; m = m->next)
		if (strcmp(m->string, "Mode") && strcmp(m->string, "ExecutionType"))
			v_report(v, R_FIELD_UNKNOWN, m, AT_KEY,
				 "unknown field '%s' in ProcessorConfig", m->string);
}

void v_map(struct vctx *v, const struct asl_state *s)
{
	const cJSON *proc = v_field(s->json, "ItemProcessor");
	if (!proc)
		proc = v_field(s->json, "Iterator");
	if (!proc)
		v_report(v, R_FIELD_REQUIRED, s->json, AT_KEY,
			 "Map state '%s' has no ItemProcessor", s->name);
	else if (s->legacy_iterator && v_field(proc, "ProcessorConfig"))
		v_report(v, R_PROCESSOR_CONFIG, v_field(proc, "ProcessorConfig"), AT_KEY,
			 "ProcessorConfig belongs in ItemProcessor, not Iterator");
	else
		check_processor_config(v, s, proc);
	if (s->distributed)
		return;
	for (size_t i = 0; i < sizeof(distributed_fields) / sizeof(*distributed_fields); i++) {
		const cJSON *f = v_field(s->json, distributed_fields[i]);
		if (f)
			v_report(v, R_DISTRIBUTED_ONLY, f, AT_KEY,
				 "%s is only allowed in a DISTRIBUTED Map; state '%s' is "
				 "INLINE", f->string, s->name);
	}
}

void v_parallel(struct vctx *v, const struct asl_state *s)
{
	const cJSON *b = v_field(s->json, "Branches");
	if (cJSON_IsArray(b) && !b->child)
		v_report(v, R_BRANCHES_EMPTY, b, AT_VALUE,
			 "Branches of Parallel state '%s' is empty", s->name);
}
