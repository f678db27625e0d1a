/* exec_parallel.c - Parallel branches and Map iterations (INLINE, and
 * DISTRIBUTED over the input's items with ItemBatcher and tolerated
 * failures).  Each branch or iteration is a child frame on the scheduler
 * (exec_sched.c): all branches start together, iterations MaxConcurrency
 * at a time; a failing one stops its siblings (aborted at that instant);
 * the state ends when the last one does.  Results are always in branch /
 * item order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataflow.h"
#include "xalloc.h"
#include "banned.h"

/* Items of one Map: the payload limit already bounds them; this caps what
 * a --max-payload raised by hand can make us schedule. */
#define MAP_MAX_ITEMS 1000000
/* AWS's concurrency when MaxConcurrency is 0: an inline Map runs up to 40
 * iterations at once, a Distributed Map up to 10,000 child executions. */
#define MAP_INLINE_CONCURRENCY 40
#define MAP_DISTRIBUTED_CONCURRENCY 10000

/* The branches' input: Parameters on the effective input, or a copy. */
static int branch_input(struct exec *x, struct frame *fr, cJSON **out)
{
	const struct asl_expr *args = dataflow_arguments_of(fr->state);
	if (!args)
		*out = exec_copy_(x, fr->eff);
	else if (fr->flow->arguments(x, fr, args, fr->eff, out))
		return -1;
	exec_record_arguments_(fr, *out);
	return 0;
}

/* Recursion is bounded by ASL_MAX_NESTING. */
int exec_instant_(const struct asl_machine *m)
{
	for (size_t i = 0; i < m->nr_states; i++) {
		const struct asl_state *s = &m->states[i];
		switch (s->type) {
		case ASL_PASS:
		case ASL_CHOICE:
		case ASL_SUCCEED:
		case ASL_FAIL:
		case ASL_UNKNOWN:
			break;
		case ASL_PARALLEL:
		case ASL_MAP:
			if (s->nr_retry)
				return 0;
			for (size_t b = 0; b < s->nr_branches; b++)
				if (!exec_instant_(s->branches[b]))
					return 0;
			break;
		default:
			return 0;
		}
	}
	return 1;
}

/* Runs sub-machine m on input (consumed) in a fresh variable scope, as
 * the running child frame (exec_group_start_ counted it in x->depth). */
static int run_child(struct exec *x, struct frame *fr, const struct asl_machine *m,
		     cJSON *input, cJSON **out, struct exec_err *err,
		     size_t *failed_visit)
{
	*failed_visit = 0;
	if (x->depth > EXEC_MAX_DEPTH) {
		cJSON_Delete(input);
		exec_err_set_(err, "States.Runtime", "Nesting too deep.");
		return -1;
	}
	struct vscope scope = { cJSON_CreateObject(), fr->scope };
	int rc = exec_machine_(x, m, input, &scope, NULL, out, err, failed_visit);
	cJSON_Delete(scope.vars);
	return rc;
}

/* What a Parallel or Map attempt shares with its children: the first
 * failure (the one that stops the siblings) and where it arose. */
struct fanout {
	struct frame *fr;
	struct exec_group g;
	cJSON **outs;        /* per child, NULL until it succeeds */
	struct exec_err err; /* the first failure */
	size_t failed_visit;
	int have_err;
	int aborted;         /* the running children were told to stop */
};

static void fanout_fail(struct fanout *fo, struct exec_err *err, size_t visit)
{
	if (fo->have_err) {
		exec_err_release_(err);
		return;
	}
	fo->have_err = 1;
	fo->err = *err;
	fo->failed_visit = visit;
	memset(err, 0, sizeof(*err));
}

/* Starts child i; -1 (with the failure recorded) when no frame is left. */
static int fanout_start(struct exec *x, struct fanout *fo,
			int (*run)(struct exec *, struct exec_child *), void *arg,
			long i, long started)
{
	struct exec_child c = { run, arg, i, started };
	if (exec_group_start_(&fo->g, &c) == 0)
		return 0;
	struct exec_err e = { NULL, NULL };
	exec_err_setf_(&e, "States.Runtime",
		       "More than %d branches and iterations running at once.",
		       EXEC_MAX_FRAMES);
	fanout_fail(fo, &e, 0);
	exec_group_abort_(&fo->g);
	fo->aborted = 1;
	(void)x;
	return -1;
}

/* Waits for the running children; once one failed, aborts the others. */
static void fanout_wait(struct fanout *fo)
{
	exec_group_wait_(&fo->g);
	if ((fo->g.failed || exec_aborting_(fo->g.x)) && !fo->aborted) {
		exec_group_abort_(&fo->g);
		fo->aborted = 1;
	}
}

/* The attempt's end: its error into the frame, or the results array. */
static int fanout_finish(struct exec *x, struct fanout *fo, size_t n,
			 const char *prefix, cJSON **result)
{
	int failed = fo->have_err || fo->g.failed || x->stop != EXEC_RUNNING ||
		     exec_aborting_(x);
	if (x->res->history) {
		struct buf type = BUF_INIT;
		buf_addf(&type, "%sState%s", prefix, exec_aborting_(x) ? "Aborted"
				 : failed ? "Failed" : "Succeeded");
		exec_event_(x, type.ptr, NULL, NULL);
		buf_release(&type);
	} else {
		exec_event_(x, NULL, NULL, NULL); /* counted all the same */
	}
	cJSON *arr = failed ? NULL : cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		if (arr)
			cJSON_AddItemToArray(arr, fo->outs[i]);
		else
			cJSON_Delete(fo->outs[i]);
	}
	free(fo->outs);
	if (!failed) {
		*result = arr;
		return 0;
	}
	exec_err_release_(&fo->fr->err);
	if (fo->have_err)
		fo->fr->err = fo->err;
	else
		exec_err_set_(&fo->fr->err, "States.Runtime", NULL);
	fo->fr->cause_visit = fo->failed_visit;
	return -1;
}

/* ---- Parallel --------------------------------------------------------- */

struct parallel_run {
	struct fanout fo;
	cJSON *in; /* the branches' input, copied for each */
};

static int branch_run(struct exec *x, struct exec_child *c)
{
	struct parallel_run *pr = c->arg;
	const struct asl_state *s = pr->fo.fr->state;
	struct exec_err err = { NULL, NULL };
	size_t visit;
	cJSON *o = NULL;
	if (run_child(x, pr->fo.fr, s->branches[c->index], cJSON_Duplicate(pr->in, 1),
		      &o, &err, &visit) == 0) {
		pr->fo.outs[c->index] = o;
		return 0;
	}
	fanout_fail(&pr->fo, &err, visit);
	return -1;
}

static int parallel_attempt(struct exec *x, struct frame *fr, cJSON **result)
{
	const struct asl_state *s = fr->state;
	struct parallel_run pr = { .fo = { .fr = fr } };
	if (branch_input(x, fr, &pr.in))
		return -1;
	if (exec_test_mocked_(x, fr)) { /* TestState: no branch runs */
		cJSON_Delete(pr.in);
		return exec_test_mock_(x, fr, result);
	}
	long started = exec_event_(x, "ParallelStateStarted", NULL, NULL);
	int instant = 1;
	for (size_t i = 0; i < s->nr_branches && instant; i++)
		instant = exec_instant_(s->branches[i]);
	exec_group_init_(&pr.fo.g, x, instant);
	pr.fo.outs = xcalloc(s->nr_branches + 1, sizeof(*pr.fo.outs));
	for (size_t i = 0; i < s->nr_branches; i++)
		if (fanout_start(x, &pr.fo, branch_run, &pr, (long)i, started))
			break;
	while (pr.fo.g.running)
		fanout_wait(&pr.fo);
	cJSON_Delete(pr.in);
	return fanout_finish(x, &pr.fo, s->nr_branches, "Parallel", result);
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
	struct map_limits lim;
};

static int items_of(struct exec *x, struct frame *fr, struct map_run *mr)
{
	const struct asl_expr *ip = &fr->state->compiled.items_path;
	const struct asl_expr *items = &fr->state->compiled.items;
	int given = exec_test_items_(x, fr, &mr->items); /* TestState's reader data */
	if (given)
		return given < 0 ? -1 : 0;
	if (items->json) { /* JSONata: Items, an array written or computed */
		mr->items = fr->flow->select(x, fr, items, mr->eff, &mr->items_owned);
		if (!mr->items)
			return -1;
		if (!cJSON_IsArray(mr->items) ||
		    cJSON_GetArraySize(mr->items) > MAP_MAX_ITEMS)
			return dataflow_jsonata_type_error(x, fr, items, mr->items,
							   "an array");
		return 0;
	}
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

/* A count from the definition or the input, which may be any double:
 * beyond MAP_MAX_ITEMS it makes no difference. */
static long count_of(double v)
{
	return v <= 0 ? 0 : v >= MAP_MAX_ITEMS ? MAP_MAX_ITEMS : (long)v;
}

/* A JSONata field that takes a non-negative number: -1 on an error. */
static double jsonata_count(struct exec *x, struct frame *fr,
			    const struct asl_expr *e, const cJSON *eff, int integer)
{
	int bad;
	cJSON *v = fr->flow->value(x, fr, e, eff, &bad);
	double n = -1;
	if (!v)
		return -1;
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    (!integer || v->valuedouble == floor(v->valuedouble)))
		n = v->valuedouble;
	else
		dataflow_jsonata_type_error(x, fr, e, v, integer
					    ? "a non-negative integer"
					    : "a non-negative number");
	cJSON_Delete(v);
	return n;
}

/* MaxConcurrency, 0 for unlimited; -1 on an error. */
static long max_concurrency(struct exec *x, struct frame *fr, const cJSON *eff)
{
	const struct asl_state *s = fr->state;
	if (s->compiled.max_concurrency.json) {
		double n = jsonata_count(x, fr, &s->compiled.max_concurrency, eff, 1);
		return n > 1e9 ? 0 : (long)n;
	}
	if (cJSON_IsNumber(s->max_concurrency))
		return count_of(s->max_concurrency->valuedouble);
	if (cJSON_IsString(s->max_concurrency_path)) {
		int bad;
		cJSON *v = fr->flow->value(x, fr, &s->compiled.max_concurrency_path,
					   eff, &bad);
		long n = cJSON_IsNumber(v) ? count_of(v->valuedouble) : 0;
		cJSON_Delete(v);
		return n;
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

/* The iterations' inputs and what they share with exec_map_items_. */
struct map_items {
	struct fanout fo;
	cJSON **ins;   /* per item, taken by its iteration */
	long failed;   /* iterations that failed */
	long started;  /* the MapStateStarted event */
};

/* The event that ends an iteration, and its details' key. */
static void iteration_end(struct exec *x, const struct asl_state *s, long i,
			  int rc)
{
	static const char *const ends[][2] = {
		{ "MapIterationSucceeded", "mapIterationSucceededEventDetails" },
		{ "MapIterationFailed", "mapIterationFailedEventDetails" },
		{ "MapIterationAborted", "mapIterationAbortedEventDetails" },
	};
	int k = exec_aborting_(x) ? 2 : rc ? 1 : 0;
	exec_event_(x, ends[k][0], ends[k][1], iteration_details(x, s, i));
}

static int iteration_run(struct exec *x, struct exec_child *c)
{
	struct map_items *mi = c->arg;
	struct frame *fr = mi->fo.fr;
	const struct asl_state *s = fr->state;
	long i = c->index;
	cJSON *o = NULL;
	struct exec_err err = { NULL, NULL };
	size_t visit;
	exec_event_(x, "MapIterationStarted", "mapIterationStartedEventDetails",
		    iteration_details(x, s, i));
	cJSON *in = mi->ins[i];
	mi->ins[i] = NULL;
	int rc = run_child(x, fr, s->branches[0], in, &o, &err, &visit);
	iteration_end(x, s, i, rc);
	if (rc == 0) {
		mi->fo.outs[i] = o;
		return 0;
	}
	mi->failed++;
	if (!s->distributed || x->stop != EXEC_RUNNING || exec_aborting_(x)) {
		fanout_fail(&mi->fo, &err, visit);
		return -1;
	}
	cJSON *eo = cJSON_CreateObject();
	cJSON_AddStringToObject(eo, "Error", err.error);
	if (err.cause)
		cJSON_AddStringToObject(eo, "Cause", err.cause);
	mi->fo.outs[i] = eo;
	exec_err_release_(&err);
	return 0;
}

/* The tolerated failures, read before the iterations run: a JSONata
 * state's fields may be expressions.  0, or -1 on an error. */
static int tolerance(struct exec *x, struct frame *fr, struct map_run *mr)
{
	const struct asl_state *s = fr->state;
	const cJSON *c = s->tolerated_failure_count;
	const cJSON *p = s->tolerated_failure_percentage;
	mr->lim.tolerated_count = cJSON_IsNumber(c) ? c->valuedouble : -1;
	mr->lim.tolerated_pct = cJSON_IsNumber(p) ? p->valuedouble : -1;
	if (s->compiled.tolerated_failure_count.nr_parts &&
	    (mr->lim.tolerated_count = jsonata_count(x, fr,
			&s->compiled.tolerated_failure_count, mr->eff, 1)) < 0)
		return -1;
	if (s->compiled.tolerated_failure_percentage.nr_parts &&
	    (mr->lim.tolerated_pct = jsonata_count(x, fr,
			&s->compiled.tolerated_failure_percentage, mr->eff, 0)) < 0)
		return -1;
	return 0;
}

/* Distributed Map: over the tolerated failures? */
static int over_tolerance(const struct map_limits *lim, long failed, long total)
{
	if (!failed)
		return 0;
	int count_ok = lim->tolerated_count >= 0 &&
		       (double)failed <= lim->tolerated_count;
	int pct_ok = lim->tolerated_pct >= 0 && total &&
		     100.0 * (double)failed / (double)total <= lim->tolerated_pct;
	return !count_ok && !pct_ok;
}

/* Groups the selected inputs into ItemBatcher batches. */
static cJSON *batch_inputs(struct exec *x, struct frame *fr, struct map_run *mr,
			   cJSON *inputs)
{
	const cJSON *b = fr->state->item_batcher;
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(b, "MaxItemsPerBatch");
	const cJSON *bi = cJSON_GetObjectItemCaseSensitive(b, "BatchInput");
	long per = cJSON_IsNumber(mx) && mx->valuedouble >= 1
		? count_of(mx->valuedouble) : MAP_MAX_ITEMS;
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
	exec_record_(fr, EXEC_STAGE_AFTER_ITEM_SELECTOR, arr);
	if (fr->state->item_batcher) {
		arr = batch_inputs(x, fr, mr, arr);
		exec_record_(fr, EXEC_STAGE_AFTER_ITEM_BATCHER, arr);
	}
	*inputs = arr;
	return 0;
}

/* Iterations admitted so far: MaxConcurrency at a time, each ending one
 * letting the next in; after a failure none (those running then still
 * run at that instant, instant or not: exec_sched.c). */
static long admitted(const struct exec_group *g, long cap)
{
	size_t base = g->failed ? g->finished_at_fail : g->finished;
	return (long)base + cap;
}

int exec_map_items_(struct exec *x, struct frame *fr, cJSON *inputs,
		    const struct map_limits *lim, cJSON **results)
{
	const struct asl_state *s = fr->state;
	long n = cJSON_GetArraySize(inputs), next = 0;
	long cap = s->distributed ? MAP_DISTRIBUTED_CONCURRENCY : MAP_INLINE_CONCURRENCY;
	struct map_items mi = { .fo = { .fr = fr } };
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "length", (double)n);
	mi.started = exec_event_(x, "MapStateStarted", "mapStateStartedEventDetails", d);
	mi.ins = xcalloc((size_t)n + 1, sizeof(*mi.ins));
	mi.fo.outs = xcalloc((size_t)n + 1, sizeof(*mi.fo.outs));
	for (long i = 0; inputs->child; i++)
		mi.ins[i] = cJSON_DetachItemViaPointer(inputs, inputs->child);
	cJSON_Delete(inputs);
	if (lim->max_conc > 0 && lim->max_conc < cap)
		cap = lim->max_conc; /* never above AWS's cap: inline runs 40 at most */
	exec_group_init_(&mi.fo.g, x, exec_instant_(s->branches[0]));
	for (;;) {
		while (next < n && next < admitted(&mi.fo.g, cap) && !mi.fo.aborted &&
		       x->stop == EXEC_RUNNING && !exec_aborting_(x))
			fanout_start(x, &mi.fo, iteration_run, &mi, next++, mi.started);
		if (!mi.fo.g.running)
			break;
		fanout_wait(&mi.fo);
	}
	for (long i = 0; i < n; i++)
		cJSON_Delete(mi.ins[i]);
	free(mi.ins);
	if (s->distributed && !mi.fo.have_err && over_tolerance(lim, mi.failed, n)) {
		struct exec_err e = { NULL, NULL };
		exec_err_set_(&e, "States.ExceedToleratedFailureThreshold",
			      "The specified tolerated failure threshold was "
			      "exceeded");
		fanout_fail(&mi.fo, &e, 0);
	}
	return fanout_finish(x, &mi.fo, (size_t)n, "Map", results);
}

/* TestState's mocked Map: the request's failed iterations against the
 * tolerated failures, then the mock as the Map's result. */
static int map_mocked(struct exec *x, struct frame *fr, const struct map_run *mr,
		      cJSON *inputs, cJSON **results)
{
	long failed = x->test->map_iteration_failure_count;
	long total = cJSON_GetArraySize(inputs);
	cJSON_Delete(inputs);
	if (failed < 0)
		failed = 0;
	if (failed > total) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"mapIterationFailureCount %ld exceeds the %ld "
				"items of the Map state.", failed, total);
		return -1;
	}
	if (mr->lim.tolerated_count >= 0)
		exec_record_number_(fr, EXEC_STAGE_TOLERATED_FAILURE_COUNT,
				    mr->lim.tolerated_count);
	if (mr->lim.tolerated_pct >= 0)
		exec_record_number_(fr, EXEC_STAGE_TOLERATED_FAILURE_PERCENTAGE,
				    mr->lim.tolerated_pct);
	if (over_tolerance(&mr->lim, failed, total)) {
		exec_err_set_(&fr->err, "States.ExceedToleratedFailureThreshold",
			      "The specified tolerated failure threshold was "
			      "exceeded");
		return -1;
	}
	return exec_test_mock_(x, fr, results);
}

static int map_attempt(struct exec *x, struct frame *fr, cJSON **result)
{
	struct map_run mr = { 0 };
	cJSON *inputs = NULL;
	int rc = -1;
	if (!fr->state->nr_branches) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The Map state has no ItemProcessor.");
		return -1;
	}
	mr.eff = fr->eff;
	if (items_of(x, fr, &mr))
		goto out;
	if (fr->state->flow.lang == ASL_QL_JSONPATH) /* as TestState shows it */
		exec_record_(fr, EXEC_STAGE_AFTER_ITEMS_PATH, mr.items);
	mr.lim.max_conc = max_concurrency(x, fr, mr.eff);
	if (fr->state->max_concurrency || fr->state->max_concurrency_path)
		exec_record_number_(fr, EXEC_STAGE_MAX_CONCURRENCY, (double)mr.lim.max_conc);
	if (mr.lim.max_conc < 0 || tolerance(x, fr, &mr) ||
	    map_inputs(x, fr, &mr, &inputs))
		goto out;
	if (exec_test_mocked_(x, fr)) /* TestState: no iteration runs */
		rc = map_mocked(x, fr, &mr, inputs, result);
	else
		rc = exec_map_items_(x, fr, inputs, &mr.lim, result);
out:
	cJSON_Delete(mr.items_owned);
	return rc;
}

/* Runs the iterations under Retry; the data flow places their results. */
int exec_map_(struct exec *x, struct frame *fr)
{
	return exec_with_retry_(x, fr, map_attempt, &fr->result);
}
