/* jsonata_value.c - the arena, the value type and what every part of the
 * engine does with values: objects in insertion order with a hash index,
 * deep equality, truthiness, UTF-16 lengths of UTF-8 text, JavaScript's
 * number format, JSON text, and conversion to and from cJSON.
 * Not here: evaluation (jsonata_eval.c), built-ins (jsonata_fns.c). */
#include "jsonata_impl.h"
#include "jsonata_picture.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xalloc.h"
#include "banned.h"

/* ---- arena --------------------------------------------------------------- */

/* The first chunk is this big; each next one doubles, up to ARENA_CHUNK_MAX,
 * so a small evaluation (a state's field) costs one small chunk while a big
 * document's chunks are large enough that calloc maps fresh zero pages
 * instead of clearing heap memory. */
#define ARENA_CHUNK (16 * 1024)
#define ARENA_CHUNK_MAX (8 * 1024 * 1024)

/* Chunks this big or bigger are mapped straight from the system: freed,
 * they go back at once.  (From malloc they would not: after the first big
 * free, glibc serves big blocks from its heap, where calloc must clear
 * memory it already holds, and a scope that gives back a chunk would then
 * pay for clearing the next one in resident pages.) */
#define ARENA_MAP_MIN ((size_t)256 * 1024)

struct jsonata_chunk {
	struct jsonata_chunk *next;
	size_t size;    /* bytes of data */
	char *top;      /* end of the used room once it is no longer the head */
	uint8_t mapped; /* from mmap, not malloc */
	uint8_t big;    /* one allocation of its own */
	uint8_t reused; /* a spare taken again: its room opens all at once */
	max_align_t data[];
};

static struct jsonata_chunk *chunk_new(size_t room)
{
	size_t total = size_add(sizeof(struct jsonata_chunk), room);
	struct jsonata_chunk *c = NULL;
	if (total >= ARENA_MAP_MIN) {
		void *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			c = p;
			c->mapped = 1;
		}
	}
	if (!c)
		c = xcalloc(1, total);
	c->size = room;
	return c;
}

static void chunk_free(struct jsonata_chunk *c)
{
	if (c->mapped)
		munmap(c, sizeof(*c) + c->size);
	else
		free(c);
}

/* A chunk for 'room' bytes: the spare one a rewind kept, cleared, when it
 * is big enough. */
static struct jsonata_chunk *chunk_get(struct jsonata_arena *a, size_t room)
{
	struct jsonata_chunk *c = a->spare;
	if (!c || c->size < room)
		return chunk_new(room);
	a->spare = NULL;
	memset(c->data, 0, (size_t)(c->top - (char *)c->data));
	c->next = NULL;
	c->top = NULL;
	c->reused = 1;
	return c;
}

void jsonata_arena_init(struct jsonata_arena *a)
{
	memset(a, 0, sizeof(*a));
}

void jsonata_arena_release(struct jsonata_arena *a)
{
	for (size_t i = a->ncleanups; i > 0; i--)
		a->cleanups[i - 1](a->cleanup_args[i - 1]);
	free(a->cleanups);
	free(a->cleanup_args);
	struct jsonata_chunk *c = a->head;
	while (c) {
		struct jsonata_chunk *next = c->next;
		chunk_free(c);
		c = next;
	}
	if (a->spare)
		chunk_free(a->spare);
	memset(a, 0, sizeof(*a));
}

/* A mapped chunk's room opens a window at a time, its pages populated
 * by one call (MADV_POPULATE_WRITE) rather than a fault each: a large
 * document's values fill megabytes of fresh pages, and a fault per page
 * costs more than the page's clearing.  A window, not the chunk: the
 * pages not yet needed stay out of the process's memory. */
#define ARENA_WINDOW ((size_t)64 * 1024)

/* Moves a->end (inside the mapped head chunk) a window further. */
static void open_window(struct jsonata_arena *a)
{
	char *limit = (char *)a->head->data + a->head->size;
	char *to = (size_t)(limit - a->end) > ARENA_WINDOW ? a->end + ARENA_WINDOW : limit;
	uintptr_t page = 4096;
	uintptr_t lo = (uintptr_t)a->end & ~(page - 1);
#ifdef MADV_POPULATE_WRITE
	madvise((void *)lo, (uintptr_t)to - lo, MADV_POPULATE_WRITE); /* else faults */
#endif
	a->end = to;
}

/* Opens windows until size bytes fit, when they fit in the head chunk
 * at all (else nothing: the next chunk takes them).  A block larger than
 * a window (an array's reserved room) opens unpopulated: its pages fault
 * in as it fills, if it ever does. */
static void open_room(struct jsonata_arena *a, size_t size)
{
	if (!a->head || !a->head->mapped ||
	    (size_t)((char *)a->head->data + a->head->size - a->next) < size)
		return;
	if (size > ARENA_WINDOW) {
		if ((size_t)(a->end - a->next) < size)
			a->end = a->next + size;
		return;
	}
	while ((size_t)(a->end - a->next) < size)
		open_window(a);
}

void *jsonata_arena_alloc_slow(struct jsonata_arena *a, size_t size)
{
	size_t al = sizeof(double); /* values hold pointers and doubles only */
	size = size_add(size, al - 1) / al * al;
	if (size == 0)
		size = al;
	a->bytes = size_add(a->bytes, size);
	open_room(a, size);
	if ((size_t)(a->end - a->next) < size) {
		size_t chunk = a->chunk ? a->chunk : ARENA_CHUNK;
		size_t room = size > chunk / 4 ? size : chunk;
		if (room == chunk && chunk < ARENA_CHUNK_MAX)
			a->chunk = chunk * 2;
		struct jsonata_chunk *c = room == chunk ? chunk_get(a, room) : chunk_new(room);
		room = c->size;
		c->big = room == size;
		if (room == size && a->head && a->head != a->floor) {
			/* a big one: keep the head chunk's free room in use */
			c->next = a->head->next;
			a->head->next = c;
			return c->data;
		}
		if (a->head)
			a->head->top = a->next;
		c->next = a->head;
		a->head = c;
		a->next = (char *)c->data;
		/* a fresh mapped chunk opens window by window; a spare again
		 * (a scope that ends past a chunk's end, each time) at once, its
		 * pages faulting in if ever used: no system call each time */
		a->end = c->mapped && !c->reused ? a->next : a->next + room;
		open_room(a, size);
	}
	void *p = a->next; /* chunks come zeroed, rewound room is cleared */
	a->next += size;
	return p;
}

char *jsonata_arena_strndup(struct jsonata_arena *a, const char *s, size_t n)
{
	char *p = jsonata_arena_alloc(a, size_add(n, 1));
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void jsonata_arena_cleanup(struct jsonata_arena *a, void (*fn)(void *),
			   void *arg)
{
	ARRAY_GROW(a->cleanups, a->ncleanups + 1, a->alloc_cleanups);
	size_t cap = a->alloc_cleanups;
	a->cleanup_args = xrealloc(a->cleanup_args, size_mul(cap, sizeof(void *)));
	a->cleanups[a->ncleanups] = fn;
	a->cleanup_args[a->ncleanups] = arg;
	a->ncleanups++;
}

void jsonata_arena_mark(struct jsonata_arena *a, struct jsonata_mark *m)
{
	m->head = a->head;
	m->floor = a->floor;
	m->next = a->next;
	m->end = a->end;
	m->bytes = a->bytes;
	a->floor = a->head;
}

void jsonata_arena_unmark(struct jsonata_arena *a, const struct jsonata_mark *m)
{
	a->floor = m->floor;
}

int jsonata_arena_since_has(const struct jsonata_arena *a,
			    const struct jsonata_mark *m, const void *p)
{
	uintptr_t x = (uintptr_t)p;
	for (const struct jsonata_chunk *c = a->head; c != m->head; c = c->next)
		if (x >= (uintptr_t)c->data && x < (uintptr_t)c->data + c->size)
			return 1;
	return m->head && x >= (uintptr_t)m->next &&
	       x < (uintptr_t)m->head->data + m->head->size;
}

void jsonata_arena_rewind(struct jsonata_arena *a, const struct jsonata_mark *m,
			  struct jsonata_arena *from)
{
	struct jsonata_chunk *c = a->head;
	while (c != m->head) {
		struct jsonata_chunk *next = c->next;
		if (!c->big && (!a->spare || a->spare->size < c->size)) {
			/* kept for the next chunk: a scope that ends past a
			 * chunk's end does not map and unmap one each time */
			if (a->spare)
				chunk_free(a->spare);
			if (c == a->head)
				c->top = a->next;
			a->spare = c;
		} else {
			chunk_free(c);
		}
		c = next;
	}
	if (m->head) {
		/* allocations count on zeroed memory: clear what was used */
		char *top = a->head == m->head ? a->next : m->head->top;
		if (top > m->next)
			memset(m->next, 0, (size_t)(top - m->next));
		m->head->top = m->next;
	}
	/* in the same chunk the room stays open as far as it was (its pages
	 * are there, zeroed): a scope that ends past a window's edge would
	 * otherwise open that window again each time, a system call each */
	char *end = a->head == m->head && a->end > m->end ? a->end : m->end;
	a->head = m->head;
	a->next = m->next;
	a->end = end;
	a->bytes = m->bytes;
	if (from && from->head) {
		struct jsonata_chunk *last = from->head;
		while (last->next)
			last = last->next;
		last->next = a->head;
		a->head = from->head;
		a->next = from->next;
		a->end = from->end;
		a->bytes = size_add(a->bytes, from->bytes);
	}
	if (from)
		memset(from, 0, sizeof(*from));
}

static int range_cmp(const void *x, const void *y)
{
	const struct jsonata_range *a = x, *b = y;
	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

struct jsonata_range *jsonata_arena_since(const struct jsonata_arena *a,
					  const struct jsonata_mark *m,
					  size_t *n)
{
	size_t count = 1;
	for (const struct jsonata_chunk *c = a->head; c != m->head; c = c->next)
		count++;
	struct jsonata_range *r = xmalloc(size_mul(count, sizeof(*r)));
	*n = 0;
	for (const struct jsonata_chunk *c = a->head; c != m->head; c = c->next)
		r[(*n)++] = (struct jsonata_range){ (uintptr_t)c->data,
						    (uintptr_t)c->data + c->size };
	if (m->head && m->next)
		r[(*n)++] = (struct jsonata_range){ (uintptr_t)m->next,
			(uintptr_t)m->head->data + m->head->size };
	qsort(r, *n, sizeof(*r), range_cmp);
	return r;
}

/* ---- constructors -------------------------------------------------------- */

jv jsonata_null_ = { .type = JV_NULL };
jv jsonata_true_ = { .type = JV_BOOL, .u.b = 1 };
jv jsonata_false_ = { .type = JV_BOOL, .u.b = 0 };

/* Array counts and string lengths are 32-bit: the memory bound keeps every
 * array and built string far below, and the JSON parser refuses longer
 * strings, so passing it is a broken invariant, not an input error. */
static size_t check_count(size_t n)
{
	if (n > UINT32_MAX) {
		fprintf(stderr, "jsonata: a value of %zu items or bytes passed the memory bound\n", n);
		abort();
	}
	return n;
}

size_t jv_size(uint8_t type)
{
	return type == JV_ARR ? sizeof(struct jarr)
	       : type == JV_TUPLE ? sizeof(struct jtuple) : sizeof(jv);
}

static jv *jv_new(struct jsonata_eval *ev, uint8_t type)
{
	jv *v = jsonata_arena_alloc(&ev->arena, jv_size(type));
	v->type = type;
	return v;
}

jv *jv_num(struct jsonata_eval *ev, double n)
{
	jv *v = jv_new(ev, JV_NUM);
	v->u.n = n;
	return v;
}

jv *jv_str_borrow(struct jsonata_eval *ev, const char *p, size_t len)
{
	jv *v = jv_new(ev, JV_STR);
	v->u.s.p = p;
	v->len = (uint32_t)check_count(len);
	return v;
}

/* The value and its text in one allocation. */
jv *jv_str(struct jsonata_eval *ev, const char *p, size_t len)
{
	/* no overflow: check_count keeps len below 2^32 */
	jv *v = jsonata_arena_alloc(&ev->arena, sizeof(jv) + check_count(len) + 1);
	char *text = (char *)(v + 1);
	if (len)
		memcpy(text, p, len);
	v->type = JV_STR;
	v->len = (uint32_t)len;
	v->u.s.p = text; /* NUL-terminated: the arena's memory is zeroed */
	return v;
}

jv *jv_str_buf(struct jsonata_eval *ev, struct buf *b)
{
	return jv_str(ev, b->ptr, b->len);
}

jv *jv_arr(struct jsonata_eval *ev, size_t cap)
{
	jv *v = jv_new(ev, JV_ARR);
	if (check_count(cap)) {
		v->u.a.items = jsonata_arena_alloc(&ev->arena,
						   size_mul(cap, sizeof(jv *)));
		JV_CAP(v) = (uint32_t)cap;
	}
	return v;
}

jv *jv_seq(struct jsonata_eval *ev)
{
	jv *v = jv_arr(ev, 0);
	v->flags = JV_SEQ;
	return v;
}

void jv_reserve(struct jsonata_eval *ev, jv *arr, size_t extra)
{
	size_t need = check_count(size_add(arr->len, extra));
	if (need <= JV_CAP(arr))
		return;
	jv **items = jsonata_arena_alloc(&ev->arena, size_mul(need, sizeof(jv *)));
	if (arr->len)
		memcpy(items, arr->u.a.items, arr->len * sizeof(jv *));
	arr->u.a.items = items;
	JV_CAP(arr) = (uint32_t)need;
}

void jv_push(struct jsonata_eval *ev, jv *arr, jv *item)
{
	if (arr->len == JV_CAP(arr)) {
		size_t cap = check_count(JV_CAP(arr) ? size_mul(JV_CAP(arr), 2) : 4);
		jv **items = jsonata_arena_alloc(&ev->arena,
						 size_mul(cap, sizeof(jv *)));
		if (arr->len)
			memcpy(items, arr->u.a.items, arr->len * sizeof(jv *));
		arr->u.a.items = items;
		JV_CAP(arr) = (uint32_t)cap;
	}
	arr->u.a.items[arr->len++] = item;
}

jv *jv_obj(struct jsonata_eval *ev)
{
	jv *v = jv_new(ev, JV_OBJ);
	v->u.o = jsonata_arena_alloc(&ev->arena, sizeof(struct jobj));
	return v;
}

jv *jv_tuple(struct jsonata_eval *ev, jv *at, struct jbind *b)
{
	jv *v = jv_new(ev, JV_TUPLE);
	v->u.t.at = at;
	JV_BINDS(v) = b;
	return v;
}

struct jbind *jv_bind(struct jsonata_eval *ev, struct jbind *next,
		      const char *name, jv *val)
{
	struct jbind *b = jsonata_arena_alloc(&ev->arena, sizeof(*b));
	b->name = name;
	b->val = val;
	b->next = next;
	return b;
}

/* ---- objects ------------------------------------------------------------- */

/* Objects with more keys than this get a hash index. */
#define OBJ_LINEAR 8

static uint32_t key_hash(const char *k, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)k[i]) * 16777619u;
	return h;
}

/* Most keys differ in length or first byte: no call for those. */
static inline int same_key(const struct jkey *kv, const char *key, size_t klen)
{
	return kv->klen == klen && (klen == 0 || (kv->key[0] == key[0] &&
			memcmp(kv->key, key, klen) == 0));
}

static long obj_find(const struct jobj *o, const char *key, size_t klen)
{
	if (!o->slots) {
		for (size_t i = 0; i < o->n; i++)
			if (same_key(&o->keys[i], key, klen))
				return (long)i;
		return -1;
	}
	size_t mask = o->slots[-1] - 1;
	for (size_t s = key_hash(key, klen) & mask;; s = (s + 1) & mask) {
		uint32_t at = o->slots[s];
		if (at == 0)
			return -1;
		if (same_key(&o->keys[at - 1], key, klen))
			return (long)(at - 1);
	}
}

static void obj_reindex(struct jsonata_eval *ev, struct jobj *o)
{
	size_t ns = 16;
	while (ns < o->n * 2 + 2)
		ns *= 2;
	uint32_t *index = jsonata_arena_alloc(&ev->arena, (ns + 1) * sizeof(uint32_t));
	index[0] = (uint32_t)ns;
	o->slots = index + 1;
	for (size_t i = 0; i < o->n; i++) {
		size_t s = key_hash(o->keys[i].key, o->keys[i].klen) & (ns - 1);
		while (o->slots[s])
			s = (s + 1) & (ns - 1);
		o->slots[s] = (uint32_t)(i + 1);
	}
}

jv *jv_get(const jv *obj, const char *key, size_t klen)
{
	long i = obj_find(obj->u.o, key, klen);
	return i < 0 ? NULL : obj->u.o->vals[i];
}

jv *jv_get_hinted(const jv *obj, const char *key, size_t klen, uint32_t *hint)
{
	const struct jobj *o = obj->u.o;
	if (*hint < o->n && same_key(&o->keys[*hint], key, klen))
		return o->vals[*hint];
	long i = obj_find(o, key, klen);
	if (i < 0)
		return NULL;
	*hint = (uint32_t)i;
	return o->vals[i];
}

/* Gives o its own arrays of at least cap members. */
static void obj_resize(struct jsonata_eval *ev, struct jobj *o, size_t cap)
{
	struct jkey *keys = jsonata_arena_alloc(&ev->arena, size_mul(cap, sizeof(*keys)));
	jv **vals = jsonata_arena_alloc(&ev->arena, size_mul(cap, sizeof(*vals)));
	if (o->n) {
		memcpy(keys, o->keys, o->n * sizeof(*keys));
		memcpy(vals, o->vals, o->n * sizeof(*vals));
	}
	o->keys = keys;
	o->vals = vals;
	o->cap = (uint32_t)check_count(cap);
}

void jv_obj_reserve(struct jsonata_eval *ev, jv *obj, size_t n)
{
	struct jobj *o = obj->u.o;
	if (n > o->cap)
		obj_resize(ev, o, n > o->n ? n : o->n);
}

jv *jv_obj_shaped(struct jsonata_eval *ev, struct jkey *keys, size_t n)
{
	size_t head = sizeof(jv) + sizeof(struct jobj);
	char *block = jsonata_arena_alloc(&ev->arena,
					  size_add(head, size_mul(n, sizeof(jv *))));
	jv *v = (jv *)block;
	struct jobj *o = (struct jobj *)(block + sizeof(jv));
	v->type = JV_OBJ;
	v->u.o = o;
	o->keys = keys;
	o->vals = (jv **)(block + head);
	o->n = (uint32_t)check_count(n);
	o->cap = 0; /* shared */
	if (n > OBJ_LINEAR)
		obj_reindex(ev, o);
	return v;
}

void jv_set(struct jsonata_eval *ev, jv *obj, const char *key, size_t klen,
	    jv *val)
{
	struct jobj *o = obj->u.o;
	long i = obj_find(o, key, klen);
	if (i >= 0) {
		o->vals[i] = val;
		return;
	}
	if (o->n >= o->cap) /* full, or shared */
		obj_resize(ev, o, o->n ? size_mul(o->n, 2) : 4);
	o->keys[o->n].key = key;
	o->keys[o->n].klen = klen;
	o->vals[o->n] = val;
	o->n++;
	if (o->n > OBJ_LINEAR && (!o->slots || o->n * 2 > o->slots[-1]))
		obj_reindex(ev, o);
	else if (o->slots) {
		size_t mask = o->slots[-1] - 1;
		size_t s = key_hash(key, klen) & mask;
		while (o->slots[s])
			s = (s + 1) & mask;
		o->slots[s] = (uint32_t)o->n;
	}
}

/* A shared shape is copied first: other objects still use it. */
void jv_del(struct jsonata_eval *ev, jv *obj, const char *key, size_t klen)
{
	struct jobj *o = obj->u.o;
	long i = obj_find(o, key, klen);
	if (i < 0)
		return;
	if (JOBJ_SHARED(o))
		obj_resize(ev, o, o->n);
	memmove(&o->keys[i], &o->keys[i + 1], (o->n - (size_t)i - 1) * sizeof(*o->keys));
	memmove(&o->vals[i], &o->vals[i + 1], (o->n - (size_t)i - 1) * sizeof(*o->vals));
	o->n--;
	o->slots = NULL; /* back to a linear scan; rebuilt on the next set */
}

/* ---- predicates ------------------------------------------------------------ */

int jv_is_int(const jv *v)
{
	return jv_is_num(v) && isfinite(v->u.n) && floor(v->u.n) == v->u.n;
}

static int equal_depth(const jv *a, const jv *b, int depth)
{
	if (a == b)
		return 1;
	if (!a || !b || a->type != b->type || depth > JSONATA_MAX_VALUE_DEPTH)
		return 0;
	switch (a->type) {
	case JV_NULL: return 1;
	case JV_BOOL: return a->u.b == b->u.b;
	case JV_NUM: return a->u.n == b->u.n;
	case JV_STR:
		return a->len == b->len &&
		       memcmp(a->u.s.p, b->u.s.p, a->len) == 0;
	case JV_ARR:
		if (a->len != b->len)
			return 0;
		for (size_t i = 0; i < a->len; i++)
			if (!equal_depth(a->u.a.items[i], b->u.a.items[i], depth + 1))
				return 0;
		return 1;
	case JV_OBJ:
		if (a->u.o->n != b->u.o->n)
			return 0;
		for (size_t i = 0; i < a->u.o->n; i++) {
			const struct jkey *kv = &a->u.o->keys[i];
			jv *o = jv_get(b, kv->key, kv->klen);
			if (!o || !equal_depth(a->u.o->vals[i], o, depth + 1))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

int jv_equal(const jv *a, const jv *b)
{
	return equal_depth(a, b, 0);
}

int jv_truthy(const jv *v)
{
	if (!v)
		return 0;
	switch (v->type) {
	case JV_BOOL: return v->u.b;
	case JV_NUM: return v->u.n != 0 && !isnan(v->u.n);
	case JV_STR: return v->len > 0;
	case JV_OBJ: return v->u.o->n > 0;
	case JV_ARR:
		if (v->len == 1)
			return jv_truthy(v->u.a.items[0]);
		for (size_t i = 0; i < v->len; i++)
			if (jv_truthy(v->u.a.items[i]))
				return 1;
		return 0;
	default:
		return 0;
	}
}

/* ---- UTF-8 and UTF-16 --------------------------------------------------- */

/* Length of the UTF-8 sequence that starts with byte c (1 for stray bytes). */
static size_t utf8_seq(unsigned char c)
{
	if (c < 0xC0)
		return 1;
	if (c < 0xE0)
		return 2;
	if (c < 0xF0)
		return 3;
	return 4;
}

size_t jsonata_utf16_len(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq((unsigned char)s[i]);
		n += k == 4 ? 2 : 1;
		i += k;
	}
	return n;
}

size_t jsonata_utf16_offset(const char *s, size_t len, size_t u)
{
	size_t i = 0, n = 0;
	while (i < len && n < u) {
		size_t k = utf8_seq((unsigned char)s[i]);
		n += k == 4 ? 2 : 1;
		i += k;
	}
	return i > len ? len : i;
}

void jsonata_utf8_put(struct buf *b, uint32_t cp)
{
	char o[4];
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, o, 4);
	}
}

/* UTF-8 orders as UTF-16 does except that U+E000..U+FFFF sort after
 * supplementary characters in UTF-16 (surrogates are 0xD800..0xDFFF). */
static unsigned utf16_rank(const unsigned char *p)
{
	unsigned c = p[0];
	if (c >= 0xF0)
		return 0xEE; /* a surrogate pair: between 0xED and 0xEE leads */
	return c >= 0xEE ? c + 1 : c;
}

int jv_strcmp(const jv *a, const jv *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	const unsigned char *p = (const unsigned char *)a->u.s.p;
	const unsigned char *q = (const unsigned char *)b->u.s.p;
	size_t i = 0;
	while (i < n && p[i] == q[i])
		i++;
	if (i == n)
		return a->len < b->len ? -1 : a->len > b->len;
	/* back to the lead byte of the differing characters */
	while (i > 0 && (p[i] & 0xC0) == 0x80)
		i--;
	unsigned ra = utf16_rank(p + i), rb = utf16_rank(q + i);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return p[i] < q[i] ? -1 : 1;
}

/* ---- numbers as JavaScript writes them --------------------------------- */

/* Shortest round-trip digits of d (no sign): digits[] and the decimal
 * exponent of the first digit.  15 digits first: most numbers need no more,
 * and a 15-digit result that reads back is already the shortest. */
static size_t shortest_digits(double d, char digits[24], int *exp10)
{
	char tmp[40];
	/* a subnormal holds fewer digits: 5e-324 is the shortest of its own */
	for (int prec = fabs(d) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d || prec == 17)
			break;
	}
	size_t k = 0;
	const char *p = tmp + (tmp[0] == '-');
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[k++] = *p;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	*exp10 = atoi(p + 1);
	return k;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* d (finite, not 0) as m / 10^k with m below 10^15 and k the least that
 * reads back as d: m and 10^k are exact doubles and their quotient is
 * correctly rounded, as strtod rounds the decimal, so the test is exact;
 * below 10^15 no two decimals of as many digits read back as the same
 * double, so m's digits are the shortest, JavaScript's.  0 when d needs
 * more digits or a larger k: printf and strtod decide then. */
static int short_decimal(double d, uint64_t *m, int *k)
{
	double a = fabs(d);
	for (int e = 0; e < (int)(sizeof(pow10_exact) / sizeof(*pow10_exact)); e++) {
		double s = a * pow10_exact[e];
		if (s >= 1e15)
			return 0;
		double r = nearbyint(s);
		if (r != 0 && r / pow10_exact[e] == a) {
			*m = (uint64_t)r;
			*k = e;
			return 1;
		}
	}
	return 0;
}

/* The digits of m (not 0) without its trailing zeros; returns how many
 * there were before they went in *all. */
static size_t integer_digits(uint64_t m, char digits[24], size_t *all)
{
	char tmp[24];
	size_t n = 0;
	while (m) {
		tmp[n++] = (char)('0' + m % 10);
		m /= 10;
	}
	*all = n;
	size_t k = 0;
	while (k < n - 1 && tmp[k] == '0')
		k++;
	size_t len = n - k;
	for (size_t i = 0; i < len; i++)
		digits[i] = tmp[n - 1 - i];
	digits[len] = '\0';
	return len;
}

void jsonata_num_js(double d, char out[32])
{
	if (isnan(d)) {
		snprintf(out, 32, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(out, 32, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (d == 0) {
		snprintf(out, 32, "0");
		return;
	}
	char digits[24];
	int e;
	size_t k, all;
	uint64_t m;
	int places;
	if (d == floor(d) && fabs(d) < 9007199254740992.0) {
		/* an integer: its digits, as %lld would write them */
		k = integer_digits((uint64_t)fabs(d), digits, &all);
		e = (int)all - 1;
	} else if (short_decimal(d, &m, &places)) {
		k = integer_digits(m, digits, &all);
		e = (int)all - 1 - places;
	} else {
		k = shortest_digits(d, digits, &e);
	}
	int n = e + 1; /* position of the decimal point */
	char *o = out;
	size_t room = 32;
	int w = 0;
	if (d < 0)
		o[w++] = '-';
	if ((int)k <= n && n <= 21) {
		memcpy(o + w, digits, k);
		w += (int)k;
		for (int i = (int)k; i < n; i++)
			o[w++] = '0';
	} else if (0 < n && n <= 21) {
		memcpy(o + w, digits, (size_t)n);
		w += n;
		o[w++] = '.';
		memcpy(o + w, digits + n, k - (size_t)n);
		w += (int)k - n;
	} else if (-6 < n && n <= 0) {
		o[w++] = '0';
		o[w++] = '.';
		for (int i = 0; i < -n; i++)
			o[w++] = '0';
		memcpy(o + w, digits, k);
		w += (int)k;
	} else {
		o[w++] = digits[0];
		if (k > 1) {
			o[w++] = '.';
			memcpy(o + w, digits + 1, k - 1);
			w += (int)k - 1;
		}
		w += snprintf(o + w, room - (size_t)w, "e%c%d", n - 1 >= 0 ? '+' : '-',
			      abs(n - 1));
	}
	o[w] = '\0';
}

/* Number(d.toPrecision(15)), the value $string writes. */
double jsonata_num_15(double d)
{
	if (d == floor(d) && fabs(d) < 1e15)
		return d;
	uint64_t m;
	int places;
	if (isfinite(d) && short_decimal(d, &m, &places))
		return d; /* 15 digits or fewer already: toPrecision(15) keeps it */
	/* printf rounds a tie to even, toPrecision away from zero: a value
	 * whose 16th digit rounds to a 5 may be a tie (8120175471398665), and
	 * goes through the exact expansion */
	char num[40];
	snprintf(num, sizeof(num), "%.15e", d);
	const char *e = strchr(num, 'e');
	if (e && e[-1] == '5') {
		struct buf exact = BUF_INIT;
		jsonata_picture_to_precision(d, 15, &exact);
		double r = strtod(exact.ptr, NULL);
		buf_release(&exact);
		return r;
	}
	snprintf(num, sizeof(num), "%.15g", d);
	return strtod(num, NULL);
}

/* ---- JSON text ------------------------------------------------------------ */

static void json_string(struct buf *b, const char *s, size_t len)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\b': buf_adds(b, "\\b"); break;
		case '\f': buf_adds(b, "\\f"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default:
			if (c < 0x20)
				buf_addf(b, "\\u%04x", c);
			else
				buf_addc(b, (char)c);
		}
	}
	buf_addc(b, '"');
}

static void newline(struct buf *b, int indent, int level)
{
	if (!indent)
		return;
	buf_addc(b, '\n');
	for (int i = 0; i < indent * level; i++)
		buf_addc(b, ' ');
}

/* Iterative on nothing: callers bound the depth (JSONATA_MAX_VALUE_DEPTH). */
static int stringify(struct jsonata_eval *ev, const jv *v, int indent,
		     int level, struct buf *b)
{
	char num[32];
	if (level > JSONATA_MAX_VALUE_DEPTH)
		return jsonata_failf(ev, "D1099", 0, "", "a value nested deeper than %d levels cannot be written",
				     JSONATA_MAX_VALUE_DEPTH);
	if (b->len > JSONATA_MAX_STRING)
		return jsonata_failf(ev, "D1099", 0, "", "a string longer than %zu bytes cannot be built",
				     (size_t)JSONATA_MAX_STRING);
	if (!v) {
		buf_adds(b, "null");
		return 0;
	}
	switch (v->type) {
	case JV_NULL: buf_adds(b, "null"); return 0;
	case JV_BOOL: buf_adds(b, v->u.b ? "true" : "false"); return 0;
	case JV_NUM: {
		if (!isfinite(v->u.n))
			return jsonata_fail(ev, "D1001", 0, "", v);
		/* 15 digits may round past the largest double: JSON.stringify
		 * writes that Infinity as null */
		double d15 = jsonata_num_15(v->u.n);
		if (!isfinite(d15)) {
			buf_adds(b, "null");
			return 0;
		}
		jsonata_num_js(d15, num);
		buf_adds(b, num);
		return 0;
	}
	case JV_STR: json_string(b, v->u.s.p, v->len); return 0;
	case JV_FUNC: buf_adds(b, "\"\""); return 0;
	case JV_ARR:
		if (v->len == 0) {
			buf_adds(b, "[]");
			return 0;
		}
		buf_addc(b, '[');
		for (size_t i = 0; i < v->len; i++) {
			if (i)
				buf_addc(b, ',');
			newline(b, indent, level + 1);
			if (stringify(ev, v->u.a.items[i], indent, level + 1, b) < 0)
				return -1;
		}
		newline(b, indent, level);
		buf_addc(b, ']');
		return 0;
	case JV_OBJ: {
		int first = 1;
		buf_addc(b, '{');
		for (size_t i = 0; i < v->u.o->n; i++) {
			const struct jkey *kv = &v->u.o->keys[i];
			jv *val = v->u.o->vals[i];
			if (!val)
				continue;
			if (!first)
				buf_addc(b, ',');
			first = 0;
			newline(b, indent, level + 1);
			json_string(b, kv->key, kv->klen);
			buf_adds(b, indent ? ": " : ":");
			if (stringify(ev, val, indent, level + 1, b) < 0)
				return -1;
		}
		if (!first)
			newline(b, indent, level);
		buf_addc(b, '}');
		return 0;
	}
	default:
		buf_adds(b, "null");
		return 0;
	}
}

int jsonata_stringify(struct jsonata_eval *ev, const jv *v, int pretty,
		      struct buf *out)
{
	if (v && v->type == JV_STR) {
		buf_add(out, v->u.s.p, v->len);
		return 0;
	}
	if (v && v->type == JV_FUNC)
		return 0;
	if (v && v->type == JV_NUM && !isfinite(v->u.n))
		return jsonata_fail(ev, "D3001", 0, "", v);
	if (v && v->type == JV_ARR && (v->flags & JV_OUTER) && v->len)
		v = v->u.a.items[0];
	return stringify(ev, v, pretty ? 2 : 0, 0, out);
}

/* ---- cJSON boundary ------------------------------------------------------- */

/* cJSON's parser nests at most CJSON_NESTING_LIMIT deep, which bounds this
 * recursion for parsed input; built input is checked the same way. */
static jv *from_cjson(struct jsonata_eval *ev, const cJSON *c, int depth)
{
	if (!c || depth > JSONATA_MAX_VALUE_DEPTH)
		return NULL;
	if (cJSON_IsNull(c))
		return JV_NULLV;
	if (cJSON_IsTrue(c))
		return JV_BOOLV(1);
	if (cJSON_IsFalse(c))
		return JV_BOOLV(0);
	if (cJSON_IsNumber(c))
		return jv_num(ev, c->valuedouble);
	if (cJSON_IsString(c))
		return jv_str(ev, c->valuestring, strlen(c->valuestring));
	if (cJSON_IsArray(c)) {
		jv *a = jv_arr(ev, (size_t)cJSON_GetArraySize(c));
		for (const cJSON *i = c->child; i; i = i->next)
			jv_push(ev, a, from_cjson(ev, i, depth + 1));
		return a;
	}
	if (cJSON_IsObject(c)) {
		jv *o = jv_obj(ev);
		for (const cJSON *i = c->child; i; i = i->next) {
			size_t kl = strlen(i->string);
			jv_set(ev, o, jsonata_arena_strndup(&ev->arena, i->string, kl),
			       kl, from_cjson(ev, i, depth + 1));
		}
		return o;
	}
	return NULL;
}

jv *jsonata_from_cjson(struct jsonata_eval *ev, const cJSON *c)
{
	return from_cjson(ev, c, 0);
}

static cJSON *to_cjson(struct jsonata_eval *ev, const jv *v, int depth,
		       int *bad)
{
	if (depth > JSONATA_MAX_VALUE_DEPTH) {
		*bad = 1;
		return NULL;
	}
	switch (v->type) {
	case JV_NULL: return cJSON_CreateNull();
	case JV_BOOL: return cJSON_CreateBool(v->u.b);
	case JV_NUM: return cJSON_CreateNumber(v->u.n);
	case JV_STR: {
		char *tmp = xstrndup(v->u.s.p, v->len);
		cJSON *s = cJSON_CreateString(tmp);
		free(tmp);
		return s;
	}
	case JV_ARR: {
		if ((v->flags & JV_TUPLES) == 0 && v->len == 1 &&
		    (v->flags & JV_OUTER))
			return to_cjson(ev, v->u.a.items[0], depth, bad);
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < v->len; i++) {
			const jv *it = v->u.a.items[i];
			cJSON *c = !it || it->type == JV_FUNC ? cJSON_CreateNull()
							      : to_cjson(ev, it, depth + 1, bad);
			if (c)
				cJSON_AddItemToArray(a, c);
		}
		return a;
	}
	case JV_OBJ: {
		cJSON *o = cJSON_CreateObject();
		for (size_t i = 0; i < v->u.o->n; i++) {
			const struct jkey *kv = &v->u.o->keys[i];
			jv *val = v->u.o->vals[i];
			if (!val || val->type == JV_FUNC)
				continue;
			cJSON *c = to_cjson(ev, val, depth + 1, bad);
			if (!c)
				continue;
			char *k = xstrndup(kv->key, kv->klen);
			cJSON_AddItemToObject(o, k, c);
			free(k);
		}
		return o;
	}
	case JV_TUPLE:
		return v->u.t.at ? to_cjson(ev, v->u.t.at, depth, bad) : NULL;
	default:
		return NULL;
	}
}

int jsonata_to_cjson(struct jsonata_eval *ev, const jv *v, cJSON **out)
{
	int bad = 0;
	*out = NULL;
	if (!v || v->type == JV_FUNC)
		return 0;
	*out = to_cjson(ev, v, 0, &bad);
	if (bad) {
		cJSON_Delete(*out);
		*out = NULL;
		return jsonata_failf(ev, "D1099", 0, "",
				     "the result is nested deeper than %d levels",
				     JSONATA_MAX_VALUE_DEPTH);
	}
	return 0;
}

/* ---- writing cJSON as JavaScript would ---------------------------------- */

static void write_json(const cJSON *v, int indent, int level, struct buf *b)
{
	char num[32];
	if (cJSON_IsNull(v) || level > JSONATA_MAX_VALUE_DEPTH) {
		buf_adds(b, "null");
	} else if (cJSON_IsBool(v)) {
		buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble)) {
			buf_adds(b, "null");
			return;
		}
		jsonata_num_js(v->valuedouble, num);
		buf_adds(b, num);
	} else if (cJSON_IsString(v)) {
		json_string(b, v->valuestring, strlen(v->valuestring));
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		int obj = cJSON_IsObject(v);
		if (!v->child) {
			buf_adds(b, obj ? "{}" : "[]");
			return;
		}
		buf_addc(b, obj ? '{' : '[');
		for (const cJSON *i = v->child; i; i = i->next) {
			newline(b, indent, level + 1);
			if (obj) {
				json_string(b, i->string, strlen(i->string));
				buf_adds(b, indent ? ": " : ":");
			}
			write_json(i, indent, level + 1, b);
			if (i->next)
				buf_addc(b, ',');
		}
		newline(b, indent, level);
		buf_addc(b, obj ? '}' : ']');
	}
}

void jsonata_write_json(const cJSON *v, int indent, struct buf *out)
{
	write_json(v, indent, 0, out);
}
