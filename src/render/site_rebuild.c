/* site_rebuild.c - a site kept in memory and brought up to date file by
 * file: which pages a changed course file touches, rendering only those
 * into a stage, and writing the stage only when all of them built.
 * Not here: noticing changes or serving the files (serve.h). */
#include <stdlib.h>
#include <string.h>

#include "site_impl.h"
#include "xalloc.h"
#include "banned.h"

struct site_session {
	struct site_options opt;
	struct site *s;       /* the last good build, or NULL */
	int need_full;        /* the last full build failed */
	char **retry;         /* owned: paths of a failed rebuild */
	size_t nr_retry, alloc_retry;
};

struct site_session *site_session_new(const struct site_options *opt)
{
	struct site_session *ss = xcalloc(1, sizeof(*ss));
	ss->opt = *opt;
	ss->need_full = 1;
	return ss;
}

static void clear_retry(struct site_session *ss)
{
	for (size_t i = 0; i < ss->nr_retry; i++)
		free(ss->retry[i]);
	ss->nr_retry = 0;
}

void site_session_free(struct site_session *ss)
{
	if (!ss)
		return;
	site_free_(ss->s);
	clear_retry(ss);
	free(ss->retry);
	free(ss);
}

static void add_retry(struct site_session *ss, const char *path)
{
	for (size_t i = 0; i < ss->nr_retry; i++)
		if (!strcmp(ss->retry[i], path))
			return;
	ARRAY_GROW(ss->retry, ss->nr_retry + 1, ss->alloc_retry);
	ss->retry[ss->nr_retry++] = xstrdup(path);
}

/* ---- what a path touches ---------------------------------------------- */

enum touch { T_NONE, T_PAGE, T_MARKDOWN, T_STEP, T_ASSET, T_FULL };

/* The part of path under folder dir, or NULL. */
static const char *under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) || path[n] != '/')
		return NULL;
	while (path[n] == '/')
		n++;
	return path + n;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

static enum touch classify(const struct site *s, const char *path,
			   const char **rel)
{
	if (s->theme && under(path, s->theme))
		return T_FULL;
	const char *r = under(path, s->course.root);
	if (!r)
		return T_NONE;
	*rel = r;
	if (!strcmp(r, "stepbook.yml") || !strcmp(r, "SUMMARY.md") ||
	    !strncmp(r, "theme/", 6))
		return T_FULL;
	if (course_find_page(&s->course, r) >= 0)
		return T_PAGE;
	if (strmap_get(&s->steps, r, strlen(r)))
		return T_STEP;
	if (strmap_get(&s->assets, r, strlen(r)))
		return T_ASSET;
	return ends_with(r, ".md") ? T_MARKDOWN : T_NONE;
}

/* The reading order with its titles (and so every sidebar) is unchanged. */
static int same_course(const struct site *s)
{
	struct course c;
	struct diag_list ignored = DIAG_LIST_INIT; /* the full build reports */
	int same = course_load(&c, s->opt->course, &ignored) == 0 &&
		   c.nr_pages == s->course.nr_pages;
	for (size_t i = 0; same && i < c.nr_pages; i++) {
		const struct course_page *a = &c.pages[i], *b = &s->course.pages[i];
		same = !strcmp(a->src, b->src) && !strcmp(a->title, b->title) &&
		       a->depth == b->depth;
	}
	course_release(&c);
	diag_list_release(&ignored);
	return same;
}

/* ---- the incremental pass ------------------------------------------------- */

struct todo {
	char *pages;  /* one flag per page */
	char *steps;  /* one flag per step known before the pass */
	size_t nr_steps;
	int assets;   /* files copied */
};

static void mark_step(struct site *s, struct todo *t, size_t k)
{
	site_reload_step_(s, k);
	const struct site_step *st = s->steps.entries[k].value;
	t->steps[k] = 1;
	for (size_t j = k + 1; j < t->nr_steps; j++)
		if (site_previous_step_(s, j) == st)
			t->steps[j] = 1;
	for (size_t i = 0; i < st->nr_users; i++)
		t->pages[st->users[i]] = 1;
}

static void mark(struct site *s, struct todo *t, const char *path)
{
	const char *rel = NULL;
	switch (classify(s, path, &rel)) {
	case T_PAGE:
		t->pages[course_find_page(&s->course, rel)] = 1;
		break;
	case T_STEP:
		mark_step(s, t, (size_t)strmap_index(&s->steps, rel, strlen(rel)));
		break;
	case T_ASSET:
		site_copy_asset_(s, rel);
		t->assets++;
		break;
	default:
		break;
	}
}

/* Renders a chapter page (or step page k when page is NULL) into the
 * stage; its search entries replace the old ones when it built. */
static int render(struct site *s, const struct course_page *page, size_t k)
{
	struct search_index *all = s->search;
	s->search = search_new();
	int status = 0;
	const char *out;
	if (page) {
		status = site_build_page_(s, (size_t)(page - s->course.pages));
		out = page->out;
	} else {
		site_build_step_(s, k);
		site_index_step_(s, k);
		out = ((const struct site_step *)s->steps.entries[k].value)->out;
	}
	if (!status)
		search_replace_page(all, out, s->search);
	search_free(s->search);
	s->search = all;
	return status;
}

static int render_marked(struct site *s, struct todo *t)
{
	int status = 0;
	for (size_t i = 0; i < s->course.nr_pages; i++)
		if (t->pages[i] && render(s, &s->course.pages[i], 0))
			status = -1;
	for (size_t k = 0; k < s->steps.nr; k++) {
		const struct site_step *st = s->steps.entries[k].value;
		if (st->out && (k >= t->nr_steps || t->steps[k]))
			render(s, NULL, k);
	}
	return status;
}

struct check_changes {
	struct site *s;
	struct todo *t;
};

static void mark_checked_page(void *ctx, const char *page)
{
	struct check_changes *cc = ctx;
	long i = course_find_page(&cc->s->course, page);
	if (i >= 0)
		cc->t->pages[i] = 1;
}

static int incremental(struct site_session *ss, const char *const *paths,
		       size_t n, struct site_rebuild *r)
{
	struct site *s = ss->s;
	struct todo t = { xcalloc(s->course.nr_pages + 1, 1),
			  xcalloc(s->steps.nr + 1, 1), s->steps.nr, 0 };
	s->staging = 1;
	s->status = 0;
	for (size_t i = 0; i < n; i++)
		mark(s, &t, paths[i]);
	for (size_t i = 0; i < ss->nr_retry; i++)
		mark(s, &t, ss->retry[i]);
	/* a change may move what check says of other pages too (a deploy on
	 * one page serves the requests of the next): those are redrawn */
	struct check_changes cc = { s, &t };
	site_check_again_(s, mark_checked_page, &cc);
	int status = render_marked(s, &t);
	if (s->nr_pending > (size_t)t.assets) {
		site_write_search_(s);
		if (s->steps.nr > t.nr_steps)
			site_write_sitemap_(s);
	}
	status |= s->status;
	r->written = s->nr_pending;
	if (!status)
		status = site_commit_(s);
	site_drop_pending_(s);
	s->staging = 0;
	free(t.pages);
	free(t.steps);
	return status ? -1 : 0;
}

const struct diag_list *site_session_check_failed(const struct site_session *ss)
{
	static const struct diag_list none = DIAG_LIST_INIT;
	return ss->s ? &ss->s->check_failed : &none;
}

/* ---- the entry point ------------------------------------------------------ */

static int needs_full(struct site_session *ss, const char *const *paths,
		      size_t n)
{
	if (ss->need_full || !ss->s)
		return 1;
	int markdown = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rel = NULL;
		enum touch k = classify(ss->s, paths[i], &rel);
		if (k == T_FULL)
			return 1;
		markdown |= k == T_PAGE || k == T_MARKDOWN;
	}
	return markdown && !same_course(ss->s);
}

static int full(struct site_session *ss, struct diag_list *diags,
		struct site_rebuild *r)
{
	struct site *s = site_new_(&ss->opt, diags);
	r->full = 1;
	if (site_full_build_(s)) {
		site_free_(s);
		ss->need_full = 1;
		return -1;
	}
	r->written = s->course.nr_pages + s->steps.nr;
	site_free_(ss->s);
	ss->s = s;
	ss->need_full = 0;
	clear_retry(ss);
	return 0;
}

int site_rebuild_paths(struct site_session *ss, const char *const *paths,
		       size_t n, struct diag_list *diags, struct site_rebuild *r)
{
	memset(r, 0, sizeof(*r));
	if (needs_full(ss, paths, n))
		return full(ss, diags, r);
	ss->s->diags = diags;
	if (incremental(ss, paths, n, r) == 0) {
		clear_retry(ss);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		add_retry(ss, paths[i]);
	return -1;
}
