/* itemreader_json.c - JSON objects (an array of items, or an object with
 * ReaderConfig.ItemsPointer, a JSON pointer to the array inside it) and
 * JSONL objects (one JSON value per line; blank lines hold none).
 * Not here: CSV (itemreader_csv.c). */
#include <stdlib.h>
#include <string.h>

#include "itemreader_impl.h"
#include "xalloc.h"
#include "banned.h"

/* Whether data[at..len) is only JSON whitespace. */
static int only_space(const char *data, size_t at, size_t len)
{
	for (; at < len; at++)
		if (!strchr(" \t\r\n", data[at]) || data[at] == '\0')
			return 0;
	return 1;
}

/* Parses data[0..len) as one JSON value.  NULL with f set (position from
 * 'base', the offset of data in the object, and 'line' when known). */
static cJSON *parse_value(const char *all, size_t base, size_t len,
			  unsigned long line, struct itemreader_fail *f)
{
	const char *data = all + base, *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (v && end && only_space(data, (size_t)(end - data), len))
		return v;
	size_t at = end ? (size_t)(end - data) : len;
	if (v) {
		cJSON_Delete(v);
		while (at < len && strchr(" \t\r\n", data[at]) && data[at])
			at++;
	} else {
		const char *e = cJSON_GetErrorPtr();
		if (e >= data && e <= data + len)
			at = (size_t)(e - data);
	}
	unsigned long l, c;
	itemreader_position(all, base + at, &l, &c);
	if (line)
		l = line;
	itemreader_fail(f, l, c, v ? "unexpected text after the JSON value" : "malformed JSON");
	return NULL;
}

/* RFC 6901: "/a/0/b~1c".  Borrowed result, or NULL with f set. */
static const cJSON *pointer(const cJSON *doc, const char *p, struct itemreader_fail *f)
{
	if (*p && *p != '/')
		return itemreader_fail(f, 0, 0, "ReaderConfig.ItemsPointer must start with '/'"), NULL;
	const char *whole = p;
	struct buf tok = BUF_INIT;
	while (doc && *p == '/') {
		buf_reset(&tok);
		for (p++; *p && *p != '/'; p++) {
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1'))
				buf_addc(&tok, *++p == '0' ? '~' : '/');
			else
				buf_addc(&tok, *p);
		}
		if (cJSON_IsArray(doc)) {
			char *e;
			long i = strtol(tok.ptr, &e, 10);
			doc = tok.len && !*e && i >= 0 ? cJSON_GetArrayItem(doc, (int)(i > 1000000000 ? -1 : i)) : NULL;
		} else {
			doc = cJSON_GetObjectItemCaseSensitive(doc, tok.ptr);
		}
	}
	buf_release(&tok);
	if (!doc)
		itemreader_fail(f, 0, 0, "ReaderConfig.ItemsPointer '%s' names nothing in the object", whole);
	return doc;
}

static const char *type_name(const cJSON *v)
{
	return cJSON_IsObject(v) ? "an object" : cJSON_IsString(v) ? "a string" :
	       cJSON_IsNumber(v) ? "a number" : cJSON_IsBool(v) ? "a boolean" : "null";
}

static int take_items(cJSON *arr, long max, cJSON *out, struct itemreader_fail *f)
{
	long n = 0, base = cJSON_GetArraySize(out);
	cJSON *e;
	while ((e = arr->child) && (!max || n < max)) {
		if (base + n >= ITEMREADER_MAX_ITEMS)
			return itemreader_fail(f, 0, 0, "more than %d items: set MaxItems", ITEMREADER_MAX_ITEMS);
		cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(arr, e));
		n++;
	}
	return 0;
}

int itemreader_json_parse(const cJSON *config, const char *data, size_t len,
			  long max_items, cJSON *out, struct itemreader_fail *f)
{
	cJSON *doc = parse_value(data, 0, len, 0, f);
	if (!doc)
		return -1;
	const cJSON *ip = cJSON_GetObjectItemCaseSensitive(config, "ItemsPointer");
	const cJSON *arr = doc;
	int rc = -1;
	if (ip && !cJSON_IsString(ip))
		itemreader_fail(f, 0, 0, "ReaderConfig.ItemsPointer must be a string");
	else if (ip && !(arr = pointer(doc, ip->valuestring, f)))
		;
	else if (!cJSON_IsArray(arr))
		itemreader_fail(f, 0, 0, "the %s is %s, not an array",
				ip ? "value at ItemsPointer" : "object's JSON", type_name(arr));
	else
		rc = take_items((cJSON *)arr, max_items, out, f);
	cJSON_Delete(doc);
	return rc;
}

int itemreader_jsonl_parse(const char *data, size_t len, long max_items,
			   cJSON *out, struct itemreader_fail *f)
{
	size_t at = 0;
	unsigned long line = 0;
	long n = 0, base = cJSON_GetArraySize(out);
	while (at < len && (!max_items || n < max_items)) {
		const char *nl = memchr(data + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - data) : len;
		line++;
		if (end - at > ITEMREADER_MAX_LINE_BYTES)
			return itemreader_fail(f, line, 0, "line longer than %u bytes", ITEMREADER_MAX_LINE_BYTES);
		if (!only_space(data, at, end)) {
			if (base + n >= ITEMREADER_MAX_ITEMS)
				return itemreader_fail(f, line, 0, "more than %d items: set MaxItems", ITEMREADER_MAX_ITEMS);
			cJSON *v = parse_value(data, at, end - at, line, f);
			if (!v)
				return -1;
			cJSON_AddItemToArray(out, v);
			n++;
		}
		at = end + 1;
	}
	return 0;
}
