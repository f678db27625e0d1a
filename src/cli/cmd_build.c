/* cmd_build.c - `stepbook build [COURSE] [-o DIR] [-j N] [--strict] [--quiet]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "report.h"
#include "site.h"
#include "banned.h"

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: stepbook build [COURSE] [-o DIR] [-j N] [--strict] [--quiet]\n\n"
		     "Builds the course folder COURSE (default course/ when it exists,\n"
		     "else .) into the static website DIR (default site/).  The old\n"
		     "site is replaced only when the build succeeds.  Diagrams are\n"
		     "drawn by N processes (default: one per core); the site is the\n"
		     "same.\n"
		     "Code blocks show what `stepbook check` made of them; an\n"
		     "image titled input=NAME is the path of the page's example NAME.\n"
		     "Each case the check failed is printed, located; the build\n"
		     "still succeeds (exit 0) unless --strict is given (exit 1).\n");
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
	struct site_options opt = { cmd_default_course(), "site", NULL, isatty(2), 0 };
	int seen_course = 0, strict = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout, EXIT_OK);
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc)
			opt.out = argv[++i];
		else if ((!strcmp(argv[i], "-j") || !strcmp(argv[i], "--jobs")) &&
			 i + 1 < argc) {
			if (jobs_arg(argv[++i], &opt.jobs))
				return usage(stderr, EXIT_USAGE);
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
			opt.progress = 0;
		else if (!strcmp(argv[i], "--strict"))
			strict = 1;
		else if (argv[i][0] != '-' && !seen_course++)
			opt.course = argv[i];
		else
			return usage(stderr, EXIT_USAGE);
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
