/* snippet.h - what `stepbook check` needs from one markdown page: its fenced
 * code blocks (snippets) with their info-string annotations, its links and
 * images, and its heading anchors, each located in the page.
 * A snippet remembers the byte range of its content in the file and the
 * container prefix of its lines ("   " in a list item, "> " in a quote), so
 * `--update` can rewrite exactly that range and nothing else.
 * Not here: what a snippet's text means (steps.h), checking it (check.h).
 *
 * Info-string conventions (the first word is the language; GitHub renders
 * with it and ignores the rest):
 *   skip          not checked at all
 *   fragment      validated as part of a definition (a few states, a rule list)
 *   output        the recorded output of the previous step
 *   fail          expected to fail (to parse, validate, or run; on an
 *                 input=NAME block, the example's run)
 *   notification  an event a status-change notification delivered
 *   input=NAME    names a hand-written example input
 *   expect=NAME   the expected output of the example input NAME
 *   step=PATH     the saved step a deploy command in this block deploys
 *   differs       deliberately unlike the saved step it resembles (no
 *                 excerpt-drift check)
 *   dataflow      on an input=NAME block: the site shows what each state
 *                 of the example's run did to its data
 * Words are separated by spaces or commas (rustdoc style: "json,fragment"). */
#ifndef STEPBOOK_SNIPPET_H
#define STEPBOOK_SNIPPET_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

struct md_doc;

/* Blocks, links or headings in one page beyond this are refused: a course
 * page has tens; this bounds memory against a generated page. */
#define SNIPPET_MAX_ITEMS 10000

enum snippet_flag {
	SNIPPET_SKIP = 1,
	SNIPPET_FRAGMENT = 2,
	SNIPPET_OUTPUT = 4,
	SNIPPET_FAIL = 8,
	SNIPPET_NOTIFICATION = 16,
	SNIPPET_DIFFERS = 32,
	SNIPPET_DATAFLOW = 64,
};

struct snippet {
	char *lang;    /* owned, lower case; "" when the fence has no info */
	char *info;    /* owned, the whole info string */
	unsigned flags;
	char *input, *expect, *step; /* owned or NULL */
	char *text;    /* owned content, container prefixes removed */
	size_t len;
	struct pos fence; /* the opening fence */
	struct pos pos;   /* first content line, column 1 of the content */
	size_t start, end; /* byte range of the content lines in the page */
	char *prefix;  /* owned container prefix of every content line, or NULL
			* when the block cannot be rewritten in place */
	unsigned *cols; /* owned: bytes stripped from each content line */
	size_t nlines;
};

struct snippet_link {
	char *url;     /* owned, as written */
	int image;
	struct pos pos;
};

struct snippet_heading {
	char *slug;    /* owned: GitHub's anchor for it, de-duplicated */
	struct pos pos;
};

struct snippet_page {
	char *path;      /* owned; every pos.file of the page points here */
	struct buf text; /* the page's bytes */
	struct snippet *snippets;
	size_t nr, alloc;
	struct snippet_link *links;
	size_t nr_links, alloc_links;
	struct snippet_heading *headings;
	size_t nr_headings, alloc_headings;
};

/* Parses text[0..len) (copied) as the markdown page 'path'.  Never fails:
 * unknown annotations are warnings in diags.  Release with
 * snippet_page_release. */
void snippet_page_parse(struct snippet_page *p, const char *path,
			const char *text, size_t len, struct diag_list *diags);
/* As snippet_page_parse, from the page already parsed as md (whatever its
 * allow_html: the blocks, headings and links are the same). */
void snippet_page_walk(struct snippet_page *p, const char *path,
		       const char *text, size_t len, const struct md_doc *md,
		       struct diag_list *diags);
/* Reads 'path' and parses it.  Returns 0, or -1 with a located error. */
int snippet_page_load(struct snippet_page *p, const char *path,
		      struct diag_list *diags);
void snippet_page_release(struct snippet_page *p);

/* Maps (line, col) counted from 1 in s->text to the page. */
struct pos snippet_pos(const struct snippet *s, unsigned line, unsigned col);
/* Maps byte offset 'at' of s->text to the page. */
struct pos snippet_offset_pos(const struct snippet *s, size_t at);

/* The heading whose slug is 'slug', or NULL. */
const struct snippet_heading *snippet_find_heading(const struct snippet_page *p,
						   const char *slug);

/* Appends GitHub's anchor for heading text to out (lower case, spaces to
 * hyphens, punctuation other than '-' and '_' dropped). */
void snippet_slug(const char *text, struct buf *out);

#endif
