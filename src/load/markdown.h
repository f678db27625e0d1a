/* markdown.h - a course page as a tree (cmark-gfm with the GFM extensions).
 * The only module that sees cmark: it parses, lists the nodes later stages
 * care about (headings, links, images, code blocks, text blocks) as plain
 * items in document order, lets them rewrite a link or swap a node for HTML
 * they made, and renders the rest with cmark-gfm's own HTML renderer.
 * The `check` command reads fenced code blocks from the same items.
 * Raw HTML written by the author is turned into text (so it shows escaped)
 * unless the course opts in with allow_html.
 * Not here: what a link points at (html.h), highlighting (highlight.h). */
#ifndef STEPBOOK_MARKDOWN_H
#define STEPBOOK_MARKDOWN_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* Items one page may hold: far above any chapter, and it bounds the item
 * array a hostile page can make us build. */
#define MARKDOWN_MAX_ITEMS 200000

enum md_kind {
	MD_HEADING, /* level, text (plain) */
	MD_LINK,    /* url, text */
	MD_IMAGE,   /* url, text (alt), alone: the only thing in its paragraph */
	MD_CODE,    /* info (fence info string), text (literal) */
	MD_TEXT,    /* text: the plain text of a top-level block, for search */
};

struct md_item {
	enum md_kind kind;
	struct pos pos;     /* pos.file borrows the md_doc's path */
	int level;
	int alone;
	char *url;          /* owned by the md_doc */
	char *text;         /* owned by the md_doc */
	char *info;         /* owned by the md_doc: a code block's info
			       string, a link's or image's title */
	void *node_;        /* the cmark node: markdown.c only */
};

struct md_doc;

/* Parses a page.  Never fails: every input is a document.  Returns owned,
 * free with markdown_free. */
struct md_doc *markdown_parse(const char *path, const char *text, size_t len,
			      int allow_html);
void markdown_free(struct md_doc *md);

/* The items in document order (borrowed, valid until markdown_free). */
const struct md_item *markdown_items(const struct md_doc *md, size_t *nr);

/* Changes the target of an MD_LINK or MD_IMAGE item. */
void markdown_set_url(struct md_doc *md, const struct md_item *it,
		      const char *url);
/* Renders a heading as `open` + its inline content + `close` (raw HTML). */
void markdown_wrap_heading(struct md_doc *md, const struct md_item *it,
			   const char *open, const char *close);
/* Replaces the item (an image alone in its paragraph: the paragraph) with
 * raw HTML made by the caller. */
void markdown_replace_html(struct md_doc *md, const struct md_item *it,
			   const char *html);

/* Appends the page as HTML. */
void markdown_render_html(struct md_doc *md, struct buf *out);

#endif
