/* search.c - collects sections and prints them as a JS array (cJSON does
 * the string escaping). */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "jsonout.h"
#include "xalloc.h"
#include "banned.h"

struct search_index {
	cJSON *entries;
};

struct search_index *search_new(void)
{
	struct search_index *s = xcalloc(1, sizeof(*s));
	s->entries = cJSON_CreateArray();
	return s;
}

void search_free(struct search_index *s)
{
	if (!s)
		return;
	cJSON_Delete(s->entries);
	free(s);
}

/* Cuts b back to at most SEARCH_MAX_TEXT bytes, on a UTF-8 boundary. */
static void bound(struct buf *b)
{
	if (b->len < SEARCH_MAX_TEXT)
		return;
	size_t n = SEARCH_MAX_TEXT;
	while (n && ((unsigned char)b->ptr[n] & 0xC0) == 0x80)
		n--;
	buf_truncate(b, n);
}

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Collapses whitespace runs to one space (keep_lines: a run holding a
 * newline becomes one newline), trimmed at both ends. */
static char *collapse(const char *text, int keep_lines)
{
	struct buf b = BUF_INIT;
	const char *p = text;
	while (*p && b.len < SEARCH_MAX_TEXT) {
		const char *run = p;
		int newline = 0;
		while (is_space(*p))
			newline |= *p++ == '\n';
		if (!*p)
			break;
		if (p > run && b.len)
			buf_addc(&b, keep_lines && newline ? '\n' : ' ');
		run = p;
		while (*p && !is_space(*p))
			p++;
		buf_add(&b, run, (size_t)(p - run));
	}
	bound(&b);
	return buf_detach(&b, NULL);
}

void search_add(struct search_index *s, const char *url, const char *page,
		const char *section, const char *text, const char *code)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "u", url);
	cJSON_AddStringToObject(e, "p", page);
	cJSON_AddStringToObject(e, "s", section ? section : "");
	char *t = collapse(text ? text : "", 0);
	cJSON_AddStringToObject(e, "t", t);
	free(t);
	if (code && *code) {
		char *c = collapse(code, 1);
		if (*c)
			cJSON_AddStringToObject(e, "c", c);
		free(c);
	}
	cJSON_AddItemToArray(s->entries, e);
}

static int of_page(const cJSON *e, const char *out, size_t n)
{
	const char *u = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "u"));
	return u && !strncmp(u, out, n) && (u[n] == '\0' || u[n] == '#');
}

static void add_copies(cJSON *to, const struct search_index *with)
{
	const cJSON *w;
	cJSON_ArrayForEach(w, with->entries)
		cJSON_AddItemToArray(to, cJSON_Duplicate(w, 1));
}

/* Moves every entry into a new array, the page's replaced in place
 * (cJSON_InsertItemInArray after detaching put them at the end). */
void search_replace_page(struct search_index *s, const char *out,
			 const struct search_index *with)
{
	size_t n = strlen(out);
	cJSON *old = s->entries;
	s->entries = cJSON_CreateArray();
	int placed = 0;
	for (cJSON *e = old->child, *next; e; e = next) {
		next = e->next;
		if (!of_page(e, out, n)) {
			cJSON_AddItemToArray(s->entries, cJSON_DetachItemViaPointer(old, e));
		} else if (!placed) {
			add_copies(s->entries, with);
			placed = 1;
		}
	}
	if (!placed)
		add_copies(s->entries, with);
	cJSON_Delete(old);
}

void search_write_js(const struct search_index *s, struct buf *out)
{
	buf_adds(out, "window.STEPBOOK_SEARCH = [\n");
	struct buf j = BUF_INIT;
	const cJSON *e;
	cJSON_ArrayForEach(e, s->entries) {
		buf_reset(&j);
		jsonout_write(&j, e, JSONOUT_COMPACT); /* cJSON's bytes, faster */
		/* '<' only occurs inside strings: \u003c keeps the file inert
		 * even if someone pastes it into a <script> element. */
		const char *p = j.ptr, *end = j.ptr + j.len, *lt;
		while ((lt = memchr(p, '<', (size_t)(end - p)))) {
			buf_add(out, p, (size_t)(lt - p)); /* runs copied whole */
			buf_adds(out, "\\u003c");
			p = lt + 1;
		}
		buf_add(out, p, (size_t)(end - p));
		buf_adds(out, e->next ? ",\n" : "\n");
	}
	buf_release(&j);
	buf_adds(out, "];\n");
}
