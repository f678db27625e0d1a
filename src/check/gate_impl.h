/* gate_impl.h - what gate.c (pages, snippets, links, saved steps) and
 * gate_exec.c (running the steps) share.  Private to the check module. */
#ifndef STEPBOOK_GATE_IMPL_H
#define STEPBOOK_GATE_IMPL_H

#include "account.h"
#include "buf.h"
#include "gate.h"
#include "doc.h"
#include "fileio.h"
#include "loader.h"
#include "snippet.h"
#include "steps.h"
#include "strmap.h"

/* A file the check loaded, with its machines built and validated once:
 * deploying lends them to the account. */
struct gate_file {
	struct loaded_file *lf;      /* owned */
	struct asl_machine **models; /* owned, one per machine of lf; NULL
					when it does not validate */
};

struct gate_ctx {
	const struct gate_options *opt;
	struct gate_run *run;
	struct doc *config;          /* owned; config->root may be NULL */
	struct account *account;     /* owned */
	struct gate_file *files;     /* owned: deployed and linked saved steps */
	size_t nr_files, alloc_files;
	struct strmap loaded;        /* course-relative path -> loaded_file * */
	struct strmap step_dirs;     /* saved-steps folders checked (no value) */
	struct strmap raw_steps;     /* course-relative path -> owned doc of the
					saved step as written, or NULL */
	char *real_root;             /* owned: the root, symbolic links resolved;
					NULL when it cannot be */
	struct fileio_realdirs *real_dirs; /* owned: the folders paths met */
	struct strmap env;           /* exported variables -> owned value */
	struct strmap aliases;       /* recorded volatile value -> owned actual */
	char *last_machine;          /* owned: the machine a command ran last */
	const struct loaded_file *last_deployed; /* borrowed from files */
};

/* One rewrite --update makes in a page. */
struct gate_edit {
	size_t start, end;
	char *text; /* owned */
};

/* A saved step the page links or deploys, and the line where it does. */
struct gate_use {
	char *rel; /* owned, course-relative */
	unsigned line;
};

struct gate_page {
	const char *rel;             /* course-relative path of the page */
	char *dir;                   /* owned: its folder, course-relative */
	struct snippet_page page;
	struct step_list steps;
	/* owned, one per snippet: what a block under another label than json
	 * or yaml holds (gate.c's enum sniffed; 0: nothing we check) */
	unsigned char *as_data;
	size_t *block_case;          /* owned, one per snippet: the index of its
					case in run->cases, or SIZE_MAX */
	struct gate_use *uses;
	size_t nr_uses, alloc_uses;
	struct gate_edit *edits;
	size_t nr_edits, alloc_edits;
};

/* Adds a case; message is formatted (NULL fmt: none).  Returns it. */
struct gate_case *gate_add_(struct gate_run *run, enum gate_kind kind,
			      enum gate_status status, const char *name,
			      struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Resolves 'url' (without its #fragment) against the page folder 'dir',
 * lexically, into a course-relative path in out.  Returns 0, or -1 when
 * it would leave the course. */
int gate_resolve_(const char *dir, const char *url, struct buf *out);

/* ROOT/rel into out.  Returns 0, or -1 when a symbolic link on the way
 * takes it out of the course folder (nothing there may be read). */
int gate_path_(const struct gate_ctx *c, const char *rel, struct buf *out);

/* The saved step at course-relative 'rel', loaded once (NULL when it does
 * not load; the failure is a case). */
struct loaded_file *gate_saved_step_(struct gate_ctx *c, const char *rel);
/* Builds and validates lf's machines (errors in diags); owned models, one
 * per machine, or NULL when lf has none. */
struct asl_machine **gate_build_models_(const struct loaded_file *lf,
					struct diag_list *diags);
/* Frees what gate_build_models_ returned for lf. */
void gate_free_models_(struct asl_machine **models, const struct loaded_file *lf);
/* The models of a file the check loaded (for account_deploy), or NULL. */
struct asl_machine *const *gate_models_(const struct gate_ctx *c,
					const struct loaded_file *lf);

/* Records that the page uses the saved step rel (links or deploys it) at
 * 'line'. */
void gate_use_step_(struct gate_page *p, const char *rel, unsigned line);

/* Excerpt drift: when the parsed block s (its doc fd) is recognisably an
 * excerpt of a saved step the page uses, returns the saved step's
 * course-relative path (borrowed from p) and appends one located error per
 * difference to out (none when it matches); NULL otherwise. */
const char *gate_excerpt_(struct gate_ctx *c, const struct gate_page *p,
			  const struct snippet *s, const struct doc *fd,
			  struct diag_list *out);

/* Is block i of the page checked as JSON or YAML (by its label, or by what
 * it holds)?  Its format in *f. */
int gate_block_format_(const struct gate_page *p, size_t i, enum doc_format *f);

/* Does block s, read as f, hold a whole definition (StartAt and States)? */
int gate_is_definition_(const struct snippet *s, enum doc_format f);

/* Runs the page's commands and compares recorded outputs. */
void gate_exec_page_(struct gate_ctx *c, struct gate_page *p);

#endif
