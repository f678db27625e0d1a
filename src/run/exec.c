/* exec.c - the run loop: per visit, the state's data flow enters, one flat
 * switch on the state type does its work, the data flow leaves or a
 * catcher takes the error; Pass/Succeed/Fail; the execution's life cycle.
 * Not here: data flow (dataflow.h), Choice (exec_choice.c), Task and Wait
 * (exec_task.c), Parallel and Map (exec_parallel.c), the frames they run
 * on the virtual clock (exec_sched.c), events
 * (exec_history.c), errors, $$ and shares (exec_frame.c). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataflow.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

/* Records what became of the visit; its inspection goes with it. */
static inline void visited(struct exec *x, struct frame *fr,
			   enum exec_outcome o, int branch)
{
	exec_visit_(x, fr->state, o, branch);
	if (fr->insp) {
		exec_record_variables_(fr);
		exec_record_(fr, EXEC_STAGE_OUTPUT, fr->output);
		exec_inspect_end_(x, fr, 1);
	}
}

/* ---- Catch ------------------------------------------------------------ */

/* Routes fr's error to the first matching catcher.  0 when caught. */
static int catch_error(struct exec *x, struct frame *fr)
{
	const struct asl_state *s = fr->state;
	for (size_t i = 0; i < s->nr_catchers; i++) {
		const struct asl_catcher *c = &s->catchers[i];
		if (!exec_error_matches_(fr->err.error, c->errors, c->nr_errors))
			continue;
		if (fr->flow->catch_output(x, fr, c))
			return -1;
		exec_err_release_(&fr->err);
		fr->next = c->next_index;
		fr->end = 0;
		visited(x, fr, EXEC_VISIT_CAUGHT, (int)i);
		return 0;
	}
	return -1;
}

/* ---- Pass, Succeed, Fail ---------------------------------------------- */

/* A JSONPath Pass has no raw result and no ResultSelector: what it
 * produces is recorded as afterResultSelector, as AWS's TestState reports
 * it.  A JSONata Pass has neither stage. */
static void record_pass(struct frame *fr, const cJSON *params)
{
	if (fr->state->flow.lang == ASL_QL_JSONATA)
		return;
	exec_record_(fr, EXEC_STAGE_AFTER_PARAMETERS, params);
	exec_record_(fr, EXEC_STAGE_AFTER_RESULT_SELECTOR, fr->result);
}

static int run_pass(struct exec *x, struct frame *fr)
{
	const struct asl_state *s = fr->state;
	fr->shaped = 1; /* a Pass has no ResultSelector */
	if (s->flow.result) {
		fr->result = cJSON_Duplicate(s->flow.result, 1);
		if (s->flow.parameters) { /* evaluated all the same, as AWS does */
			cJSON *args = NULL;
			if (fr->flow->arguments(x, fr, &s->flow.compiled.parameters,
						fr->eff, &args))
				return -1;
			record_pass(fr, args);
			cJSON_Delete(args);
		} else
			record_pass(fr, fr->eff);
		return 0;
	}
	if (s->flow.parameters) {
		if (fr->flow->arguments(x, fr, &s->flow.compiled.parameters,
					fr->eff, &fr->result))
			return -1;
	} else
		fr->result = exec_take_eff_(x, fr, 0);
	record_pass(fr, fr->result);
	return 0;
}

static int run_succeed(struct exec *x, struct frame *fr)
{
	(void)x;
	fr->end = 1;
	return 0;
}

/* A JSONata Error or Cause: a string, written or computed. */
static int fail_jsonata(struct exec *x, struct frame *fr,
			const struct asl_expr *e, char **out)
{
	int bad;
	cJSON *v = fr->flow->value(x, fr, e, fr->input, &bad);
	if (!v)
		return -1;
	if (cJSON_IsString(v))
		*out = xstrdup(v->valuestring);
	else
		dataflow_jsonata_type_error(x, fr, e, v, "a string");
	cJSON_Delete(v);
	return *out ? 0 : -1;
}

/* A Fail field: literal, or a path / intrinsic in ErrorPath/CausePath,
 * or a JSONata field. */
static int fail_field(struct exec *x, struct frame *fr, const cJSON *lit,
		      const struct asl_expr *path, const struct asl_expr *jsonata,
		      const char *field, char **out)
{
	*out = NULL;
	if (jsonata->json)
		return fail_jsonata(x, fr, jsonata, out);
	if (!cJSON_IsString(path->json)) { /* the validator refuses both at once */
		if (cJSON_IsString(lit))
			*out = xstrdup(lit->valuestring);
		return 0;
	}
	int bad = 0;
	cJSON *v = fr->flow->value(x, fr, path, fr->input, &bad);
	if (!v) {
		if (!fr->err.error) {
			struct buf in = BUF_INIT;
			exec_json_(fr->input, &in);
			exec_err_state_(&fr->err, fr, "States.Runtime",
					"The JSONPath '%s' specified for the field "
					"'%s' could not be found in the input '%s'",
					asl_expr_text(path), field, in.ptr);
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

static int run_fail(struct exec *x, struct frame *fr)
{
	const struct asl_state *s = fr->state;
	char *error, *cause;
	if (fail_field(x, fr, s->error, &s->compiled->error_path,
		       &s->compiled->error, "ErrorPath", &error))
		return -1;
	if (fail_field(x, fr, s->cause, &s->compiled->cause_path,
		       &s->compiled->cause, "CausePath", &cause)) {
		free(error);
		return -1;
	}
	exec_err_release_(&fr->err);
	fr->err.error = error; /* none: the execution's error stays null */
	fr->err.cause = cause;
	return -1;
}

/* ---- the run loop ----------------------------------------------------- */

static void event_entered(struct exec *x, struct frame *fr)
{
	const struct asl_state *s = fr->state;
	if (!x->res->history) {
		fr->entered_event = exec_event_(x, NULL, NULL, NULL);
		return;
	}
	struct buf type = BUF_INIT;
	buf_addf(&type, "%sStateEntered", exec_event_prefix_(s->type));
	fr->entered_event = exec_event_(x, type.ptr, "stateEnteredEventDetails",
					exec_details_io_(s->name, "input", fr->input));
	buf_release(&type);
}

/* The variables the visit assigned go with its StateExited event. */
static void event_exited(struct exec *x, struct frame *fr)
{
	const struct asl_state *s = fr->state;
	if (s->type == ASL_FAIL)
		return;
	if (!x->res->history) {
		exec_event_(x, NULL, NULL, NULL);
		return;
	}
	struct buf type = BUF_INIT;
	buf_addf(&type, "%sStateExited", exec_event_prefix_(s->type));
	cJSON *d = exec_details_io_(s->name, "output", fr->output);
	if (fr->assigned_log) {
		cJSON_AddItemToObject(d, "assignedVariables", fr->assigned_log);
		fr->assigned_log = NULL;
		cJSON *det = cJSON_AddObjectToObject(d, "assignedVariablesDetails");
		cJSON_AddBoolToObject(det, "truncated", 0);
	}
	exec_event_(x, type.ptr, "stateExitedEventDetails", d);
	buf_release(&type);
}

/* A Task or Wait stopped because a sibling branch failed; a Parallel or
 * Map wrote its own ...StateAborted, Pass/Choice/Succeed/Fail take no time
 * and are never caught in the middle. */
static void event_aborted(struct exec *x, const struct frame *fr)
{
	const struct asl_state *s = fr->state;
	if (s->type != ASL_TASK && s->type != ASL_WAIT)
		return;
	if (!x->res->history) {
		exec_event_(x, NULL, NULL, NULL);
		return;
	}
	exec_event_(x, s->type == ASL_TASK ? "TaskStateAborted" : "WaitStateAborted",
		    NULL, NULL);
}

static int dispatch(struct exec *x, struct frame *fr)
{
	switch (fr->state->type) {
	case ASL_PASS:
		return run_pass(x, fr);
	case ASL_TASK:
		return exec_task_(x, fr);
	case ASL_CHOICE:
		return exec_choice_(x, fr);
	case ASL_WAIT:
		return exec_wait_(x, fr);
	case ASL_SUCCEED:
		return run_succeed(x, fr);
	case ASL_FAIL:
		return run_fail(x, fr);
	case ASL_PARALLEL:
		return exec_parallel_(x, fr);
	case ASL_MAP:
		return exec_map_(x, fr);
	case ASL_UNKNOWN:
		break;
	}
	exec_err_state_(&fr->err, fr, "States.Runtime",
			"The state has no valid Type.");
	return -1;
}

/* After a successful visit: the payload limit, then where to go. */
/* Choice, Wait and Succeed without InputPath and OutputPath pass their
 * input on unchanged: when it was measured already, so is the output. */
static int output_unchanged(const struct frame *fr)
{
	const struct asl_state *s = fr->state;
	return fr->input_checked && !s->flow.input_path && !s->flow.output_path &&
	       !s->flow.output &&
	       !(fr->rule >= 0 && s->choices[fr->rule].output) &&
	       (s->type == ASL_CHOICE || s->type == ASL_WAIT ||
		s->type == ASL_SUCCEED);
}

static int finish_frame(struct exec *x, struct frame *fr)
{
	if (!output_unchanged(fr) &&
	    exec_check_size_(x, fr, fr->output, "returned"))
		return -1;
	const struct asl_state *s = fr->state;
	if (s->type == ASL_CHOICE)
		return 0; /* exec_choice_ chose fr->next */
	if (s->type == ASL_SUCCEED || s->end || !s->next) {
		fr->end = 1;
		return 0;
	}
	fr->next = s->next_index;
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

/* The frame's data flow, released whatever became of the visit. */
static void frame_release(struct frame *fr)
{
	cJSON_Delete(fr->eff_owned);
	cJSON_Delete(fr->result);
	cJSON_Delete(fr->assigned);
	fr->eff_owned = fr->result = fr->assigned = NULL;
	fr->eff = NULL;
}

static struct exec_visit *visit_failed(struct exec *x, struct frame *fr)
{
	visited(x, fr, EXEC_VISIT_FAILED, -1);
	struct exec_visit *v = &x->res->visits[x->res->nr_visits - 1];
	v->cause = fr->cause_visit;
	return v;
}

/* One visit: the data flow enters, the state's type does its work, the
 * data flow leaves (or, on an error, a catcher takes it). */
static int visit_once(struct exec *x, struct frame *fr)
{
	x->res->transitions++;
	fr->flow = dataflow_for(fr->state);
	exec_inspect_begin_(x, fr);
	exec_record_(fr, EXEC_STAGE_INPUT, fr->input);
	event_entered(x, fr);
	if (exec_over_limit_(x)) {
		exec_inspect_end_(x, fr, 0);
		return -1;
	}
	int rc = fr->flow->enter(x, fr);
	if (rc == 0)
		rc = dispatch(x, fr);
	if (rc == 0)
		rc = dataflow_leave(x, fr);
	frame_release(fr);
	if (rc == 0 && finish_frame(x, fr) == 0) {
		visited(x, fr, EXEC_VISIT_SUCCEEDED, fr->rule);
		event_exited(x, fr);
		return 0;
	}
	cJSON_Delete(fr->output);
	fr->output = NULL;
	exec_record_error_(fr);
	if (exec_aborting_(x)) {
		event_aborted(x, fr);
		return -1;
	}
	if (x->stop != EXEC_RUNNING || !fr->err.error) {
		/* the execution ends in this state: its path shows it failed */
		visit_failed(x, fr);
		return -1;
	}
	if (x->test_retry_index < 0 && catch_error(x, fr) == 0) {
		event_exited(x, fr);
		return 0;
	}
	visit_failed(x, fr)->input = cJSON_Duplicate(fr->input, 1);
	return -1;
}

static int visit(struct exec *x, struct frame *fr)
{
	int rc = visit_once(x, fr);
	cJSON_Delete(fr->assigned_log); /* a visit that did not exit */
	fr->assigned_log = NULL;
	return rc;
}

int exec_machine_(struct exec *x, const struct asl_machine *m, cJSON *input,
		  struct vscope *scope, const cJSON *map_item, cJSON **out,
		  struct exec_err *err, size_t *failed_visit)
{
	int i = m->start_index;
	int checked = x->depth == 0; /* exec_run measured the input */
	*out = NULL;
	*failed_visit = 0;
	for (;;) {
		int borrowed = input == x->borrowed_input;
		if (i < 0 || (size_t)i >= m->nr_states) {
			if (!borrowed)
				cJSON_Delete(input);
			exec_err_set_(err, "States.Runtime",
				      "The state machine has no state to go to.");
			return -1;
		}
		struct frame fr = { .state = &m->states[i], .input = input,
				   .next = -1, .scope = scope,
				   .map_item = map_item,
				   .visit_id = ++x->nr_visit_ids,
				   .input_checked = checked,
				   .input_borrowed = borrowed,
				   .rule = -1,
				   .entered_ms = x->clock.now };
		int ran = !machine_timed_out(x) && !exec_aborting_(x);
		int rc = ran ? visit(x, &fr) : -1;
		if (!fr.input_borrowed)
			cJSON_Delete(fr.input);
		if (rc) {
			/* no frame runs between visit's last record and here */
			const struct exec_result *r = x->res;
			if (ran && r->nr_visits &&
			    r->visits[r->nr_visits - 1].state == fr.state &&
			    r->visits[r->nr_visits - 1].outcome == EXEC_VISIT_FAILED)
				*failed_visit = r->nr_visits;
			*err = fr.err;
			/* A Fail without Error leaves the execution's error
			 * null; inside a branch it stays an error ("") that
			 * the enclosing state's Retry and Catch can match. */
			if (!err->error && fr.state->type != ASL_FAIL)
				exec_err_set_(err, "States.Runtime", NULL);
			else if (!err->error && x->depth > 0)
				err->error = xstrdup("");
			return -1;
		}
		if (fr.end) {
			*out = fr.output;
			return 0;
		}
		input = fr.output;
		checked = 1; /* finish_frame measured it */
		i = fr.next;
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

int exec_visit_state_(struct exec *x, struct frame *fr)
{
	return visit(x, fr);
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
	strmap_init(&x->sizes);
	r->start_ms = opt->start_ms;
	r->input = input;
	if (opt->keep_history)
		r->history = cJSON_CreateArray();
	size_t n = (size_t)cJSON_GetArraySize(opt->scenario);
	x->scenario_used = xcalloc(n + 1, 1);
	x->test_retry_index = -1;
	make_names(x);
	x->context = make_context(x, input);
	exec_sched_init_(x);
}

static void finish(struct exec *x, int rc, cJSON *out, struct exec_err *err)
{
	struct exec_result *r = x->res;
	if (x->stop == EXEC_TIMED_OUT) {
		/* DescribeExecution shows no error: States.Timeout is only in
		 * the ExecutionTimedOut event (final_event) */
		r->status = x->stop;
		exec_err_release_(&x->stop_err);
		exec_err_release_(err);
		cJSON_Delete(out);
	} else if (x->stop != EXEC_RUNNING) {
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
	case EXEC_TIMED_OUT: {
		struct exec_err t = { (char *)"States.Timeout", NULL };
		exec_event_(x, "ExecutionTimedOut", "executionTimedOutEventDetails",
			    exec_details_err_(&t));
		break;
	}
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

void exec_start_(struct exec *x, const struct asl_machine *m,
		 const cJSON *input, const struct exec_options *opt,
		 struct exec_result *r)
{
	init(x, m, input, opt, r);
	started_event(x, input);
}

void exec_end_(struct exec *x)
{
	exec_sched_release_(x);
	cJSON_Delete(x->context);
	free(x->scenario_used);
	clock_release(&x->clock);
	strmap_release(&x->invocations);
	strmap_release(&x->sizes);
}

int exec_run(const struct asl_machine *m, const cJSON *input,
	     const struct exec_options *opt, struct exec_result *r)
{
	struct exec x;
	struct exec_err err = { NULL, NULL };
	cJSON *out = NULL;
	exec_start_(&x, m, input, opt, r);
	struct vscope scope = { cJSON_CreateObject(), NULL };
	int rc;
	struct frame fr0 = { .state = m->nr_states ? &m->states[0] : NULL };
	size_t failed_visit;
	x.borrowed_input = input; /* the first state reads it in place */
	if (m->nr_states && exec_check_size_(&x, &fr0, input, "received")) {
		err = fr0.err;
		rc = -1;
	} else {
		rc = exec_machine_(&x, m, (cJSON *)input, &scope, NULL, &out,
				   &err, &failed_visit);
	}
	finish(&x, rc, out, &err);
	final_event(&x);
	cJSON_Delete(scope.vars);
	exec_end_(&x);
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
	for (size_t i = 0; i < r->nr_visits; i++) {
		cJSON_Delete(r->visits[i].input);
		if (r->visits[i].inspection)
			exec_inspection_free(r->visits[i].inspection);
	}
	free(r->visits);
	for (size_t i = 0; i < r->nr_tokens; i++)
		free(r->tokens[i]);
	free(r->tokens);
	memset(r, 0, sizeof(*r));
}

const struct exec_visit *exec_failed_visit(const struct exec_result *r)
{
	size_t i = r->nr_visits;
	if (r->status != EXEC_FAILED || !i || r->visits[i - 1].outcome != EXEC_VISIT_FAILED)
		return NULL;
	/* The top-level state that failed last; a Parallel or Map names the
	 * visit in its branch that failed it (siblings may have run after). */
	while (r->visits[i - 1].cause && r->visits[i - 1].cause < i)
		i = r->visits[i - 1].cause;
	return &r->visits[i - 1];
}

const char *exec_status_name(enum exec_status s)
{
	static const char *const names[] = { "RUNNING", "SUCCEEDED", "FAILED",
					     "TIMED_OUT", "ABORTED" };
	return names[s];
}
