/* exec_parallel.c - Parallel branches and Map iterations, the one place
 * iterations run: an inline Map's, and a Distributed Map's child
 * executions (exec_distmap.c makes their inputs and says what each one's
 * end means).  Each branch or iteration is a child frame on the scheduler
 * (exec_sched.c): all branches start together, iterations MaxConcurrency
 * at a time; a failing one stops its siblings (aborted at that instant);
 * the state ends when the last one does.  Results are always in branch /
 * item order. */
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

/* Runs sub-machine m on input (consumed) in a fresh variable scope inside
 * the frame's (a Distributed Map's child execution sees none: no_outer),
 * as the running child frame (exec_group_start_ counted it in x->depth). */
static int run_child(struct exec *x, struct frame *fr, const struct asl_machine *m,
		     cJSON *input, cJSON **out, struct exec_err *err,
		     size_t *failed_visit, int no_outer)
{
	*failed_visit = 0;
	if (x->depth > EXEC_MAX_DEPTH) {
		cJSON_Delete(input);
		exec_err_set_(err, "States.Runtime", "Nesting too deep.");
		return -1;
	}
	struct vscope scope = { cJSON_CreateObject(), no_outer ? NULL : fr->scope };
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
	if (!prefix) {
		/* the caller writes the state's end (a Map Run) */
	} else if (x->res->history) {
		struct buf type = BUF_INIT;
		buf_addf(&type, "%sState%s", prefix, exec_aborting_(x) ? "Aborted"
				 : failed ? "Failed" : "Succeeded");
		exec_event_(x, type.ptr, NULL, NULL);
		buf_release(&type);
	} else {
		exec_event_(x, NULL, NULL, NULL); /* counted all the same */
	}
	cJSON *arr = failed || !result ? NULL : cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		if (arr)
			cJSON_AddItemToArray(arr, fo->outs[i]);
		else
			cJSON_Delete(fo->outs[i]);
	}
	free(fo->outs);
	if (!failed) {
		if (result)
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
		      &o, &err, &visit, 0) == 0) {
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
	long max_conc;      /* 0: AWS's cap */
};

int exec_map_select_items_(struct exec *x, struct frame *fr,
			   const cJSON **items, cJSON **owned)
{
	const struct asl_expr *ip = &fr->state->compiled->items_path;
	const struct asl_expr *e = &fr->state->compiled->items;
	int given = exec_test_items_(x, fr, items); /* TestState's reader data */
	*owned = NULL;
	if (given)
		return given < 0 ? -1 : 0;
	if (e->json) { /* JSONata: Items, an array written or computed */
		*items = fr->flow->select(x, fr, e, fr->eff, owned);
		if (!*items)
			return -1;
		if (!cJSON_IsArray(*items) || cJSON_GetArraySize(*items) > MAP_MAX_ITEMS) {
			dataflow_jsonata_type_error(x, fr, e, *items, "an array");
			goto fail;
		}
		return 0;
	}
	if (cJSON_IsString(ip->json)) {
		*items = fr->flow->select(x, fr, ip, fr->eff, owned);
		if (!*items)
			return -1;
	} else
		*items = fr->eff;
	if (!cJSON_IsArray(*items) || cJSON_GetArraySize(*items) > MAP_MAX_ITEMS) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"Invalid path '%s': The ItemsPath field must "
				"select an array.",
				cJSON_IsString(ip->json) ? asl_expr_text(ip) : "$");
		goto fail;
	}
	return 0;
fail:
	cJSON_Delete(*owned);
	*owned = NULL;
	return -1;
}

/* The input of iteration i: ItemSelector (or legacy Parameters) evaluated
 * against the Map's input with $$.Map.Item set, else the item itself. */
static int item_input(struct exec *x, struct frame *fr, struct map_run *mr,
		      long i, const cJSON *value, cJSON **out)
{
	const struct asl_state *s = fr->state;
	const struct asl_expr *tmpl = s->item_selector ? &s->compiled->item_selector
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
	long started;  /* the event the iterations follow */
	const struct exec_map_children *children; /* Distributed Map, or NULL */
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

/* A Distributed Map's child execution: an execution of its own (its own
 * $$, event count and no history here, no outer variables), told to the
 * Map Run before and after.  -1 when the run must stop. */
static int child_execution_run(struct exec *x, struct map_items *mi, long i,
			       cJSON *in)
{
	const struct exec_map_children *ch = mi->children;
	struct frame *fr = mi->fo.fr;
	cJSON *o = NULL;
	struct exec_err err = { NULL, NULL };
	size_t visit;
	struct exec_view *v = ch->begin(x, ch->ctx, i, in);
	exec_view_enter_(x, v);
	int rc = run_child(x, fr, fr->state->branches[0], in, &o, &err, &visit, 1);
	exec_view_leave_(x);
	if (ch->end(x, ch->ctx, v, i, rc, o, &err) == 0)
		return 0;
	fanout_fail(&mi->fo, &err, 0);
	return -1;
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
	cJSON *in = mi->ins[i];
	mi->ins[i] = NULL;
	if (mi->children)
		return child_execution_run(x, mi, i, in);
	exec_event_(x, "MapIterationStarted", "mapIterationStartedEventDetails",
		    iteration_details(x, s, i));
	int rc = run_child(x, fr, s->branches[0], in, &o, &err, &visit, 0);
	iteration_end(x, s, i, rc);
	if (rc == 0) {
		mi->fo.outs[i] = o;
		return 0;
	}
	fanout_fail(&mi->fo, &err, visit);
	return -1;
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

/* Whether one more iteration may start now as far as frames go.  A
 * Distributed Map's children that wait hold a frame each, and AWS runs up
 * to 10,000 of them, more than EXEC_MAX_FRAMES: past half of the frames
 * (the rest kept for what the children start) the next child starts when
 * one ends, rather than fail the Map.  Children that do not wait end at
 * the instant they start, so only the children that do wait are delayed,
 * and only past 4,096 waiting at once. */
static int frame_room(const struct map_items *mi)
{
	const struct exec_group *g = &mi->fo.g;
	return !mi->children || g->instant || !g->running ||
	       exec_frames_left_(g->x) > EXEC_MAX_FRAMES / 2;
}

int exec_map_items_(struct exec *x, struct frame *fr, cJSON *inputs,
		    long max_conc, const struct exec_map_children *children,
		    cJSON **results)
{
	const struct asl_state *s = fr->state;
	long n = cJSON_GetArraySize(inputs), next = 0;
	long cap = s->distributed ? MAP_DISTRIBUTED_CONCURRENCY : MAP_INLINE_CONCURRENCY;
	struct map_items mi = { .fo = { .fr = fr }, .children = children };
	if (children) {
		mi.started = x->prev_event; /* the Map Run's start */
	} else {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "length", (double)n);
		mi.started = exec_event_(x, "MapStateStarted",
					 "mapStateStartedEventDetails", d);
	}
	mi.ins = xcalloc((size_t)n + 1, sizeof(*mi.ins));
	mi.fo.outs = xcalloc((size_t)n + 1, sizeof(*mi.fo.outs));
	for (long i = 0; inputs->child; i++)
		mi.ins[i] = cJSON_DetachItemViaPointer(inputs, inputs->child);
	cJSON_Delete(inputs);
	if (max_conc > 0 && max_conc < cap)
		cap = max_conc; /* never above AWS's cap: inline runs 40 at most */
	exec_group_init_(&mi.fo.g, x, exec_instant_(s->branches[0]));
	for (;;) {
		while (next < n && next < admitted(&mi.fo.g, cap) && !mi.fo.aborted &&
		       x->stop == EXEC_RUNNING && !exec_aborting_(x) &&
		       frame_room(&mi))
			fanout_start(x, &mi.fo, iteration_run, &mi, next++, mi.started);
		if (!mi.fo.g.running)
			break;
		fanout_wait(&mi.fo);
	}
	for (long i = 0; i < n; i++)
		cJSON_Delete(mi.ins[i]);
	free(mi.ins);
	return fanout_finish(x, &mi.fo, (size_t)n, children ? NULL : "Map",
			     children ? NULL : results);
}

/* TestState's mocked Map: no iteration runs.  A Distributed Map's batches
 * and the request's failed iterations against its tolerated failures are
 * checked as the Map Run would, then the mock is the Map's result. */
static int map_mocked(struct exec *x, struct frame *fr, cJSON *inputs,
		      cJSON **results)
{
	long failed = x->test->map_iteration_failure_count;
	long total = cJSON_GetArraySize(inputs);
	if (failed < 0)
		failed = 0;
	if (failed > total) {
		cJSON_Delete(inputs);
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"mapIterationFailureCount %ld exceeds the %ld "
				"items of the Map state.", failed, total);
		return -1;
	}
	if (fr->state->distributed) {
		if (exec_distmap_mocked_(x, fr, inputs, failed, total))
			return -1;
	} else {
		cJSON_Delete(inputs);
		if (failed) { /* an inline Map tolerates none */
			exec_distmap_exceeded_(&fr->err);
			return -1;
		}
	}
	return exec_test_mock_(x, fr, results);
}

static int map_attempt(struct exec *x, struct frame *fr, cJSON **result)
{
	if (fr->state->distributed && !exec_test_mocked_(x, fr))
		return exec_distmap_attempt_(x, fr, result);
	struct map_run mr = { 0 };
	cJSON *inputs = NULL;
	int rc = -1;
	if (!fr->state->nr_branches) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The Map state has no ItemProcessor.");
		return -1;
	}
	mr.eff = fr->eff;
	if (exec_map_select_items_(x, fr, &mr.items, &mr.items_owned))
		goto out;
	if (fr->state->flow.lang == ASL_QL_JSONPATH) /* as TestState shows it */
		exec_record_(fr, EXEC_STAGE_AFTER_ITEMS_PATH, mr.items);
	if (exec_map_max_concurrency_(x, fr, &mr.max_conc))
		goto out;
	if (fr->state->max_concurrency || fr->state->max_concurrency_path)
		exec_record_number_(fr, EXEC_STAGE_MAX_CONCURRENCY, (double)mr.max_conc);
	if (map_inputs(x, fr, &mr, &inputs))
		goto out;
	if (exec_test_mocked_(x, fr)) /* TestState: no iteration runs */
		rc = map_mocked(x, fr, inputs, result);
	else
		rc = exec_map_items_(x, fr, inputs, mr.max_conc, NULL, result);
out:
	cJSON_Delete(mr.items_owned);
	return rc;
}

/* Runs the iterations under Retry; the data flow places their results. */
int exec_map_(struct exec *x, struct frame *fr)
{
	return exec_with_retry_(x, fr, map_attempt, &fr->result);
}
