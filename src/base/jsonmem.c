/* jsonmem.c - a pool for cJSON's small allocations (jsonmem.h).
 * One reservation of address space, carved into 64 KB pages; each page
 * serves one size class (16, 32, 48, 64 bytes) and freed slots go on the
 * class's free list.  A pointer belongs to the pool when it falls inside
 * the reservation; anything else came from malloc.  Pages are never given
 * back: a run's values are freed at its end anyway.  Single-threaded: the
 * pool belongs to the thread that installed it (the main thread; `serve`'s
 * connection threads never touch cJSON), and sanitizer builds assert so.
 * Not here: what the values are (cJSON), xalloc's abort-on-failure. */
#include "jsonmem.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cJSON.h>

#include "xalloc.h"
#include "banned.h"

#if defined(__SANITIZE_ADDRESS__)
#define JSONMEM_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JSONMEM_CHECKED 1
#endif
#endif

#define GRAIN 16
#define CLASSES 4                  /* slots of 16, 32, 48 and 64 bytes */
#define PAGE ((size_t)1 << 16)
#define COMMIT_STEP ((size_t)1 << 20)
/* Address space only (PROT_NONE until used): bounds the pool, not the
 * program; past it allocations go to malloc. */
#define RESERVE (sizeof(void *) >= 8 ? (size_t)1 << 34 : (size_t)1 << 28)

struct slot {
	struct slot *next;
};

static struct {
	uintptr_t base, top, committed, end; /* top: first page not carved */
	struct slot *free[CLASSES + 1];
	uintptr_t bump[CLASSES + 1], bump_end[CLASSES + 1];
	unsigned char *class_of; /* per page */
	int installed;
	pthread_t owner;         /* the thread that installed the hooks */
} pool;

/* Carves a new page for class c.  0, or -1 when the reservation is spent
 * (or cannot be committed). */
static int new_page(size_t c)
{
	if (pool.top + PAGE > pool.end)
		return -1;
	if (pool.top + PAGE > pool.committed) {
		size_t step = COMMIT_STEP;
		if (pool.committed + step > pool.end)
			step = pool.end - pool.committed;
		if (mprotect((void *)pool.committed, step, PROT_READ | PROT_WRITE))
			return -1;
		pool.committed += step;
	}
	size_t size = c * GRAIN;
	pool.class_of[(pool.top - pool.base) / PAGE] = (unsigned char)c;
	pool.bump[c] = pool.top;
	pool.bump_end[c] = pool.top + PAGE / size * size;
	pool.top += PAGE;
	return 0;
}

/* The slow path of pool_alloc: a fresh slot from a page, or malloc. */
static __attribute__((noinline)) void *pool_carve(size_t n, size_t c)
{
	if (c > CLASSES || !pool.base ||
	    (pool.bump[c] == pool.bump_end[c] && new_page(c)))
		return malloc(n);
	void *p = (void *)pool.bump[c];
	pool.bump[c] += c * GRAIN;
	return p;
}

static void *pool_alloc(size_t n)
{
	size_t c = (n + (n == 0) + GRAIN - 1) / GRAIN;
	struct slot *s = c <= CLASSES ? pool.free[c] : NULL;
	if (!s)
		return pool_carve(n, c);
	pool.free[c] = s->next;
	return s;
}

static void pool_free(void *p)
{
	uintptr_t q = (uintptr_t)p;
	if (q < pool.base || q >= pool.top) {
		free(p);
		return;
	}
	size_t c = pool.class_of[(q - pool.base) / PAGE];
	struct slot *s = p;
	s->next = pool.free[c];
	pool.free[c] = s;
}

static void pool_init(void)
{
	void *m = mmap(NULL, RESERVE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return; /* malloc serves everything */
	pool.base = pool.top = pool.committed = (uintptr_t)m;
	pool.end = pool.base + RESERVE;
	pool.class_of = xcalloc(RESERVE / PAGE, 1);
}

/* Sanitizer builds: malloc, handing out the address GRAIN bytes in, so
 * that free() on cJSON memory, or cJSON_free on malloc's, is a bad free;
 * and a cJSON value made on another thread than the pool's owner stops
 * the program (the pool would have raced). */
static void *checked_alloc(size_t n)
{
	assert(pthread_equal(pthread_self(), pool.owner) &&
	       "cJSON used off the main thread");
	char *p = malloc(size_add(n, GRAIN));
	return p ? p + GRAIN : NULL;
}

static void checked_free(void *p)
{
	if (p)
		free((char *)p - GRAIN);
}

void jsonmem_install(void)
{
	cJSON_Hooks h;
	if (pool.installed)
		return;
	pool.installed = 1;
	pool.owner = pthread_self();
#ifdef JSONMEM_CHECKED
	h.malloc_fn = checked_alloc;
	h.free_fn = checked_free;
	(void)pool_alloc, (void)pool_free, (void)pool_init;
#else
	pool_init();
	h.malloc_fn = pool_alloc;
	h.free_fn = pool_free;
	(void)checked_alloc, (void)checked_free;
#endif
	cJSON_InitHooks(&h);
}

char *jsonmem_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = cJSON_malloc(n);
	if (!p)
		abort();
	memcpy(p, s, n);
	return p;
}
