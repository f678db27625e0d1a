/* exec_parallel.c - Parallel branches and Map iterations (INLINE, and
 * DISTRIBUTED over the input's items with ItemBatcher and tolerated
 * failures).  Branches and iterations run one after another in C but side
 * by side in virtual time: each starts at its slot's time (MaxConcurrency
 * slots, unlimited when 0) and the state ends when the last one does.
 * Results are always in branch / item order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataflow.h"
#include "xalloc.h"
#include "banned.h"

/* Items of one Map: the payload limit already bounds them; this caps what
 * a --max-payload raised by hand can make us schedule. */
#define MAP_MAX_ITEMS 1000000

/* The branches' input: Parameters on the effective input, or a copy. */
static int branch_input(struct exec *x, struct frame *fr, cJSON **out)
{
	const struct asl_state *s = fr->state;
	if (!s->flow.parameters) {
		*out = exec_copy_(x, fr->eff);
		return 0;
	}
	return fr->flow->arguments(x, fr, &s->flow.compiled.parameters, fr->eff,
				   out);
}

/* Runs sub-machine m on input (consumed) in a fresh variable scope inside
 * the frame's (a Distributed Map's child execution sees none: no_outer). */
static int run_child_in(struct exec *x, struct frame *fr,
			const struct asl_machine *m, cJSON *input,
			const cJSON *item, cJSON **out, struct exec_err *err,
			int no_outer)
{
	if (x->depth >= EXEC_MAX_DEPTH) {
		cJSON_Delete(input);
		exec_err_set_(err, "States.Runtime", "Nesting too deep.");
		return -1;
	}
	struct vscope scope = { cJSON_CreateObject(), no_outer ? NULL : fr->scope };
	x->depth++;
	int rc = exec_machine_(x, m, input, &scope, item, out, err);
	x->depth--;
	cJSON_Delete(scope.vars);
	return rc;
}

static int run_child(struct exec *x, struct frame *fr, const struct asl_machine *m,
		     cJSON *input, const cJSON *item, cJSON **out,
		     struct exec_err *err)
{
	return run_child_in(x, fr, m, input, item, out, err, 0);
}

/* ---- Parallel --------------------------------------------------------- */

static int parallel_attempt(struct exec *x, struct frame *fr, cJSON **result)
{
	const struct asl_state *s = fr->state;
	cJSON *in = NULL;
	if (branch_input(x, fr, &in))
		return -1;
	long started = exec_event_(x, "ParallelStateStarted", NULL, NULL);
	int64_t start = x->clock.now, end = start;
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < s->nr_branches; i++) {
		cJSON *o = NULL;
		struct exec_err err = { NULL, NULL };
		x->clock.now = start;
		if (x->res->history)
			x->prev_event = started; /* each branch follows the start */
		if (run_child(x, fr, s->branches[i], cJSON_Duplicate(in, 1), NULL,
			      &o, &err)) {
			fr->err = err;
			cJSON_Delete(arr);
			cJSON_Delete(in);
			exec_event_(x, "ParallelStateFailed", NULL, NULL);
			return -1;
		}
		cJSON_AddItemToArray(arr, o);
		if (x->clock.now > end)
			end = x->clock.now;
	}
	x->clock.now = end;
	cJSON_Delete(in);
	exec_event_(x, "ParallelStateSucceeded", NULL, NULL);
	*result = arr;
	return 0;
}

/* Runs the branches under Retry; the data flow places their results. */
int exec_parallel_(struct exec *x, struct frame *fr)
{
	return exec_with_retry_(x, fr, parallel_attempt, &fr->result);
}

/* ---- Map -------------------------------------------------------------- */

struct map_run {
	const cJSON *eff;   /* the Map's effective input (the frame's) */
	const cJSON *items; /* the array iterated (inside eff, or owned) */
	cJSON *items_owned;
	long max_conc;   /* 0 = unlimited */
	int64_t *slots;  /* free time per slot */
	size_t nslots;
	long failed, total;
	long started; /* the MapStateStarted event */
	const struct exec_map_hook *hook; /* Distributed Map: child executions */
};

static int items_of(struct exec *x, struct frame *fr, struct map_run *mr)
{
	const struct asl_expr *ip = &fr->state->compiled.items_path;
	if (cJSON_IsString(ip->json)) {
		mr->items = fr->flow->select(x, fr, ip, mr->eff, &mr->items_owned);
		if (!mr->items)
			return -1;
	} else
		mr->items = mr->eff;
	if (!cJSON_IsArray(mr->items) || cJSON_GetArraySize(mr->items) > MAP_MAX_ITEMS) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"Invalid path '%s': The ItemsPath field must "
				"select an array.",
				cJSON_IsString(ip->json) ? asl_expr_text(ip) : "$");
		return -1;
	}
	return 0;
}

/* The input of iteration i: ItemSelector (or legacy Parameters) evaluated
 * against the Map's input with $$.Map.Item set, else the item itself. */
static int item_input(struct exec *x, struct frame *fr, struct map_run *mr,
		      long i, const cJSON *value, cJSON **out)
{
	const struct asl_state *s = fr->state;
	const struct asl_expr *tmpl = s->item_selector ? &s->compiled.item_selector
			: s->flow.parameters ? &s->flow.compiled.parameters : NULL;
	if (!tmpl) {
		*out = cJSON_Duplicate(value, 1);
		return 0;
	}
	cJSON *item = cJSON_CreateObject();
	cJSON_AddNumberToObject(item, "Index", (double)i);
	cJSON_AddItemReferenceToObject(item, "Value", (cJSON *)value);
	const cJSON *saved = fr->map_item;
	fr->map_item = item;
	int rc = fr->flow->arguments(x, fr, tmpl, mr->eff, out);
	fr->map_item = saved;
	exec_context_forget_(x);
	cJSON_Delete(item);
	return rc;
}

/* Picks the slot free first and moves the clock to its time.  With a slot
 * per item (no MaxConcurrency) item i simply takes slot i: every slot not
 * yet used is free at 'start', the earliest time there is. */
static size_t take_slot(struct exec *x, struct map_run *mr, int64_t start,
			long i)
{
	if ((size_t)i < mr->nslots && mr->nslots == (size_t)mr->total) {
		x->clock.now = start;
		return (size_t)i;
	}
	size_t best = 0;
	for (size_t k = 1; k < mr->nslots; k++)
		if (mr->slots[k] < mr->slots[best])
			best = k;
	x->clock.now = mr->slots[best] > start ? mr->slots[best] : start;
	return best;
}

/* {"name", "index"} of a MapIteration event, when the history is kept. */
static cJSON *iteration_details(struct exec *x, const struct asl_state *s,
				long i)
{
	if (!x->res->history)
		return NULL;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "name", s->name);
	cJSON_AddNumberToObject(d, "index", (double)i);
	return d;
}

/* A Distributed Map's child execution: the hook owns what it became. */
static int hooked_iteration(struct exec *x, struct frame *fr,
			    struct map_run *mr, long i, cJSON *input)
{
	cJSON *o = NULL;
	struct exec_err err = { NULL, NULL };
	mr->hook->begin(x, mr->hook->ctx, i, input);
	int rc = run_child_in(x, fr, fr->state->branches[0], input, NULL, &o,
			      &err, 1);
	mr->failed += rc != 0;
	return mr->hook->end(x, fr, mr->hook->ctx, i, rc, o, &err);
}

static int iteration(struct exec *x, struct frame *fr, struct map_run *mr,
		     long i, cJSON *input, cJSON *results)
{
	const struct asl_state *s = fr->state;
	if (mr->hook)
		return hooked_iteration(x, fr, mr, i, input);
	cJSON *o = NULL;
	struct exec_err err = { NULL, NULL };
	if (x->res->history)
		x->prev_event = mr->started; /* each iteration follows the start */
	exec_event_(x, "MapIterationStarted", "mapIterationStartedEventDetails",
		    iteration_details(x, s, i));
	int rc = run_child(x, fr, s->branches[0], input, NULL, &o, &err);
	exec_event_(x, rc ? "MapIterationFailed" : "MapIterationSucceeded",
		    rc ? "mapIterationFailedEventDetails"
		       : "mapIterationSucceededEventDetails",
		    iteration_details(x, s, i));
	if (rc == 0) {
		cJSON_AddItemToArray(results, o);
		return 0;
	}
	mr->failed++;
	if (!s->distributed || x->stop != EXEC_RUNNING) {
		fr->err = err;
		return -1;
	}
	cJSON *eo = cJSON_CreateObject();
	cJSON_AddStringToObject(eo, "Error", err.error);
	if (err.cause)
		cJSON_AddStringToObject(eo, "Cause", err.cause);
	cJSON_AddItemToArray(results, eo);
	exec_err_release_(&err);
	return 0;
}

/* Distributed Map: over the tolerated failures? */
static int over_tolerance(const struct asl_state *s, const struct map_run *mr)
{
	const cJSON *c = s->tolerated_failure_count;
	const cJSON *p = s->tolerated_failure_percentage;
	if (!mr->failed)
		return 0;
	int count_ok = cJSON_IsNumber(c) && mr->failed <= (long)c->valuedouble;
	int pct_ok = cJSON_IsNumber(p) && mr->total &&
		     100.0 * (double)mr->failed / (double)mr->total <= p->valuedouble;
	return !count_ok && !pct_ok;
}

/* Groups the selected inputs into ItemBatcher batches. */
static cJSON *batch_inputs(struct exec *x, struct frame *fr, struct map_run *mr,
			   cJSON *inputs)
{
	const cJSON *b = fr->state->item_batcher;
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(b, "MaxItemsPerBatch");
	const cJSON *bi = cJSON_GetObjectItemCaseSensitive(b, "BatchInput");
	long per = cJSON_IsNumber(mx) && mx->valuedouble >= 1 ? (long)mx->valuedouble
							     : MAP_MAX_ITEMS;
	cJSON *batches = cJSON_CreateArray(), *cur = NULL;
	long n = 0;
	while (inputs->child) {
		cJSON *it = cJSON_DetachItemViaPointer(inputs, inputs->child);
		if (!cur || n == per) {
			cJSON *bobj = cJSON_CreateObject();
			cur = cJSON_AddArrayToObject(bobj, "Items");
			cJSON *bin = NULL;
			if (bi && fr->flow->arguments(x, fr, &fr->state->compiled.batch_input,
						      mr->eff, &bin) == 0)
				cJSON_AddItemToObject(bobj, "BatchInput", bin);
			else /* a BatchInput that fails is left out */
				exec_err_release_(&fr->err);
			cJSON_AddItemToArray(batches, bobj);
			n = 0;
		}
		cJSON_AddItemToArray(cur, it);
		n++;
	}
	cJSON_Delete(inputs);
	return batches;
}

static int map_inputs(struct exec *x, struct frame *fr, struct map_run *mr,
		      cJSON **inputs)
{
	cJSON *arr = cJSON_CreateArray();
	long i = 0;
	for (const cJSON *v = mr->items->child; v; v = v->next, i++) {
		cJSON *in = NULL;
		if (item_input(x, fr, mr, i, v, &in)) {
			cJSON_Delete(arr);
			return -1;
		}
		cJSON_AddItemToArray(arr, in);
	}
	if (fr->state->item_batcher)
		arr = batch_inputs(x, fr, mr, arr);
	*inputs = arr;
	return 0;
}

static int run_items(struct exec *x, struct frame *fr, struct map_run *mr,
		     cJSON *inputs, cJSON *results)
{
	int64_t start = x->clock.now, end = start;
	long n = cJSON_GetArraySize(inputs), i = 0;
	mr->total = n;
	mr->nslots = (size_t)(mr->max_conc > 0 && mr->max_conc < n ? mr->max_conc : n);
	mr->slots = xcalloc(mr->nslots + 1, sizeof(*mr->slots));
	for (size_t k = 0; k < mr->nslots; k++)
		mr->slots[k] = start;
	while (inputs->child) {
		cJSON *in = cJSON_DetachItemViaPointer(inputs, inputs->child);
		size_t slot = take_slot(x, mr, start, i);
		if (iteration(x, fr, mr, i++, in, results))
			return -1;
		mr->slots[slot] = x->clock.now;
		if (x->clock.now > end)
			end = x->clock.now;
	}
	x->clock.now = end;
	if (!mr->hook && fr->state->distributed && over_tolerance(fr->state, mr)) {
		exec_err_set_(&fr->err, "States.ExceedToleratedFailureThreshold",
			      "The specified tolerated failure threshold was "
			      "exceeded");
		return -1;
	}
	return 0;
}

int exec_map_iterations_(struct exec *x, struct frame *fr, cJSON *inputs,
			 long max_conc, const struct exec_map_hook *hook)
{
	struct map_run mr = { 0 };
	mr.eff = fr->eff;
	mr.max_conc = max_conc;
	mr.hook = hook;
	cJSON *results = cJSON_CreateArray();
	int rc = run_items(x, fr, &mr, inputs, results);
	cJSON_Delete(results);
	cJSON_Delete(inputs);
	free(mr.slots);
	return rc;
}

static int map_attempt(struct exec *x, struct frame *fr, cJSON **result)
{
	if (fr->state->distributed)
		return exec_distmap_attempt_(x, fr, result);
	struct map_run mr = { 0 };
	cJSON *inputs = NULL, *results = NULL;
	int rc = -1;
	if (!fr->state->nr_branches) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The Map state has no ItemProcessor.");
		return -1;
	}
	mr.eff = fr->eff;
	if (items_of(x, fr, &mr))
		goto out;
	if (exec_map_max_concurrency_(x, fr, &mr.max_conc))
		goto out;
	if (map_inputs(x, fr, &mr, &inputs))
		goto out;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "length", cJSON_GetArraySize(inputs));
	mr.started = exec_event_(x, "MapStateStarted", "mapStateStartedEventDetails", d);
	results = cJSON_CreateArray();
	rc = run_items(x, fr, &mr, inputs, results);
	exec_event_(x, rc ? "MapStateFailed" : "MapStateSucceeded", NULL, NULL);
out:
	if (rc == 0)
		*result = results;
	else
		cJSON_Delete(results);
	cJSON_Delete(inputs);
	cJSON_Delete(mr.items_owned);
	free(mr.slots);
	return rc;
}

/* Runs the iterations under Retry; the data flow places their results. */
int exec_map_(struct exec *x, struct frame *fr)
{
	return exec_with_retry_(x, fr, map_attempt, &fr->result);
}
