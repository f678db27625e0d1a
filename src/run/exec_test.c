/* exec_test.c - TestState (exec.h): one state of a machine run once by the
 * run loop, with what AWS's TestState API request sets - variables, a
 * context, a mocked result or error, the retries made so far - and its
 * outcome told as the API tells it: SUCCEEDED, FAILED, RETRIABLE (a Retry
 * would run the state again) or CAUGHT_ERROR (a Catch took the error).
 * The state's data flow is the run loop's own: nothing here computes a
 * stage.  Not here: reading the request, writing the response
 * (teststate.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_frame.h"
#include "xalloc.h"
#include "banned.h"

/* ---- hooks the state types call -------------------------------------- */

int exec_test_mocked_(const struct exec *x, const struct frame *fr)
{
	return fr->under_test &&
	       (x->test->mock_result || x->test->mock_error);
}

int exec_test_mock_(struct exec *x, struct frame *fr, cJSON **out)
{
	const struct exec_test *t = x->test;
	if (t->mock_error) {
		exec_err_set_(&fr->err, t->mock_error, t->mock_cause);
		return -1;
	}
	*out = cJSON_Duplicate(t->mock_result, 1);
	return 0;
}

/* The wait before retry number count + 1 of r, in whole seconds as the API
 * reports it: IntervalSeconds x BackoffRate^count, capped by
 * MaxDelaySeconds; a FULL jitter's random share is left out. */
static long backoff_seconds(const struct asl_retrier *r, long count)
{
	double d = r->interval_seconds * pow(r->backoff_rate, (double)count);
	if (r->max_delay_seconds > 0 && d > r->max_delay_seconds)
		d = r->max_delay_seconds;
	if (d > 1e9)
		d = 1e9;
	return (long)llround(d);
}

int exec_test_retry_(struct exec *x, struct frame *fr, size_t i)
{
	const struct asl_retrier *r = &fr->state->retry[i];
	long count = x->test->retrier_retry_count;
	if ((double)count >= r->max_attempts)
		return -1; /* exhausted: a Catch may take it */
	x->test_retry_index = (int)i;
	x->test_backoff_s = backoff_seconds(r, count);
	return -1;
}

/* ---- the test --------------------------------------------------------- */

/* Where the machine would go next, by name: a single state's Next names a
 * state its test definition does not hold. */
static const char *next_name(const struct frame *fr, int catch_index)
{
	const struct asl_state *s = fr->state;
	if (catch_index >= 0)
		return s->catchers[catch_index].next;
	if (s->type == ASL_CHOICE)
		return fr->rule >= 0 ? s->choices[fr->rule].next : s->default_next;
	return fr->end || s->type == ASL_SUCCEED ? NULL : s->next;
}

/* $$ as the request's context shows it: its members over ours. */
static void merge_context(struct exec *x, const cJSON *ctx)
{
	for (const cJSON *c = ctx ? ctx->child : NULL; c; c = c->next)
		if (strcmp(c->string, "State") && strcmp(c->string, "Map"))
			exec_set_item_(x->context, c->string, cJSON_Duplicate(c, 1));
}

/* What the one visit came to, as the API's status. */
static void outcome(struct exec *x, struct frame *fr, int rc,
		    struct exec_test_result *r)
{
	const struct exec_result *run = &x->res[0];
	const struct exec_visit *v = run->nr_visits ? &run->visits[run->nr_visits - 1] : NULL;
	if (v) {
		r->inspection = v->inspection;
		((struct exec_visit *)v)->inspection = NULL;
	}
	if (rc == 0) {
		int caught = v && v->outcome == EXEC_VISIT_CAUGHT;
		r->status = caught ? EXEC_TEST_CAUGHT_ERROR : EXEC_TEST_SUCCEEDED;
		r->catch_index = caught ? v->branch : -1;
		r->output = fr->output;
		fr->output = NULL;
		r->next_state = next_name(fr, r->catch_index);
		return;
	}
	r->status = x->test_retry_index >= 0 ? EXEC_TEST_RETRIABLE : EXEC_TEST_FAILED;
	r->retry_index = x->test_retry_index;
	r->retry_backoff_seconds = x->test_backoff_s;
	r->error = fr->err.error ? fr->err.error : xstrdup("States.Runtime");
	r->cause = fr->err.cause;
	fr->err.error = fr->err.cause = NULL;
}

/* The caught error: the catch consumed fr->err, the recorder kept it. */
static void caught_error(struct exec_test_result *r)
{
	const cJSON *e = r->inspection ? r->inspection->stage[EXEC_STAGE_ERROR] : NULL;
	const cJSON *er = cJSON_GetObjectItemCaseSensitive(e, "Error");
	const cJSON *ca = cJSON_GetObjectItemCaseSensitive(e, "Cause");
	if (cJSON_IsString(er))
		r->error = xstrdup(er->valuestring);
	if (cJSON_IsString(ca))
		r->cause = xstrdup(ca->valuestring);
}

int exec_test_state(const struct asl_machine *m, const cJSON *input,
		    const struct exec_options *opt, const struct exec_test *t,
		    struct exec_test_result *r)
{
	struct exec x;
	struct exec_options o = *opt;
	memset(r, 0, sizeof(*r));
	r->retry_index = r->catch_index = -1;
	o.inspect = 1; /* the caught error's name lives in the recorder */
	exec_start_(&x, m, input, &o, &r->run);
	x.test = t;
	merge_context(&x, t->context);
	struct vscope scope = { t->variables ? cJSON_Duplicate(t->variables, 1)
					     : cJSON_CreateObject(), NULL };
	struct frame fr = { .state = t->state, .input = (cJSON *)input,
			    .input_borrowed = 1, .next = -1, .scope = &scope,
			    .map_item = t->map_item, .visit_id = ++x.nr_visit_ids,
			    .rule = -1, .entered_ms = x.clock.now,
			    .retry_count = (int)t->retrier_retry_count,
			    .under_test = 1 };
	x.borrowed_input = input;
	int rc = exec_check_size_(&x, &fr, input, "received");
	if (rc == 0)
		rc = exec_visit_state_(&x, &fr);
	else
		exec_record_error_(&fr);
	outcome(&x, &fr, rc, r);
	if (r->status == EXEC_TEST_CAUGHT_ERROR)
		caught_error(r);
	if (!opt->inspect) {
		exec_inspection_free(r->inspection);
		r->inspection = NULL;
	}
	cJSON_Delete(fr.output);
	exec_err_release_(&fr.err);
	exec_inspection_free(fr.insp);
	cJSON_Delete(scope.vars);
	exec_end_(&x);
	return 0;
}

void exec_test_result_release(struct exec_test_result *r)
{
	cJSON_Delete(r->output);
	free(r->error);
	free(r->cause);
	exec_inspection_free(r->inspection);
	exec_result_release(&r->run);
	memset(r, 0, sizeof(*r));
}

const char *exec_test_status_name(enum exec_test_status s)
{
	static const char *const names[] = { "SUCCEEDED", "FAILED", "RETRIABLE",
					     "CAUGHT_ERROR" };
	return names[s];
}
