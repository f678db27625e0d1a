/* xalloc.c - the allocation wrappers declared in xalloc.h. */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static void die_oom(size_t size)
{
	fprintf(stderr, "stepbook: out of memory (%zu bytes)\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die_oom(size_mul(count, size));
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

char *xstrndup(const char *s, size_t len)
{
	char *p = xmalloc(size_add(len, 1));
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

size_t size_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b) {
		fprintf(stderr, "stepbook: size overflow (%zu + %zu)\n", a, b);
		abort();
	}
	return a + b;
}

size_t size_mul(size_t a, size_t b)
{
	if (a && b > SIZE_MAX / a) {
		fprintf(stderr, "stepbook: size overflow (%zu * %zu)\n", a, b);
		abort();
	}
	return a * b;
}
