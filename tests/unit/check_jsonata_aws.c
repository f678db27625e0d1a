/* check_jsonata_aws.c - Step Functions' own JSONata functions ($partition,
 * $range, $hash, $random with a seed, $uuid, $parse), switched on by
 * jsonata_options.step_functions.  Expected values come from AWS's examples
 * ($partition of 1..9 by 3, $range(0, 10, 2)), published digest test
 * vectors (RFC 1321, FIPS 180) or digests computed by another program
 * (Python's hashlib), and java.util.Random's documented generator
 * (new Random(42).nextDouble() is 0.7275636800328681, as AWS documents for
 * $random(42); new Random(0).nextDouble() is 0.730967787376657). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cJSON.h>

#include "buf.h"
#include "jsonata.h"
#include "banned.h"

/* Evaluates expr (no input) with the given options; returns the result as
 * compact JSON, "undefined", or "error CODE".  Owned, free(). */
static char *eval_with(const char *expr, const struct jsonata_options *opt)
{
	struct jsonata_error err;
	struct buf b = BUF_INIT;
	struct jsonata *j = jsonata_compile(expr, strlen(expr), &err);
	if (!j) {
		buf_addf(&b, "error %s", err.code);
		return buf_detach(&b, NULL);
	}
	cJSON *out = NULL;
	if (jsonata_evaluate(j, NULL, NULL, opt, &out, &err) < 0)
		buf_addf(&b, "error %s", err.code);
	else if (!out)
		buf_adds(&b, "undefined");
	else
		jsonata_write_json(out, 0, &b);
	cJSON_Delete(out);
	jsonata_free(j);
	return buf_detach(&b, NULL);
}

static char *eval_aws(const char *expr)
{
	struct jsonata_options opt = { 0 };
	opt.step_functions = 1;
	return eval_with(expr, &opt);
}

static const struct { const char *expr, *want; } cases[] = {
	/* $partition: AWS's example, a shorter last chunk, edges */
	{ "$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)", "[[1,2,3],[4,5,6],[7,8,9]]" },
	{ "$partition([1, 2, 3, 4, 5], 2)", "[[1,2],[3,4],[5]]" },
	{ "$partition(['a', 'b'], 5)", "[[\"a\",\"b\"]]" },
	{ "$partition([[1, 2], [3]], 1)", "[[[1,2]],[[3]]]" },
	{ "$partition([], 3)", "[]" },
	{ "$count($partition([1..10], 4))", "3" },
	{ "$partition([1, 2], 0)", "error D3200" },
	{ "$partition([1, 2], 1.5)", "error D3200" },
	{ "$partition([1, 2], 'x')", "error T0410" },
	{ "$partition(undefined, 2)", "undefined" },
	/* $range: AWS's example includes the end the step lands on */
	{ "$range(0, 10, 2)", "[0,2,4,6,8,10]" },
	{ "$range(0, 9, 2)", "[0,2,4,6,8]" },
	{ "$range(10, 0, -3)", "[10,7,4,1]" },
	{ "$range(5, 5, 1)", "[5]" },
	{ "$range(1, 0, 1)", "[]" },
	{ "$range(0, 1, 0.25)", "[0,0.25,0.5,0.75,1]" },
	{ "$range(0, 1, 0)", "error D3201" },
	{ "$range(0, 1e8, 1)", "error D2014" },
	{ "$range(0, 10)", "error T0410" },
	/* $hash: RFC 1321 and FIPS 180 test vectors, hashlib for the rest */
	{ "$hash('', 'MD5')", "\"d41d8cd98f00b204e9800998ecf8427e\"" },
	{ "$hash('abc', 'MD5')", "\"900150983cd24fb0d6963f7d28e17f72\"" },
	{ "$hash('abc', 'SHA-1')", "\"a9993e364706816aba3e25717850c26c9cd0d89d\"" },
	{ "$hash('abc', 'SHA-256')",
	  "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"" },
	{ "$hash('abc', 'SHA-384')",
	  "\"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7\"" },
	{ "$hash('input data', 'SHA-256')",
	  "\"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3\"" },
	{ "$hash('h\\u00e9llo', 'SHA-512')",
	  "\"a67e831011aa41ebb2a218c8ff727f1c60d62f06e1681678d176a81cd72ee69e7250c4c943cacbab28e42768615a5c41b6b0d42591d2c26a65670b38e97306dc\"" },
	{ "$hash('abc', 'sha-256')", "error D3202" },
	{ "$hash('abc', 'SHA-256 ')", "error D3202" },
	{ "$hash(1, 'MD5')", "error T0410" },
	{ "$hash(undefined, 'MD5')", "undefined" },
	/* $random with a seed draws as java.util.Random's nextDouble */
	{ "$random(42)", "0.7275636800328681" },
	{ "$random(0)", "0.730967787376657" },
	{ "$random(42) = $random(42)", "true" },
	{ "$random('42')", "error T0410" },
	/* $parse */
	{ "$parse('{\"a\": [1, 2.5, true, null, \"x\"]}')", "{\"a\":[1,2.5,true,null,\"x\"]}" },
	{ "$parse('\"text\"')", "\"text\"" },
	{ "$parse('[1, 2]')[1]", "2" },
	{ "$parse('{')", "error D3203" },
	{ "$parse('[1] x')", "error D3203" },
	{ "$parse(undefined)", "undefined" },
	/* Step Functions has no $eval */
	{ "$eval('1 + 2')", "error T1006" },
};

START_TEST(aws_functions)
{
	char *got = eval_aws(cases[_i].expr);
	ck_assert_msg(strcmp(got, cases[_i].want) == 0, "%s: got %s, want %s",
		      cases[_i].expr, got, cases[_i].want);
	free(got);
}
END_TEST

/* Without the option the language is jsonata-js's: none of AWS's names,
 * $random takes no argument, $eval follows allow_eval. */
START_TEST(off_by_default)
{
	static const struct { const char *expr, *want; } plain[] = {
		{ "$partition([1, 2], 1)", "error T1006" },
		{ "$range(0, 10, 2)", "error T1006" },
		{ "$hash('abc', 'MD5')", "error T1006" },
		{ "$uuid()", "error T1006" },
		{ "$parse('1')", "error T1006" },
		{ "$random(42)", "error T0410" },
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++) {
		char *got = eval_with(plain[i].expr, NULL);
		ck_assert_msg(strcmp(got, plain[i].want) == 0, "%s: got %s, want %s",
			      plain[i].expr, got, plain[i].want);
		free(got);
	}
	struct jsonata_options opt = { 0 };
	opt.step_functions = 1;
	opt.allow_eval = 1;
	char *got = eval_with("$eval('1 + 2')", &opt);
	ck_assert_str_eq(got, "error T1006");
	free(got);
}
END_TEST

/* $uuid(): version 4 from the evaluation's seeded generator. */
START_TEST(uuid_from_seed)
{
	struct jsonata_options opt = { 0 };
	opt.step_functions = 1;
	opt.seed = 7;
	char *a = eval_with("[$uuid(), $uuid()]", &opt);
	char *b = eval_with("[$uuid(), $uuid()]", &opt);
	ck_assert_str_eq(a, b);
	/* ["xxxxxxxx-xxxx-4xxx-Yxxx-xxxxxxxxxxxx", ...], Y one of 8 9 a b */
	ck_assert_uint_eq(strlen(a), 2 * 38 + 3);
	for (size_t k = 0; k < 2; k++) {
		const char *u = a + 2 + k * 39;
		for (size_t i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				ck_assert_int_eq(u[i], '-');
			else
				ck_assert_ptr_nonnull(strchr("0123456789abcdef", u[i]));
		}
		ck_assert_int_eq(u[14], '4');
		ck_assert_ptr_nonnull(strchr("89ab", u[19]));
	}
	ck_assert_int_ne(memcmp(a + 2, a + 41, 36), 0);
	opt.seed = 8;
	char *c = eval_with("$uuid()", &opt);
	ck_assert_int_ne(memcmp(a + 1, c, 38), 0);
	free(a);
	free(b);
	free(c);
}
END_TEST

Suite *jsonata_aws_suite(void)
{
	Suite *s = suite_create("jsonata_aws");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, aws_functions, 0, (int)(sizeof(cases) / sizeof(*cases)));
	tcase_add_test(tc, off_by_default);
	tcase_add_test(tc, uuid_from_seed);
	suite_add_tcase(s, tc);
	return s;
}
