/* doc_json.c - JSON files: cJSON parses, and a second pass over the same
 * bytes, in step with the finished tree, records where every value and key
 * starts.  cJSON keeps no positions of its own; this pass only has to find
 * token boundaries in text cJSON has already accepted.  It also reports what
 * cJSON silently accepts: duplicate keys. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* A cursor that turns offsets into positions in one forward pass. */
struct cursor {
	const char *text;
	size_t len, at;
	struct pos pos;
};

static void cursor_to(struct cursor *c, size_t at)
{
	for (; c->at < at && c->at < c->len; c->at++) {
		unsigned char ch = (unsigned char)c->text[c->at];
		if (ch == '\n') {
			c->pos.line++;
			c->pos.col = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c->pos.col++;
		}
	}
}

static size_t skip_ws(const char *s, size_t i, size_t len)
{
	while (i < len && strchr(" \t\r\n", s[i]) && s[i])
		i++;
	return i;
}

/* s[i] is the opening quote of a string cJSON accepted. */
static size_t skip_string(const char *s, size_t i, size_t len)
{
	for (i++; i < len && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i + 1;
}

static size_t skip_scalar(const char *s, size_t i, size_t len)
{
	if (s[i] == '"')
		return skip_string(s, i, len);
	while (i < len && !strchr(",]} \t\r\n", s[i]))
		i++;
	return i;
}

/* Counts values and the deepest nesting before cJSON allocates anything,
 * so that a huge or deep file is refused without building it. */
static void prescan(const char *s, size_t len, size_t *nodes, size_t *depth,
		    size_t *deep_at)
{
	size_t d = 0;
	*nodes = 1;
	*depth = 0;
	*deep_at = 0;
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '"':
			i = skip_string(s, i, len) - 1;
			break;
		case '[':
		case '{':
			if (++d > *depth) {
				*depth = d;
				if (d == DOC_MAX_DEPTH + 1)
					*deep_at = i;
			}
			(*nodes)++;
			break;
		case ']':
		case '}':
			if (d)
				d--;
			break;
		case ',':
			(*nodes)++;
			break;
		}
	}
}

/* Index of the last non-blank byte before i, or -1. */
static long prev_token(const char *s, size_t i)
{
	while (i > 0 && strchr(" \t\r\n", s[i - 1]))
		i--;
	return (long)i - 1;
}

/* cJSON tells where it stopped, not why, and it may stop one token past the
 * culprit: name the likely culprit from the bytes around that place. */
static int syntax_error(struct doc *d, size_t at, struct diag_list *diags)
{
	const char *s = d->text.ptr;
	size_t i = skip_ws(s, at, d->text.len);
	if (i >= d->text.len)
		return diag_error(diags, doc_offset_pos(d, at), "load/json",
				  "unexpected end of file in JSON");
	char c = s[i];
	long prev = prev_token(s, i);
	long before = prev >= 0 ? prev_token(s, (size_t)prev) : -1;
	if (prev >= 0 && s[prev] == ',' && (c == '}' || c == ']'))
		return diag_error(diags, doc_offset_pos(d, (size_t)prev), "load/json",
				  "trailing comma is not allowed in JSON");
	if (prev >= 0 && s[prev] == ',' && before >= 0 && strchr(",[{:", s[before]))
		return diag_error(diags, doc_offset_pos(d, (size_t)prev), "load/json",
				  "unexpected ',' in JSON");
	if (c != '\'' && prev >= 0 && s[prev] == '\'')
		i = (size_t)prev, c = '\'';
	struct pos p = doc_offset_pos(d, i);
	if (c == '\'')
		return diag_error(diags, p, "load/json",
				  "JSON strings take double quotes, not single");
	if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7F)
		return diag_error(diags, p, "load/json",
				  "unexpected character in JSON");
	return diag_error(diags, p, "load/json", "unexpected '%c' in JSON", c);
}

struct frame {
	const cJSON *container;
	const cJSON *next;
	struct strmap keys; /* objects only: member names seen so far */
};

struct walk {
	struct doc *d;
	struct cursor cur;
	struct frame *stack;
	size_t depth, alloc;
	int failed;
	struct diag_list *diags;
};

static void record(struct walk *w, const cJSON *node, struct pos key)
{
	doc_set_pos(w->d, node, w->cur.pos, key);
}

/* Enters the value at the cursor: records it and either pushes a container
 * or skips a scalar. */
static void enter_value(struct walk *w, const cJSON *node, struct pos key)
{
	const char *s = w->d->text.ptr;
	size_t len = w->d->text.len;
	cursor_to(&w->cur, skip_ws(s, w->cur.at, len));
	record(w, node, key);
	if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
		ARRAY_GROW(w->stack, w->depth + 1, w->alloc);
		struct frame *f = &w->stack[w->depth++];
		f->container = node;
		f->next = node->child;
		strmap_init(&f->keys);
		cursor_to(&w->cur, w->cur.at + 1);
	} else {
		cursor_to(&w->cur, skip_scalar(s, w->cur.at, len));
	}
}

/* Moves to the next member of the innermost container, checking its key. */
static void next_member(struct walk *w)
{
	const char *s = w->d->text.ptr;
	size_t len = w->d->text.len;
	struct frame *f = &w->stack[w->depth - 1];
	size_t i = skip_ws(s, w->cur.at, len);
	if (i < len && s[i] == ',')
		i = skip_ws(s, i + 1, len);
	cursor_to(&w->cur, i);
	if (!f->next) {
		strmap_release(&f->keys);
		w->depth--;
		cursor_to(&w->cur, i + 1); /* the closing bracket */
		return;
	}
	const cJSON *node = f->next;
	f->next = node->next;
	struct pos key = { 0 };
	if (cJSON_IsObject(f->container)) {
		key = w->cur.pos;
		size_t klen = strlen(node->string);
		if (strmap_put(&f->keys, node->string, klen, (void *)node)) {
			w->failed = diag_error(w->diags, key, "load/duplicate-key",
					       "duplicate key '%s'", node->string);
		}
		i = skip_ws(s, skip_string(s, i, len), len); /* at ':' */
		cursor_to(&w->cur, i + 1);
	}
	enter_value(w, node, key);
}

int doc_parse_json_(struct doc *d, struct diag_list *diags)
{
	const char *s = d->text.ptr;
	size_t len = d->text.len, nodes, depth, deep_at;
	prescan(s, len, &nodes, &depth, &deep_at);
	if (depth > DOC_MAX_DEPTH)
		return diag_error(diags, doc_offset_pos(d, deep_at), "load/depth",
				  "nesting deeper than %d levels", DOC_MAX_DEPTH);
	if (nodes > DOC_MAX_NODES)
		return diag_error(diags, (struct pos){ d->path, 1, 1 },
				  "load/too-large", "more than %d values in one file",
				  DOC_MAX_NODES);
	const char *end = NULL;
	/* len + 1: cJSON wants the terminating NUL inside the length to accept
	 * "nothing but whitespace after the value" */
	cJSON *root = cJSON_ParseWithLengthOpts(s, len + 1, &end, 1);
	if (!root)
		return syntax_error(d, end ? (size_t)(end - s) : 0, diags);

	struct walk w = { d, { s, len, 0, { d->path, 1, 1 } }, NULL, 0, 0, 0,
			  diags };
	d->root = root;
	enter_value(&w, root, (struct pos){ 0 });
	while (w.depth)
		next_member(&w);
	free(w.stack);
	if (w.failed) {
		cJSON_Delete(d->root);
		d->root = NULL;
		return -1;
	}
	return 0;
}
