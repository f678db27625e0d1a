/* site.h - `stepbook build`: a course folder in, a static website out.
 * The site is written into a fresh temporary folder beside the output and
 * renamed over it only when every page built: a failed build leaves the
 * previous site as it was.  The same course gives the same bytes (no dates,
 * output in reading order).  Layout: one .html per page (README.md ->
 * index.html), one per linked saved step (FILE.html beside the step),
 * the theme's files, search-index.js, 404.html and sitemap.xml.
 * Not here: parsing pages (markdown.h), one page's HTML (html.h). */
#ifndef STEPBOOK_SITE_H
#define STEPBOOK_SITE_H

#include "diag.h"

struct site_options {
	const char *course;    /* the course folder */
	const char *out;       /* the site folder, replaced on success */
	const char *templates; /* the default theme folder; NULL: look for it */
	int progress;          /* a progress line on stderr (a TTY) */
	int jobs;              /* processes drawing diagrams, this one
				  included; 0: one per core */
	int exiting;           /* the process exits after this build:
				  its memory is left to exit to reclaim
				  (unless XALLOC_FREE_AT_EXIT) */
};

/* Builds the site.  Returns 0, or -1 with located errors in diags (the
 * output folder untouched).  Warnings may be added either way. */
int site_build(const struct site_options *opt, struct diag_list *diags);
/* The same; the cases the course's check failed are appended to failed
 * (even when the build failed: they may say why), one error each, in the
 * check's order: at the case ("NAME: WHY"), or at the first located error
 * of a case that has no place of its own ("WHY: ERROR"), rule check/KIND.
 * They mark the pages but do not fail the build. */
int site_build_checked(const struct site_options *opt, struct diag_list *diags,
		       struct diag_list *failed);

/* ---- rebuilding what changed (`stepbook serve`) ------------------------- */

/* A built site kept in memory (course, layout, loaded steps and their
 * figures, search entries) so that a changed file rebuilds only the pages
 * that show it.  Opaque. */
struct site_session;

/* Returns owned, free with site_session_free.  Copies opt; its strings are
 * borrowed for the session's lifetime.  Builds nothing yet. */
struct site_session *site_session_new(const struct site_options *opt);
void site_session_free(struct site_session *ss);

/* What a rebuild did. */
struct site_rebuild {
	size_t written; /* site files rewritten */
	int full;       /* everything was rebuilt */
};

/* Brings opt->out up to date after the files 'paths' (as found under
 * opt->course and the theme folder, e.g. "course/part/01.md") changed,
 * appeared or disappeared; n == 0 with no site yet builds everything.
 * Rules: a changed page rebuilds that page, search-index.js and, when the
 * reading order or a title in it changed, every page; a changed saved step
 * its step page, the next step's page (its diff) and the pages that link
 * to it or draw it; a linked file is copied again; stepbook.yml,
 * SUMMARY.md, course/theme/ or the default theme rebuild everything; other
 * files are ignored.  Returns 0, or -1 with located errors in diags: then
 * nothing was written (the last good site stays) and the paths are tried
 * again with the next call. */
int site_rebuild_paths(struct site_session *ss, const char *const *paths,
		       size_t n, struct diag_list *diags, struct site_rebuild *r);

/* The failing cases of the last check of the session's site (see
 * site_build_checked): the last good build's, or the last rebuild's.
 * Borrowed until the next site_rebuild_paths; empty before any build. */
const struct diag_list *site_session_check_failed(const struct site_session *ss);

/* The default theme folder: $STEPBOOK_TEMPLATES, templates/ beside or
 * above the executable, or the installed share/stepbook/templates.
 * Returns a static string, or NULL when none has page.html. */
const char *site_default_templates(void);

#endif
