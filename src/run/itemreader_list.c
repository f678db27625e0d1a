/* itemreader_list.c - s3:listObjectsV2 over a bucket folder: one item per
 * regular file under Prefix, sorted by key in byte order as S3 lists them,
 * shaped as the Distributed Map gives them:
 *   {"Etag": "\"<md5 hex>\"", "Key": "...", "LastModified": <epoch s>,
 *    "Size": <bytes>, "StorageClass": "STANDARD"}
 * LastModified is the request's virtual clock (now_ms / 1000), not the
 * file's mtime, so that a run is the same on every machine.  Symbolic
 * links are neither followed nor listed: nothing outside DIR is seen.
 * Not here: reading an object (itemreader.c). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "itemreader_impl.h"
#include "xalloc.h"
#include "banned.h"

struct listing {
	char **keys;
	size_t nr, alloc;
};

static int walk(const char *root, struct buf *rel, unsigned depth,
		const char *prefix, struct listing *l, struct itemreader_fail *f);

/* One directory entry: recurse into folders, keep regular files. */
static int entry(const char *root, struct buf *rel, unsigned depth,
		 const char *prefix, struct listing *l, struct itemreader_fail *f)
{
	struct buf path = BUF_INIT;
	struct stat st;
	buf_addf(&path, "%s/%s", root, rel->ptr);
	int rc = 0;
	if (lstat(path.ptr, &st) < 0) {
		rc = 0; /* vanished meanwhile */
	} else if (S_ISDIR(st.st_mode)) {
		rc = walk(root, rel, depth + 1, prefix, l, f);
	} else if (S_ISREG(st.st_mode) && strncmp(rel->ptr, prefix, strlen(prefix)) == 0) {
		if (l->nr >= ITEMREADER_MAX_OBJECTS)
			rc = itemreader_fail(f, 0, 0, "more than %d objects under the prefix", ITEMREADER_MAX_OBJECTS);
		else if (rel->len <= ITEMREADER_MAX_KEY_BYTES) {
			ARRAY_GROW(l->keys, l->nr + 1, l->alloc);
			l->keys[l->nr++] = xstrdup(rel->ptr);
		}
	}
	buf_release(&path);
	return rc;
}

static int walk(const char *root, struct buf *rel, unsigned depth,
		const char *prefix, struct listing *l, struct itemreader_fail *f)
{
	if (depth > ITEMREADER_MAX_DEPTH)
		return itemreader_fail(f, 0, 0, "folders nested deeper than %d", ITEMREADER_MAX_DEPTH);
	struct buf dir = BUF_INIT;
	buf_addf(&dir, "%s/%s", root, rel->ptr);
	DIR *d = opendir(dir.ptr);
	buf_release(&dir);
	if (!d)
		return 0;
	size_t keep = rel->len;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		buf_addf(rel, "%s%s", keep ? "/" : "", e->d_name);
		rc = entry(root, rel, depth, prefix, l, f);
		buf_truncate(rel, keep);
	}
	closedir(d);
	return rc;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The item of one object; NULL when it vanished meanwhile. */
static cJSON *object_item(const char *root, const char *key, int64_t now_ms)
{
	struct buf path = BUF_INIT, data = BUF_INIT, etag = BUF_INIT;
	const char *why;
	buf_addf(&path, "%s/%s", root, key);
	cJSON *o = NULL;
	if (fileio_read(path.ptr, &data, &why) == 0) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int n = 0;
		EVP_Digest(data.ptr, data.len, md, &n, EVP_md5(), NULL);
		buf_addc(&etag, '"');
		for (unsigned int i = 0; i < n; i++)
			buf_addf(&etag, "%02x", md[i]);
		buf_addc(&etag, '"');
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "Etag", etag.ptr);
		cJSON_AddStringToObject(o, "Key", key);
		cJSON_AddNumberToObject(o, "LastModified", (double)(now_ms / 1000));
		cJSON_AddNumberToObject(o, "Size", (double)data.len);
		cJSON_AddStringToObject(o, "StorageClass", "STANDARD");
	}
	buf_release(&path);
	buf_release(&data);
	buf_release(&etag);
	return o;
}

int itemreader_list(const struct itemreader_request *rq, cJSON *out,
		    struct itemreader_fail *f)
{
	if (!itemreader_bucket_ok(rq->bucket))
		return itemreader_fail(f, 0, 0, "invalid bucket name");
	struct buf root = BUF_INIT, rel = BUF_INIT;
	struct stat st;
	buf_addf(&root, "%s/%s", rq->s3_dir, rq->bucket);
	if (lstat(root.ptr, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_release(&root);
		return itemreader_fail(f, 0, 0, "NoSuchBucket: the bucket does not exist");
	}
	struct listing l = { NULL, 0, 0 };
	long max;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(rq->reader_config, "MaxItems");
	max = cJSON_IsNumber(m) && m->valuedouble >= 1 && m->valuedouble <= ITEMREADER_MAX_MAX_ITEMS ? (long)m->valuedouble : 0;
	int rc = walk(root.ptr, &rel, 0, rq->prefix ? rq->prefix : "", &l, f);
	if (rc == 0 && l.nr) /* qsort's array must not be NULL */
		qsort(l.keys, l.nr, sizeof(*l.keys), by_key);
	long n = 0;
	for (size_t i = 0; i < l.nr; i++) {
		cJSON *o = rc == 0 && (!max || n < max) ? object_item(root.ptr, l.keys[i], rq->now_ms) : NULL;
		if (o) {
			cJSON_AddItemToArray(out, o);
			n++;
		}
		free(l.keys[i]);
	}
	free(l.keys);
	buf_release(&root);
	buf_release(&rel);
	return rc;
}
