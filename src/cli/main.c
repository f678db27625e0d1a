/* main.c - the stepbook command: global options and the command table.
 * Each command lives in cmd_*.c and returns an exit status; this is the only
 * file that exits.  Exit statuses: 0 success, 1 the input has errors (or a
 * check failed), 2 usage error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "jsonmem.h"
#include "banned.h"

static const struct command commands[] = {
	{ "build", cmd_build, "build the course website (static HTML)" },
	{ "check", cmd_check, "check a course: snippets, links, saved steps, recorded runs" },
	{ "diagram", cmd_diagram, "draw state machine diagrams (SVG, DOT, PNG)" },
	{ "eval", cmd_eval, "evaluate a JSONata (or JSONPath) expression against JSON" },
	{ "run", cmd_run, "execute a state machine offline, with mocks" },
	{ "serve", cmd_serve, "serve the course website, rebuilt as files change" },
	{ "test-state", cmd_test_state, "run one state as the TestState API does, offline" },
	{ "validate", cmd_validate, "check state machines against the States Language" },
};

int cmd_usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "stepbook %s: ", command);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_USAGE;
}

const char *cmd_default_course(void)
{
	struct stat st;
	return !stat("course", &st) && S_ISDIR(st.st_mode) ? "course" : ".";
}

static void usage(FILE *out)
{
	fprintf(out, "usage: stepbook [--version] [--help] COMMAND [ARGS]\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'stepbook COMMAND --help' describes a command.\n"
		     "Exit status: 0 success, 1 errors in the input, 2 usage.\n");
}

int main(int argc, char **argv)
{
	jsonmem_install();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("stepbook %s\n", STEPBOOK_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "stepbook: unknown command '%s'; 'stepbook --help' "
			"lists them\n", argv[1]);
	return 2;
}
