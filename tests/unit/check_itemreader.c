/* check_itemreader.c - the Distributed Map's item readers over the fixture
 * buckets of tests/data/s3 (bucket "demo"): exact items for each InputType
 * and listObjectsV2, exact States.ItemReaderFailed causes for malformed
 * objects and refused keys, the bounds, and ResultWriter's layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "buf.h"
#include "itemreader.h"
#include "banned.h"

#define S3 "tests/data/s3"
#define GET "arn:aws:states:::s3:getObject"
#define LIST "arn:aws:states:::s3:listObjectsV2"

/* The items as compact JSON, or "ERROR: cause".  Returns owned. */
static char *run(const char *resource, const char *bucket, const char *key,
		 const char *config)
{
	cJSON *cfg = config ? cJSON_Parse(config) : NULL;
	ck_assert(!config || cfg);
	struct itemreader_request rq = { S3, resource, bucket, key, key, cfg,
					 1704067200000 };
	cJSON *items = NULL;
	char *error = NULL, *cause = NULL, *out;
	if (itemreader_read(&rq, &items, &error, &cause) == 0) {
		ck_assert_ptr_null(error);
		char *t = cJSON_PrintUnformatted(items);
		out = strdup(t);
		cJSON_free(t);
		cJSON_Delete(items);
	} else {
		ck_assert_ptr_null(items);
		ck_assert_str_eq(error, "States.ItemReaderFailed");
		struct buf b = BUF_INIT;
		buf_addf(&b, "ERROR: %s", cause);
		out = buf_detach(&b, NULL);
		free(error);
		free(cause);
	}
	cJSON_Delete(cfg);
	return out;
}

#define EXPECT(got_expr, want)                        \
	do {                                          \
		char *got_ = (got_expr);              \
		ck_assert_str_eq(got_, want);         \
		free(got_);                           \
	} while (0)

START_TEST(csv_first_row)
{
	/* quoted delimiters, doubled quotes, a quoted newline, CRLF; a short
	 * row gets "" and extra fields are skipped; the blank line holds none */
	EXPECT(run(GET, "demo", "csv/people.csv", "{\"InputType\":\"CSV\",\"CSVHeaderLocation\":\"FIRST_ROW\"}"),
	       "[{\"name\":\"alice\",\"age\":\"30\",\"note\":\"says \\\"hi\\\", then\\nleaves\"},"
	       "{\"name\":\"bob\",\"age\":\"41\",\"note\":\"\"},"
	       "{\"name\":\"carol\",\"age\":\"22\",\"note\":\"x\"}]");
	EXPECT(run(GET, "demo", "csv/people.csv", "{\"InputType\":\"CSV\",\"MaxItems\":2}"),
	       "[{\"name\":\"alice\",\"age\":\"30\",\"note\":\"says \\\"hi\\\", then\\nleaves\"},"
	       "{\"name\":\"bob\",\"age\":\"41\",\"note\":\"\"}]");
}
END_TEST

START_TEST(csv_delimiters_and_given)
{
	EXPECT(run(GET, "demo", "csv/pipe.csv", "{\"InputType\":\"CSV\",\"CSVDelimiter\":\"PIPE\"}"),
	       "[{\"a\":\"1\",\"b\":\"2\"},{\"a\":\"3|4\",\"b\":\"5\"}]");
	EXPECT(run(GET, "demo", "csv/given.tsv", "{\"InputType\":\"CSV\",\"CSVDelimiter\":\"TAB\","
		   "\"CSVHeaderLocation\":\"GIVEN\",\"CSVHeaders\":[\"x\",\"y\"]}"),
	       "[{\"x\":\"1\",\"y\":\"2\"},{\"x\":\"3\",\"y\":\"4\"}]");
	/* AWS's own example: doubled backslashes stand for one */
	EXPECT(run(GET, "demo", "csv/backslash.csv", "{\"InputType\":\"CSV\"}"),
	       "[{\"path\":\"C:\\\\Program Files\\\\MyApp.exe\",\"size\":\"6534512\"}]");
	EXPECT(run(GET, "demo", "csv/given.tsv", "{\"InputType\":\"CSV\",\"CSVDelimiter\":\"COLON\"}"),
	       "ERROR: s3://demo/csv/given.tsv: ReaderConfig.CSVDelimiter must be COMMA, PIPE, SEMICOLON, SPACE or TAB");
	EXPECT(run(GET, "demo", "csv/given.tsv", "{\"InputType\":\"CSV\",\"CSVHeaderLocation\":\"GIVEN\"}"),
	       "ERROR: s3://demo/csv/given.tsv: ReaderConfig.CSVHeaders must be a non-empty array of strings with CSVHeaderLocation GIVEN");
}
END_TEST

START_TEST(csv_malformed)
{
	EXPECT(run(GET, "demo", "csv/unterminated.csv", "{\"InputType\":\"CSV\"}"),
	       "ERROR: s3://demo/csv/unterminated.csv: line 3, column 1: unterminated quoted field");
	EXPECT(run(GET, "demo", "csv/after-quote.csv", "{\"InputType\":\"CSV\"}"),
	       "ERROR: s3://demo/csv/after-quote.csv: line 3, column 4: unexpected character after a closing quote");
	EXPECT(run(GET, "demo", "csv/dup-header.csv", "{\"InputType\":\"CSV\"}"),
	       "ERROR: s3://demo/csv/dup-header.csv: duplicate header 'a'");
}
END_TEST

START_TEST(json_and_jsonl)
{
	EXPECT(run(GET, "demo", "json/array.json", "{\"InputType\":\"JSON\"}"),
	       "[{\"id\":1},{\"id\":2},\"three\",[4],null]");
	EXPECT(run(GET, "demo", "json/array.json", NULL), /* JSON is the default */
	       "[{\"id\":1},{\"id\":2},\"three\",[4],null]");
	EXPECT(run(GET, "demo", "json/array.json", "{\"InputType\":\"JSON\",\"MaxItems\":1}"),
	       "[{\"id\":1}]");
	EXPECT(run(GET, "demo", "json/nested.json", "{\"InputType\":\"JSON\",\"ItemsPointer\":\"/data/items\"}"),
	       "[10,20,30]");
	EXPECT(run(GET, "demo", "json/nested.json", "{\"InputType\":\"JSON\",\"ItemsPointer\":\"/data/nope\"}"),
	       "ERROR: s3://demo/json/nested.json: ReaderConfig.ItemsPointer '/data/nope' names nothing in the object");
	EXPECT(run(GET, "demo", "json/object.json", "{\"InputType\":\"JSON\"}"),
	       "ERROR: s3://demo/json/object.json: the object's JSON is an object, not an array");
	EXPECT(run(GET, "demo", "json/broken.json", "{\"InputType\":\"JSON\"}"),
	       "ERROR: s3://demo/json/broken.json: line 3, column 13: malformed JSON");
	EXPECT(run(GET, "demo", "json/lines.jsonl", "{\"InputType\":\"JSONL\"}"),
	       "[{\"id\":1},{\"id\":2},\"s\"]");
	EXPECT(run(GET, "demo", "json/broken.jsonl", "{\"InputType\":\"JSONL\"}"),
	       "ERROR: s3://demo/json/broken.jsonl: line 2, column 7: malformed JSON");
}
END_TEST

START_TEST(manifest)
{
	EXPECT(run(GET, "demo", "inventory/manifest.json", "{\"InputType\":\"MANIFEST\"}"),
	       "[{\"Bucket\":\"demo\",\"Key\":\"inventory/photo1.jpg\",\"Size\":\"1024\",\"LastModifiedDate\":\"2024-01-01T00:00:00.000Z\"},"
	       "{\"Bucket\":\"demo\",\"Key\":\"inventory/photo2.jpg\",\"Size\":\"2048\",\"LastModifiedDate\":\"2024-01-02T00:00:00.000Z\"},"
	       "{\"Bucket\":\"demo\",\"Key\":\"inventory/photo3.jpg\",\"Size\":\"4096\",\"LastModifiedDate\":\"2024-01-03T00:00:00.000Z\"}]");
	EXPECT(run(GET, "demo", "inventory/manifest.json", "{\"InputType\":\"MANIFEST\",\"MaxItems\":1}"),
	       "[{\"Bucket\":\"demo\",\"Key\":\"inventory/photo1.jpg\",\"Size\":\"1024\",\"LastModifiedDate\":\"2024-01-01T00:00:00.000Z\"}]");
	EXPECT(run(GET, "demo", "inventory/bad-manifest.json", "{\"InputType\":\"MANIFEST\"}"),
	       "ERROR: s3://demo/inventory/bad-manifest.json: data file s3://demo/inventory/data/bad.csv.gz, line 1, column 1: unterminated quoted field");
	/* a gzip bomb stops at the object bound */
	EXPECT(run(GET, "demo", "inventory/bomb-manifest.json", "{\"InputType\":\"MANIFEST\"}"),
	       "ERROR: s3://demo/inventory/bomb-manifest.json: data file s3://demo/inventory/data/bomb.csv.gz: decompressed data larger than 16777216 bytes");
	EXPECT(run(GET, "demo", "inventory/orc-manifest.json", "{\"InputType\":\"MANIFEST\"}"),
	       "ERROR: s3://demo/inventory/orc-manifest.json: manifest: only CSV inventories are read (\"fileFormat\": \"CSV\"); ORC and Parquet are not supported");
	EXPECT(run(GET, "demo", "csv/people.csv", "{\"InputType\":\"PARQUET\"}"),
	       "ERROR: s3://demo/csv/people.csv: InputType PARQUET is not supported by stepbook (no Parquet reader); convert the object to CSV or JSONL");
}
END_TEST

START_TEST(list_objects)
{
	/* sorted by key bytes as S3 lists them ("B" < "a"); LastModified is
	 * the virtual clock's second, Etag the quoted MD5 of the bytes */
	EXPECT(run(LIST, "demo", "list/", NULL),
	       "[{\"Etag\":\"\\\"9dd4e461268c8034f5c8564e155c67a6\\\"\",\"Key\":\"list/B.txt\",\"LastModified\":1704067200,\"Size\":1,\"StorageClass\":\"STANDARD\"},"
	       "{\"Etag\":\"\\\"f97c5d29941bfb1b2fdab0874906ab82\\\"\",\"Key\":\"list/a.txt\",\"LastModified\":1704067200,\"Size\":3,\"StorageClass\":\"STANDARD\"},"
	       "{\"Etag\":\"\\\"9f5b6d9a034d175868bf593885b7dc4e\\\"\",\"Key\":\"list/b.txt\",\"LastModified\":1704067200,\"Size\":4,\"StorageClass\":\"STANDARD\"},"
	       "{\"Etag\":\"\\\"d41d8cd98f00b204e9800998ecf8427e\\\"\",\"Key\":\"list/sub/c.txt\",\"LastModified\":1704067200,\"Size\":0,\"StorageClass\":\"STANDARD\"}]");
	EXPECT(run(LIST, "demo", "list/s", NULL),
	       "[{\"Etag\":\"\\\"d41d8cd98f00b204e9800998ecf8427e\\\"\",\"Key\":\"list/sub/c.txt\",\"LastModified\":1704067200,\"Size\":0,\"StorageClass\":\"STANDARD\"}]");
	EXPECT(run(LIST, "demo", "nothing/", NULL), "[]");
	/* the symbolic link at the bucket's top is not listed */
	char *all = run(LIST, "demo", "", NULL);
	ck_assert_ptr_null(strstr(all, "escape-link"));
	free(all);
	EXPECT(run(LIST, "nobucket", "", NULL),
	       "ERROR: s3://nobucket/: NoSuchBucket: the bucket does not exist");
}
END_TEST

START_TEST(refused_keys)
{
	EXPECT(run(GET, "demo", "csv/missing.csv", "{\"InputType\":\"CSV\"}"),
	       "ERROR: s3://demo/csv/missing.csv: NoSuchKey: the object does not exist");
	EXPECT(run(GET, "nobucket", "a.csv", "{\"InputType\":\"CSV\"}"),
	       "ERROR: s3://nobucket/a.csv: NoSuchBucket: the bucket does not exist");
	EXPECT(run(GET, "demo", "../other/secret.txt", "{\"InputType\":\"JSONL\"}"),
	       "ERROR: s3://demo/../other/secret.txt: key is not a relative path inside the bucket");
	EXPECT(run(GET, "demo", "/etc/passwd", "{\"InputType\":\"JSONL\"}"),
	       "ERROR: s3://demo//etc/passwd: key is not a relative path inside the bucket");
	EXPECT(run(GET, "..", "x", "{\"InputType\":\"JSONL\"}"),
	       "ERROR: s3://../x: invalid bucket name");
	EXPECT(run(GET, "demo", "escape-link", "{\"InputType\":\"JSONL\"}"),
	       "ERROR: s3://demo/escape-link: the key leads outside the bucket (symbolic link)");
	EXPECT(run("arn:aws:states:::s3:putObject", "demo", "x", NULL),
	       "ERROR: s3://demo/x: Resource must be arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2");
}
END_TEST

/* Parses text directly (no file) with the given config. */
static char *parse(const char *config, const char *text, size_t len)
{
	cJSON *cfg = cJSON_Parse(config);
	struct itemreader_request rq = { S3, GET, "demo", "mem", NULL, cfg, 0 };
	cJSON *items = NULL;
	char *error = NULL, *cause = NULL, *out;
	if (itemreader_parse(&rq, text, len, &items, &error, &cause) == 0) {
		char *t = cJSON_PrintUnformatted(items);
		out = strdup(t);
		cJSON_free(t);
		cJSON_Delete(items);
	} else {
		out = cause;
		free(error);
	}
	cJSON_Delete(cfg);
	return out;
}

START_TEST(bounds)
{
	/* a record one byte over the line bound */
	size_t n = ITEMREADER_MAX_LINE_BYTES + 8;
	char *big = malloc(n);
	memset(big, 'x', n);
	memcpy(big, "h\n", 2);
	EXPECT(parse("{\"InputType\":\"CSV\"}", big, n),
	       "s3://demo/mem: line 2: record longer than 262144 bytes");
	memcpy(big, "1\n", 2);
	EXPECT(parse("{\"InputType\":\"JSONL\"}", big, n),
	       "s3://demo/mem: line 2: line longer than 262144 bytes");
	free(big);
	/* more header fields than the bound */
	struct buf h = BUF_INIT;
	for (int i = 0; i <= ITEMREADER_MAX_FIELDS; i++)
		buf_addf(&h, "%sh%d", i ? "," : "", i);
	EXPECT(parse("{\"InputType\":\"CSV\"}", h.ptr, h.len),
	       "s3://demo/mem: line 1: header row has more than 1024 fields");
	buf_release(&h);
	EXPECT(parse("{\"InputType\":\"CSV\",\"MaxItems\":100000001}", "a\n1\n", 4),
	       "s3://demo/mem: ReaderConfig.MaxItems must be an integer from 0 to 100000000");
	/* deep JSON is refused by cJSON's nesting limit, not a crash */
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 5000; i++)
		buf_addc(&deep, '[');
	char *got = parse("{\"InputType\":\"JSON\"}", deep.ptr, deep.len);
	ck_assert_ptr_nonnull(strstr(got, "malformed JSON"));
	free(got);
	buf_release(&deep);
}
END_TEST

START_TEST(list_depth_bound)
{
	char dir[] = "/tmp/itemreader-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/deep", dir);
	for (int i = 0; i <= ITEMREADER_MAX_DEPTH + 1; i++) {
		ck_assert_int_eq(mkdir(p.ptr, 0755), 0);
		buf_adds(&p, "/d");
	}
	struct itemreader_request rq = { dir, LIST, "deep", NULL, "", NULL, 0 };
	cJSON *items = NULL;
	char *error = NULL, *cause = NULL;
	ck_assert_int_eq(itemreader_read(&rq, &items, &error, &cause), -1);
	ck_assert_str_eq(cause, "s3://deep/: folders nested deeper than 32");
	free(error);
	free(cause);
	buf_reset(&p);
	buf_addf(&p, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(p.ptr), 0);
	buf_release(&p);
}
END_TEST

START_TEST(csv_100k_rows_fast)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "id,name,score,city\n");
	for (int i = 0; i < 100000; i++)
		buf_addf(&b, "%d,\"name %d\",%d.5,Paris\n", i, i, i % 100);
	cJSON *cfg = cJSON_Parse("{\"InputType\":\"CSV\"}");
	struct itemreader_request rq = { S3, GET, "demo", "big.csv", NULL, cfg, 0 };
	cJSON *items = NULL;
	char *error = NULL, *cause = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(itemreader_parse(&rq, b.ptr, b.len, &items, &error, &cause), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (getenv("STEPBOOK_BENCH"))
		fprintf(stderr, "itemreader: 100000 CSV rows (%zu bytes) in %.3f s\n", b.len, s);
	ck_assert_int_eq(cJSON_GetArraySize(items), 100000);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 99999), "name")->valuestring, "name 99999");
	cJSON_Delete(items);
	cJSON_Delete(cfg);
	buf_release(&b);
}
END_TEST

START_TEST(result_writer)
{
	char dir[] = "/tmp/itemreader-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/out", dir);
	ck_assert_int_eq(mkdir(p.ptr, 0755), 0);
	cJSON *ok = cJSON_Parse("[{\"Status\":\"SUCCEEDED\",\"Output\":\"{}\"}]");
	cJSON *failed = cJSON_Parse("[]");
	struct itemreader_results w = { dir, "out", "runs",
		"arn:aws:states:us-east-1:123456789012:mapRun:M/Map:0e0eac81-ce53-4db5-aa86-86e92efdeed7",
		ok, failed, NULL, 0 };
	cJSON *m = NULL;
	char *error = NULL, *cause = NULL;
	ck_assert_int_eq(itemreader_write_results(&w, &m, &error, &cause), 0);
	char *t = cJSON_PrintUnformatted(m);
	ck_assert_str_eq(t, "{\"DestinationBucket\":\"out\",\"MapRunArn\":\"arn:aws:states:us-east-1:123456789012:mapRun:M/Map:0e0eac81-ce53-4db5-aa86-86e92efdeed7\","
			 "\"ResultFiles\":{\"FAILED\":[],\"PENDING\":[],\"SUCCEEDED\":[{\"Key\":\"runs/0e0eac81-ce53-4db5-aa86-86e92efdeed7/SUCCEEDED_0.json\",\"Size\":38}]}}");
	cJSON_free(t);
	cJSON_Delete(m);
	struct buf f = BUF_INIT;
	const char *why;
	buf_addf(&p, "/runs/0e0eac81-ce53-4db5-aa86-86e92efdeed7/SUCCEEDED_0.json");
	ck_assert_int_eq(fileio_read(p.ptr, &f, &why), 0);
	ck_assert_str_eq(f.ptr, "[{\"Status\":\"SUCCEEDED\",\"Output\":\"{}\"}]");
	/* a prefix that climbs out of the bucket is refused */
	w.prefix = "../x";
	ck_assert_int_eq(itemreader_write_results(&w, &m, &error, &cause), -1);
	ck_assert_str_eq(error, "States.ResultWriterFailed");
	free(error);
	free(cause);
	buf_reset(&p);
	buf_addf(&p, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(p.ptr), 0);
	buf_release(&p);
	buf_release(&f);
	cJSON_Delete(ok);
	cJSON_Delete(failed);
}
END_TEST

Suite *itemreader_suite(void)
{
	Suite *s = suite_create("itemreader");
	TCase *tc = tcase_create("readers");
	tcase_add_test(tc, csv_first_row);
	tcase_add_test(tc, csv_delimiters_and_given);
	tcase_add_test(tc, csv_malformed);
	tcase_add_test(tc, json_and_jsonl);
	tcase_add_test(tc, manifest);
	tcase_add_test(tc, list_objects);
	tcase_add_test(tc, refused_keys);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, list_depth_bound);
	tcase_add_test(tc, result_writer);
	suite_add_tcase(s, tc);
	TCase *perf = tcase_create("perf");
	tcase_set_timeout(perf, 10); /* scaled by CK_TIMEOUT_MULTIPLIER */
	tcase_add_test(perf, csv_100k_rows_fast);
	suite_add_tcase(s, perf);
	return s;
}
