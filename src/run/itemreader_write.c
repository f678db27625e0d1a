/* itemreader_write.c - ResultWriter's export into the local bucket, in the
 * layout AWS documents for a Distributed Map's results
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html):
 *   PREFIX/MAP_RUN_ID/manifest.json
 *     {"DestinationBucket": B, "MapRunArn": ARN,
 *      "ResultFiles": {"FAILED": [{"Key": K, "Size": N}], "PENDING": [...],
 *                      "SUCCEEDED": [...]}}
 *   PREFIX/MAP_RUN_ID/SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json:
 *     JSON arrays of child execution records, as the caller built them.
 * MAP_RUN_ID is the map run ARN's last part (after its last ':' or '/').
 * Not here: building the records (the interpreter). */
#include <string.h>

#include "itemreader_impl.h"
#include "xalloc.h"
#include "banned.h"

static const char *run_id(const char *arn)
{
	const char *c = strrchr(arn, ':'), *s = strrchr(arn, '/');
	const char *p = c > s ? c : s;
	return p ? p + 1 : arn;
}

/* records as JSON Lines: owned, free with cJSON_free. */
static char *json_lines(const cJSON *records)
{
	struct buf b = BUF_INIT;
	for (const cJSON *r = records->child; r; r = r->next) {
		char *t = cJSON_PrintUnformatted(r);
		buf_adds(&b, t);
		buf_addc(&b, '\n');
		cJSON_free(t);
	}
	char *out = cJSON_malloc(b.len + 1);
	memcpy(out, b.ptr, b.len + 1);
	buf_release(&b);
	return out;
}

/* Writes one result file and lists it in files[]. */
static int result_file(const struct itemreader_results *w, const char *dir_key,
		       const char *status, const cJSON *records, cJSON *files,
		       struct itemreader_fail *f)
{
	cJSON *list = cJSON_AddArrayToObject(files, status);
	if (!cJSON_IsArray(records) || !cJSON_GetArraySize(records))
		return 0;
	char *text = w->jsonl ? json_lines(records) : cJSON_PrintUnformatted(records);
	size_t n = strlen(text);
	struct buf key = BUF_INIT, path = BUF_INIT;
	buf_addf(&key, "%s%s_0.json", dir_key, status);
	buf_addf(&path, "%s/%s/%s", w->s3_dir, w->bucket, key.ptr);
	int rc = fileio_write_atomic(path.ptr, text, n);
	if (rc == 0) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "Key", key.ptr);
		cJSON_AddNumberToObject(e, "Size", (double)n);
		cJSON_AddItemToArray(list, e);
	} else {
		itemreader_fail(f, 0, 0, "cannot write %s", key.ptr);
	}
	cJSON_free(text);
	buf_release(&key);
	buf_release(&path);
	return rc;
}

/* "PREFIX/MAP_RUN_ID/" (a key folder), checked.  -1 with f set. */
static int folder(const struct itemreader_results *w, struct buf *dir_key,
		  struct itemreader_fail *f)
{
	const char *p = w->prefix ? w->prefix : "";
	size_t n = strlen(p);
	if (n)
		buf_addf(dir_key, "%s%s", p, p[n - 1] == '/' ? "" : "/");
	buf_addf(dir_key, "%s/manifest.json", run_id(w->map_run_arn ? w->map_run_arn : ""));
	if (!itemreader_bucket_ok(w->bucket) || !itemreader_key_ok(dir_key->ptr))
		return itemreader_fail(f, 0, 0, "invalid bucket, prefix or map run ARN for ResultWriter");
	buf_truncate(dir_key, dir_key->len - strlen("manifest.json"));
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s/%s", w->s3_dir, w->bucket, dir_key->ptr);
	int rc = fileio_mkdirs(path.ptr);
	buf_release(&path);
	return rc < 0 ? itemreader_fail(f, 0, 0, "cannot create the result folder") : 0;
}

static int write_all(const struct itemreader_results *w, cJSON *m,
		     struct buf *dir_key, struct itemreader_fail *f)
{
	if (folder(w, dir_key, f) < 0)
		return -1;
	cJSON_AddStringToObject(m, "DestinationBucket", w->bucket);
	cJSON_AddStringToObject(m, "MapRunArn", w->map_run_arn);
	cJSON *files = cJSON_AddObjectToObject(m, "ResultFiles");
	if (result_file(w, dir_key->ptr, "FAILED", w->failed, files, f) < 0 ||
	    result_file(w, dir_key->ptr, "PENDING", w->pending, files, f) < 0 ||
	    result_file(w, dir_key->ptr, "SUCCEEDED", w->succeeded, files, f) < 0)
		return -1;
	char *text = cJSON_PrintUnformatted(m);
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s/%smanifest.json", w->s3_dir, w->bucket, dir_key->ptr);
	int rc = fileio_write_atomic(path.ptr, text, strlen(text));
	cJSON_free(text);
	buf_release(&path);
	return rc < 0 ? itemreader_fail(f, 0, 0, "cannot write %smanifest.json", dir_key->ptr) : 0;
}

int itemreader_write_results(const struct itemreader_results *w,
			     cJSON **manifest, char **error, char **cause)
{
	struct itemreader_fail f = { BUF_INIT, 0, 0 };
	struct buf dir_key = BUF_INIT;
	cJSON *m = cJSON_CreateObject();
	int rc = write_all(w, m, &dir_key, &f);
	if (rc < 0) {
		cJSON_Delete(m);
		m = NULL;
		struct buf c = BUF_INIT;
		buf_addf(&c, "s3://%s/%s: %s", w->bucket ? w->bucket : "", dir_key.ptr, f.msg.ptr);
		*error = xstrdup("States.ResultWriterFailed");
		*cause = buf_detach(&c, NULL);
	}
	*manifest = m;
	buf_release(&f.msg);
	buf_release(&dir_key);
	return rc;
}
