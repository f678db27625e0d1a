/* gate.h - `stepbook check`, the CI gate for a course.  (Named gate, not
 * check, because <check.h> is the unit-test framework's header and src/ is
 * on the include path.)
 * For every page, in the course's order: each fenced json/yaml block parses
 * (errors located in the page) and ASL blocks model; each link and image
 * resolves inside the course (anchors by GitHub's slug rules); each saved
 * step loads; each command the page asks the reader to run is executed in
 * one simulated account (account.h) and its result compared with the
 * recorded output that follows it (jsoncmp.h).  The result is a list of
 * cases (pass / fail / skip) that report.h prints as text, JSON, GitHub
 * annotations or JUnit.  --update rewrites recorded outputs in place.
 * Not here: parsing pages (snippet.h, steps.h), printing (report.h). */
#ifndef STEPBOOK_GATE_H
#define STEPBOOK_GATE_H

#include <stddef.h>

#include <cJSON.h>

#include "diag.h"
#include "exec.h"

/* Pages in one course: bounds the work a SUMMARY.md can ask for. */
#define GATE_MAX_PAGES 1000

enum gate_kind { GATE_SNIPPET, GATE_LINK, GATE_SAVED_STEP, GATE_STEP };
enum gate_status { GATE_PASS, GATE_FAIL, GATE_SKIP };

struct gate_case {
	enum gate_kind kind;
	enum gate_status status;
	char *name;     /* owned: "sls invoke stepf --name M", "json block"... */
	char *file;     /* owned: the page (or saved step) */
	struct pos pos; /* pos.file points at file */
	char *message;  /* owned: why it failed or was skipped, or NULL */
	char *diff;     /* owned unified diff (expected vs actual), or NULL */
	char *detail;   /* owned, or NULL: what --verbose adds to a failure
			   (a failed execution's path, its failing state's input) */
	struct diag_list diags; /* located errors behind a failure */
	/* The lines, in file, of the opening fences of the code block the case
	 * is about and of the recorded output it was held against (0: none):
	 * where the site shows the result. */
	unsigned block_line, output_line;
};

struct gate_run {
	struct gate_case *cases;
	size_t nr, alloc;
	size_t passed, failed, skipped;
	struct diag_list notes; /* warnings that are not cases (annotations) */
	size_t updated;         /* recorded outputs rewritten by --update */
};

#define GATE_RUN_INIT { NULL, 0, 0, 0, 0, 0, DIAG_LIST_INIT, 0 }

/* An execution of a hand-written example (a block marked input=NAME):
 * what the site draws as the example's path. */
struct gate_example {
	const char *page;   /* the page's course-relative path */
	const char *input;  /* NAME */
	const struct exec_result *result; /* borrowed for the call */
};

struct gate_options {
	const char *root;   /* the course folder; nothing outside it is read */
	const char *config; /* stepbook.yml-style file; NULL: ROOT/stepbook.yml */
	int update;         /* rewrite recorded outputs from actual results */
	/* Called after each example ran (NULL: not called). */
	void (*on_example)(void *ctx, const struct gate_example *ex);
	void *ctx;
};

/* Checks the course at opt->root: its pages in SUMMARY.md order, or every
 * *.md under it (sorted) when there is no SUMMARY.md.  Returns 0 when no
 * case failed, 1 otherwise; the cases are in run (release with
 * gate_run_release). */
int gate_course(struct gate_run *run, const struct gate_options *opt);
void gate_run_release(struct gate_run *run);

const char *gate_status_name(enum gate_status s);
const char *gate_kind_name(enum gate_kind k);

#endif
