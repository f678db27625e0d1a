/* validate_choice.c - Choice states: each rule has exactly one comparison
 * (or one of And/Or/Not), a Variable in JSONPath mode, an operand of the
 * operator's type; top-level rules have Next and nested ones do not;
 * JSONata rules have a Condition.  The operators come from asl_cmp_table.
 * Not here: whether a rule's Next names a state (validate_graph.c). */
#include "validate_impl.h"

#include <string.h>

#include "buf.h"
#include "suggest.h"
#include "banned.h"

/* Fields a rule may have besides its operator. */
static const char *const rule_fields[] = {
	"Variable", "And", "Or", "Not", "Next", "Comment", "Assign", "Output",
	"Condition",
};
#define NR_RULE_FIELDS (sizeof(rule_fields) / sizeof(*rule_fields))

/* The operator named 'name', plain or ...Path; ASL_CMP_NONE if none. */
static enum asl_cmp operator_of(const char *name, int *is_path)
{
	for (int op = 0; op < ASL_CMP_COUNT; op++) {
		const struct asl_cmp_info *info = &asl_cmp_table[op];
		*is_path = info->path_name && !strcmp(name, info->path_name);
		if (*is_path || !strcmp(name, info->name))
			return (enum asl_cmp)op;
	}
	return ASL_CMP_NONE;
}

static int is_rule_field(const char *name)
{
	for (size_t i = 0; i < NR_RULE_FIELDS; i++)
		if (!strcmp(rule_fields[i], name))
			return 1;
	return 0;
}

static void report_unknown_member(struct vctx *v, const struct asl_state *s,
				  const cJSON *m)
{
	const char *cands[NR_RULE_FIELDS + 2 * ASL_CMP_COUNT];
	size_t n = 0;
	for (size_t i = 0; i < NR_RULE_FIELDS; i++)
		cands[n++] = rule_fields[i];
	for (int op = 0; op < ASL_CMP_COUNT; op++) {
		cands[n++] = asl_cmp_table[op].name;
		cands[n++] = asl_cmp_table[op].path_name;
	}
	const char *hint = suggest_best(m->string, cands, n);
	if (hint)
		v_report(v, R_FIELD_UNKNOWN, m, AT_KEY,
			 "unknown field '%s' in a Choice rule of state '%s'; did you mean '%s'?",
			 m->string, s->name, hint);
	else
		v_report(v, R_FIELD_UNKNOWN, m, AT_KEY,
			 "unknown field '%s' in a Choice rule of state '%s'", m->string, s->name);
}

/* ---- operands ---------------------------------------------------------- */

static void check_operand(struct vctx *v, const struct asl_state *s,
			  const cJSON *m, enum asl_cmp op, int is_path)
{
	const struct asl_cmp_info *info = &asl_cmp_table[op];
	if (is_path)
		return v_path_field(v, m, VPATH_PATH, 0, m->string);
	if (info->operand != ASL_OPERAND_STRING && v_placeholder(v, m))
		return;
	int ok = 1;
	const char *want = "a string";
	switch (info->operand) {
	case ASL_OPERAND_STRING: ok = cJSON_IsString(m); break;
	case ASL_OPERAND_NUMBER: ok = cJSON_IsNumber(m); want = "a number"; break;
	case ASL_OPERAND_BOOLEAN: ok = cJSON_IsBool(m); want = "true or false"; break;
	case ASL_OPERAND_TIMESTAMP:
		ok = cJSON_IsString(m);
		if (ok && !v_timestamp_ok(m->valuestring))
			return v_report(v, R_TIMESTAMP, m, AT_VALUE,
					"%s in state '%s' needs an RFC 3339 timestamp like "
					"2026-01-31T09:00:00Z, not '%s'", m->string, s->name,
					m->valuestring);
		break;
	}
	if (!ok)
		v_report(v, R_CHOICE_OPERAND, m, AT_VALUE,
			 "%s in state '%s' takes %s", m->string, s->name, want);
}

/* ---- one rule ---------------------------------------------------------- */

static void check_rule(struct vctx *v, const struct asl_state *s,
		       const struct asl_rule *r, int top);

static void check_comparison(struct vctx *v, const struct asl_state *s,
			     const struct asl_rule *r)
{
	static const char *const lists[] = { "And", "Or" };
	for (size_t i = 0; i < 2; i++) {
		const cJSON *l = v_field(r->json, lists[i]);
		if (l)
			return v_report(v, R_CHOICE_AND_OR, l, AT_VALUE,
					"%s in state '%s' takes an array of rules",
					lists[i], s->name);
	}
	size_t nops = 0;
	for (const cJSON *m = r->json->child; m; m = m->next) {
		int is_path;
		enum asl_cmp op = operator_of(m->string, &is_path);
		if (op == ASL_CMP_NONE)
			continue;
		if (++nops == 2)
			v_report(v, R_CHOICE_COMPARISON, m, AT_KEY,
				 "a Choice rule of state '%s' has more than one "
				 "comparison ('%s')", s->name, m->string);
		if (s->flow.lang == ASL_QL_JSONATA)
			v_report(v, R_CHOICE_CONDITION, m, AT_KEY,
				 "JSONata Choice rules use Condition, not %s", m->string);
		else
			check_operand(v, s, m, op, is_path);
	}
	if (s->flow.lang == ASL_QL_JSONATA)
		return v_report(v, R_CHOICE_CONDITION, r->json, AT_VALUE,
				"a JSONata Choice rule of state '%s' has no Condition",
				s->name);
	if (!nops)
		v_report(v, R_CHOICE_COMPARISON, r->json, AT_VALUE,
			 "a Choice rule of state '%s' has no comparison operator", s->name);
	const cJSON *var = v_field(r->json, "Variable");
	if (!var)
		v_report(v, R_CHOICE_VARIABLE, r->json, AT_VALUE,
			 "a Choice rule of state '%s' has no Variable", s->name);
	else
		v_path_field(v, var, VPATH_PATH, 0, "Variable");
}

static void check_compound(struct vctx *v, const struct asl_state *s,
			   const struct asl_rule *r)
{
	const char *kw = r->kind == ASL_RULE_AND ? "And" : r->kind == ASL_RULE_OR ? "Or" : "Not";
	const cJSON *list = v_field(r->json, kw);
	for (const cJSON *m = r->json->child; m; m = m->next) {
		int is_path;
		if (operator_of(m->string, &is_path) != ASL_CMP_NONE ||
		    !strcmp(m->string, "Variable"))
			v_report(v, R_CHOICE_COMPARISON, m, AT_KEY,
				 "a Choice rule with %s cannot also have '%s'", kw, m->string);
	}
	if (r->kind == ASL_RULE_NOT) {
		if (!cJSON_IsObject(list))
			return v_report(v, R_CHOICE_NOT, list, AT_VALUE,
					"Not in state '%s' takes one rule object", s->name);
	} else if (!list->child) {
		return v_report(v, R_CHOICE_AND_OR, list, AT_VALUE,
				"%s in state '%s' is empty", kw, s->name);
	}
	for (size_t i = 0; i < r->nr_children; i++)
		check_rule(v, s, &r->children[i], 0);
}

static void check_members(struct vctx *v, const struct asl_state *s,
			  const struct asl_rule *r, int top)
{
	for (const cJSON *m = r->json->child; m; m = m->next) {
		int is_path;
		if (operator_of(m->string, &is_path) != ASL_CMP_NONE)
			continue;
		if (!is_rule_field(m->string))
			report_unknown_member(v, s, m);
		else if (!top && (!strcmp(m->string, "Next") || !strcmp(m->string, "Assign") ||
				  !strcmp(m->string, "Output")))
			v_report(v, R_CHOICE_NEXT, m, AT_KEY,
				 "a nested Choice rule of state '%s' cannot have %s",
				 s->name, m->string);
		else if (!strcmp(m->string, "Next") && !cJSON_IsString(m))
			v_report(v, R_FIELD_TYPE, m, AT_VALUE, "Next must be a string");
	}
	if (top && !v_field(r->json, "Next"))
		v_report(v, R_CHOICE_NEXT, r->json, AT_VALUE,
			 "a Choice rule of state '%s' has no Next", s->name);
}

static void check_condition(struct vctx *v, const struct asl_state *s,
			    const struct asl_rule *r)
{
	if (s->flow.lang != ASL_QL_JSONATA)
		return v_report(v, R_CHOICE_CONDITION, v_field(r->json, "Condition"),
				AT_KEY, "Condition is for JSONata Choice rules; state "
				"'%s' uses JSONPath", s->name);
	for (const cJSON *m = r->json->child; m; m = m->next) {
		int is_path;
		if (operator_of(m->string, &is_path) != ASL_CMP_NONE ||
		    !strcmp(m->string, "Variable"))
			v_report(v, R_CHOICE_CONDITION, m, AT_KEY,
				 "JSONata Choice rules use Condition, not %s", m->string);
	}
	if (!cJSON_IsString(r->operand) && !cJSON_IsBool(r->operand))
		return v_report(v, R_FIELD_TYPE, r->operand, AT_VALUE,
				"Condition must be a JSONata string or a boolean");
	v_jsonata(v, r->operand, JA_INPUT);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
static void check_rule(struct vctx *v, const struct asl_state *s,
		       const struct asl_rule *r, int top)
{
	if (!cJSON_IsObject(r->json))
		return v_report(v, R_CHOICES_EMPTY, r->json, AT_VALUE,
				"a Choice rule of state '%s' must be an object", s->name);
	check_members(v, s, r, top);
	if (top) {
		const cJSON *a = v_field(r->json, "Assign");
		if (s->flow.lang == ASL_QL_JSONATA) {
			v_jsonata(v, a, JA_INPUT);
			v_jsonata(v, v_field(r->json, "Output"), JA_INPUT);
		} else if (cJSON_IsObject(a)) {
			v_template(v, a);
		}
		v_assign_names(v, a);
	}
	switch (r->kind) {
	case ASL_RULE_CMP: check_comparison(v, s, r); break;
	case ASL_RULE_AND: case ASL_RULE_OR: case ASL_RULE_NOT:
		check_compound(v, s, r);
		break;
	case ASL_RULE_CONDITION: check_condition(v, s, r); break;
	}
}

void v_choice_state(struct vctx *v, const struct asl_machine *m,
		    const struct asl_state *s)
{
	(void)m;
	const cJSON *choices = v_field(s->json, "Choices");
	if (cJSON_IsArray(choices) && !choices->child)
		v_report(v, R_CHOICES_EMPTY, choices, AT_VALUE,
			 "Choices of state '%s' is empty", s->name);
	for (size_t i = 0; i < s->nr_choices; i++)
		check_rule(v, s, &s->choices[i], 1);
	if (!v_field(s->json, "Default") && !v->fragment && s->nr_choices)
		v_report(v, R_CHOICE_NO_DEFAULT, s->json, AT_KEY,
			 "Choice state '%s' has no Default: when no rule matches, the "
			 "execution fails with States.NoChoiceMatched", s->name);
}
