/* fileio.c - bounded reads and atomic writes (see fileio.h). */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

/* Reads fd to its end.  'expect' is the size a regular file has (0 when
 * unknown): the buffer is sized for it, so that a page of 2 KB is not read
 * into 128 KB of mapped memory (a fixed 64 KB read size did that, and
 * mapping and unmapping it for every file read was a tenth of a site
 * build's system time); a pipe's buffer grows by doubling. */
static int read_fd(int fd, struct buf *out, size_t expect, const char **why)
{
	size_t start = out->len;
	buf_grow(out, expect && expect <= FILEIO_MAX_BYTES ? expect + 1 : 8192);
	for (;;) {
		if (out->len + 1 >= out->cap)
			buf_grow(out, out->cap);
		ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = strerror(errno);
			break;
		}
		if (n == 0) {
			out->ptr[out->len] = '\0';
			return 0;
		}
		out->len += (size_t)n;
		if (out->len - start > FILEIO_MAX_BYTES) {
			*why = "file too large (over 16 MiB)";
			break;
		}
	}
	buf_truncate(out, start);
	return -1;
}

int fileio_read_fd(int fd, struct buf *out, const char **why)
{
	return read_fd(fd, out, 0, why);
}

/* Opens path for reading when it is a regular file; its size in *size.
 * Returns the descriptor, or -1 with a static reason in *why. */
static int open_regular(const char *path, size_t *size, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		*why = strerror(errno);
	} else if (!S_ISREG(st.st_mode)) {
		*why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
	} else {
		*size = (size_t)st.st_size;
		return fd;
	}
	close(fd);
	return -1;
}

int fileio_read(const char *path, struct buf *out, const char **why)
{
	size_t size;
	int fd = open_regular(path, &size, why);
	if (fd < 0)
		return -1;
	int status = read_fd(fd, out, size, why);
	close(fd);
	return status;
}

int fileio_map(const char *path, struct fileio_map *m, const char **why)
{
	m->ptr = NULL;
	m->len = 0;
	size_t size;
	int fd = open_regular(path, &size, why);
	if (fd < 0)
		return -1;
	int status = -1;
	if (size > FILEIO_MAX_BYTES) {
		*why = "file too large (over 16 MiB)";
	} else if (size == 0) {
		status = 0;
	} else {
		void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			*why = strerror(errno);
		} else {
			m->ptr = p;
			m->len = size;
			status = 0;
		}
	}
	close(fd);
	return status;
}

void fileio_unmap(struct fileio_map *m)
{
	if (m->ptr)
		munmap((void *)m->ptr, m->len);
	m->ptr = NULL;
	m->len = 0;
}

int fileio_same(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	int same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		   (size_t)st.st_size == len;
	const char *want = data;
	char chunk[16384];
	size_t at = 0;
	while (same && at < len) {
		size_t n = len - at < sizeof(chunk) ? len - at : sizeof(chunk);
		ssize_t got = read(fd, chunk, n);
		if (got < 0 && errno == EINTR)
			continue;
		same = got > 0 && !memcmp(chunk, want + at, (size_t)got);
		at += got > 0 ? (size_t)got : 0;
	}
	close(fd);
	return same;
}

int fileio_write_fd(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fileio_write_atomic(const char *path, const void *data, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = xmalloc(size_add(plen, 16));
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmpXXXXXX", 11);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	int ok = fileio_write_fd(fd, data, len) == 0 && fchmod(fd, 0644) == 0;
	ok = (close(fd) == 0) && ok;
	if (!ok || rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		free(tmp);
		errno = saved;
		return -1;
	}
	free(tmp);
	return 0;
}

int fileio_mkdirs(const char *path)
{
	/* the common case, a folder made for an earlier file, in one call */
	struct stat st;
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return 0;
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return r;
}

/* ---- inside a root ------------------------------------------------------- */

void fileio_realdirs_release(struct fileio_realdirs *r)
{
	for (size_t i = 0; i < r->dirs.nr; i++)
		free(r->dirs.entries[i].value);
	strmap_release(&r->dirs);
}

/* The real path of directory dir (len bytes), from the cache or realpath;
 * NULL when it cannot be resolved. */
static const char *real_dir(struct fileio_realdirs *r, const char *dir,
			    size_t len)
{
	char *real = strmap_get(&r->dirs, dir, len);
	if (real)
		return real;
	char *name = xstrndup(dir, len);
	real = realpath(name, NULL);
	free(name);
	if (real)
		strmap_put(&r->dirs, dir, len, real);
	return real;
}

static int under(const char *real_root, const char *real, size_t len)
{
	size_t n = strlen(real_root);
	return len >= n && !strncmp(real, real_root, n) &&
	       (len == n || real[n] == '/');
}

int fileio_inside(const char *real_root, const char *path,
		  struct fileio_realdirs *r)
{
	struct stat st;
	if (!real_root || lstat(path, &st))
		return 1; /* missing: realpath would fail too */
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (S_ISLNK(st.st_mode) || !*base || !strcmp(base, ".") ||
	    !strcmp(base, "..")) {
		char real[PATH_MAX];
		return !realpath(path, real) || under(real_root, real, strlen(real));
	}
	const char *dir = !slash ? real_dir(r, ".", 1)
		: real_dir(r, path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		return 1; /* as realpath failing on the whole path */
	struct buf real = BUF_INIT;
	buf_addf(&real, "%s%s%s", dir, dir[1] ? "/" : "", base);
	int in = under(real_root, real.ptr, real.len);
	buf_release(&real);
	return in;
}
