/* itemreader.c - the front end of the item readers: the request, the
 * ReaderConfig, the object behind bucket/key (never outside the bucket's
 * folder), listObjectsV2, and the States.ItemReaderFailed value.
 * Not here: the formats (itemreader_csv.c, itemreader_json.c,
 * itemreader_manifest.c), ResultWriter (itemreader_write.c). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "itemreader_impl.h"
#include "xalloc.h"
#include "banned.h"

#define GET_OBJECT "arn:aws:states:::s3:getObject"
#define LIST_OBJECTS "arn:aws:states:::s3:listObjectsV2"

int itemreader_fail(struct itemreader_fail *f, unsigned long line,
		    unsigned long column, const char *fmt, ...)
{
	va_list ap;
	buf_reset(&f->msg);
	va_start(ap, fmt);
	buf_vaddf(&f->msg, fmt, ap);
	va_end(ap);
	f->line = line;
	f->column = column;
	return -1;
}

void itemreader_position(const char *data, size_t at, unsigned long *line,
			 unsigned long *column)
{
	unsigned long l = 1, c = 1;
	for (size_t i = 0; i < at; i++) {
		if (data[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*column = c;
}

int itemreader_bucket_ok(const char *bucket)
{
	size_t n = bucket ? strlen(bucket) : 0;
	if (n < 3 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = bucket[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return 0;
	}
	return strstr(bucket, "..") == NULL;
}

int itemreader_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (n == 0 || n > ITEMREADER_MAX_KEY_BYTES || key[0] == '/')
		return 0;
	const char *seg = key;
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (!end)
			return 1;
		seg = end + 1;
	}
}

/* The real path of DIR/BUCKET into root (owned).  -1 with f set. */
static int bucket_root(const char *s3_dir, const char *bucket, char **root,
		       struct itemreader_fail *f)
{
	if (!itemreader_bucket_ok(bucket))
		return itemreader_fail(f, 0, 0, "invalid bucket name");
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/%s", s3_dir, bucket);
	*root = realpath(p.ptr, NULL);
	buf_release(&p);
	if (!*root)
		return itemreader_fail(f, 0, 0, "NoSuchBucket: the bucket does not exist");
	return 0;
}

int itemreader_object(const char *s3_dir, const char *bucket, const char *key,
		      struct buf *out, struct itemreader_fail *f)
{
	char *root;
	if (bucket_root(s3_dir, bucket, &root, f) < 0)
		return -1;
	if (!itemreader_key_ok(key)) {
		free(root);
		return itemreader_fail(f, 0, 0, "key is not a relative path inside the bucket");
	}
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/%s", root, key);
	char *real = realpath(p.ptr, NULL);
	buf_release(&p);
	size_t rl = strlen(root);
	int rc = 0;
	const char *why;
	if (!real)
		rc = itemreader_fail(f, 0, 0, "NoSuchKey: the object does not exist");
	else if (strncmp(real, root, rl) != 0 || real[rl] != '/')
		rc = itemreader_fail(f, 0, 0, "the key leads outside the bucket (symbolic link)");
	else if (fileio_read(real, out, &why) < 0)
		rc = itemreader_fail(f, 0, 0, "cannot read the object: %s", why);
	free(real);
	free(root);
	return rc;
}

/* MaxItems of the config into *max (0: none).  -1 with f set. */
static int max_items(const cJSON *config, long *max, struct itemreader_fail *f)
{
	*max = 0;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(config, "MaxItems");
	if (!m)
		return 0;
	if (!cJSON_IsNumber(m) || m->valuedouble < 0 ||
	    m->valuedouble > ITEMREADER_MAX_MAX_ITEMS ||
	    m->valuedouble != (double)(long)m->valuedouble)
		return itemreader_fail(f, 0, 0,
			"ReaderConfig.MaxItems must be an integer from 0 to %d",
			ITEMREADER_MAX_MAX_ITEMS);
	*max = (long)m->valuedouble;
	return 0;
}

/* CSVDelimiter's names, as ReaderConfig spells them. */
static const struct { const char *name; char c; } delimiters[] = {
	{ "COMMA", ',' }, { "PIPE", '|' }, { "SEMICOLON", ';' },
	{ "SPACE", ' ' }, { "TAB", '\t' },
};

static int csv_config(const cJSON *config, long max, struct itemreader_csv *c,
		      struct itemreader_fail *f)
{
	c->delimiter = ',';
	c->headers = NULL;
	c->max_items = max;
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(config, "CSVDelimiter");
	if (d) {
		size_t i, n = sizeof(delimiters) / sizeof(delimiters[0]);
		for (i = 0; i < n; i++)
			if (cJSON_IsString(d) && strcmp(d->valuestring, delimiters[i].name) == 0)
				break;
		if (i == n)
			return itemreader_fail(f, 0, 0, "ReaderConfig.CSVDelimiter must be COMMA, PIPE, SEMICOLON, SPACE or TAB");
		c->delimiter = delimiters[i].c;
	}
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(config, "CSVHeaderLocation");
	const char *where = cJSON_IsString(loc) ? loc->valuestring : loc ? "" : "FIRST_ROW";
	if (strcmp(where, "FIRST_ROW") == 0)
		return 0;
	if (strcmp(where, "GIVEN") != 0)
		return itemreader_fail(f, 0, 0, "ReaderConfig.CSVHeaderLocation must be FIRST_ROW or GIVEN");
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(config, "CSVHeaders"), *e;
	if (!cJSON_IsArray(h) || !cJSON_GetArraySize(h))
		return itemreader_fail(f, 0, 0, "ReaderConfig.CSVHeaders must be a non-empty array of strings with CSVHeaderLocation GIVEN");
	if (cJSON_GetArraySize(h) > ITEMREADER_MAX_FIELDS)
		return itemreader_fail(f, 0, 0, "ReaderConfig.CSVHeaders has more than %d names", ITEMREADER_MAX_FIELDS);
	cJSON_ArrayForEach(e, h)
		if (!cJSON_IsString(e))
			return itemreader_fail(f, 0, 0, "ReaderConfig.CSVHeaders must be a non-empty array of strings with CSVHeaderLocation GIVEN");
	c->headers = h;
	return 0;
}

static int parse_as(const struct itemreader_request *rq, const char *data,
		    size_t len, cJSON *out, struct itemreader_fail *f)
{
	const cJSON *config = rq->reader_config;
	long max;
	if (max_items(config, &max, f) < 0)
		return -1;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(config, "InputType");
	const char *type = cJSON_IsString(t) ? t->valuestring : t ? "" : "JSON";
	if (strcmp(type, "JSON") == 0)
		return itemreader_json_parse(config, data, len, max, out, f);
	if (strcmp(type, "JSONL") == 0)
		return itemreader_jsonl_parse(data, len, max, out, f);
	if (strcmp(type, "MANIFEST") == 0)
		return itemreader_manifest_parse(rq, data, len, max, out, f);
	if (strcmp(type, "CSV") == 0) {
		struct itemreader_csv c;
		if (csv_config(config, max, &c, f) < 0)
			return -1;
		return itemreader_csv_parse(&c, data, len, out, f);
	}
	if (strcmp(type, "PARQUET") == 0)
		return itemreader_fail(f, 0, 0, "InputType PARQUET is not supported by stepbook (no Parquet reader); convert the object to CSV or JSONL");
	return itemreader_fail(f, 0, 0, "ReaderConfig.InputType must be CSV, JSON, JSONL, MANIFEST or PARQUET");
}

/* Builds the owned error and cause: "s3://B/K: line L, column C: msg". */
static int fail_out(const struct itemreader_request *rq, const char *what,
		    const struct itemreader_fail *f, char **error, char **cause)
{
	struct buf c = BUF_INIT;
	buf_addf(&c, "s3://%s/%s", rq->bucket ? rq->bucket : "", what ? what : "");
	if (f->line && f->column)
		buf_addf(&c, ": line %lu, column %lu", f->line, f->column);
	else if (f->line)
		buf_addf(&c, ": line %lu", f->line);
	buf_addf(&c, ": %s", f->msg.ptr);
	*error = xstrdup(ITEMREADER_ERROR);
	*cause = buf_detach(&c, NULL);
	return -1;
}

int itemreader_parse(const struct itemreader_request *rq, const char *data,
		     size_t len, cJSON **items, char **error, char **cause)
{
	struct itemreader_fail f = { BUF_INIT, 0, 0 };
	cJSON *out = cJSON_CreateArray();
	int rc = parse_as(rq, data, len, out, &f);
	if (rc < 0) {
		cJSON_Delete(out);
		*items = NULL;
		fail_out(rq, rq->key, &f, error, cause);
	} else {
		*items = out;
	}
	buf_release(&f.msg);
	return rc;
}

int itemreader_read(const struct itemreader_request *rq, cJSON **items,
		    char **error, char **cause)
{
	struct itemreader_fail f = { BUF_INIT, 0, 0 };
	*items = NULL;
	int rc;
	if (rq->resource && strcmp(rq->resource, LIST_OBJECTS) == 0) {
		cJSON *out = cJSON_CreateArray();
		rc = itemreader_list(rq, out, &f);
		if (rc < 0) {
			cJSON_Delete(out);
			fail_out(rq, rq->prefix, &f, error, cause);
		} else {
			*items = out;
		}
	} else if (rq->resource && strcmp(rq->resource, GET_OBJECT) == 0) {
		struct buf obj = BUF_INIT;
		rc = itemreader_object(rq->s3_dir, rq->bucket, rq->key, &obj, &f);
		if (rc < 0)
			fail_out(rq, rq->key, &f, error, cause);
		else
			rc = itemreader_parse(rq, obj.ptr, obj.len, items, error, cause);
		buf_release(&obj);
	} else {
		itemreader_fail(&f, 0, 0, "Resource must be " GET_OBJECT " or " LIST_OBJECTS);
		rc = fail_out(rq, rq->key, &f, error, cause);
	}
	buf_release(&f.msg);
	return rc;
}
