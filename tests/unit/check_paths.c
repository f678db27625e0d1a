/* check_paths.c - runs the jq-style case files of the expression modules:
 * tests/data/jsonpath.test, intrinsics.test and payload.test, one Check test
 * per case, each failure naming the file and line of its case.
 * Case groups are separated by blank lines:
 *   expression / input JSON / expected compact JSON (or %%NONE when a definite
 *   path selects nothing, or "%%ERROR Name: cause" for a runtime error), or
 *   %%ERROR / expression / exact compile error message.
 * "%%CONTEXT json" and "%%VARS json" lines set the context object and the
 * workflow variables for the cases after them; lines starting '#' are
 * comments.  Intrinsic cases run with the RNG seeded with 42. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cJSON.h>

#include "buf.h"
#include "fileio.h"
#include "intrinsic.h"
#include "jsonpath.h"
#include "payload.h"
#include "rng.h"
#include "xalloc.h"

enum kind { K_JSONPATH, K_INTRINSIC, K_PAYLOAD };

struct tcase_data {
	enum kind kind;
	const char *file;
	int line;
	int compile_error;
	char *expr, *input, *expected;
	const char *context, *vars; /* owned by the file's directive list */
};

static struct tcase_data *cases[3];
static size_t ncases[3];
static const char *const files[3] = {
	"tests/data/jsonpath.test", "tests/data/intrinsics.test",
	"tests/data/payload.test",
};

/* ---- reading the files ------------------------------------------------- */

static char *next_line(char **p)
{
	char *s = *p, *nl;
	if (!*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

/* A malformed case file is a broken test, found before any test runs. */
static void die(const char *file, int line, const char *why)
{
	fprintf(stderr, "%s:%d: %s\n", file, line, why);
	abort();
}

static void add_case(enum kind k, char **lines, int line, const char *ctx,
		     const char *vars)
{
	size_t alloc = ncases[k];
	ARRAY_GROW(cases[k], ncases[k] + 1, alloc);
	struct tcase_data *c = &cases[k][ncases[k]++];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	c->file = files[k];
	c->line = line;
	c->compile_error = strcmp(lines[0], "%%ERROR") == 0;
	c->expr = lines[c->compile_error ? 1 : 0];
	c->input = c->compile_error ? NULL : lines[1];
	c->expected = lines[2];
	c->context = ctx;
	c->vars = vars;
}

static void load(enum kind k)
{
	struct buf b = BUF_INIT;
	const char *why;
	if (fileio_read(files[k], &b, &why) < 0)
		die(files[k], 0, why);
	char *text = buf_detach(&b, NULL), *p = text, *s;
	char *group[3];
	const char *ctx = "{}", *vars = "{}";
	int n = 0, line = 0, start = 0;
	while ((s = next_line(&p)) != NULL) {
		line++;
		if (s[0] == '#' && n == 0)
			continue;
		if (strncmp(s, "%%CONTEXT ", 10) == 0 && n == 0) {
			ctx = s + 10;
		} else if (strncmp(s, "%%VARS ", 7) == 0 && n == 0) {
			vars = s + 7;
		} else if (s[0] == '\0') {
			if (n != 0 && n != 3)
				die(files[k], start, "a case needs 3 lines");
			n = 0;
		} else {
			if (n == 0)
				start = line;
			if (n == 3)
				die(files[k], start, "a case needs 3 lines");
			group[n++] = s;
			if (n == 3)
				add_case(k, group, start, ctx, vars);
		}
	}
	/* 'text' stays allocated: the cases point into it. */
}

/* ---- running one case -------------------------------------------------- */

struct world {
	cJSON *input, *context, *vars;
	struct jsonpath_env env;
	struct rng rng;
};

static const cJSON *lookup_var(void *ctx, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive((const cJSON *)ctx, name);
}

static void world_init(struct world *w, const struct tcase_data *c)
{
	w->input = cJSON_Parse(c->input);
	w->context = cJSON_Parse(c->context);
	w->vars = cJSON_Parse(c->vars);
	ck_assert_msg(w->input && w->context && w->vars,
		      "%s:%d: input, context or variables are not JSON", c->file,
		      c->line);
	w->env = (struct jsonpath_env){ w->input, w->context, lookup_var, w->vars };
	rng_init(&w->rng, 42);
}

static void world_release(struct world *w)
{
	cJSON_Delete(w->input);
	cJSON_Delete(w->context);
	cJSON_Delete(w->vars);
}

/* Compares an outcome with the case's expected line. */
static void check_outcome(const struct tcase_data *c, cJSON *got,
			  const char *error_name, char *cause)
{
	struct buf b = BUF_INIT;
	if (got) {
		char *text = cJSON_PrintUnformatted(got);
		buf_adds(&b, text);
		cJSON_free(text);
	} else if (error_name) {
		buf_addf(&b, "%%%%ERROR %s: %s", error_name, cause);
	} else {
		buf_adds(&b, "%%NONE");
	}
	const char *want = c->expected;
	cJSON *expected = strncmp(want, "%%", 2) ? cJSON_Parse(want) : NULL;
	char *want_text = expected ? cJSON_PrintUnformatted(expected) : NULL;
	ck_assert_msg(strcmp(b.ptr, want_text ? want_text : want) == 0,
		      "%s:%d: %s\n  got:      %s\n  expected: %s", c->file, c->line,
		      c->expr, b.ptr, want);
	cJSON_free(want_text);
	cJSON_Delete(expected);
	cJSON_Delete(got);
	free(cause);
	buf_release(&b);
}

static void check_compile_error(const struct tcase_data *c, int failed,
				const char *got)
{
	ck_assert_msg(failed, "%s:%d: '%s' compiled, expected error: %s",
		      c->file, c->line, c->expr, c->expected);
	ck_assert_msg(strcmp(got, c->expected) == 0,
		      "%s:%d: %s\n  got:      %s\n  expected: %s", c->file,
		      c->line, c->expr, got, c->expected);
}

static void run_jsonpath(const struct tcase_data *c)
{
	struct jsonpath_error err;
	struct jsonpath *p = jsonpath_compile(c->expr, &err);
	if (c->compile_error) {
		char msg[200];
		if (!p)
			snprintf(msg, sizeof(msg), "%s at %zu", err.message, err.offset);
		check_compile_error(c, !p, p ? "" : msg);
		return;
	}
	ck_assert_msg(p, "%s:%d: %s: %s at %zu", c->file, c->line, c->expr,
		      p ? "" : err.message, p ? 0 : err.offset);
	struct world w;
	world_init(&w, c);
	check_outcome(c, jsonpath_eval(p, &w.env), NULL, NULL);
	world_release(&w);
	jsonpath_free(p);
}

static void run_intrinsic(const struct tcase_data *c)
{
	struct intrinsic_error err;
	struct intrinsic *f = intrinsic_compile(c->expr, &err);
	if (c->compile_error) {
		char msg[200];
		if (!f)
			snprintf(msg, sizeof(msg), "%s at %zu", err.message, err.offset);
		check_compile_error(c, !f, f ? "" : msg);
		intrinsic_free(f);
		return;
	}
	ck_assert_msg(f, "%s:%d: %s: %s at %zu", c->file, c->line, c->expr,
		      f ? "" : err.message, f ? 0 : err.offset);
	struct world w;
	cJSON *out = NULL;
	const char *name = NULL;
	char *cause = NULL;
	world_init(&w, c);
	intrinsic_eval(f, &w.env, &w.rng, &out, &name, &cause);
	check_outcome(c, out, name, cause);
	world_release(&w);
	intrinsic_free(f);
}

static void run_payload(const struct tcase_data *c)
{
	struct payload_error err;
	cJSON *tmpl = cJSON_Parse(c->expr);
	ck_assert_msg(tmpl, "%s:%d: template is not JSON", c->file, c->line);
	struct payload *p = payload_compile(tmpl, &err);
	if (c->compile_error) {
		check_compile_error(c, !p, p ? "" : err.message);
	} else {
		ck_assert_msg(p, "%s:%d: %s", c->file, c->line, err.message);
		struct world w;
		cJSON *out = NULL;
		const char *name = NULL;
		char *cause = NULL;
		world_init(&w, c);
		payload_eval(p, &w.env, &w.rng, &out, &name, &cause);
		check_outcome(c, out, name, cause);
		world_release(&w);
	}
	payload_free(p);
	cJSON_Delete(tmpl);
}

START_TEST(test_jsonpath) { run_jsonpath(&cases[K_JSONPATH][_i]); }
END_TEST

START_TEST(test_intrinsic) { run_intrinsic(&cases[K_INTRINSIC][_i]); }
END_TEST

START_TEST(test_payload) { run_payload(&cases[K_PAYLOAD][_i]); }
END_TEST

/* ---- direct checks of the modules' contracts ---------------------------- */

START_TEST(test_definite_and_reference)
{
	static const struct { const char *path; int definite, reference; } t[] = {
		{ "$", 1, 1 }, { "$.a.b", 1, 1 }, { "$['a b'][0]", 1, 1 },
		{ "$.a[-1]", 1, 0 }, { "$.a[*]", 0, 0 }, { "$..a", 0, 0 },
		{ "$.a[0,1]", 0, 0 }, { "$.a[1:2]", 0, 0 }, { "$$.Execution.Id", 1, 1 },
		{ "$.a[?(@.b)]", 0, 0 }, { "$['a','b']", 0, 0 }, { "$v.x", 1, 1 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct jsonpath_error err;
		struct jsonpath *p = jsonpath_compile(t[i].path, &err);
		ck_assert_msg(p, "%s", t[i].path);
		ck_assert_msg(jsonpath_is_definite(p) == t[i].definite, "%s", t[i].path);
		ck_assert_msg(jsonpath_is_reference(p) == t[i].reference, "%s",
			      t[i].path);
		jsonpath_free(p);
	}
}
END_TEST

START_TEST(test_roots)
{
	struct jsonpath_error err;
	struct jsonpath *a = jsonpath_compile("$$.Map.Item.Value", &err);
	struct jsonpath *b = jsonpath_compile("$myVar.x", &err);
	struct jsonpath *c = jsonpath_compile("$.x", &err);
	ck_assert_int_eq(jsonpath_root(a), JSONPATH_ROOT_CONTEXT);
	ck_assert_int_eq(jsonpath_root(b), JSONPATH_ROOT_VARIABLE);
	ck_assert_str_eq(jsonpath_variable(b), "myVar");
	ck_assert_int_eq(jsonpath_root(c), JSONPATH_ROOT_INPUT);
	ck_assert_ptr_null(jsonpath_variable(c));
	jsonpath_free(a);
	jsonpath_free(b);
	jsonpath_free(c);
}
END_TEST

START_TEST(test_rng)
{
	struct rng a, b;
	char u[37];
	rng_init(&a, 7);
	rng_init(&b, 7);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(rng_next(&a), rng_next(&b));
	for (int i = 0; i < 1000; i++) {
		int64_t v = rng_range(&a, -3, 3);
		double d = rng_double(&a);
		ck_assert(v >= -3 && v <= 3);
		ck_assert(d >= 0.0 && d < 1.0);
	}
	rng_uuid(&a, u);
	ck_assert_uint_eq(strlen(u), 36);
	ck_assert_int_eq(u[14], '4');
	ck_assert(strchr("89ab", u[19]) != NULL);
}
END_TEST

START_TEST(test_registry)
{
	ck_assert_uint_eq(intrinsic_table_size, 18);
	for (size_t i = 0; i < intrinsic_table_size; i++) {
		const struct intrinsic_def *d = &intrinsic_table[i];
		ck_assert_ptr_eq(intrinsic_lookup(d->name, strlen(d->name)), d);
		ck_assert(d->min_args <= d->max_args && d->summary && d->fn);
	}
	ck_assert_ptr_null(intrinsic_lookup("States.Nope", 11));
}
END_TEST

extern Suite *paths_suite(void);
Suite *paths_suite(void)
{
	Suite *s = suite_create("paths");
	TCase *tc = tcase_create("contracts");
	tcase_add_test(tc, test_definite_and_reference);
	tcase_add_test(tc, test_roots);
	tcase_add_test(tc, test_rng);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	for (int k = 0; k < 3; k++)
		load((enum kind)k);
	tc = tcase_create("jsonpath.test");
	tcase_add_loop_test(tc, test_jsonpath, 0, (int)ncases[K_JSONPATH]);
	suite_add_tcase(s, tc);
	tc = tcase_create("intrinsics.test");
	tcase_add_loop_test(tc, test_intrinsic, 0, (int)ncases[K_INTRINSIC]);
	suite_add_tcase(s, tc);
	tc = tcase_create("payload.test");
	tcase_add_loop_test(tc, test_payload, 0, (int)ncases[K_PAYLOAD]);
	suite_add_tcase(s, tc);
	return s;
}
