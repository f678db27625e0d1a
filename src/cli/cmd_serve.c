/* cmd_serve.c - `stepbook serve [COURSE] [--port N] [-o DIR] [--quiet]`:
 * builds, serves on 127.0.0.1, polls for changes until Ctrl-C. */
#define _XOPEN_SOURCE 700
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "report.h"
#include "serve.h"
#include "banned.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: stepbook serve [COURSE] [--port N] [-o DIR] [--quiet]\n\n"
		     "Builds the course folder COURSE (default course/ when it\n"
		     "exists, else .) and serves it\n"
		     "on http://127.0.0.1:N/ (default %d; 0 picks a free port).  When a\n"
		     "file of the course or the theme changes, the pages it touches are\n"
		     "rebuilt and open pages reload.  The site is built in a private\n"
		     "temporary folder, or in DIR with -o.  Each build prints the\n"
		     "cases `stepbook check` failed, and open pages show them over\n"
		     "the page.  Ctrl-C stops.\n\n"
		     "  -p, --port N    the port (default %d; 0 picks a free one)\n"
		     "  -o, --out DIR   build in DIR instead of a temporary folder\n"
		     "  -q, --quiet     no line per rebuild\n",
		 SERVE_DEFAULT_PORT, SERVE_DEFAULT_PORT);
	return status;
}

static int parse_port(const char *s, unsigned *port)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (!*s || *end || n < 0 || n > 65535)
		return -1;
	*port = (unsigned)n;
	return 0;
}

/* A wrong command line: one line saying what is wrong.  Returns -1. */
__attribute__((format(printf, 1, 2)))
static int bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stepbook serve: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

static int parse(int argc, char **argv, struct serve_options *opt, int *quiet)
{
	int seen_course = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int out = !strcmp(a, "-o") || !strcmp(a, "--out");
		int port = !strcmp(a, "--port") || !strcmp(a, "-p");
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if ((out || port) && i + 1 >= argc)
			return bad_usage("%s needs a value", a);
		if (out)
			opt->out = argv[++i];
		else if (port && parse_port(argv[++i], &opt->port))
			return bad_usage("%s is a number from 0 to 65535, not '%s'", a, argv[i]);
		else if (port)
			continue;
		else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
			*quiet = 1;
		else if (a[0] == '-')
			return bad_usage("unknown option '%s'; 'stepbook serve --help' "
					 "lists them", a);
		else if (seen_course++)
			return bad_usage("one course at a time");
		else
			opt->course = a;
	}
	return 0;
}

static void report(const struct diag_list *diags)
{
	struct diag_list sorted = *diags;
	diag_sort(&sorted);
	struct report_options ro = { REPORT_TEXT, isatty(2), 0 };
	report_print(stderr, &sorted, &ro);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void poll_once(struct serve *sv, const char *course, int quiet)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct site_rebuild r;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int status = serve_poll(sv, &diags, &r);
	if (status)
		report(&diags);
	if (status > 0)
		cmd_check_failed(stderr, serve_check_failed(sv), course);
	if (status > 0 && !quiet)
		fprintf(stderr, "rebuilt %s%zu file%s in %.1f ms\n", r.full ? "everything, " : "",
			r.written, r.written == 1 ? "" : "s", ms_since(&t0));
	else if (status < 0)
		fprintf(stderr, "the build failed: still serving the last good site\n");
	diag_list_release(&diags);
}

static void loop(struct serve *sv, const char *course, int quiet)
{
	struct timespec nap = { 0, SERVE_POLL_MS * 1000000L };
	while (!stop) {
		nanosleep(&nap, NULL);
		if (!stop)
			poll_once(sv, course, quiet);
	}
}

int cmd_serve(int argc, char **argv)
{
	struct serve_options opt = { cmd_default_course(), NULL, NULL, SERVE_DEFAULT_PORT };
	int quiet = 0, p = parse(argc, argv, &opt, &quiet);
	if (p)
		return p > 0 ? usage(stdout, EXIT_OK) : EXIT_USAGE;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct diag_list diags = DIAG_LIST_INIT;
	struct serve *sv = serve_new(&opt, &diags);
	report(&diags);
	diag_list_release(&diags);
	if (!sv)
		return EXIT_ERRORS;
	cmd_check_failed(stderr, serve_check_failed(sv), opt.course);
	printf("serving %s on http://127.0.0.1:%u/ (Ctrl-C stops)\n", opt.course,
	       serve_port(sv));
	fflush(stdout);
	loop(sv, opt.course, quiet);
	serve_free(sv);
	if (!quiet)
		fprintf(stderr, "stopped\n");
	return EXIT_OK;
}
