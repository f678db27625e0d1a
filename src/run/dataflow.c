/* dataflow.c - choosing a state's data flow by its query language, and the
 * stages after a state's work, which are the same for every state type
 * (dataflow.h).
 * Not here: the stages themselves (dataflow_jsonpath.c, dataflow_jsonata.c). */
#include "dataflow.h"

#include "banned.h"

const struct dataflow *dataflow_for(const struct asl_state *s)
{
	return s->flow.lang == ASL_QL_JSONATA ? &dataflow_jsonata
					       : &dataflow_jsonpath;
}

const struct asl_expr *dataflow_arguments_of(const struct asl_state *s)
{
	if (s->flow.compiled.arguments.json)
		return &s->flow.compiled.arguments;
	if (s->flow.parameters)
		return &s->flow.compiled.parameters;
	return NULL;
}

/* The types whose output is their effective input, not a result. */
static int passes_input_on(enum asl_type t)
{
	return t == ASL_CHOICE || t == ASL_WAIT || t == ASL_SUCCEED;
}

int dataflow_leave(struct exec *x, struct frame *fr)
{
	const struct dataflow *f = fr->flow;
	const struct asl_state *s = fr->state;
	cJSON *result = fr->result, *placed = NULL;
	if (s->type == ASL_FAIL)
		return 0;
	/* a Choice assigned when it chose; Succeed has no Assign */
	if (s->type == ASL_WAIT &&
	    f->assign(x, fr, &s->flow.compiled.assign, fr->eff))
		return -1;
	if (passes_input_on(s->type))
		return f->output(x, fr, exec_take_eff_(x, fr, 1));
	fr->result = NULL;
	if (!fr->shaped && f->shape(x, fr, result, &result))
		return -1;
	if (f->assign(x, fr, &s->flow.compiled.assign, result)) {
		cJSON_Delete(result);
		return -1;
	}
	if (f->place(x, fr, result, &placed))
		return -1;
	return f->output(x, fr, placed);
}
