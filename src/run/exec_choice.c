/* exec_choice.c - Choice rules: every comparison operator and its ...Path
 * variant, the Is* tests, And/Or/Not, Default, States.NoChoiceMatched.
 * The operator registry is asl_cmp_table (asl.h); this file only says what
 * each operator means.  A comparison whose value has the wrong type is
 * false, as in AWS; a Variable that selects nothing is an error except for
 * IsPresent. */
#include <math.h>
#include <string.h>

#include "dataflow.h"
#include "timestamp.h"
#include "banned.h"

/* StringMatches: '*' matches any run of characters; '\*' a literal star and
 * '\\' a literal backslash.  Iterative with one backtrack point, so hostile
 * patterns stay linear-ish. */
static int glob(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;
	for (;;) {
		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (!*p && !*s)
			return 1;
		char pc = *p;
		int adv = 1;
		if (pc == '\\' && (p[1] == '*' || p[1] == '\\')) {
			pc = p[1];
			adv = 2;
		}
		if (*p && *s && pc == *s) {
			p += adv;
			s++;
			continue;
		}
		if (!star_p || !*star_s)
			return 0;
		p = star_p;
		s = ++star_s;
	}
}

static int cmp3(double d)
{
	return d < 0 ? -1 : d > 0;
}

/* -2 when a and b cannot be compared for this operand kind. */
static int compare(enum asl_operand kind, const cJSON *a, const cJSON *b)
{
	int64_t ta, tb;
	switch (kind) {
	case ASL_OPERAND_STRING:
		if (!cJSON_IsString(a) || !cJSON_IsString(b))
			return -2;
		return cmp3(strcmp(a->valuestring, b->valuestring));
	case ASL_OPERAND_NUMBER:
		if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b))
			return -2;
		return cmp3(a->valuedouble - b->valuedouble);
	case ASL_OPERAND_BOOLEAN:
		if (!cJSON_IsBool(a) || !cJSON_IsBool(b))
			return -2;
		return cJSON_IsTrue(a) == cJSON_IsTrue(b) ? 0 : 1;
	case ASL_OPERAND_TIMESTAMP:
		if (!cJSON_IsString(a) || !cJSON_IsString(b) ||
		    timestamp_parse(a->valuestring, &ta) ||
		    timestamp_parse(b->valuestring, &tb))
			return -2;
		return ta < tb ? -1 : ta > tb;
	}
	return -2;
}

static int test_is(enum asl_cmp op, const cJSON *v)
{
	int64_t t;
	switch (op) {
	case ASL_CMP_IS_NULL:
		return cJSON_IsNull(v);
	case ASL_CMP_IS_NUMERIC:
		return cJSON_IsNumber(v);
	case ASL_CMP_IS_STRING:
		return cJSON_IsString(v);
	case ASL_CMP_IS_BOOLEAN:
		return cJSON_IsBool(v);
	case ASL_CMP_IS_TIMESTAMP:
		return cJSON_IsString(v) && !timestamp_parse(v->valuestring, &t);
	default:
		return 0;
	}
}

static int apply(enum asl_cmp op, const cJSON *v, const cJSON *operand)
{
	if (op >= ASL_CMP_IS_NULL)
		return test_is(op, v) == cJSON_IsTrue(operand);
	if (op == ASL_CMP_STRING_MATCHES)
		return cJSON_IsString(v) && cJSON_IsString(operand) &&
		       glob(operand->valuestring, v->valuestring);
	int c = compare(asl_cmp_table[op].operand, v, operand);
	if (c == -2)
		return 0;
	switch (op) {
	case ASL_CMP_STRING_LESS_THAN:
	case ASL_CMP_NUMERIC_LESS_THAN:
	case ASL_CMP_TIMESTAMP_LESS_THAN:
		return c < 0;
	case ASL_CMP_STRING_GREATER_THAN:
	case ASL_CMP_NUMERIC_GREATER_THAN:
	case ASL_CMP_TIMESTAMP_GREATER_THAN:
		return c > 0;
	case ASL_CMP_STRING_LESS_THAN_EQUALS:
	case ASL_CMP_NUMERIC_LESS_THAN_EQUALS:
	case ASL_CMP_TIMESTAMP_LESS_THAN_EQUALS:
		return c <= 0;
	case ASL_CMP_STRING_GREATER_THAN_EQUALS:
	case ASL_CMP_NUMERIC_GREATER_THAN_EQUALS:
	case ASL_CMP_TIMESTAMP_GREATER_THAN_EQUALS:
		return c >= 0;
	default:
		return c == 0;
	}
}

static int invalid_path(struct frame *fr, const char *path)
{
	if (!fr->err.error)
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"Invalid path '%s': The choice state's condition "
				"path references an invalid value.", path);
	return -1;
}

/* 1 true, 0 false, -1 error (fr->err). */
static int eval_cmp(struct exec *x, struct frame *fr, const struct asl_rule *r,
		    const cJSON *in)
{
	if (!r->variable || r->cmp == ASL_CMP_NONE) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The choice rule has no comparison.");
		return -1;
	}
	cJSON *v_owned = NULL, *op_owned = NULL;
	const cJSON *v = fr->flow->value_ref(x, fr, &r->compiled.variable, in,
					     &v_owned);
	if (r->cmp == ASL_CMP_IS_PRESENT) {
		int present = v != NULL;
		cJSON_Delete(v_owned);
		if (fr->err.error)
			return -1;
		return present == cJSON_IsTrue(r->operand);
	}
	if (!v)
		return invalid_path(fr, r->variable);
	const cJSON *operand = r->operand;
	if (r->cmp_is_path) {
		const char *p = cJSON_IsString(r->operand) ? r->operand->valuestring : "";
		operand = fr->flow->value_ref(x, fr, &r->compiled.operand, in, &op_owned);
		if (!operand) {
			cJSON_Delete(v_owned);
			return invalid_path(fr, p);
		}
	}
	int ok = apply(r->cmp, v, operand);
	cJSON_Delete(v_owned);
	cJSON_Delete(op_owned);
	return ok;
}

/* A JSONata Condition: 1 true, 0 false, -1 error (not a boolean). */
static int eval_condition(struct exec *x, struct frame *fr,
			  const struct asl_rule *r, const cJSON *in)
{
	int bad;
	cJSON *v = fr->flow->value(x, fr, &r->compiled.condition, in, &bad);
	if (!v)
		return -1;
	int rc = cJSON_IsBool(v) ? cJSON_IsTrue(v)
		: dataflow_jsonata_type_error(x, fr, &r->compiled.condition, v,
					      "a boolean");
	cJSON_Delete(v);
	return rc;
}

/* Bounded by the rule nesting the model accepted (cJSON depth limit). */
static int eval_rule(struct exec *x, struct frame *fr, const struct asl_rule *r,
		     const cJSON *in)
{
	switch (r->kind) {
	case ASL_RULE_CMP:
		return eval_cmp(x, fr, r, in);
	case ASL_RULE_NOT: {
		if (!r->nr_children)
			return 0;
		int v = eval_rule(x, fr, &r->children[0], in);
		return v < 0 ? v : !v;
	}
	case ASL_RULE_AND:
	case ASL_RULE_OR:
		for (size_t i = 0; i < r->nr_children; i++) {
			int v = eval_rule(x, fr, &r->children[i], in);
			if (v < 0)
				return v;
			if (v == (r->kind == ASL_RULE_OR))
				return v;
		}
		return r->kind == ASL_RULE_AND;
	case ASL_RULE_CONDITION:
		return eval_condition(x, fr, r, in);
	}
	return -1;
}

/* A JSONata Choice's own Assign applies whichever rule matched, before the
 * rule's (AWS: "regardless of which choice rule matched"); a JSONPath
 * Choice's only on Default. */
static int state_assign(struct exec *x, struct frame *fr, const cJSON *eff)
{
	const struct asl_expr *a = &fr->state->flow.compiled.assign;
	if (a->kind != ASL_EXPR_JSONATA)
		return 0;
	return fr->flow->assign(x, fr, a, eff);
}

/* Picks the next state; the data flow passes the effective input on. */
int exec_choice_(struct exec *x, struct frame *fr)
{
	const struct asl_state *s = fr->state;
	const cJSON *eff = fr->eff;
	int next = -2;
	for (size_t i = 0; i < s->nr_choices && next == -2; i++) {
		const struct asl_rule *r = &s->choices[i];
		int v = eval_rule(x, fr, r, eff);
		if (v < 0 || (v && state_assign(x, fr, eff)) ||
		    (v && fr->flow->assign(x, fr, &r->compiled.assign, eff)))
			return -1;
		if (v) {
			next = r->next_index;
			fr->rule = (int)i;
		}
	}
	if (next == -2 && s->default_next) {
		next = s->default_index;
		if (fr->flow->assign(x, fr, &s->flow.compiled.assign, eff))
			return -1;
	}
	if (next == -2) {
		exec_err_set_(&fr->err, "States.NoChoiceMatched", "No Matches!");
		return -1;
	}
	fr->next = next;
	return 0;
}
