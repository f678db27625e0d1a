/* serve_watch.c - noticing changes by polling: a sorted list of every file
 * under the course and the theme with its mtime and size, compared with
 * the previous one.  Portable and needs no inotify; a course is small
 * enough that a walk costs well under a millisecond.
 * Not here: deciding what a change rebuilds (site_rebuild_paths). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "serve_impl.h"
#include "xalloc.h"
#include "banned.h"

/* The site folder, and its build and backup siblings (out.tmpXXXXXX,
 * out.old), when it sits inside the course: never a change. */
static int is_output(const struct serve *sv, const char *path)
{
	size_t n = strlen(sv->out);
	return !strncmp(path, sv->out, n) &&
	       (path[n] == '\0' || path[n] == '/' || path[n] == '.');
}

static void add_file(struct serve_snapshot *snap, const char *path,
		     const struct stat *st)
{
	ARRAY_GROW(snap->files, snap->nr + 1, snap->alloc);
	struct serve_file *f = &snap->files[snap->nr++];
	f->path = xstrdup(path);
	f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	f->size = (int64_t)st->st_size;
}

static void walk(const struct serve *sv, struct serve_snapshot *snap,
		 struct buf *path, int depth)
{
	DIR *d = depth < SERVE_MAX_DEPTH ? opendir(path->ptr) : NULL;
	if (!d)
		return;
	size_t len = path->len;
	struct dirent *e;
	while ((e = readdir(d)) && snap->nr < SERVE_MAX_FILES) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		buf_truncate(path, len);
		buf_addf(path, "/%s", e->d_name);
		if (is_output(sv, path->ptr) || lstat(path->ptr, &st))
			continue;
		/* a symbolic link counts as the file it names (a page may be
		 * one); a linked folder is never entered: it may be the course
		 * itself, or the whole disk */
		int linked = S_ISLNK(st.st_mode);
		if (linked && stat(path->ptr, &st))
			continue;
		if (S_ISDIR(st.st_mode) && !linked)
			walk(sv, snap, path, depth + 1);
		else if (S_ISREG(st.st_mode))
			add_file(snap, path->ptr, &st);
	}
	buf_truncate(path, len);
	closedir(d);
}

static void walk_root(const struct serve *sv, struct serve_snapshot *snap,
		      const char *root)
{
	struct buf path = BUF_INIT;
	buf_adds(&path, root);
	while (path.len > 1 && path.ptr[path.len - 1] == '/')
		buf_truncate(&path, path.len - 1);
	walk(sv, snap, &path, 0);
	buf_release(&path);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct serve_file *)a)->path,
		      ((const struct serve_file *)b)->path);
}

void serve_snapshot_take(const struct serve *sv, struct serve_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	walk_root(sv, snap, sv->opt.course);
	if (sv->theme)
		walk_root(sv, snap, sv->theme);
	if (snap->nr)
		qsort(snap->files, snap->nr, sizeof(*snap->files), by_path);
}

void serve_snapshot_release(struct serve_snapshot *snap)
{
	for (size_t i = 0; i < snap->nr; i++)
		free(snap->files[i].path);
	free(snap->files);
	memset(snap, 0, sizeof(*snap));
}

static void add_path(const char ***paths, size_t *n, size_t *alloc,
		     const char *path)
{
	ARRAY_GROW(*paths, *n + 1, *alloc);
	(*paths)[(*n)++] = path;
}

size_t serve_snapshot_diff(const struct serve_snapshot *a,
			   const struct serve_snapshot *b, const char ***paths)
{
	size_t i = 0, j = 0, n = 0, alloc = 0;
	*paths = NULL;
	while (i < a->nr || j < b->nr) {
		int c = i == a->nr ? 1 : j == b->nr ? -1
			: strcmp(a->files[i].path, b->files[j].path);
		if (c < 0) {
			add_path(paths, &n, &alloc, a->files[i++].path);
		} else if (c > 0) {
			add_path(paths, &n, &alloc, b->files[j++].path);
		} else {
			if (a->files[i].mtime_ns != b->files[j].mtime_ns ||
			    a->files[i].size != b->files[j].size)
				add_path(paths, &n, &alloc, b->files[j].path);
			i++;
			j++;
		}
	}
	return n;
}
