/* strmap.c - insertion-ordered hash map (see strmap.h).  Open addressing with
 * linear probing over a power-of-two slot table kept at most half full. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->entries[i].key);
	free(m->entries);
	free(m->slots);
	strmap_init(m);
}

static size_t hash_bytes(const char *key, size_t len)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211u;
	}
	return (size_t)h;
}

static size_t *find_slot(const struct strmap *m, const char *key, size_t len)
{
	size_t mask = m->nslots - 1;
	for (size_t i = hash_bytes(key, len) & mask;; i = (i + 1) & mask) {
		size_t *slot = &m->slots[i];
		if (!*slot)
			return slot;
		const struct strmap_entry *e = &m->entries[*slot - 1];
		if (e->keylen == len && !memcmp(e->key, key, len))
			return slot;
	}
}

static void rehash(struct strmap *m)
{
	free(m->slots);
	m->nslots = m->nslots ? size_mul(m->nslots, 2) : 16;
	m->slots = xcalloc(m->nslots, sizeof(*m->slots));
	for (size_t i = 0; i < m->nr; i++) {
		const struct strmap_entry *e = &m->entries[i];
		*find_slot(m, e->key, e->keylen) = i + 1;
	}
}

void *strmap_get(const struct strmap *m, const char *key, size_t keylen)
{
	if (!m->nslots)
		return NULL;
	size_t slot = *find_slot(m, key, keylen);
	return slot ? m->entries[slot - 1].value : NULL;
}

long strmap_index(const struct strmap *m, const char *key, size_t keylen)
{
	if (!m->nslots)
		return -1;
	size_t slot = *find_slot(m, key, keylen);
	return slot ? (long)slot - 1 : -1;
}

void *strmap_put(struct strmap *m, const char *key, size_t keylen, void *value)
{
	if (size_mul(m->nr + 1, 2) > m->nslots)
		rehash(m);
	size_t *slot = find_slot(m, key, keylen);
	if (*slot) {
		struct strmap_entry *e = &m->entries[*slot - 1];
		void *old = e->value;
		e->value = value;
		return old;
	}
	ARRAY_GROW(m->entries, m->nr + 1, m->alloc);
	struct strmap_entry *e = &m->entries[m->nr++];
	e->key = xstrndup(key, keylen);
	e->keylen = keylen;
	e->value = value;
	*slot = m->nr;
	return NULL;
}
