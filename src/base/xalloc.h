/* xalloc.h - allocation that never returns NULL, and overflow-checked sizes.
 * Every size that input controls is bounded before it gets here, so running
 * out of memory is not a condition we recover from: we report and abort.
 * Not here: arenas (arena.h), growable byte buffers (buf.h). */
#ifndef STEPBOOK_XALLOC_H
#define STEPBOOK_XALLOC_H

#include <stddef.h>

/* Each returns owned memory, free with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);

/* a + b and a * b, aborting on overflow. */
size_t size_add(size_t a, size_t b);
size_t size_mul(size_t a, size_t b);

/* Grows array 'x' of 'alloc' slots so that it holds at least 'nr' items. */
#define ARRAY_GROW(x, nr, alloc)                                            \
	do {                                                                \
		if ((nr) > (alloc)) {                                       \
			size_t grow_to_ = size_add((alloc), (alloc) / 2 + 8); \
			if (grow_to_ < (nr))                                \
				grow_to_ = (nr);                            \
			(x) = xrealloc((x), size_mul(grow_to_, sizeof(*(x)))); \
			(alloc) = grow_to_;                                 \
		}                                                           \
	} while (0)

/* XALLOC_FREE_AT_EXIT: whether memory a process is about to exit with
 * should be freed all the same.  Freeing a build's models, documents and
 * pages at exit was 3% of its time and a sixth of its page faults (the
 * frees write to pages shared with its forked children), so a command
 * that ends leaves them to exit; AddressSanitizer's leak check runs at
 * exit, and a sanitizer build frees everything for it to see. */
#if defined(__SANITIZE_ADDRESS__)
#define XALLOC_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) /* clang before 16 */
#define XALLOC_FREE_AT_EXIT 1
#endif
#endif
#ifndef XALLOC_FREE_AT_EXIT
#define XALLOC_FREE_AT_EXIT 0
#endif

#endif
