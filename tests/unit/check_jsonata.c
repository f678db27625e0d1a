/* check_jsonata.c - the JSONata engine's own promises, beyond the
 * conformance suite: every bound ends with an error (never a crash or a
 * hang), a compiled expression serves many evaluations, the clock and the
 * random generator are injected, $eval sits behind its flag, errors carry
 * code, position and token, and numbers print as JavaScript prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <cJSON.h>

#include "buf.h"
#include "jsonata.h"
#include "banned.h"

/* Evaluates expr against input text (NULL: undefined); returns the result
 * as compact JSON ("undefined" when there is none) or "error CODE". */
static char *eval_opt(const char *expr, const char *input,
		      const struct jsonata_options *opt)
{
	struct jsonata_error err;
	struct buf b = BUF_INIT;
	struct jsonata *j = jsonata_compile(expr, strlen(expr), &err);
	if (!j) {
		buf_addf(&b, "error %s", err.code);
		return buf_detach(&b, NULL);
	}
	cJSON *in = input ? cJSON_Parse(input) : NULL, *out = NULL;
	if (jsonata_evaluate(j, in, NULL, opt, &out, &err) < 0)
		buf_addf(&b, "error %s", err.code);
	else if (!out)
		buf_adds(&b, "undefined");
	else
		jsonata_write_json(out, 0, &b);
	cJSON_Delete(in);
	cJSON_Delete(out);
	jsonata_free(j);
	return buf_detach(&b, NULL);
}

static void expect(const char *expr, const char *input, const char *want)
{
	char *got = eval_opt(expr, input, NULL);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", expr, got, want);
	free(got);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

START_TEST(deep_expression)
{
	/* 100,000 nested parentheses and 100,000 nested unary minus: the
	 * parser stops at JSONATA_MAX_PARSE_DEPTH instead of the C stack */
	size_t n = 100000;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addc(&b, '(');
	buf_addc(&b, '1');
	for (size_t i = 0; i < n; i++)
		buf_addc(&b, ')');
	struct jsonata_error err;
	ck_assert_ptr_null(jsonata_compile(b.ptr, b.len, &err));
	ck_assert_str_eq(err.code, "S0299");
	buf_reset(&b);
	for (size_t i = 0; i < n; i++)
		buf_adds(&b, "-[");
	ck_assert_ptr_null(jsonata_compile(b.ptr, b.len, &err));
	ck_assert_str_eq(err.code, "S0299");
	buf_release(&b);
}
END_TEST

/* A tail loop gives back the frames it replaces: the endless loop of the
 * conformance suite (tail-recursion/case006) ends at the time bound with
 * U1001 whatever the machine's load, never at the memory bound first, and a
 * long loop that carries objects, strings and closures from turn to turn
 * keeps them intact in a few MiB. */
START_TEST(tail_loop_memory)
{
	struct jsonata_options opt = { 0 };
	opt.time_ms = 200;
	opt.max_memory = (size_t)8 << 20;
	char *got = eval_opt("(  $inf := function(){$inf()};  $inf())", NULL, &opt);
	ck_assert_str_eq(got, "error U1001");
	free(got);
	opt.time_ms = -1;
	got = eval_opt("($mul := function($a, $b) { $a * $b };"
		       " $f := function($n, $acc, $g) { $n = 0 ? [$acc, $g(2)] :"
		       " $f($n - 1, {'sum': $acc.sum + $n, 'last': 'n' & $n}, $mul(?, $n)) };"
		       " $f(300000, {'sum': 0}, $mul(?, -1)))",
		       NULL, &opt);
	ck_assert_str_eq(got, "[{\"sum\":45000150000,\"last\":\"n1\"},2]");
	free(got);
	/* an accumulator that grows: what survives is copied, not lost */
	got = eval_opt("($f := function($n, $acc) { $n = 0 ? [$count($acc), $sum($acc), $acc[0], $acc[-1]] :"
		       " $f($n - 1, $append($acc, $n)) }; $f(2000, []))", NULL, &opt);
	ck_assert_str_eq(got, "[2000,2001000,2000,1]");
	free(got);
}
END_TEST

/* Per-item temporaries are given back: a predicate, a step and a lambda
 * that each allocate some hundred bytes for every one of 150,000 items run
 * within a 16 MiB bound that the range and the results nearly fill. */
START_TEST(scoped_temporaries)
{
	struct jsonata_options opt = { 0 };
	opt.max_memory = (size_t)16 << 20;
	const char *cases[][2] = {
		{ "$count([1..150000][$ in [7, 8, 9, 'a', 'b']])", "3" },
		{ "$sum([1..150000].([$, $, $][1] + 0))", "11250075000" },
		{ "$sum($map([1..150000], function($v) { [$v, $v, $v][1] * 2 }))", "22500150000" },
		{ "$count([1..150000].$string($)[$length($) = 6])", "50001" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = eval_opt(cases[i][0], NULL, &opt);
		ck_assert_msg(strcmp(got, cases[i][1]) == 0, "%s: got %s, want %s",
			      cases[i][0], got, cases[i][1]);
		free(got);
	}
}
END_TEST

/* jsonata_evaluate_text gives the text back as it parses: nothing may
 * point into it afterwards (strings with escapes, keys, the last record
 * and the first, read after several MiB of text were released). */
START_TEST(text_given_back)
{
	struct buf doc = BUF_INIT;
	buf_adds(&doc, "{\"items\": [");
	for (int i = 0; i < 60000; i++)
		buf_addf(&doc, "%s{\"k\\u0041\": \"v%d\\n\", \"long\": \"%040d\"}",
			 i ? "," : "", i, i);
	buf_adds(&doc, "], \"last\": \"end\"}");
	ck_assert_int_gt((int)doc.len, 4 << 20);
	struct jsonata_error err;
	const char *expr = "$count(items) & items[0].kA & items[-1].kA & last & $substring(items[-1].long, 35)";
	struct jsonata *j = jsonata_compile(expr, strlen(expr), &err);
	ck_assert_ptr_nonnull(j);
	struct buf out = BUF_INIT;
	int defined;
	struct jsonata_text in = { doc.ptr, doc.len, 1 };
	ck_assert_int_eq(jsonata_evaluate_text(j, &in, NULL, NULL, 0, &out, &defined, &err), 0);
	ck_assert_int_eq(defined, 1);
	ck_assert_str_eq(out.ptr, "\"60000v0\\nv59999\\nend59999\"");
	buf_release(&doc);
	buf_release(&out);
	jsonata_free(j);
}
END_TEST

/* The input text is only read, and read no further than its length: a
 * file's mapping has no terminator (each case sits in a buffer of exactly
 * its own size, so a read past it is an ASan report).  Escapes undo into
 * values of their own; a string or number at the very end is complete;
 * text cut inside a string or an escape is not JSON. */
START_TEST(text_unterminated)
{
	static const char *const cases[][2] = {
		{ "\"abc\"", "\"abc\"" },
		{ "\"a\\u00e9\\n\"", "\"a\u00e9\\n\"" },
		{ "\"\\ud83d\\ude00 and a string longer than 32 bytes\"",
		  "\"\xf0\x9f\x98\x80 and a string longer than 32 bytes\"" },
		{ "12345678901234567890", "12345678901234567000" },
		{ "-1.5E+3", "-1500" },
		{ "0.1", "0.1" },
		{ "[1,\"x\\\\\"]", "[1,\"x\\\\\"]" },
		{ "{\"k\\\"\":1,\"l\":\"\\/\"}", "{\"k\\\"\":1,\"l\":\"/\"}" },
		{ "\"ab", "error D1100" },
		{ "\"ab\\", "error D1100" },
		{ "\"ab\\\"", "error D1100" },
		{ "\"\\u12", "error D1100" },
		{ "\"\\u12\"", "error D1100" },
		{ "1e", "error D1100" },
		{ "1e+", "error D1100" },
		{ "\"a\tb\"", "error D1100" },
	};
	struct jsonata_error err;
	struct jsonata *j = jsonata_compile("$", 1, &err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t len = strlen(cases[i][0]);
		char *text = malloc(len);
		memcpy(text, cases[i][0], len);
		struct jsonata_text in = { text, len, 0 };
		struct buf out = BUF_INIT;
		int defined;
		if (jsonata_evaluate_text(j, &in, NULL, NULL, 0, &out, &defined, &err) < 0)
			buf_addf(&out, "error %s", err.code);
		ck_assert_msg(strcmp(out.ptr, cases[i][1]) == 0, "%s: got %s, want %s",
			      cases[i][0], out.ptr, cases[i][1]);
		buf_release(&out);
		free(text);
	}
	jsonata_free(j);
}
END_TEST

START_TEST(bounds)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect("[1..1e9]", NULL, "error D2014");
	expect("$count([1..1e7])", NULL, "10000000");
	/* runaway recursion: U1001 at JSONATA_MAX_DEPTH */
	expect("($f := function($n) { $n + $f($n + 1) }; $f(0))", NULL, "error U1001");
	/* a tail call runs in constant depth */
	expect("($f := function($n, $a) { $n = 0 ? $a : $f($n - 1, $a + 1) }; $f(20000, 0))",
	       NULL, "20000");
	/* an infinite tail loop ends at the time bound */
	struct jsonata_options opt = { 0 };
	opt.time_ms = 300;
	char *got = eval_opt("($f := function() { $f() }; $f())", NULL, &opt);
	ck_assert_str_eq(got, "error U1001");
	free(got);
	/* catastrophic backtracking ends at PCRE2's match limit */
	expect("$match(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\", /^(a+)+$/)", NULL,
	       "error D1005");
	/* memory: a bound of 16 MiB stops a doubling string */
	opt.time_ms = 0;
	opt.max_memory = (size_t)16 << 20;
	got = eval_opt("($s := function($x, $n) { $n = 0 ? $x : $s($x & $x, $n - 1) }; $length($s('ab', 40)))",
		       NULL, &opt);
	ck_assert_msg(strncmp(got, "error ", 6) == 0, "got %s", got);
	free(got);
	/* a range checks the bound before making its items (found by
	 * fuzz_jsonata_eval: ten million items took seconds past a 64 MiB
	 * bound), and so does Step Functions' $range */
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	got = eval_opt("[1..10000000] ~> $count()", NULL, &opt);
	ck_assert_str_eq(got, "error D1099");
	free(got);
	opt.step_functions = 1;
	got = eval_opt("$count($range(1, 10000000, 1))", NULL, &opt);
	ck_assert_str_eq(got, "error D1099");
	free(got);
	ck_assert_msg(seconds_since(&t1) < 0.5 * (getenv("CK_TIMEOUT_MULTIPLIER") ? 5 : 1),
		      "a range past the memory bound took %.2f s", seconds_since(&t1));
	ck_assert_msg(seconds_since(&t0) < 20.0 * (getenv("CK_TIMEOUT_MULTIPLIER") ? 5 : 1),
		      "bounds took %.1f s", seconds_since(&t0));
}
END_TEST

START_TEST(reuse)
{
	struct jsonata_error err;
	const char *expr = "Account.Order.Product{Name: $sum(Quantity)}";
	struct jsonata *j = jsonata_compile(expr, strlen(expr), &err);
	ck_assert_ptr_nonnull(j);
	for (int i = 0; i < 50; i++) {
		char text[200];
		snprintf(text, sizeof(text),
			 "{\"Account\":{\"Order\":[{\"Product\":[{\"Name\":\"a\",\"Quantity\":%d},"
			 "{\"Name\":\"b\",\"Quantity\":1}]},{\"Product\":{\"Name\":\"a\",\"Quantity\":1}}]}}",
			 i);
		cJSON *in = cJSON_Parse(text), *out = NULL;
		ck_assert_int_eq(jsonata_evaluate(j, in, NULL, NULL, &out, &err), 0);
		ck_assert_int_eq((int)cJSON_GetObjectItem(out, "a")->valuedouble, i + 1);
		cJSON_Delete(in);
		cJSON_Delete(out);
	}
	jsonata_free(j);
}
END_TEST

START_TEST(injected)
{
	struct jsonata_options opt = { 0 };
	opt.now_ms = 1700000000123;
	opt.seed = 42;
	char *a = eval_opt("[$now(), $millis()]", NULL, &opt);
	ck_assert_str_eq(a, "[\"2023-11-14T22:13:20.123Z\",1700000000123]");
	free(a);
	a = eval_opt("[$random(), $random(), $shuffle([1..10])]", NULL, &opt);
	char *b = eval_opt("[$random(), $random(), $shuffle([1..10])]", NULL, &opt);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* $eval only with allow_eval */
	expect("$eval('1 + 2')", NULL, "error T1006");
	opt.allow_eval = 1;
	a = eval_opt("$eval('[a, b]', {'a': 1, 'b': 2})", NULL, &opt);
	ck_assert_str_eq(a, "[1,2]");
	free(a);
	a = eval_opt("$eval('1 +')", NULL, &opt);
	ck_assert_str_eq(a, "error D3120");
	free(a);
}
END_TEST

START_TEST(errors)
{
	struct jsonata_error err;
	const char *expr = "\"s\" + 1";
	struct jsonata *j = jsonata_compile(expr, strlen(expr), &err);
	cJSON *out = NULL;
	ck_assert_int_eq(jsonata_evaluate(j, NULL, NULL, NULL, &out, &err), -1);
	ck_assert_str_eq(err.code, "T2001");
	ck_assert_uint_eq(err.position, 5);
	ck_assert_str_eq(err.token, "+");
	ck_assert_str_eq(err.message, "The left side of the \"+\" operator must evaluate to a number");
	jsonata_free(j);
	/* an empty picture: jsonata-js 2.0.6 fails reading a missing part's
	 * length (a TypeError, not a coded error); this once offset a NULL
	 * pointer, which clang's UBSan reports */
	expect("$formatNumber(1, '')", NULL, "error JSERR");
	/* a pad that is only a stray UTF-8 continuation byte once divided by
	 * zero characters (found by fuzz_jsonata_eval): one unit now */
	expect("$pad('foo', -5, '\x87')", NULL, "\"\x87\x87" "foo\"");
	/* an array constructor whose filter leaves one value: the next step
	 * read a string's bytes as a sequence's items (found by
	 * fuzz_jsonata_eval).  jsonata-js 2.0.6 iterates a string's
	 * characters there and nothing of any other value; so do we */
	expect("[\"0\"][**].I", NULL, "undefined");
	expect("[\"ab\"][**].$length($)", NULL, "[1,1]");
	expect("[\"h\u00e9\"][true].$", NULL, "[\"h\",\"\u00e9\"]");
	expect("[{\"I\":1}][true].I", NULL, "undefined");
	expect("[5][0].$", NULL, "undefined");
	expect("[[1,2]][0].$", NULL, "[1,2]");
	/* a width beyond size_t (found by fuzz_run): the string bound, at
	 * once, not a conversion overflow and an endless loop */
	expect("$pad('', 5385555555555555555555555555555555555555555555555555555, 'x')",
	       NULL, "error D1099");
	/* $error's message: jsonata-js's `message || default`, and a NUL in
	 * it (found by fuzz_jsonata_eval) no longer empties the C string */
	const char *msgs[][2] = {
		{ "$error('')", "$error() function evaluated" },
		{ "$error('a\\u0000b')", "a\\u0000b" },
		{ "$assert(false, '')", "$assert() statement failed" },
	};
	for (size_t i = 0; i < 3; i++) {
		j = jsonata_compile(msgs[i][0], strlen(msgs[i][0]), &err);
		ck_assert_int_eq(jsonata_evaluate(j, NULL, NULL, NULL, &out, &err), -1);
		ck_assert_str_eq(err.message, msgs[i][1]);
		jsonata_free(j);
	}
	ck_assert_ptr_null(jsonata_compile("[1, 2", 5, &err));
	ck_assert_str_eq(err.code, "S0203");
	ck_assert_str_eq(err.message, "Expected \"]\" before end of expression");
	expect("$substring('abc', 'x')", NULL, "error T0410");
	expect("$foo()", NULL, "error T1006");
	expect("foo()", "{\"foo\": 1}", "error T1006");
	expect("sum(1)", NULL, "error T1005");
}
END_TEST

START_TEST(values)
{
	expect("[1e21, 1e-7, 0.1 + 0.2, 100, -0.5, 123456789012345680000]", NULL,
	       "[1e+21,1e-7,0.30000000000000004,100,-0.5,123456789012345680000]");
	/* the shortest digits that read back (Number.prototype.toString):
	 * few decimals, many, the most an integer keeps exactly, tiny */
	expect("[91.87 * 5, 1/3, -2/3, 1234567.1234567, 9007199254740993, 1.5e-7,"
	       " 0.000001, 1e-22, 3e-23, 25000439.739999983, -0.1]", NULL,
	       "[459.35,0.3333333333333333,-0.6666666666666666,1234567.1234567,"
	       "9007199254740992,1.5e-7,0.000001,1e-22,3e-23,25000439.739999983,-0.1]");
	/* subnormals have shorter digits of their own; 15 digits of the
	 * largest double round past it, which JSON.stringify writes as null */
	expect("[5e-324, 2.5e-320, $string(1.7976931348623157e308), $string([-1.7976931348623157e308])]",
	       NULL, "[5e-324,2.5e-320,\"null\",\"[null]\"]");
	expect("$string(22/7) & ' ' & $string(1e-7)", NULL, "\"3.14285714285714 1e-7\"");
	/* toPrecision(15) rounds an exact tie away from zero (printf: to
	 * even); jsonata-js 2.0.6 gives these */
	expect("[$string(8120175471398665), $string(-8120175471398665), $string(8120175471398675)]",
	       NULL, "[\"8120175471398670\",\"-8120175471398670\",\"8120175471398680\"]");
	/* integers print plainly, through 15 digits by the fast path, past
	 * them rounded to 15 significant digits (toPrecision(15)) */
	expect("[$string(-0), $string(-42), $string(999999999999999), $string(1e15),"
	       " $string(123456789012345678), $string(-1e15 + 1)]", NULL,
	       "[\"0\",\"-42\",\"999999999999999\",\"1000000000000000\","
	       "\"123456789012346000\",\"-999999999999999\"]");
	/* lengths and substrings count code points, as jsonata-js does */
	expect("[$length('h\\u00e9\\ud83d\\ude00'), $substring('a\\ud83d\\ude00b', 1, 1)]", NULL,
	       "[3,\"\xf0\x9f\x98\x80\"]");
	/* regex offsets count UTF-16 units, as JavaScript's RegExp does */
	expect("$match('\\ud83d\\ude00x', /x/).index", NULL, "2");
	expect("Account.Order[0].Product.Name", "{\"Account\":{\"Order\":[{\"Product\":[{\"Name\":\"A\"}]}]}}",
	       "\"A\"");
	expect("Account.Order[0].Product[].Name", "{\"Account\":{\"Order\":[{\"Product\":[{\"Name\":\"A\"}]}]}}",
	       "[\"A\"]");
	expect("$", "[1,2]", "[1,2]");
	expect("nothing", "{}", "undefined");
}
END_TEST

Suite *jsonata_suite(void)
{
	Suite *s = suite_create("jsonata");
	TCase *tc = tcase_create("engine");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, deep_expression);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, tail_loop_memory);
	tcase_add_test(tc, scoped_temporaries);
	tcase_add_test(tc, text_given_back);
	tcase_add_test(tc, text_unterminated);
	tcase_add_test(tc, reuse);
	tcase_add_test(tc, injected);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, values);
	suite_add_tcase(s, tc);
	return s;
}
