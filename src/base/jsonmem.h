/* jsonmem.h - where cJSON's memory comes from.  Parsed inputs, templates
 * and every value the interpreter builds are trees of 64-byte cJSON nodes
 * with short keys and strings: served from malloc they cost a chunk header
 * each and malloc/free were 40% of a Map run's instructions.  jsonmem gives
 * them a pool of size classes instead; everything larger goes to malloc.
 * The rule it brings: memory cJSON allocates (cJSON_Print*, keys, strings)
 * is freed with cJSON_free, and strings handed to cJSON come from
 * cJSON_malloc (jsonmem_strdup), never from malloc or xstrdup.
 * Not here: arenas, growable buffers (buf.h), xalloc.h. */
#ifndef STEPBOOK_JSONMEM_H
#define STEPBOOK_JSONMEM_H

#include <stddef.h>

/* Installs the hooks (cJSON_InitHooks).  Call once, first thing in main,
 * before any cJSON value exists; later calls do nothing.  Sanitizer builds
 * get malloc with an offset instead of the pool, so that a free() of cJSON
 * memory (or a cJSON_free of malloc's) is reported rather than hidden and
 * leaks and use-after-free stay visible. */
void jsonmem_install(void);

/* Returns owned copy of s, free with cJSON_free (or let cJSON free it as
 * a key or a string). */
char *jsonmem_strdup(const char *s);

#endif
