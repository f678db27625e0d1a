/* validate_fields.c - which fields each state type takes, in which query
 * language, and the JSON type of each value: one table, read for unknown
 * and misplaced fields, for "did you mean", for required fields and for
 * value types.  Facts from the Amazon States Language specification and the
 * Step Functions developer guide (JSONata, Map, variables).
 * Not here: rules about values that need more than their type (ranges,
 * paths, graph), see validate_states.c and validate_exprs.c. */
#include "validate_impl.h"

#include <string.h>

#include "suggest.h"
#include "banned.h"

#define T(x) (1u << (x))
#define ALL (T(ASL_TASK) | T(ASL_PASS) | T(ASL_CHOICE) | T(ASL_WAIT) | \
	     T(ASL_SUCCEED) | T(ASL_FAIL) | T(ASL_PARALLEL) | T(ASL_MAP))
#define FLOW (T(ASL_TASK) | T(ASL_PASS) | T(ASL_WAIT) | T(ASL_PARALLEL) | T(ASL_MAP))
#define WORK (T(ASL_TASK) | T(ASL_PARALLEL) | T(ASL_MAP))
#define IO (ALL & ~T(ASL_FAIL))

enum lang { L_PATH = 1, L_ATA = 2, L_BOTH = 3 };

/* What a field's value must be.  In JSONata states a string "{% ... %}"
 * also stands for any value. */
enum kind {
	K_STRING, K_BOOL, K_OBJECT, K_ARRAY, K_POS_INT, K_NONNEG_INT,
	K_PERCENT, K_PATH, K_REF_PATH, K_REF_OR_FN, K_TIMESTAMP, K_TEMPLATE,
	K_ANY, K_SPECIAL, /* checked by its own rule (Type, QueryLanguage) */
	K_MACHINE, /* a Map processor: its states are validated as states */
};

struct field {
	const char *name;
	unsigned types; /* state types that take it */
	enum lang lang;
	enum kind kind;
};

static const struct field fields[] = {
	{ "Type", ALL, L_BOTH, K_SPECIAL },
	{ "Comment", ALL, L_BOTH, K_STRING },
	{ "QueryLanguage", ALL, L_BOTH, K_SPECIAL },
	{ "Next", FLOW, L_BOTH, K_STRING },
	{ "End", FLOW, L_BOTH, K_BOOL },
	{ "InputPath", IO, L_PATH, K_PATH },
	{ "OutputPath", IO, L_PATH, K_PATH },
	{ "Parameters", T(ASL_TASK) | T(ASL_PASS) | T(ASL_PARALLEL) | T(ASL_MAP), L_PATH, K_TEMPLATE },
	{ "ResultSelector", WORK, L_PATH, K_TEMPLATE },
	{ "ResultPath", WORK | T(ASL_PASS), L_PATH, K_REF_PATH },
	{ "Result", T(ASL_PASS), L_PATH, K_ANY },
	{ "Assign", IO & ~T(ASL_SUCCEED), L_BOTH, K_OBJECT },
	{ "Arguments", T(ASL_TASK) | T(ASL_PARALLEL), L_ATA, K_ANY },
	{ "Output", IO, L_ATA, K_ANY },
	{ "Resource", T(ASL_TASK), L_BOTH, K_STRING },
	{ "TimeoutSeconds", T(ASL_TASK), L_BOTH, K_POS_INT },
	{ "TimeoutSecondsPath", T(ASL_TASK), L_PATH, K_REF_PATH },
	{ "HeartbeatSeconds", T(ASL_TASK), L_BOTH, K_POS_INT },
	{ "HeartbeatSecondsPath", T(ASL_TASK), L_PATH, K_REF_PATH },
	{ "Credentials", T(ASL_TASK), L_BOTH, K_OBJECT },
	{ "Retry", WORK, L_BOTH, K_ARRAY },
	{ "Catch", WORK, L_BOTH, K_ARRAY },
	{ "Choices", T(ASL_CHOICE), L_BOTH, K_ARRAY },
	{ "Default", T(ASL_CHOICE), L_BOTH, K_STRING },
	{ "Seconds", T(ASL_WAIT), L_BOTH, K_NONNEG_INT },
	{ "Timestamp", T(ASL_WAIT), L_BOTH, K_TIMESTAMP },
	{ "SecondsPath", T(ASL_WAIT), L_PATH, K_REF_PATH },
	{ "TimestampPath", T(ASL_WAIT), L_PATH, K_REF_PATH },
	{ "Error", T(ASL_FAIL), L_BOTH, K_STRING },
	{ "Cause", T(ASL_FAIL), L_BOTH, K_STRING },
	{ "ErrorPath", T(ASL_FAIL), L_PATH, K_REF_OR_FN },
	{ "CausePath", T(ASL_FAIL), L_PATH, K_REF_OR_FN },
	{ "Branches", T(ASL_PARALLEL), L_BOTH, K_ARRAY },
	{ "ItemProcessor", T(ASL_MAP), L_BOTH, K_MACHINE },
	{ "Iterator", T(ASL_MAP), L_BOTH, K_MACHINE },
	{ "ItemsPath", T(ASL_MAP), L_PATH, K_REF_PATH },
	{ "Items", T(ASL_MAP), L_ATA, K_ANY },
	{ "ItemSelector", T(ASL_MAP), L_BOTH, K_TEMPLATE },
	{ "ItemReader", T(ASL_MAP), L_BOTH, K_OBJECT },
	{ "ItemBatcher", T(ASL_MAP), L_BOTH, K_OBJECT },
	{ "ResultWriter", T(ASL_MAP), L_BOTH, K_OBJECT },
	{ "MaxConcurrency", T(ASL_MAP), L_BOTH, K_NONNEG_INT },
	{ "MaxConcurrencyPath", T(ASL_MAP), L_PATH, K_REF_PATH },
	{ "ToleratedFailurePercentage", T(ASL_MAP), L_BOTH, K_PERCENT },
	{ "ToleratedFailurePercentagePath", T(ASL_MAP), L_PATH, K_REF_PATH },
	{ "ToleratedFailureCount", T(ASL_MAP), L_BOTH, K_NONNEG_INT },
	{ "ToleratedFailureCountPath", T(ASL_MAP), L_PATH, K_REF_PATH },
	{ "Label", T(ASL_MAP), L_BOTH, K_STRING },
};
#define NR_FIELDS (sizeof(fields) / sizeof(*fields))

/* Fields of a machine, a branch, a Map processor. */
static const char *const machine_fields[] = {
	"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage",
};
static const char *const branch_fields[] = {
	"StartAt", "States", "Comment", "QueryLanguage",
};
static const char *const processor_fields[] = {
	"StartAt", "States", "Comment", "QueryLanguage", "ProcessorConfig",
};

/* Fields that exclude each other. */
static const char *const conflicts[][2] = {
	{ "TimeoutSeconds", "TimeoutSecondsPath" },
	{ "HeartbeatSeconds", "HeartbeatSecondsPath" },
	{ "Error", "ErrorPath" },
	{ "Cause", "CausePath" },
	{ "MaxConcurrency", "MaxConcurrencyPath" },
	{ "ToleratedFailureCount", "ToleratedFailureCountPath" },
	{ "ToleratedFailurePercentage", "ToleratedFailurePercentagePath" },
	{ "Iterator", "ItemProcessor" },
	{ "Parameters", "ItemSelector" },
};

/* Required fields by type (Map's processor is checked in v_map). */
static const struct { enum asl_type type; const char *name; } required[] = {
	{ ASL_TASK, "Resource" },
	{ ASL_CHOICE, "Choices" },
	{ ASL_PARALLEL, "Branches" },
};

static const struct field *field_find(const char *name)
{
	for (size_t i = 0; i < NR_FIELDS; i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

static enum lang lang_bit(enum asl_query_language l)
{
	return l == ASL_QL_JSONATA ? L_ATA : L_PATH;
}

static const char *lang_name(enum asl_query_language l)
{
	return l == ASL_QL_JSONATA ? "JSONata" : "JSONPath";
}

static int allowed(const struct field *f, const struct asl_state *s)
{
	return (f->types & T(s->type)) && (f->lang & lang_bit(s->flow.lang));
}

/* The closest field the state takes, for "did you mean". */
static const char *suggest_field(const struct asl_state *s, const char *name)
{
	const char *cands[NR_FIELDS];
	for (size_t i = 0; i < NR_FIELDS; i++)
		cands[i] = allowed(&fields[i], s) ? fields[i].name : NULL;
	return suggest_best(name, cands, NR_FIELDS);
}

static void report_unknown(struct vctx *v, const struct asl_state *s,
			   const cJSON *m)
{
	const char *type = asl_type_name(s->type);
	const char *hint = suggest_field(s, m->string);
	if (hint)
		v_report(v, R_FIELD_UNKNOWN, m, AT_KEY,
			 "unknown field '%s' in %s state '%s'; did you mean '%s'?",
			 m->string, type, s->name, hint);
	else
		v_report(v, R_FIELD_UNKNOWN, m, AT_KEY,
			 "unknown field '%s' in %s state '%s'", m->string, type, s->name);
}

static void report_not_allowed(struct vctx *v, const struct asl_state *s,
			       const struct field *f, const cJSON *m)
{
	if (!(f->types & T(s->type)))
		v_report(v, R_FIELD_NOT_ALLOWED, m, AT_KEY,
			 "field '%s' is not allowed in %s state '%s'", f->name,
			 asl_type_name(s->type), s->name);
	else
		v_report(v, R_FIELD_NOT_ALLOWED, m, AT_KEY,
			 "field '%s' is not allowed in %s state '%s' (it is for %s states)",
			 f->name, lang_name(s->flow.lang), s->name,
			 lang_name(s->flow.lang == ASL_QL_JSONATA ? ASL_QL_JSONPATH
								  : ASL_QL_JSONATA));
}

/* ---- value types ------------------------------------------------------- */

static int is_jsonata(const cJSON *n)
{
	return cJSON_IsString(n) && !strncmp(n->valuestring, "{%", 2);
}

static void report_type(struct vctx *v, const struct asl_state *s,
			const cJSON *m, const char *what)
{
	v_report(v, R_FIELD_TYPE, m, AT_VALUE, "%s of state '%s' must be %s",
		 m->string, s->name, what);
}

static void check_int(struct vctx *v, const struct asl_state *s,
		      const cJSON *m, double min, double max)
{
	if (cJSON_IsString(m) && s->flow.lang == ASL_QL_JSONATA)
		return report_type(v, s, m, "a number or a JSONata expression "
				   "\"{% ... %}\", not a plain string");
	if (!cJSON_IsNumber(m))
		return report_type(v, s, m, "a number");
	if (!v_is_integer(m) || m->valuedouble < min || m->valuedouble > max)
		v_report(v, R_INTEGER_RANGE, m, AT_VALUE,
			 "%s of state '%s' must be an integer from %.0f to %.0f",
			 m->string, s->name, min, max);
}

/* What a JSONata field may read of $states: the result in Output and
 * Assign of the states that produce one. */
static enum ja_allow field_allow(const struct asl_state *s, const struct field *f)
{
	int produces = s->type == ASL_TASK || s->type == ASL_PARALLEL || s->type == ASL_MAP;
	return produces && (!strcmp(f->name, "Output") || !strcmp(f->name, "Assign"))
		? JA_RESULT : JA_INPUT;
}

static void check_value(struct vctx *v, const struct asl_state *s,
			const struct field *f, const cJSON *m)
{
	if (f->kind != K_MACHINE && s->flow.lang == ASL_QL_JSONATA && is_jsonata(m))
		return v_jsonata(v, m, field_allow(s, f));
	if ((f->kind == K_BOOL || f->kind == K_POS_INT || f->kind == K_NONNEG_INT ||
	     f->kind == K_PERCENT || f->kind == K_TIMESTAMP) && v_placeholder(v, m))
		return;
	switch (f->kind) {
	case K_STRING:
		if (!cJSON_IsString(m))
			report_type(v, s, m, "a string");
		break;
	case K_BOOL:
		if (!cJSON_IsBool(m))
			report_type(v, s, m, "true or false");
		break;
	case K_OBJECT:
		if (!cJSON_IsObject(m))
			report_type(v, s, m, "an object");
		else if (s->flow.lang == ASL_QL_JSONATA)
			v_jsonata(v, m, field_allow(s, f));
		else if (!strcmp(f->name, "Assign"))
			v_template(v, m);
		if (!strcmp(f->name, "Assign"))
			v_assign_names(v, m);
		break;
	case K_MACHINE:
		if (!cJSON_IsObject(m))
			report_type(v, s, m, "an object");
		break;
	case K_ARRAY:
		if (!cJSON_IsArray(m))
			report_type(v, s, m, "an array");
		break;
	case K_POS_INT: check_int(v, s, m, 1, 99999999); break;
	case K_NONNEG_INT: check_int(v, s, m, 0, 99999999); break;
	case K_PERCENT:
		if (cJSON_IsString(m) && s->flow.lang == ASL_QL_JSONATA)
			report_type(v, s, m, "a number or a JSONata expression "
				    "\"{% ... %}\", not a plain string");
		else if (!cJSON_IsNumber(m))
			report_type(v, s, m, "a number");
		else if (m->valuedouble < 0 || m->valuedouble > 100)
			v_report(v, R_INTEGER_RANGE, m, AT_VALUE,
				 "%s of state '%s' must be from 0 to 100", m->string, s->name);
		break;
	case K_PATH: v_path_field(v, m, VPATH_PATH, 1, m->string); break;
	case K_REF_PATH:
		v_path_field(v, m, VPATH_REFERENCE, !strcmp(f->name, "ResultPath"), m->string);
		break;
	case K_REF_OR_FN: v_path_field(v, m, VPATH_REFERENCE, -1, m->string); break;
	case K_TIMESTAMP:
		if (!cJSON_IsString(m))
			report_type(v, s, m, "a string");
		else if (!v_timestamp_ok(m->valuestring))
			v_report(v, R_TIMESTAMP, m, AT_VALUE,
				 "Timestamp '%s' of state '%s' is not an RFC 3339 timestamp "
				 "like 2026-01-31T09:00:00Z", m->valuestring, s->name);
		break;
	case K_TEMPLATE:
		if (!cJSON_IsObject(m) && s->type != ASL_PASS)
			report_type(v, s, m, "an object");
		else if (s->flow.lang == ASL_QL_JSONATA)
			v_jsonata(v, m, field_allow(s, f));
		else
			v_template(v, m);
		break;
	case K_ANY:
		if (s->flow.lang == ASL_QL_JSONATA)
			v_jsonata(v, m, field_allow(s, f));
		break;
	case K_SPECIAL: break;
	}
}

/* ---- Type, QueryLanguage ----------------------------------------------- */

static void check_type(struct vctx *v, const struct asl_state *s)
{
	static const char *const names[] = { "Task", "Pass", "Choice", "Wait",
		"Succeed", "Fail", "Parallel", "Map" };
	const cJSON *t = v_field(s->json, "Type");
	if (!t)
		return v_report(v, R_TYPE, s->json, AT_KEY, "state '%s' has no Type", s->name);
	if (!cJSON_IsString(t))
		return v_report(v, R_TYPE, t, AT_VALUE, "Type of state '%s' must be a string",
				s->name);
	if (s->type != ASL_UNKNOWN)
		return;
	const char *hint = suggest_best(t->valuestring, names, 8);
	if (hint)
		v_report(v, R_TYPE, t, AT_VALUE,
			 "unknown Type '%s' for state '%s'; did you mean '%s'?",
			 t->valuestring, s->name, hint);
	else
		v_report(v, R_TYPE, t, AT_VALUE, "unknown Type '%s' for state '%s'",
			 t->valuestring, s->name);
}

static void check_query_language(struct vctx *v, const cJSON *ql,
				 enum asl_query_language outer, const char *what)
{
	if (!ql)
		return;
	if (!cJSON_IsString(ql) || (strcmp(ql->valuestring, "JSONPath") &&
				    strcmp(ql->valuestring, "JSONata")))
		return v_report(v, R_ENUM_VALUE, ql, AT_VALUE,
				"QueryLanguage must be 'JSONPath' or 'JSONata'");
	if (outer == ASL_QL_JSONATA && !strcmp(ql->valuestring, "JSONPath"))
		v_report(v, R_QUERY_LANGUAGE, ql, AT_VALUE,
			 "%s cannot use JSONPath inside a JSONata machine", what);
}

/* ---- per state --------------------------------------------------------- */

static void check_members(struct vctx *v, const struct asl_state *s)
{
	for (const cJSON *m = s->json->child; m; m = m->next) {
		const struct field *f = field_find(m->string);
		if (!f)
			report_unknown(v, s, m);
		else if (!allowed(f, s))
			report_not_allowed(v, s, f, m);
		else
			check_value(v, s, f, m);
	}
}

static void check_conflicts_required(struct vctx *v, const struct asl_state *s)
{
	for (size_t i = 0; i < sizeof(conflicts) / sizeof(*conflicts); i++) {
		const cJSON *b = v_field(s->json, conflicts[i][1]);
		if (v_field(s->json, conflicts[i][0]) && b)
			v_report(v, R_FIELD_CONFLICT, b, AT_KEY,
				 "state '%s' has both %s and %s", s->name,
				 conflicts[i][0], conflicts[i][1]);
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		if (required[i].type == s->type && !v_field(s->json, required[i].name))
			v_report(v, R_FIELD_REQUIRED, s->json, AT_KEY,
				 "%s state '%s' has no %s", asl_type_name(s->type),
				 s->name, required[i].name);
}

static void check_next_end(struct vctx *v, const struct asl_state *s)
{
	const cJSON *next = v_field(s->json, "Next"), *end = v_field(s->json, "End");
	if (!(T(s->type) & FLOW))
		return;
	if (next && cJSON_IsTrue(end))
		v_report(v, R_NEXT_AND_END, end, AT_KEY, "state '%s' has both Next and End",
			 s->name);
	else if (!next && !cJSON_IsTrue(end) && !(end && !cJSON_IsBool(end)))
		v_report(v, R_NEXT_MISSING, s->json, AT_KEY,
			 end ? "state '%s' has End: false and no Next"
			     : "state '%s' has neither Next nor End", s->name);
}

void v_fields_state(struct vctx *v, const struct asl_machine *m,
		    const struct asl_state *s)
{
	check_type(v, s);
	if (s->type == ASL_UNKNOWN)
		return; /* which fields belong is unknowable */
	check_query_language(v, v_field(s->json, "QueryLanguage"), m->lang,
			     "a state");
	check_members(v, s);
	check_conflicts_required(v, s);
	check_next_end(v, s);
}

/* ---- machine level ----------------------------------------------------- */

static void check_machine_member(struct vctx *v, const struct asl_machine *m,
				 const cJSON *f, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], f->string))
			return;
	const char *hint = suggest_best(f->string, names, n);
	const char *where = !m->parent ? "the definition" :
			    m->owner && m->owner->type == ASL_MAP ? "a Map processor" : "a branch";
	if (hint)
		v_report(v, R_FIELD_UNKNOWN, f, AT_KEY,
			 "unknown field '%s' in %s; did you mean '%s'?", f->string, where, hint);
	else
		v_report(v, R_FIELD_UNKNOWN, f, AT_KEY, "unknown field '%s' in %s",
			 f->string, where);
}

void v_fields_machine(struct vctx *v, const struct asl_machine *m)
{
	const char *const *names = machine_fields;
	size_t n = sizeof(machine_fields) / sizeof(*machine_fields);
	if (m->owner && m->owner->type == ASL_MAP) {
		names = processor_fields;
		n = sizeof(processor_fields) / sizeof(*processor_fields);
	} else if (m->parent) {
		names = branch_fields;
		n = sizeof(branch_fields) / sizeof(*branch_fields);
	}
	for (const cJSON *f = m->json->child; f; f = f->next)
		check_machine_member(v, m, f, names, n);
	const cJSON *c = v_field(m->json, "Comment"), *t = v_field(m->json, "TimeoutSeconds");
	if (c && !cJSON_IsString(c))
		v_report(v, R_FIELD_TYPE, c, AT_VALUE, "Comment must be a string");
	if (t && !v_placeholder(v, t) &&
	    (!v_is_integer(t) || t->valuedouble < 1 || t->valuedouble > 99999999))
		v_report(v, R_INTEGER_RANGE, t, AT_VALUE,
			 "TimeoutSeconds must be an integer from 1 to 99999999");
	const cJSON *ver = v_field(m->json, "Version");
	if (ver && !cJSON_IsString(ver))
		v_report(v, R_FIELD_TYPE, ver, AT_VALUE, "Version must be a string");
	enum asl_query_language outer = m->parent ? m->parent->lang : ASL_QL_JSONPATH;
	check_query_language(v, v_field(m->json, "QueryLanguage"), outer,
			     m->parent ? "a branch" : "the definition");
}
