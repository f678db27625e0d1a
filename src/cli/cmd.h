/* cmd.h - the commands of the stepbook program (cli layer).
 * Each takes its own argv (argv[0] is the command name), parses its options,
 * calls the library and returns the process exit status. */
#ifndef STEPBOOK_CMD_H
#define STEPBOOK_CMD_H

#include <stdio.h>

/* Exit statuses shared by every command. */
enum {
	EXIT_OK = 0,
	EXIT_ERRORS = 1, /* the input has errors, or a check failed */
	EXIT_USAGE = 2,  /* the command line is wrong */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* The course a command works on when none is named: course/ when that
 * folder exists (the repository root of a course project), else the current
 * folder.  build, serve and check agree on it.  Returns a static string. */
const char *cmd_default_course(void);

/* A wrong command line: "stepbook COMMAND: " and the message on one line
 * of stderr.  Returns EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
int cmd_usage(const char *command, const char *fmt, ...);

struct diag_list;
/* Prints the cases the check of 'course' failed (site_build_checked), one
 * located line each, and a closing count; nothing when there are none. */
void cmd_check_failed(FILE *out, const struct diag_list *failed, const char *course);

int cmd_build(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diagram(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_test_state(int argc, char **argv);
int cmd_validate(int argc, char **argv);

#endif
