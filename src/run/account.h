/* account.h - a simulated AWS account for `stepbook check`: the state
 * machines a deploy created, their executions by ARN, task tokens, API keys
 * with the usage plan's counters, and the serverless `http` routes that
 * reach the machines through API Gateway.  Executions run on the
 * interpreter (exec.h) with the course's mocks and a virtual clock; the
 * account's own clock moves one second per request (a reader typing the
 * next command) and to the end of every synchronous execution.
 * Answers are what the real command prints: `sls invoke stepf` the
 * describe-execution result with ISO dates, `aws stepfunctions ...` the CLI
 * v2 JSON, HTTP requests API Gateway's status and body.
 * Not here: reading pages (steps.h), comparing outputs (jsoncmp.h). */
#ifndef STEPBOOK_ACCOUNT_H
#define STEPBOOK_ACCOUNT_H

#include <stdint.h>

#include <cJSON.h>

#include "diag.h"
#include "loader.h"

/* Executions one account keeps: a course starts tens. */
#define ACCOUNT_MAX_EXECUTIONS 10000

struct account_options {
	const char *region;   /* NULL: the deployed file's region */
	const char *account;  /* NULL: the deployed file's account */
	int64_t start_ms;     /* the clock at the first request */
	uint64_t seed;
	const cJSON *mocks;   /* borrowed stepbook.yml `mocks:` map, or NULL */
	const cJSON *api_keys; /* borrowed {name: value} map, or NULL */
	const char *s3_dir;   /* borrowed: the folder standing for S3, or NULL */
};

enum account_op {
	ACCOUNT_INVOKE,       /* sls invoke stepf: start and wait */
	ACCOUNT_START,        /* StartExecution */
	ACCOUNT_START_SYNC,   /* StartSyncExecution */
	ACCOUNT_DESCRIBE,
	ACCOUNT_STOP,
	ACCOUNT_TASK_SUCCESS,
	ACCOUNT_TASK_FAILURE,
	ACCOUNT_TASK_HEARTBEAT,
	ACCOUNT_HISTORY,
	ACCOUNT_HTTP,
};

struct account_request {
	enum account_op op;
	const char *machine;  /* machine name (sls) or state machine ARN */
	const char *name;     /* execution name, or NULL for a UUID */
	const cJSON *input;   /* execution input, task output, or HTTP body */
	const char *execution_arn, *token, *error, *cause;
	/* Callbacks the page sends to this execution later on (START, INVOKE,
	 * HTTP start): [{"action": "SendTaskSuccess", "at": seconds, ...}]. */
	const cJSON *scenario;
	const char *method, *path, *api_key; /* HTTP */
	int inspect; /* record each visit's data-flow stages (exec.h), for
			what the site shows of an example */
};

struct account_response {
	cJSON *result;   /* owned: what the command prints; NULL when nothing */
	char *error;     /* owned AWS error code (ExecutionDoesNotExist...), or NULL */
	char *message;   /* owned, with error */
	char *detail;    /* owned, or NULL: what a verbose report adds to the
			    error (a failed execution's path and the failing
			    state's input) */
	int status;      /* HTTP status (200 for CLI successes) */
};

struct account;
struct asl_machine;

/* Returns an empty account; owned, free with account_free. */
struct account *account_new(const struct account_options *opt);
void account_free(struct account *a);

/* Deploys every machine of lf (borrowed: it must outlive the account) as
 * `sls deploy` would: machines, routes, API keys, the usage plan.  Machines
 * of an earlier deploy with the same name are replaced.  models, when not
 * NULL, holds lf's machines already built (asl_build), borrowed as lf is:
 * a caller that validated them does not build them twice.  Returns 0, or
 * -1 with errors in diags (a definition the interpreter cannot model). */
int account_deploy(struct account *a, const struct loaded_file *lf,
		   struct asl_machine *const *models, struct diag_list *diags);

/* Serves one request.  Returns 0, or -1 when rs->error is set (an AWS
 * error, or an HTTP status >= 400).  Release rs with
 * account_response_release. */
int account_call(struct account *a, const struct account_request *rq,
		 struct account_response *rs);
void account_response_release(struct account_response *rs);

/* The executions started so far, in order of start, and the result of
 * execution i (borrowed: valid until the next call into the account). */
size_t account_nr_executions(const struct account *a);
const struct exec_result *account_execution(const struct account *a, size_t i);

/* The task token the simulation issued last, or NULL. */
const char *account_last_token(const struct account *a);

/* The value of API key 'name' (configured, else generated), or NULL. */
const char *account_api_key(const struct account *a, const char *name);

/* The notifications delivered so far: [{"target": {"lambda": ARN},
 * "event": EventBridge status-change event}], RUNNING then the final status
 * of each execution whose machine lists that status.  Borrowed. */
const cJSON *account_notifications(const struct account *a);

/* Virtual milliseconds since the epoch. */
int64_t account_now(const struct account *a);

#endif
