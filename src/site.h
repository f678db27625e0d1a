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
};

/* Builds the site.  Returns 0, or -1 with located errors in diags (the
 * output folder untouched).  Warnings may be added either way. */
int site_build(const struct site_options *opt, struct diag_list *diags);

/* The default theme folder: $STEPBOOK_TEMPLATES, templates/ beside or
 * above the executable, or the installed share/stepbook/templates.
 * Returns a static string, or NULL when none has page.html. */
const char *site_default_templates(void);

#endif
