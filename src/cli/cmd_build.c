/* cmd_build.c - `stepbook build [COURSE] [-o DIR] [-j N] [--strict] [--quiet]`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "report.h"
#include "site.h"
#include "banned.h"

/* A wrong command line: one line saying what is wrong. */
__attribute__((format(printf, 1, 2)))
static int bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stepbook build: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_USAGE;
}

static int usage(FILE *out, int status)
{
	fputs("usage: stepbook build [COURSE] [-o DIR] [-j N] [--strict] [--quiet]\n\n"
	      "Builds the course folder COURSE (default course/ when it exists,\n"
	      "else .) into a static website.  Code blocks show what `stepbook\n"
	      "check` made of them; an image titled input=NAME is the path of the\n"
	      "page's example NAME.  Each case the check failed is printed, located.\n\n"
	      "  -o, --out DIR   the website (default site/); the old one is replaced\n"
	      "                  only when the build succeeds\n"
	      "  -j, --jobs N    processes drawing diagrams, 1 to 64 (default: one per\n"
	      "                  core); the site is the same\n"
	      "  --strict        exit 1 when the check failed (the site is still built)\n"
	      "  -q, --quiet     no progress on standard error\n\n"
	      "Open DIR/index.html in a browser, or let `stepbook serve` build and\n"
	      "serve the course, rebuilt as files change.\n"
	      "Exit status: 0 built, 1 the course has errors (or, with --strict, a\n"
	      "failed check), 2 usage.\n", out);
	return status;
}

void cmd_check_failed(FILE *out, const struct diag_list *failed, const char *course)
{
	if (!failed->nr)
		return;
	struct report_options ro = { REPORT_TEXT, 0, 0 };
	report_print(out, failed, &ro);
	fprintf(out, "the check failed: %zu case%s (`stepbook check %s` has the details)\n",
		failed->nr, failed->nr == 1 ? "" : "s", course);
}

/* "1".."64" -> *jobs.  Returns 0, or -1 for anything else. */
static int jobs_arg(const char *s, int *jobs)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || end == s || n < 1 || n > 64)
		return -1;
	*jobs = (int)n;
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct site_options opt = { .course = cmd_default_course(), .out = "site",
				     .progress = isatty(2), .exiting = 1 };
	int seen_course = 0, strict = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int out = !strcmp(a, "-o") || !strcmp(a, "--out");
		int jobs = !strcmp(a, "-j") || !strcmp(a, "--jobs");
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return usage(stdout, EXIT_OK);
		if ((out || jobs) && i + 1 >= argc)
			return bad_usage("%s needs a value", a);
		if (out)
			opt.out = argv[++i];
		else if (jobs && jobs_arg(argv[++i], &opt.jobs))
			return bad_usage("%s is a number from 1 to 64, not '%s'", a, argv[i]);
		else if (jobs)
			continue;
		else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
			opt.progress = 0;
		else if (!strcmp(a, "--strict"))
			strict = 1;
		else if (a[0] == '-')
			return bad_usage("unknown option '%s'; 'stepbook build --help' "
					 "lists them", a);
		else if (seen_course++)
			return bad_usage("one course at a time");
		else
			opt.course = a;
	}
	struct diag_list diags = DIAG_LIST_INIT, failed = DIAG_LIST_INIT;
	int status = site_build_checked(&opt, &diags, &failed);
	diag_sort(&diags);
	struct report_options ro = { REPORT_TEXT, isatty(2), 0 };
	report_print(stderr, &diags, &ro);
	cmd_check_failed(stderr, &failed, opt.course);
	if (!status && opt.progress)
		fprintf(stderr, "built %s\n", opt.out);
	if (strict && failed.nr)
		status = -1;
	diag_list_release(&diags);
	diag_list_release(&failed);
	return status ? EXIT_ERRORS : EXIT_OK;
}
