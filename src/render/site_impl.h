/* site_impl.h - shared by the files of the site module (site*.c). */
#ifndef STEPBOOK_SITE_IMPL_H
#define STEPBOOK_SITE_IMPL_H

#include <cJSON.h>

#include "asl.h"
#include "buf.h"
#include "course.h"
#include "diagram_run.h"
#include "diag.h"
#include "html.h"
#include "loader.h"
#include "markdown.h"
#include "search.h"
#include "site.h"
#include "snippet.h"
#include "strmap.h"
#include "tmpl.h"

/* How often a figure was shown on the page being rendered: a page that
 * shows it twice gets renamed ids the second time. */
struct figure_use {
	size_t page_serial;     /* site.page_serial of that page */
	unsigned count;
	unsigned run_figures;   /* example paths drawn: their ids' suffix */
};

/* A saved step a page links to: loaded once, drawn where pages show it and
 * given its own page. */
struct site_step {
	char *rel;              /* course path */
	char *out;              /* site path: rel + ".html" */
	size_t page;            /* the first page linking to it */
	struct buf text;        /* the file's bytes */
	struct loaded_file lf;
	int loaded;             /* loader_load succeeded */
	struct asl_machine **models; /* one per lf.machines */
	struct buf *figures;    /* one per machine, drawn on first use */
	struct figure_use *uses; /* one per machine: shown how often where */
	size_t index;           /* order of registration: diagram id prefix */
	size_t *jobs;           /* per machine: its pool job; SIZE_MAX: none */
	char **keys;            /* per machine: its definition as JSON, which
				   decides the figure (but for the ids) */
	struct diag_list diags; /* loading and modelling problems */
	size_t *users;          /* pages that link to it or draw it */
	size_t nr_users, alloc_users;
};

/* A file of a rebuild, written only when the whole rebuild succeeded. */
struct site_pending {
	char *rel;              /* owned: site path */
	struct buf data;
};

/* The sidebar of the pages of one folder (site_page.c's add_nav). */
struct site_nav {
	cJSON *items;           /* every page, linked from this folder */
	cJSON *current;         /* the "current" flag set, or NULL */
};

struct site {
	const struct site_options *opt;
	struct course course;
	const char *theme;      /* default theme folder */
	char *tmp;              /* the folder being built */
	struct buf made_dir;    /* the folder site_write_ made last */
	/* A page's HTML and a step page's content, reused from page to
	 * page: a fresh buffer per page grew into memory the process had to
	 * fault in (or copy, shared with the forked children) every time. */
	struct buf page_html, step_content;
	struct tmpl *layout;    /* page.html */
	char *layout_path;      /* owned: where the layout was read */
	struct strmap steps;    /* rel -> struct site_step * */
	struct strmap assets;   /* rel -> non-NULL once copied */
	struct search_index *search;
	struct diag_list *diags;
	struct site_pool *pool; /* workers drawing figures; NULL before pages */
	struct md_doc **docs;   /* per page: parsed, until its page is built */
	struct strmap navs;     /* folder -> its sidebar, struct site_nav */
	struct strmap figure_keys; /* definition JSON -> the first figure of
				   it: site_figure_ref_ (step k, machine i) */
	size_t steps_built;     /* steps[0..steps_built) have their page */
	size_t cur;             /* the page being rendered */
	size_t page_serial;     /* counts rendered pages, chapters and steps */
	struct strmap marks;    /* "PAGE\nLINE" -> enum html_check of the block
				   fenced there (site_check.c) */
	struct strmap runs;     /* "PAGE\nNAME" -> struct diagram_run * of the
				   page's example NAME */
	struct strmap panels;   /* "PAGE\nNAME" -> cJSON * the data flow of the
				   page's example NAME (site_panel.c), for
				   examples marked dataflow */
	struct site_blocks *blocks; /* the page being rendered: its fenced
				   blocks (site_block.c), or NULL */
	struct diag_list check_failed; /* one error per failing check case */
	int check_pid;          /* the process checking the course, or -1 */
	int check_fd;           /* its results (an unlinked file) */
	int status;
	int staging;            /* rebuilding: writes go to 'pending' */
	struct site_pending *pending;
	size_t nr_pending, alloc_pending;
};

/* site.c */
/* Returns owned, free with site_free_; opt is borrowed for its lifetime. */
struct site *site_new_(const struct site_options *opt, struct diag_list *diags);
void site_free_(struct site *s);
/* Loads the course and builds every page into a temporary folder swapped
 * over opt->out.  Returns 0 or -1 (located errors in s->diags). */
int site_full_build_(struct site *s);
/* Writes the staged files into opt->out, each atomically, and empties the
 * stage.  Returns 0 or -1. */
int site_commit_(struct site *s);
void site_drop_pending_(struct site *s);
int site_write_(struct site *s, const char *rel, const void *data, size_t len);
/* A file in the build folder for a forked process to hand bytes back in,
 * unlinked at once (nothing to clean up).  Returns its fd, or -1. */
int site_scratch_file_(const struct site *s, const char *name);
/* Course path of a theme file: course/theme/NAME if present, else the
 * default theme's.  Returns owned. */
char *site_theme_file_(const struct site *s, const char *name);

/* Copies course file rel into the site once (html_links.asset). */
void site_asset_(void *ctx, const char *rel);
/* Copies course file rel into the site again (it changed). */
void site_copy_asset_(struct site *s, const char *rel);

/* site_page.c: the layout's data for page 'cur' of the reading order
 * (step pages borrow their chapter's sidebar).  Returns owned cJSON. */
cJSON *site_page_data_(struct site *s, size_t cur, const char *out,
		       const char *title, const char *description);
void site_render_layout_(struct site *s, cJSON *data, const char *out);
int site_build_pages_(struct site *s);
int site_build_page_(struct site *s, size_t i);
int site_write_extras_(struct site *s);
void site_write_search_(struct site *s);
void site_write_sitemap_(struct site *s);

/* site_step.c */
const char *site_step_page_(void *ctx, const char *rel);
int site_step_diagram_(void *ctx, const char *rel, const char *machine,
		       const char *input, struct pos pos, struct buf *out);
/* Builds the pages of the steps registered so far by pages up to 'page'
 * (each once): called after each chapter page, so that step pages are
 * built while workers still draw, not after them. */
void site_build_steps_upto_(struct site *s, size_t page);
/* Adds step page k to the search index (built or not, it is there). */
void site_index_step_(struct site *s, size_t k);
/* Builds the step pages not built yet and indexes every step page. */
int site_build_steps_(struct site *s);
void site_build_step_(struct site *s, size_t k);
/* Reads step k again from the course (same index, page and users). */
void site_reload_step_(struct site *s, size_t k);
/* The step before k in its folder (what its diff compares with), or NULL. */
const struct site_step *site_previous_step_(const struct site *s, size_t k);
void site_step_free_(struct site_step *st);
/* Draws the figure of machine i of st into st->figures[i] (appends).
 * Returns 0, or -1 with an error in s->diags. */
int site_step_draw_(struct site *s, struct site_step *st, size_t i);
/* Identical machines (cumulative saved steps repeat them) are laid out
 * once: the first one with a definition is its figure's origin, the others
 * copy its bytes with their own id prefix.  Returns the origin of machine
 * i of step k (another step's machine), or 0 with *ok set when k/i is
 * itself the first (registering it). */
int site_figure_origin_(struct site *s, size_t k, size_t i, size_t *ok,
			size_t *oi);

/* site_check.c: `stepbook check` run on the course (marks, runs and
 * check_failed). */
void site_check_course_(struct site *s);
/* The same in a forked process (when s->opt->jobs allows), from when the
 * build folder exists; site_check_finish_ collects it (or checks here),
 * drawing the pool's figures while the child is still at work. */
void site_check_start_(struct site *s);
void site_check_finish_(struct site *s);
/* Waits for a child the build did not collect (a failed build's). */
void site_check_reap_(struct site *s);
void site_check_free_(struct site *s);
/* Checks the course again and calls changed(ctx, PAGE) for each page
 * whose marks or example runs are not what they were (maybe twice). */
void site_check_again_(struct site *s,
		       void (*changed)(void *ctx, const char *page), void *ctx);
/* html_links.checked for the page being rendered. */
enum html_check site_checked_(void *ctx, struct pos fence);
/* The run of example 'input' of the page being rendered, or NULL. */
struct diagram_run *site_example_run_(struct site *s, const char *input);

/* site_block.c: what follows a code block on a page. */
/* Reads the fenced blocks of page i (as `stepbook check` reads them) and
 * the examples md draws a path of; site_blocks_end_ frees them. */
void site_blocks_begin_(struct site *s, size_t i, struct md_doc *md);
void site_blocks_end_(struct site *s);
/* html_links.after_block: the diagram of a whole definition the block
 * fenced at 'fence' holds, whatever its label; the data-flow panels of an
 * example marked dataflow that no image of the page draws. */
void site_after_block_(void *ctx, struct pos fence, struct buf *out);
/* Is example NAME of the page being rendered marked dataflow? */
int site_example_dataflow_(const struct site *s, const char *input);

/* site_panel.c: the data-flow panels of an example. */
/* What run r did to the data, state by state: the record the panels are
 * drawn from (bounded: SITE_PANEL_MAX_VISITS, SITE_PANEL_MAX_VALUE).
 * Returns owned cJSON, or NULL when r recorded no inspection (its example
 * is not marked dataflow). */
cJSON *site_panel_record_(const struct exec_result *r);
/* The machine the record's execution ran (borrowed), or "". */
const char *site_panel_machine_(const cJSON *record);
/* Appends the panels of record (example NAME 'input'): a <details> per
 * state visited, its input and every stage in a definition list. */
void site_panel_html_(const cJSON *record, const char *input, struct buf *out);
/* The record of the page's example 'input', or NULL. */
const cJSON *site_example_panel_(struct site *s, const char *input);

/* site_pool.c: figures drawn on every core while pages are built. */
/* Lists the figures of every registered step and starts the workers
 * (s->opt->jobs processes in all, the parent included; 0: one per core).
 * Sets s->pool, free with site_pool_free_. */
void site_pool_start_(struct site *s);
/* Fills st->figures[i] with the pool's drawing (the parent may draw it,
 * and others, itself meanwhile).  Returns 0, or -1 when the caller must
 * draw it: not a pool figure, no workers, or a worker failed on it. */
int site_pool_take_(struct site *s, struct site_step *st, size_t i);
/* Draws the next figure nobody has taken, here: what the parent does while
 * it would wait for something else.  0, or -1 when none is left. */
int site_pool_draw_next_(struct site *s);
/* Waits for the workers (they take no new figure) and frees p.  NULL ok. */
void site_pool_free_(struct site_pool *p);

/* What a figure of an example's run adds: the path and the example. */
struct site_run_figure {
	struct diagram_highlight highlight;
	const char *input;      /* the example's NAME */
};

/* site_svg.c: a machine as an inline SVG figure (diagram.h), its states
 * in words as the text alternative; with run, the path an example took.
 * Returns 0, or -1 with an error in s->diags when Graphviz failed. */
int site_svg_figure_(struct site *s, const struct asl_machine *m,
		     const char *name, const char *id_prefix,
		     const struct site_run_figure *run, struct buf *out);
/* The figure of m (named name) made from fig, a figure of an identical
 * machine: its SVG, this machine's text alternative and caption (the ids
 * are fig's).  Returns 0, or -1 when fig holds no SVG. */
int site_svg_copy_(const struct asl_machine *m, const char *name,
		   const struct buf *fig, struct buf *out);

#endif
