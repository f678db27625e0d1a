/* check_site_gate.c - `stepbook build` says why the check failed: every
 * failing case of the course's check, one located line each, whether the
 * check ran in a forked process or in the builder's own, and `build
 * --strict` exiting 1 for them.  (serve's side is in check_serve.c.) */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <check.h>

#include "buf.h"
#include "fileio.h"
#include "helpers.h"
#include "site.h"
#include "banned.h"

#define FIXTURE "tests/cases/site/course"

/* The fixture's one failing case: page 2 posts to an API no page deployed. */
#define PAGE2_FAILS "part/02-second.md:16:1: error: HTTP request POST /dev/start: " \
	"the recorded output differs from the actual result [check/step]\n"

/* A copy of the fixture in the helpers' temporary folder (whose name
 * diags_text strips): returns its path, "DIR/NAME". */
static const char *copy_fixture(const char *name)
{
	static char course[600];
	const char *marker = tmp_file("marker", "");
	snprintf(course, sizeof(course), "%.*s%s", (int)(strrchr(marker, '/') + 1 - marker),
		 marker, name);
	char cmd[1400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s && cp -R %s %s", course, FIXTURE, course);
	ck_assert_int_eq(system(cmd), 0);
	return course;
}

/* Removes the helpers' temporary folder (a checked fixture: run in the
 * test's own process, where that folder was made). */
static void remove_tmp(void)
{
	const char *marker = tmp_file("marker", "");
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf %.*s", (int)(strrchr(marker, '/') - marker), marker);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", cmd + 7);
}

/* Rewrites course file rel, 'from' replaced by 'to'. */
static void edit(const char *course, const char *rel, const char *from, const char *to)
{
	struct buf path = BUF_INIT, text = BUF_INIT, out = BUF_INIT;
	const char *why;
	buf_addf(&path, "%s/%s", course, rel);
	ck_assert_int_eq(fileio_read(path.ptr, &text, &why), 0);
	const char *at = strstr(text.ptr, from);
	ck_assert_ptr_nonnull(at);
	buf_add(&out, text.ptr, (size_t)(at - text.ptr));
	buf_adds(&out, to);
	buf_adds(&out, at + strlen(from));
	ck_assert_int_eq(fileio_write_atomic(path.ptr, out.ptr, out.len), 0);
	buf_release(&path);
	buf_release(&text);
	buf_release(&out);
}

/* Builds course with 'jobs' processes; returns the failures as text. */
static char *failures(const char *course, int jobs, int want_status)
{
	struct buf out = BUF_INIT;
	buf_addf(&out, "%s-site-%d", course, jobs);
	struct site_options opt = { .course = course, .out = out.ptr, .templates = "templates",
				     .jobs = jobs };
	struct diag_list l = DIAG_LIST_INIT, failed = DIAG_LIST_INIT;
	ck_assert_int_eq(site_build_checked(&opt, &l, &failed), want_status);
	char *text = diags_text(&failed);
	diag_list_release(&l);
	diag_list_release(&failed);
	buf_release(&out);
	return text;
}

START_TEST(failing_case_listed)
{
	const char *course = copy_fixture("listed");
	char *text = failures(course, 0, 0);
	ck_assert_str_eq(text, "listed/" PAGE2_FAILS);
	free(text);
}
END_TEST

/* A broken Next in a saved step: the step is reported at the Next, the
 * page's excerpt of it (which still shows the old Next), the commands and
 * the example that needed it at their places.  The page's
 * drawing of example one has no run to draw, so the build itself fails
 * (site/no-run); the failing cases say why.  The forked check (jobs 2)
 * hands back what the in-process one (jobs 1) finds. */
START_TEST(broken_next_says_why)
{
	const char *course = copy_fixture("next");
	edit(course, "part/saved-steps/01-first.yml", "Next: Hello", "Next: Hullo");
	static const char want[] =
		"next/part/saved-steps/01-first.yml:14:19: error: the saved step is not "
		"valid ASL: Next of state 'Pause' names no state: 'Hullo' [check/saved-step]\n"
		"next/part/01-first.md:17:1: error: yaml block: the block excerpts "
		"part/saved-steps/01-first.yml but differs from it [check/snippet]\n"
		"next/part/01-first.md:27:1: error: sls deploy (part/saved-steps/01-first.yml): "
		"the saved step 'part/saved-steps/01-first.yml' does not load or validate [check/step]\n"
		"next/part/01-first.md:28:25: error: sls invoke stepf --name FirstMachine: "
		"StateMachineNotDefined: no state machine named 'FirstMachine' is deployed [check/step]\n"
		"next/part/01-first.md:31:1: error: example one: the example failed: no state "
		"machine named 'FirstMachine' is deployed [check/step]\n"
		"next/" PAGE2_FAILS;
	char *in_process = failures(course, 1, -1);
	ck_assert_str_eq(in_process, want);
	char *forked = failures(course, 2, -1);
	ck_assert_str_eq(forked, want);
	free(in_process);
	free(forked);
}
END_TEST

/* A function that throws: the build names the state, the error and the
 * cause on the invoking command's line (tests/cases/check/failing). */
START_TEST(thrown_error_listed)
{
	struct buf out = BUF_INIT;
	const char *marker = tmp_file("marker", "");
	buf_addf(&out, "%.*sfailing-site", (int)(strrchr(marker, '/') + 1 - marker), marker);
	struct site_options opt = { .course = "tests/cases/check/failing", .out = out.ptr,
				     .templates = "templates", .jobs = 1 };
	struct diag_list l = DIAG_LIST_INIT, failed = DIAG_LIST_INIT;
	site_build_checked(&opt, &l, &failed);
	char *text = diags_text(&failed);
	ck_assert_ptr_nonnull(strstr(text, "tests/cases/check/failing/README.md:12:1: error: "
				       "sls invoke stepf --name HelloMachine: execution FAILED in "
				       "state 'Greet': HelloBroke: the greeting service is down "
				       "[check/step]\n"));
	free(text);
	diag_list_release(&l);
	diag_list_release(&failed);
	buf_release(&out);
}
END_TEST

/* A course whose check passes: nothing. */
START_TEST(passing_check_lists_nothing)
{
	const char *course = copy_fixture("passing");
	edit(course, "part/01-first.md", "```bash\nexport STAGE=dev",
	     "Then [the API's step](saved-steps/02-second.yml):\n\n```bash\nexport STAGE=dev");
	char *text = failures(course, 2, 0);
	ck_assert_str_eq(text, "");
	free(text);
}
END_TEST

/* Runs sh command cmd; returns its exit status, its stderr in *err. */
static int run(const char *cmd, char **err)
{
	const char *errfile = tmp_file("stderr", "");
	struct buf c = BUF_INIT, text = BUF_INIT;
	buf_addf(&c, "%s 2>%s", cmd, errfile);
	int status = system(c.ptr);
	const char *why;
	ck_assert_int_eq(fileio_read(errfile, &text, &why), 0);
	*err = buf_detach(&text, NULL);
	buf_release(&c);
	return WEXITSTATUS(status);
}

/* The command: the failing case on stderr, exit 0; 1 with --strict. */
START_TEST(build_command_strict)
{
	const char *bin = getenv("STEPBOOK");
	if (!bin)
		return;
	setenv("LSAN_OPTIONS", "suppressions=tests/lsan.supp:print_suppressions=0:"
	       "fast_unwind_on_malloc=0", 1);
	char cmd[1400], out[700], *err;
	snprintf(out, sizeof(out), "%s-site", copy_fixture("cli"));
	snprintf(cmd, sizeof(cmd), "%s build %s -o %s --quiet", bin, FIXTURE, out);
	ck_assert_int_eq(run(cmd, &err), 0);
	ck_assert_str_eq(err, FIXTURE "/" PAGE2_FAILS "the check failed: 1 case "
			 "(`stepbook check " FIXTURE "` has the details)\n");
	free(err);
	snprintf(cmd, sizeof(cmd), "%s build %s -o %s --quiet --strict", bin, FIXTURE, out);
	ck_assert_int_eq(run(cmd, &err), 1);
	ck_assert_ptr_nonnull(strstr(err, PAGE2_FAILS));
	free(err);
	snprintf(cmd, sizeof(cmd), "%s build --help | grep -q -- '--strict'", bin);
	ck_assert_int_eq(run(cmd, &err), 0);
	free(err);
	/* a passing check: --strict changes nothing */
	const char *passing = copy_fixture("cli-passing");
	edit(passing, "part/01-first.md", "```bash\nexport STAGE=dev",
	     "Then [the API's step](saved-steps/02-second.yml):\n\n```bash\nexport STAGE=dev");
	snprintf(cmd, sizeof(cmd), "%s build %s -o %s-site --quiet --strict", bin,
		 passing, passing);
	ck_assert_int_eq(run(cmd, &err), 0);
	ck_assert_str_eq(err, "");
	free(err);
}
END_TEST

Suite *site_gate_suite(void)
{
	Suite *s = suite_create("site_gate");
	TCase *t = tcase_create("site_gate");
	tcase_set_timeout(t, 30);
	tcase_add_checked_fixture(t, NULL, remove_tmp);
	tcase_add_test(t, failing_case_listed);
	tcase_add_test(t, broken_next_says_why);
	tcase_add_test(t, passing_check_lists_nothing);
	tcase_add_test(t, thrown_error_listed);
	tcase_add_test(t, build_command_strict);
	suite_add_tcase(s, t);
	return s;
}
