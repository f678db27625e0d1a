/* check_test_state.c - `stepbook test-state --request` against the TestState
 * API's documented behaviour.  Every tests/cases/test-state/NAME.json is a
 * request; NAME.response.json is the exact response printed (exit status
 * 0), or NAME.err the exact located error (exit status 1).  NAME.args, when
 * present, holds more arguments (one line, e.g. --mock-config FILE).  Cases
 * run in that folder, so messages name NAME.json.  Needs $STEPBOOK (set by
 * `make check`); UPDATE_GOLDEN=1 rewrites the expected files. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "buf.h"
#include "fileio.h"
#include "xalloc.h"
#include "banned.h"

#define TS_CASES_DIR "tests/cases/test-state"
#define MAX_TS_CASES 300

static char *ts_cases[MAX_TS_CASES]; /* NAME */
static int nr_ts_cases;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static void collect(void)
{
	DIR *d = opendir(TS_CASES_DIR);
	struct dirent *e;
	while (d && (e = readdir(d)) && nr_ts_cases < MAX_TS_CASES)
		if (ends_with(e->d_name, ".json") &&
		    !ends_with(e->d_name, ".response.json") &&
		    !ends_with(e->d_name, ".mocks.json"))
			ts_cases[nr_ts_cases++] = xstrndup(e->d_name,
							    strlen(e->d_name) - 5);
	if (d)
		closedir(d);
	qsort(ts_cases, (size_t)nr_ts_cases, sizeof(*ts_cases), by_name);
}

static char *read_text(const char *path)
{
	struct buf b = BUF_INIT;
	const char *why;
	if (fileio_read(path, &b, &why)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int run_shell(const char *cmd, struct buf *out)
{
	FILE *p = popen(cmd, "r");
	char chunk[4096];
	size_t n;
	ck_assert_ptr_nonnull(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(golden)
{
	const char *name = ts_cases[_i], *bin = getenv("STEPBOOK");
	if (!bin)
		return;
	char path[1024], root[800];
	ck_assert_ptr_nonnull(getcwd(root, sizeof(root)));
	snprintf(path, sizeof(path), "%s/%s.args", TS_CASES_DIR, name);
	char *args = read_text(path);
	if (args)
		args[strcspn(args, "\n")] = '\0';
	struct buf line = BUF_INIT, out = BUF_INIT;
	buf_addf(&line, "cd '%s/%s' && '%s' test-state --request '%s.json' %s 2>&1",
		 root, TS_CASES_DIR, bin, name, args ? args : "");
	int status = run_shell(line.ptr, &out);
	snprintf(path, sizeof(path), "%s/%s.response.json", TS_CASES_DIR, name);
	char *want = read_text(path);
	int want_status = 0;
	if (!want) {
		snprintf(path, sizeof(path), "%s/%s.err", TS_CASES_DIR, name);
		want = read_text(path);
		want_status = 1;
	}
	if (getenv("UPDATE_GOLDEN") && want) {
		fileio_write_atomic(path, out.ptr, out.len);
		free(want);
		want = read_text(path);
	}
	ck_assert_msg(want != NULL, "%s: no .response.json or .err", name);
	ck_assert_msg(status == want_status, "%s: exit %d, expected %d:\n%s", name,
		      status, want_status, out.ptr);
	ck_assert_msg(!strcmp(want, out.ptr), "%s: output differs:\n%s", name,
		      out.ptr);
	free(want);
	free(args);
	buf_release(&line);
	buf_release(&out);
}
END_TEST

Suite *test_state_suite(void)
{
	Suite *s = suite_create("test_state");
	TCase *tc = tcase_create("golden");
	collect();
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, golden, 0, nr_ts_cases);
	suite_add_tcase(s, tc);
	return s;
}
