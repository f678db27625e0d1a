/* exec.c - the run loop: one flat switch on the state type per visit,
 * Catch handling, Pass/Succeed/Fail, and the execution's life cycle.
 * Not here: data flow (exec_flow.c), Choice (exec_choice.c), Task and Wait
 * (exec_task.c), Parallel and Map (exec_parallel.c), events
 * (exec_history.c). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec_impl.h"
#include "intrinsic.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

void exec_err_release_(struct exec_err *e)
{
	free(e->error);
	free(e->cause);
	e->error = e->cause = NULL;
}

void exec_err_set_(struct exec_err *e, const char *error, const char *cause)
{
	exec_err_release_(e);
	e->error = xstrdup(error ? error : "");
	e->cause = cause ? xstrdup(cause) : NULL;
}

void exec_err_setf_(struct exec_err *e, const char *error, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	exec_err_set_(e, error, b.ptr);
	buf_release(&b);
}

void exec_err_state_(struct exec_err *e, const struct step *st,
		     const char *error, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	buf_addf(&b, "An error occurred while executing the state '%s' "
		     "(entered at the event id #%ld). ",
		 st->state->name, st->entered_event);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	exec_err_set_(e, error, b.ptr);
	buf_release(&b);
}

void exec_visit_(struct exec *x, const struct asl_state *s, enum exec_outcome o,
		 int branch)
{
	struct exec_result *r = x->res;
	ARRAY_GROW(r->visits, r->nr_visits + 1, r->alloc_visits);
	r->visits[r->nr_visits++] = (struct exec_visit){ s, o, branch, NULL };
}

/* Adds n to *size; 1 once the total passes limit (the walk stops). */
static int count_add(size_t *size, size_t n, size_t limit)
{
	*size += n;
	return *size > limit;
}

/* Bytes of a string as cJSON prints it, quotes and escapes included. */
static size_t string_size(const char *s)
{
	size_t n = 2;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p >= 32 && *p != '"' && *p != '\\')
			n++;
		else if (*p == '"' || *p == '\\' || *p == '\b' || *p == '\f' ||
		    *p == '\n' || *p == '\r' || *p == '\t')
			n += 2;
		else if (*p < 32)
			n += 6;
		else
			n++;
	}
	return n;
}

/* Bytes of a number as cJSON prints it ("%1.15g", or "%1.17g" when that
 * does not read back).  Integers below 1e15 print as their digits: counted
 * here, since printing floats is the costliest part of the measure. */
static size_t number_size(const cJSON *v, char *num, size_t len)
{
	double d = v->valuedouble;
	if (d == 0)
		return signbit(d) ? 2 : 1;
	if (d == floor(d) && fabs(d) < 1e15) {
		size_t n = d < 0;
		for (double a = fabs(d); a >= 1; a = floor(a / 10))
			n++;
		return n;
	}
	if (!cJSON_PrintPreallocated((cJSON *)v, num, (int)len, 0))
		return 24;
	return strlen(num);
}

/* The walk of exec_check_size_: the limit, and the sizes of the execution
 * input's containers met through a share or as the input's own members,
 * kept per execution (x->sizes) since those never change. */
struct sizer {
	struct exec *x;
	size_t limit;
};

static int json_size(struct sizer *z, const cJSON *v, size_t *size, int memo);

/* The members of container v, brackets included. */
static int members_size(struct sizer *z, const cJSON *v, size_t *size)
{
	int obj = (v->type & 0xFF) == cJSON_Object;
	if (count_add(size, 2, z->limit))
		return 1;
	for (const cJSON *c = v->child; c; c = c->next) {
		size_t sep = (c != v->child) + (obj ? string_size(c->string) + 1 : 0);
		int memo = (c->type & cJSON_IsReference) || v == z->x->borrowed_input;
		if (count_add(size, sep, z->limit) || json_size(z, c, size, memo))
			return 1;
	}
	return 0;
}

/* A container of the execution input: measured once, keyed by its first
 * member (shared by every share of it); stored as size + 1. */
static int input_size(struct sizer *z, const cJSON *v, size_t *size)
{
	const cJSON *key = v->child;
	uintptr_t known = (uintptr_t)strmap_get(&z->x->sizes, (const char *)&key,
						 sizeof(key));
	if (!known) {
		size_t n = 0;
		if (members_size(z, v, &n))
			return 1;
		known = (uintptr_t)n + 1;
		strmap_put(&z->x->sizes, (const char *)&key, sizeof(key),
			   (void *)known);
	}
	return count_add(size, (size_t)known - 1, z->limit);
}

/* Length of cJSON_PrintUnformatted(v) without printing it: 1 as soon as
 * it passes the limit.  memo: v is (a share of) a node of the execution
 * input.  Recursion is bounded by the nesting of values, which the parser
 * and PAYLOAD_MAX_DEPTH bound. */
static int json_size(struct sizer *z, const cJSON *v, size_t *size, int memo)
{
	char num[64];
	switch (v->type & 0xFF) {
	case cJSON_False:
		return count_add(size, 5, z->limit);
	case cJSON_True:
		return count_add(size, 4, z->limit);
	case cJSON_NULL:
		return count_add(size, 4, z->limit);
	case cJSON_Number:
		return count_add(size, number_size(v, num, sizeof(num)), z->limit);
	case cJSON_String:
		return count_add(size, string_size(v->valuestring), z->limit);
	case cJSON_Raw:
		return count_add(size, v->valuestring ? strlen(v->valuestring) : 0,
				z->limit);
	case cJSON_Array:
	case cJSON_Object:
		if (memo && v->child)
			return input_size(z, v, size);
		return members_size(z, v, size);
	default:
		return 0;
	}
}

int exec_check_size_(struct exec *x, const struct step *st, const cJSON *v,
		     const char *what)
{
	size_t n = 0;
	struct sizer z = { x, x->max_payload };
	if (!v || !json_size(&z, v, &n, v == x->borrowed_input))
		return 0;
	struct exec_err *e = (struct exec_err *)&st->err;
	exec_err_setf_(e, "States.DataLimitExceeded",
		       "The state/task '%s' %s a result with a size exceeding "
		       "the maximum number of bytes service limit.",
		       st->state->name, what);
	return -1;
}

/* ---- error matching (Retry and Catch) --------------------------------- */

/* States.Runtime is never retried nor caught; States.ALL and
 * States.TaskFailed match every other error except States.DataLimitExceeded
 * (terminal), and States.TaskFailed not the timeouts either.
 * States.Timeout also names a heartbeat timeout (AWS: "ran longer than
 * TimeoutSeconds, or failed to send a heartbeat..."). */
static int error_matches(const char *err, const char **names, size_t n)
{
	int timeout = !strcmp(err, "States.Timeout") ||
		      !strcmp(err, "States.HeartbeatTimeout");
	if (!strcmp(err, "States.Runtime"))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], err) ||
		    (timeout && !strcmp(names[i], "States.Timeout")))
			return 1;
		if (!strcmp(err, "States.DataLimitExceeded"))
			continue;
		if (!strcmp(names[i], "States.ALL"))
			return 1;
		if (!strcmp(names[i], "States.TaskFailed") && !timeout)
			return 1;
	}
	return 0;
}

int exec_error_matches_(const char *err, const char **names, size_t n);
int exec_error_matches_(const char *err, const char **names, size_t n)
{
	return error_matches(err, names, n);
}

/* ---- Catch ------------------------------------------------------------ */

static cJSON *error_output(const struct exec_err *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "Error", e->error);
	if (e->cause)
		cJSON_AddStringToObject(o, "Cause", e->cause);
	return o;
}

/* Routes st's error to the first matching catcher.  0 when caught. */
static int catch_error(struct exec *x, struct step *st)
{
	const struct asl_state *s = st->state;
	for (size_t i = 0; i < s->nr_catchers; i++) {
		const struct asl_catcher *c = &s->catchers[i];
		if (!error_matches(st->err.error, c->errors, c->nr_errors))
			continue;
		cJSON *eo = error_output(&st->err), *out = NULL;
		if (c->assign && exec_assign_(x, st, c->assign, eo)) {
			cJSON_Delete(eo);
			return -1;
		}
		if (exec_result_path_(x, st, c->result_path ? c->result_path
							    : NULL,
				      st->input, eo, &out))
			return -1;
		exec_err_release_(&st->err);
		st->output = out;
		st->next = c->next_index;
		st->end = 0;
		exec_visit_(x, s, EXEC_VISIT_CAUGHT, (int)i);
		return 0;
	}
	return -1;
}

/* ---- Pass, Succeed, Fail ---------------------------------------------- */

static int run_pass(struct exec *x, struct step *st)
{
	const struct asl_dataflow *f = &st->state->flow;
	const cJSON *eff = NULL;
	cJSON *owned = NULL, *res = NULL, *out = NULL;
	if (exec_input_ref_(x, st, &eff, &owned))
		return -1;
	if (f->parameters) {
		int rc = exec_payload_(x, st, f->parameters, eff, &res);
		cJSON_Delete(owned);
		if (rc)
			return -1;
	} else
		res = owned ? owned : exec_copy_(x, eff);
	if (f->result) {
		cJSON_Delete(res);
		res = cJSON_Duplicate(f->result, 1);
	}
	if (f->assign && exec_assign_(x, st, f->assign, res)) {
		cJSON_Delete(res);
		return -1;
	}
	if (exec_result_path_take_(x, st, f->result_path, res, &out))
		return -1;
	return exec_output_path_(x, st, out, &st->output);
}

static int run_succeed(struct exec *x, struct step *st)
{
	cJSON *eff = NULL;
	if (exec_input_path_(x, st, st->input, &eff))
		return -1;
	st->end = 1;
	return exec_output_path_(x, st, eff, &st->output);
}

/* A Fail field: literal, or a path / intrinsic in ErrorPath/CausePath. */
static int fail_field(struct exec *x, struct step *st, const cJSON *lit,
		      const cJSON *path, const char *field, char **out)
{
	*out = NULL;
	if (!cJSON_IsString(path)) { /* the validator refuses both at once */
		if (cJSON_IsString(lit))
			*out = xstrdup(lit->valuestring);
		return 0;
	}
	int bad = 0;
	cJSON *v = exec_path_(x, st, path->valuestring, st->input, &bad);
	if (!v) {
		if (!st->err.error) {
			struct buf in = BUF_INIT;
			exec_json_(st->input, &in);
			exec_err_state_(&st->err, st, "States.Runtime",
					"The JSONPath '%s' specified for the field "
					"'%s' could not be found in the input '%s'",
					path->valuestring, field, in.ptr);
			buf_release(&in);
		}
		return -1;
	}
	if (cJSON_IsString(v))
		*out = xstrdup(v->valuestring);
	else {
		char *text = cJSON_PrintUnformatted(v);
		*out = xstrdup(text);
		cJSON_free(text);
	}
	cJSON_Delete(v);
	return 0;
}

static int run_fail(struct exec *x, struct step *st)
{
	const struct asl_state *s = st->state;
	char *error, *cause;
	if (fail_field(x, st, s->error, s->error_path, "ErrorPath", &error))
		return -1;
	if (fail_field(x, st, s->cause, s->cause_path, "CausePath", &cause)) {
		free(error);
		return -1;
	}
	exec_err_release_(&st->err);
	st->err.error = error ? error : xstrdup("");
	st->err.cause = cause;
	return -1;
}

/* ---- the run loop ----------------------------------------------------- */

static void event_entered(struct exec *x, struct step *st)
{
	const struct asl_state *s = st->state;
	if (!x->res->history) {
		st->entered_event = exec_event_(x, NULL, NULL, NULL);
		return;
	}
	struct buf type = BUF_INIT;
	buf_addf(&type, "%sStateEntered", exec_event_prefix_(s->type));
	st->entered_event = exec_event_(x, type.ptr, "stateEnteredEventDetails",
					exec_details_io_(s->name, "input", st->input));
	buf_release(&type);
}

static void event_exited(struct exec *x, const struct step *st)
{
	const struct asl_state *s = st->state;
	if (s->type == ASL_FAIL)
		return;
	if (!x->res->history) {
		exec_event_(x, NULL, NULL, NULL);
		return;
	}
	struct buf type = BUF_INIT;
	buf_addf(&type, "%sStateExited", exec_event_prefix_(s->type));
	exec_event_(x, type.ptr, "stateExitedEventDetails",
		    exec_details_io_(s->name, "output", st->output));
	buf_release(&type);
}

static int dispatch(struct exec *x, struct step *st)
{
	switch (st->state->type) {
	case ASL_PASS:
		return run_pass(x, st);
	case ASL_TASK:
		return exec_task_(x, st);
	case ASL_CHOICE:
		return exec_choice_(x, st);
	case ASL_WAIT:
		return exec_wait_(x, st);
	case ASL_SUCCEED:
		return run_succeed(x, st);
	case ASL_FAIL:
		return run_fail(x, st);
	case ASL_PARALLEL:
		return exec_parallel_(x, st);
	case ASL_MAP:
		return exec_map_(x, st);
	case ASL_UNKNOWN:
		break;
	}
	exec_err_state_(&st->err, st, "States.Runtime",
			"The state has no valid Type.");
	return -1;
}

/* After a successful visit: the payload limit, then where to go. */
/* Choice, Wait and Succeed without InputPath and OutputPath pass their
 * input on unchanged: when it was measured already, so is the output. */
static int output_unchanged(const struct step *st)
{
	const struct asl_state *s = st->state;
	return st->input_checked && !s->flow.input_path && !s->flow.output_path &&
	       (s->type == ASL_CHOICE || s->type == ASL_WAIT ||
		s->type == ASL_SUCCEED);
}

static int finish_step(struct exec *x, struct step *st)
{
	if (!output_unchanged(st) &&
	    exec_check_size_(x, st, st->output, "returned"))
		return -1;
	const struct asl_state *s = st->state;
	if (s->type == ASL_CHOICE)
		return 0; /* exec_choice_ chose st->next */
	if (s->type == ASL_SUCCEED || s->end || !s->next) {
		st->end = 1;
		return 0;
	}
	st->next = s->next_index;
	return 0;
}

static int machine_timed_out(struct exec *x)
{
	const cJSON *t = x->top->timeout_seconds;
	if (!cJSON_IsNumber(t) || x->stop != EXEC_RUNNING)
		return x->stop != EXEC_RUNNING;
	/* compared as doubles: a huge TimeoutSeconds overflows int64 */
	if ((double)(x->clock.now - x->res->start_ms) <= t->valuedouble * 1000)
		return 0;
	x->stop = EXEC_TIMED_OUT;
	exec_err_set_(&x->stop_err, "States.Timeout", NULL);
	return 1;
}

static int visit(struct exec *x, struct step *st)
{
	x->res->transitions++;
	event_entered(x, st);
	if (exec_over_limit_(x))
		return -1;
	if (dispatch(x, st) == 0 && finish_step(x, st) == 0) {
		exec_visit_(x, st->state, EXEC_VISIT_SUCCEEDED, st->rule);
		event_exited(x, st);
		return 0;
	}
	cJSON_Delete(st->output);
	st->output = NULL;
	if (x->stop != EXEC_RUNNING || !st->err.error) {
		/* the execution ends in this state: its path shows it failed */
		exec_visit_(x, st->state, EXEC_VISIT_FAILED, -1);
		return -1;
	}
	if (catch_error(x, st) == 0) {
		event_exited(x, st);
		return 0;
	}
	exec_visit_(x, st->state, EXEC_VISIT_FAILED, -1);
	x->res->visits[x->res->nr_visits - 1].input = cJSON_Duplicate(st->input, 1);
	return -1;
}

int exec_machine_(struct exec *x, const struct asl_machine *m, cJSON *input,
		  struct vscope *scope, const cJSON *map_item, cJSON **out,
		  struct exec_err *err)
{
	int i = m->start_index;
	int checked = x->depth == 0; /* exec_run measured the input */
	*out = NULL;
	for (;;) {
		int borrowed = input == x->borrowed_input;
		if (i < 0 || (size_t)i >= m->nr_states) {
			if (!borrowed)
				cJSON_Delete(input);
			exec_err_set_(err, "States.Runtime",
				      "The state machine has no state to go to.");
			return -1;
		}
		struct step st = { .state = &m->states[i], .input = input,
				   .next = -1, .scope = scope,
				   .map_item = map_item,
				   .visit_id = ++x->nr_visit_ids,
				   .input_checked = checked,
				   .input_borrowed = borrowed,
				   .rule = -1,
				   .entered_ms = x->clock.now };
		int rc = machine_timed_out(x) ? -1 : visit(x, &st);
		if (!st.input_borrowed)
			cJSON_Delete(st.input);
		if (rc) {
			*err = st.err;
			if (!err->error)
				exec_err_set_(err, "States.Runtime", NULL);
			return -1;
		}
		if (st.end) {
			*out = st.output;
			return 0;
		}
		input = st.output;
		checked = 1; /* finish_step measured it */
		i = st.next;
	}
}

/* ---- the execution ---------------------------------------------------- */

static cJSON *make_context(struct exec *x, const cJSON *input)
{
	struct exec_result *r = x->res;
	struct buf t = BUF_INIT;
	timestamp_format(r->start_ms, &t);
	cJSON *c = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(c, "Execution");
	cJSON_AddStringToObject(e, "Id", r->execution_arn);
	(void)input; /* the result keeps the one copy */
	cJSON_AddItemReferenceToObject(e, "Input", (cJSON *)r->input);
	cJSON_AddStringToObject(e, "Name", r->name);
	struct buf role = BUF_INIT;
	buf_addf(&role, "arn:aws:iam::%s:role/StepFunctions-%s-role",
		 x->opt->account ? x->opt->account : "123456789012",
		 x->opt->name ? x->opt->name : "StateMachine");
	cJSON_AddStringToObject(e, "RoleArn", role.ptr);
	cJSON_AddStringToObject(e, "StartTime", t.ptr);
	cJSON_AddNumberToObject(e, "RedriveCount", 0);
	cJSON *sm = cJSON_AddObjectToObject(c, "StateMachine");
	cJSON_AddStringToObject(sm, "Id", r->machine_arn);
	cJSON_AddStringToObject(sm, "Name", x->opt->name ? x->opt->name : "StateMachine");
	buf_release(&t);
	buf_release(&role);
	return c;
}

static void make_names(struct exec *x)
{
	struct exec_result *r = x->res;
	const char *region = x->opt->region ? x->opt->region : "us-east-1";
	const char *account = x->opt->account ? x->opt->account : "123456789012";
	const char *name = x->opt->name ? x->opt->name : "StateMachine";
	char uuid[37];
	struct buf b = BUF_INIT;
	rng_uuid(&x->rng, uuid);
	r->name = xstrdup(uuid);
	buf_addf(&b, "arn:aws:states:%s:%s:stateMachine:%s", region, account, name);
	r->machine_arn = buf_detach(&b, NULL);
	buf_addf(&b, "arn:aws:states:%s:%s:execution:%s:%s", region, account,
		 name, uuid);
	r->execution_arn = buf_detach(&b, NULL);
}

static void init(struct exec *x, const struct asl_machine *m,
		 const cJSON *input, const struct exec_options *opt,
		 struct exec_result *r)
{
	memset(x, 0, sizeof(*x));
	memset(r, 0, sizeof(*r));
	x->opt = opt;
	x->res = r;
	x->top = m;
	x->max_events = opt->max_events ? opt->max_events : EXEC_DEFAULT_MAX_EVENTS;
	x->max_payload = opt->max_payload ? opt->max_payload : EXEC_DEFAULT_MAX_PAYLOAD;
	rng_init(&x->rng, opt->seed);
	clock_init(&x->clock, opt->start_ms);
	strmap_init(&x->invocations);
	strmap_init(&x->cache);
	strmap_init(&x->payloads);
	strmap_init(&x->sizes);
	r->start_ms = opt->start_ms;
	r->input = input;
	if (opt->keep_history)
		r->history = cJSON_CreateArray();
	size_t n = (size_t)cJSON_GetArraySize(opt->scenario);
	x->scenario_used = xcalloc(n + 1, 1);
	make_names(x);
	x->context = make_context(x, input);
}

static void finish(struct exec *x, int rc, cJSON *out, struct exec_err *err)
{
	struct exec_result *r = x->res;
	if (x->stop != EXEC_RUNNING) {
		r->status = x->stop;
		r->error = x->stop_err.error;
		r->cause = x->stop_err.cause;
		exec_err_release_(err);
		cJSON_Delete(out);
	} else if (rc == 0) {
		r->status = EXEC_SUCCEEDED;
		r->output = out;
	} else {
		r->status = EXEC_FAILED;
		r->error = err->error;
		r->cause = err->cause;
	}
	r->stop_ms = x->clock.now;
}

static void final_event(struct exec *x)
{
	struct exec_result *r = x->res;
	struct exec_err e = { r->error, r->cause };
	if (!r->history) {
		exec_event_(x, NULL, NULL, NULL);
		return;
	}
	switch (r->status) {
	case EXEC_SUCCEEDED:
		exec_event_(x, "ExecutionSucceeded", "executionSucceededEventDetails",
			    exec_details_io_(NULL, "output", r->output));
		break;
	case EXEC_TIMED_OUT:
		exec_event_(x, "ExecutionTimedOut", "executionTimedOutEventDetails",
			    exec_details_err_(&e));
		break;
	case EXEC_ABORTED:
		exec_event_(x, "ExecutionAborted", "executionAbortedEventDetails",
			    exec_details_err_(&e));
		break;
	default:
		exec_event_(x, "ExecutionFailed", "executionFailedEventDetails",
			    exec_details_err_(&e));
	}
}

static void started_event(struct exec *x, const cJSON *input)
{
	if (!x->res->history) {
		exec_event_(x, NULL, NULL, NULL);
		return;
	}
	cJSON *d = exec_details_io_(NULL, "input", input);
	cJSON *role = cJSON_GetObjectItem(cJSON_GetObjectItem(x->context, "Execution"),
					  "RoleArn");
	cJSON_AddStringToObject(d, "roleArn", role->valuestring);
	exec_event_(x, "ExecutionStarted", "executionStartedEventDetails", d);
}

int exec_run(const struct asl_machine *m, const cJSON *input,
	     const struct exec_options *opt, struct exec_result *r)
{
	struct exec x;
	struct exec_err err = { NULL, NULL };
	cJSON *out = NULL;
	init(&x, m, input, opt, r);
	started_event(&x, input);
	struct vscope scope = { cJSON_CreateObject(), NULL };
	int rc;
	struct step st0 = { .state = m->nr_states ? &m->states[0] : NULL };
	x.borrowed_input = input; /* the first state reads it in place */
	if (m->nr_states && exec_check_size_(&x, &st0, input, "received")) {
		err = st0.err;
		rc = -1;
	} else {
		rc = exec_machine_(&x, m, (cJSON *)input, &scope, NULL, &out,
				   &err);
	}
	finish(&x, rc, out, &err);
	final_event(&x);
	if (r->history)
		exec_history_order_(&x);
	cJSON_Delete(scope.vars);
	cJSON_Delete(x.context);
	free(x.scenario_used);
	clock_release(&x.clock);
	strmap_release(&x.invocations);
	strmap_release(&x.sizes);
	exec_caches_free_(&x);
	return r->status == EXEC_SUCCEEDED ? 0 : -1;
}

void exec_result_release(struct exec_result *r)
{
	cJSON_Delete(r->output);
	cJSON_Delete(r->history);
	free(r->error);
	free(r->cause);
	free(r->execution_arn);
	free(r->machine_arn);
	free(r->name);
	for (size_t i = 0; i < r->nr_visits; i++)
		cJSON_Delete(r->visits[i].input);
	free(r->visits);
	memset(r, 0, sizeof(*r));
}

const struct exec_visit *exec_failed_visit(const struct exec_result *r)
{
	size_t i = r->nr_visits;
	if (r->status != EXEC_FAILED || !i || r->visits[i - 1].outcome != EXEC_VISIT_FAILED)
		return NULL;
	/* An uncaught error fails the innermost state first, then each
	 * enclosing Parallel or Map: the first of the trailing failures. */
	while (i > 1 && r->visits[i - 2].outcome == EXEC_VISIT_FAILED)
		i--;
	return &r->visits[i - 1];
}

const char *exec_status_name(enum exec_status s)
{
	static const char *const names[] = { "RUNNING", "SUCCEEDED", "FAILED",
					     "TIMED_OUT", "ABORTED" };
	return names[s];
}
