/* cmd_validate.c - `stepbook validate`: lint the state machines of ASL,
 * Serverless and CloudFormation files, compiler style.  Options parsing and
 * exit status only; the rules are validate.h's, the printing report.h's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "diag.h"
#include "loader.h"
#include "report.h"
#include "validate.h"
#include "banned.h"

struct options {
	const char *machine; /* --machine NAME, or NULL for all */
	struct report_options report;
	int strict, quiet;
};

static void usage(FILE *out)
{
	fputs("usage: stepbook validate FILE... [--machine NAME] [--format text|json|github]\n"
	      "                         [--compact] [--strict] [--quiet]\n"
	      "       stepbook validate --list-rules\n\n"
	      "Checks every state machine of each FILE (ASL JSON/YAML, serverless.yml,\n"
	      "CloudFormation/SAM template) against the Amazon States Language.\n\n"
	      "  --machine NAME   only the machine with this name (key, logical id or name)\n"
	      "  --format FORMAT  text (default), json, or github (workflow annotations)\n"
	      "  --compact        json on one line (jq -c), not indented by two spaces\n"
	      "  --strict         warnings fail too (exit status 1)\n"
	      "  --quiet          print errors only, and no summary line\n"
	      "  --list-rules     print the rules: id, severity, summary (tab-separated)\n\n"
	      "Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage.\n",
	      out);
}

static void list_rules(void)
{
	for (size_t i = 0; i < validate_nr_rules; i++)
		printf("%s\t%s\t%s\n", validate_rules[i].id,
		       severity_name(validate_rules[i].severity), validate_rules[i].summary);
}

/* Parses options; files stay in argv (moved to the front).  Returns the
 * number of files, or -1 for a usage error, -2 when done (help, rules). */
static int parse_args(int argc, char **argv, struct options *o)
{
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return -2;
		} else if (!strcmp(a, "--list-rules")) {
			list_rules();
			return -2;
		} else if (!strcmp(a, "--strict")) {
			o->strict = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = 1;
		} else if (!strcmp(a, "--compact")) {
			o->report.compact = 1;
		} else if (!strcmp(a, "--machine") && i + 1 < argc) {
			o->machine = argv[++i];
		} else if (!strcmp(a, "--format") && i + 1 < argc) {
			if (report_format_parse(argv[++i], &o->report.format) ||
			    o->report.format == REPORT_JUNIT) {
				fprintf(stderr, "stepbook validate: --format is text, json or "
						"github, not '%s'\n", argv[i]);
				return -1;
			}
		} else if (!strcmp(a, "--machine") || !strcmp(a, "--format")) {
			fprintf(stderr, "stepbook validate: %s needs a value\n", a);
			return -1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "stepbook validate: unknown option '%s'; "
					"'stepbook validate --help' lists them\n", a);
			return -1;
		} else {
			argv[nfiles++] = argv[i];
		}
	}
	return nfiles;
}

/* Validates the machines of one file.  Returns how many were validated. */
static size_t validate_file(const char *path, const struct options *o,
			    struct diag_list *diags)
{
	struct loaded_file lf;
	size_t n = 0;
	loader_load(&lf, path, NULL, diags);
	for (size_t i = 0; i < lf.nr_machines; i++) {
		const struct loaded_machine *m = &lf.machines[i];
		if (o->machine && strcmp(o->machine, m->name) &&
		    (!m->deployed_name || strcmp(o->machine, m->deployed_name)))
			continue;
		validate_definition(m->definition, m->doc, diags);
		n++;
	}
	loader_release(&lf);
	return n;
}

/* Keeps only errors (and warnings under --strict). */
static void keep_failures(struct diag_list *l, int strict)
{
	size_t k = 0;
	for (size_t i = 0; i < l->nr; i++) {
		struct diag *d = &l->items[i];
		if (d->severity == SEV_ERROR || (strict && d->severity == SEV_WARNING)) {
			l->items[k++] = *d;
			continue;
		}
		free(d->file);
		free(d->message);
		free(d->pointer);
	}
	l->nr = k;
}

int cmd_validate(int argc, char **argv)
{
	struct options o = { NULL, { REPORT_TEXT, 0, 0 }, 0, 0 };
	int nfiles = parse_args(argc, argv, &o);
	if (nfiles == -2)
		return EXIT_OK;
	if (nfiles <= 0) {
		if (!nfiles)
			fputs("stepbook validate: no FILE to validate; "
			      "'stepbook validate --help' describes the options\n", stderr);
		return EXIT_USAGE;
	}
	struct diag_list diags = DIAG_LIST_INIT;
	size_t machines = 0;
	for (int i = 0; i < nfiles; i++)
		machines += validate_file(argv[i], &o, &diags);
	if (o.machine && !machines)
		diag_error(&diags, (struct pos){ argv[0], 0, 0 }, "load/no-machine",
			   "no state machine named '%s'", o.machine);
	size_t errors = diags.errors, warnings = diags.warnings;
	diag_sort(&diags);
	if (o.quiet)
		keep_failures(&diags, o.strict);
	o.report.show_source = o.report.format == REPORT_TEXT && isatty(STDOUT_FILENO);
	report_print(stdout, &diags, &o.report);
	/* the summary goes to stderr: when stdout is a pipe it must not
	 * overtake the diagnostics still in stdout's buffer */
	fflush(stdout);
	if (!o.quiet && o.report.format == REPORT_TEXT)
		fprintf(stderr, "%zu machine%s checked: %zu error%s, %zu warning%s\n",
			machines, machines == 1 ? "" : "s", errors, errors == 1 ? "" : "s",
			warnings, warnings == 1 ? "" : "s");
	diag_list_release(&diags);
	return errors || (o.strict && warnings) ? EXIT_ERRORS : EXIT_OK;
}
