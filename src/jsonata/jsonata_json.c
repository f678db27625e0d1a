/* jsonata_json.c - JSON text straight to and from the engine's values, for
 * callers that hold text rather than cJSON (the eval command, benchmarks):
 * the caller's text (a read-only mapping will do) is parsed in one pass and
 * never written (each string is copied out once, its escapes undone on the
 * way), records with the same keys share one array of keys (a record's keys
 * are expected where its predecessor had them), and repeated scalars share
 * one value, so a large document costs little more than its values, and
 * the text behind the parse can be given back as it goes; the result is
 * written as JSON.stringify would, numbers as JavaScript prints them.
 * Nesting is bounded by JSONATA_MAX_VALUE_DEPTH, as cJSON bounds it.
 * Not here: the cJSON boundary (jsonata_value.c). */
#include "jsonata_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

/* A member as the parser collects it: its key points into the text, or
 * into the arena once the text under it is given back (rescue_keys). */
struct member {
	const char *key;
	size_t klen;
	jv *val;
};

/* Objects with the same keys in the same order (a document's records)
 * share one array of keys, a shape: each object then holds only its
 * values.  Shapes are found in a direct-mapped cache like scalars. */
#define SHAPE_CACHE 256
#define SHAPE_MAX_KEYS 32 /* duplicate keys are checked pairwise */
/* An array of records repeats the shape its previous object took at the
 * same depth: its keys are expected in the text, each compared where it
 * should stand (no scan, no hashing), and the shape is taken whole when
 * they all are there. */
#define SHAPE_DEPTHS 16

struct shape_slot {
	uint64_t hash;
	size_t n;
	struct jkey *keys;
	/* no key holds '"', '\\' or a control byte: each one's text in a
	 * document is exactly its bytes between quotes */
	int plain;
};

struct jparser {
	struct jsonata_eval *ev;
	const char *p, *end;
	int depth;
	jv **stack;          /* array items being collected */
	size_t nstack, astack;
	struct member *members; /* object members being collected */
	size_t nmem, amem;
	int give_back;       /* the text is not needed behind the parse */
	const char *given;   /* the text before this is given back */
	struct scalar_slot *nums, *strs; /* recent scalars, by value */
	size_t cache_slots;              /* numbers', a power of two */
	size_t str_slots;                /* strings', a power of two */
	struct shape_slot *shapes;       /* recent objects' keys */
	struct shape_slot last[SHAPE_DEPTHS]; /* per depth, the last shape */
};


/* Scalars are immutable, so equal ones may share one value: a document's
 * repeated numbers and strings (quantities, regions, product codes) then
 * cost a pointer each.  Direct-mapped caches, replaced on collision:
 * bounded memory, no probing; the key sits in the slot so a miss never
 * touches the value's memory.  They grow with the text, a slot for every 64
 * bytes, up to 4096: larger tables save a little memory on a big document
 * (1.5 MB of 30 at 32768) but their misses make the parse a third slower;
 * a small document ($parse) gets a small table. */
#define SCALAR_CACHE_MIN 256
#define SCALAR_CACHE_MAX 4096
#define SCALAR_CACHE_LEN 32 /* longer strings are rarely repeated */
/* Strings get a larger table: a document's names and codes repeat among
 * tens of thousands (the bench's 20,000 customers: 0.9 MB less at 16384
 * slots, for a millisecond or two of misses; the table is freed when the
 * parse ends, the strings it saved are not made). */
#define STR_CACHE_MAX 16384

struct scalar_slot {
	uint64_t key; /* a number's bits, a short string's bytes, or a hash */
	size_t len;   /* a string's length */
	jv *v;
};

static uint64_t load8(const char *p);

static struct scalar_slot *slot_of(struct scalar_slot **table, size_t slots,
				   uint64_t h)
{
	if (!*table)
		*table = xcalloc(slots, sizeof(**table));
	uint64_t m = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
	return &(*table)[(m ^ (m >> 32)) & (slots - 1)];
}

static jv *shared_num(struct jparser *jp, double d)
{
	uint64_t bits;
	memcpy(&bits, &d, sizeof(bits)); /* 0 and -0 differ: compare bits */
	struct scalar_slot *s = slot_of(&jp->nums, jp->cache_slots, bits);
	if (s->v && s->key == bits)
		return s->v;
	s->key = bits;
	return s->v = jv_num(jp->ev, d);
}

/* A string value: shared when short; its text copied into the arena, or
 * taken over when 'owned' (an unescaped string, already in the arena). */
static jv *shared_str(struct jparser *jp, const char *p, size_t len, int owned)
{
	if (len > SCALAR_CACHE_LEN)
		return owned ? jv_str_borrow(jp->ev, p, len) : jv_str(jp->ev, p, len);
	/* up to 8 bytes: the bytes are the key, compared without touching
	 * the value; longer: a hash, then the text */
	uint64_t h = 0;
	if (len <= sizeof(h)) {
		if (!owned && jp->end - p >= 8) /* one load, no byte copies */
			h = load8(p) & (len == 8 ? ~0ULL : (1ULL << (8 * len)) - 1);
		else
			memcpy(&h, p, len);
	} else {
		h = 1469598103934665603ULL;
		for (size_t i = 0; i < len; i++)
			h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	}
	struct scalar_slot *s = slot_of(&jp->strs, jp->str_slots, h ^ len);
	if (s->v && s->key == h && s->len == len &&
	    (len <= sizeof(h) || memcmp(s->v->u.s.p, p, len) == 0))
		return s->v;
	s->key = h;
	s->len = len;
	return s->v = owned ? jv_str_borrow(jp->ev, p, len) : jv_str(jp->ev, p, len);
}

static void skip_spaces(struct jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\n' ||
				   *jp->p == '\r' || *jp->p == '\t'))
		jp->p++;
}

/* Inline: called between any two tokens, and compact text (the usual
 * large document) has no space to skip. */
static inline void skip_ws(struct jparser *jp)
{
	if (jp->p >= jp->end || (unsigned char)*jp->p <= ' ')
		skip_spaces(jp);
}

static int hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* Writes code point cp as UTF-8 at *w. */
static void put_utf8(char **w, uint32_t cp)
{
	char *o = *w;
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	*w = o;
}

static int unescape(struct jparser *jp, char **w)
{
	char c = *++jp->p;
	const char *esc = strchr("\"\\/bfnrt", c);
	if (c && esc) {
		*(*w)++ = "\"\\/\b\f\n\r\t"[esc - "\"\\/bfnrt"];
		jp->p++;
		return 0;
	}
	uint32_t cp, lo;
	if (c != 'u' || jp->end - jp->p < 5 || hex4(jp->p + 1, &cp) < 0)
		return -1;
	jp->p += 5;
	if (cp >= 0xD800 && cp < 0xDC00 && jp->end - jp->p >= 6 && jp->p[0] == '\\' &&
	    jp->p[1] == 'u' && hex4(jp->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		jp->p += 6;
	}
	put_utf8(w, cp); /* never longer than the escape it replaces */
	return 0;
}

/* 8 bytes of text from p (the caller checked that they are there). */
static uint64_t load8(const char *p)
{
	uint64_t x;
	memcpy(&x, p, sizeof(x));
	return x;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The bytes of x that end a plain run of string text ('"', '\\', a
 * control character) marked by their high bit: exact for the first one
 * (the lowest, the text being little-endian), the only one looked at. */
static uint64_t string_stops(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
	return (((q - ONES) & ~q) | ((b - ONES) & ~b) | (x - ONES * 0x20)) & ~x & HIGHS;
}

/* Moves jp->p to the first '"', '\\' or control character at or after
 * it (or to the end): 8 bytes a step, as strings run long between them. */
static void skip_plain(struct jparser *jp)
{
	const char *p = jp->p;
	while (jp->end - p >= 8) {
		uint64_t stops = string_stops(load8(p));
		if (stops) {
			jp->p = p + __builtin_ctzll(stops) / 8;
			return;
		}
		p += 8;
	}
	while (p < jp->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	jp->p = p;
}

/* The rest of a string with escapes, from its first backslash at jp->p,
 * unescaped into the arena (never longer than its text).  Returns its
 * bytes, NUL-terminated, with *len, or NULL when it is not JSON. */
static const char *unescape_rest(struct jparser *jp, const char *start,
				 size_t *len)
{
	const char *close = jp->p;
	while (close < jp->end && *close != '"')
		close += *close == '\\' && close + 1 < jp->end ? 2 : 1;
	if (close >= jp->end || (size_t)(close - start) > UINT32_MAX)
		return NULL; /* unterminated, or past what a value's length holds */
	char *text = jsonata_arena_alloc(&jp->ev->arena, (size_t)(close - start) + 1);
	size_t plain = (size_t)(jp->p - start);
	memcpy(text, start, plain);
	char *w = text + plain;
	while (*jp->p != '"') {
		unsigned char c = (unsigned char)*jp->p;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			if (unescape(jp, &w) < 0)
				return NULL;
		} else {
			*w++ = (char)c;
			jp->p++;
		}
	}
	jp->p++;
	*len = (size_t)(w - text);
	return text;
}

/* Parses the string at jp->p (on its opening quote), never writing into
 * the text.  Returns 0 with *s in the text (not NUL-terminated), 1 with *s
 * in the arena (its escapes undone), or -1 when it is not JSON. */
static int parse_string(struct jparser *jp, const char **s, size_t *len)
{
	const char *start = ++jp->p;
	skip_plain(jp);
	if (jp->p < jp->end && *jp->p == '"') {
		if ((size_t)(jp->p - start) > UINT32_MAX)
			return -1; /* past what a value's length holds */
		*s = start;
		*len = (size_t)(jp->p - start);
		jp->p++;
		return 0;
	}
	if (jp->p >= jp->end || *jp->p != '\\')
		return -1;
	*s = unescape_rest(jp, start, len);
	return *s ? 1 : -1;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* The number from jp->p whose digits end at q, with its exponent, read
 * by strtod from a NUL-terminated copy (the text has no terminator). */
static jv *slow_number(struct jparser *jp, const char *q)
{
	if (q < jp->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < jp->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= jp->end || *q < '0' || *q > '9')
			return NULL;
		while (q < jp->end && *q >= '0' && *q <= '9')
			q++;
	}
	size_t n = (size_t)(q - jp->p);
	char small[64];
	char *copy = n < sizeof(small) ? small
		     : jsonata_arena_alloc(&jp->ev->arena, size_add(n, 1));
	memcpy(copy, jp->p, n);
	copy[n] = '\0';
	double v = strtod(copy, NULL);
	jp->p = q;
	return shared_num(jp, v);
}

/* A JSON number.  Up to 15 significant digits without an exponent are
 * exact as m / 10^k (both exact doubles, one correctly rounded division);
 * everything else goes through strtod. */
static jv *parse_number(struct jparser *jp)
{
	const char *q = jp->p;
	int neg = *q == '-';
	if (neg)
		q++;
	if (q >= jp->end || *q < '0' || *q > '9')
		return NULL;
	double m = 0;
	int digits = 0, frac = 0;
	while (q < jp->end && *q >= '0' && *q <= '9') {
		m = m * 10 + (*q++ - '0');
		digits++;
	}
	if (q < jp->end && *q == '.') {
		q++;
		while (q < jp->end && *q >= '0' && *q <= '9') {
			m = m * 10 + (*q++ - '0');
			digits++;
			frac++;
		}
		if (frac == 0)
			return NULL;
	}
	if (digits > 15 || (q < jp->end && (*q == 'e' || *q == 'E')))
		return slow_number(jp, q);
	jp->p = q;
	double v = frac ? m / pow10_exact[frac] : m;
	return shared_num(jp, neg ? -v : v);
}

static int parse_value(struct jparser *jp, jv **out);

static int same_member_key(const struct member *m, const struct jkey *k)
{
	return m->klen == k->klen && memcmp(m->key, k->key, k->klen) == 0;
}

/* The keys of the n members as a shape from the cache: the one a recent
 * object with the same keys in the same order uses, or a new one.  NULL
 * when two members share a key (the object is then built member by member,
 * the last value winning). */
static int plain_key(const char *k, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (k[i] == '"' || k[i] == '\\' || (unsigned char)k[i] < 0x20)
			return 0;
	return 1;
}

static const struct shape_slot *shape_lookup(struct jparser *jp,
					     const struct member *m, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ n;
	for (size_t i = 0; i < n; i++) {
		const char *ki = m[i].key;
		for (size_t k = 0; k < i; k++)
			if (m[k].klen == m[i].klen && memcmp(m[k].key, ki, m[i].klen) == 0)
				return NULL;
		for (size_t c = 0; c < m[i].klen; c++)
			h = (h ^ (unsigned char)ki[c]) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	if (!jp->shapes)
		jp->shapes = xcalloc(SHAPE_CACHE, sizeof(*jp->shapes));
	struct shape_slot *s = &jp->shapes[(h ^ (h >> 32)) & (SHAPE_CACHE - 1)];
	if (s->keys && s->hash == h && s->n == n) {
		size_t i = 0;
		while (i < n && same_member_key(&m[i], &s->keys[i]))
			i++;
		if (i == n)
			return s;
	}
	struct jkey *keys = jsonata_arena_alloc(&jp->ev->arena, n * sizeof(*keys));
	s->plain = 1;
	for (size_t i = 0; i < n; i++) {
		keys[i].key = jsonata_arena_strndup(&jp->ev->arena, m[i].key,
						    m[i].klen);
		keys[i].klen = m[i].klen;
		s->plain &= plain_key(m[i].key, m[i].klen);
	}
	s->hash = h;
	s->n = n;
	s->keys = keys;
	return s;
}

/* The shape of the n members: the last one taken at this depth when the
 * keys are the same (a record like its predecessor), else from the cache.
 * NULL as shape_lookup, or with too many keys to check cheaply. */
static struct jkey *shape_of(struct jparser *jp, const struct member *m, size_t n)
{
	if (n > SHAPE_MAX_KEYS)
		return NULL;
	struct shape_slot *last = jp->depth < SHAPE_DEPTHS ? &jp->last[jp->depth] : NULL;
	if (last && last->keys && last->n == n) {
		size_t i = 0;
		while (i < n && same_member_key(&m[i], &last->keys[i]))
			i++;
		if (i == n)
			return last->keys;
	}
	const struct shape_slot *s = shape_lookup(jp, m, n);
	if (!s)
		return NULL;
	if (last)
		*last = *s;
	return s->keys;
}

/* Whether the text at jp->p (a quote) is the key k, quoted: then it is
 * taken as k (no scan; the member's key is the shape's, in the arena). */
static int expected_key(struct jparser *jp, const struct jkey *k,
			struct member *kv)
{
	size_t n = k->klen;
	if ((size_t)(jp->end - jp->p) < n + 2 || jp->p[n + 1] != '"')
		return 0;
	if (n <= 8 && jp->end - jp->p >= 9) {
		/* one load each: the arena rounds the key's room up to 8 */
		uint64_t mask = n == 8 ? ~0ULL : (1ULL << (8 * n)) - 1;
		if ((load8(jp->p + 1) ^ load8(k->key)) & mask)
			return 0;
	} else if (memcmp(jp->p + 1, k->key, n) != 0) {
		return 0;
	}
	jp->p += k->klen + 2;
	kv->key = k->key;
	kv->klen = k->klen;
	return 1;
}

static jv *shaped_object(struct jparser *jp, const struct jkey *keys,
			 const struct member *m, size_t n)
{
	jv *o = jv_obj_shaped(jp->ev, (struct jkey *)keys, n);
	for (size_t i = 0; i < n; i++)
		o->u.o->vals[i] = m[i].val;
	return o;
}

static jv *make_object(struct jparser *jp, const struct member *m, size_t n)
{
	struct jsonata_eval *ev = jp->ev;
	struct jkey *keys = shape_of(jp, m, n);
	if (!keys) {
		jv *o = jv_obj(ev);
		jv_obj_reserve(ev, o, n);
		for (size_t i = 0; i < n; i++)
			jv_set(ev, o, jsonata_arena_strndup(&ev->arena, m[i].key,
							    m[i].klen),
			       m[i].klen, m[i].val);
		return o;
	}
	return shaped_object(jp, keys, m, n);
}

/* Gives the pages of text behind the parse back to the system when the
 * caller needs the text no more: a large document's text then never sits
 * in memory beside all of its values, and all of it goes when the parse
 * ends.  Nothing points into it: strings and keys are copied as they are
 * read, the open objects' keys when their text goes.  A step is a few
 * dozen pages: one call each, and little text held. */
#define GIVE_BACK_STEP ((size_t)256 << 10)

/* Copies the keys of the members still being collected (the open
 * objects') that lie before 'upto' into the arena: a few per step. */
static void rescue_keys(struct jparser *jp, const char *upto)
{
	for (size_t i = 0; i < jp->nmem; i++) {
		struct member *m = &jp->members[i];
		if (m->key >= jp->given && m->key < upto)
			m->key = jsonata_arena_strndup(&jp->ev->arena, m->key, m->klen);
	}
}

/* Gives back the whole pages of text between jp->given and upto. */
static void give_back_to(struct jparser *jp, const char *upto)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)jp->given + page - 1) & ~(page - 1);
	uintptr_t hi = (uintptr_t)upto & ~(page - 1);
	if (hi > lo) {
		rescue_keys(jp, (const char *)hi);
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
		jp->given = (const char *)hi;
	}
}

static void give_back(struct jparser *jp)
{
	if (jp->give_back && (size_t)(jp->p - jp->given) >= GIVE_BACK_STEP)
		give_back_to(jp, jp->p);
}

static int parse_array(struct jparser *jp, jv **out)
{
	size_t base = jp->nstack;
	jp->p++;
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == ']') {
		jp->p++;
		*out = jv_arr(jp->ev, 0);
		return 0;
	}
	for (;;) {
		jv *v;
		if (parse_value(jp, &v) < 0)
			return -1;
		ARRAY_GROW(jp->stack, jp->nstack + 1, jp->astack);
		jp->stack[jp->nstack++] = v;
		give_back(jp);
		skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p >= jp->end || *jp->p != ']')
			return -1;
		jp->p++;
		break;
	}
	size_t n = jp->nstack - base;
	jv *a = jv_arr(jp->ev, n);
	memcpy(a->u.a.items, jp->stack + base, n * sizeof(jv *));
	a->len = (uint32_t)n;
	jp->nstack = base;
	*out = a;
	return 0;
}

static int parse_object(struct jparser *jp, jv **out)
{
	size_t base = jp->nmem;
	jp->p++;
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == '}') {
		jp->p++;
		*out = jv_obj(jp->ev);
		return 0;
	}
	/* the shape of the previous object at this depth, while every key
	 * so far was the one it has at the same place */
	const struct shape_slot *last = jp->depth < SHAPE_DEPTHS ? &jp->last[jp->depth] : NULL;
	const struct jkey *expect = last && last->plain ? last->keys : NULL;
	size_t nexpect = expect ? last->n : 0;
	for (;;) {
		struct member kv;
		size_t i = jp->nmem - base;
		skip_ws(jp);
		if (jp->p >= jp->end || *jp->p != '"')
			return -1;
		if (!expect || i >= nexpect || !expected_key(jp, &expect[i], &kv)) {
			expect = NULL;
			if (parse_string(jp, &kv.key, &kv.klen) < 0)
				return -1;
		}
		skip_ws(jp);
		if (jp->p >= jp->end || *jp->p++ != ':' || parse_value(jp, &kv.val) < 0)
			return -1;
		ARRAY_GROW(jp->members, jp->nmem + 1, jp->amem);
		jp->members[jp->nmem++] = kv;
		give_back(jp);
		skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p >= jp->end || *jp->p != '}')
			return -1;
		jp->p++;
		break;
	}
	size_t n = jp->nmem - base;
	*out = expect && n == nexpect ? shaped_object(jp, expect, jp->members + base, n)
				       : make_object(jp, jp->members + base, n);
	jp->nmem = base;
	return 0;
}

static int parse_literal(struct jparser *jp, const char *word, jv *v, jv **out)
{
	size_t n = strlen(word);
	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return -1;
	jp->p += n;
	*out = v;
	return 0;
}

static int parse_value(struct jparser *jp, jv **out)
{
	skip_ws(jp);
	if (jp->p >= jp->end)
		return -1;
	int rc;
	switch (*jp->p) {
	case '{':
	case '[':
		if (++jp->depth > JSONATA_MAX_VALUE_DEPTH)
			return -1;
		rc = *jp->p == '{' ? parse_object(jp, out) : parse_array(jp, out);
		jp->depth--;
		return rc;
	case '"': {
		const char *s;
		size_t len;
		int owned = parse_string(jp, &s, &len);
		if (owned < 0)
			return -1;
		*out = shared_str(jp, s, len, owned);
		return 0;
	}
	case 't': return parse_literal(jp, "true", JV_BOOLV(1), out);
	case 'f': return parse_literal(jp, "false", JV_BOOLV(0), out);
	case 'n': return parse_literal(jp, "null", JV_NULLV, out);
	default:
		*out = parse_number(jp);
		return *out ? 0 : -1;
	}
}

int jsonata_parse_json(struct jsonata_eval *ev, const char *text, size_t len,
		       int give_back_text, jv **out, size_t *err_offset)
{
	struct jparser jp = { 0 };
	jp.ev = ev;
	jp.p = text;
	jp.end = text + len;
	jp.give_back = give_back_text;
	jp.cache_slots = SCALAR_CACHE_MIN;
	while (jp.cache_slots < SCALAR_CACHE_MAX && jp.cache_slots < len / 64)
		jp.cache_slots *= 2;
	jp.str_slots = jp.cache_slots;
	while (jp.str_slots < STR_CACHE_MAX && jp.str_slots < len / 64)
		jp.str_slots *= 2;
	jp.given = text;
	int rc = parse_value(&jp, out);
	if (rc == 0) {
		skip_ws(&jp);
		if (jp.p != jp.end)
			rc = -1;
	}
	*err_offset = (size_t)(jp.p - text);
	if (jp.give_back)
		give_back_to(&jp, jp.end);
	free(jp.stack);
	free(jp.members);
	free(jp.nums);
	free(jp.strs);
	free(jp.shapes);
	return rc;
}

/* ---- writing ------------------------------------------------------------- */

/* How many bytes from s on need no escape (not '"', '\\', a control
 * byte or 0xED, which may begin a lone surrogate): 8 a step. */
static size_t plain_run(const char *s, size_t len)
{
	size_t i = 0;
	while (len - i >= 8) {
		uint64_t x = load8(s + i), e = x ^ (ONES * 0xED);
		uint64_t stops = string_stops(x) | ((e - ONES) & ~e & HIGHS);
		if (stops)
			return i + (size_t)__builtin_ctzll(stops) / 8;
		i += 8;
	}
	while (i < len && s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20 &&
	       (unsigned char)s[i] != 0xED)
		i++;
	return i;
}

static void write_string(struct buf *b, const char *s, size_t len)
{
	buf_addc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		size_t plain = plain_run(s + i, len - i);
		run += plain;
		i += plain;
		if (i == len)
			break;
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char tmp[8];
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c < 0x20) {
			static const char *const named[32] = {
				['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n",
				['\r'] = "\\r", ['\t'] = "\\t",
			};
			esc = named[c];
			if (!esc) {
				snprintf(tmp, sizeof(tmp), "\\u%04x", c);
				esc = tmp;
			}
		} else if (c == 0xED && i + 2 < len && ((unsigned char)s[i + 1] & 0xE0) == 0xA0) {
			/* a lone surrogate, as JSON.stringify escapes it */
			unsigned cp = 0xD000u | (((unsigned char)s[i + 1] & 0x3Fu) << 6) |
				      ((unsigned char)s[i + 2] & 0x3Fu);
			snprintf(tmp, sizeof(tmp), "\\u%04x", cp);
			buf_add(b, s + i - run, run);
			run = 0;
			buf_adds(b, tmp);
			i += 2;
			continue;
		}
		if (!esc) {
			run++;
			continue;
		}
		buf_add(b, s + i - run, run);
		run = 0;
		buf_adds(b, esc);
	}
	buf_add(b, s + len - run, run);
	buf_addc(b, '"');
}

static void indent_to(struct buf *b, int indent, int level)
{
	static const char spaces[] = "                                ";
	if (!indent)
		return;
	buf_addc(b, '\n');
	for (size_t n = (size_t)indent * (size_t)level; n;) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		buf_add(b, spaces, k);
		n -= k;
	}
}

static int skipped(const jv *v)
{
	return !v || v->type == JV_FUNC;
}

static int write_value(struct jsonata_eval *ev, const jv *v, int indent,
		       int level, struct buf *b);

static int write_array(struct jsonata_eval *ev, const jv *v, int indent,
		       int level, struct buf *b)
{
	if (v->len == 0) {
		buf_adds(b, "[]");
		return 0;
	}
	buf_addc(b, '[');
	for (size_t i = 0; i < v->len; i++) {
		if (i)
			buf_addc(b, ',');
		indent_to(b, indent, level + 1);
		const jv *it = v->u.a.items[i];
		if (skipped(it))
			buf_adds(b, "null");
		else if (write_value(ev, it, indent, level + 1, b) < 0)
			return -1;
	}
	indent_to(b, indent, level);
	buf_addc(b, ']');
	return 0;
}

static int write_object(struct jsonata_eval *ev, const jv *v, int indent,
			int level, struct buf *b)
{
	int first = 1;
	buf_addc(b, '{');
	for (size_t i = 0; i < v->u.o->n; i++) {
		const struct jkey *kv = &v->u.o->keys[i];
		jv *val = v->u.o->vals[i];
		if (skipped(val))
			continue;
		if (!first)
			buf_addc(b, ',');
		first = 0;
		indent_to(b, indent, level + 1);
		write_string(b, kv->key, kv->klen);
		buf_adds(b, indent ? ": " : ":");
		if (write_value(ev, val, indent, level + 1, b) < 0)
			return -1;
	}
	if (!first)
		indent_to(b, indent, level);
	buf_addc(b, '}');
	return 0;
}

static int write_value(struct jsonata_eval *ev, const jv *v, int indent,
		       int level, struct buf *b)
{
	char num[32];
	if (level > JSONATA_MAX_VALUE_DEPTH)
		return jsonata_failf(ev, "D1099", 0, "", "the result is nested deeper than %d levels",
				     JSONATA_MAX_VALUE_DEPTH);
	switch (v->type) {
	case JV_NULL: buf_adds(b, "null"); return 0;
	case JV_BOOL: buf_adds(b, v->u.b ? "true" : "false"); return 0;
	case JV_NUM:
		if (!isfinite(v->u.n)) {
			buf_adds(b, "null");
			return 0;
		}
		jsonata_num_js(v->u.n, num);
		buf_adds(b, num);
		return 0;
	case JV_STR: write_string(b, v->u.s.p, v->len); return 0;
	case JV_ARR:
		if ((v->flags & JV_OUTER) && v->len == 1 && v->u.a.items[0])
			return write_value(ev, v->u.a.items[0], indent, level, b);
		return write_array(ev, v, indent, level, b);
	case JV_OBJ: return write_object(ev, v, indent, level, b);
	case JV_TUPLE:
		if (v->u.t.at)
			return write_value(ev, v->u.t.at, indent, level, b);
		buf_adds(b, "null");
		return 0;
	default:
		buf_adds(b, "null");
		return 0;
	}
}

int jsonata_write_value(struct jsonata_eval *ev, const jv *v, int indent,
			struct buf *out)
{
	if (skipped(v))
		return 0;
	return write_value(ev, v, indent, 0, out);
}
