/* cmd_build.c - `stepbook build [COURSE] [-o DIR] [-j N] [--quiet]`. */
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
	fprintf(out, "usage: stepbook build [COURSE] [-o DIR] [-j N] [--quiet]\n\n"
		     "Builds the course folder COURSE (default course/ when it exists, else .) into the\n"
		     "static website DIR (default site/).  The old site is replaced\n"
		     "only when the build succeeds.  Diagrams are drawn by N\n"
		     "processes (default: one per core); the site is the same.\n"
		     "Code blocks show what `stepbook check` made of them; an\n"
		     "image titled input=NAME is the path of the page's example NAME.\n");
	return status;
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
	int seen_course = 0;
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
		else if (argv[i][0] != '-' && !seen_course++)
			opt.course = argv[i];
		else
			return usage(stderr, EXIT_USAGE);
	}
	struct diag_list diags = DIAG_LIST_INIT;
	int status = site_build(&opt, &diags);
	diag_sort(&diags);
	struct report_options ro = { REPORT_TEXT, isatty(2), 0 };
	report_print(stderr, &diags, &ro);
	if (!status && opt.progress)
		fprintf(stderr, "built %s\n", opt.out);
	diag_list_release(&diags);
	return status ? EXIT_ERRORS : EXIT_OK;
}
