/* buf.h - the one growable byte buffer.
 * A buf's ptr is never NULL and always NUL-terminated, so it can be handed to
 * any C string function at any time.  Embedded by value: buf_init/buf_release.
 * Not here: escaping (escape.h), formatting JSON (jsonout.h). */
#ifndef STEPBOOK_BUF_H
#define STEPBOOK_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the shared empty string */
};

extern char buf_empty_[];
#define BUF_INIT { buf_empty_, 0, 0 }

void buf_init(struct buf *b);
/* Frees the bytes and leaves b empty and usable. */
void buf_release(struct buf *b);
/* Forgets the contents, keeps the memory. */
void buf_reset(struct buf *b);
/* Ensures room for 'extra' more bytes plus the terminator. */
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_truncate(struct buf *b, size_t len);
/* Returns the bytes as owned memory (free with free()) and empties b. */
char *buf_detach(struct buf *b, size_t *len);

#endif
