/* diag.h - diagnostics as data.
 * Loaders, the model builder and the validator never print and never stop on
 * bad input: they append a diagnostic {pos, severity, rule, message} and go on.
 * Printing them (gcc style, JSON, GitHub annotations) is report.h's job. */
#ifndef STEPBOOK_DIAG_H
#define STEPBOOK_DIAG_H

#include <stddef.h>

/* A place in a source file; line and col count from 1, 0 means unknown.
 * 'file' is borrowed: it lives as long as the document it came from. */
struct pos {
	const char *file;
	unsigned line;
	unsigned col;
};

enum severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };

struct diag {
	struct pos pos;    /* pos.file points at 'file' */
	char *file;        /* owned copy, so a diagnostic outlives its document */
	enum severity severity;
	const char *rule;  /* static string, e.g. "asl/next-missing"; may be NULL */
	char *message;     /* owned */
	char *pointer;     /* owned JSON pointer into the definition, or NULL */
};

struct diag_list {
	struct diag *items;
	size_t nr, alloc;
	size_t errors, warnings;
};

#define DIAG_LIST_INIT { NULL, 0, 0, 0, 0 }

void diag_list_release(struct diag_list *l);

/* Appends a diagnostic (the file name is copied).  Returns -1 for SEV_ERROR and
 * 0 otherwise, so a check can end with 'return diag_add(...)'. */
int diag_add(struct diag_list *l, struct pos pos, enum severity sev,
	     const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int diag_error(struct diag_list *l, struct pos pos, const char *rule,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Sets the JSON pointer of the last diagnostic added (copied). */
void diag_set_pointer(struct diag_list *l, const char *pointer);

/* Sorts by file, line, column (stable, so equal places keep their order). */
void diag_sort(struct diag_list *l);

const char *severity_name(enum severity sev);

#endif
