/* exec_frame.h - the interpreter's private state, shared by exec*.c and
 * dataflow*.c only, and the helpers of exec_frame.c every state type uses.
 * One struct exec per execution; one struct frame per state visit: the
 * state's input, output, error and variable scope while it runs. */
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

struct exec {
	const struct exec_options *opt;
	struct exec_result *res;
	const struct asl_machine *top;
	struct rng rng;
	struct clock clock;
	cJSON *context;       /* owned: the $$ object */
	long nr_events, prev_event;
	size_t max_events, max_payload;
	struct strmap invocations; /* state name -> count of task calls */
	struct strmap sizes;       /* input container -> its size + 1 */
	struct strmap templates;   /* mock response entry -> its compiled
				      Template (struct asl_expr), built at the
				      start: the mocks file is no part of the
				      model */
	unsigned long nr_visit_ids; /* last frame.visit_id handed out */
	/* What x->context shows now (exec_context_): */
	unsigned long ctx_visit;
	int ctx_retry;
	const char *ctx_token;
	const cJSON *ctx_item;
	enum exec_status stop;     /* != RUNNING: the whole execution ends */
	struct exec_err stop_err;
	unsigned char *scenario_used; /* per scenario entry */
	int depth;
	int timers_loaded;
	const cJSON *borrowed_input; /* exec_run's input, never freed here */
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
};

/* exec.c: the run loop */
int exec_machine_(struct exec *x, const struct asl_machine *m, cJSON *input,
		  struct vscope *scope, const cJSON *map_item, cJSON **out,
		  struct exec_err *err);

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
/* Prints v compactly into out (as AWS quotes inputs in causes). */
void exec_json_(const cJSON *v, struct buf *out);

/* exec_choice.c */
int exec_choice_(struct exec *x, struct frame *fr);

/* exec_task.c */
int exec_task_(struct exec *x, struct frame *fr);
int exec_wait_(struct exec *x, struct frame *fr);
/* Compiles the mocks file's Templates before the first state runs (the
 * model compiled the machine's own expressions when it was built), and
 * frees them after the last. */
void exec_mocks_start_(struct exec *x);
void exec_mocks_finish_(struct exec *x);

/* exec_time.c: time passing on the virtual clock */
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
/* How a Distributed Map sees its child executions run. */
struct exec_map_hook {
	void *ctx;
	/* Before child i runs on input (borrowed). */
	void (*begin)(struct exec *x, void *ctx, long i, const cJSON *input);
	/* After it: rc 0 with out, or -1 with err (both consumed).  Returns 0
	 * to go on, -1 to stop the Map with fr->err set. */
	int (*end)(struct exec *x, struct frame *fr, void *ctx, long i, int rc,
		   cJSON *out, struct exec_err *err);
};
/* Runs the Map's processor once per element of inputs (an array,
 * consumed), at most max_conc at a time (0: all) on the virtual clock, each
 * in no outer variable scope, telling hook.  Returns 0, or -1 with fr->err
 * set. */
int exec_map_iterations_(struct exec *x, struct frame *fr, cJSON *inputs,
			 long max_conc, const struct exec_map_hook *hook);

/* exec_distmap.c: a Distributed Map attempt (ItemReader, ItemBatcher,
 * tolerated failures, child executions, ResultWriter). */
int exec_distmap_attempt_(struct exec *x, struct frame *fr, cJSON **result);
/* Any Map's MaxConcurrency, or MaxConcurrencyPath's value checked as AWS
 * checks it at run time (0: no limit).  Returns 0, or -1 with fr->err. */
int exec_map_max_concurrency_(struct exec *x, struct frame *fr, long *out);

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
/* Puts the kept history in virtual-time order (stable), renumbering ids
 * and previousEventId.  Called once, after the final event. */
void exec_history_order_(struct exec *x);

#endif
