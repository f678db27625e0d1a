/* html.c - page HTML: walks the items of a markdown page once, swapping
 * headings, code blocks and diagram images for HTML made here, rewriting
 * links, then lets cmark-gfm render the rest. */
#include "html.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "strmap.h"
#include "escape.h"
#include "xalloc.h"
#include "banned.h"

/* Characters of the first paragraph used as the page description. */
#define HTML_DESCRIPTION_MAX 200

void html_slug(const char *text, struct buf *out)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= 0x80 || isalnum(*p) || *p == '_' || *p == '-')
			buf_addc(out, (char)tolower(*p));
		else if (*p == ' ')
			buf_addc(out, '-');
	}
}

void html_relative(const char *from, const char *to, struct buf *out)
{
	size_t common = 0;
	for (size_t i = 0; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	for (const char *p = from + common; *p; p++)
		if (*p == '/')
			buf_adds(out, "../");
	buf_adds(out, to + common);
}

/* The mark of a checked block: its data-check value, its words, and
 * what hovering says. */
static const char *const check_marks[][3] = {
	[HTML_CHECK_PASSED] = { "passed", "verified",
		"stepbook check parsed or ran this block and it matched" },
	[HTML_CHECK_FAILED] = { "failed", "check failed",
		"stepbook check fails on this block: run it for the details" },
	[HTML_CHECK_SKIPPED] = { "skipped", "not checked",
		"stepbook check skips this block" },
};

void html_code_block(const char *info, const char *code, size_t len,
		     enum html_check check, struct buf *out)
{
	const char *lang = highlight_language(info);
	size_t n = strcspn(info, " \t{");
	if (check == HTML_UNCHECKED) {
		buf_adds(out, "<div class=\"code\">");
	} else {
		buf_addf(out, "<div class=\"code\" data-check=\"%s\">"
			      "<span class=\"code-check\" title=\"%s\">%s</span>",
			 check_marks[check][0], check_marks[check][2],
			 check_marks[check][1]);
	}
	if (n) {
		buf_adds(out, "<span class=\"code-lang\">");
		escape_html(out, info, n);
		buf_adds(out, "</span>");
	}
	buf_adds(out, "<button class=\"copy\" type=\"button\" hidden>Copy</button>"
		      "<pre tabindex=\"0\"><code");
	if (lang)
		buf_addf(out, " class=\"language-%s\"", lang);
	buf_adds(out, ">");
	highlight_code(lang, code, len, out);
	buf_adds(out, "</code></pre></div>\n");
}

/* ---- the walk ------------------------------------------------------------ */

struct walk {
	struct md_doc *md;
	const struct course *c;
	const char *src, *out;
	const struct html_links *links;
	struct html_page *page;
	struct diag_list *diags;
	struct strmap ids; /* heading ids taken */
	int status;
};

static void unique_id(struct walk *w, const char *text, struct buf *id)
{
	html_slug(text, id);
	if (!id->len)
		buf_adds(id, "section");
	size_t base = id->len;
	for (unsigned n = 1; strmap_get(&w->ids, id->ptr, id->len); n++) {
		buf_truncate(id, base);
		buf_addf(id, "-%u", n);
	}
	strmap_put(&w->ids, id->ptr, id->len, w);
}

static struct html_section *new_section(struct html_page *p, const char *id,
					const char *title)
{
	ARRAY_GROW(p->sections, p->nr_sections + 1, p->alloc_sections);
	struct html_section *s = &p->sections[p->nr_sections++];
	s->id = xstrdup(id);
	s->title = xstrdup(title);
	buf_init(&s->text);
	buf_init(&s->code);
	return s;
}

static void on_heading(struct walk *w, const struct md_item *it)
{
	struct buf id = BUF_INIT, open = BUF_INIT, close = BUF_INIT;
	unique_id(w, it->text, &id);
	buf_addf(&open, "<h%d id=\"%s\">", it->level, id.ptr);
	buf_addf(&close, " <a class=\"anchor\" href=\"#%s\" aria-hidden=\"true\" "
			 "tabindex=\"-1\">#</a></h%d>", id.ptr, it->level);
	markdown_wrap_heading(w->md, it, open.ptr, close.ptr);
	struct html_page *p = w->page;
	if (it->level == 1 && !p->title)
		p->title = xstrdup(it->text);
	if (it->level == 2 || it->level == 3) {
		ARRAY_GROW(p->toc, p->nr_toc + 1, p->alloc_toc);
		struct html_heading *h = &p->toc[p->nr_toc++];
		h->level = it->level;
		h->id = xstrdup(id.ptr);
		h->text = xstrdup(it->text);
	}
	new_section(p, id.ptr, it->text);
	buf_release(&id);
	buf_release(&open);
	buf_release(&close);
}

static struct html_section *current_section(struct html_page *p)
{
	if (!p->nr_sections)
		new_section(p, "", "");
	return &p->sections[p->nr_sections - 1];
}

/* The first paragraph, cut at a word before HTML_DESCRIPTION_MAX bytes. */
static char *description(const char *text)
{
	size_t n = strlen(text);
	if (n <= HTML_DESCRIPTION_MAX)
		return xstrdup(text);
	n = HTML_DESCRIPTION_MAX;
	while (n > HTML_DESCRIPTION_MAX / 2 && text[n] != ' ')
		n--;
	while (n && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	while (n && text[n - 1] == ' ')
		n--;
	struct buf b = BUF_INIT;
	buf_add(&b, text, n);
	buf_adds(&b, "\xE2\x80\xA6"); /* U+2026 */
	return buf_detach(&b, NULL);
}

static void on_text(struct walk *w, const struct md_item *it)
{
	struct html_page *p = w->page;
	struct html_section *s = current_section(p);
	buf_adds(&s->text, it->text);
	buf_addc(&s->text, ' ');
	if (!p->description && it->text[0])
		p->description = description(it->text);
}

static int has_scheme(const char *url)
{
	const char *p = url;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return (*p == ':' && p > url) || !strncmp(url, "//", 2);
}

/* A course file the link names, resolved; NULL when the link is external
 * or only a fragment, or when it failed (diagnosed). */
static char *resolve(struct walk *w, const struct md_item *it,
		     const char **frag)
{
	const char *url = it->url;
	*frag = strchr(url, '#');
	size_t n = strcspn(url, "#?");
	if (!n || has_scheme(url))
		return NULL;
	char *path = xstrndup(url, n), *rel;
	int r = course_resolve(w->c, w->src, path, &rel);
	if (r < 0) {
		w->status = diag_error(w->diags, it->pos, "site/outside-course",
				       "link leaves the course folder '%s'", path);
	} else if (r > 0) {
		diag_add(w->diags, it->pos, SEV_WARNING, "site/missing-file",
			 "link to a missing file '%s'", path);
	}
	free(path);
	if (r != 0) {
		free(rel);
		return NULL;
	}
	return rel;
}

static void set_target(struct walk *w, const struct md_item *it,
		       const char *to, const char *frag)
{
	struct buf url = BUF_INIT;
	if (strcmp(to, w->out))
		html_relative(w->out, to, &url);
	if (frag)
		buf_adds(&url, frag);
	if (!url.len)
		buf_adds(&url, "#");
	markdown_set_url(w->md, it, url.ptr);
	buf_release(&url);
}

static int is_markdown(const char *rel)
{
	size_t n = strlen(rel);
	return n > 3 && !strcmp(rel + n - 3, ".md");
}

char *html_title_input(const char *title)
{
	for (const char *p = title; p && *p; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (!strncmp(p, "input=", 6) && p[6] && p[6] != ' ')
			return xstrndup(p + 6, strcspn(p + 6, " "));
	}
	return NULL;
}

static void on_diagram(struct walk *w, const struct md_item *it,
		       const char *rel, const char *frag)
{
	struct buf fig = BUF_INIT;
	char *input = html_title_input(it->info);
	int rc = w->links->diagram(w->links->ctx, rel,
				   frag && frag[1] ? frag + 1 : NULL, input,
				   it->pos, &fig);
	free(input);
	if (rc)
		w->status = -1;
	else
		markdown_replace_html(w->md, it, fig.ptr);
	buf_release(&fig);
}

static void on_link(struct walk *w, const struct md_item *it)
{
	const char *frag;
	char *rel = resolve(w, it, &frag);
	if (!rel)
		return;
	const char *step = NULL;
	if (is_markdown(rel)) {
		long i = course_find_page(w->c, rel);
		if (i >= 0)
			set_target(w, it, w->c->pages[i].out, frag);
		else
			diag_add(w->diags, it->pos, SEV_WARNING, "site/not-in-summary",
				 "'%s' is not a page of SUMMARY.md", rel);
	} else if ((step = w->links->step_page(w->links->ctx, rel))) {
		if (it->kind == MD_IMAGE)
			on_diagram(w, it, rel, frag);
		else
			set_target(w, it, step, frag);
	} else {
		w->links->asset(w->links->ctx, rel);
		set_target(w, it, rel, frag);
	}
	free(rel);
}

static void on_code(struct walk *w, const struct md_item *it)
{
	struct buf b = BUF_INIT;
	enum html_check check = w->links->checked
		? w->links->checked(w->links->ctx, it->pos) : HTML_UNCHECKED;
	html_code_block(it->info, it->text, strlen(it->text), check, &b);
	if (w->links->after_block)
		w->links->after_block(w->links->ctx, it->pos, &b);
	buf_adds(&current_section(w->page)->code, it->text);
	markdown_replace_html(w->md, it, b.ptr);
	buf_release(&b);
}

int html_render(struct md_doc *md, const struct course *c, const char *src,
		const char *out, const struct html_links *links,
		struct html_page *page, struct diag_list *diags)
{
	memset(page, 0, sizeof(*page));
	buf_init(&page->body);
	struct walk w = { md, c, src, out, links, page, diags, STRMAP_INIT, 0 };
	size_t n;
	const struct md_item *items = markdown_items(md, &n);
	for (size_t i = 0; i < n; i++) {
		switch (items[i].kind) {
		case MD_HEADING: on_heading(&w, &items[i]); break;
		case MD_TEXT: on_text(&w, &items[i]); break;
		case MD_LINK:
		case MD_IMAGE: on_link(&w, &items[i]); break;
		case MD_CODE: on_code(&w, &items[i]); break;
		}
	}
	markdown_render_html(md, &page->body);
	strmap_release(&w.ids);
	return w.status;
}

void html_page_release(struct html_page *page)
{
	buf_release(&page->body);
	free(page->title);
	free(page->description);
	for (size_t i = 0; i < page->nr_toc; i++) {
		free(page->toc[i].id);
		free(page->toc[i].text);
	}
	free(page->toc);
	for (size_t i = 0; i < page->nr_sections; i++) {
		free(page->sections[i].id);
		free(page->sections[i].title);
		buf_release(&page->sections[i].text);
		buf_release(&page->sections[i].code);
	}
	free(page->sections);
	memset(page, 0, sizeof(*page));
}
