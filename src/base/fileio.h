/* fileio.h - bounded whole-file reads and atomic writes.
 * Every file stepbook reads goes through fileio_read, which refuses files over
 * a size limit, and every file it writes is written to a temporary name and
 * renamed, so a crash or an error never leaves half a file behind. */
#ifndef STEPBOOK_FILEIO_H
#define STEPBOOK_FILEIO_H

#include <stddef.h>

#include "buf.h"
#include "strmap.h"

/* The largest input file we read: far above any real definition or page
 * (AWS caps a definition at 1 MiB), small enough that every later size
 * computed from it stays bounded. */
#define FILEIO_MAX_BYTES (16u * 1024 * 1024)

/* Reads all of 'path' into out (appended).  Returns 0, or -1 with a static
 * reason in *why ("No such file or directory", "file too large", ...). */
int fileio_read(const char *path, struct buf *out, const char **why);

/* As fileio_read, from an open file's current offset to its end. */
int fileio_read_fd(int fd, struct buf *out, const char **why);

/* A file's bytes mapped read-only, straight from the page cache: a large
 * input costs neither a read into a buffer nor the zeroed pages of one.
 * No terminator.  The file must not shrink while it is mapped (its pages
 * past the new end would fault: SIGBUS). */
struct fileio_map {
	const char *ptr; /* NULL when the file is empty */
	size_t len;
};

/* Maps all of the regular file 'path' (at most FILEIO_MAX_BYTES).  Returns
 * 0, or -1 with a static reason in *why as fileio_read.  Release with
 * fileio_unmap. */
int fileio_map(const char *path, struct fileio_map *m, const char **why);
void fileio_unmap(struct fileio_map *m);

/* Writes all of data to fd, however many writes it takes.  0 or -1
 * (errno set). */
int fileio_write_fd(int fd, const void *data, size_t len);

/* Writes data to 'path' via 'path.tmpXXXXXX' + rename.  Returns 0 or -1
 * (errno set). */
int fileio_write_atomic(const char *path, const void *data, size_t len);

/* Whether 'path' is a regular file holding exactly these len bytes (read
 * only as far as the first difference).  Errors count as different. */
int fileio_same(const char *path, const void *data, size_t len);

/* Creates a directory and its parents (mkdir -p).  Returns 0 or -1. */
int fileio_mkdirs(const char *path);

/* The real paths (symbolic links resolved) of the directories a caller
 * has asked about: a course asks about the same few folders for every
 * link, and realpath(3) costs a system call per component of the path. */
struct fileio_realdirs {
	struct strmap dirs; /* directory as given -> its real path (owned) */
};

#define FILEIO_REALDIRS_INIT { STRMAP_INIT }

void fileio_realdirs_release(struct fileio_realdirs *r);

/* Whether 'path' lies inside 'real_root' (a real path) once symbolic links
 * are followed, as realpath(3) would say; a path that does not exist does
 * (the caller's lexical check has passed), and so does anything when
 * real_root is NULL.  Directories are resolved once through r; the last
 * component is looked at every time, so a file that became a link is
 * followed.  The cache is for one build: a folder replaced by a link
 * while it lives is not seen. */
int fileio_inside(const char *real_root, const char *path,
		  struct fileio_realdirs *r);

#endif
