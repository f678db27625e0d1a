/* itemreader_csv.c - text-delimited objects as AWS parses them
 * (https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html):
 * one record per line (LF or CRLF), fields split by the configured
 * delimiter, RFC 4180 double quotes (a quoted field holds delimiters and
 * newlines, "" is one quote), and AWS's backslash escapes.  Every value is a
 * string.  A row with fewer fields than headers gets "" for the missing ones;
 * extra fields are skipped.  Blank lines hold no record.
 * Not here: the ReaderConfig (itemreader.c). */
#include <stdlib.h>
#include <string.h>

#include "itemreader_impl.h"
#include "xalloc.h"
#include "banned.h"

/* One record: its fields as NUL-separated strings in 'text'. */
struct record {
	struct buf text;
	size_t *starts;
	size_t nr, alloc;
};

struct cursor {
	const char *data;
	size_t len, at;
	char delim;
};

static void field_begin(struct record *r)
{
	if (r->nr < ITEMREADER_MAX_FIELDS + 1) {
		ARRAY_GROW(r->starts, r->nr + 1, r->alloc);
		r->starts[r->nr++] = r->text.len;
	} else {
		r->nr++; /* counted, not kept: extra fields are skipped */
	}
}

/* At a record end (LF, CRLF or the end of data)?  Consumes it. */
static int record_end(struct cursor *c)
{
	if (c->at >= c->len)
		return 1;
	if (c->data[c->at] == '\n') {
		c->at++;
		return 1;
	}
	if (c->data[c->at] == '\r' && c->at + 1 < c->len && c->data[c->at + 1] == '\n') {
		c->at += 2;
		return 1;
	}
	return 0;
}

/* A backslash at c->at: AWS keeps the next character when it is a
 * backslash, a quote or the delimiter, and silently drops the backslash
 * before anything else (the character stays). */
static void backslash(struct cursor *c, struct buf *out)
{
	c->at++;
	if (c->at < c->len) {
		buf_addc(out, c->data[c->at]);
		c->at++;
	}
}

static int quoted(struct cursor *c, struct buf *out, struct itemreader_fail *f)
{
	size_t open = c->at++;
	for (;;) {
		if (c->at >= c->len) {
			unsigned long l, col;
			itemreader_position(c->data, open, &l, &col);
			return itemreader_fail(f, l, col, "unterminated quoted field");
		}
		char ch = c->data[c->at];
		if (ch == '\\') {
			backslash(c, out);
		} else if (ch != '"') {
			buf_addc(out, ch);
			c->at++;
		} else if (c->at + 1 < c->len && c->data[c->at + 1] == '"') {
			buf_addc(out, '"');
			c->at += 2;
		} else {
			c->at++;
			return 0;
		}
	}
}

/* After a closing quote: the delimiter, a record end or nothing else. */
static int after_quote(struct cursor *c, struct itemreader_fail *f)
{
	if (c->at >= c->len || c->data[c->at] == c->delim ||
	    c->data[c->at] == '\n' ||
	    (c->data[c->at] == '\r' && c->at + 1 < c->len && c->data[c->at + 1] == '\n'))
		return 0;
	unsigned long l, col;
	itemreader_position(c->data, c->at, &l, &col);
	return itemreader_fail(f, l, col, "unexpected character after a closing quote");
}

/* Reads one field's value into r->text.  Stops before the delimiter or the
 * record end. */
static int field(struct cursor *c, struct record *r, struct itemreader_fail *f)
{
	field_begin(r);
	struct buf *out = &r->text;
	if (c->at < c->len && c->data[c->at] == '"')
		return quoted(c, out, f) < 0 ? -1 : after_quote(c, f);
	while (c->at < c->len) {
		char ch = c->data[c->at];
		if (ch == c->delim || ch == '\n' ||
		    (ch == '\r' && c->at + 1 < c->len && c->data[c->at + 1] == '\n'))
			break;
		if (ch == '\\') {
			backslash(c, out);
		} else {
			buf_addc(out, ch);
			c->at++;
		}
	}
	return 0;
}

/* Reads the record at c->at.  Returns 1 with a record, 0 at the end of
 * data, -1 with f set.  A blank line is skipped. */
static int record(struct cursor *c, struct record *r, struct itemreader_fail *f)
{
	while (c->at < c->len && record_end(c))
		; /* blank lines */
	if (c->at >= c->len)
		return 0;
	size_t start = c->at;
	buf_reset(&r->text);
	r->nr = 0;
	for (;;) {
		if (field(c, r, f) < 0)
			return -1;
		buf_addc(&r->text, '\0');
		if (c->at - start > ITEMREADER_MAX_LINE_BYTES) {
			unsigned long l, col;
			itemreader_position(c->data, start, &l, &col);
			return itemreader_fail(f, l, 0, "record longer than %u bytes", ITEMREADER_MAX_LINE_BYTES);
		}
		if (record_end(c))
			return 1;
		c->at++; /* the delimiter */
	}
}

static const char *field_at(const struct record *r, size_t i)
{
	return i < r->nr && i <= ITEMREADER_MAX_FIELDS ? r->text.ptr + r->starts[i] : "";
}

/* FIRST_ROW: the record's fields become the header names (owned). */
static int take_headers(const struct record *r, cJSON **names,
			struct itemreader_fail *f)
{
	if (r->nr > ITEMREADER_MAX_FIELDS)
		return itemreader_fail(f, 1, 0, "header row has more than %d fields", ITEMREADER_MAX_FIELDS);
	*names = cJSON_CreateArray();
	for (size_t i = 0; i < r->nr; i++)
		cJSON_AddItemToArray(*names, cJSON_CreateString(field_at(r, i)));
	return 0;
}

static int duplicate_header(const cJSON *names, struct itemreader_fail *f)
{
	const cJSON *a, *b;
	cJSON_ArrayForEach(a, names)
		for (b = a->next; b; b = b->next)
			if (strcmp(a->valuestring, b->valuestring) == 0)
				return itemreader_fail(f, 0, 0, "duplicate header '%s'", a->valuestring);
	return 0;
}

static cJSON *item_of(const cJSON *names, const struct record *r)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *n;
	size_t i = 0;
	cJSON_ArrayForEach(n, names)
		cJSON_AddItemToObject(o, n->valuestring, cJSON_CreateString(field_at(r, i++)));
	return o;
}

static int rows(const struct itemreader_csv *cfg, struct cursor *c,
		struct record *r, cJSON *out, struct itemreader_fail *f)
{
	cJSON *owned = NULL;
	const cJSON *names = cfg->headers;
	int rc = 0;
	long n = 0, base = cJSON_GetArraySize(out);
	if (!names) {
		rc = record(c, r, f);
		if (rc <= 0)
			return rc;
		if (take_headers(r, &owned, f) < 0)
			return -1;
		names = owned;
	}
	rc = duplicate_header(names, f);
	while (rc == 0 && (!cfg->max_items || n < cfg->max_items)) {
		rc = record(c, r, f);
		if (rc <= 0)
			break;
		if (base + n >= ITEMREADER_MAX_ITEMS) {
			rc = itemreader_fail(f, 0, 0, "more than %d items: set MaxItems", ITEMREADER_MAX_ITEMS);
			break;
		}
		cJSON_AddItemToArray(out, item_of(names, r));
		n++;
		rc = 0;
	}
	cJSON_Delete(owned);
	return rc < 0 ? -1 : 0;
}

int itemreader_csv_parse(const struct itemreader_csv *cfg, const char *data,
			 size_t len, cJSON *out, struct itemreader_fail *f)
{
	struct cursor c = { data, len, 0, cfg->delimiter };
	struct record r = { BUF_INIT, NULL, 0, 0 };
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c.at = 3; /* a UTF-8 byte order mark is not part of the first header */
	int rc = rows(cfg, &c, &r, out, f);
	buf_release(&r.text);
	free(r.starts);
	return rc;
}
