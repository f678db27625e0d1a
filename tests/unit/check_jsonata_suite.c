/* check_jsonata_suite.c - the JSONata conformance suite (jsonata-js's own
 * test cases as JSON, in $SHARED/jsonata-test-suite/groups) against our
 * engine: every case outside function-eval, results compared exactly (arrays
 * as multisets where the case says "unordered"), error codes exactly.  A
 * case that fails must be listed in tests/jsonata-known-failures.txt with
 * its reason, and a listed case must fail: the list stays honest.  Skips
 * with a message when the suite is absent.
 * JSONATA_SUITE_VERBOSE=1 prints every failing case. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <cJSON.h>

#include "buf.h"
#include "fileio.h"
#include "jsonata.h"
#include "banned.h"

#define KNOWN_FAILURES "tests/jsonata-known-failures.txt"

static const char *suite_dir(void)
{
	static char path[1024];
	const char *env = getenv("SHARED");
	snprintf(path, sizeof(path), "%s/jsonata-test-suite", env ? env : "../shared");
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* cJSON refuses lone surrogates (\uD800) in JSON strings, which two cases
 * use; escaping the backslash hands the same escape to JSONata's lexer. */
static char *escape_surrogates(const char *text)
{
	struct buf b = BUF_INIT;
	for (const char *p = text; *p; p++) {
		if (p[0] == '\\' && p[1] == 'u' && (p[2] == 'D' || p[2] == 'd') &&
		    strchr("89abAB", p[3]) && p[3])
			buf_addc(&b, '\\');
		else if (p[0] == '\\' && p[1]) {
			buf_addc(&b, *p++);
		}
		buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

static cJSON *read_json(const char *path)
{
	char *text = slurp(path);
	if (!text)
		return NULL;
	cJSON *j = cJSON_Parse(text);
	if (!j) {
		char *fixed = escape_surrogates(text);
		j = cJSON_Parse(fixed);
		free(fixed);
	}
	free(text);
	return j;
}

static int equal(const cJSON *a, const cJSON *b, int unordered);

static int equal_unordered(const cJSON *a, const cJSON *b)
{
	int n = cJSON_GetArraySize(a);
	if (n != cJSON_GetArraySize(b))
		return 0;
	char *used = calloc((size_t)n + 1, 1);
	int ok = 1;
	for (const cJSON *x = a->child; x && ok; x = x->next) {
		int found = 0, i = 0;
		for (const cJSON *y = b->child; y && !found; y = y->next, i++)
			if (!used[i] && equal(x, y, 0))
				found = used[i] = 1;
		ok = found;
	}
	free(used);
	return ok;
}

static int equal(const cJSON *a, const cJSON *b, int unordered)
{
	if (!a || !b)
		return a == b;
	if ((a->type & 0xFF) != (b->type & 0xFF))
		return 0;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble;
	if (cJSON_IsString(a))
		return strcmp(a->valuestring, b->valuestring) == 0;
	if (cJSON_IsArray(a)) {
		if (unordered)
			return equal_unordered(a, b);
		const cJSON *x = a->child, *y = b->child;
		for (; x && y; x = x->next, y = y->next)
			if (!equal(x, y, 0))
				return 0;
		return !x && !y;
	}
	if (cJSON_IsObject(a)) {
		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
			return 0;
		for (const cJSON *x = a->child; x; x = x->next)
			if (!equal(x, cJSON_GetObjectItemCaseSensitive(b, x->string), 0))
				return 0;
		return 1;
	}
	return 1;
}

struct tally {
	int total, passed, unexpected, stale;
	char *known; /* the known-failures file */
	struct buf report;
};

static int is_known(const struct tally *t, const char *id)
{
	if (!t->known)
		return 0;
	size_t n = strlen(id);
	for (const char *p = t->known; (p = strstr(p, id)); p += n)
		if ((p == t->known || p[-1] == '\n') && (p[n] == ' ' || p[n] == '\t'))
			return 1;
	return 0;
}

/* Runs one case; returns 1 when it passes, with what we got in *got. */
static int run_case(const char *dir, const char *group, const cJSON *c,
		    struct buf *got)
{
	char path[2048];
	const cJSON *expr = cJSON_GetObjectItem(c, "expr");
	char *text = NULL;
	if (cJSON_IsString(expr)) {
		text = strdup(expr->valuestring);
	} else {
		const cJSON *ef = cJSON_GetObjectItem(c, "expr-file");
		snprintf(path, sizeof(path), "%s/groups/%s/%s", dir, group,
			 cJSON_IsString(ef) ? ef->valuestring : "");
		text = slurp(path);
	}
	if (!text) {
		buf_adds(got, "(no expression)");
		return 0;
	}
	cJSON *data = NULL;
	const cJSON *input = cJSON_GetObjectItem(c, "data");
	const cJSON *ds = cJSON_GetObjectItem(c, "dataset");
	if (!input && cJSON_IsString(ds)) {
		snprintf(path, sizeof(path), "%s/datasets/%s.json", dir, ds->valuestring);
		input = data = read_json(path);
	}
	struct jsonata_options opt = { 0 };
	opt.now_ms = 1500000000000;
	const cJSON *depth = cJSON_GetObjectItem(c, "depth");
	const cJSON *tl = cJSON_GetObjectItem(c, "timelimit");
	if (cJSON_IsNumber(depth))
		opt.max_depth = (size_t)depth->valuedouble;
	/* time limits stretch with the tests' time bounds (sanitized builds),
	 * except where the case expects the limit itself (U1001): stretched,
	 * an endless tail loop meets the memory bound first */
	const char *mult = getenv("CK_TIMEOUT_MULTIPLIER");
	const cJSON *limit_code = cJSON_GetObjectItem(c, "code");
	int expects_limit = cJSON_IsString(limit_code) &&
			    !strcmp(limit_code->valuestring, "U1001");
	if (cJSON_IsNumber(tl))
		opt.time_ms = (long)tl->valuedouble * (mult && !expects_limit ? atol(mult) : 1);
	struct jsonata_error err;
	cJSON *result = NULL;
	int ok = -1;
	struct jsonata *j = jsonata_compile(text, strlen(text), &err);
	if (j)
		ok = jsonata_evaluate(j, input, cJSON_GetObjectItem(c, "bindings"),
				      &opt, &result, &err);
	jsonata_free(j);
	free(text);
	cJSON_Delete(data);

	const cJSON *code = cJSON_GetObjectItem(c, "code");
	const cJSON *error = cJSON_GetObjectItem(c, "error");
	if (!code && error)
		code = cJSON_GetObjectItem(error, "code");
	int pass;
	if (ok < 0) {
		buf_addf(got, "error %s: %s", err.code, err.message);
		pass = cJSON_IsString(code) && strcmp(code->valuestring, err.code) == 0;
	} else {
		char *s = result ? cJSON_PrintUnformatted(result) : NULL;
		buf_adds(got, s ? s : "undefined");
		cJSON_free(s);
		if (cJSON_GetObjectItem(c, "undefinedResult"))
			pass = result == NULL;
		else if (cJSON_HasObjectItem(c, "result"))
			pass = equal(cJSON_GetObjectItem(c, "result"), result,
				     cJSON_IsTrue(cJSON_GetObjectItem(c, "unordered")));
		else
			pass = 0;
	}
	cJSON_Delete(result);
	return pass;
}

static void one(struct tally *t, const char *dir, const char *group,
		const char *id, const cJSON *c)
{
	struct buf got = BUF_INIT;
	int pass = run_case(dir, group, c, &got);
	int known = is_known(t, id);
	t->total++;
	t->passed += pass;
	if (!pass && !known) {
		t->unexpected++;
		buf_addf(&t->report, "FAIL %s: %.300s\n", id, got.ptr);
		if (getenv("JSONATA_SUITE_VERBOSE")) {
			char *cs = cJSON_PrintUnformatted(c);
			fprintf(stderr, "FAIL %s\n  case: %.600s\n  got:  %.600s\n", id, cs, got.ptr);
			cJSON_free(cs);
		}
	} else if (pass && known) {
		t->stale++;
		buf_addf(&t->report, "PASSES BUT LISTED %s\n", id);
	}
	buf_release(&got);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_file(struct tally *t, const char *dir, const char *group,
		     const char *file)
{
	char path[2048], id[512];
	snprintf(path, sizeof(path), "%s/groups/%s/%s", dir, group, file);
	cJSON *c = read_json(path);
	if (!c) {
		snprintf(id, sizeof(id), "%s/%s", group, file);
		t->total++;
		if (!is_known(t, id)) {
			t->unexpected++;
			buf_addf(&t->report, "FAIL %s: cJSON cannot read the case file\n", id);
		}
		return;
	}
	if (cJSON_IsArray(c)) {
		int i = 0;
		for (const cJSON *x = c->child; x; x = x->next, i++) {
			snprintf(id, sizeof(id), "%s/%s#%d", group, file, i);
			one(t, dir, group, id, x);
		}
	} else {
		snprintf(id, sizeof(id), "%s/%s", group, file);
		one(t, dir, group, id, c);
	}
	cJSON_Delete(c);
}

static void run_group(struct tally *t, const char *dir, const char *group)
{
	char path[2048];
	struct dirent **files;
	snprintf(path, sizeof(path), "%s/groups/%s", dir, group);
	int n = scandir(path, &files, NULL, by_name);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(files[i]->d_name);
		if (len > 5 && strcmp(files[i]->d_name + len - 5, ".json") == 0)
			run_file(t, dir, group, files[i]->d_name);
		free(files[i]);
	}
	if (n >= 0)
		free(files);
}

START_TEST(conformance)
{
	const char *dir = suite_dir();
	if (!dir) {
		fprintf(stderr, "jsonata suite: skipped, no jsonata-test-suite in $SHARED\n");
		return;
	}
	struct tally t = { 0 };
	buf_init(&t.report);
	t.known = slurp(KNOWN_FAILURES);
	char path[2048];
	struct dirent **groups;
	snprintf(path, sizeof(path), "%s/groups", dir);
	int n = scandir(path, &groups, NULL, by_name);
	const char *only = getenv("JSONATA_SUITE_GROUP");
	for (int i = 0; i < n; i++) {
		const char *g = groups[i]->d_name;
		if (g[0] != '.' && strcmp(g, "function-eval") != 0 &&
		    (!only || strcmp(only, g) == 0))
			run_group(&t, dir, g);
		free(groups[i]);
	}
	if (n >= 0)
		free(groups);
	fprintf(stderr, "jsonata suite: %d/%d cases pass (%.2f%%), %d unexpected failures, %d listed cases pass\n",
		t.passed, t.total, t.total ? 100.0 * t.passed / t.total : 0.0,
		t.unexpected, t.stale);
	if (t.unexpected || t.stale)
		fprintf(stderr, "%s", t.report.ptr);
	int bad = t.unexpected + t.stale;
	buf_release(&t.report);
	free(t.known);
	ck_assert_msg(bad == 0, "%d jsonata suite cases disagree with %s", bad,
		      KNOWN_FAILURES);
}
END_TEST

Suite *jsonata_suite_suite(void)
{
	Suite *s = suite_create("jsonata_suite");
	TCase *tc = tcase_create("conformance");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, conformance);
	suite_add_tcase(s, tc);
	return s;
}
