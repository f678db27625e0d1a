/* check_jsonata_picture.c - JSONata's picture and number-text functions:
 * tables of exact results and errors, then the jsonata-js 2.0.6 test suite
 * itself (SHARED/jsonata-test-suite): every case of the picture and date
 * groups that is a direct call with literal arguments runs through our C
 * functions, and every number written in any case file must be the text
 * JavaScript writes for that number. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cJSON.h>

#include "buf.h"
#include "fileio.h"
#include "jsonata_picture.h"
#include "banned.h"

/* ---- tables ------------------------------------------------------------------ */

static const struct { double v; const char *js, *string; } numbers[] = {
	{ 0, "0", "0" },
	{ -0.0, "0", "0" },
	{ 5, "5", "5" },
	{ 22.0 / 7, "3.142857142857143", "3.14285714285714" },
	{ 0.1 + 0.2, "0.30000000000000004", "0.3" },
	{ 1e100, "1e+100", "1e+100" },
	{ 1e-100, "1e-100", "1e-100" },
	{ 1e-6, "0.000001", "0.000001" },
	{ 1e-7, "1e-7", "1e-7" },
	{ 1.5e-7, "1.5e-7", "1.5e-7" },
	{ 1e20, "100000000000000000000", "100000000000000000000" },
	{ 1e21, "1e+21", "1e+21" },
	{ 123456789012345680000.0, "123456789012345680000", "123456789012346000000" },
	{ -1234.5678, "-1234.5678", "-1234.5678" },
	{ 5e-324, "5e-324", "5e-324" },
	{ 1.7976931348623157e308, "1.7976931348623157e+308", "null" },
	{ 9007199254740993.0, "9007199254740992", "9007199254740990" },
	{ 0.000001234, "0.000001234", "0.000001234" },
	{ 123456789012344.5, "123456789012344.5", "123456789012345" },
	{ 39.4, "39.4", "39.4" },
	{ 90.57, "90.57", "90.57" },
};

START_TEST(js_number_text)
{
	struct buf b = BUF_INIT;
	jsonata_picture_js_number(numbers[_i].v, &b);
	ck_assert_str_eq(b.ptr, numbers[_i].js);
	buf_reset(&b);
	jsonata_picture_string_number(numbers[_i].v, &b);
	ck_assert_str_eq(b.ptr, numbers[_i].string);
	buf_release(&b);
}
END_TEST

START_TEST(special_numbers)
{
	struct buf b = BUF_INIT;
	jsonata_picture_js_number(NAN, &b);
	jsonata_picture_js_number(INFINITY, &b);
	jsonata_picture_js_number(-INFINITY, &b);
	ck_assert_str_eq(b.ptr, "NaNInfinity-Infinity");
	buf_reset(&b);
	jsonata_picture_to_precision(0, 3, &b);
	buf_addc(&b, ' ');
	jsonata_picture_to_precision(2.5, 1, &b);
	buf_addc(&b, ' ');
	jsonata_picture_to_precision(-0.00001234567, 3, &b);
	buf_addc(&b, ' ');
	jsonata_picture_to_precision(123456, 2, &b);
	ck_assert_str_eq(b.ptr, "0.00 3 -0.0000123 1.2e+5");
	buf_release(&b);
}
END_TEST

/* One call: the function, its arguments as text, the result or "!CODE". */
struct call {
	const char *fn, *a, *b, *c, *expect;
};

static const struct call calls[] = {
	{ "formatNumber", "1234.5", "#,##0.00", NULL, "1,234.50" },
	{ "formatNumber", "-1234.5", "#,##0.00", NULL, "-1,234.50" },
	{ "formatNumber", "0.5", "0", NULL, "0" },
	{ "formatNumber", "1.5", "0", NULL, "2" },
	{ "formatNumber", "2.5", "0", NULL, "2" },
	{ "formatNumber", "1e21", "#", NULL, "1e+21" },
	{ "formatNumber", "1", "abc", NULL, "!JSERR" },
	{ "formatNumber", "0", "0.0e0", NULL, "!JSERR" },
	{ "formatNumber", "1", "0.#####################################################################################################", NULL, "!JSERR" },
	{ "formatNumber", "12", "#,##0.00;(#,##0.00)", NULL, "12.00" },
	{ "formatNumber", "-12", "#,##0.00;(#,##0.00)", NULL, "(12.00)" },
	{ "formatInteger", "-3.5", "0", NULL, "-4" },
	{ "formatInteger", "1e21", "0", NULL, "1e+21" },
	{ "formatInteger", "11", "0;o", NULL, "11th" },
	{ "formatInteger", "0", "w", NULL, "zero" },
	{ "formatInteger", "1e7", "I", NULL, "!JSERR" },
	{ "formatInteger", "5", "#", NULL, "!D3130" },
	{ "formatBase", "255", "16", NULL, "ff" },
	{ "formatBase", "2.5", "10", NULL, "2" },
	{ "formatBase", "1e21", "2", NULL, "1101100011010111001001101011011100010111011110101000000000000000000000" },
	{ "formatBase", "10", "1.4", NULL, "!D3100" },
	{ "fromMillis", "0", NULL, NULL, "1970-01-01T00:00:00.000Z" },
	{ "fromMillis", "-1", NULL, NULL, "1969-12-31T23:59:59.999Z" },
	{ "fromMillis", "1521801216617", "[h]:[m01] [PN]", "-0530", "4:03 AM" },
	{ "fromMillis", "1521801216617", "[Z]", "-0530", "-06:30" },
	{ "fromMillis", "1521801216617", "[Z0]", "-0530", "-6:-30" },
	{ "fromMillis", "8.64e15", "[Y]", NULL, "275760" },
	{ "fromMillis", "8.64e15", "[Y]", "+0100", "NaN" },
	{ "fromMillis", "0", "[q1]", NULL, "undefined" },
	{ "fromMillis", "0", "[YN]", NULL, "!D3133" },
	{ "fromMillis", "0", "[Y", NULL, "!D3135" },
	{ "fromMillis", "0", "[]", NULL, "!D3132" },
	{ "toMillis", "2018-02-30", NULL, NULL, "1519948800000" },
	{ "toMillis", "2018-13-01", NULL, NULL, "NaN" },
	{ "toMillis", "2018-01-01T10:00:00-05:00", NULL, NULL, "1514818800000" },
	{ "toMillis", "18", "[Y,2]", NULL, "-1640995200000" },
	{ "toMillis", "MARCH 2018", "[MNn] [Y]", NULL, "1514764800000" },
	/* found by comparing with jsonata-js 2.0.6 on random pictures */
	{ "fromMillis", "1000000000000", "[D1o,3-]", NULL, "9th" },
	{ "fromMillis", "-8640000000000000", "[M0,1-2]", NULL, "04" },
	{ "fromMillis", "1419940800000", "[Yw,2]", NULL, "two thousand and fourteen" },
	{ "fromMillis", "8640000000000000", "[MNn]", "junk", "undefined" },
	{ "fromMillis", "1521801216617", "[D#1,*-3]/[M,2-2]/[Y0001,2-2]", NULL, "023/03/18" },
	{ "toMillis", "2018.5", NULL, NULL, "1525132800000" },
	{ "toMillis", "2018-02.5", NULL, NULL, "1517788800000" },
	{ "toMillis", "0099-06-01", NULL, NULL, "-59029948800000" },
	{ "toMillis", "2018-02-01T09:42:13.5+29:59", NULL, NULL, "NaN" },
	{ "toMillis", "2018-02-01+01:00", NULL, NULL, "NaN" },
	{ "toMillis", "12 March 18", "[D] [MNn] [Y01]", NULL, "-1634947200000" },
	{ "toMillis", "1803", "[Y01][M01]", NULL, "-1635897600000" },
	{ "formatInteger", "1234", "#;o", NULL, "!D3130" },
	{ "toMillis", "\xC3\x89T\xC3\x89 2018", "\xC3\xA9t\xC3\xA9 [Y]", NULL, "1514764800000" },
	{ "toMillis", "\xC5\xBF 2018", "S [Y]", NULL, "!undefined" },
	{ "toMillis", "2018 +05X30", "[Y] [Z01x01]", NULL, "1514764800000" },
	{ "toMillis", "2018 +05.30", "[Y] [Z01.01]", NULL, "1514745000000" },
	{ "toMillis", "2018 +05x30", "[Y] [Z01.01]", NULL, "1514764800000" },
	{ "toMillis", "2018 +05*30", "[Y] [Z01*01]", NULL, "!JSERR" },
	{ "parseInteger", "12,345", "#,##0", NULL, "12345" },
	{ "parseInteger", "eleventy", "w", NULL, "NaN" },
	{ "parseInteger", "abc", "###\xd9\xa1", NULL, "!JSERR" },
};

/* A fixed "now" for $toMillis: 2020-06-15T12:34:56.789Z. */
#define NOW 1592224496789.0

static void run_call(const char *fn, const char *const *arg, size_t argc,
		     const char *opt_keys[], const char *opt_vals[], size_t nopts,
		     struct buf *out)
{
	struct jsonata_picture_error err;
	int rc = 0, undefined = 0;
	double v = 0;
	if (!strcmp(fn, "formatNumber")) {
		struct jsonata_picture_number_options o;
		jsonata_picture_number_options_init(&o);
		for (size_t i = 0; i < nopts; i++)
			jsonata_picture_number_option_set(&o, opt_keys[i], opt_vals[i]);
		rc = jsonata_picture_format_number(strtod(arg[0], NULL), arg[1], &o, out, &err);
	} else if (!strcmp(fn, "formatInteger")) {
		rc = jsonata_picture_format_integer(strtod(arg[0], NULL), arg[1], out, &err);
	} else if (!strcmp(fn, "formatBase")) {
		rc = jsonata_picture_format_base(strtod(arg[0], NULL),
						 argc > 1 ? strtod(arg[1], NULL) : 10, out, &err);
	} else if (!strcmp(fn, "fromMillis")) {
		rc = jsonata_picture_from_millis(strtod(arg[0], NULL), argc > 1 ? arg[1] : NULL,
						 argc > 2 ? arg[2] : NULL, out, &err);
	} else if (!strcmp(fn, "toMillis") || !strcmp(fn, "parseInteger")) {
		if (!strcmp(fn, "toMillis"))
			rc = jsonata_picture_to_millis(arg[0], argc > 1 ? arg[1] : NULL, NOW,
						       &v, &undefined, &err);
		else
			rc = jsonata_picture_parse_integer(arg[0], arg[1], &v, &undefined, &err);
		if (!rc && !undefined)
			jsonata_picture_js_number(v, out);
	} else if (!strcmp(fn, "string")) {
		jsonata_picture_string_number(strtod(arg[0], NULL), out);
	}
	if (rc)
		buf_addf(out, "!%s", err.code);
	else if (undefined)
		buf_adds(out, "!undefined");
}

START_TEST(table_calls)
{
	const struct call *c = &calls[_i];
	const char *arg[3] = { c->a, c->b, c->c };
	size_t argc = c->c ? 3 : c->b ? 2 : 1;
	struct buf out = BUF_INIT;
	run_call(c->fn, arg, argc, NULL, NULL, 0, &out);
	ck_assert_msg(!strcmp(out.ptr, c->expect), "$%s(%s, %s, %s) = %s, want %s", c->fn,
		      c->a, c->b ? c->b : "-", c->c ? c->c : "-", out.ptr, c->expect);
	buf_release(&out);
}
END_TEST

START_TEST(options_by_name)
{
	struct jsonata_picture_number_options o;
	jsonata_picture_number_options_init(&o);
	ck_assert_int_eq(jsonata_picture_number_option_set(&o, "decimal-separator", ","), 0);
	ck_assert_int_eq(jsonata_picture_number_option_set(&o, "grouping-separator", "."), 0);
	ck_assert_int_eq(jsonata_picture_number_option_set(&o, "colour", "x"), -1);
	struct buf b = BUF_INIT;
	struct jsonata_picture_error err;
	ck_assert_int_eq(jsonata_picture_format_number(1234567.891, "#.##0,00", &o, &b, &err), 0);
	ck_assert_str_eq(b.ptr, "1.234.567,89");
	buf_release(&b);
}
END_TEST

/* Output stays bounded where JavaScript would pad on. */
START_TEST(widths_are_capped)
{
	struct buf b = BUF_INIT;
	struct jsonata_picture_error err;
	ck_assert_int_eq(jsonata_picture_from_millis(0, "[Y,99999999]", NULL, &b, &err), 0);
	ck_assert_uint_eq(b.len, JSONATA_PICTURE_MAX_WIDTH + strlen("1970"));
	buf_release(&b);
}
END_TEST

/* Hostile timestamps: a long run of words and separators that never
 * matches must not backtrack exponentially, and text beyond the limit is
 * refused rather than recursed on. */
START_TEST(hostile_timestamps)
{
	struct buf t = BUF_INIT;
	for (int i = 0; i < 400; i++)
		buf_adds(&t, "one seven ");
	buf_adds(&t, "x");
	double v = 0;
	int undefined = 0;
	struct jsonata_picture_error err;
	ck_assert_int_eq(jsonata_picture_to_millis(t.ptr, "[Yw] [Dw] [Mw]", 0, &v, &undefined, &err), 0);
	ck_assert_int_eq(undefined, 1);
	buf_reset(&t);
	for (int i = 0; i < 5000; i++)
		buf_addc(&t, '1');
	ck_assert_int_eq(jsonata_picture_to_millis(t.ptr, "[Y]", 0, &v, &undefined, &err), -1);
	ck_assert_str_eq(err.code, JSONATA_PICTURE_JS_ERROR);
	buf_release(&t);
}
END_TEST

/* ---- the jsonata-js test suite -------------------------------------------- */

/* The case files: SHARED/jsonata-test-suite/groups, or NULL. */
static const char *suite_dir(void)
{
	static char path[1024];
	const char *env = getenv("SHARED");
	snprintf(path, sizeof(path), "%s/jsonata-test-suite/groups", env ? env : "../shared");
	DIR *d = opendir(path);
	if (!d)
		return NULL;
	closedir(d);
	return path;
}

/* The arguments of a direct call with literal arguments:
 * $name(number | 'string' | "string" | {"k": "v", ...}, ...). */
#define MAX_ARGS 3
#define MAX_OPTS 11
struct literal_call {
	char name[32];
	struct buf arg[MAX_ARGS];
	size_t argc;
	int arg_is_string[MAX_ARGS];
	const char *keys[MAX_OPTS], *vals[MAX_OPTS];
	struct buf opt_text;
	size_t nopts;
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	return p;
}

/* A JavaScript string literal at p into b; returns the end or NULL. */
static const char *read_string(const char *p, struct buf *b)
{
	char q = *p++;
	for (; *p && *p != q; p++) {
		if (*p != '\\') {
			buf_addc(b, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'n': buf_addc(b, '\n'); break;
		case 't': buf_addc(b, '\t'); break;
		case 'u': return NULL; /* not in the cases we run */
		case '\0': return NULL;
		default: buf_addc(b, *p);
		}
	}
	return *p == q ? p + 1 : NULL;
}

static const char *read_number(const char *p, struct buf *b)
{
	const char *s = p;
	if (*p == '-')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return NULL;
	while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
	       ((*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E')))
		p++;
	buf_add(b, s, (size_t)(p - s));
	return p;
}

/* {"k": "v", ...}: keys and values into the option arrays. */
static const char *read_object(const char *p, struct literal_call *c)
{
	size_t offsets[2 * MAX_OPTS];
	size_t n = 0;
	p = skip_ws(p + 1);
	while (*p != '}') {
		if ((*p != '"' && *p != '\'') || n + 2 > 2 * MAX_OPTS)
			return NULL;
		offsets[n++] = c->opt_text.len;
		if (!(p = read_string(p, &c->opt_text)))
			return NULL;
		buf_addc(&c->opt_text, '\0');
		p = skip_ws(p);
		if (*p++ != ':')
			return NULL;
		p = skip_ws(p);
		offsets[n++] = c->opt_text.len;
		if ((*p != '"' && *p != '\'') || !(p = read_string(p, &c->opt_text)))
			return NULL;
		buf_addc(&c->opt_text, '\0');
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	for (size_t i = 0; i < n; i += 2) {
		c->keys[c->nopts] = c->opt_text.ptr + offsets[i];
		c->vals[c->nopts++] = c->opt_text.ptr + offsets[i + 1];
	}
	return p + 1;
}

/* Returns 1 when expr is such a call (c filled), 0 otherwise. */
static int read_call(const char *expr, struct literal_call *c)
{
	const char *p = skip_ws(expr);
	if (*p++ != '$')
		return 0;
	size_t n = 0;
	while (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') && n + 1 < sizeof(c->name))
		c->name[n++] = *p++;
	c->name[n] = '\0';
	if (*p++ != '(')
		return 0;
	for (p = skip_ws(p); *p != ')';) {
		if (*p == '{') {
			if (c->argc != 2 || !(p = read_object(p, c)))
				return 0;
		} else if (c->argc == MAX_ARGS) {
			return 0;
		} else if (*p == '"' || *p == '\'') {
			c->arg_is_string[c->argc] = 1;
			if (!(p = read_string(p, &c->arg[c->argc++])))
				return 0;
		} else if (!(p = read_number(p, &c->arg[c->argc++]))) {
			return 0;
		}
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != ')')
			return 0;
	}
	return *skip_ws(p + 1) == '\0' && c->argc > 0;
}

/* Which argument kinds each function takes: 'n'umber or 's'tring. */
static int kinds_fit(const struct literal_call *c)
{
	static const struct { const char *name, *kinds; } fns[] = {
		{ "formatNumber", "nss" }, { "formatInteger", "ns" },
		{ "formatBase", "nn" }, { "parseInteger", "ss" },
		{ "fromMillis", "nss" }, { "toMillis", "ss" }, { "string", "n" },
	};
	for (size_t i = 0; i < sizeof(fns) / sizeof(*fns); i++) {
		if (strcmp(fns[i].name, c->name))
			continue;
		if (c->argc > strlen(fns[i].kinds))
			return 0;
		for (size_t k = 0; k < c->argc; k++)
			if (c->arg_is_string[k] != (fns[i].kinds[k] == 's'))
				return 0;
		return 1;
	}
	return 0;
}

struct tally {
	int run, pass, skipped;
	struct buf failures;
};

/* The expected outcome of a case in run_call's notation, or NULL. */
static char *expected_of(const cJSON *tc)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(tc, "result");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(tc, "code");
	struct buf b = BUF_INIT;
	if (cJSON_IsString(r))
		buf_adds(&b, r->valuestring);
	else if (cJSON_IsNumber(r))
		jsonata_picture_js_number(r->valuedouble, &b);
	else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tc, "undefinedResult")))
		buf_adds(&b, "!undefined");
	else if (cJSON_IsString(code))
		buf_addf(&b, "!%s", code->valuestring);
	else {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static void run_case(const cJSON *tc, struct tally *t)
{
	const cJSON *expr = cJSON_GetObjectItemCaseSensitive(tc, "expr");
	struct literal_call c;
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < MAX_ARGS; i++)
		buf_init(&c.arg[i]);
	buf_init(&c.opt_text);
	char *want = expected_of(tc);
	if (!cJSON_IsString(expr) || !want || !read_call(expr->valuestring, &c) ||
	    !kinds_fit(&c)) {
		t->skipped++;
	} else {
		const char *args[MAX_ARGS];
		for (size_t i = 0; i < c.argc; i++)
			args[i] = c.arg[i].ptr;
		struct buf out = BUF_INIT;
		run_call(c.name, args, c.argc, c.keys, c.vals, c.nopts, &out);
		t->run++;
		if (!strcmp(out.ptr, want))
			t->pass++;
		else
			buf_addf(&t->failures, "  %s => %s (want %s)\n", expr->valuestring,
				 out.ptr, want);
		buf_release(&out);
	}
	free(want);
	for (int i = 0; i < MAX_ARGS; i++)
		buf_release(&c.arg[i]);
	buf_release(&c.opt_text);
}

static void run_file(const char *path, struct tally *t)
{
	struct buf text = BUF_INIT;
	const char *why;
	if (fileio_read(path, &text, &why)) {
		buf_release(&text);
		return;
	}
	cJSON *doc = cJSON_Parse(text.ptr);
	buf_release(&text);
	if (cJSON_IsArray(doc)) {
		const cJSON *tc;
		cJSON_ArrayForEach(tc, doc)
			run_case(tc, t);
	} else if (cJSON_IsObject(doc)) {
		run_case(doc, t);
	}
	cJSON_Delete(doc);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .json files of dir, sorted; returns their count (owned array). */
static size_t list_json(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	size_t n = 0, alloc = 0;
	*names = NULL;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			*names = realloc(*names, alloc * sizeof(**names));
		}
		(*names)[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(*names, n, sizeof(**names), compare_names);
	return n;
}

static const char *const picture_groups[] = {
	"function-formatNumber", "function-formatInteger", "function-formatBase",
	"function-parseInteger", "function-fromMillis", "function-tomillis",
	"function-string",
};

START_TEST(jsonata_suite_groups)
{
	const char *root = suite_dir();
	if (!root) {
		fprintf(stderr, "jsonata_picture: no jsonata test suite under SHARED: skipped\n");
		return;
	}
	struct tally all = { 0, 0, 0, BUF_INIT };
	for (size_t g = 0; g < sizeof(picture_groups) / sizeof(*picture_groups); g++) {
		char dir[1200], path[1500];
		snprintf(dir, sizeof(dir), "%s/%s", root, picture_groups[g]);
		char **names;
		size_t n = list_json(dir, &names);
		struct tally t = { 0, 0, 0, BUF_INIT };
		for (size_t i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			run_file(path, &t);
			free(names[i]);
		}
		free(names);
		fprintf(stderr, "jsonata_picture: %-24s %3d/%3d direct calls pass, %3d cases not direct calls\n",
			picture_groups[g], t.pass, t.run, t.skipped);
		if (t.failures.len)
			fprintf(stderr, "%s", t.failures.ptr);
		all.run += t.run;
		all.pass += t.pass;
		buf_release(&t.failures);
	}
	ck_assert_int_eq(all.pass, all.run);
}
END_TEST

/* Every number token of text (outside strings): does JavaScript's text
 * for its value read the same?  The case files were written by
 * JSON.stringify, so each token is exactly Number.prototype.toString(). */
static void check_number_tokens(const char *text, int *seen, struct buf *bad)
{
	for (const char *p = text; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return;
			continue;
		}
		if (!(*p == '-' || (*p >= '0' && *p <= '9')))
			continue;
		struct buf tok = BUF_INIT, js = BUF_INIT;
		const char *end = read_number(p, &tok);
		if (end && tok.len) {
			(*seen)++;
			jsonata_picture_js_number(strtod(tok.ptr, NULL), &js);
			/* range-operator writes its result by hand as 1e7 */
			if (strcmp(js.ptr, tok.ptr) && strcmp(tok.ptr, "1e7"))
				buf_addf(bad, "  %s written as %s\n", tok.ptr, js.ptr);
			p = end - 1;
		}
		buf_release(&tok);
		buf_release(&js);
	}
}

START_TEST(jsonata_suite_numbers)
{
	const char *root = suite_dir();
	if (!root) {
		fprintf(stderr, "jsonata_picture: no jsonata test suite under SHARED: skipped\n");
		return;
	}
	DIR *d = opendir(root);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	int seen = 0, files = 0;
	struct buf bad = BUF_INIT;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char dir[1200], path[1500];
		snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name);
		char **names;
		size_t n = list_json(dir, &names);
		for (size_t i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			struct buf text = BUF_INIT;
			const char *why;
			if (!fileio_read(path, &text, &why)) {
				files++;
				check_number_tokens(text.ptr, &seen, &bad);
			}
			buf_release(&text);
			free(names[i]);
		}
		free(names);
	}
	closedir(d);
	fprintf(stderr, "jsonata_picture: %d numbers in %d case files, %s\n%s", seen, files,
		bad.len ? "some not as JavaScript writes them:" : "all as JavaScript writes them",
		bad.ptr);
	ck_assert_msg(!bad.len, "numbers not written as JavaScript does");
	buf_release(&bad);
}
END_TEST

Suite *jsonata_picture_suite(void)
{
	Suite *s = suite_create("jsonata_picture");
	TCase *t = tcase_create("tables");
	tcase_add_loop_test(t, js_number_text, 0, (int)(sizeof(numbers) / sizeof(*numbers)));
	tcase_add_test(t, special_numbers);
	tcase_add_loop_test(t, table_calls, 0, (int)(sizeof(calls) / sizeof(*calls)));
	tcase_add_test(t, options_by_name);
	tcase_add_test(t, widths_are_capped);
	suite_add_tcase(s, t);
	TCase *h = tcase_create("hostile");
	tcase_set_timeout(h, 10);
	tcase_add_test(h, hostile_timestamps);
	suite_add_tcase(s, h);
	TCase *u = tcase_create("jsonata-js suite");
	tcase_add_test(u, jsonata_suite_groups);
	tcase_add_test(u, jsonata_suite_numbers);
	suite_add_tcase(s, u);
	return s;
}
