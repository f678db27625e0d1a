/* exec_time.c - time passing on the virtual clock, below the state types
 * that wait: the scenario's timers (StopExecution, callbacks) and Retry
 * with backoff and FULL jitter.
 * Not here: the clock itself (clock.h), the queue of frames and the
 * machine's TimeoutSeconds (exec_sched.c), what a Task or Wait waits for
 * (exec_task.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_frame.h"
#include "timestamp.h"
#include "banned.h"

#define TIMER_SCENARIO 1

/* ---- time passing ----------------------------------------------------- */

int64_t exec_ms_(double seconds)
{
	double ms = seconds * 1000;
	if (!(ms > (double)-EXEC_MAX_SPAN_MS))   /* NaN included */
		return ms != ms ? 0 : -EXEC_MAX_SPAN_MS;
	if (ms > (double)EXEC_MAX_SPAN_MS)
		return EXEC_MAX_SPAN_MS;
	return (int64_t)llround(ms);
}

static int64_t scenario_at(struct exec *x, const cJSON *e)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(e, "at");
	int64_t ms;
	if (cJSON_IsNumber(at))
		return x->res->start_ms + exec_ms_(at->valuedouble);
	if (cJSON_IsString(at) && !timestamp_parse(at->valuestring, &ms))
		return ms;
	return x->res->start_ms;
}

const char *exec_scenario_action_(const cJSON *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "action");
	return cJSON_IsString(a) ? a->valuestring : "";
}

void exec_load_timers_(struct exec *x)
{
	if (x->timers_loaded || !x->opt->scenario)
		return;
	x->timers_loaded = 1;
	long i = 0;
	for (const cJSON *e = x->opt->scenario->child; e; e = e->next, i++)
		clock_add_timer(&x->clock, scenario_at(x, e), TIMER_SCENARIO, i);
}

const cJSON *exec_scenario_entry_(struct exec *x, long i)
{
	return cJSON_GetArrayItem(x->opt->scenario, (int)i);
}

void exec_abort_with_(struct exec *x, const cJSON *e)
{
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(e, "error");
	const cJSON *cause = cJSON_GetObjectItemCaseSensitive(e, "cause");
	x->stop = EXEC_ABORTED;
	exec_err_set_(&x->stop_err, cJSON_IsString(err) ? err->valuestring : NULL,
		      cJSON_IsString(cause) ? cause->valuestring : NULL);
	if (!cJSON_IsString(err)) {
		free(x->stop_err.error);
		x->stop_err.error = NULL;
	}
}

/* Time passes for the running frame only: others due earlier run first
 * (exec_sched.c), the machine's TimeoutSeconds or a StopExecution may end
 * the execution on the way. */
int exec_advance_(struct exec *x, int64_t target)
{
	return exec_sleep_(x, target);
}

/* ---- Retry ------------------------------------------------------------ */

static int64_t retry_delay_ms(struct exec *x, const struct asl_retrier *r,
			      unsigned count)
{
	double d = r->interval_seconds * pow(r->backoff_rate, count);
	if (r->max_delay_seconds > 0 && d > r->max_delay_seconds)
		d = r->max_delay_seconds;
	if (d > 1e9)
		d = 1e9; /* beyond any execution's one-year lifetime */
	if (r->jitter_full)
		d *= rng_double(&x->rng);
	return exec_ms_(d);
}

int exec_with_retry_(struct exec *x, struct frame *fr,
		     int (*attempt)(struct exec *, struct frame *, cJSON **),
		     cJSON **result)
{
	const struct asl_state *s = fr->state;
	unsigned counts[64] = { 0 };
	for (;;) {
		if (attempt(x, fr, result) == 0)
			return 0;
		if (x->stop != EXEC_RUNNING || exec_aborting_(x))
			return -1;
		size_t i;
		for (i = 0; i < s->nr_retry && i < 64; i++)
			if (exec_error_matches_(fr->err.error, s->retry[i].errors,
						s->retry[i].nr_errors))
				break;
		if (i < s->nr_retry && i < 64 && fr->under_test)
			return exec_test_retry_(x, fr, i);
		if (i == s->nr_retry || i == 64 ||
		    counts[i] >= s->retry[i].max_attempts)
			return -1;
		int64_t delay = retry_delay_ms(x, &s->retry[i], counts[i]++);
		exec_visit_(x, s, EXEC_VISIT_RETRIED, -1);
		if (exec_advance_(x, x->clock.now + delay) || exec_over_limit_(x))
			return -1;
		exec_err_release_(&fr->err);
		exec_inspect_retry_(fr);
		fr->retry_count++;
	}
}

