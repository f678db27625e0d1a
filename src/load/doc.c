/* doc.c - document lifetime and the node -> position side table. */
#include "doc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "xalloc.h"
#include "banned.h"

struct doc *doc_new(const char *path)
{
	struct doc *d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	buf_init(&d->text);
	return d;
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	cJSON_Delete(d->root);
	buf_release(&d->text);
	free(d->locs);
	free(d->origin);
	free(d->path);
	free(d);
}

static size_t ptr_hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return (size_t)h;
}

static struct doc_loc *loc_slot(const struct doc *d, const cJSON *node)
{
	size_t mask = d->nslots - 1;
	for (size_t i = ptr_hash(node) & mask;; i = (i + 1) & mask)
		if (!d->locs[i].node || d->locs[i].node == node)
			return &d->locs[i];
}

static void loc_grow(struct doc *d)
{
	struct doc_loc *old = d->locs;
	size_t nold = d->nslots;
	d->nslots = nold ? size_mul(nold, 2) : 64;
	d->locs = xcalloc(d->nslots, sizeof(*d->locs));
	for (size_t i = 0; i < nold; i++)
		if (old[i].node)
			*loc_slot(d, old[i].node) = old[i];
	free(old);
}

void doc_set_pos(struct doc *d, const cJSON *node, struct pos value,
		 struct pos key)
{
	if (size_mul(d->nlocs + 1, 2) > d->nslots)
		loc_grow(d);
	struct doc_loc *slot = loc_slot(d, node);
	if (!slot->node)
		d->nlocs++;
	slot->node = node;
	slot->value = value;
	slot->key = key;
}

static const struct doc_loc *loc_find(const struct doc *d, const cJSON *node)
{
	if (!d->nslots || !node)
		return NULL;
	const struct doc_loc *slot = loc_slot(d, node);
	return slot->node ? slot : NULL;
}

struct pos doc_pos(const struct doc *d, const cJSON *node)
{
	const struct doc_loc *l = loc_find(d, node);
	return l ? l->value : (struct pos){ d->path, 0, 0 };
}

struct pos doc_key_pos(const struct doc *d, const cJSON *node)
{
	const struct doc_loc *l = loc_find(d, node);
	if (!l)
		return (struct pos){ d->path, 0, 0 };
	return l->key.line ? l->key : l->value;
}

static struct pos retarget(struct pos p, const struct doc *from,
			   const struct doc *to)
{
	if (p.file == from->path)
		p.file = to->path;
	return p;
}

/* Gives each node of copy the positions of the same node of d: the two
 * trees have the same shape (cJSON_Duplicate), walked side by side. */
static void copy_locs(struct doc *copy, const struct doc *d,
		      const cJSON *from, const cJSON *to)
{
	const struct doc_loc *l = loc_find(d, from);
	if (l)
		doc_set_pos(copy, to, retarget(l->value, d, copy),
			    retarget(l->key, d, copy));
	for (from = from->child, to = to->child; from && to;
	     from = from->next, to = to->next)
		copy_locs(copy, d, from, to);
}

struct doc *doc_copy(const struct doc *d)
{
	struct doc *copy = doc_new(d->path);
	buf_add(&copy->text, d->text.ptr ? d->text.ptr : "", d->text.len);
	copy->remapped = d->remapped;
	if (d->root) {
		copy->root = cJSON_Duplicate(d->root, 1); /* jsonmem aborts on OOM */
		copy_locs(copy, d, d->root, copy->root);
	}
	return copy;
}

void doc_remap(struct doc *d, struct pos (*fn)(struct pos, void *), void *ctx)
{
	d->remapped = 1;
	for (size_t i = 0; i < d->nslots; i++) {
		struct doc_loc *l = &d->locs[i];
		if (!l->node)
			continue;
		l->value = fn(l->value, ctx);
		if (l->key.line)
			l->key = fn(l->key, ctx);
	}
}

struct pos doc_offset_pos(const struct doc *d, size_t at)
{
	struct pos p = { d->path, 1, 1 };
	const char *s = d->text.ptr;
	for (size_t i = 0; i < at && i < d->text.len; i++) {
		if (s[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			p.col++; /* count characters, not UTF-8 continuation bytes */
		}
	}
	return p;
}

/* Length of the UTF-8 sequence starting at s (at most n bytes), 0 if invalid.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

int doc_check_text(const char *text, size_t len, size_t *at)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		size_t n = s[i] ? utf8_len(s + i, len - i) : 0;
		if (!n) {
			*at = i;
			return -1;
		}
		i += n;
	}
	return 0;
}

int doc_parse(struct doc *d, const char *text, size_t len,
	      enum doc_format format, struct diag_list *diags)
{
	buf_reset(&d->text);
	/* A UTF-8 byte order mark is allowed and ignored, as editors write it. */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		text += 3, len -= 3;
	buf_add(&d->text, text, len);
	cJSON_Delete(d->root);
	d->root = NULL;

	size_t at;
	if (doc_check_text(d->text.ptr, d->text.len, &at)) {
		const char *what = d->text.ptr[at] ? "invalid UTF-8" :
			"binary data (NUL byte)";
		return diag_error(diags, doc_offset_pos(d, at), "load/encoding",
				  "%s: the file must be UTF-8 text", what);
	}
	size_t blank = strspn(d->text.ptr, " \t\r\n");
	if (blank == d->text.len)
		return diag_error(diags, (struct pos){ d->path, 1, 1 },
				  "load/empty", "the file is empty");
	if (format == DOC_JSON)
		return doc_parse_json_(d, diags);
	return doc_parse_yaml_(d, diags);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

int doc_load(struct doc *d, struct diag_list *diags)
{
	struct buf raw = BUF_INIT;
	const char *why;
	if (fileio_read(d->path, &raw, &why)) {
		buf_release(&raw);
		return diag_error(diags, (struct pos){ d->path, 0, 0 },
				  "load/read", "cannot read file: %s", why);
	}
	enum doc_format f = has_suffix(d->path, ".json") ? DOC_JSON : DOC_YAML;
	int r = doc_parse(d, raw.ptr, raw.len, f, diags);
	buf_release(&raw);
	return r;
}
