/* exec_task.c - Task and Wait states on the virtual clock: mocked
 * invocations, .waitForTaskToken callbacks driven by the scenario's
 * timers, heartbeat and task timeouts (Retry and time passing:
 * exec_time.c).
 * Not here: the mocks file (mock.c), the child-process handler
 * (exec_handler in this file is the only place that forks). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dataflow.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

/* AWS's default task timeout when TimeoutSeconds is absent (99999999 s). */
#define TASK_DEFAULT_TIMEOUT_S 99999999.0
/* An Exec handler's output and run time are bounded. */
#define HANDLER_MAX_OUTPUT (EXEC_DEFAULT_MAX_PAYLOAD * 4)
#define HANDLER_DEFAULT_TIMEOUT_MS 10000

/* ---- Wait ------------------------------------------------------------- */

/* A JSONata Wait: Seconds a non-negative integer, Timestamp a timestamp,
 * either one written or computed. */
static int wait_target_jsonata(struct exec *x, struct frame *fr,
			       const struct asl_expr *e, int seconds,
			       const cJSON *in, int64_t *target)
{
	int bad, rc = 0;
	cJSON *v = fr->flow->value(x, fr, e, in, &bad);
	if (!v)
		return -1;
	if (seconds && cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble == floor(v->valuedouble) && v->valuedouble < 1e12)
		*target = x->clock.now + (int64_t)v->valuedouble * 1000;
	else if (seconds)
		rc = dataflow_jsonata_type_error(x, fr, e, v,
						 "a non-negative integer");
	else if (!cJSON_IsString(v) || timestamp_parse(v->valuestring, target))
		rc = dataflow_jsonata_type_error(x, fr, e, v,
						 "an ISO-8601 timestamp");
	cJSON_Delete(v);
	return rc;
}

static int wait_target(struct exec *x, struct frame *fr, const cJSON *in,
		       int64_t *target)
{
	const struct asl_state *s = fr->state;
	if (s->compiled->seconds.json || s->compiled->timestamp.json)
		return wait_target_jsonata(x, fr, s->compiled->seconds.json
						 ? &s->compiled->seconds
						 : &s->compiled->timestamp,
					   s->compiled->seconds.json != NULL, in,
					   target);
	const cJSON *v = s->seconds ? s->seconds : s->timestamp;
	cJSON *owned = NULL;
	const char *field = s->seconds_path ? "SecondsPath" : "TimestampPath";
	const struct asl_expr *path = s->seconds_path ? &s->compiled->seconds_path
						      : &s->compiled->timestamp_path;
	if (!v && cJSON_IsString(path->json)) {
		int bad;
		v = owned = fr->flow->value(x, fr, path, in, &bad);
		if (!v) {
			if (!fr->err.error)
				exec_err_state_(&fr->err, fr, "States.Runtime",
						"Invalid path '%s' : No results for "
						"path: %s", asl_expr_text(path), field);
			return -1;
		}
	}
	int seconds = s->seconds || s->seconds_path;
	int rc = 0;
	if (seconds && cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble == floor(v->valuedouble))
		*target = x->clock.now + exec_ms_(v->valuedouble);
	else if (seconds || !cJSON_IsString(v) ||
		 timestamp_parse(v->valuestring, target)) {
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The %s field does not hold a valid %s.",
				seconds ? "SecondsPath" : "TimestampPath",
				seconds ? "non-negative integer" : "timestamp");
		rc = -1;
	}
	cJSON_Delete(owned);
	return rc;
}

/* Waits; the data flow passes the effective input on. */
int exec_wait_(struct exec *x, struct frame *fr)
{
	int64_t target = x->clock.now;
	if (wait_target(x, fr, fr->eff, &target) || exec_advance_(x, target))
		return -1;
	return 0;
}

/* ---- Task invocation ---------------------------------------------------- */

struct task_call {
	const char *resource;
	const char *function;  /* lambda function name, or NULL */
	const cJSON *eff;      /* effective input (the frame's) */
	cJSON *params;         /* this attempt's parameters (owned) */
	int params_fresh;      /* params were built for this attempt already */
	int callback;          /* .waitForTaskToken */
	double timeout_s, heartbeat_s; /* heartbeat 0: none */
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* The function name inside a Lambda ARN or name; owned. */
static char *function_name(const char *s)
{
	const char *f = strstr(s, ":function:");
	if (f)
		s = f + 10;
	const char *colon = strchr(s, ':');
	return colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
}

static void task_event(struct exec *x, const struct task_call *c,
		       const char *type, const char *key, cJSON *extra)
{
	if (!x->res->history) {
		cJSON_Delete(extra);
		exec_event_(x, type, key, NULL);
		return;
	}
	cJSON *d = exec_details_task_(c->resource);
	if (extra) {
		while (extra->child) {
			cJSON *it = cJSON_DetachItemViaPointer(extra, extra->child);
			cJSON_AddItemToObject(d, it->string, it);
		}
		cJSON_Delete(extra);
	}
	exec_event_(x, type, key, d);
}

static cJSON *err_details(const struct exec_err *e)
{
	return exec_details_err_(e);
}

/* Runs an Exec handler: the command gets the input on stdin and prints the
 * result as JSON.  Returns 0 with *out, or -1 with fr->err. */
static int run_handler(struct exec *x, struct frame *fr, const cJSON *spec,
		       const cJSON *in, cJSON **out);

static int throw_entry(struct frame *fr, const cJSON *t)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(t, "Error");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "Cause");
	exec_err_set_(&fr->err, cJSON_IsString(e) ? e->valuestring : "",
		      cJSON_IsString(c) ? c->valuestring : NULL);
	return -1;
}

/* ---- mocked responses ------------------------------------------------ */

/* A Return or Template response: the Template is evaluated against 'event'
 * (the task's parameters, or the event a Lambda integration passes). */
static int mocked_value(struct exec *x, struct frame *fr, const cJSON *entry,
			const cJSON *event, cJSON **out)
{
	const struct asl_expr *t = mock_template(x->opt->mocks, entry);
	if (t && cJSON_IsString(t->json)) {
		int bad;
		*out = dataflow_jsonpath.value(x, fr, t, event, &bad);
		if (!*out && !fr->err.error)
			exec_err_state_(&fr->err, fr, "States.Runtime",
					"The mock template '%s' selected nothing.",
					asl_expr_text(t));
		return *out ? 0 : -1;
	}
	if (t) /* mock files are JSONPath, whatever the state's language */
		return dataflow_jsonpath.arguments(x, fr, t, event, out);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, "Return");
	*out = v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
	return 0;
}

/* "Integration": "lambda:invoke" marks the response of a function behind
 * the optimised integration: the Template reads the function's event (the
 * parameters' Payload) and the answer is the Invoke API's response. */
static int mocked_invoke(struct exec *x, struct frame *fr,
			 const struct task_call *c, const cJSON *entry,
			 cJSON **out)
{
	cJSON *v = NULL;
	const cJSON *event = cJSON_GetObjectItemCaseSensitive(c->params, "Payload");
	if (mocked_value(x, fr, entry, event, &v))
		return -1;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "ExecutedVersion", "$LATEST");
	cJSON_AddItemToObject(*out, "Payload", v);
	cJSON_AddNumberToObject(*out, "StatusCode", 200);
	return 0;
}

/* A plain Lambda ARN returns the function's payload: a mock written as
 * the Invoke response (StatusCode and Payload, as the MockConfigFile
 * format writes Lambda results) answers with its Payload. */
static void plain_lambda_payload(const struct task_call *c, cJSON **out)
{
	if (strncmp(c->resource, "arn:aws:lambda:", 15) || !cJSON_IsObject(*out))
		return;
	cJSON *code = cJSON_GetObjectItemCaseSensitive(*out, "StatusCode");
	cJSON *payload = cJSON_GetObjectItemCaseSensitive(*out, "Payload");
	if (!cJSON_IsNumber(code) || !payload)
		return;
	payload = cJSON_DetachItemViaPointer(*out, payload);
	cJSON_Delete(*out);
	*out = payload;
}

static int mocked(struct exec *x, struct frame *fr, const struct task_call *c,
		  const cJSON *entry, cJSON **out)
{
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(entry, "Throw")))
		return throw_entry(fr, v);
	if ((v = cJSON_GetObjectItemCaseSensitive(entry, "Exec")) &&
	    !cJSON_GetObjectItemCaseSensitive(entry, "Template"))
		return run_handler(x, fr, v, c->params, out);
	v = cJSON_GetObjectItemCaseSensitive(entry, "Integration");
	if (cJSON_IsString(v) && !strcmp(v->valuestring, "lambda:invoke") &&
	    (cJSON_GetObjectItemCaseSensitive(entry, "Return") ||
	     cJSON_GetObjectItemCaseSensitive(entry, "Template")))
		return mocked_invoke(x, fr, c, entry, out);
	if (mocked_value(x, fr, entry, c->params, out))
		return -1;
	plain_lambda_payload(c, out);
	return 0;
}

static void no_mock(struct exec *x, struct frame *fr, const struct task_call *c)
{
	const struct mock_config *mc = x->opt->mocks;
	x->stop = EXEC_FAILED;
	exec_err_setf_(&x->stop_err, "States.Runtime",
		       "No mock for state '%s' (resource '%s') in %s%s%s",
		       fr->state->name, c->resource,
		       mc && mc->path ? "mock file '" : "",
		       mc && mc->path ? mc->path : "no mock file (use --mock-config)",
		       mc && mc->path ? "'" : "");
	exec_err_set_(&fr->err, x->stop_err.error, x->stop_err.cause);
}

/* Waits for the callback of task c: the scenario's entries are routed by
 * task token (exec_sched.c); a heartbeat restarts HeartbeatSeconds. */
static int await_callback(struct exec *x, struct frame *fr,
			  const struct task_call *c, cJSON **out)
{
	int64_t deadline = x->clock.now + exec_ms_(c->timeout_s);
	int64_t beat = c->heartbeat_s > 0
		? x->clock.now + exec_ms_(c->heartbeat_s) : INT64_MAX;
	for (;;) {
		int64_t limit = beat < deadline ? beat : deadline;
		int stopped;
		long i = exec_await_callback_(x, fr->task_token, limit, &stopped);
		if (stopped)
			return -1;
		if (i < 0) {
			/* AWS's error output of a task timeout has an empty
			 * Cause (a heartbeat timeout's has none) */
			exec_err_set_(&fr->err, beat < deadline ? "States.HeartbeatTimeout"
								 : "States.Timeout",
				      beat < deadline ? NULL : "");
			return -1;
		}
		const cJSON *e = exec_scenario_entry_(x, i);
		const char *a = exec_scenario_action_(e);
		if (!strcmp(a, "SendTaskHeartbeat")) {
			if (c->heartbeat_s > 0)
				beat = x->clock.now + exec_ms_(c->heartbeat_s);
			continue;
		}
		if (!strcmp(a, "SendTaskSuccess")) {
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(e, "output");
			*out = o ? cJSON_Duplicate(o, 1) : cJSON_CreateObject();
			return 0;
		}
		const cJSON *er = cJSON_GetObjectItemCaseSensitive(e, "error");
		const cJSON *ca = cJSON_GetObjectItemCaseSensitive(e, "cause");
		exec_err_set_(&fr->err, cJSON_IsString(er) ? er->valuestring : "",
			      cJSON_IsString(ca) ? ca->valuestring : NULL);
		return -1;
	}
}

static int invoke(struct exec *x, struct frame *fr, const struct task_call *c,
		  cJSON **out)
{
	char key[32];
	if (exec_test_mocked_(x, fr))
		return exec_test_mock_(x, fr, out);
	int klen = snprintf(key, sizeof(key), "%p", (const void *)fr->state);
	size_t n = (size_t)(uintptr_t)strmap_get(&x->invocations, key, (size_t)klen);
	strmap_put(&x->invocations, key, (size_t)klen, (void *)(uintptr_t)(n + 1));
	const cJSON *entry = mock_response(x->opt->mocks, fr->state->name,
					   c->resource, c->function, (unsigned)n);
	if (entry) {
		const cJSON *delay = cJSON_GetObjectItemCaseSensitive(entry, "DelaySeconds");
		double d = cJSON_IsNumber(delay) ? delay->valuedouble : 0;
		if (d > c->timeout_s) {
			if (exec_advance_(x, x->clock.now + exec_ms_(c->timeout_s)))
				return -1;
			exec_err_set_(&fr->err, "States.Timeout", "");
			return -1;
		}
		if (d > 0 && exec_advance_(x, x->clock.now + exec_ms_(d)))
			return -1;
		return mocked(x, fr, c, entry, out);
	}
	if (c->callback)
		return await_callback(x, fr, c, out);
	no_mock(x, fr, c);
	return -1;
}

/* The parameters of this attempt: built by prepare() for the first, built
 * again for a retry (whose $$.State.RetryCount differs). */
static int attempt_params(struct exec *x, struct frame *fr, struct task_call *c)
{
	const struct asl_expr *args = dataflow_arguments_of(fr->state);
	if (c->params_fresh) {
		c->params_fresh = 0;
	} else {
		cJSON_Delete(c->params);
		c->params = NULL;
		if (!args)
			c->params = cJSON_Duplicate(c->eff, 1);
		else if (fr->flow->arguments(x, fr, args, c->eff, &c->params))
			return -1;
	}
	exec_record_arguments_(fr, c->params);
	return 0;
}

static int attempt(struct exec *x, struct frame *fr, cJSON **result)
{
	struct task_call *c = (struct task_call *)fr->call;
	cJSON *raw = NULL;
	if (attempt_params(x, fr, c))
		return -1;
	cJSON *sched = NULL;
	if (x->res->history) {
		char *ps = cJSON_PrintUnformatted(c->params);
		sched = cJSON_CreateObject();
		cJSON_AddStringToObject(sched, "parameters", ps);
		cJSON_free(ps);
	}
	task_event(x, c, "TaskScheduled", "taskScheduledEventDetails", sched);
	task_event(x, c, "TaskStarted", "taskStartedEventDetails", NULL);
	if (c->callback)
		task_event(x, c, "TaskSubmitted", "taskSubmittedEventDetails", NULL);
	if (invoke(x, fr, c, &raw)) {
		if (exec_aborting_(x))
			return -1; /* the visit writes TaskStateAborted */
		if (x->stop != EXEC_RUNNING && !fr->err.error)
			exec_err_set_(&fr->err, x->stop_err.error, x->stop_err.cause);
		int timeout = fr->err.error && ends_with(fr->err.error, "Timeout");
		task_event(x, c, timeout ? "TaskTimedOut" : "TaskFailed",
			   timeout ? "taskTimedOutEventDetails" : "taskFailedEventDetails",
			   err_details(&fr->err));
		return -1;
	}
	cJSON *ok = NULL;
	if (x->res->history) {
		char *os = cJSON_PrintUnformatted(raw);
		ok = cJSON_CreateObject();
		cJSON_AddStringToObject(ok, "output", os);
		cJSON_free(os);
	}
	task_event(x, c, "TaskSucceeded", "taskSucceededEventDetails", ok);
	if (exec_check_size_(x, fr, raw, "returned")) {
		cJSON_Delete(raw);
		return -1;
	}
	return fr->flow->shape(x, fr, raw, result);
}

/* A JSONata TimeoutSeconds / HeartbeatSeconds: a positive integer. */
static int seconds_jsonata(struct exec *x, struct frame *fr,
			   const struct asl_expr *e, const cJSON *in, double *out)
{
	int bad;
	cJSON *v = fr->flow->value(x, fr, e, in, &bad);
	if (!v)
		return -1;
	int ok = cJSON_IsNumber(v) && v->valuedouble >= 1 &&
		 v->valuedouble == floor(v->valuedouble);
	if (ok)
		*out = v->valuedouble;
	else
		dataflow_jsonata_type_error(x, fr, e, v, "a positive integer");
	cJSON_Delete(v);
	return ok ? 0 : -1;
}

/* TimeoutSeconds(Path) / HeartbeatSeconds(Path) in seconds; -1 error.
 * jsonata: the field compiled as JSONata (a JSONata state's). */
static int seconds_field(struct exec *x, struct frame *fr, const cJSON *lit,
			 const struct asl_expr *path,
			 const struct asl_expr *jsonata, const char *field,
			 const cJSON *in, double dflt, double *out)
{
	*out = dflt;
	if (jsonata->json)
		return seconds_jsonata(x, fr, jsonata, in, out);
	if (cJSON_IsNumber(lit)) {
		*out = lit->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(path->json))
		return 0;
	int bad;
	cJSON *v = fr->flow->value(x, fr, path, in, &bad);
	if (cJSON_IsNumber(v) && v->valuedouble > 0) {
		*out = v->valuedouble;
		cJSON_Delete(v);
		return 0;
	}
	cJSON_Delete(v);
	if (!fr->err.error)
		exec_err_state_(&fr->err, fr, "States.Runtime",
				"The value of the field '%s' must be a positive "
				"integer, found at path '%s'.", field,
				asl_expr_text(path));
	return -1;
}

/* Issues a task token: drawn from the seeded RNG, kept in the result (the
 * simulated account answers SendTask* calls with it).  Borrowed from the
 * result. */
static const char *issue_token(struct exec *x)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct exec_result *r = x->res;
	char *t = xmalloc(EXEC_TOKEN_LEN + 1);
	for (size_t i = 0; i < EXEC_TOKEN_LEN; i++)
		t[i] = b64[rng_next(&x->rng) & 63];
	t[EXEC_TOKEN_LEN] = '\0';
	ARRAY_GROW(r->tokens, r->nr_tokens + 1, r->alloc_tokens);
	r->tokens[r->nr_tokens++] = t;
	return t;
}

static int prepare(struct exec *x, struct frame *fr, struct task_call *c)
{
	const struct asl_state *s = fr->state;
	memset(c, 0, sizeof(*c));
	c->resource = s->resource ? s->resource : "";
	c->callback = ends_with(c->resource, ".waitForTaskToken");
	c->eff = fr->eff;
	if (attempt_params(x, fr, c))
		return -1;
	c->params_fresh = 1;
	if (seconds_field(x, fr, s->timeout_seconds, &s->compiled->timeout_seconds_path,
			  &s->compiled->timeout_seconds, "TimeoutSecondsPath",
			  c->eff, TASK_DEFAULT_TIMEOUT_S, &c->timeout_s) ||
	    seconds_field(x, fr, s->heartbeat_seconds,
			  &s->compiled->heartbeat_seconds_path,
			  &s->compiled->heartbeat_seconds, "HeartbeatSecondsPath",
			  c->eff, 0, &c->heartbeat_s))
		return -1;
	const cJSON *fn = cJSON_GetObjectItemCaseSensitive(c->params, "FunctionName");
	if (strstr(c->resource, ":function:"))
		c->function = function_name(c->resource);
	else if (cJSON_IsString(fn))
		c->function = function_name(fn->valuestring);
	return 0;
}

/* Invokes the task under Retry; the data flow places its result. */
int exec_task_(struct exec *x, struct frame *fr)
{
	const struct asl_state *s = fr->state;
	struct task_call c;
	if (ends_with(s->resource ? s->resource : "", ".waitForTaskToken"))
		fr->task_token = issue_token(x);
	int rc = prepare(x, fr, &c);
	if (rc == 0) {
		fr->call = &c;
		rc = exec_with_retry_(x, fr, attempt, &fr->result);
		fr->call = NULL;
	}
	cJSON_Delete(c.params);
	free((char *)c.function);
	fr->task_token = NULL;
	fr->shaped = 1; /* ResultSelector ran in the attempt */
	return rc;
}

/* ---- the Exec handler (opt-in) ------------------------------------------ */

static int handler_fail(struct frame *fr, const char *why)
{
	exec_err_setf_(&fr->err, "States.TaskFailed", "Exec handler: %s", why);
	return -1;
}

static int read_child(int fd, struct buf *out, int timeout_ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char chunk[4096];
	for (;;) {
		int r = poll(&p, 1, timeout_ms);
		if (r <= 0)
			return -1;
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0)
			buf_add(out, chunk, (size_t)n);
		if (out->len > HANDLER_MAX_OUTPUT)
			return -1;
	}
}

static int run_handler(struct exec *x, struct frame *fr, const cJSON *spec,
		       const cJSON *in, cJSON **out)
{
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(spec, "Command");
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(spec, "TimeoutSeconds");
	int n = cJSON_GetArraySize(cmd);
	if (!x->opt->allow_exec)
		return handler_fail(fr, "not allowed (run with --allow-exec)");
	if (!cJSON_IsArray(cmd) || n < 1 || n > 64)
		return handler_fail(fr, "Command must be a non-empty array of strings");
	char *argv[65];
	for (int i = 0; i < n; i++) {
		const cJSON *a = cJSON_GetArrayItem(cmd, i);
		if (!cJSON_IsString(a))
			return handler_fail(fr, "Command must be an array of strings");
		argv[i] = a->valuestring;
	}
	argv[n] = NULL;
	int pin[2], pout[2];
	if (pipe(pin))
		return handler_fail(fr, "pipe failed");
	if (pipe(pout)) {
		close(pin[0]);
		close(pin[1]);
		return handler_fail(fr, "pipe failed");
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		close(pin[1]);
		close(pout[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	char *text = cJSON_PrintUnformatted(in);
	signal(SIGPIPE, SIG_IGN);
	if (pid > 0 && text && write(pin[1], text, strlen(text)) < 0)
		text[0] = '\0'; /* the child stopped reading: its output decides */
	cJSON_free(text);
	close(pin[1]);
	struct buf b = BUF_INIT;
	int ms = cJSON_IsNumber(to) && to->valuedouble < INT_MAX / 1000
		? (int)exec_ms_(to->valuedouble) : HANDLER_DEFAULT_TIMEOUT_MS;
	int rr = pid > 0 ? read_child(pout[0], &b, ms) : -1;
	close(pout[0]);
	int status = 0;
	if (pid > 0) {
		if (rr)
			kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	*out = rr ? NULL : cJSON_ParseWithLength(b.ptr, b.len);
	buf_release(&b);
	if (!*out)
		return handler_fail(fr, rr ? "timed out or too much output"
					   : "output is not JSON");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(*out, "Error");
		int rc = e ? throw_entry(fr, *out) : handler_fail(fr, "exited with an error");
		cJSON_Delete(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}
