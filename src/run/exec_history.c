/* exec_history.c - the execution's events: GetExecutionHistory-shaped
 * records (kept when asked for), the event count behind --max-events, and
 * EventBridge "Step Functions Execution Status Change" events.
 * Not here: printing (cmd_run.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_frame.h"
#include "rng.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

const char *exec_event_prefix_(enum asl_type t)
{
	return t == ASL_UNKNOWN ? "State" : asl_type_name(t);
}

int exec_over_limit_(struct exec *x)
{
	if (x->stop != EXEC_RUNNING)
		return 1;
	if ((size_t)x->nr_events <= x->max_events)
		return 0;
	x->stop = EXEC_FAILED;
	exec_err_setf_(&x->stop_err, "States.Runtime",
		       "The execution reached the limit of %zu history events "
		       "(--max-events); a loop without end?", x->max_events);
	return 1;
}

long exec_event_(struct exec *x, const char *type, const char *key,
		 cJSON *details)
{
	long id = ++x->nr_events;
	if (!x->res->history) {
		if (details) /* the run loop's events carry none: no call */
			cJSON_Delete(details);
		return id;
	}
	cJSON *e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "id", (double)id);
	cJSON_AddNumberToObject(e, "previousEventId", (double)x->prev_event);
	cJSON_AddNumberToObject(e, "timestamp", (double)x->clock.now / 1000.0);
	cJSON_AddStringToObject(e, "type", type);
	if (key && details)
		cJSON_AddItemToObject(e, key, details);
	else
		cJSON_Delete(details);
	cJSON_AddItemToArray(x->res->history, e);
	x->prev_event = id;
	return id;
}

cJSON *exec_details_io_(const char *name, const char *key, const cJSON *v)
{
	cJSON *d = cJSON_CreateObject();
	if (name)
		cJSON_AddStringToObject(d, "name", name);
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	cJSON_AddStringToObject(d, key, s ? s : "null");
	cJSON_free(s);
	cJSON *det = cJSON_CreateObject();
	cJSON_AddBoolToObject(det, "truncated", 0);
	cJSON_AddItemToObject(d, !strcmp(key, "input") ? "inputDetails"
						       : "outputDetails", det);
	return d;
}

cJSON *exec_details_err_(const struct exec_err *e)
{
	cJSON *d = cJSON_CreateObject();
	if (e->error)
		cJSON_AddStringToObject(d, "error", e->error);
	if (e->cause)
		cJSON_AddStringToObject(d, "cause", e->cause);
	return d;
}

cJSON *exec_details_task_(const char *resource)
{
	cJSON *d = cJSON_CreateObject();
	const char *p = resource;
	if (!strncmp(p, "arn:aws:states:::", 17)) {
		p += 17;
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		char type[64];
		snprintf(type, sizeof(type), "%.*s", (int)(n < 63 ? n : 63), p);
		cJSON_AddStringToObject(d, "resourceType", type);
		cJSON_AddStringToObject(d, "resource", colon ? colon + 1 : p);
	} else {
		cJSON_AddStringToObject(d, "resourceType",
					strstr(p, ":lambda:") ? "lambda" : "activity");
		cJSON_AddStringToObject(d, "resource", p);
	}
	return d;
}

/* ---- EventBridge ------------------------------------------------------ */

static cJSON *status_event(const struct exec_result *r,
			   const struct exec_options *opt, const char *status,
			   int final, int n)
{
	struct buf t = BUF_INIT;
	cJSON *e = cJSON_CreateObject();
	timestamp_format_short(final ? r->stop_ms : r->start_ms, &t);
	/* EventBridge gives each event a UUID: here one drawn from the
	 * execution's ARN and the event's place, so runs repeat it */
	uint64_t seed = 1469598103934665603ull; /* FNV-1a */
	for (const char *p = r->execution_arn; p && *p; p++)
		seed = (seed ^ (unsigned char)*p) * 1099511628211ull;
	struct rng rng;
	char id[37];
	rng_init(&rng, seed + (uint64_t)n);
	rng_uuid(&rng, id);
	cJSON_AddStringToObject(e, "version", "0");
	cJSON_AddStringToObject(e, "id", id);
	cJSON_AddStringToObject(e, "detail-type", "Step Functions Execution Status Change");
	cJSON_AddStringToObject(e, "source", "aws.states");
	cJSON_AddStringToObject(e, "account", opt->account ? opt->account : "123456789012");
	cJSON_AddStringToObject(e, "time", t.ptr);
	cJSON_AddStringToObject(e, "region", opt->region ? opt->region : "us-east-1");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(e, "resources"),
			     cJSON_CreateString(r->execution_arn));
	cJSON *d = cJSON_AddObjectToObject(e, "detail");
	cJSON_AddStringToObject(d, "executionArn", r->execution_arn);
	cJSON_AddStringToObject(d, "stateMachineArn", r->machine_arn);
	cJSON_AddStringToObject(d, "name", r->name);
	cJSON_AddStringToObject(d, "status", status);
	cJSON_AddNumberToObject(d, "startDate", (double)r->start_ms);
	if (final)
		cJSON_AddNumberToObject(d, "stopDate", (double)r->stop_ms);
	else
		cJSON_AddNullToObject(d, "stopDate");
	char *in = cJSON_PrintUnformatted(r->input);
	cJSON_AddStringToObject(d, "input", in ? in : "{}");
	cJSON_free(in);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(d, "inputDetails"), "included", 1);
	char *out = final && r->output ? cJSON_PrintUnformatted(r->output) : NULL;
	if (out) {
		cJSON_AddStringToObject(d, "output", out);
		cJSON_AddBoolToObject(cJSON_AddObjectToObject(d, "outputDetails"),
				      "included", 1);
	} else {
		cJSON_AddNullToObject(d, "output");
		cJSON_AddNullToObject(d, "outputDetails");
	}
	cJSON_free(out);
	if (final && r->status != EXEC_SUCCEEDED) { /* FAILED, TIMED_OUT, ABORTED */
		cJSON_AddItemToObject(d, "error", r->error ? cJSON_CreateString(r->error)
							   : cJSON_CreateNull());
		cJSON_AddItemToObject(d, "cause", r->cause ? cJSON_CreateString(r->cause)
							   : cJSON_CreateNull());
	}
	buf_release(&t);
	return e;
}

void exec_status_events(const struct exec_result *r,
			const struct exec_options *opt, cJSON *arr)
{
	cJSON_AddItemToArray(arr, status_event(r, opt, "RUNNING", 0, 0));
	cJSON_AddItemToArray(arr, status_event(r, opt, exec_status_name(r->status), 1, 1));
}
