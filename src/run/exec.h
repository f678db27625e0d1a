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
	const char *s3_dir;      /* the folder standing for S3 (DIR/BUCKET/KEY)
				    of Distributed Map's ItemReader and
				    ResultWriter, or NULL */
};

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

/* Reports, as located errors in diags, every feature of m that the
 * interpreter does not execute yet (JSONata).  Returns 0, or -1 when m must not be run. */
int exec_check_supported(const struct asl_machine *m, struct diag_list *diags);

const char *exec_status_name(enum exec_status s);

/* The visit where the error of a failed execution arose: the innermost
 * state of the failure that ended it (a state inside a Parallel branch
 * rather than the Parallel, following exec_visit.cause).  NULL when r did not end failing in a state
 * (it succeeded, timed out, or failed before its first state).  Borrowed
 * from r. */
const struct exec_visit *exec_failed_visit(const struct exec_result *r);

/* Appends EventBridge "Step Functions Execution Status Change" events
 * (RUNNING, then the final status) to arr. */
void exec_status_events(const struct exec_result *r,
			const struct exec_options *opt, cJSON *arr);

#endif
