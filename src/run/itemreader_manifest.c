/* itemreader_manifest.c - InputType MANIFEST: an S3 Inventory manifest.json
 * whose "files" are CSV data files (gzip'd, as S3 Inventory writes them) in
 * "destinationBucket"; each row becomes an item keyed by "fileSchema"
 * ("Bucket, Key, Size, LastModifiedDate" -> {"Bucket": ..., ...}), every
 * value a string.  ORC and Parquet inventories are refused.
 * Not here: the CSV grammar (itemreader_csv.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "itemreader_impl.h"
#include "xalloc.h"
#include "banned.h"

int itemreader_gunzip(const char *data, size_t len, struct buf *out,
		      struct itemreader_fail *f)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK) /* +32: gzip or zlib header */
		return itemreader_fail(f, 0, 0, "cannot start gzip decompression");
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	int rc = Z_OK;
	while (rc == Z_OK) {
		if (out->len >= ITEMREADER_MAX_OBJECT_BYTES) {
			inflateEnd(&z);
			return itemreader_fail(f, 0, 0, "decompressed data larger than %u bytes", ITEMREADER_MAX_OBJECT_BYTES);
		}
		buf_grow(out, 65536);
		z.next_out = (Bytef *)out->ptr + out->len;
		z.avail_out = 65536;
		rc = inflate(&z, Z_NO_FLUSH);
		out->len += 65536 - z.avail_out; /* buf_grow left room for it */
		out->ptr[out->len] = '\0';
		if (rc == Z_BUF_ERROR && z.avail_in)
			rc = Z_OK;
	}
	inflateEnd(&z);
	if (rc != Z_STREAM_END)
		return itemreader_fail(f, 0, 0, "not valid gzip data");
	return 0;
}

/* "Bucket, Key, Size" -> ["Bucket","Key","Size"] (owned), or NULL. */
static cJSON *schema(const char *s)
{
	cJSON *names = cJSON_CreateArray();
	struct buf name = BUF_INIT;
	int n = 0;
	for (;; s++) {
		if (*s == ',' || !*s) {
			while (name.len && name.ptr[name.len - 1] == ' ')
				buf_truncate(&name, name.len - 1);
			cJSON_AddItemToArray(names, cJSON_CreateString(name.ptr));
			buf_reset(&name);
			if (!*s || ++n >= ITEMREADER_MAX_FIELDS)
				break;
		} else if (*s != ' ' || name.len) {
			buf_addc(&name, *s);
		}
	}
	buf_release(&name);
	return names;
}

/* The bucket of "arn:aws:s3:::NAME" (or a plain name), borrowed. */
static const char *arn_bucket(const char *arn)
{
	const char *p = strstr(arn, ":::");
	return p ? p + 3 : arn;
}

static int data_file(const char *s3_dir, const char *bucket, const cJSON *file,
		     const struct itemreader_csv *csv, cJSON *out,
		     struct itemreader_fail *f)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(file, "key");
	if (!cJSON_IsString(k))
		return itemreader_fail(f, 0, 0, "manifest: every entry of \"files\" needs a string \"key\"");
	struct buf raw = BUF_INIT, text = BUF_INIT;
	int rc = itemreader_object(s3_dir, bucket, k->valuestring, &raw, f);
	int gz = raw.len >= 2 && (unsigned char)raw.ptr[0] == 0x1f && (unsigned char)raw.ptr[1] == 0x8b;
	if (rc == 0 && gz)
		rc = itemreader_gunzip(raw.ptr, raw.len, &text, f);
	if (rc == 0)
		rc = itemreader_csv_parse(csv, gz ? text.ptr : raw.ptr, gz ? text.len : raw.len, out, f);
	if (rc < 0) {
		struct buf m = BUF_INIT;
		buf_addf(&m, "data file s3://%s/%s", bucket, k->valuestring);
		if (f->line)
			buf_addf(&m, ", line %lu", f->line);
		if (f->column)
			buf_addf(&m, ", column %lu", f->column);
		buf_addf(&m, ": %s", f->msg.ptr);
		itemreader_fail(f, 0, 0, "%s", m.ptr);
		buf_release(&m);
	}
	buf_release(&raw);
	buf_release(&text);
	return rc;
}

static int files(const struct itemreader_request *rq, const cJSON *m,
		 long max_items, cJSON *out, struct itemreader_fail *f)
{
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(m, "fileFormat");
	const cJSON *sch = cJSON_GetObjectItemCaseSensitive(m, "fileSchema");
	const cJSON *dest = cJSON_GetObjectItemCaseSensitive(m, "destinationBucket");
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(m, "files"), *file;
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "CSV") != 0)
		return itemreader_fail(f, 0, 0, "manifest: only CSV inventories are read (\"fileFormat\": \"CSV\"); ORC and Parquet are not supported");
	if (!cJSON_IsString(sch) || !cJSON_IsString(dest) || !cJSON_IsArray(list))
		return itemreader_fail(f, 0, 0, "manifest: \"fileSchema\", \"destinationBucket\" and \"files\" are required");
	if (cJSON_GetArraySize(list) > ITEMREADER_MAX_MANIFEST_FILES)
		return itemreader_fail(f, 0, 0, "manifest: more than %d files", ITEMREADER_MAX_MANIFEST_FILES);
	cJSON *names = schema(sch->valuestring);
	struct itemreader_csv csv = { ',', names, max_items };
	int rc = 0;
	cJSON_ArrayForEach(file, list) {
		if (max_items)
			csv.max_items = max_items - cJSON_GetArraySize(out);
		if (max_items && csv.max_items <= 0)
			break;
		rc = data_file(rq->s3_dir, arn_bucket(dest->valuestring), file, &csv, out, f);
		if (rc < 0)
			break;
	}
	cJSON_Delete(names);
	return rc;
}

int itemreader_manifest_parse(const struct itemreader_request *rq,
			      const char *data, size_t len, long max_items,
			      cJSON *out, struct itemreader_fail *f)
{
	const cJSON *mt = cJSON_GetObjectItemCaseSensitive(rq->reader_config, "ManifestType");
	if (mt && !(cJSON_IsString(mt) && strcmp(mt->valuestring, "S3_INVENTORY") == 0))
		return itemreader_fail(f, 0, 0, "ReaderConfig.ManifestType: only S3_INVENTORY is supported");
	const char *end = NULL;
	cJSON *m = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (!cJSON_IsObject(m)) {
		cJSON_Delete(m);
		unsigned long l = 0, c = 0;
		const char *e = m ? NULL : cJSON_GetErrorPtr();
		if (e && e >= data && e <= data + len)
			itemreader_position(data, (size_t)(e - data), &l, &c);
		return itemreader_fail(f, l, c, "manifest: not a JSON object");
	}
	int rc = files(rq, m, max_items, out, f);
	cJSON_Delete(m);
	return rc;
}
