/* exec_support.c - what `stepbook run` cannot execute yet, said up front.
 * A machine that uses such a feature is refused with a located error rather
 * than run with the feature silently ignored: a course must never record an
 * output that Step Functions would not produce. */
#include "dataflow.h"

#include "banned.h"

static void check_state(const struct asl_machine *m, const struct asl_state *s,
			struct diag_list *diags)
{
	const struct dataflow *f = dataflow_for(s);
	if (f->check)
		f->check(m, s, diags);
}

/* Recursion is bounded by ASL_MAX_NESTING. */
int exec_check_supported(const struct asl_machine *m, struct diag_list *diags)
{
	size_t before = diags->errors;
	for (size_t i = 0; i < m->nr_states; i++) {
		const struct asl_state *s = &m->states[i];
		check_state(m, s, diags);
		for (size_t b = 0; b < s->nr_branches; b++)
			exec_check_supported(s->branches[b], diags);
	}
	return diags->errors > before ? -1 : 0;
}

int exec_check_state_supported(const struct asl_machine *m,
			       const struct asl_state *s, struct diag_list *diags)
{
	size_t before = diags->errors;
	const struct dataflow *f = dataflow_for(s);
	if (f->check)
		f->check(m, s, diags);
	return diags->errors > before ? -1 : 0;
}
