/* check_check.c - `stepbook check` end to end on the folder cases of
 * tests/cases/check: each case's report is pinned in a file (verbose text,
 * and for 'bad' every other format too), --update rewrites only recorded
 * outputs, the command's exit statuses, and the reference course's report
 * with tests/upstream-mocks.yml (skipped when $SHARED is absent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <sys/wait.h>

#include <check.h>

#include "buf.h"
#include "fileio.h"
#include "gate.h"
#include "helpers.h"
#include "report.h"
#include "banned.h"

#define CASES "tests/cases/check/"

/* The report of the course at root, in 'format'; owned. */
static char *report_v(const char *root, const char *config, enum report_format format,
		      int update, int *failed, int verbose)
{
	struct gate_options opt = { root, config, update, NULL, NULL };
	struct gate_run run = GATE_RUN_INIT;
	int rc = gate_course(&run, &opt);
	if (failed)
		*failed = rc;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct report_options ro = { format, 0, 0 };
	report_check(out, &run, &ro, verbose);
	fclose(out);
	gate_run_release(&run);
	return text;
}

/* The verbose report, as the pinned files hold it. */
static char *report(const char *root, const char *config, enum report_format format,
		    int update, int *failed)
{
	return report_v(root, config, format, update, failed, 1);
}

static char *slurp(const char *path)
{
	struct buf b = BUF_INIT;
	const char *why;
	if (fileio_read(path, &b, &why))
		ck_abort_msg("cannot read %s: %s", path, why);
	return buf_detach(&b, NULL);
}

static void ck_report(const char *name, enum report_format format, const char *expected)
{
	char root[256], path[256];
	snprintf(root, sizeof(root), CASES "%s", name);
	snprintf(path, sizeof(path), CASES "%s/%s", name, expected);
	char *got = report(root, NULL, format, 0, NULL);
	char *want = slurp(path);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}

START_TEST(every_command)
{
	ck_report("commands", REPORT_TEXT, "expected.txt");
}
END_TEST

START_TEST(throttle_and_quota)
{
	ck_report("throttle", REPORT_TEXT, "expected.txt");
}
END_TEST

/* Events marked notification, each held in page order against what the
 * commands above it delivered: none yet, a match, a stale cause, bad JSON. */
START_TEST(notification_events)
{
	ck_report("notifications", REPORT_TEXT, "expected.txt");
}
END_TEST

/* A function that throws, a branch that fails after its retry, a Fail
 * state, a private route without its key: each failure names the state, the
 * error and the cause (or the keys expected); --verbose adds the path and
 * the failing state's input. */
START_TEST(failures_explain_themselves)
{
	ck_report("failing", REPORT_TEXT, "expected.txt");
	int failed = 0;
	char *got = report_v(CASES "failing", NULL, REPORT_TEXT, 0, &failed, 0);
	ck_assert_int_ne(failed, 0);
	ck_assert_ptr_nonnull(strstr(got, "README.md:12:1: error: sls invoke stepf --name "
				     "HelloMachine: execution FAILED in state 'Greet': HelloBroke: "
				     "the greeting service is down\n"));
	ck_assert_ptr_null(strstr(got, "path:"));
	ck_assert_ptr_null(strstr(got, "input of"));
	free(got);
}
END_TEST

/* Protocol-relative, absolute and mailto links are not followed; a missing
 * page linked twice fails at each link; an h3 heading is an anchor. */
START_TEST(links_in_and_out)
{
	ck_report("links", REPORT_TEXT, "expected.txt");
}
END_TEST

START_TEST(hand_written_examples)
{
	ck_report("examples", REPORT_TEXT, "expected.txt");
}
END_TEST

START_TEST(bad_inputs_are_located)
{
	ck_report("bad", REPORT_TEXT, "expected.txt");
}
END_TEST

START_TEST(formats)
{
	ck_report("bad", REPORT_JSON, "expected.json");
	ck_report("bad", REPORT_GITHUB, "expected.github");
	ck_report("bad", REPORT_JUNIT, "expected.junit.xml");
}
END_TEST

START_TEST(update_rewrites_only_outputs)
{
	char dir[] = "/tmp/stepbook-update-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[512];
	static const char *const files[] = { "README.md", "stepbook.yml",
					     "saved-steps/service.yml" };
	snprintf(path, sizeof(path), "%s/saved-steps", dir);
	ck_assert_int_eq(fileio_mkdirs(path), 0);
	for (size_t i = 0; i < 3; i++) {
		char src[256];
		snprintf(src, sizeof(src), CASES "update/%s", files[i]);
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		char *text = slurp(src);
		ck_assert_int_eq(fileio_write_atomic(path, text, strlen(text)), 0);
		free(text);
	}
	int failed = 0;
	char *got = report(dir, NULL, REPORT_TEXT, 1, &failed);
	ck_assert_int_eq(failed, 0);
	ck_assert_ptr_nonnull(strstr(got, "6 recorded outputs updated\n"));
	free(got);
	snprintf(path, sizeof(path), "%s/README.md", dir);
	char *page = slurp(path), *want = slurp(CASES "update/expected.md");
	ck_assert_str_eq(page, want);
	free(page);
	free(want);
	got = report(dir, NULL, REPORT_TEXT, 0, &failed); /* now it passes as is */
	ck_assert_int_eq(failed, 0);
	free(got);
	static const char *const rm[] = { "README.md", "stepbook.yml",
					  "saved-steps/service.yml", "saved-steps", "" };
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, rm[i]);
		remove(path);
	}
}
END_TEST

/* Symbolic links that point out of the course are never followed. */
START_TEST(symlinks_out_are_refused)
{
	char dir[] = "/tmp/stepbook-symlink-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[512], target[512];
	snprintf(path, sizeof(path), "%s/saved-steps", dir);
	ck_assert_int_eq(fileio_mkdirs(path), 0);
	snprintf(path, sizeof(path), "%s/evil.md", dir);
	ck_assert_int_eq(symlink("/etc/hostname", path), 0);
	ck_assert_ptr_nonnull(realpath(CASES "commands/saved-steps/01-service.yml", target));
	snprintf(path, sizeof(path), "%s/saved-steps/evil.yml", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	const char *page = "# Links\n\n[evil](evil.md) and [step](saved-steps/evil.yml)\n\n"
			   "```bash\nsls deploy\n```\n";
	snprintf(path, sizeof(path), "%s/README.md", dir);
	ck_assert_int_eq(fileio_write_atomic(path, page, strlen(page)), 0);
	int failed = 0;
	char *got = report(dir, NULL, REPORT_TEXT, 0, &failed);
	ck_assert_int_eq(failed, 1);
	ck_assert_ptr_nonnull(strstr(got, "3:1: error: link evil.md: link 'evil.md' leaves the course folder\n"));
	ck_assert_ptr_nonnull(strstr(got, "3:21: error: link saved-steps/evil.yml: link "
				      "'saved-steps/evil.yml' leaves the course folder\n"));
	ck_assert_ptr_nonnull(strstr(got, "6:1: error: sls deploy: the saved step "
				      "'saved-steps/evil.yml' leaves the course folder through a "
				      "symbolic link\n"));
	ck_assert_ptr_nonnull(strstr(got, "0 passed, 3 failed, 0 skipped\n"));
	free(got);
	static const char *const rm[] = { "README.md", "evil.md", "saved-steps/evil.yml",
					  "saved-steps", "" };
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, rm[i]);
		remove(path);
	}
}
END_TEST

/* Exit status of `$STEPBOOK args`, or -1 when the binary is not known. */
static int run_cli(const char *args)
{
	const char *bin = getenv("STEPBOOK");
	if (!bin)
		return -1;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s %s >/dev/null 2>&1", bin, args);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(exit_statuses)
{
	if (!getenv("STEPBOOK"))
		return;
	ck_assert_int_eq(run_cli("check " CASES "commands"), 0);
	ck_assert_int_eq(run_cli("check " CASES "bad --format junit"), 1);
	ck_assert_int_eq(run_cli("check " CASES "commands --format yaml"), 2);
	ck_assert_int_eq(run_cli("check --bogus"), 2);
	ck_assert_int_eq(run_cli("check " CASES "no-such-course"), 2);
	ck_assert_int_eq(run_cli("check " CASES "commands " CASES "bad"), 2);
	/* from the repository root: the bundled course, as build would */
	ck_assert_int_eq(run_cli("check"), 0);
	ck_assert_int_eq(run_cli("check " CASES "failing"), 1);
}
END_TEST

/* The reference course's report, with the folder written as $SHARED. */
START_TEST(upstream_report)
{
	const char *dir = shared_dir();
	if (!dir)
		return;
	char *got = report(dir, "tests/upstream-mocks.yml", REPORT_TEXT, 0, NULL);
	struct buf b = BUF_INIT;
	size_t n = strlen(dir);
	for (const char *p = got; *p;) {
		const char *hit = strstr(p, dir);
		if (!hit) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(hit - p));
		buf_adds(&b, "$SHARED/upstream-course");
		p = hit + n;
	}
	char *want = slurp(CASES "upstream.expected");
	ck_assert_str_eq(b.ptr, want);
	free(want);
	free(got);
	buf_release(&b);
}
END_TEST

/* The bundled course passes, and no chapter (a page named NN-*.md) leaves
 * all its examples unexecuted: each runs at least one step and skips none.
 * (Its speed is a benchmark: bench/check_bench.sh.) */
START_TEST(bundled_course_passes)
{
	struct gate_options opt = { "course", NULL, 0, NULL, NULL };
	struct gate_run run = GATE_RUN_INIT;
	int failed = gate_course(&run, &opt);
	ck_assert_msg(!failed, "%zu failed", run.failed);
	size_t chapters = 0;
	for (size_t i = 0; i < run.nr; i++) {
		const struct gate_case *k = &run.cases[i];
		const char *base = strrchr(k->file, '/');
		base = base ? base + 1 : k->file;
		if (k->kind != GATE_STEP || !(base[0] >= '0' && base[0] <= '9'))
			continue;
		ck_assert_msg(k->status == GATE_PASS, "%s:%u: step '%s' %s",
			      k->file, k->pos.line, k->name, gate_status_name(k->status));
		if (i == 0 || strcmp(run.cases[i - 1].file, k->file) ||
		    run.cases[i - 1].kind != GATE_STEP)
			chapters++; /* first step case of this page */
	}
	ck_assert_uint_ge(chapters, 17);
	gate_run_release(&run);
}
END_TEST

Suite *gate_suite(void)
{
	Suite *s = suite_create("check");
	TCase *t = tcase_create("cases");
	tcase_add_test(t, every_command);
	tcase_add_test(t, throttle_and_quota);
	tcase_add_test(t, hand_written_examples);
	tcase_add_test(t, notification_events);
	tcase_add_test(t, bad_inputs_are_located);
	tcase_add_test(t, failures_explain_themselves);
	tcase_add_test(t, links_in_and_out);
	tcase_add_test(t, formats);
	tcase_add_test(t, update_rewrites_only_outputs);
	tcase_add_test(t, symlinks_out_are_refused);
	tcase_add_test(t, exit_statuses);
	tcase_add_test(t, upstream_report);
	tcase_add_test(t, bundled_course_passes);
	suite_add_tcase(s, t);
	return s;
}
