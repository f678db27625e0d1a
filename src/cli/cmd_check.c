/* cmd_check.c - `stepbook check [COURSE]`: the CI gate.
 * Exit status: 0 nothing failed, 1 something failed, 2 usage. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "gate.h"
#include "cmd.h"
#include "report.h"
#include "banned.h"

static const char usage_text[] =
	"usage: stepbook check [COURSE] [--config FILE] [--format text|json|github|junit]\n"
	"                      [--compact] [--update] [--verbose]\n"
	"  COURSE          the course folder (default: course/ when it exists, else .)\n"
	"  --config FILE   stage, region, account, api_keys and mocks\n"
	"                  (default: COURSE/stepbook.yml)\n"
	"  --format F      text (default), json, github annotations, junit XML\n"
	"  --compact       json on one line (jq -c) instead of indented by two spaces\n"
	"  --update        rewrite recorded outputs from the actual results\n"
	"  --verbose, -v   also list passed and skipped cases, with reasons\n"
	"Exit status: 0 nothing failed, 1 something failed, 2 usage.\n";

int cmd_check(int argc, char **argv)
{
	struct gate_options opt = { cmd_default_course(), NULL, 0, NULL, NULL };
	struct report_options ro = { REPORT_TEXT, 0, 0 };
	int verbose = 0;
	int have_root = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		else if (!strcmp(a, "--compact"))
			ro.compact = 1;
		else if (!strcmp(a, "--update"))
			opt.update = 1;
		else if (!strcmp(a, "--verbose") || !strcmp(a, "-v"))
			verbose = 1;
		else if (!strcmp(a, "--config") && i + 1 < argc)
			opt.config = argv[++i];
		else if (!strcmp(a, "--format") && i + 1 < argc) {
			if (report_format_parse(argv[++i], &ro.format))
				return cmd_usage("check", "--format is text, json, github or junit, "
					     "not '%s'", argv[i]);
		} else if (!strcmp(a, "--config") || !strcmp(a, "--format"))
			return cmd_usage("check", "%s needs a value", a);
		else if (a[0] == '-')
			return cmd_usage("check", "unknown option '%s'; 'stepbook check --help' "
				     "lists them", a);
		else if (have_root++)
			return cmd_usage("check", "one course at a time");
		else
			opt.root = a;
	}
	struct stat st;
	if (stat(opt.root, &st) || !S_ISDIR(st.st_mode))
		return cmd_usage("check", "not a course folder: '%s'", opt.root);
	size_t n = strlen(opt.root);
	char root[4096];
	if (n >= sizeof(root))
		return cmd_usage("check", "path too long");
	memcpy(root, opt.root, n + 1);
	while (n > 1 && root[n - 1] == '/')
		root[--n] = '\0';
	opt.root = root;
	struct gate_run run = GATE_RUN_INIT;
	int failed = gate_course(&run, &opt);
	report_check(stdout, &run, &ro, verbose);
	gate_run_release(&run);
	return failed ? EXIT_ERRORS : EXIT_OK;
}
