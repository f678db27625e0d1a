/* markdown.c - cmark-gfm glue: parse, list items, swap nodes, render.
 * Nodes taken out of the tree are kept until markdown_free: cmark's inline
 * text borrows from its block's buffer, so a heading whose children moved
 * into a new node must outlive them. */
#include "markdown.h"

#include <stdlib.h>
#include <string.h>

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

static void add_text_block(struct md_doc *md, cmark_node *n)
{
	struct md_item *it = add_item(md, MD_TEXT, n);
	if (it)
		it->text = cmark_render_plaintext(n, CMARK_OPT_DEFAULT, 0);
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
