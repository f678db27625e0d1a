/* itemreader_impl.h - private to the itemreader module: the located error
 * every parser reports, and the parsers the front end dispatches to. */
#ifndef STEPBOOK_ITEMREADER_IMPL_H
#define STEPBOOK_ITEMREADER_IMPL_H

#include "buf.h"
#include "itemreader.h"

/* Where a parser failed: line and column are 1-based, 0 when unknown. */
struct itemreader_fail {
	struct buf msg;
	unsigned long line, column;
};

/* Sets f's message (printf-like) and position.  Returns -1. */
int itemreader_fail(struct itemreader_fail *f, unsigned long line,
		    unsigned long column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* 1-based line and column of offset 'at' in data. */
void itemreader_position(const char *data, size_t at, unsigned long *line,
			 unsigned long *column);

/* CSV settings from ReaderConfig (or the inventory schema). */
struct itemreader_csv {
	char delimiter;
	const cJSON *headers; /* GIVEN: array of strings; NULL: FIRST_ROW */
	long max_items;       /* 0: no limit */
};

/* Each parser appends items to 'out' (borrowed) and returns 0, or -1 with
 * f set. */
int itemreader_csv_parse(const struct itemreader_csv *c, const char *data,
			 size_t len, cJSON *out, struct itemreader_fail *f);
int itemreader_json_parse(const cJSON *config, const char *data, size_t len,
			  long max_items, cJSON *out, struct itemreader_fail *f);
int itemreader_jsonl_parse(const char *data, size_t len, long max_items,
			   cJSON *out, struct itemreader_fail *f);
int itemreader_manifest_parse(const struct itemreader_request *rq,
			      const char *data, size_t len, long max_items,
			      cJSON *out, struct itemreader_fail *f);

/* listObjectsV2: one item per object under rq->prefix, sorted by key. */
int itemreader_list(const struct itemreader_request *rq, cJSON *out,
		    struct itemreader_fail *f);

/* Reads object bucket/key under s3_dir into out, refusing keys that leave
 * the bucket.  Returns 0, or -1 with f set. */
int itemreader_object(const char *s3_dir, const char *bucket, const char *key,
		      struct buf *out, struct itemreader_fail *f);

/* Decompresses gzip data into out, at most ITEMREADER_MAX_OBJECT_BYTES.
 * Returns 0, or -1 with f set. */
int itemreader_gunzip(const char *data, size_t len, struct buf *out,
		      struct itemreader_fail *f);

/* Whether bucket is a valid S3 bucket name, and key a key that stays
 * inside its bucket folder (no "..", ".", empty segment or leading '/'). */
int itemreader_bucket_ok(const char *bucket);
int itemreader_key_ok(const char *key);

#endif
