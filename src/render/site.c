/* site.c - the build driver: temporary folder, theme files, pages, steps,
 * extras, then the swap that makes the new site visible at once. */
#define _XOPEN_SOURCE 700
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "site_impl.h"
#include "xalloc.h"
#include "banned.h"

static struct pos no_pos(const char *file)
{
	struct pos p = { file, 0, 0 };
	return p;
}

/* While rebuilding (s->staging), writes wait in memory: a rebuild that
 * fails writes nothing (site_commit_). */
static void stage(struct site *s, const char *rel, const void *data, size_t len)
{
	for (size_t i = 0; i < s->nr_pending; i++)
		if (!strcmp(s->pending[i].rel, rel)) {
			buf_reset(&s->pending[i].data);
			buf_add(&s->pending[i].data, data, len);
			return;
		}
	ARRAY_GROW(s->pending, s->nr_pending + 1, s->alloc_pending);
	struct site_pending *w = &s->pending[s->nr_pending++];
	w->rel = xstrdup(rel);
	buf_init(&w->data);
	buf_add(&w->data, data, len);
}

/* Makes the folder of the file at path (a path inside s->tmp); folders
 * come in runs (a chapter's pages, then its steps), so the last one made is
 * remembered rather than asked of the file system for every file. */
static int make_parent(struct site *s, char *path)
{
	char *slash = strrchr(path, '/');
	size_t n = (size_t)(slash - path);
	if (s->made_dir.len == n && !memcmp(s->made_dir.ptr, path, n))
		return 0;
	*slash = '\0';
	int status = fileio_mkdirs(path);
	*slash = '/';
	buf_reset(&s->made_dir);
	if (!status)
		buf_add(&s->made_dir, path, n);
	return status;
}

/* A file the previous site holds with the same bytes is linked into the
 * new one instead of written: linking allocates no inode (creating files
 * was a tenth of a build), and an unchanged file keeps its time, so tools
 * that sync by time upload only what changed.  The old name goes away
 * with the old site; any failure falls back to writing. */
static int link_unchanged(struct site *s, const char *rel, const char *path,
			  const void *data, size_t len)
{
	struct buf old = BUF_INIT;
	buf_addf(&old, "%s/%s", s->opt->out, rel);
	int linked = fileio_same(old.ptr, data, len) && link(old.ptr, path) == 0;
	buf_release(&old);
	return linked;
}

int site_write_(struct site *s, const char *rel, const void *data, size_t len)
{
	if (s->staging) {
		stage(s, rel, data, len);
		return 0;
	}
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", s->tmp, rel);
	int status = make_parent(s, path.ptr);
	if (!status && !link_unchanged(s, rel, path.ptr, data, len)) {
		FILE *f = fopen(path.ptr, "wb");
		if (!f || fwrite(data, 1, len, f) != len)
			status = -1;
		if (f && fclose(f))
			status = -1;
	}
	if (status)
		diag_error(s->diags, no_pos(path.ptr), "site/write",
			   "cannot write: %s", strerror(errno));
	buf_release(&path);
	return status;
}

int site_scratch_file_(const struct site *s, const char *name)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", s->tmp, name);
	int fd = open(path.ptr, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	unlink(path.ptr);
	buf_release(&path);
	return fd;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *site_theme_file_(const struct site *s, const char *name)
{
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/theme/%s", s->course.root, name);
	if (!is_file(p.ptr)) {
		buf_reset(&p);
		buf_addf(&p, "%s/%s", s->theme, name);
	}
	return buf_detach(&p, NULL);
}

static int copy_file(struct site *s, const char *from, const char *rel)
{
	struct buf data = BUF_INIT;
	const char *why;
	int status = fileio_read(from, &data, &why);
	if (status)
		diag_error(s->diags, no_pos(from), "site/read", "cannot read: %s", why);
	else
		status = site_write_(s, rel, data.ptr, data.len);
	buf_release(&data);
	return status;
}

/* ---- the theme -------------------------------------------------------- */

static int load_layout(struct site *s)
{
	char *path = site_theme_file_(s, "page.html");
	struct buf text = BUF_INIT;
	const char *why;
	int status = fileio_read(path, &text, &why);
	if (status)
		diag_error(s->diags, no_pos(path), "site/theme", "cannot read: %s", why);
	else if (!(s->layout = tmpl_parse(path, text.ptr, text.len, s->diags)))
		status = -1;
	s->layout_path = path;
	buf_release(&text);
	return status;
}

static int theme_asset(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && strcmp(name, "README.md") &&
	       strcmp(name, "serve.js") && /* `stepbook serve` only */
	       !(n > 5 && !strcmp(name + n - 5, ".html"));
}

/* Every file of the default theme and of course/theme, the course's
 * winning; names sorted so the copy order is fixed. */
static int copy_theme_dir(struct site *s, const char *dir, int is_course)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), status = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct buf from = BUF_INIT;
		buf_addf(&from, "%s/%s", dir, name);
		struct buf own = BUF_INIT;
		buf_addf(&own, "%s/theme/%s", s->course.root, name);
		if (theme_asset(name) && is_file(from.ptr) &&
		    (is_course || !is_file(own.ptr)))
			status |= copy_file(s, from.ptr, name);
		buf_release(&from);
		buf_release(&own);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return status ? -1 : 0;
}

static int copy_theme(struct site *s)
{
	struct buf own = BUF_INIT;
	buf_addf(&own, "%s/theme", s->course.root);
	int status = copy_theme_dir(s, s->theme, 0);
	status |= copy_theme_dir(s, own.ptr, 1);
	buf_release(&own);
	return status;
}

/* ---- assets: files pages link to -------------------------------------- */

void site_asset_(void *ctx, const char *rel)
{
	struct site *s = ctx;
	if (strmap_get(&s->assets, rel, strlen(rel)))
		return;
	strmap_put(&s->assets, rel, strlen(rel), s);
	site_copy_asset_(s, rel);
}

void site_copy_asset_(struct site *s, const char *rel)
{
	struct buf from = BUF_INIT;
	buf_addf(&from, "%s/%s", s->course.root, rel);
	if (copy_file(s, from.ptr, rel))
		s->status = -1;
	buf_release(&from);
}

/* ---- the swap ------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int make_tmp(struct site *s)
{
	struct buf parent = BUF_INIT;
	buf_adds(&parent, s->opt->out);
	char *slash = strrchr(parent.ptr, '/');
	if (slash && slash != parent.ptr) {
		*slash = '\0';
		fileio_mkdirs(parent.ptr);
	}
	buf_release(&parent);
	struct buf t = BUF_INIT;
	buf_addf(&t, "%s.tmpXXXXXX", s->opt->out);
	if (!mkdtemp(t.ptr)) {
		diag_error(s->diags, no_pos(s->opt->out), "site/write",
			   "cannot create a folder beside it: %s", strerror(errno));
		buf_release(&t);
		return -1;
	}
	chmod(t.ptr, 0755);
	s->tmp = buf_detach(&t, NULL);
	return 0;
}

static int swap_in(struct site *s)
{
	struct buf old = BUF_INIT;
	buf_addf(&old, "%s.old", s->opt->out);
	remove_tree(old.ptr);
	struct stat st;
	int had = lstat(s->opt->out, &st) == 0;
	int status = 0;
	if (had && rename(s->opt->out, old.ptr))
		status = -1;
	else if (rename(s->tmp, s->opt->out)) {
		status = -1;
		if (had)
			rename(old.ptr, s->opt->out);
	}
	if (status)
		diag_error(s->diags, no_pos(s->opt->out), "site/write",
			   "cannot replace the site: %s", strerror(errno));
	else
		remove_tree(old.ptr);
	buf_release(&old);
	return status;
}

/* ---- the build ------------------------------------------------------------ */

void site_drop_pending_(struct site *s)
{
	for (size_t i = 0; i < s->nr_pending; i++) {
		free(s->pending[i].rel);
		buf_release(&s->pending[i].data);
	}
	s->nr_pending = 0;
}

int site_commit_(struct site *s)
{
	int status = 0;
	struct buf path = BUF_INIT;
	for (size_t i = 0; i < s->nr_pending; i++) {
		const struct site_pending *w = &s->pending[i];
		buf_reset(&path);
		buf_addf(&path, "%s/%s", s->opt->out, w->rel);
		char *slash = strrchr(path.ptr, '/');
		*slash = '\0';
		int bad = fileio_mkdirs(path.ptr);
		*slash = '/';
		if (bad || fileio_write_atomic(path.ptr, w->data.ptr, w->data.len))
			status = diag_error(s->diags, no_pos(path.ptr), "site/write",
					    "cannot write: %s", strerror(errno));
	}
	buf_release(&path);
	site_drop_pending_(s);
	return status;
}

/* What ends a build whether or not its memory is freed: its children
 * reaped, its temporary folder (a failed build's) removed. */
static void site_stop(struct site *s)
{
	site_pool_free_(s->pool);
	s->pool = NULL;
	site_check_reap_(s);
	if (s->tmp)
		remove_tree(s->tmp);
	free(s->tmp);
	s->tmp = NULL;
}

void site_free_(struct site *s)
{
	if (!s)
		return;
	site_stop(s);
	for (size_t i = 0; i < s->steps.nr; i++)
		site_step_free_(s->steps.entries[i].value);
	strmap_release(&s->steps);
	strmap_release(&s->assets);
	search_free(s->search);
	for (size_t i = 0; s->docs && i < s->course.nr_pages; i++)
		markdown_free(s->docs[i]);
	free(s->docs);
	for (size_t i = 0; i < s->navs.nr; i++) {
		struct site_nav *nav = s->navs.entries[i].value;
		cJSON_Delete(nav->items);
		free(nav);
	}
	strmap_release(&s->navs);
	strmap_release(&s->figure_keys);
	site_check_free_(s);
	site_blocks_end_(s);
	tmpl_free(s->layout);
	free(s->layout_path);
	course_release(&s->course);
	site_drop_pending_(s);
	free(s->pending);
	buf_release(&s->made_dir);
	buf_release(&s->page_html);
	buf_release(&s->step_content);
	free(s);
}

static int build_all(struct site *s)
{
	if (load_layout(s) || make_tmp(s))
		return -1;
	site_check_start_(s);
	if (copy_theme(s)) {
		site_check_finish_(s); /* reaps the child */
		return -1;
	}
	int status = site_build_pages_(s);
	status |= site_build_steps_(s);
	/* every figure is drawn: no worker is needed by a later rebuild */
	site_pool_free_(s->pool);
	s->pool = NULL;
	status |= site_write_extras_(s);
	return status | s->status ? -1 : 0;
}

struct site *site_new_(const struct site_options *opt, struct diag_list *diags)
{
	struct site *s = xcalloc(1, sizeof(*s));
	buf_init(&s->made_dir);
	buf_init(&s->page_html);
	buf_init(&s->step_content);
	s->opt = opt;
	s->diags = diags;
	s->search = search_new();
	strmap_init(&s->steps);
	strmap_init(&s->assets);
	strmap_init(&s->navs);
	strmap_init(&s->figure_keys);
	strmap_init(&s->marks);
	strmap_init(&s->runs);
	strmap_init(&s->panels);
	s->check_pid = -1;
	s->theme = opt->templates ? opt->templates : site_default_templates();
	return s;
}

int site_full_build_(struct site *s)
{
	int status = course_load(&s->course, s->opt->course, s->diags);
	if (!status && !s->theme) {
		status = diag_error(s->diags, no_pos(s->opt->course), "site/theme",
				    "no theme found (set STEPBOOK_TEMPLATES)");
	}
	if (!status)
		status = build_all(s);
	if (!status && !(status = swap_in(s))) {
		free(s->tmp);
		s->tmp = NULL;
	}
	return status;
}

int site_build_checked(const struct site_options *opt, struct diag_list *diags,
		       struct diag_list *failed)
{
	struct site *s = site_new_(opt, diags);
	int status = site_full_build_(s);
	const struct diag_list *l = &s->check_failed;
	for (size_t i = 0; failed && i < l->nr; i++)
		diag_error(failed, l->items[i].pos, l->items[i].rule, "%s",
			   l->items[i].message);
	if (opt->exiting && !XALLOC_FREE_AT_EXIT)
		site_stop(s);
	else
		site_free_(s);
	return status;
}

int site_build(const struct site_options *opt, struct diag_list *diags)
{
	return site_build_checked(opt, diags, NULL);
}

/* ---- finding the default theme -------------------------------------------- */

static int theme_at(struct buf *b)
{
	size_t n = b->len;
	buf_adds(b, "/page.html");
	int ok = is_file(b->ptr);
	buf_truncate(b, n);
	return ok;
}

static int exe_relative(struct buf *b)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	static const char *const rel[] = {
		"templates", "../templates", "../../templates",
		"../share/stepbook/templates",
	};
	char *slash = strrchr(exe, '/');
	*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(*rel); i++) {
		buf_reset(b);
		buf_addf(b, "%s/%s", exe, rel[i]);
		if (theme_at(b))
			return 1;
	}
	return 0;
}

const char *site_default_templates(void)
{
	static char found[PATH_MAX];
	struct buf b = BUF_INIT;
	const char *env = getenv("STEPBOOK_TEMPLATES");
	int ok = 0;
	if (env && *env) {
		buf_adds(&b, env);
		ok = theme_at(&b);
	}
	if (!ok)
		ok = exe_relative(&b);
	if (!ok) {
		buf_reset(&b);
		buf_addf(&b, "%s/templates", STEPBOOK_DATADIR);
		ok = theme_at(&b);
	}
	if (ok)
		snprintf(found, sizeof(found), "%s", b.ptr);
	buf_release(&b);
	return ok ? found : NULL;
}
