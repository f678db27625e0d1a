/* exec_frame.h - the interpreter's private state, shared by exec*.c and
 * dataflow*.c only, and the helpers of exec_frame.c every state type uses.
 * One struct exec per execution; one struct frame per state visit: the
 * state's input, output, error and variable scope while it runs; one
 * struct exec_child per Parallel branch or Map iteration, run by the
 * scheduler (exec_sched.c) in a struct exec_group. */
#ifndef STEPBOOK_EXEC_FRAME_H
#define STEPBOOK_EXEC_FRAME_H

#include "asl.h"
#include "buf.h"
#include "clock.h"
#include "exec.h"
#include "rng.h"
#include "strmap.h"

/* An ASL runtime error: a value Retry and Catch consume.  Both owned. */
struct exec_err {
	char *error;
	char *cause; /* NULL when the error has none */
};

/* Workflow variables (Assign): a scope per execution, branch and
 * iteration; inner scopes read outer ones, writes stay inner. */
struct vscope {
	cJSON *vars; /* owned object */
	const struct vscope *parent;
};

struct sched; /* exec_sched.c */

struct exec {
	const struct exec_options *opt;
	struct exec_result *res;
	const struct asl_machine *top;
	struct rng rng;
	struct clock clock;
	cJSON *context;       /* owned: the $$ object */
	long nr_events;
	long prev_event;      /* the running frame's last event (each branch
				 and iteration keeps its own: exec_sched.c) */
	size_t max_events, max_payload;
	struct strmap invocations; /* state name -> count of task calls */
	struct strmap sizes;       /* input container -> its size + 1 */
	unsigned long nr_visit_ids; /* last frame.visit_id handed out */
	/* What x->context shows now (exec_context_): */
	unsigned long ctx_visit;
	int ctx_retry;
	const char *ctx_token;
	const cJSON *ctx_item;
	cJSON *ctx_map_item;  /* the $$.Map.Item node in context, or NULL */
	enum exec_status stop;     /* != RUNNING: the whole execution ends */
	struct exec_err stop_err;
	unsigned char *scenario_used; /* per scenario entry */
	int depth;            /* nesting of the running frame */
	int timers_loaded;
	struct sched *sched;  /* owned: the frames and the queue */
	int aborting;         /* the running frame is being aborted */
	const cJSON *borrowed_input; /* exec_run's input, never freed here */
	/* TestState (exec_test.c): the request, or NULL for a whole run */
	const struct exec_test *test;
	int test_retry_index;  /* the Retry that would retry again, or -1:
				  then no Catch takes the error */
	long test_backoff_s;
};

struct task_call; /* exec_task.c */
struct dataflow;  /* dataflow.h */

/* One visit of one state (not a course command: that is steps.h's step). */
struct frame {
	const struct asl_state *state;
	const struct dataflow *flow; /* the state's query language */
	cJSON *input;   /* owned: the raw state input */
	const cJSON *eff; /* the effective input (after InputPath): borrows
			     input, or is eff_owned */
	cJSON *eff_owned;
	cJSON *result;  /* owned: what the state's work produced (Task, Pass,
			   Parallel, Map), before ResultPath */
	int shaped;     /* result went through ResultSelector already */
	cJSON *output;  /* owned: set on success */
	int next;       /* index of the next state; -1 with end */
	int end;
	struct exec_err err;
	struct vscope *scope;
	long entered_event;
	int64_t entered_ms;
	int retry_count;
	const char *task_token; /* during a .waitForTaskToken call */
	const struct task_call *call; /* during a Task attempt */
	const cJSON *map_item; /* {"Index","Value"} inside a Map iteration */
	unsigned long visit_id; /* unique per visit, > 0 */
	int input_checked; /* the input passed the payload limit already */
	int input_borrowed; /* input is the caller's execution input: not ours */
	int rule;       /* Choice: the rule taken, -1 for Default */
	struct exec_inspection *insp; /* owned: the stages recorded, with
					 opt->inspect; NULL when off */
	int under_test; /* the state TestState runs (x->test) */
	cJSON *assigned; /* owned: JSONata Assign values evaluated, not yet in
			    scope (they take effect after Output) */
	size_t cause_visit; /* Parallel, Map: 1 + index of the visit inside a
			       branch whose failure this state passes on */
	cJSON *assigned_log; /* owned, with a history: the variables this
				visit assigned as name -> JSON text, for its
				StateExited event (assignedVariables) */
};

/* exec.c: the run loop */
/* Sets up x for an execution of m on input (exec_run's first half), and
 * releases what it holds after the last event. */
void exec_start_(struct exec *x, const struct asl_machine *m,
		 const cJSON *input, const struct exec_options *opt,
		 struct exec_result *r);
void exec_end_(struct exec *x);
/* One visit of fr->state: 0, or -1 with fr->err (uncaught). */
int exec_visit_state_(struct exec *x, struct frame *fr);
/* Runs m from its StartAt on input (consumed, unless it is the execution
 * input) in scope.  0 with *out (owned), or -1 with *err (owned) and, when
 * the failure arose in a state of m, *failed_visit = 1 + its visit's
 * index (else 0). */
int exec_machine_(struct exec *x, const struct asl_machine *m, cJSON *input,
		  struct vscope *scope, const cJSON *map_item, cJSON **out,
		  struct exec_err *err, size_t *failed_visit);

/* exec_frame.c: what every state's code shares */
void exec_err_set_(struct exec_err *e, const char *error, const char *cause);
void exec_err_setf_(struct exec_err *e, const char *error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "An error occurred while executing the state 'S' (entered at the event
 * id #N). " then fmt: the shape of AWS's States.Runtime causes. */
void exec_err_state_(struct exec_err *e, const struct frame *fr,
		     const char *error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void exec_err_release_(struct exec_err *e);
/* Whether error 'err' is one of names[0..n) for Retry and Catch. */
int exec_error_matches_(const char *err, const char **names, size_t n);
/* Records what became of a visit; branch as in struct exec_visit. */
void exec_visit_(struct exec *x, const struct asl_state *s, enum exec_outcome o,
		 int branch);
/* Checks the payload limit on v; sets States.DataLimitExceeded. */
int exec_check_size_(struct exec *x, const struct frame *fr, const cJSON *v,
		     const char *what);
/* The context object for the frame ($$), with State, Task, Map filled;
 * rebuilt only when the frame shows something new. */
const cJSON *exec_context_(struct exec *x, struct frame *fr);
/* Drops $$.Map.Item before the item it refers to is freed. */
void exec_context_forget_(struct exec *x);
/* A copy of v (borrowed) that shares the nodes of the execution input
 * instead of copying them (see exec_frame.c).  Returns owned, NULL for
 * NULL; free with cJSON_Delete, never change a share in it. */
cJSON *exec_copy_(const struct exec *x, const cJSON *v);
/* Unshares the share c, a child of parent, in place (its children still
 * share).  Returns the new child. */
cJSON *exec_unshare_child_(cJSON *parent, cJSON *c);
/* Whether v is the execution input or a share of it. */
int exec_is_shared_(const struct exec *x, const cJSON *v);
/* The effective input as an owned value, taken from the frame: moved when
 * InputPath made it; else the state input itself when move_input (nothing
 * reads the input again) and the frame owns it; else a copy. */
cJSON *exec_take_eff_(struct exec *x, struct frame *fr, int move_input);
/* Sets o[key] to v (consumed), replacing what was there. */
void exec_set_item_(cJSON *o, const char *key, cJSON *v);
/* Moves the members of vals (consumed) into the frame's variables, noting
 * them for the history's StateExited event.  Both query languages assign
 * through here. */
void exec_assign_(struct exec *x, struct frame *fr, cJSON *vals);
/* Prints v compactly into out (as AWS quotes inputs in causes). */
void exec_json_(const cJSON *v, struct buf *out);

/* exec_inspect.c: the inspection recorder (exec.h).  Every exec_record_*
 * is a no-op when the frame records nothing (fr->insp NULL): inline tests,
 * so that a run that does not inspect pays one load and branch per stage. */
void exec_inspect_begin_slow_(struct frame *fr);
void exec_inspect_end_slow_(struct exec *x, struct frame *fr, int attach);
void exec_record_slow_(struct frame *fr, enum exec_stage k, const cJSON *v);
void exec_record_number_slow_(struct frame *fr, enum exec_stage k, double v);
void exec_record_error_slow_(struct frame *fr);
void exec_record_variables_slow_(struct frame *fr);
void exec_inspect_retry_slow_(struct frame *fr);

/* Gives fr a recorder when the execution inspects. */
static inline void exec_inspect_begin_(struct exec *x, struct frame *fr)
{
	if (x->opt->inspect)
		exec_inspect_begin_slow_(fr);
}
/* Hands fr's recorder to the visit just recorded (attach) or frees it. */
static inline void exec_inspect_end_(struct exec *x, struct frame *fr, int attach)
{
	if (fr->insp)
		exec_inspect_end_slow_(x, fr, attach);
}
/* Records a copy of v (borrowed; NULL records nothing) as stage k. */
static inline void exec_record_(struct frame *fr, enum exec_stage k, const cJSON *v)
{
	if (fr->insp)
		exec_record_slow_(fr, k, v);
}
static inline void exec_record_number_(struct frame *fr, enum exec_stage k, double v)
{
	if (fr->insp)
		exec_record_number_slow_(fr, k, v);
}
/* Records v as afterParameters, or afterArguments for a JSONata state. */
static inline void exec_record_arguments_(struct frame *fr, const cJSON *v)
{
	if (fr->insp)
		exec_record_slow_(fr, fr->state->flow.lang == ASL_QL_JSONATA
				  ? EXEC_STAGE_AFTER_ARGUMENTS
				  : EXEC_STAGE_AFTER_PARAMETERS, v);
}
/* A retry starts over after the effective input: what the failed attempt
 * recorded past it goes. */
static inline void exec_inspect_retry_(struct frame *fr)
{
	if (fr->insp)
		exec_inspect_retry_slow_(fr);
}
/* Records fr->err as {"Error","Cause"}. */
static inline void exec_record_error_(struct frame *fr)
{
	if (fr->insp)
		exec_record_error_slow_(fr);
}
/* Records every variable fr sees (none: nothing). */
static inline void exec_record_variables_(struct frame *fr)
{
	if (fr->insp)
		exec_record_variables_slow_(fr);
}

/* exec_test.c: TestState's hooks in the state types */
/* Whether fr's work is replaced by the request's mock. */
int exec_test_mocked_(const struct exec *x, const struct frame *fr);
/* The mock as fr's result (new owned *out), or its error.  0 or -1. */
int exec_test_mock_(struct exec *x, struct frame *fr, cJSON **out);
/* The items the request's mapItemReaderData gave the Map under test: 1
 * with *items set, 0 when it gives none, -1 with fr->err (the reader
 * failed on that data). */
int exec_test_items_(struct exec *x, struct frame *fr, const cJSON **items);
/* Retry r (index i) matched fr's error: RETRIABLE unless the request's
 * retry count exhausts it.  Always -1 (the error stays). */
int exec_test_retry_(struct exec *x, struct frame *fr, size_t i);

/* exec_choice.c */
int exec_choice_(struct exec *x, struct frame *fr);

/* exec_task.c */
int exec_task_(struct exec *x, struct frame *fr);
int exec_wait_(struct exec *x, struct frame *fr);
/* exec_time.c: time passing on the virtual clock */
/* Seconds as milliseconds of the virtual clock, saturated at about 31
 * years either way: a number from the input (TimeoutSecondsPath...) may be
 * any double, and no execution lives longer than one year. */
#define EXEC_MAX_SPAN_MS ((int64_t)1000 * 1000 * 1000 * 1000)
int64_t exec_ms_(double seconds);
/* Moves the clock to 'target' unless the machine's TimeoutSeconds or a
 * StopExecution comes first; then the clock stops there and the whole
 * execution ends (returns -1). */
int exec_advance_(struct exec *x, int64_t target);
/* The scenario's timers, put on the clock once; entry i and its action. */
void exec_load_timers_(struct exec *x);
const cJSON *exec_scenario_entry_(struct exec *x, long i);
const char *exec_scenario_action_(const cJSON *e);
/* Ends the execution ABORTED with StopExecution entry e's error, cause. */
void exec_abort_with_(struct exec *x, const cJSON *e);
/* Runs attempt() under the state's Retry rules. */
int exec_with_retry_(struct exec *x, struct frame *fr,
		     int (*attempt)(struct exec *, struct frame *, cJSON **),
		     cJSON **result);

/* exec_parallel.c */
int exec_parallel_(struct exec *x, struct frame *fr);
int exec_map_(struct exec *x, struct frame *fr);
/* What an execution shows the frames that run in it: its $$, its history
 * and its count of events, and what $$ shows now (exec_context_).  The
 * execution's own is in struct exec; a Distributed Map's child execution
 * has its own (exec_view_enter_), and the scheduler swaps them as frames
 * of different executions take turns. */
struct exec_view {
	cJSON *context;       /* owned by whoever made the view */
	cJSON *history;       /* borrowed; NULL: events only counted */
	long nr_events;
	unsigned long ctx_visit;
	int ctx_retry;
	const char *ctx_token;
	const cJSON *ctx_item;
	cJSON *ctx_map_item;
	struct exec_view *outer;  /* the view it was entered from */
	long outer_prev_event;    /* that view's previousEventId then */
};
/* A Distributed Map's child executions, as exec_map_items_ runs them. */
struct exec_map_children {
	void *ctx;
	/* Child i is about to run on input (borrowed): its view (context
	 * set, history NULL, nr_events 0), owned by ctx until end. */
	struct exec_view *(*begin)(struct exec *x, void *ctx, long i,
				   const cJSON *input);
	/* Child i ended, view v left again: rc 0 with out, or -1 with *err
	 * (out and *err consumed; exec_aborting_ says whether it was
	 * aborted).  Returns 0 to go on, or -1 with *err set to the error
	 * that ends the Map Run (the running children are then aborted). */
	int (*end)(struct exec *x, void *ctx, struct exec_view *v, long i,
		   int rc, cJSON *out, struct exec_err *err);
};
/* THE entry point for running a Map over a list of items, whoever made the
 * list (ItemsPath here; ItemReader / ItemBatcher for a Distributed Map):
 * runs fr's ItemProcessor once per element of 'inputs' (consumed: each is
 * an iteration's input, ItemSelector already applied) as iterations on the
 * scheduler, max_conc at a time (0: AWS's cap, 40 inline, 10,000
 * distributed).  Without children: an inline Map, writing MapStateStarted,
 * the MapIteration* events and MapStateSucceeded/Failed/Aborted; 0 with
 * *results (owned array, item order), or -1 with fr->err: an iteration
 * failed (its siblings were aborted) or the execution stopped.  With
 * children: each iteration is a child execution and writes nothing here
 * (the caller writes the Map Run's events, children's end keeps what each
 * became); 0, or -1 with fr->err: children's end stopped the run, or the
 * execution stopped.  fr is the Map's frame (its state, scope, data
 * flow). */
int exec_map_items_(struct exec *x, struct frame *fr, cJSON *inputs,
		    long max_conc, const struct exec_map_children *children,
		    cJSON **results);
/* A Map's items: ItemsPath's (or JSONata Items') array, or TestState's
 * reader data; *owned is what was computed for them (freed by the caller).
 * Returns 0, or -1 with fr->err (and *owned NULL). */
int exec_map_select_items_(struct exec *x, struct frame *fr,
			   const cJSON **items, cJSON **owned);
/* Any Map's MaxConcurrency, or MaxConcurrencyPath's value checked as AWS
 * checks it at run time (0: AWS's cap).  Returns 0, or -1 with fr->err. */
int exec_map_max_concurrency_(struct exec *x, struct frame *fr, long *out);

/* exec_distmap.c: a Distributed Map attempt (ItemReader, ItemBatcher,
 * tolerated failures, child executions, ResultWriter). */
int exec_distmap_attempt_(struct exec *x, struct frame *fr, cJSON **result);
/* TestState's Distributed Map, whose iterations do not run: batches the
 * iteration inputs (consumed) and checks 'failed' of 'total' items against
 * the tolerated failures, recording both.  0, or -1 with fr->err. */
int exec_distmap_mocked_(struct exec *x, struct frame *fr, cJSON *inputs,
			 long failed, long total);
/* err = States.ExceedToleratedFailureThreshold, with AWS's cause. */
void exec_distmap_exceeded_(struct exec_err *err);

/* exec_sched.c: branches and iterations as frames on the virtual clock */
/* Branches and iterations that take time and run at once, each on a stack
 * of its own: 40 inline iterations of 40 of 5 fit (AWS's 25,000 history
 * events run out before); beyond, the Parallel or Map fails with
 * States.Runtime rather than reserve unbounded address space. */
#define EXEC_MAX_FRAMES 8192
/* One Parallel branch or Map iteration: run(x, c) does its work, in a
 * fiber of its own or at once on the parent's stack; returning -1 stops
 * its siblings (the group fails). */
struct exec_child {
	int (*run)(struct exec *x, struct exec_child *c);
	void *arg;        /* the caller's, for run */
	long index;       /* branch or item index */
	long start_event; /* the event its first one follows */
};
/* The children of one Parallel or Map attempt.  Fields read-only outside
 * exec_sched.c. */
struct exec_group {
	struct exec *x;
	struct fiber *owner;       /* the frame that waits for them */
	struct fiber *first, *last; /* running children, in start order */
	size_t running;            /* started and not ended */
	size_t finished;           /* ended */
	int instant;               /* children take no time: run at once */
	int failed;                /* a child returned -1 */
	size_t finished_at_fail;   /* 'finished' before the first failure */
};
void exec_sched_init_(struct exec *x);
void exec_sched_release_(struct exec *x);
/* instant: every child runs to its end at once (exec_instant_), so no
 * fiber is needed: the history is the same. */
void exec_group_init_(struct exec_group *g, struct exec *x, int instant);
/* Starts child c (copied) now.  -1 when no frame can be had
 * (SCHED_MAX_FIBERS). */
int exec_group_start_(struct exec_group *g, const struct exec_child *c);
/* Frames that may still be started (EXEC_MAX_FRAMES in all). */
size_t exec_frames_left_(const struct exec *x);
/* Waits until a child ends; after a failure, until every frame due at
 * that instant has run (then abort the rest with exec_group_abort_). */
void exec_group_wait_(struct exec_group *g);
/* Aborts every running child (and theirs): each wakes now and unwinds. */
void exec_group_abort_(struct exec_group *g);
/* Whether the running frame is being aborted (a sibling failed): it
 * unwinds without Retry or Catch, writing abort events.  Inline: the run
 * loop asks on every visit. */
static inline int exec_aborting_(const struct exec *x)
{
	return x->aborting;
}
/* The running frame, and the frames it starts, see view v (their
 * execution's) until exec_view_leave_; the current one is kept. */
void exec_view_enter_(struct exec *x, struct exec_view *v);
/* Back to the view exec_view_enter_ left; v keeps what it showed. */
void exec_view_leave_(struct exec *x);
/* Waits on the virtual clock until 'target': 0, or -1 when the execution
 * stopped or the frame was aborted meanwhile. */
int exec_sleep_(struct exec *x, int64_t target);
/* Waits until 'limit' for a scenario callback for the task holding
 * 'token': the scenario entry's index, or -1 when the limit came first
 * (*stopped: the execution stopped or the frame was aborted). */
long exec_await_callback_(struct exec *x, const char *token, int64_t limit,
			  int *stopped);
/* Whether every state of m runs without time passing (Pass, Choice,
 * Succeed, Fail, and Parallel/Map of such without Retry). */
int exec_instant_(const struct asl_machine *m);

/* exec_history.c */
/* Adds an event of 'type' with details under 'key' (consumed, may be NULL);
 * returns its id.  Counts even when history is not kept. */
long exec_event_(struct exec *x, const char *type, const char *key, cJSON *details);
/* Event-type prefix of a state type: "Task", "Map", "Pass"... */
const char *exec_event_prefix_(enum asl_type t);
/* Details helpers: new owned objects. */
cJSON *exec_details_io_(const char *name, const char *key, const cJSON *v);
cJSON *exec_details_err_(const struct exec_err *e);
cJSON *exec_details_task_(const char *resource);
int exec_over_limit_(struct exec *x);

#endif
