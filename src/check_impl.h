/* check_impl.h - what check.c (pages, snippets, links, saved steps) and
 * check_exec.c (running the steps) share.  Private to the check module. */
#ifndef STEPBOOK_CHECK_IMPL_H
#define STEPBOOK_CHECK_IMPL_H

#include "account.h"
#include "buf.h"
#include "check.h"
#include "doc.h"
#include "loader.h"
#include "snippet.h"
#include "steps.h"
#include "strmap.h"

struct check_ctx {
	const struct check_options *opt;
	struct check_run *run;
	struct doc *config;          /* owned; config->root may be NULL */
	struct account *account;     /* owned */
	struct loaded_file **files;  /* owned: deployed and linked saved steps */
	size_t nr_files, alloc_files;
	struct strmap loaded;        /* course-relative path -> loaded_file * */
	struct strmap env;           /* exported variables -> owned value */
	struct strmap aliases;       /* recorded volatile value -> owned actual */
};

/* One rewrite --update makes in a page. */
struct check_edit {
	size_t start, end;
	char *text; /* owned */
};

struct check_page {
	const char *rel;             /* course-relative path of the page */
	char *dir;                   /* owned: its folder, course-relative */
	struct snippet_page page;
	struct step_list steps;
	struct check_edit *edits;
	size_t nr_edits, alloc_edits;
};

/* Adds a case; message is formatted (NULL fmt: none).  Returns it. */
struct check_case *check_add_(struct check_run *run, enum check_kind kind,
			      enum check_status status, const char *name,
			      struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Resolves 'url' (without its #fragment) against the page folder 'dir',
 * lexically, into a course-relative path in out.  Returns 0, or -1 when
 * it would leave the course. */
int check_resolve_(const char *dir, const char *url, struct buf *out);

/* ROOT/rel into out. */
void check_path_(const struct check_ctx *c, const char *rel, struct buf *out);

/* The saved step at course-relative 'rel', loaded once (NULL when it does
 * not load; the failure is a case). */
struct loaded_file *check_saved_step_(struct check_ctx *c, const char *rel,
				      struct pos pos);

/* Runs the page's commands and compares recorded outputs. */
void check_exec_page_(struct check_ctx *c, struct check_page *p);

#endif
