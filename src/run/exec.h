/* exec.h - the ASL interpreter: runs a state machine offline the way AWS
 * Step Functions would (same outputs, error names and causes), on a virtual
 * clock, with a seeded RNG and mocked tasks.  Deterministic: the same
 * machine, input and options give the same bytes.
 * Parallel branches and Map iterations are frames on the virtual clock
 * (exec_sched.c); inside the run layer, a Map over any list of items (a
 * Distributed Map's reader, say) goes through exec_map_items_
 * (exec_frame.h).
 * Not here: the model (asl.h), mocks file format (mock.h), the command
 * line (cmd_run.c). */
#ifndef STEPBOOK_EXEC_H
#define STEPBOOK_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "asl.h"
#include "mock.h"

/* AWS's quotas, the defaults of --max-events and --max-payload. */
#define EXEC_DEFAULT_MAX_EVENTS 25000
#define EXEC_DEFAULT_MAX_PAYLOAD 262144
/* 2024-01-01T00:00:00Z, the default --start-time. */
#define EXEC_DEFAULT_START_MS 1704067200000LL
/* The task tokens .waitForTaskToken tasks receive: base64 characters. */
#define EXEC_TOKEN_LEN 160
/* Nested Parallel/Map frames: the model already caps nesting at
 * ASL_MAX_NESTING, so this is that bound plus the top level. */
#define EXEC_MAX_DEPTH (ASL_MAX_NESTING + 1)

enum exec_status { EXEC_RUNNING, EXEC_SUCCEEDED, EXEC_FAILED, EXEC_TIMED_OUT,
		   EXEC_ABORTED };

struct exec_options {
	const char *name;        /* state machine name, for ARNs and mocks */
	const char *region, *account;
	int64_t start_ms;
	uint64_t seed;
	size_t max_events;       /* 0: EXEC_DEFAULT_MAX_EVENTS */
	size_t max_payload;      /* 0: EXEC_DEFAULT_MAX_PAYLOAD */
	const struct mock_config *mocks; /* NULL: no mocks */
	const cJSON *scenario;   /* array of callback actions, or NULL */
	int allow_exec;          /* run "Exec" mock handlers */
	int keep_history;        /* record GetExecutionHistory events */
	int inspect;             /* record each visit's data-flow stages
				    (struct exec_inspection); off: no cost */
	const char *s3_dir;      /* the folder standing for S3 (DIR/BUCKET/KEY)
				    of Distributed Map's ItemReader and
				    ResultWriter, or NULL */
};

/* ---- inspection: the data after each stage of a state visit ----------
 * With exec_options.inspect, every visit of exec_result.visits carries an
 * exec_inspection: the value after each data-flow stage the visit ran, as
 * the data-flow implementations (dataflow.h) produced it, the same values
 * the TestState API reports in its inspectionData.  A stage the state did
 * not reach (it failed before) or does not have (a Choice has no
 * ResultPath) is NULL.  A Task retried shows its last attempt.  Use it like:
 *
 *     opt.inspect = 1;  exec_run(m, input, &opt, &r);
 *     for (size_t i = 0; i < r.nr_visits; i++) {
 *             const struct exec_inspection *in = r.visits[i].inspection;
 *             for (int k = 0; in && k < EXEC_NR_STAGES; k++)
 *                     if (in->stage[k])  print exec_stage_name(k), in->stage[k]
 *     }
 *
 * Retried attempts (EXEC_VISIT_RETRIED) carry none: the visit that ends
 * the state carries the stages of its last attempt. */
enum exec_stage {
	EXEC_STAGE_INPUT,               /* the raw state input */
	EXEC_STAGE_AFTER_INPUT_PATH,    /* JSONPath: after InputPath */
	EXEC_STAGE_AFTER_PARAMETERS,    /* JSONPath: after Parameters (Pass,
					   Task, Parallel) */
	EXEC_STAGE_AFTER_ARGUMENTS,     /* JSONata: after Arguments */
	EXEC_STAGE_AFTER_ITEMS_PATH,    /* Map: the items (ItemsPath / Items) */
	EXEC_STAGE_AFTER_ITEM_SELECTOR, /* Map: every iteration's input */
	EXEC_STAGE_AFTER_ITEM_BATCHER,  /* Map: the batches (ItemBatcher) */
	EXEC_STAGE_RESULT,              /* the state's raw result */
	EXEC_STAGE_AFTER_RESULT_SELECTOR,
	EXEC_STAGE_AFTER_RESULT_PATH,
	EXEC_STAGE_OUTPUT,              /* the state output (after OutputPath,
					   or JSONata Output); no TestState
					   field: its response's "output" */
	EXEC_STAGE_VARIABLES,           /* every variable the state sees after
					   its Assign: an object */
	EXEC_STAGE_ERROR,               /* {"Error","Cause"}: the error the
					   state raised (caught or not) */
	EXEC_STAGE_MAX_CONCURRENCY,     /* Map: numbers, as evaluated */
	EXEC_STAGE_TOLERATED_FAILURE_COUNT,
	EXEC_STAGE_TOLERATED_FAILURE_PERCENTAGE,
	EXEC_NR_STAGES
};

struct exec_inspection {
	cJSON *stage[EXEC_NR_STAGES]; /* owned; NULL: not reached / none */
};

/* The TestState inspectionData field of stage k: "afterInputPath"...
 * ("output" and "error" for the two stages TestState has no field for). */
const char *exec_stage_name(enum exec_stage k);
/* Frees in (NULL is fine). */
void exec_inspection_free(struct exec_inspection *in);

/* What became of a state, for the diagram of the executed path. */
enum exec_outcome { EXEC_VISIT_SUCCEEDED, EXEC_VISIT_FAILED,
		    EXEC_VISIT_CAUGHT, EXEC_VISIT_RETRIED };

struct exec_visit {
	const struct asl_state *state; /* borrowed from the model */
	enum exec_outcome outcome;
	int branch; /* CAUGHT: the catcher's index; a Choice that SUCCEEDED:
		       the rule taken, -1 for Default; otherwise -1 */
	cJSON *input; /* owned: a FAILED visit's state input (what a failure
			 report shows), otherwise NULL */
	struct exec_inspection *inspection; /* owned, with opt.inspect (not
					       on RETRIED), else NULL */
	size_t cause; /* a FAILED Parallel or Map: 1 + the index of the visit
			 inside its branch whose failure it passed on; else 0 */
};

struct exec_result {
	enum exec_status status;
	cJSON *output;       /* owned; NULL unless SUCCEEDED.  May share nodes
				of the input (reference nodes): release it
				before the input */
	char *error, *cause; /* owned; NULL when none */
	cJSON *history;      /* owned array of events (keep_history), or NULL */
	char *execution_arn, *machine_arn, *name; /* owned */
	int64_t start_ms, stop_ms;
	const cJSON *input;  /* the execution input, borrowed from exec_run's
				caller: keep it while the result is used */
	struct exec_visit *visits; /* in execution order */
	size_t nr_visits, alloc_visits;
	size_t transitions;  /* states entered */
	char **tokens;       /* owned: the task tokens issued, in order */
	size_t nr_tokens, alloc_tokens;
};

/* Runs m on input (borrowed, also by *r).  Fills *r (release with
 * exec_result_release).
 * Returns 0 when the execution SUCCEEDED, -1 otherwise. */
int exec_run(const struct asl_machine *m, const cJSON *input,
	     const struct exec_options *opt, struct exec_result *r);
void exec_result_release(struct exec_result *r);

const char *exec_status_name(enum exec_status s);

/* The visit where the error of a failed execution arose: the innermost
 * state of the failure that ended it (a state inside a Parallel branch
 * rather than the Parallel, following exec_visit.cause).  NULL when r did not end failing in a state
 * (it succeeded, timed out, or failed before its first state).  Borrowed
 * from r. */
const struct exec_visit *exec_failed_visit(const struct exec_result *r);

/* ---- TestState: one state run as AWS's TestState API runs it ---------
 * The state runs through the same run loop as in exec_run (one visit), with
 * what the API's request sets: variables, a context, a mocked result or
 * error in place of the state's work (the Task's call, the Map's
 * iterations, the Parallel's branches), the count of retries already made.
 * A Retry that would retry again ends the test RETRIABLE instead of
 * waiting; a Catch that takes the error ends it CAUGHT_ERROR. */
enum exec_test_status { EXEC_TEST_SUCCEEDED, EXEC_TEST_FAILED,
			EXEC_TEST_RETRIABLE, EXEC_TEST_CAUGHT_ERROR };

struct exec_test {
	const struct asl_state *state;   /* the state under test, borrowed */
	const cJSON *variables;   /* object of variables, or NULL */
	const cJSON *context;     /* object merged over $$, or NULL */
	const cJSON *map_item;    /* $$.Map.Item ({Index, Value}), or NULL */
	const cJSON *mock_result; /* the state's result, or NULL */
	const char *mock_error;   /* or the error it raises (NULL: none) */
	const char *mock_cause;   /* NULL: none */
	long retrier_retry_count; /* retries made by the matching Retry */
	long map_iteration_failure_count; /* failed Map iterations, -1: none */
	const cJSON *reader_items; /* what the Map's ItemReader read, or NULL */
	const char *reader_error, *reader_cause; /* or how reading it failed */
};

struct exec_test_result {
	enum exec_test_status status;
	cJSON *output;        /* owned; SUCCEEDED and CAUGHT_ERROR */
	char *error, *cause;  /* owned, or NULL */
	const char *next_state; /* borrowed from the model, or NULL */
	struct exec_inspection *inspection; /* owned with opt->inspect */
	int retry_index, catch_index;       /* -1: none */
	long retry_backoff_seconds;         /* with retry_index */
	struct exec_result run; /* the one-visit execution behind it */
};

/* Runs t->state of m once on input (borrowed).  Fills *r (release with
 * exec_test_result_release).  Returns 0. */
int exec_test_state(const struct asl_machine *m, const cJSON *input,
		    const struct exec_options *opt, const struct exec_test *t,
		    struct exec_test_result *r);
void exec_test_result_release(struct exec_test_result *r);
const char *exec_test_status_name(enum exec_test_status s);

/* Appends EventBridge "Step Functions Execution Status Change" events
 * (RUNNING, then the final status) to arr. */
void exec_status_events(const struct exec_result *r,
			const struct exec_options *opt, cJSON *arr);

#endif
