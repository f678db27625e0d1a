/* dataflow.c - choosing a state's data flow by its query language, and the
 * stages after a state's work, which are the same for every state type
 * (dataflow.h).  The JSONata slot lives here until its engine lands: it
 * refuses the machine up front (exec_check_supported) with a located
 * run/unsupported error, so a JSONata state never reaches the run loop.
 * Not here: the JSONPath stages themselves (dataflow_jsonpath.c). */
#include "dataflow.h"

#include "banned.h"

const struct dataflow *dataflow_for(const struct asl_state *s)
{
	return s->flow.lang == ASL_QL_JSONATA ? &dataflow_jsonata
					       : &dataflow_jsonpath;
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

/* ---- the JSONata slot -------------------------------------------------- */

static void jsonata_check(const struct asl_machine *m, const struct asl_state *s,
			  struct diag_list *diags)
{
	const cJSON *ql = cJSON_GetObjectItemCaseSensitive(s->json, "QueryLanguage");
	if (ql)
		diag_error(diags, doc_key_pos(m->doc, ql), "run/unsupported",
			   "%s is not supported by stepbook run yet",
			   "the JSONata query language");
}

static int jsonata_refuse(struct exec *x, struct frame *fr)
{
	(void)x;
	exec_err_state_(&fr->err, fr, "States.Runtime",
			"The JSONata query language is not supported by "
			"stepbook run yet.");
	return -1;
}

/* Only enter is reached: it fails, so the state does nothing else. */
const struct dataflow dataflow_jsonata = {
	.language = "JSONata",
	.check = jsonata_check,
	.enter = jsonata_refuse,
};
