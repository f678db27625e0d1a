/* check_cli_help.c - `stepbook COMMAND --help` and the man page read the
 * same options: every option a command's help names is in the command's
 * section of doc/stepbook.1 (".SS COMMAND", as roff writes it:
 * "\-\-out\-dir").  Needs $STEPBOOK (set by `make
 * check`); skips without it. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <check.h>

#include "buf.h"
#include "fileio.h"
#include "banned.h"

static const char *const commands[] = { "diagram", "validate", "run", "build",
					"serve", "check" };

/* The standard output of `stepbook COMMAND --help`; 0 or -1. */
static int help_text(const char *bin, const char *cmd, struct buf *out)
{
	struct buf line = BUF_INIT;
	char chunk[4096];
	size_t n;
	buf_addf(&line, "'%s' %s --help", bin, cmd);
	FILE *p = popen(line.ptr, "r");
	buf_release(&line);
	if (!p)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	int st = pclose(p);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Appends the option at s (its dashes, letters and inner dashes) in roff's
 * spelling, every '-' as "\-".  Returns its length in s. */
static size_t roff_option(const char *s, struct buf *out)
{
	size_t n = 0;
	while (s[n] == '-' || isalnum((unsigned char)s[n])) {
		if (s[n] == '-')
			buf_addc(out, '\\');
		buf_addc(out, s[n++]);
	}
	return n;
}

START_TEST(help_options_are_in_the_man_page)
{
	const char *cmd = commands[_i], *bin = getenv("STEPBOOK");
	if (!bin)
		return;
	struct buf help = BUF_INIT, man = BUF_INIT, opt = BUF_INIT;
	const char *why;
	ck_assert_msg(fileio_read("doc/stepbook.1", &man, &why) == 0, "%s", why);
	ck_assert_msg(help_text(bin, cmd, &help) == 0, "%s --help failed", cmd);
	buf_reset(&opt);
	buf_addf(&opt, "\n.SS %s\n", cmd);
	char *section = strstr(man.ptr, opt.ptr), *end;
	ck_assert_msg(section != NULL, "the man page has no section %s", cmd);
	section += opt.len;
	if ((end = strstr(section, "\n.SS ")) || (end = strstr(section, "\n.SH ")))
		*end = '\0';
	size_t found = 0;
	for (const char *s = help.ptr; *s; s++) {
		int starts = s == help.ptr || strchr(" [|,\n", s[-1]);
		if (!starts || s[0] != '-' ||
		    !isalpha((unsigned char)s[1 + (s[1] == '-')]))
			continue;
		buf_reset(&opt);
		s += roff_option(s, &opt) - 1;
		ck_assert_msg(strstr(section, opt.ptr) != NULL,
			      "'%s --help' names %s, its man page section does not",
			      cmd, opt.ptr);
		found++;
	}
	ck_assert_msg(found >= 3, "%s --help names only %zu options", cmd, found);
	buf_release(&help);
	buf_release(&man);
	buf_release(&opt);
}
END_TEST

Suite *cli_help_suite(void)
{
	Suite *s = suite_create("cli_help");
	TCase *t = tcase_create("cli_help");
	tcase_add_loop_test(t, help_options_are_in_the_man_page, 0,
			    (int)(sizeof(commands) / sizeof(*commands)));
	suite_add_tcase(s, t);
	return s;
}
