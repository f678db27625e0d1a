/* markdown.c - cmark-gfm glue: parse, list items, swap nodes, render.
 * Nodes taken out of the tree are kept until markdown_free: cmark's inline
 * text borrows from its block's buffer, so a heading whose children moved
 * into a new node must outlive them. */
#include "markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "xalloc.h"
#include "banned.h"

struct md_doc {
	char *path;
	cmark_parser *parser;
	cmark_node *root;
	int allow_html;
	struct md_item *items;
	size_t nr, alloc;
	cmark_node **dead;     /* unlinked nodes, freed last */
	size_t nr_dead, alloc_dead;
};

static const char *const extensions[] = {
	"table", "strikethrough", "autolink", "tasklist", "tagfilter",
};

static void bury(struct md_doc *md, cmark_node *n)
{
	cmark_node_unlink(n);
	ARRAY_GROW(md->dead, md->nr_dead + 1, md->alloc_dead);
	md->dead[md->nr_dead++] = n;
}

/* The plain text under an inline container (literal text and code). */
static char *plain_text(cmark_node *n)
{
	struct buf b = BUF_INIT;
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_adds(&b, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_addc(&b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	return buf_detach(&b, NULL);
}

static struct pos node_pos(const struct md_doc *md, cmark_node *n)
{
	cmark_node *p = n;
	while (p && cmark_node_get_start_line(p) == 0)
		p = cmark_node_parent(p);
	struct pos pos = { md->path, 0, 0 };
	if (p) {
		pos.line = (unsigned)cmark_node_get_start_line(p);
		pos.col = (unsigned)cmark_node_get_start_column(p);
	}
	return pos;
}

static struct md_item *add_item(struct md_doc *md, enum md_kind kind,
				cmark_node *n)
{
	if (md->nr >= MARKDOWN_MAX_ITEMS)
		return NULL;
	ARRAY_GROW(md->items, md->nr + 1, md->alloc);
	struct md_item *it = &md->items[md->nr++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->pos = node_pos(md, n);
	it->node_ = n;
	return it;
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

static int image_alone(cmark_node *n)
{
	cmark_node *p = cmark_node_parent(n);
	return p && cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH &&
	       cmark_node_first_child(p) == n && cmark_node_last_child(p) == n;
}

/* The words of a top-level block as a reader sees them: inline text, a
 * space between blocks (table cells, list items), no markup (table pipes,
 * list bullets) and no code block (search indexes those apart). */
static char *block_words(cmark_node *n)
{
	struct buf b = BUF_INIT;
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		if (ev == CMARK_EVENT_EXIT) {
			if ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK &&
			    b.len && b.ptr[b.len - 1] != ' ')
				buf_addc(&b, ' ');
			continue;
		}
		switch (t) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_adds(&b, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_addc(&b, ' ');
			break;
		default: /* code blocks' and HTML's literals left out */
			break;
		}
	}
	cmark_iter_free(it);
	while (b.len && b.ptr[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	return buf_detach(&b, NULL);
}

static void add_text_block(struct md_doc *md, cmark_node *n)
{
	struct md_item *it = add_item(md, MD_TEXT, n);
	if (it)
		it->text = block_words(n);
}

static void collect_node(struct md_doc *md, cmark_node *n, cmark_node ***html,
			 size_t *nr_html, size_t *alloc_html)
{
	struct md_item *it = NULL;
	cmark_node_type t = cmark_node_get_type(n);
	if (cmark_node_parent(n) == md->root && t != CMARK_NODE_HEADING)
		add_text_block(md, n);
	switch (t) {
	case CMARK_NODE_HEADING:
		if ((it = add_item(md, MD_HEADING, n))) {
			it->level = cmark_node_get_heading_level(n);
			it->text = plain_text(n);
		}
		break;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		it = add_item(md, t == CMARK_NODE_LINK ? MD_LINK : MD_IMAGE, n);
		if (it) {
			it->url = dup_or_empty(cmark_node_get_url(n));
			it->info = dup_or_empty(cmark_node_get_title(n));
			it->text = plain_text(n);
			it->alone = t == CMARK_NODE_IMAGE && image_alone(n);
		}
		break;
	case CMARK_NODE_CODE_BLOCK:
		if ((it = add_item(md, MD_CODE, n))) {
			it->info = dup_or_empty(cmark_node_get_fence_info(n));
			it->text = dup_or_empty(cmark_node_get_literal(n));
		}
		break;
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
		if (!md->allow_html) {
			ARRAY_GROW(*html, *nr_html + 1, *alloc_html);
			(*html)[(*nr_html)++] = n;
		}
		break;
	default:
		break;
	}
}

/* Author HTML becomes text: shown escaped, never interpreted. */
static void neuter_html(struct md_doc *md, cmark_node *n)
{
	cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(text, cmark_node_get_literal(n));
	cmark_node *repl = text;
	if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
		repl = cmark_node_new(CMARK_NODE_PARAGRAPH);
		cmark_node_append_child(repl, text);
	}
	cmark_node_insert_before(n, repl);
	bury(md, n);
}

/* ---- GitHub alerts --------------------------------------------------------- */

/* `> [!NOTE]` alone on the first line of a block quote makes it a callout,
 * as on GitHub (the marker in any case; anything else after it on the line
 * and it stays a quote). */
static const char *const alerts[][2] = {
	{ "note", "Note" }, { "tip", "Tip" }, { "important", "Important" },
	{ "warning", "Warning" }, { "caution", "Caution" },
};

/* The alert a block quote opens with (an index into alerts), or -1.  *brk is
 * the line break ending the marker's line, NULL when the paragraph ends. */
static int alert_kind(cmark_node *quote, cmark_node **brk)
{
	cmark_node *para = cmark_node_first_child(quote);
	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return -1;
	char line[16];
	size_t len = 0;
	cmark_node *c = cmark_node_first_child(para);
	for (; c && cmark_node_get_type(c) == CMARK_NODE_TEXT; c = cmark_node_next(c)) {
		const char *lit = cmark_node_get_literal(c);
		size_t n = strlen(lit);
		if (len + n >= sizeof(line))
			return -1;
		memcpy(line + len, lit, n);
		len += n;
	}
	if (c && cmark_node_get_type(c) != CMARK_NODE_SOFTBREAK &&
	    cmark_node_get_type(c) != CMARK_NODE_LINEBREAK)
		return -1;
	while (len && line[len - 1] == ' ')
		len--;
	line[len] = '\0';
	*brk = c;
	for (size_t k = 0; k < sizeof(alerts) / sizeof(*alerts); k++) {
		size_t n = strlen(alerts[k][0]);
		if (len == n + 3 && !strncmp(line, "[!", 2) && line[len - 1] == ']' &&
		    !strncasecmp(line + 2, alerts[k][0], n))
			return (int)k;
	}
	return -1;
}

/* Swaps the quote for a custom block around its children, marker dropped. */
static void make_alert(struct md_doc *md, cmark_node *quote, int kind,
		       cmark_node *brk)
{
	cmark_node *para = cmark_node_first_child(quote), *c;
	while ((c = cmark_node_first_child(para)) && c != brk)
		bury(md, c);
	if (brk)
		bury(md, brk);
	if (!cmark_node_first_child(para))
		bury(md, para);
	char open[160], close[] = "</div>\n";
	snprintf(open, sizeof(open), "<div class=\"admonition admonition-%s\" "
		 "role=\"note\"><p class=\"admonition-title\">%s</p>\n",
		 alerts[kind][0], alerts[kind][1]);
	cmark_node *box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	cmark_node_set_on_enter(box, open);
	cmark_node_set_on_exit(box, close);
	while ((c = cmark_node_first_child(quote)))
		cmark_node_append_child(box, c);
	cmark_node_insert_before(quote, box);
	bury(md, quote);
}

/* Block quotes can nest in lists and quotes: found first, swapped after
 * the walk (the tree must not change under the iterator). */
static void alerts_pass(struct md_doc *md)
{
	cmark_node **quotes = NULL;
	size_t nr = 0, alloc = 0;
	cmark_iter *iter = cmark_iter_new(md->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(iter);
		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_BLOCK_QUOTE) {
			ARRAY_GROW(quotes, nr + 1, alloc);
			quotes[nr++] = n;
		}
	}
	cmark_iter_free(iter);
	for (size_t i = 0; i < nr; i++) {
		cmark_node *brk = NULL;
		int kind = alert_kind(quotes[i], &brk);
		if (kind >= 0)
			make_alert(md, quotes[i], kind, brk);
	}
	free(quotes);
}

static void collect(struct md_doc *md)
{
	cmark_node **html = NULL;
	size_t nr_html = 0, alloc_html = 0;
	cmark_iter *iter = cmark_iter_new(md->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER)
			collect_node(md, cmark_iter_get_node(iter), &html,
				     &nr_html, &alloc_html);
	cmark_iter_free(iter);
	for (size_t i = 0; i < nr_html; i++)
		neuter_html(md, html[i]);
	free(html);
}

struct md_doc *markdown_parse(const char *path, const char *text, size_t len,
			      int allow_html)
{
	cmark_gfm_core_extensions_ensure_registered();
	struct md_doc *md = xcalloc(1, sizeof(*md));
	md->path = xstrdup(path);
	md->allow_html = allow_html;
	md->parser = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES);
	for (size_t i = 0; i < sizeof(extensions) / sizeof(*extensions); i++)
		cmark_parser_attach_syntax_extension(
			md->parser, cmark_find_syntax_extension(extensions[i]));
	cmark_parser_feed(md->parser, text, len);
	md->root = cmark_parser_finish(md->parser);
	alerts_pass(md);
	collect(md);
	return md;
}

void markdown_free(struct md_doc *md)
{
	if (!md)
		return;
	for (size_t i = 0; i < md->nr; i++) {
		free(md->items[i].url);
		free(md->items[i].text);
		free(md->items[i].info);
	}
	free(md->items);
	cmark_node_free(md->root);
	for (size_t i = 0; i < md->nr_dead; i++)
		cmark_node_free(md->dead[i]);
	free(md->dead);
	cmark_parser_free(md->parser);
	free(md->path);
	free(md);
}

const struct md_item *markdown_items(const struct md_doc *md, size_t *nr)
{
	*nr = md->nr;
	return md->items;
}

void markdown_set_url(struct md_doc *md, const struct md_item *it,
		      const char *url)
{
	(void)md;
	cmark_node_set_url(it->node_, url);
}

void markdown_wrap_heading(struct md_doc *md, const struct md_item *it,
			   const char *open, const char *close)
{
	cmark_node *h = it->node_;
	if (!cmark_node_parent(h))
		return;
	cmark_node *c = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	cmark_node_set_on_enter(c, open);
	cmark_node_set_on_exit(c, close);
	cmark_node *child;
	while ((child = cmark_node_first_child(h)))
		cmark_node_append_child(c, child);
	cmark_node_insert_before(h, c);
	bury(md, h);
}

void markdown_replace_html(struct md_doc *md, const struct md_item *it,
			   const char *html)
{
	cmark_node *n = it->node_;
	int block = it->kind == MD_CODE || it->alone;
	if (it->alone)
		n = cmark_node_parent(n);
	if (!n || !cmark_node_parent(n))
		return;
	cmark_node *c = cmark_node_new(block ? CMARK_NODE_CUSTOM_BLOCK
					     : CMARK_NODE_CUSTOM_INLINE);
	cmark_node_set_on_enter(c, html);
	cmark_node_insert_before(n, c);
	bury(md, n);
}

void markdown_render_html(struct md_doc *md, struct buf *out)
{
	int opt = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES;
	if (md->allow_html)
		opt |= CMARK_OPT_UNSAFE;
	char *html = cmark_render_html(md->root, opt,
				       cmark_parser_get_syntax_extensions(md->parser));
	buf_adds(out, html);
	free(html);
}
