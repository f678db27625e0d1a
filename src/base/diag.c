/* diag.c - the diagnostic list (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

void diag_list_release(struct diag_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->items[i].message);
		free(l->items[i].file);
		free(l->items[i].pointer);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static int diag_vadd(struct diag_list *l, struct pos pos, enum severity sev,
		     const char *rule, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	buf_vaddf(&msg, fmt, ap);
	ARRAY_GROW(l->items, l->nr + 1, l->alloc);
	struct diag *d = &l->items[l->nr++];
	d->file = xstrdup(pos.file ? pos.file : "-");
	d->pos = pos;
	d->pos.file = d->file;
	d->severity = sev;
	d->rule = rule;
	d->message = buf_detach(&msg, NULL);
	d->pointer = NULL;
	if (sev == SEV_ERROR)
		l->errors++;
	else if (sev == SEV_WARNING)
		l->warnings++;
	return sev == SEV_ERROR ? -1 : 0;
}

int diag_add(struct diag_list *l, struct pos pos, enum severity sev,
	     const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = diag_vadd(l, pos, sev, rule, fmt, ap);
	va_end(ap);
	return r;
}

int diag_error(struct diag_list *l, struct pos pos, const char *rule,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = diag_vadd(l, pos, SEV_ERROR, rule, fmt, ap);
	va_end(ap);
	return r;
}

void diag_set_pointer(struct diag_list *l, const char *pointer)
{
	if (!l->nr)
		return;
	struct diag *d = &l->items[l->nr - 1];
	free(d->pointer);
	d->pointer = pointer ? xstrdup(pointer) : NULL;
}

static int pos_cmp(const struct pos *a, const struct pos *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

/* Insertion sort: stable, and diagnostic lists are short and mostly sorted. */
void diag_sort(struct diag_list *l)
{
	for (size_t i = 1; i < l->nr; i++) {
		struct diag d = l->items[i];
		size_t j = i;
		while (j > 0 && pos_cmp(&l->items[j - 1].pos, &d.pos) > 0) {
			l->items[j] = l->items[j - 1];
			j--;
		}
		l->items[j] = d;
	}
}

const char *severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_NOTE:
		return "note";
	case SEV_WARNING:
		return "warning";
	case SEV_ERROR:
		return "error";
	}
	return "error";
}
