/* check_jsoncmp.c - shapes of volatile values, structural matching, the
 * normalised copy --update writes, the printer and the unified diff. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "jsoncmp.h"
#include "banned.h"

START_TEST(shapes)
{
	ck_assert_int_eq(jsoncmp_shape("arn:aws:states:eu-west-1:123456789012:execution:M:x"), JSONCMP_ARN);
	ck_assert_int_eq(jsoncmp_shape("0e0eac81-ce53-4db5-aa86-86e92efdeed7"), JSONCMP_UUID);
	ck_assert_int_eq(jsoncmp_shape("0e0eac81-ce53-4db5-aa86-86e92efdeed"), JSONCMP_PLAIN);
	ck_assert_int_eq(jsoncmp_shape("2019-11-12T11:39:26.081Z"), JSONCMP_DATE);
	ck_assert_int_eq(jsoncmp_shape("2019-11-12"), JSONCMP_PLAIN);
	char token[201];
	memset(token, 'A', 200);
	token[200] = '\0';
	token[7] = '+';
	ck_assert_int_eq(jsoncmp_shape(token), JSONCMP_TOKEN);
	ck_assert_int_eq(jsoncmp_shape("SUCCEEDED"), JSONCMP_PLAIN);
	/* a token is 100 characters or more: 99 are plain text */
	token[100] = '\0';
	ck_assert_int_eq(jsoncmp_shape(token), JSONCMP_TOKEN);
	token[99] = '\0';
	ck_assert_int_eq(jsoncmp_shape(token), JSONCMP_PLAIN);
	ck_assert_int_eq(jsoncmp_shape("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"), JSONCMP_PLAIN);
}
END_TEST

static int matches(const char *e, const char *a)
{
	cJSON *je = cJSON_Parse(e), *ja = cJSON_Parse(a);
	ck_assert_ptr_nonnull(je);
	ck_assert_ptr_nonnull(ja);
	int ok = jsoncmp_match(je, ja, NULL);
	cJSON_Delete(je);
	cJSON_Delete(ja);
	return ok;
}

#define EXE "arn:aws:states:eu-west-1:123456789012:execution:"
#define SM "arn:aws:states:eu-west-1:123456789012:stateMachine:"

START_TEST(volatile_values_match_by_shape)
{
	ck_assert(matches("{\"a\":\"" EXE "M-dev:0e0eac81-ce53-4db5-aa86-86e92efdeed7\"}",
			  "{\"a\":\"" EXE "M-dev:11111111-2222-3333-4444-555555555555\"}"));
	ck_assert(matches("\"" EXE "M:x\"", "\"arn:aws:states:eu-west-1:000000000000:execution:M:y\""));
	ck_assert(matches("\"" SM "Iw102StepFunctionsStateMachine-C8ZYXzFB9SCO\"",
			  "\"" SM "Iw102StepFunctionsStateMachine-YBD4dm89PhcK\""));
	ck_assert(!matches("\"" EXE "M:x\"", "\"" EXE "N:x\""));
	ck_assert(!matches("\"" EXE "M:x\"", "\"" SM "M\""));
	ck_assert(!matches("\"" EXE "M:x\"", "\"arn:aws:states:us-east-1:123456789012:execution:M:x\""));
	ck_assert(!matches("\"arn:aws:states:eu-west-1:0000000000:execution:M:x\"", "\"" EXE "M:x\""));
	ck_assert(matches("\"2019-11-12T11:39:26.081Z\"", "\"2024-01-01T00:00:00.000Z\""));
	ck_assert(matches("1573568204.569", "1704067200"));
	ck_assert(matches("1573568204569", "1704067200000"));
	ck_assert(!matches("1573568204.569", "1704067200000"));
	ck_assert(!matches("5", "6"));
	/* the units' bounds: [1e9, 1e10) seconds, [1e12, 1e13) milliseconds */
	ck_assert(matches("1e9", "9999999999"));
	ck_assert(!matches("1e9", "1e10"));
	ck_assert(!matches("999999999", "1000000000"));
	ck_assert(matches("1e12", "9999999999999"));
	ck_assert(!matches("1e12", "1e13"));
	ck_assert(!matches("999999999999", "1000000000000"));
}
END_TEST

START_TEST(structure_must_be_equal)
{
	ck_assert(matches("{\"a\":1,\"b\":[true,null]}", "{\"b\":[true,null],\"a\":1}"));
	ck_assert(!matches("{\"a\":1}", "{\"a\":1,\"b\":2}"));
	ck_assert(!matches("{\"a\":1,\"b\":2}", "{\"a\":1}"));
	ck_assert(!matches("[1,2]", "[1,2,3]"));
	ck_assert(!matches("\"1\"", "1"));
	ck_assert(!matches("true", "false"));
	ck_assert(!matches("\"SUCCEEDED\"", "\"FAILED\""));
	/* JSON inside strings compares as JSON */
	ck_assert(matches("{\"output\":\"{\\\"a\\\": 1, \\\"b\\\": 2}\"}",
			  "{\"output\":\"{\\\"b\\\":2,\\\"a\\\":1}\"}"));
	ck_assert(!matches("{\"output\":\"{\\\"a\\\": 1}\"}", "{\"output\":\"{\\\"a\\\":2}\"}"));
}
END_TEST

START_TEST(normalised_copy_keeps_recorded_volatiles)
{
	cJSON *e = cJSON_Parse("{\"name\":\"0e0eac81-ce53-4db5-aa86-86e92efdeed7\",\"n\":1}");
	cJSON *a = cJSON_Parse("{\"name\":\"11111111-2222-3333-4444-555555555555\",\"n\":2}");
	cJSON *n = NULL;
	ck_assert_int_eq(jsoncmp_match(e, a, &n), 0);
	char *s = cJSON_PrintUnformatted(n);
	ck_assert_str_eq(s, "{\"name\":\"0e0eac81-ce53-4db5-aa86-86e92efdeed7\",\"n\":2}");
	cJSON_free(s);
	cJSON_Delete(n);
	cJSON_Delete(e);
	cJSON_Delete(a);
}
END_TEST

START_TEST(printer)
{
	cJSON *v = cJSON_Parse("{\"a\":[1,{\"b\":\"x\\n\"},[]],\"c\":{},\"d\":1.5}");
	struct buf b = BUF_INIT;
	jsoncmp_print(v, &b);
	ck_assert_str_eq(b.ptr, "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x\\n\"\n    },\n"
				"    []\n  ],\n  \"c\": {},\n  \"d\": 1.5\n}");
	buf_release(&b);
	cJSON_Delete(v);
}
END_TEST

START_TEST(unified_diff)
{
	struct buf b = BUF_INIT;
	jsoncmp_diff("a\nb\nc\n", "a\nb\nc\n", "x", "y", &b);
	ck_assert_str_eq(b.ptr, "");
	jsoncmp_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
		     "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\nthirteen\n",
		     "expected", "actual", &b);
	ck_assert_str_eq(b.ptr, "--- expected\n+++ actual\n"
				"@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
				"@@ -10,4 +10,4 @@\n 10\n 11\n 12\n-13\n+thirteen\n");
	buf_reset(&b);
	jsoncmp_diff("a\n", "", "e", "a", &b);
	ck_assert_str_eq(b.ptr, "--- e\n+++ a\n@@ -1,1 +1,0 @@\n-a\n");
	buf_release(&b);
}
END_TEST

/* Past JSONCMP_MAX_CELLS the diff is every line removed, then added. */
START_TEST(diff_limit)
{
	struct buf a = BUF_INIT, b = BUF_INIT, d = BUF_INIT;
	for (int i = 0; i < 2100; i++) {
		buf_addf(&a, "%d\n", i);
		buf_addf(&b, "%d\n", i % 7 ? i : -i);
	}
	jsoncmp_diff(a.ptr, b.ptr, "a", "b", &d);
	ck_assert(!strncmp(d.ptr, "--- a\n+++ b\n@@ -1,2100 +1,2100 @@\n-0\n-1\n", 34));
	ck_assert_ptr_null(strstr(d.ptr, "\n 1\n"));
	buf_release(&a);
	buf_release(&b);
	buf_release(&d);
}
END_TEST

Suite *jsoncmp_suite(void)
{
	Suite *s = suite_create("jsoncmp");
	TCase *t = tcase_create("jsoncmp");
	tcase_add_test(t, shapes);
	tcase_add_test(t, volatile_values_match_by_shape);
	tcase_add_test(t, structure_must_be_equal);
	tcase_add_test(t, normalised_copy_keeps_recorded_volatiles);
	tcase_add_test(t, printer);
	tcase_add_test(t, unified_diff);
	tcase_add_test(t, diff_limit);
	suite_add_tcase(s, t);
	return s;
}
