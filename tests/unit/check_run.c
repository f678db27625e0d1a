/* check_run.c - the interpreter against the conformance cases: every
 * tests/conformance/NNN-name.json is one assertion naming its file:
 * {"definition" | "file"+"machine", "input", "mocks"?, "testCase"?,
 *  "scenario"?, "options"?, "expect": {"status", "output"?, "error"?,
 *  "cause"?, "files"?}}.  "file" is relative to the reference course folder.
 * options.s3Dir (relative to the repository) is the folder standing for S3;
 * expect.files maps paths under it to what ResultWriter must have written
 * there (JSON compared as values, a string as the exact text); they are
 * removed after the check (write into the ignored bucket "scratch").
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
		mc.root = cJSON_Duplicate(mocks, 1);
		mc.path = name;
		const cJSON *tc = cJSON_GetObjectItem(c, "testCase");
		if (cJSON_IsString(tc))
			ck_assert_msg(mock_select(&mc, NULL, tc->valuestring, &why) == 0,
				      "%s: %s", name, why);
		o.mocks = &mc;
	}
	const cJSON *input = cJSON_GetObjectItem(c, "input");
	cJSON *empty = cJSON_CreateObject();
	exec_run(m, input ? input : empty, &o, &r);
	check_result(name, cJSON_GetObjectItem(c, "expect"), &r);
	check_files(name, cJSON_GetObjectItem(cJSON_GetObjectItem(c, "expect"), "files"),
		    o.s3_dir);
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

Suite *run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("base");
	tcase_add_test(tc, timestamps);
	tcase_add_test(tc, clock_timers);
	suite_add_tcase(s, tc);
	collect_cases();
	tc = tcase_create("conformance");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, conformance, 0, nr_cases);
	suite_add_tcase(s, tc);
	return s;
}
