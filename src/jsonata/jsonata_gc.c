/* jsonata_gc.c - compacting a tail loop's memory.  Values live in the
 * evaluation's arena and are never freed one by one; an endless (or very
 * long) tail-recursive loop would therefore grow the arena by every frame
 * it replaces.  Between two turns of the trampoline the loop holds nothing
 * but its next call (the function and its arguments), so what the turn
 * allocated is garbage except what those reach: this copies that (a Cheney
 * walk with an explicit work list, never recursion on value depth) into
 * fresh chunks and gives the rest back, so a tail loop runs in the memory
 * its live values need.  Memory older than the loop's mark is never moved
 * or scanned: the input document costs nothing.
 * Not here: the arena (jsonata_value.c), the trampoline (jsonata_eval.c). */
#include "jsonata_impl.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* What the walk moves by identity (shared or cyclic); arrays of items,
 * members and strings are copied for each owner. */
enum gc_kind { GC_JV, GC_OBJ, GC_FUNC, GC_ENV, GC_BIND };

static const size_t gc_size[] = {
	[GC_JV] = sizeof(jv), /* at least: jv_size by its type */
	[GC_OBJ] = sizeof(struct jobj),
	[GC_FUNC] = sizeof(struct jfunc),
	[GC_ENV] = sizeof(struct jenv),
	[GC_BIND] = sizeof(struct jbind),
};

struct gc_work {
	enum gc_kind kind;
	void *obj; /* the copy, its pointers still old */
};

struct gc {
	const struct jsonata_range *from; /* memory made since the mark */
	size_t nfrom;
	struct jsonata_arena to;
	uintptr_t *old;                   /* forwarding: old -> moved[] */
	void **moved;
	size_t nslots, nmoved;
	struct gc_work *work;
	size_t nwork, alloc_work;
};

static int in_from(const struct gc *g, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	size_t lo = 0, hi = g->nfrom;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a < g->from[mid].lo)
			hi = mid;
		else if (a >= g->from[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static size_t slot_of(const struct gc *g, uintptr_t a)
{
	size_t s = (size_t)((a >> 3) * 0x9E3779B97F4A7C15u) & (g->nslots - 1);
	while (g->old[s] && g->old[s] != a)
		s = (s + 1) & (g->nslots - 1);
	return s;
}

static void map_grow(struct gc *g)
{
	uintptr_t *old = g->old;
	void **moved = g->moved;
	size_t n = g->nslots;
	g->nslots = n ? n * 2 : 256;
	g->old = xcalloc(g->nslots, sizeof(*g->old));
	g->moved = xcalloc(g->nslots, sizeof(*g->moved));
	for (size_t i = 0; i < n; i++)
		if (old[i]) {
			size_t s = slot_of(g, old[i]);
			g->old[s] = old[i];
			g->moved[s] = moved[i];
		}
	free(old);
	free(moved);
}

/* The new place of p: p itself when older than the mark, else its copy
 * (made now and queued for scanning when it is the first visit). */
static void *forward(struct gc *g, enum gc_kind kind, void *p)
{
	if (!p || !in_from(g, p))
		return p;
	if (g->nmoved * 2 >= g->nslots)
		map_grow(g);
	size_t s = slot_of(g, (uintptr_t)p);
	if (g->old[s])
		return g->moved[s];
	size_t size = kind == GC_JV ? jv_size(((const jv *)p)->type) : gc_size[kind];
	void *copy = jsonata_arena_alloc(&g->to, size);
	memcpy(copy, p, size);
	g->old[s] = (uintptr_t)p;
	g->moved[s] = copy;
	g->nmoved++;
	ARRAY_GROW(g->work, g->nwork + 1, g->alloc_work);
	g->work[g->nwork++] = (struct gc_work){ kind, copy };
	return copy;
}

/* A copy of n bytes at p when p is young, else p. */
static void *copy_bytes(struct gc *g, const void *p, size_t n)
{
	if (!p || !in_from(g, p))
		return (void *)p;
	void *c = jsonata_arena_alloc(&g->to, n);
	memcpy(c, p, n);
	return c;
}

static const char *copy_str(struct gc *g, const char *p, size_t len)
{
	if (!p || !in_from(g, p))
		return p;
	return jsonata_arena_strndup(&g->to, p, len);
}

/* Items of an array, copied even when older than the mark: a young array
 * may share an old buffer whose spare room it filled with young items. */
static void scan_value(struct gc *g, jv *v)
{
	switch (v->type) {
	case JV_STR:
		v->u.s.p = copy_str(g, v->u.s.p, v->len);
		break;
	case JV_ARR:
		if (v->len) {
			jv **items = jsonata_arena_alloc(&g->to, v->len * sizeof(jv *));
			for (size_t i = 0; i < v->len; i++)
				items[i] = forward(g, GC_JV, v->u.a.items[i]);
			v->u.a.items = items;
		} else {
			v->u.a.items = NULL;
		}
		JV_CAP(v) = v->len;
		break;
	case JV_OBJ:
		v->u.o = forward(g, GC_OBJ, v->u.o);
		break;
	case JV_FUNC:
		v->u.f = forward(g, GC_FUNC, v->u.f);
		break;
	case JV_TUPLE:
		v->u.t.at = forward(g, GC_JV, v->u.t.at);
		JV_BINDS(v) = forward(g, GC_BIND, JV_BINDS(v));
		break;
	default:
		break;
	}
}

/* Members get arrays of their own (an unshared shape of n keys). */
static void scan_obj(struct gc *g, struct jobj *o)
{
	struct jkey *keys = NULL;
	jv **vals = NULL;
	if (o->n) {
		keys = jsonata_arena_alloc(&g->to, o->n * sizeof(*keys));
		vals = jsonata_arena_alloc(&g->to, o->n * sizeof(*vals));
	}
	for (size_t i = 0; i < o->n; i++) {
		keys[i].key = copy_str(g, o->keys[i].key, o->keys[i].klen);
		keys[i].klen = o->keys[i].klen;
		vals[i] = forward(g, GC_JV, o->vals[i]);
	}
	o->keys = keys;
	o->vals = vals;
	o->cap = o->n; /* its own keys now */
	if (o->slots) {
		size_t words = (size_t)o->slots[-1] + 1; /* the size first */
		uint32_t *slots = jsonata_arena_alloc(&g->to, words * sizeof(*slots));
		memcpy(slots, o->slots - 1, words * sizeof(*slots));
		o->slots = slots + 1;
	}
}

static void scan_func(struct gc *g, struct jfunc *f)
{
	f->params = copy_bytes(g, f->params, f->nparams * sizeof(*f->params));
	f->input = forward(g, GC_JV, f->input);
	f->env = forward(g, GC_ENV, f->env);
	f->f1 = forward(g, GC_JV, f->f1);
	f->f2 = forward(g, GC_JV, f->f2);
	if (f->args && in_from(g, f->args)) {
		jv **args = jsonata_arena_alloc(&g->to, (f->nargs + 1) * sizeof(jv *));
		for (size_t i = 0; i < f->nargs; i++)
			args[i] = forward(g, GC_JV, f->args[i]);
		f->args = args;
	}
	f->holes = copy_bytes(g, f->holes, f->nargs + 1);
}

static void scan_env(struct gc *g, struct jenv *e)
{
	e->parent = forward(g, GC_ENV, e->parent);
	if (e->n) {
		struct jenv_entry *entries = jsonata_arena_alloc(&g->to, e->n * sizeof(*entries));
		for (size_t i = 0; i < e->n; i++) {
			entries[i].name = copy_str(g, e->e[i].name, e->e[i].len);
			entries[i].len = e->e[i].len;
			entries[i].val = forward(g, GC_JV, e->e[i].val);
		}
		e->e = entries;
	} else {
		e->e = NULL;
	}
	e->cap = e->n;
	e->tb = forward(g, GC_BIND, e->tb);
}

static void scan_bind(struct gc *g, struct jbind *b)
{
	b->name = copy_str(g, b->name, b->name ? strlen(b->name) : 0);
	b->val = forward(g, GC_JV, b->val);
	b->next = forward(g, GC_BIND, b->next);
}

static void scan(struct gc *g, const struct gc_work *w)
{
	switch (w->kind) {
	case GC_JV: scan_value(g, w->obj); break;
	case GC_OBJ: scan_obj(g, w->obj); break;
	case GC_FUNC: scan_func(g, w->obj); break;
	case GC_ENV: scan_env(g, w->obj); break;
	case GC_BIND: scan_bind(g, w->obj); break;
	}
}

void jsonata_gc_compact(struct jsonata_eval *ev, const struct jsonata_mark *m,
			jv **roots, size_t n)
{
	struct gc g;
	memset(&g, 0, sizeof(g));
	struct jsonata_range *from = jsonata_arena_since(&ev->arena, m, &g.nfrom);
	g.from = from;
	jsonata_arena_init(&g.to);
	for (size_t i = 0; i < n; i++)
		roots[i] = forward(&g, GC_JV, roots[i]);
	while (g.nwork) {
		struct gc_work w = g.work[--g.nwork];
		scan(&g, &w);
	}
	jsonata_arena_rewind(&ev->arena, m, &g.to);
	free(from);
	free(g.old);
	free(g.moved);
	free(g.work);
}
