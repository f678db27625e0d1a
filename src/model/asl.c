/* asl.c - model lifetime, lookups, the operator table and rule labels.
 * Building the model from JSON is asl_build.c. */
#include "asl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "banned.h"

const struct asl_cmp_info asl_cmp_table[ASL_CMP_COUNT] = {
	{ "StringEquals", "StringEqualsPath", "==", ASL_OPERAND_STRING },
	{ "StringLessThan", "StringLessThanPath", "<", ASL_OPERAND_STRING },
	{ "StringGreaterThan", "StringGreaterThanPath", ">", ASL_OPERAND_STRING },
	{ "StringLessThanEquals", "StringLessThanEqualsPath", "<=", ASL_OPERAND_STRING },
	{ "StringGreaterThanEquals", "StringGreaterThanEqualsPath", ">=", ASL_OPERAND_STRING },
	{ "StringMatches", NULL, "matches", ASL_OPERAND_STRING },
	{ "NumericEquals", "NumericEqualsPath", "==", ASL_OPERAND_NUMBER },
	{ "NumericLessThan", "NumericLessThanPath", "<", ASL_OPERAND_NUMBER },
	{ "NumericGreaterThan", "NumericGreaterThanPath", ">", ASL_OPERAND_NUMBER },
	{ "NumericLessThanEquals", "NumericLessThanEqualsPath", "<=", ASL_OPERAND_NUMBER },
	{ "NumericGreaterThanEquals", "NumericGreaterThanEqualsPath", ">=", ASL_OPERAND_NUMBER },
	{ "BooleanEquals", "BooleanEqualsPath", "==", ASL_OPERAND_BOOLEAN },
	{ "TimestampEquals", "TimestampEqualsPath", "==", ASL_OPERAND_TIMESTAMP },
	{ "TimestampLessThan", "TimestampLessThanPath", "<", ASL_OPERAND_TIMESTAMP },
	{ "TimestampGreaterThan", "TimestampGreaterThanPath", ">", ASL_OPERAND_TIMESTAMP },
	{ "TimestampLessThanEquals", "TimestampLessThanEqualsPath", "<=", ASL_OPERAND_TIMESTAMP },
	{ "TimestampGreaterThanEquals", "TimestampGreaterThanEqualsPath", ">=", ASL_OPERAND_TIMESTAMP },
	{ "IsNull", NULL, "null", ASL_OPERAND_BOOLEAN },
	{ "IsPresent", NULL, "present", ASL_OPERAND_BOOLEAN },
	{ "IsNumeric", NULL, "numeric", ASL_OPERAND_BOOLEAN },
	{ "IsString", NULL, "a string", ASL_OPERAND_BOOLEAN },
	{ "IsBoolean", NULL, "a boolean", ASL_OPERAND_BOOLEAN },
	{ "IsTimestamp", NULL, "a timestamp", ASL_OPERAND_BOOLEAN },
};

static const char *const type_names[] = {
	[ASL_TASK] = "Task",	     [ASL_PASS] = "Pass",
	[ASL_CHOICE] = "Choice",     [ASL_WAIT] = "Wait",
	[ASL_SUCCEED] = "Succeed",   [ASL_FAIL] = "Fail",
	[ASL_PARALLEL] = "Parallel", [ASL_MAP] = "Map",
	[ASL_UNKNOWN] = "?",
};

const char *asl_type_name(enum asl_type t)
{
	return type_names[t];
}

enum asl_type asl_type_from_name(const char *name)
{
	for (int t = 0; t < ASL_UNKNOWN; t++)
		if (name && !strcmp(name, type_names[t]))
			return (enum asl_type)t;
	return ASL_UNKNOWN;
}

const struct asl_state_exprs asl_no_state_exprs_;

/* Each struct's compiled block is a run of struct asl_expr. */
static void exprs_release(struct asl_expr *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		asl_expr_release(&e[i]);
}

#define EXPRS_RELEASE(block) \
	exprs_release((struct asl_expr *)&(block), sizeof(block) / sizeof(struct asl_expr))

static void rules_release(struct asl_rule *rules, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		rules_release(rules[i].children, rules[i].nr_children);
		EXPRS_RELEASE(rules[i].compiled); /* Condition and Output too */
	}
	free(rules);
}

static void state_release(struct asl_state *s)
{
	rules_release(s->choices, s->nr_choices);
	for (size_t i = 0; i < s->nr_retry; i++)
		free(s->retry[i].errors);
	free(s->retry);
	for (size_t i = 0; i < s->nr_catchers; i++) {
		free(s->catchers[i].errors);
		EXPRS_RELEASE(s->catchers[i].compiled);
	}
	free(s->catchers);
	EXPRS_RELEASE(s->flow.compiled);
	if (s->compiled && s->compiled != &asl_no_state_exprs_) {
		/* the state's own block (asl_build.c allocated it writable) */
		struct asl_state_exprs *own = (void *)(uintptr_t)s->compiled;
		EXPRS_RELEASE(*own);
		free(own);
	}
	for (size_t i = 0; i < s->nr_branches; i++)
		asl_free(s->branches[i]);
	free(s->branches);
}

/* Recursion is bounded by ASL_MAX_NESTING. */
void asl_free(struct asl_machine *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr_states; i++)
		state_release(&m->states[i]);
	free(m->states);
	strmap_release(&m->by_name);
	strmap_release(&m->exprs);
	free(m);
}

const struct asl_state *asl_state_get(const struct asl_machine *m,
				      const char *name)
{
	return name ? strmap_get(&m->by_name, name, strlen(name)) : NULL;
}

const struct asl_expr *asl_expr_at(const struct asl_machine *m,
				   const cJSON *node)
{
	while (m->parent)
		m = m->parent;
	return node ? strmap_get(&m->exprs, (const char *)&node, sizeof(node)) : NULL;
}

int asl_state_index(const struct asl_machine *m, const char *name)
{
	const struct asl_state *s = asl_state_get(m, name);
	return s ? (int)(s - m->states) : -1;
}

size_t asl_count_states(const struct asl_machine *m)
{
	size_t n = m->nr_states;
	for (size_t i = 0; i < m->nr_states; i++)
		for (size_t j = 0; j < m->states[i].nr_branches; j++)
			n += asl_count_states(m->states[i].branches[j]);
	return n;
}

/* ---- rule labels ------------------------------------------------------ */

static void add_operand(const struct asl_rule *r, struct buf *out)
{
	const cJSON *v = r->operand;
	if (r->cmp_is_path && cJSON_IsString(v)) {
		buf_adds(out, v->valuestring);
		return;
	}
	char *text = v ? cJSON_PrintUnformatted(v) : NULL;
	buf_adds(out, text ? text : "?");
	cJSON_free(text);
}

static void describe_cmp(const struct asl_rule *r, struct buf *out)
{
	buf_adds(out, r->variable ? r->variable : "?");
	if (r->cmp == ASL_CMP_NONE) {
		buf_adds(out, " ?");
		return;
	}
	const struct asl_cmp_info *info = &asl_cmp_table[r->cmp];
	if (r->cmp >= ASL_CMP_IS_NULL) {
		int yes = !cJSON_IsFalse(r->operand);
		buf_addf(out, " is %s%s", yes ? "" : "not ", info->symbol);
		return;
	}
	buf_addf(out, " %s ", info->symbol);
	add_operand(r, out);
}

static void describe_child(const struct asl_rule *r, struct buf *out)
{
	int compound = r->kind == ASL_RULE_AND || r->kind == ASL_RULE_OR;
	if (compound)
		buf_addc(out, '(');
	asl_rule_describe(r, out);
	if (compound)
		buf_addc(out, ')');
}

/* Recursion is bounded by the document's nesting limit. */
void asl_rule_describe(const struct asl_rule *r, struct buf *out)
{
	switch (r->kind) {
	case ASL_RULE_CMP:
		describe_cmp(r, out);
		break;
	case ASL_RULE_AND:
	case ASL_RULE_OR:
		for (size_t i = 0; i < r->nr_children; i++) {
			if (i)
				buf_adds(out, r->kind == ASL_RULE_AND ? " and " : " or ");
			describe_child(&r->children[i], out);
		}
		break;
	case ASL_RULE_NOT:
		buf_adds(out, "not ");
		if (r->nr_children)
			describe_child(&r->children[0], out);
		break;
	case ASL_RULE_CONDITION:
		buf_adds(out, cJSON_IsString(r->operand) ? r->operand->valuestring : "?");
		break;
	}
}
