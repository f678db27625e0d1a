/* site_page.c - chapter pages: markdown -> html.c -> the layout, plus the
 * search entries, 404.html and sitemap.xml. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "fileio.h"
#include "html.h"
#include "markdown.h"
#include "site_impl.h"
#include "xalloc.h"
#include "banned.h"

static void add_link(cJSON *obj, const char *key, const char *from,
		     const struct course_page *p)
{
	cJSON *l = cJSON_AddObjectToObject(obj, key);
	struct buf url = BUF_INIT;
	html_relative(from, p->out, &url);
	cJSON_AddStringToObject(l, "title", p->title);
	cJSON_AddStringToObject(l, "url", url.ptr);
	buf_release(&url);
}

/* The sidebar's entries, linked from a page at out.  Returns owned. */
static cJSON *make_nav(const struct course *c, const char *out)
{
	cJSON *nav = cJSON_CreateArray();
	for (size_t i = 0; i < c->nr_pages; i++) {
		const struct course_page *p = &c->pages[i];
		cJSON *e = cJSON_CreateObject();
		struct buf url = BUF_INIT;
		html_relative(out, p->out, &url);
		cJSON_AddStringToObject(e, "title", p->title);
		cJSON_AddStringToObject(e, "url", url.ptr);
		cJSON_AddNumberToObject(e, "depth", p->depth);
		cJSON_AddBoolToObject(e, "current", 0);
		cJSON_AddItemToArray(nav, e);
		buf_release(&url);
	}
	return nav;
}

/* The sidebar: every page, linked relative to out's folder.  The links
 * are the same for every page of a folder, so the array is made once per
 * folder (s->navs) and shared by reference; only the "current" mark moves (each
 * page's data is rendered before the next page's is made).  Made for every
 * page, it was a third of the time of a build without diagrams. */
static void add_nav(struct site *s, cJSON *data, size_t cur, const char *out)
{
	const struct course *c = &s->course;
	const char *slash = strrchr(out, '/');
	size_t dir = slash ? (size_t)(slash - out) + 1 : 0;
	struct site_nav *nav = strmap_get(&s->navs, out, dir);
	if (!nav) {
		nav = xcalloc(1, sizeof(*nav));
		nav->items = make_nav(c, out);
		strmap_put(&s->navs, out, dir, nav);
	}
	/* the mark moves: the page marked last is unmarked, this one marked
	 * (looking up every entry's flag for every page was quadratic) */
	if (nav->current)
		nav->current->type = cJSON_False;
	nav->current = NULL;
	cJSON *e = nav->items->child;
	for (size_t i = 0; e && i < cur; i++)
		e = e->next;
	if (e) {
		nav->current = cJSON_GetObjectItemCaseSensitive(e, "current");
		nav->current->type = cJSON_True;
	}
	cJSON_AddItemToObject(data, "nav", cJSON_CreateArrayReference(nav->items->child));
	if (cur >= c->nr_pages) /* 404.html: no neighbours */
		return;
	if (cur > 0)
		add_link(data, "prev", out, &c->pages[cur - 1]);
	if (cur + 1 < c->nr_pages)
		add_link(data, "next", out, &c->pages[cur + 1]);
}

/* The absolute URL of site path 'out' (site_url + out), or NULL without
 * site_url.  Returns owned. */
static char *absolute_url(const struct course *c, const char *out)
{
	if (!c->site_url || !*c->site_url)
		return NULL;
	struct buf u = BUF_INIT;
	buf_adds(&u, c->site_url);
	if (u.ptr[u.len - 1] != '/')
		buf_addc(&u, '/');
	buf_adds(&u, out);
	return buf_detach(&u, NULL);
}

static void add_root(cJSON *data, const char *out)
{
	struct buf root = BUF_INIT;
	for (const char *p = out; *p; p++)
		if (*p == '/')
			buf_adds(&root, "../");
	cJSON_AddStringToObject(data, "root", root.ptr);
	buf_release(&root);
}

static void add_edit_url(cJSON *data, const struct course *c, const char *src)
{
	struct buf u = BUF_INIT;
	const char *at = c->edit_url ? strstr(c->edit_url, "{path}") : NULL;
	if (at) {
		buf_add(&u, c->edit_url, (size_t)(at - c->edit_url));
		buf_adds(&u, src);
		buf_adds(&u, at + 6);
	} else if (c->edit_url) {
		buf_addf(&u, "%s%s", c->edit_url, src);
	} else if (c->repository) {
		buf_addf(&u, "%s/edit/main/%s", c->repository, src);
	}
	if (u.len)
		cJSON_AddStringToObject(data, "edit_url", u.ptr);
	buf_release(&u);
}

cJSON *site_page_data_(struct site *s, size_t cur, const char *out,
		       const char *title, const char *description)
{
	const struct course *c = &s->course;
	cJSON *data = cJSON_CreateObject();
	cJSON *site = cJSON_AddObjectToObject(data, "site");
	cJSON_AddStringToObject(site, "title", c->title);
	cJSON_AddStringToObject(site, "description", c->description);
	struct buf authors = BUF_INIT;
	for (size_t i = 0; i < c->nr_authors; i++)
		buf_addf(&authors, "%s%s", i ? ", " : "", c->authors[i]);
	cJSON_AddStringToObject(site, "authors", authors.ptr);
	buf_release(&authors);
	cJSON *page = cJSON_AddObjectToObject(data, "page");
	cJSON_AddStringToObject(page, "title", title);
	cJSON_AddStringToObject(page, "description",
				description && *description ? description
							    : c->description);
	cJSON_AddStringToObject(page, "url", out);
	char *abs = absolute_url(c, out);
	if (abs)
		cJSON_AddStringToObject(page, "canonical", abs);
	free(abs);
	cJSON_AddBoolToObject(page, "is_home", cur == 0 && !strcmp(out, c->pages[0].out));
	add_root(data, out);
	add_nav(s, data, cur, out);
	return data;
}

/* has_pager: whether the layout draws the pager at all. */
static void add_pager_flag(cJSON *data)
{
	cJSON_DeleteItemFromObject(data, "has_pager");
	cJSON_AddBoolToObject(data, "has_pager",
			      cJSON_GetObjectItemCaseSensitive(data, "prev") ||
			      cJSON_GetObjectItemCaseSensitive(data, "next"));
}

void site_render_layout_(struct site *s, cJSON *data, const char *out)
{
	struct buf *html = &s->page_html;
	buf_reset(html);
	add_pager_flag(data);
	if (tmpl_render(s->layout, data, html)) {
		diag_error(s->diags, (struct pos){ s->layout_path, 0, 0 }, "site/template",
			   "the page layout for '%s' renders too much (over %d "
			   "operations or %u bytes): are sections nested over long "
			   "lists?", out, TMPL_MAX_STEPS, TMPL_MAX_OUTPUT);
		s->status = -1;
	} else if (site_write_(s, out, html->ptr, html->len)) {
		s->status = -1;
	}
}

static void add_toc(cJSON *data, const struct html_page *hp)
{
	cJSON *toc = cJSON_AddArrayToObject(data, "toc");
	for (size_t i = 0; i < hp->nr_toc; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "id", hp->toc[i].id);
		cJSON_AddStringToObject(e, "text", hp->toc[i].text);
		cJSON_AddBoolToObject(e, "sub", hp->toc[i].level > 2);
		cJSON_AddItemToArray(toc, e);
	}
	cJSON_AddBoolToObject(data, "has_toc", hp->nr_toc > 0);
}

static void index_page(struct site *s, const char *out, const char *title,
		       const struct html_page *hp)
{
	for (size_t i = 0; i < hp->nr_sections; i++) {
		const struct html_section *sec = &hp->sections[i];
		struct buf url = BUF_INIT;
		buf_adds(&url, out);
		if (sec->id[0])
			buf_addf(&url, "#%s", sec->id);
		search_add(s->search, url.ptr, title,
			   sec->title[0] ? sec->title : title, sec->text.ptr,
			   sec->code.ptr);
		buf_release(&url);
	}
}

static void progress(const struct site *s, size_t i, size_t n, const char *what)
{
	if (s->opt->progress)
		fprintf(stderr, "\r\033[K[%zu/%zu] %s", i, n, what);
}

int site_build_page_(struct site *s, size_t i)
{
	const struct course_page *p = &s->course.pages[i];
	struct buf path = BUF_INIT, text = BUF_INIT;
	buf_addf(&path, "%s/%s", s->course.root, p->src);
	const char *why;
	struct md_doc *md = s->docs[i]; /* parsed by discover */
	s->docs[i] = NULL;
	if (!md && fileio_read(path.ptr, &text, &why)) {
		struct pos pos = p->pos.line ? p->pos : (struct pos){ path.ptr, 0, 0 };
		int r = diag_error(s->diags, pos, "site/read", "cannot read '%s': %s",
				   p->src, why);
		buf_release(&path);
		return r;
	}
	s->cur = i;
	s->page_serial++;
	if (!md)
		md = markdown_parse(path.ptr, text.ptr, text.len,
				    s->course.allow_html);
	struct html_links links = { s, site_step_page_, site_step_diagram_,
				    site_asset_, site_checked_, site_after_block_ };
	struct html_page hp;
	site_blocks_begin_(s, i, md);
	int status = html_render(md, &s->course, p->src, p->out, &links, &hp,
				 s->diags);
	site_blocks_end_(s);
	const char *title = hp.title ? hp.title : p->title;
	cJSON *data = site_page_data_(s, i, p->out, title, hp.description);
	cJSON_AddStringToObject(data, "content", hp.body.ptr);
	add_toc(data, &hp);
	add_edit_url(data, &s->course, p->src);
	site_render_layout_(s, data, p->out);
	index_page(s, p->out, title, &hp);
	cJSON_Delete(data);
	html_page_release(&hp);
	markdown_free(md);
	buf_release(&path);
	buf_release(&text);
	return status;
}

/* Registers, in reading order, the saved steps page i links to (what
 * html.c will ask for), so their figures can be drawn ahead.  Keeps the
 * parsed page in s->docs[i] for build_page (parsing it twice was 2% of a
 * build). */
static void discover(struct site *s, size_t i)
{
	const struct course_page *p = &s->course.pages[i];
	struct buf path = BUF_INIT, text = BUF_INIT;
	buf_addf(&path, "%s/%s", s->course.root, p->src);
	const char *why;
	s->cur = i;
	if (!fileio_read(path.ptr, &text, &why)) {
		struct md_doc *md = markdown_parse(path.ptr, text.ptr, text.len,
						   s->course.allow_html);
		size_t n;
		const struct md_item *items = markdown_items(md, &n);
		for (size_t k = 0; k < n; k++) {
			const char *url = items[k].url;
			if ((items[k].kind != MD_LINK && items[k].kind != MD_IMAGE) ||
			    strchr(url, ':') || url[0] == '#')
				continue;
			char *file = xstrndup(url, strcspn(url, "#?")), *rel;
			if (course_resolve(&s->course, p->src, file, &rel) == 0)
				site_step_page_(s, rel);
			free(rel);
			free(file);
		}
		s->docs[i] = md;
	}
	buf_release(&path);
	buf_release(&text);
}

int site_build_pages_(struct site *s)
{
	int status = 0;
	s->docs = xcalloc(s->course.nr_pages + 1, sizeof(*s->docs));
	for (size_t i = 0; i < s->course.nr_pages; i++)
		discover(s, i);
	site_pool_start_(s);
	site_check_finish_(s);
	size_t n = s->course.nr_pages;
	for (size_t i = 0; i < n; i++) {
		progress(s, i + 1, n, s->course.pages[i].src);
		if (site_build_page_(s, i))
			status = -1;
		site_build_steps_upto_(s, i);
	}
	return status;
}

static void write_404(struct site *s)
{
	cJSON *data = site_page_data_(s, (size_t)-1, "404.html", "Page not found",
				      "");
	cJSON_AddStringToObject(data, "content",
		"<h1 id=\"not-found\">Page not found</h1>\n"
		"<p>There is no page at this address. Try the search, or "
		"start from the <a href=\"index.html\">first page</a>.</p>\n");
	cJSON_AddBoolToObject(data, "noindex", 1);
	site_render_layout_(s, data, "404.html");
	cJSON_Delete(data);
}

static void sitemap_url(struct buf *x, const struct course *c, const char *out)
{
	char *abs = absolute_url(c, out);
	buf_adds(x, "  <url><loc>");
	escape_html(x, abs, strlen(abs));
	buf_adds(x, "</loc></url>\n");
	free(abs);
}

/* sitemap.xml wants absolute locations: written only with site_url. */
void site_write_sitemap_(struct site *s)
{
	if (!s->course.site_url || !*s->course.site_url)
		return;
	struct buf x = BUF_INIT;
	buf_adds(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < s->course.nr_pages; i++)
		sitemap_url(&x, &s->course, s->course.pages[i].out);
	for (size_t i = 0; i < s->steps.nr; i++) {
		const struct site_step *st = s->steps.entries[i].value;
		if (st->out)
			sitemap_url(&x, &s->course, st->out);
	}
	buf_adds(&x, "</urlset>\n");
	if (site_write_(s, "sitemap.xml", x.ptr, x.len))
		s->status = -1;
	buf_release(&x);
}

void site_write_search_(struct site *s)
{
	struct buf js = BUF_INIT;
	search_write_js(s->search, &js);
	if (site_write_(s, "search-index.js", js.ptr, js.len))
		s->status = -1;
	buf_release(&js);
}

int site_write_extras_(struct site *s)
{
	site_write_search_(s);
	write_404(s);
	site_write_sitemap_(s);
	if (s->opt->progress)
		fprintf(stderr, "\r\033[K");
	return s->status;
}
