/* strmap.h - string-keyed hash map that iterates in insertion order.
 * Insertion order is what makes output from a map deterministic without a
 * sort.  Keys are copied; values are borrowed pointers the caller owns. */
#ifndef STEPBOOK_STRMAP_H
#define STEPBOOK_STRMAP_H

#include <stddef.h>

struct strmap_entry {
	char *key; /* owned */
	size_t keylen;
	void *value;
};

struct strmap {
	struct strmap_entry *entries; /* insertion order */
	size_t nr, alloc;
	size_t *slots; /* index+1 into entries, 0 = empty */
	size_t nslots;
};

#define STRMAP_INIT { NULL, 0, 0, NULL, 0 }

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* Returns the value stored under key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key, size_t keylen);
/* Stores value under key.  Returns the previous value, or NULL if new. */
void *strmap_put(struct strmap *m, const char *key, size_t keylen, void *value);
/* Index of key in insertion order, or -1. */
long strmap_index(const struct strmap *m, const char *key, size_t keylen);

#endif
