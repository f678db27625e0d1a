/* check_cli_run.c - `stepbook run` as a user runs it, against golden files.
 * Every tests/cases/run/DIR/NAME.cmd is one case: its first line is the
 * expected exit status, its second the arguments after `stepbook` (run by
 * sh in DIR, with $OUT a fresh temporary folder); NAME.out is the exact
 * standard output and error.  NAME.svg, when present, lists strings (one a line) that
 * $OUT/run.svg must contain: the --diagram of the run.  Needs $STEPBOOK
 * (set by `make check`); skips without it.  UPDATE_GOLDEN=1 rewrites the
 * .out files instead of comparing.  cli/ holds the command line itself, of
 * run and its siblings (validate, check, diagram): usage errors in one line,
 * --compact, --help, the order of a summary when the output is piped. */
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

#define RUN_CASES_DIR "tests/cases/run"
#define MAX_RUN_CASES 200

static char *run_cases[MAX_RUN_CASES]; /* "DIR/NAME" */
static int nr_run_cases;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_dir(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", RUN_CASES_DIR, dir);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)) && nr_run_cases < MAX_RUN_CASES) {
		size_t n = strlen(e->d_name);
		if (n <= 4 || strcmp(e->d_name + n - 4, ".cmd"))
			continue;
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s/%.*s", dir, (int)(n - 4), e->d_name);
		run_cases[nr_run_cases++] = buf_detach(&b, NULL);
	}
	if (d)
		closedir(d);
}

static void collect_run_cases(void)
{
	DIR *d = opendir(RUN_CASES_DIR);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			collect_dir(e->d_name);
	if (d)
		closedir(d);
	qsort(run_cases, (size_t)nr_run_cases, sizeof(*run_cases), by_name);
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

/* Runs the command line; returns the exit status, stdout in *out. */
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

static void check_svg(const char *name, const char *want_path,
		      const char *svg_path)
{
	char *want = read_text(want_path), *svg = read_text(svg_path);
	if (!want)
		return;
	ck_assert_msg(svg != NULL, "%s: no diagram written", name);
	for (char *line = want, *end; *line; line = end) {
		end = line + strcspn(line, "\n");
		if (*end)
			*end++ = '\0';
		if (*line)
			ck_assert_msg(strstr(svg, line) != NULL,
				      "%s: the diagram lacks '%s'", name, line);
	}
	free(want);
	free(svg);
}

START_TEST(golden)
{
	const char *name = run_cases[_i], *bin = getenv("STEPBOOK");
	if (!bin)
		return; /* not under `make check`: no binary to run */
	char path[1024], out_dir[] = "/tmp/stepbook-run-XXXXXX";
	snprintf(path, sizeof(path), "%s/%s.cmd", RUN_CASES_DIR, name);
	char *cmd = read_text(path);
	ck_assert_msg(cmd && strchr(cmd, '\n'), "%s: no .cmd", name);
	int want_status = atoi(cmd);
	char *args = strchr(cmd, '\n') + 1;
	args[strcspn(args, "\n")] = '\0';
	ck_assert_ptr_nonnull(mkdtemp(out_dir));
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", name);
	*strrchr(dir, '/') = '\0';
	struct buf line = BUF_INIT, out = BUF_INIT;
	/* Under SANITIZE=1 the binary leaks what Graphviz keeps on purpose:
	 * the suppressions check_diagram.c gives the suite, by absolute path
	 * since the case runs in its own folder. */
	char root[800];
	ck_assert_ptr_nonnull(getcwd(root, sizeof(root)));
	buf_addf(&line, "OUT='%s'; export OUT; LSAN_OPTIONS='suppressions=%s/"
		 "tests/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0'; "
		 "export LSAN_OPTIONS; cd '%s/%s' && '%s' %s 2>&1",
		 out_dir, root, RUN_CASES_DIR, dir, bin, args);
	int status = run_shell(line.ptr, &out);
	snprintf(path, sizeof(path), "%s/%s.out", RUN_CASES_DIR, name);
	if (getenv("UPDATE_GOLDEN"))
		fileio_write_atomic(path, out.ptr, out.len);
	char *want = read_text(path);
	ck_assert_msg(want != NULL, "%s: no .out", name);
	ck_assert_msg(status == want_status, "%s: exit %d, expected %d", name,
		      status, want_status);
	ck_assert_msg(!strcmp(want, out.ptr), "%s: output differs:\n%s", name,
		      out.ptr);
	snprintf(path, sizeof(path), "%s/%s.svg", RUN_CASES_DIR, name);
	char svg[600];
	snprintf(svg, sizeof(svg), "%s/run.svg", out_dir);
	check_svg(name, path, svg);
	buf_reset(&line);
	buf_addf(&line, "rm -rf '%s'", out_dir);
	ck_assert_int_eq(system(line.ptr), 0);
	free(want);
	free(cmd);
	buf_release(&line);
	buf_release(&out);
}
END_TEST

Suite *cli_run_suite(void)
{
	Suite *s = suite_create("cli_run");
	TCase *tc = tcase_create("golden");
	collect_run_cases();
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, golden, 0, nr_run_cases);
	suite_add_tcase(s, tc);
	return s;
}
