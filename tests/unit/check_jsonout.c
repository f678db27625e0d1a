/* check_jsonout.c - the JSON printer: jq's layout (pretty and -c), the
 * same numbers and string escapes as cJSON, depth without recursion, and
 * the AWS CLI's timestamps that run --format history prints. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "jsonout.h"
#include "timestamp.h"
#include "banned.h"

/* input, jq's output, jq -c's output */
static const char *const cases[][3] = {
	{ "1", "1", "1" },
	{ "null", "null", "null" },
	{ "true", "true", "true" },
	{ "false", "false", "false" },
	{ "[]", "[]", "[]" },
	{ "{}", "{}", "{}" },
	{ "\"\"", "\"\"", "\"\"" },
	{ "[1,2]", "[\n  1,\n  2\n]", "[1,2]" },
	{ "{\"a\":1,\"b\":[]}", "{\n  \"a\": 1,\n  \"b\": []\n}", "{\"a\":1,\"b\":[]}" },
	{ "{\"a\":[1,{\"b\":\"x\"},[]],\"c\":{},\"d\":{\"e\":null}}",
	  "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x\"\n    },\n    []\n  ],\n"
	  "  \"c\": {},\n  \"d\": {\n    \"e\": null\n  }\n}",
	  "{\"a\":[1,{\"b\":\"x\"},[]],\"c\":{},\"d\":{\"e\":null}}" },
	{ "[[[]]]", "[\n  [\n    []\n  ]\n]", "[[[]]]" },
	{ "[{}, {}]", "[\n  {},\n  {}\n]", "[{},{}]" },
	{ "{\"\":\"\"}", "{\n  \"\": \"\"\n}", "{\"\":\"\"}" },
	/* escapes: quote, backslash, the short ones, other controls as \u00XX;
	 * '/' and UTF-8 as they are */
	{ "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f é\"",
	  "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f\x7f é\"",
	  "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f\x7f é\"" },
	{ "{\"k\\n\\\"\":1}", "{\n  \"k\\n\\\"\": 1\n}", "{\"k\\n\\\"\":1}" },
	/* numbers as cJSON prints them */
	{ "[0,-0,1.5,1e300,123456789012,0.1,-2.5e-7]",
	  "[\n  0,\n  -0,\n  1.5,\n  1e+300,\n  123456789012,\n  0.1,\n  -2.5e-07\n]",
	  "[0,-0,1.5,1e+300,123456789012,0.1,-2.5e-07]" },
};

START_TEST(layouts)
{
	const char *const *c = cases[_i];
	cJSON *v = cJSON_Parse(c[0]);
	ck_assert_msg(v != NULL, "case %d does not parse", _i);
	struct buf b = BUF_INIT;
	jsonout_write(&b, v, JSONOUT_PRETTY);
	ck_assert_str_eq(b.ptr, c[1]);
	buf_reset(&b);
	jsonout_write(&b, v, JSONOUT_COMPACT);
	ck_assert_str_eq(b.ptr, c[2]);
	/* compact is cJSON's unformatted text, byte for byte */
	char *u = cJSON_PrintUnformatted(v);
	ck_assert_str_eq(b.ptr, u);
	cJSON_free(u);
	buf_release(&b);
	cJSON_Delete(v);
}
END_TEST

/* Printing an element of an array prints it alone, not its siblings. */
START_TEST(member_alone)
{
	cJSON *v = cJSON_Parse("[{\"a\":[1]},2,3]");
	struct buf b = BUF_INIT;
	jsonout_write(&b, v->child, JSONOUT_COMPACT);
	ck_assert_str_eq(b.ptr, "{\"a\":[1]}");
	buf_reset(&b);
	jsonout_write(&b, v->child->next, JSONOUT_PRETTY);
	ck_assert_str_eq(b.ptr, "2");
	buf_reset(&b);
	jsonout_write(&b, NULL, JSONOUT_PRETTY);
	ck_assert_str_eq(b.ptr, "null");
	buf_release(&b);
	cJSON_Delete(v);
}
END_TEST

/* 100,000 nested arrays (compact: pretty would be 10^10 bytes of
 * indentation): the walk keeps its own stack, so this neither overflows
 * the C stack nor takes long. */
START_TEST(deep_nesting)
{
	enum { DEPTH = 100000 };
	cJSON **chain = malloc(DEPTH * sizeof(*chain));
	chain[0] = cJSON_CreateArray();
	for (int i = 1; i < DEPTH; i++) {
		chain[i] = cJSON_CreateArray();
		cJSON_AddItemToArray(chain[i - 1], chain[i]);
	}
	cJSON *root = chain[0];
	struct buf b = BUF_INIT;
	jsonout_write(&b, root, JSONOUT_COMPACT);
	ck_assert_uint_eq(b.len, 2 * DEPTH);
	ck_assert(b.ptr[DEPTH - 1] == '[' && b.ptr[DEPTH] == ']');
	buf_release(&b);
	/* cJSON_Delete recurses: take the chain apart from the bottom */
	for (int i = DEPTH - 1; i > 0; i--)
		cJSON_Delete(cJSON_DetachItemViaPointer(chain[i - 1], chain[i]));
	cJSON_Delete(root);
	free(chain);
}
END_TEST

START_TEST(print_adds_newline)
{
	cJSON *v = cJSON_Parse("{\"a\":1}");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(jsonout_print(f, v, JSONOUT_PRETTY), 0);
	ck_assert_int_eq(jsonout_print(f, v, JSONOUT_COMPACT), 0);
	fclose(f);
	ck_assert_str_eq(text, "{\n  \"a\": 1\n}\n{\"a\":1}\n");
	free(text);
	cJSON_Delete(v);
}
END_TEST

/* What the AWS CLI v2 prints for a timestamp (datetime.isoformat()). */
START_TEST(cli_timestamps)
{
	static const struct { long long ms; const char *want; } t[] = {
		{ 1704067200000LL, "2024-01-01T00:00:00+00:00" },
		{ 1704067202500LL, "2024-01-01T00:00:02.500000+00:00" },
		{ 1715760760218LL, "2024-05-15T08:12:40.218000+00:00" },
		{ 1704067199999LL, "2023-12-31T23:59:59.999000+00:00" },
		{ 1704067200001LL, "2024-01-01T00:00:00.001000+00:00" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct buf b = BUF_INIT;
		timestamp_format_cli(t[i].ms, &b);
		ck_assert_str_eq(b.ptr, t[i].want);
		buf_release(&b);
	}
}
END_TEST

Suite *jsonout_suite(void)
{
	Suite *s = suite_create("jsonout");
	TCase *t = tcase_create("jsonout");
	tcase_add_loop_test(t, layouts, 0, (int)(sizeof(cases) / sizeof(*cases)));
	tcase_add_test(t, member_alone);
	tcase_add_test(t, deep_nesting);
	tcase_add_test(t, print_adds_newline);
	tcase_add_test(t, cli_timestamps);
	suite_add_tcase(s, t);
	return s;
}
