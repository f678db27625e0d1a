/* snippet.c - code blocks, links and headings of a markdown page (see
 * snippet.h).  markdown.h parses (the same items the site renders, so an
 * anchor checked here is an anchor the site makes); this file finds each
 * block's bytes in the page for positions and --update. */
#include "snippet.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "markdown.h"
#include "xalloc.h"
#include "banned.h"

/* ---- lines of the page -------------------------------------------------- */

/* Byte offset where line 'line' (from 1) starts, or len past the end. */
static size_t line_start(const char *text, size_t len, unsigned line)
{
	size_t at = 0;
	for (unsigned l = 1; l < line && at < len; l++) {
		const char *nl = memchr(text + at, '\n', len - at);
		at = nl ? (size_t)(nl - text) + 1 : len;
	}
	return at;
}

static size_t line_end(const char *text, size_t len, size_t at)
{
	const char *nl = memchr(text + at, '\n', len - at);
	return nl ? (size_t)(nl - text) : len;
}

/* ---- info strings ------------------------------------------------------- */

static char *attr_value(const char *word, size_t n, const char *key)
{
	size_t k = strlen(key);
	if (n > k && !strncmp(word, key, k) && word[k] == '=')
		return xstrndup(word + k + 1, n - k - 1);
	return NULL;
}

/* One annotation word; returns -1 when it is not one we know. */
static int info_word(struct snippet *s, const char *w, size_t n)
{
	static const struct { const char *name; unsigned flag; } flags[] = {
		{ "skip", SNIPPET_SKIP }, { "fragment", SNIPPET_FRAGMENT },
		{ "output", SNIPPET_OUTPUT }, { "fail", SNIPPET_FAIL },
		{ "ignore", SNIPPET_SKIP }, /* rustdoc's spelling */
		{ "notification", SNIPPET_NOTIFICATION },
		{ "differs", SNIPPET_DIFFERS },
		{ "dataflow", SNIPPET_DATAFLOW },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++)
		if (strlen(flags[i].name) == n && !strncmp(w, flags[i].name, n)) {
			s->flags |= flags[i].flag;
			return 0;
		}
	char **slots[] = { &s->input, &s->expect, &s->step };
	static const char *const keys[] = { "input", "expect", "step" };
	for (int i = 0; i < 3; i++) {
		char *v = attr_value(w, n, keys[i]);
		if (v) {
			free(*slots[i]);
			*slots[i] = v;
			return 0;
		}
	}
	return -1;
}

static void parse_info(struct snippet *s, const char *info,
		       struct diag_list *diags)
{
	s->info = xstrdup(info);
	const char *p = info;
	size_t n = strcspn(p, " \t,");
	s->lang = xstrndup(p, n);
	for (char *c = s->lang; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (p += n; *p; p += n) {
		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n && info_word(s, p, n))
			diag_add(diags, s->fence, SEV_WARNING, "check/info-string",
				 "unknown annotation '%.*s' in the info string "
				 "(known: skip, fragment, output, fail, "
				 "notification, differs, dataflow, input=, expect=, step=)", (int)n, p);
	}
}

/* ---- code blocks -------------------------------------------------------- */

/* Records where the literal's lines sit in the page: the bytes each line
 * lost to its container, and the common prefix that --update must keep. */
static void locate_lines(struct snippet *s, const char *text, size_t len,
			 size_t fence_at, unsigned fence_col)
{
	size_t nl = 0;
	for (size_t i = 0; i < s->len; i++)
		nl += s->text[i] == '\n';
	s->nlines = nl;
	s->cols = xcalloc(nl + 1, sizeof(*s->cols));
	size_t plen = fence_col ? fence_col - 1 : 0;
	int same = 1;
	const char *lit = s->text;
	size_t at = s->start;
	for (size_t i = 0; i < nl && at <= len; i++) {
		size_t e = line_end(text, len, at);
		size_t litlen = strcspn(lit, "\n");
		size_t rawlen = e - at;
		if (rawlen >= litlen && !memcmp(text + e - litlen, lit, litlen))
			s->cols[i] = (unsigned)(rawlen - litlen);
		if (litlen ? rawlen != plen + litlen ||
				     memcmp(text + at, text + fence_at, plen) ||
				     memcmp(text + at + plen, lit, litlen)
			   : rawlen > plen)
			same = 0;
		lit += litlen + 1;
		at = e < len ? e + 1 : len;
	}
	if (same)
		s->prefix = xstrndup(text + fence_at, plen);
}

/* Is there a fence at byte 'at' (after the container prefix)? */
static int fence_at(const char *t, size_t len, size_t at)
{
	at += strspn(t + at, " "); /* up to 3 spaces of indentation */
	return at + 3 <= len && (!strncmp(t + at, "```", 3) || !strncmp(t + at, "~~~", 3));
}

static void add_code_block(struct snippet_page *p, const struct md_item *it,
			   struct diag_list *diags)
{
	const char *t = p->text.ptr;
	size_t len = p->text.len;
	unsigned first = it->pos.line, col = it->pos.col ? it->pos.col : 1;
	size_t fence = line_start(t, len, first);
	if (p->nr >= SNIPPET_MAX_ITEMS || fence + col - 1 > len ||
	    !fence_at(t, len, fence + col - 1))
		return; /* indented code is prose, not a snippet */
	ARRAY_GROW(p->snippets, p->nr + 1, p->alloc);
	struct snippet *s = &p->snippets[p->nr++];
	memset(s, 0, sizeof(*s));
	s->fence = (struct pos){ p->path, first, col };
	s->pos = (struct pos){ p->path, first + 1, 1 };
	s->text = xstrdup(it->text);
	s->len = strlen(s->text);
	parse_info(s, it->info, diags);
	size_t nl = 0;
	for (size_t i = 0; i < s->len; i++)
		nl += s->text[i] == '\n';
	/* content: the lines after the fence, up to the closing fence (or EOF) */
	s->start = line_start(t, len, first + 1);
	s->end = line_start(t, len, first + 1 + (unsigned)nl);
	locate_lines(s, t, len, fence, col);
	if (s->nlines)
		s->pos.col = s->cols[0] + 1;
}

/* ---- headings and links ------------------------------------------------- */

void snippet_slug(const char *text, struct buf *out)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c >= 0x80 || isalnum(*c) || *c == '_' || *c == '-')
			buf_addc(out, (char)tolower(*c));
		else if (*c == ' ')
			buf_addc(out, '-');
	}
}

static void add_heading(struct snippet_page *p, const struct md_item *it)
{
	if (p->nr_headings >= SNIPPET_MAX_ITEMS)
		return;
	struct buf slug = BUF_INIT;
	snippet_slug(it->text, &slug);
	size_t base = slug.len;
	for (unsigned k = 1; snippet_find_heading(p, slug.ptr); k++) {
		buf_truncate(&slug, base);
		buf_addf(&slug, "-%u", k);
	}
	ARRAY_GROW(p->headings, p->nr_headings + 1, p->alloc_headings);
	struct snippet_heading *h = &p->headings[p->nr_headings++];
	h->slug = buf_detach(&slug, NULL);
	h->pos = (struct pos){ p->path, it->pos.line, it->pos.col };
}

static void add_link(struct snippet_page *p, const struct md_item *it, int image)
{
	if (p->nr_links >= SNIPPET_MAX_ITEMS)
		return;
	ARRAY_GROW(p->links, p->nr_links + 1, p->alloc_links);
	struct snippet_link *l = &p->links[p->nr_links++];
	l->url = xstrdup(it->url);
	l->image = image;
	l->pos = (struct pos){ p->path, it->pos.line, it->pos.col };
}

static void walk_page(struct snippet_page *p, const struct md_doc *md,
		      struct diag_list *diags)
{
	size_t n;
	const struct md_item *items = markdown_items(md, &n);
	for (size_t i = 0; i < n; i++) {
		switch (items[i].kind) {
		case MD_CODE:
			add_code_block(p, &items[i], diags);
			break;
		case MD_HEADING:
			add_heading(p, &items[i]);
			break;
		case MD_LINK:
		case MD_IMAGE:
			add_link(p, &items[i], items[i].kind == MD_IMAGE);
			break;
		case MD_TEXT:
			break;
		}
	}
}

/* ---- the page ----------------------------------------------------------- */

void snippet_page_parse(struct snippet_page *p, const char *path,
			const char *text, size_t len, struct diag_list *diags)
{
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
	buf_init(&p->text);
	buf_add(&p->text, text, len);
	struct md_doc *md = markdown_parse(p->path, p->text.ptr, p->text.len, 0);
	walk_page(p, md, diags);
	markdown_free(md);
}

void snippet_page_walk(struct snippet_page *p, const char *path,
		       const char *text, size_t len, const struct md_doc *md,
		       struct diag_list *diags)
{
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
	buf_init(&p->text);
	buf_add(&p->text, text, len);
	walk_page(p, md, diags);
}

int snippet_page_load(struct snippet_page *p, const char *path,
		      struct diag_list *diags)
{
	struct buf text = BUF_INIT;
	const char *why;
	if (fileio_read(path, &text, &why)) {
		memset(p, 0, sizeof(*p));
		p->path = xstrdup(path);
		buf_init(&p->text);
		buf_release(&text);
		return diag_error(diags, (struct pos){ p->path, 0, 0 },
				  "check/read", "cannot read the page: %s", why);
	}
	snippet_page_parse(p, path, text.ptr, text.len, diags);
	buf_release(&text);
	return 0;
}

void snippet_page_release(struct snippet_page *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		struct snippet *s = &p->snippets[i];
		free(s->lang);
		free(s->info);
		free(s->input);
		free(s->expect);
		free(s->step);
		free(s->text);
		free(s->prefix);
		free(s->cols);
	}
	for (size_t i = 0; i < p->nr_links; i++)
		free(p->links[i].url);
	for (size_t i = 0; i < p->nr_headings; i++)
		free(p->headings[i].slug);
	free(p->snippets);
	free(p->links);
	free(p->headings);
	buf_release(&p->text);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

struct pos snippet_pos(const struct snippet *s, unsigned line, unsigned col)
{
	struct pos at = s->pos;
	if (!line)
		return at;
	at.line = s->pos.line + line - 1;
	at.col = col + (line - 1 < s->nlines ? s->cols[line - 1] : 0);
	return at;
}

struct pos snippet_offset_pos(const struct snippet *s, size_t at)
{
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < at && i < s->len; i++) {
		if (s->text[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)s->text[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	return snippet_pos(s, line, col);
}

const struct snippet_heading *snippet_find_heading(const struct snippet_page *p,
						   const char *slug)
{
	for (size_t i = 0; i < p->nr_headings; i++)
		if (!strcmp(p->headings[i].slug, slug))
			return &p->headings[i];
	return NULL;
}
