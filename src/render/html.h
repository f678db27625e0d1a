/* html.h - one course page as HTML: the markdown tree rendered with heading
 * anchors (GitHub-compatible slugs), highlighted code blocks with a copy
 * button, links checked and rewritten (.md -> .html, saved steps -> their
 * generated page, other course files copied) and image links to a
 * definition replaced by the inline SVG diagram.  Also collects the "on
 * this page" list and the sections the search index needs.
 * Not here: the layout around the page (tmpl.h), the site (site.h). */
#ifndef STEPBOOK_HTML_H
#define STEPBOOK_HTML_H

#include <stddef.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "markdown.h"

/* What `stepbook check` made of a code block, shown on it. */
enum html_check { HTML_UNCHECKED, HTML_CHECK_PASSED, HTML_CHECK_FAILED,
		  HTML_CHECK_SKIPPED };

/* What the site does with the files a page links to (site.c). */
struct html_links {
	void *ctx;
	/* The site page of a saved step at course path 'rel', registering
	 * it; NULL when rel is not a saved step.  Borrowed. */
	const char *(*step_page)(void *ctx, const char *rel);
	/* Appends the inline SVG figure(s) of the machine(s) in step 'rel'
	 * ('machine' NULL: every machine); with 'input' (an image titled
	 * "input=NAME"), the path the page's example NAME took.  Returns 0,
	 * or -1 (a located error added) when no such machine or run exists. */
	int (*diagram)(void *ctx, const char *rel, const char *machine,
		       const char *input, struct pos pos, struct buf *out);
	/* Copies course file 'rel' into the site as is. */
	void (*asset)(void *ctx, const char *rel);
	/* The check result of the code block fenced at 'fence' (NULL: none). */
	enum html_check (*checked)(void *ctx, struct pos fence);
	/* Appends what follows the code block fenced at 'fence' (a diagram
	 * of the definition it holds, an example's panels); NULL: nothing. */
	void (*after_block)(void *ctx, struct pos fence, struct buf *out);
};

struct html_heading {
	int level;
	char *id;    /* owned */
	char *text;  /* owned */
};

struct html_section {
	char *id;    /* owned; "" for the text before the first heading */
	char *title; /* owned */
	struct buf text; /* its prose */
	struct buf code; /* its code blocks, one line per line */
};

struct html_page {
	struct buf body;            /* the page content */
	char *title;                /* owned: the first h1, or NULL */
	char *description;          /* owned: the first paragraph, shortened */
	struct html_heading *toc;   /* h2 and h3, for "on this page" */
	size_t nr_toc, alloc_toc;
	struct html_section *sections; /* for search */
	size_t nr_sections, alloc_sections;
};

/* Renders md, a page at course path 'src' whose site path is 'out'.
 * Returns 0, or -1 when a link leaves the course (a located error; the
 * link is never followed).  Missing link targets are warnings.  Release
 * with html_page_release whatever it returned. */
int html_render(struct md_doc *md, const struct course *c, const char *src,
		const char *out, const struct html_links *links,
		struct html_page *page, struct diag_list *diags);
void html_page_release(struct html_page *page);

/* Appends the GitHub slug of a heading: lower case, spaces to '-', other
 * punctuation dropped (letters beyond ASCII kept). */
void html_slug(const char *text, struct buf *out);
/* The NAME of an image titled "input=NAME" (a word of the title: the
 * example whose path the image shows), or NULL.  Returns owned. */
char *html_title_input(const char *title);

/* Appends the relative URL from site page 'from' to site path 'to'. */
void html_relative(const char *from, const char *to, struct buf *out);

/* Appends a highlighted code block with its copy button and, unless
 * HTML_UNCHECKED, the mark of its check. */
void html_code_block(const char *info, const char *code, size_t len,
		     enum html_check check, struct buf *out);

#endif
