/* search.c - collects sections and prints them as a JS array (cJSON does
 * the string escaping). */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

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

/* Collapses whitespace runs to one space, up to SEARCH_MAX_TEXT bytes
 * (cut on a UTF-8 boundary). */
static char *collapse(const char *text)
{
	struct buf b = BUF_INIT;
	int space = 0;
	for (const char *p = text; *p && b.len < SEARCH_MAX_TEXT; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addc(&b, ' ');
		space = 0;
		buf_addc(&b, *p);
	}
	if (b.len >= SEARCH_MAX_TEXT) {
		size_t n = b.len;
		while (n && ((unsigned char)b.ptr[n - 1] & 0xC0) == 0x80)
			n--;
		if (n && ((unsigned char)b.ptr[n - 1] & 0xC0) == 0xC0)
			n--;
		buf_truncate(&b, n);
	}
	return buf_detach(&b, NULL);
}

void search_add(struct search_index *s, const char *url, const char *page,
		const char *section, const char *text)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "u", url);
	cJSON_AddStringToObject(e, "p", page);
	cJSON_AddStringToObject(e, "s", section ? section : "");
	char *t = collapse(text ? text : "");
	cJSON_AddStringToObject(e, "t", t);
	free(t);
	cJSON_AddItemToArray(s->entries, e);
}

static int of_page(const cJSON *e, const char *out, size_t n)
{
	const char *u = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "u"));
	return u && !strncmp(u, out, n) && (u[n] == '\0' || u[n] == '#');
}

void search_replace_page(struct search_index *s, const char *out,
			 const struct search_index *with)
{
	size_t n = strlen(out);
	int at = -1, i = 0;
	cJSON *e = s->entries->child;
	while (e) {
		cJSON *next = e->next;
		if (of_page(e, out, n)) {
			if (at < 0)
				at = i;
			cJSON_Delete(cJSON_DetachItemViaPointer(s->entries, e));
		} else {
			i++;
		}
		e = next;
	}
	const cJSON *w;
	cJSON_ArrayForEach(w, with->entries) {
		cJSON *copy = cJSON_Duplicate(w, 1);
		if (at < 0 || !cJSON_InsertItemInArray(s->entries, at++, copy))
			cJSON_AddItemToArray(s->entries, copy);
	}
}

void search_write_js(const struct search_index *s, struct buf *out)
{
	buf_adds(out, "window.STEPBOOK_SEARCH = [\n");
	const cJSON *e;
	cJSON_ArrayForEach(e, s->entries) {
		char *j = cJSON_PrintUnformatted(e);
		/* '<' only occurs inside strings: \u003c keeps the file inert
		 * even if someone pastes it into a <script> element. */
		for (const char *p = j; *p; p++) {
			if (*p == '<')
				buf_adds(out, "\\u003c");
			else
				buf_addc(out, *p);
		}
		buf_adds(out, e->next ? ",\n" : "\n");
		cJSON_free(j);
	}
	buf_adds(out, "];\n");
}
