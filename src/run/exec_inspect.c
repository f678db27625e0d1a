/* exec_inspect.c - the inspection recorder (exec.h): with
 * exec_options.inspect, each visit's frame owns an exec_inspection that the
 * data-flow implementations and the state types fill at every stage; the
 * run loop hands it to the visit's record.  Off, every call here is one
 * test of a NULL pointer.
 * Not here: what a stage computes (dataflow*.c, exec_*.c), printing it
 * (cli/cmd_test_state.c, the site's panels). */
#include <stdlib.h>

#include "exec_frame.h"
#include "xalloc.h"
#include "banned.h"

static const char *const stage_names[EXEC_NR_STAGES] = {
	[EXEC_STAGE_INPUT] = "input",
	[EXEC_STAGE_AFTER_INPUT_PATH] = "afterInputPath",
	[EXEC_STAGE_AFTER_PARAMETERS] = "afterParameters",
	[EXEC_STAGE_AFTER_ARGUMENTS] = "afterArguments",
	[EXEC_STAGE_AFTER_ITEMS_PATH] = "afterItemsPath",
	[EXEC_STAGE_AFTER_ITEM_SELECTOR] = "afterItemSelector",
	[EXEC_STAGE_AFTER_ITEM_BATCHER] = "afterItemBatcher",
	[EXEC_STAGE_RESULT] = "result",
	[EXEC_STAGE_AFTER_RESULT_SELECTOR] = "afterResultSelector",
	[EXEC_STAGE_AFTER_RESULT_PATH] = "afterResultPath",
	[EXEC_STAGE_OUTPUT] = "output",
	[EXEC_STAGE_VARIABLES] = "variables",
	[EXEC_STAGE_ERROR] = "error",
	[EXEC_STAGE_MAX_CONCURRENCY] = "maxConcurrency",
	[EXEC_STAGE_TOLERATED_FAILURE_COUNT] = "toleratedFailureCount",
	[EXEC_STAGE_TOLERATED_FAILURE_PERCENTAGE] = "toleratedFailurePercentage",
};

const char *exec_stage_name(enum exec_stage k)
{
	return (unsigned)k < EXEC_NR_STAGES ? stage_names[k] : "";
}

void exec_inspection_free(struct exec_inspection *in)
{
	if (!in)
		return;
	for (int k = 0; k < EXEC_NR_STAGES; k++)
		cJSON_Delete(in->stage[k]);
	free(in);
}

void exec_inspect_begin_(struct exec *x, struct frame *fr)
{
	if (x->opt->inspect && !fr->insp)
		fr->insp = xcalloc(1, sizeof(*fr->insp));
}

void exec_inspect_end_(struct exec *x, struct frame *fr, int attach)
{
	struct exec_result *r = x->res;
	if (!fr->insp)
		return;
	if (attach && r->nr_visits && !r->visits[r->nr_visits - 1].inspection)
		r->visits[r->nr_visits - 1].inspection = fr->insp;
	else
		exec_inspection_free(fr->insp);
	fr->insp = NULL;
}

static void put(struct frame *fr, enum exec_stage k, cJSON *v)
{
	cJSON_Delete(fr->insp->stage[k]);
	fr->insp->stage[k] = v;
}

void exec_record_(struct frame *fr, enum exec_stage k, const cJSON *v)
{
	if (fr->insp && v)
		put(fr, k, cJSON_Duplicate(v, 1));
}

void exec_record_number_(struct frame *fr, enum exec_stage k, double v)
{
	if (fr->insp)
		put(fr, k, cJSON_CreateNumber(v));
}

void exec_record_error_(struct frame *fr)
{
	if (!fr->insp || !fr->err.error)
		return;
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "Error", fr->err.error);
	if (fr->err.cause)
		cJSON_AddStringToObject(e, "Cause", fr->err.cause);
	put(fr, EXEC_STAGE_ERROR, e);
}

/* Every variable the frame sees: outer scopes first, inner ones win. */
void exec_record_variables_(struct frame *fr)
{
	const struct vscope *chain[EXEC_MAX_DEPTH * 2 + 2];
	size_t n = 0;
	if (!fr->insp)
		return;
	for (const struct vscope *s = fr->scope; s && n < sizeof(chain) / sizeof(*chain);
	     s = s->parent)
		chain[n++] = s;
	cJSON *all = cJSON_CreateObject();
	while (n--)
		for (const cJSON *v = chain[n]->vars ? chain[n]->vars->child : NULL;
		     v; v = v->next)
			exec_set_item_(all, v->string, cJSON_Duplicate(v, 1));
	if (!all->child) {
		cJSON_Delete(all);
		return;
	}
	put(fr, EXEC_STAGE_VARIABLES, all);
}
