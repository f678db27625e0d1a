/* itemreader.h - the Distributed Map's item readers and result writer over a
 * local folder that stands for S3: object KEY of bucket BUCKET is the file
 * DIR/BUCKET/KEY.  Readers: s3:getObject with ReaderConfig.InputType JSON,
 * JSONL, CSV or MANIFEST (S3 inventory), and s3:listObjectsV2.  Every failure
 * is an ASL error value (States.ItemReaderFailed) whose cause names the
 * object and the line; nothing here crashes or escapes DIR.
 * Not here: running the Map (exec*.c), evaluating Parameters/Arguments or
 * MaxItemsPath (the caller passes the evaluated values). */
#ifndef STEPBOOK_ITEMREADER_H
#define STEPBOOK_ITEMREADER_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "fileio.h"

/* The error name of every reader failure (AWS's). */
#define ITEMREADER_ERROR "States.ItemReaderFailed"
/* AWS's upper bound on ReaderConfig.MaxItems. */
#define ITEMREADER_MAX_MAX_ITEMS 100000000
/* The largest object (or decompressed inventory file) read: the bound of
 * every file stepbook reads.  AWS reads objects up to 10 GB; a course's
 * fixtures are far smaller. */
#define ITEMREADER_MAX_OBJECT_BYTES FILEIO_MAX_BYTES
/* Items held at once: bounds memory (about 100 bytes per item).  A larger
 * data set needs MaxItems. */
#define ITEMREADER_MAX_ITEMS 2000000
/* A CSV record or JSONL line: an item becomes a child execution's input,
 * which AWS caps at 256 KiB, so a longer one could never run. */
#define ITEMREADER_MAX_LINE_BYTES (256u * 1024)
/* Fields of a CSV header (CSVHeaders or the first row). */
#define ITEMREADER_MAX_FIELDS 1024
/* S3 keys are at most 1024 bytes of UTF-8. */
#define ITEMREADER_MAX_KEY_BYTES 1024
/* Objects listed by listObjectsV2, and folder depth walked. */
#define ITEMREADER_MAX_OBJECTS 100000
#define ITEMREADER_MAX_DEPTH 32
/* Data files of one inventory manifest. */
#define ITEMREADER_MAX_MANIFEST_FILES 1000

struct itemreader_request {
	const char *s3_dir;   /* the folder holding one folder per bucket */
	const char *resource; /* arn:aws:states:::s3:getObject | ...:listObjectsV2 */
	const char *bucket;
	const char *key;      /* getObject */
	const char *prefix;   /* listObjectsV2, NULL for the whole bucket */
	const cJSON *reader_config; /* evaluated ReaderConfig, or NULL */
	int64_t now_ms;       /* the virtual clock: listObjectsV2's LastModified */
};

/* Reads the items.  Returns 0 with *items an owned cJSON array (free with
 * cJSON_Delete), or -1 with *error and *cause owned strings (free()). */
int itemreader_read(const struct itemreader_request *rq, cJSON **items,
		    char **error, char **cause);

/* Parses 'len' bytes as the object rq->bucket/rq->key holds (getObject
 * only; MANIFEST reads its data files from rq->s3_dir).  Borrows data.
 * Returns as itemreader_read. */
int itemreader_parse(const struct itemreader_request *rq, const char *data,
		     size_t len, cJSON **items, char **error, char **cause);

/* ResultWriter: where and what to write. */
struct itemreader_results {
	const char *s3_dir;
	const char *bucket;
	const char *prefix;      /* ResultWriter Prefix, may be NULL or "" */
	const char *map_run_arn; /* its last ':' or '/' part names the folder */
	const cJSON *succeeded;  /* arrays of child execution records */
	const cJSON *failed;
	const cJSON *pending;
	int jsonl;               /* WriterConfig OutputType JSONL: one record
				    per line rather than a JSON array */
};

/* Writes PREFIX/MAP_RUN_ID/manifest.json and SUCCEEDED_0.json,
 * FAILED_0.json, PENDING_0.json (each written only when it has records) in
 * the layout AWS documents.  Borrows w.  Returns 0 with *manifest the
 * manifest written (owned, cJSON_Delete), or -1 with owned *error and *cause. */
int itemreader_write_results(const struct itemreader_results *w,
			     cJSON **manifest, char **error, char **cause);

#endif
