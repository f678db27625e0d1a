/* check_run.c - the interpreter against the conformance cases: every
 * tests/conformance/NNN-name.json is one assertion naming its file:
 * {"definition" | "file"+"machine", "input", "mocks"?, "testCase"?,
 *  "scenario"?, "options"?, "expect": {"status", "output"?, "error"?,
 *  "cause"?, "transitions"?, "stopTime"?, "eventTypes"? (the history's
 *  event types, in order), "event"? ({"type", "details"}: the first event
 *  of that type has at least these details), "events"?, "failedState"?,
 *  "inspection"?, "files"?}}.  "file" is relative to the reference course folder.
 *  "failedState" names the state exec_failed_visit finds (where the error
 *  arose).  "events" lists the whole history, one [type, name?, seconds?]
 *  per event: name is the state's name for ...StateEntered/Exited, the
 *  index for MapIteration*, null for none; seconds after the start when
 *  given.  Every case's history must be in time order with ids 1..n and
 *  each previousEventId before its event.  "inspection" runs with the
 *  recorder on and lists, per visit that ended a state (retried attempts
 *  aside), {"state": name, stage: value...} with exactly the stages
 *  recorded (exec_stage_name).
 *  options.s3Dir (relative to the repository) is the folder standing for
 *  S3; expect.files maps paths under it to what ResultWriter must have
 *  written there (JSON compared as values, a string as the exact text);
 *  they are removed after the check (write into the ignored bucket
 *  "scratch").
 * Also: timestamp and clock unit tests. */
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "asl.h"
#include "clock.h"
#include "doc.h"
#include "exec.h"
#include "fileio.h"
#include "helpers.h"
#include "loader.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

#define CASES_DIR "tests/conformance"
#define MAX_CASES 2000

static char *cases[MAX_CASES];
static int nr_cases;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_cases(void)
{
	DIR *d = opendir(CASES_DIR);
	struct dirent *e;
	while (d && (e = readdir(d)) && nr_cases < MAX_CASES) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".json"))
			cases[nr_cases++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(cases, (size_t)nr_cases, sizeof(*cases), by_name);
}

static const char *str_or_null(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void check_str(const char *name, const char *what, const cJSON *want,
		      const char *got)
{
	const char *w = str_or_null(want);
	ck_assert_msg((!w && !got) || (w && got && !strcmp(w, got)),
		      "%s: %s: expected '%s', got '%s'", name, what,
		      w ? w : "(null)", got ? got : "(null)");
}

/* "Type name @seconds" of history event e (see the top of the file). */
static void event_line(const cJSON *e, int64_t start_ms, int with_time,
		       struct buf *out)
{
	buf_adds(out, cJSON_GetObjectItem(e, "type")->valuestring);
	for (const cJSON *d = e->child; d; d = d->next) {
		const cJSON *n = cJSON_GetObjectItem(d, "name");
		const cJSON *i = cJSON_GetObjectItem(d, "index");
		if (!cJSON_IsObject(d))
			continue;
		if (cJSON_IsNumber(i))
			buf_addf(out, " %d", i->valueint);
		else if (cJSON_IsString(n) && !strncmp(d->string, "state", 5))
			buf_addf(out, " %s", n->valuestring);
	}
	if (with_time) {
		double t = cJSON_GetObjectItem(e, "timestamp")->valuedouble;
		buf_addf(out, " @%g", t - (double)start_ms / 1000.0);
	}
	buf_addc(out, '\n');
}

static void want_line(const cJSON *w, struct buf *out)
{
	const cJSON *t = cJSON_GetArrayItem(w, 0), *n = cJSON_GetArrayItem(w, 1);
	const cJSON *at = cJSON_GetArrayItem(w, 2);
	buf_adds(out, cJSON_IsString(t) ? t->valuestring : "?");
	if (cJSON_IsString(n))
		buf_addf(out, " %s", n->valuestring);
	else if (cJSON_IsNumber(n))
		buf_addf(out, " %d", n->valueint);
	if (cJSON_IsNumber(at))
		buf_addf(out, " @%g", at->valuedouble);
	buf_addc(out, '\n');
}

static void check_events(const char *name, const cJSON *want,
			 const struct exec_result *r)
{
	struct buf w = BUF_INIT, g = BUF_INIT;
	int with_time = 0;
	for (const cJSON *e = want ? want->child : NULL; e; e = e->next) {
		want_line(e, &w);
		with_time |= cJSON_GetArraySize(e) > 2;
	}
	long id = 0;
	double last = 0;
	for (const cJSON *e = r->history ? r->history->child : NULL; e; e = e->next) {
		double t = cJSON_GetObjectItem(e, "timestamp")->valuedouble;
		long prev = (long)cJSON_GetObjectItem(e, "previousEventId")->valuedouble;
		ck_assert_msg((long)cJSON_GetObjectItem(e, "id")->valuedouble == ++id &&
			      prev < id && t >= last,
			      "%s: event %ld out of order", name, id);
		last = t;
		if (want)
			event_line(e, r->start_ms, with_time, &g);
	}
	ck_assert_msg(!want || !strcmp(w.ptr, g.ptr),
		      "%s: events: expected\n%sgot\n%s", name, w.ptr, g.ptr);
	buf_release(&w);
	buf_release(&g);
}

static void check_result(const char *name, const cJSON *expect,
			 const struct exec_result *r)
{
	const cJSON *st = cJSON_GetObjectItem(expect, "status");
	const char *status = exec_status_name(r->status);
	ck_assert_msg(cJSON_IsString(st) && !strcmp(st->valuestring, status),
		      "%s: status: expected %s, got %s (error %s, cause %s)", name,
		      str_or_null(st), status, r->error ? r->error : "-",
		      r->cause ? r->cause : "-");
	const cJSON *out = cJSON_GetObjectItem(expect, "output");
	if (out) {
		int same = r->output ? cJSON_Compare(out, r->output, 1) : cJSON_IsNull(out);
		char *g = r->output ? cJSON_PrintUnformatted(r->output) : NULL;
		ck_assert_msg(same, "%s: output: got %s", name, g ? g : "null");
		cJSON_free(g);
	}
	if (cJSON_GetObjectItem(expect, "error"))
		check_str(name, "error", cJSON_GetObjectItem(expect, "error"), r->error);
	if (cJSON_GetObjectItem(expect, "cause"))
		check_str(name, "cause", cJSON_GetObjectItem(expect, "cause"), r->cause);
	const cJSON *tr = cJSON_GetObjectItem(expect, "transitions");
	if (cJSON_IsNumber(tr))
		ck_assert_msg((double)r->transitions == tr->valuedouble,
			      "%s: transitions: got %zu", name, r->transitions);
	const cJSON *stop = cJSON_GetObjectItem(expect, "stopTime");
	if (cJSON_IsString(stop)) {
		struct buf b = BUF_INIT;
		timestamp_format_short(r->stop_ms, &b);
		ck_assert_msg(!strcmp(b.ptr, stop->valuestring),
			      "%s: stopTime: got %s", name, b.ptr);
		buf_release(&b);
	}
	check_events(name, cJSON_GetObjectItem(expect, "events"), r);
	const cJSON *fs = cJSON_GetObjectItem(expect, "failedState");
	if (fs) {
		const struct exec_visit *v = exec_failed_visit(r);
		check_str(name, "failedState", fs, v ? v->state->name : NULL);
	}
}

/* One visit's recorded stages against {"state", stage: value...}. */
static void check_stages(const char *name, size_t i, const cJSON *want,
			 const struct exec_visit *v)
{
	const cJSON *st = cJSON_GetObjectItem(want, "state");
	ck_assert_msg(cJSON_IsString(st) && !strcmp(st->valuestring, v->state->name),
		      "%s: inspection[%zu]: state %s", name, i, v->state->name);
	ck_assert_msg(v->inspection != NULL, "%s: inspection[%zu]: none", name, i);
	for (int k = 0; k < EXEC_NR_STAGES; k++) {
		const char *sn = exec_stage_name((enum exec_stage)k);
		const cJSON *w = cJSON_GetObjectItem(want, sn);
		const cJSON *g = v->inspection->stage[k];
		char *gt = g ? cJSON_PrintUnformatted(g) : NULL;
		ck_assert_msg((!w && !g) || (w && g && cJSON_Compare(w, g, 1)),
			      "%s: inspection[%zu] %s: got %s", name, i, sn,
			      gt ? gt : "(none)");
		cJSON_free(gt);
	}
}

static void check_inspection(const char *name, const cJSON *want,
			     const struct exec_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nr_visits; i++) {
		const struct exec_visit *v = &r->visits[i];
		if (v->outcome == EXEC_VISIT_RETRIED) {
			ck_assert_msg(!v->inspection, "%s: a retry inspected", name);
			continue;
		}
		ck_assert_msg(n < (size_t)cJSON_GetArraySize(want),
			      "%s: inspection: more visits than expected", name);
		check_stages(name, n, cJSON_GetArrayItem(want, (int)n), v);
		n++;
	}
	ck_assert_msg(n == (size_t)cJSON_GetArraySize(want),
		      "%s: inspection: %zu visits", name, n);
}

/* The history's event types, in order, as expect.eventTypes lists them. */
static void check_event_types(const char *name, const cJSON *want,
			      const cJSON *history)
{
	int i = 0;
	const cJSON *ev = history ? history->child : NULL;
	for (const cJSON *w = want->child; w; w = w->next, ev = ev->next, i++) {
		ck_assert_msg(ev != NULL, "%s: eventTypes: history ends at %d",
			      name, i);
		const char *t = cJSON_GetObjectItem(ev, "type")->valuestring;
		ck_assert_msg(!strcmp(t, w->valuestring),
			      "%s: eventTypes[%d]: expected %s, got %s", name, i,
			      w->valuestring, t);
	}
	ck_assert_msg(ev == NULL, "%s: eventTypes: more events than listed", name);
}

/* The first event of want.type has every member of want.details. */
static void check_event(const char *name, const cJSON *want,
			const cJSON *history)
{
	const char *type = cJSON_GetObjectItem(want, "type")->valuestring;
	const cJSON *details = cJSON_GetObjectItem(want, "details");
	for (const cJSON *ev = history ? history->child : NULL; ev; ev = ev->next) {
		if (strcmp(cJSON_GetObjectItem(ev, "type")->valuestring, type))
			continue;
		const cJSON *got = NULL;
		for (const cJSON *m = ev->child; m; m = m->next)
			if (cJSON_IsObject(m))
				got = m;
		for (const cJSON *d = details ? details->child : NULL; d; d = d->next) {
			const cJSON *g = cJSON_GetObjectItem(got, d->string);
			char *gs = g ? cJSON_PrintUnformatted(g) : NULL;
			ck_assert_msg(g && cJSON_Compare(g, d, 1),
				      "%s: event %s: %s: got %s", name, type,
				      d->string, gs ? gs : "(none)");
			cJSON_free(gs);
		}
		return;
	}
	ck_abort_msg("%s: no %s event", name, type);
}

static void set_options(const cJSON *c, struct exec_options *o)
{
	const cJSON *opt = cJSON_GetObjectItem(c, "options");
	const cJSON *v;
	memset(o, 0, sizeof(*o));
	o->start_ms = EXEC_DEFAULT_START_MS;
	o->name = "Machine";
	o->keep_history = 1;
	if (cJSON_IsNumber(v = cJSON_GetObjectItem(opt, "maxEvents")))
		o->max_events = (size_t)v->valuedouble;
	if (cJSON_IsNumber(v = cJSON_GetObjectItem(opt, "maxPayload")))
		o->max_payload = (size_t)v->valuedouble;
	if (cJSON_IsNumber(v = cJSON_GetObjectItem(opt, "seed")))
		o->seed = (uint64_t)v->valuedouble;
	if (cJSON_IsString(v = cJSON_GetObjectItem(opt, "startTime")))
		timestamp_parse(v->valuestring, &o->start_ms);
	o->scenario = cJSON_GetObjectItem(c, "scenario");
	if (cJSON_IsString(v = cJSON_GetObjectItem(opt, "s3Dir")))
		o->s3_dir = v->valuestring;
}

/* The files ResultWriter wrote, compared, then removed. */
static void check_files(const char *name, const cJSON *files, const char *dir)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, files) {
		char path[2048];
		struct buf b = BUF_INIT;
		const char *why = NULL;
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", f->string);
		ck_assert_msg(fileio_read(path, &b, &why) == 0, "%s: no file %s: %s",
			      name, path, why ? why : "");
		if (cJSON_IsString(f)) {
			ck_assert_msg(!strcmp(b.ptr, f->valuestring),
				      "%s: %s: got %s", name, f->string, b.ptr);
		} else {
			cJSON *got = cJSON_ParseWithLength(b.ptr, b.len);
			ck_assert_msg(got && cJSON_Compare(got, f, 1), "%s: %s: got %s",
				      name, f->string, b.ptr);
			cJSON_Delete(got);
		}
		buf_release(&b);
		unlink(path);
	}
}

/* Runs case c with the machine built from (definition, doc). */
static void run_case(const char *name, const cJSON *c, const cJSON *def,
		     const struct doc *doc)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct asl_machine *m = asl_build(def, doc, &diags);
	struct exec_options o;
	struct mock_config mc = { 0 };
	struct exec_result r;
	char *why = NULL;
	set_options(c, &o);
	const cJSON *mocks = cJSON_GetObjectItem(c, "mocks");
	if (mocks) {
		mock_adopt(&mc, cJSON_Duplicate(mocks, 1), name);
		const cJSON *tc = cJSON_GetObjectItem(c, "testCase");
		if (cJSON_IsString(tc))
			ck_assert_msg(mock_select(&mc, NULL, tc->valuestring, &why) == 0,
				      "%s: %s", name, why);
		o.mocks = &mc;
	}
	const cJSON *input = cJSON_GetObjectItem(c, "input");
	cJSON *empty = cJSON_CreateObject();
	const cJSON *insp = cJSON_GetObjectItem(cJSON_GetObjectItem(c, "expect"),
						"inspection");
	o.inspect = insp != NULL;
	exec_run(m, input ? input : empty, &o, &r);
	const cJSON *expect = cJSON_GetObjectItem(c, "expect");
	check_result(name, expect, &r);
	if (cJSON_IsArray(cJSON_GetObjectItem(expect, "eventTypes")))
		check_event_types(name, cJSON_GetObjectItem(expect, "eventTypes"),
				  r.history);
	if (cJSON_IsObject(cJSON_GetObjectItem(expect, "event")))
		check_event(name, cJSON_GetObjectItem(expect, "event"), r.history);
	if (insp)
		check_inspection(name, insp, &r);
	else
		for (size_t i = 0; i < r.nr_visits; i++) /* off: nothing kept */
			ck_assert_msg(!r.visits[i].inspection, "%s: inspected", name);
	check_files(name, cJSON_GetObjectItem(expect, "files"), o.s3_dir);
	exec_result_release(&r);
	cJSON_Delete(empty);
	mock_release(&mc);
	asl_free(m);
	diag_list_release(&diags);
	free(why);
}

static void run_course_case(const char *name, const cJSON *c)
{
	const char *dir = shared_dir();
	if (!dir)
		return; /* no reference course here: nothing to compare */
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s", dir,
		 cJSON_GetObjectItem(c, "file")->valuestring);
	struct loaded_file lf;
	struct diag_list diags = DIAG_LIST_INIT;
	struct loader_options lo = { NULL, NULL, NULL };
	ck_assert_msg(loader_load(&lf, path, &lo, &diags) == 0, "%s: load", name);
	const cJSON *mn = cJSON_GetObjectItem(c, "machine");
	const struct loaded_machine *lm = loader_find(&lf, mn->valuestring);
	ck_assert_msg(lm != NULL, "%s: no machine %s", name, mn->valuestring);
	run_case(name, c, lm->definition, lm->doc);
	loader_release(&lf);
	diag_list_release(&diags);
}

START_TEST(conformance)
{
	const char *name = cases[_i];
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", CASES_DIR, name);
	struct diag_list diags = DIAG_LIST_INIT;
	struct doc *d = doc_new(path);
	ck_assert_msg(doc_load(d, &diags) == 0, "%s: not JSON", name);
	if (cJSON_GetObjectItem(d->root, "file"))
		run_course_case(name, d->root);
	else
		run_case(name, d->root, cJSON_GetObjectItem(d->root, "definition"), d);
	doc_free(d);
	diag_list_release(&diags);
}
END_TEST

START_TEST(timestamps)
{
	int64_t ms;
	struct buf b = BUF_INIT;
	ck_assert_int_eq(timestamp_parse("2024-01-01T00:00:00Z", &ms), 0);
	ck_assert_int_eq(ms, 1704067200000LL);
	ck_assert_int_eq(timestamp_parse("2024-02-29T12:30:15.5+01:30", &ms), 0);
	timestamp_format(ms, &b);
	ck_assert_str_eq(b.ptr, "2024-02-29T11:00:15.500Z");
	ck_assert_int_eq(timestamp_parse("2023-02-29T00:00:00Z", &ms), -1);
	ck_assert_int_eq(timestamp_parse("2024-01-01 00:00:00Z", &ms), -1);
	ck_assert_int_eq(timestamp_parse("2024-01-01T00:00:00", &ms), -1);
	ck_assert_int_eq(timestamp_parse("1969-12-31T23:59:59.999Z", &ms), 0);
	ck_assert_int_eq(ms, -1);
	buf_reset(&b);
	timestamp_format_short(ms, &b);
	ck_assert_str_eq(b.ptr, "1969-12-31T23:59:59.999Z");
	buf_release(&b);
}
END_TEST

START_TEST(clock_timers)
{
	struct clock c;
	struct clock_timer t;
	clock_init(&c, 1000);
	clock_add_timer(&c, 5000, 1, 0);
	clock_add_timer(&c, 2000, 1, 1);
	clock_add_timer(&c, 5000, 1, 2);
	ck_assert_int_eq(clock_pop(&c, &t), 0);
	ck_assert_int_eq(t.ref, 1);
	ck_assert_int_eq(clock_pop(&c, &t), 0);
	ck_assert_int_eq(t.ref, 0); /* ties keep insertion order */
	clock_advance_to(&c, 500);
	ck_assert_int_eq(c.now, 1000);
	clock_cancel(&c, 1, 2);
	ck_assert_int_eq(clock_pop(&c, &t), -1);
	clock_release(&c);
}
END_TEST

/* Two branches wait for callbacks; the scenario answers the second
 * branch's token first.  Routed by taskToken, each branch gets its own
 * output (without the token the first answer would go to the task that
 * waited longest, branch 0). */
static const char token_machine[] =
	"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"End\":true,"
	"\"Branches\":["
	"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"TimeoutSeconds\":10,"
	"\"Resource\":\"arn:aws:states:::lambda:invoke.waitForTaskToken\",\"End\":true,"
	"\"Parameters\":{\"FunctionName\":\"f\",\"Payload\":{\"t.$\":\"$$.Task.Token\"}}}}},"
	"{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Task\",\"TimeoutSeconds\":10,"
	"\"Resource\":\"arn:aws:states:::lambda:invoke.waitForTaskToken\",\"End\":true,"
	"\"Parameters\":{\"FunctionName\":\"f\",\"Payload\":{\"t.$\":\"$$.Task.Token\"}}}}}"
	"]}}}";

static void callback_at(cJSON *sc, int at, const char *token, const char *out)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "at", at);
	cJSON_AddStringToObject(e, "action", "SendTaskSuccess");
	cJSON_AddStringToObject(e, "taskToken", token);
	cJSON_AddStringToObject(e, "output", out);
	cJSON_AddItemToArray(sc, e);
}

/* A machine built from JSON text, for the tests below. */
struct built {
	struct diag_list diags;
	struct doc *d;
	struct asl_machine *m;
};

static void build_text(struct built *b, const char *name, const char *text)
{
	b->diags = (struct diag_list)DIAG_LIST_INIT;
	b->d = doc_new(name);
	ck_assert_int_eq(doc_parse(b->d, text, strlen(text), DOC_JSON, &b->diags), 0);
	b->m = asl_build(b->d->root, b->d, &b->diags);
}

static void built_release(struct built *b)
{
	asl_free(b->m);
	doc_free(b->d);
	diag_list_release(&b->diags);
}

START_TEST(callback_by_token)
{
	struct built b;
	build_text(&b, "tokens.json", token_machine);
	const struct asl_machine *m = b.m;
	struct exec_options o = { .start_ms = EXEC_DEFAULT_START_MS, .seed = 3 };
	struct exec_result r;
	cJSON *in = cJSON_CreateObject(), *sc = cJSON_CreateArray();
	exec_run(m, in, &o, &r); /* no callbacks: both time out; the tokens */
	ck_assert_str_eq(exec_status_name(r.status), "FAILED");
	ck_assert_int_eq((int)r.nr_tokens, 2);
	callback_at(sc, 1, r.tokens[1], "second");
	callback_at(sc, 2, r.tokens[0], "first");
	exec_result_release(&r);
	o.scenario = sc;
	exec_run(m, in, &o, &r);
	ck_assert_str_eq(exec_status_name(r.status), "SUCCEEDED");
	char *out = cJSON_PrintUnformatted(r.output);
	ck_assert_str_eq(out, "[\"first\",\"second\"]");
	ck_assert_int_eq(r.stop_ms - r.start_ms, 2000);
	cJSON_free(out);
	exec_result_release(&r);
	cJSON_Delete(sc);
	cJSON_Delete(in);
	built_release(&b);
}
END_TEST

/* Distributed Map children that wait take turns on the scheduler (three
 * at a time, ending in another order than they started); each one's $$ is
 * its own across the waits, in a Parallel it starts too: the name it saw
 * first is the one it sees last, and no two children share one.  (Names
 * are random, so compared with each other rather than written out.) */
static const char child_view_machine[] =
	"{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\","
	"\"MaxConcurrency\":3,\"End\":true,\"ItemProcessor\":{\"ProcessorConfig\":"
	"{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"A\",\"States\":{"
	"\"A\":{\"Type\":\"Pass\",\"Parameters\":{\"first.$\":\"$$.Execution.Name\",\"w.$\":\"$.w\"},\"Next\":\"W\"},"
	"\"W\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.w\",\"Next\":\"P\"},"
	"\"P\":{\"Type\":\"Parallel\",\"ResultPath\":\"$.inner\",\"Next\":\"Z\",\"Branches\":[{\"StartAt\":\"W2\","
	"\"States\":{\"W2\":{\"Type\":\"Wait\",\"Seconds\":1,\"Next\":\"B\"},"
	"\"B\":{\"Type\":\"Pass\",\"Parameters\":{\"n.$\":\"$$.Execution.Name\"},\"End\":true}}}]},"
	"\"Z\":{\"Type\":\"Pass\",\"Parameters\":{\"first.$\":\"$.first\",\"inner.$\":\"$.inner[0].n\","
	"\"last.$\":\"$$.Execution.Name\"},\"End\":true}}}}}}";

START_TEST(distmap_child_views)
{
	struct built b;
	build_text(&b, "views.json", child_view_machine);
	const struct asl_machine *m = b.m;
	struct exec_options o = { .start_ms = EXEC_DEFAULT_START_MS, .seed = 5 };
	struct exec_result r;
	cJSON *in = cJSON_Parse("{\"items\":[{\"w\":3},{\"w\":1},{\"w\":2},{\"w\":1}]}");
	exec_run(m, in, &o, &r);
	ck_assert_str_eq(exec_status_name(r.status), "SUCCEEDED");
	/* lanes: 0 ends at 4 s, 1 at 2 s, 2 at 3 s, 3 (after 1) at 4 s */
	ck_assert_int_eq(r.stop_ms - r.start_ms, 4000);
	ck_assert_int_eq(cJSON_GetArraySize(r.output), 4);
	const char *names[4];
	int i = 0;
	for (const cJSON *c = r.output->child; c; c = c->next, i++) {
		const char *first = cJSON_GetObjectItem(c, "first")->valuestring;
		ck_assert_uint_eq(strlen(first), 36);
		ck_assert_str_eq(cJSON_GetObjectItem(c, "inner")->valuestring, first);
		ck_assert_str_eq(cJSON_GetObjectItem(c, "last")->valuestring, first);
		for (int k = 0; k < i; k++)
			ck_assert_str_ne(names[k], first);
		names[i] = first;
	}
	exec_result_release(&r);
	cJSON_Delete(in);
	built_release(&b);
}
END_TEST

/* More Distributed Map children that may wait than there are frames
 * (EXEC_MAX_FRAMES, 8,192): AWS runs up to 10,000 at once; those that end at the
 * instant they start never wait for a frame, so the run succeeds at once
 * rather than fail with States.Runtime as an inline Map past the bound
 * does (715). */
#define MANY_CHILDREN 9200
static const char many_children_machine[] =
	"{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,"
	"\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\","
	"\"ExecutionType\":\"EXPRESS\"},\"StartAt\":\"W\",\"States\":{"
	"\"W\":{\"Type\":\"Wait\",\"Seconds\":0,\"End\":true}}}}}}";

START_TEST(distmap_children_past_frames)
{
	struct built b;
	build_text(&b, "many.json", many_children_machine);
	const struct asl_machine *m = b.m;
	struct exec_options o = { .start_ms = EXEC_DEFAULT_START_MS, .seed = 1 };
	struct exec_result r;
	cJSON *in = cJSON_CreateArray();
	for (int i = 0; i < MANY_CHILDREN; i++)
		cJSON_AddItemToArray(in, cJSON_CreateNumber(i));
	exec_run(m, in, &o, &r);
	ck_assert_str_eq(exec_status_name(r.status), "SUCCEEDED");
	ck_assert_int_eq(cJSON_GetArraySize(r.output), MANY_CHILDREN);
	ck_assert_int_eq(r.stop_ms, r.start_ms);
	exec_result_release(&r);
	cJSON_Delete(in);
	built_release(&b);
}
END_TEST

Suite *run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("base");
	tcase_add_test(tc, timestamps);
	tcase_add_test(tc, clock_timers);
	tcase_add_test(tc, callback_by_token);
	tcase_add_test(tc, distmap_child_views);
	tcase_add_test(tc, distmap_children_past_frames);
	suite_add_tcase(s, tc);
	collect_cases();
	tc = tcase_create("conformance");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, conformance, 0, nr_cases);
	suite_add_tcase(s, tc);
	return s;
}
