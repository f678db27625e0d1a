/* fileio.c - bounded reads and atomic writes (see fileio.h). */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

int fileio_read_fd(int fd, struct buf *out, const char **why)
{
	size_t start = out->len;
	for (;;) {
		buf_grow(out, 65536);
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

int fileio_read(const char *path, struct buf *out, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	struct stat st;
	int status = -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		*why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
	else
		status = fileio_read_fd(fd, out, why);
	close(fd);
	return status;
}

int fileio_map(const char *path, struct fileio_map *m, const char **why)
{
	m->ptr = NULL;
	m->len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	struct stat st = { 0 };
	int status = -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
	} else if ((uintmax_t)st.st_size > FILEIO_MAX_BYTES) {
		*why = "file too large (over 16 MiB)";
	} else if (st.st_size == 0) {
		status = 0;
	} else {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			*why = strerror(errno);
		} else {
			m->ptr = p;
			m->len = (size_t)st.st_size;
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
