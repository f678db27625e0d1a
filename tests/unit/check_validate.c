/* check_validate.c - the ASL linter.  The corpus is data: every file in
 * tests/cases/validate/ (NAME.asl.json, NAME.asl.yaml, NAME.yml) is loaded
 * and validated, and its diagnostics must equal NAME.expected line for line
 * ("file:line:col: severity: message [rule]", file without its folder).
 * Also: the reference course validates clean, fragments, pointers, limits. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "fileio.h"
#include "helpers.h"
#include "loader.h"
#include "suggest.h"
#include "validate.h"
#include "banned.h"

#define CASES "tests/cases/validate"

/* Loads and validates every machine of path.  Returns owned text lines. */
static char *validate_text(const char *path, struct diag_list *l)
{
	struct loaded_file lf;
	loader_load(&lf, path, NULL, l);
	for (size_t i = 0; i < lf.nr_machines; i++)
		validate_definition(lf.machines[i].definition, lf.machines[i].doc, l);
	loader_release(&lf);
	diag_sort(l);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < l->nr; i++) {
		const struct diag *d = &l->items[i];
		const char *file = strrchr(d->pos.file, '/');
		buf_addf(&b, "%s:%u:%u: %s: %s [%s]\n", file ? file + 1 : d->pos.file,
			 d->pos.line, d->pos.col, severity_name(d->severity), d->message,
			 d->rule ? d->rule : "");
	}
	return buf_detach(&b, NULL);
}

/* The case name: the file name up to its first dot. */
static int case_name(const char *file, char *out, size_t size)
{
	const char *dot = strchr(file, '.');
	if (!dot || !strcmp(dot, ".expected") || file[0] == '.')
		return -1;
	snprintf(out, size, "%.*s", (int)(dot - file), file);
	return 0;
}

/* Appends "-expected" / "+got" lines where the two texts differ. */
static void diff(struct buf *out, const char *want, const char *got)
{
	while (*want || *got) {
		size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");
		if (wl != gl || strncmp(want, got, wl)) {
			if (*want)
				buf_addf(out, "  -%.*s\n", (int)wl, want);
			if (*got)
				buf_addf(out, "  +%.*s\n", (int)gl, got);
		}
		want += wl + (want[wl] == '\n');
		got += gl + (got[gl] == '\n');
	}
}

struct tally { size_t cases, invalid, failed; };

static void run_case(const char *file, struct tally *t, struct buf *report)
{
	char name[256], path[512], expected_path[512];
	if (case_name(file, name, sizeof(name)))
		return;
	snprintf(path, sizeof(path), "%s/%s", CASES, file);
	snprintf(expected_path, sizeof(expected_path), "%s/%s.expected", CASES, name);
	struct buf want = BUF_INIT;
	const char *why;
	if (fileio_read(expected_path, &want, &why)) {
		buf_addf(report, "%s: no %s.expected\n", file, name);
		t->failed++;
		return;
	}
	struct diag_list l = DIAG_LIST_INIT;
	char *got = validate_text(path, &l);
	t->cases++;
	t->invalid += l.errors > 0;
	if (strcmp(want.ptr, got)) {
		buf_addf(report, "%s:\n", file);
		diff(report, want.ptr, got);
		t->failed++;
	}
	free(got);
	buf_release(&want);
	diag_list_release(&l);
}

START_TEST(corpus)
{
	DIR *dp = opendir(CASES);
	ck_assert_ptr_nonnull(dp);
	struct tally t = { 0, 0, 0 };
	struct buf report = BUF_INIT;
	struct dirent *e;
	while ((e = readdir(dp)))
		run_case(e->d_name, &t, &report);
	closedir(dp);
	ck_assert_msg(!t.failed, "%zu of %zu cases differ:\n%s", t.failed, t.cases,
		      report.ptr);
	ck_assert_uint_ge(t.invalid, 120);
	buf_release(&report);
}
END_TEST

/* Every machine of the reference course validates without errors. */
START_TEST(upstream_course_is_valid)
{
	const char *root = shared_dir();
	if (!root) {
		fprintf(stderr, "upstream_course_is_valid: ../shared/upstream-course "
				"not found, skipped\n");
		return;
	}
	static const char *const dirs[] = { "101", "101/saved-steps", "102",
					    "102/saved-steps" };
	size_t machines = 0;
	for (size_t i = 0; i < 4; i++) {
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s/%s", root, dirs[i]);
		DIR *dp = opendir(dir);
		ck_assert_ptr_nonnull(dp);
		struct dirent *e;
		while ((e = readdir(dp))) {
			if (strncmp(e->d_name, "serverless", 10) || !strstr(e->d_name, ".yml"))
				continue;
			char path[2048];
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			struct loaded_file lf;
			struct diag_list l = DIAG_LIST_INIT;
			loader_load(&lf, path, NULL, &l);
			diag_list_release(&l);
			for (size_t k = 0; k < lf.nr_machines; k++, machines++) {
				size_t errors = validate_definition(lf.machines[k].definition,
								    lf.machines[k].doc, &l);
				char *text = diags_text(&l);
				ck_assert_msg(errors == 0, "%s:\n%s", path, text);
				free(text);
			}
			loader_release(&lf);
			diag_list_release(&l);
		}
		closedir(dp);
	}
	ck_assert_uint_eq(machines, 12);
}
END_TEST

/* ---- fragments, pointers, the rule table, limits ----------------------- */

static char *fragment_text(enum validate_fragment kind, const char *text)
{
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("snippet.json");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_JSON, &l), 0);
	validate_fragment(kind, d->root, d, &l);
	diag_sort(&l);
	char *out = diags_text(&l);
	doc_free(d);
	diag_list_release(&l);
	return out;
}

#define ck_fragment(kind, text, expected)                                   \
	do {                                                                \
		char *got_ = fragment_text(kind, text);                     \
		ck_assert_str_eq(got_, expected);                           \
		free(got_);                                                 \
	} while (0)

START_TEST(fragments)
{
	/* targets outside the snippet are fine; fields are still checked */
	ck_fragment(VALIDATE_STATES,
		    "{\"A\": {\"Type\": \"Pass\", \"Next\": \"Elsewhere\"},\n"
		    " \"B\": {\"Type\": \"Wait\", \"Secnods\": 1, \"End\": true}}",
		    "snippet.json:2:2: error: Wait state 'B' needs one of Seconds, "
		    "Timestamp, SecondsPath, TimestampPath [asl/wait-duration]\n"
		    "snippet.json:2:24: error: unknown field 'Secnods' in Wait state 'B'; "
		    "did you mean 'Seconds'? [asl/field-unknown]\n");
	ck_fragment(VALIDATE_CHOICES,
		    "[{\"Variable\": \"$.x\", \"NumericEquals\": \"1\", \"Next\": \"Far\"},\n"
		    " {\"Variable\": \"$.y\", \"IsNull\": true}]",
		    "snippet.json:1:39: error: NumericEquals in state 'Snippet' takes a "
		    "number [asl/choice-operand]\n"
		    "snippet.json:2:2: error: a Choice rule of state 'Snippet' has no Next "
		    "[asl/choice-next]\n");
	ck_fragment(VALIDATE_CATCHERS,
		    "[{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Far\"},\n"
		    " {\"ErrorEquals\": [\"States.Timeout\"], \"Next\": \"Far\"}]",
		    "snippet.json:1:19: error: the catcher with States.ALL must be the "
		    "last one of state 'Snippet' [asl/states-all]\n");
	ck_fragment(VALIDATE_CATCHERS, "{}",
		    "snippet.json:1:1: error: the snippet must be an array [asl/field-type]\n");
}
END_TEST

START_TEST(json_pointers)
{
	const char *text = "{\"StartAt\": \"A\", \"States\": {\"a/b~c\": {\"Type\": \"Pass\","
			   " \"End\": true}, \"A\": {\"Type\": \"Task\", \"Resource\": \"r\","
			   " \"Retry\": [{\"ErrorEquals\": []}], \"End\": true}}}";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("p.json");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_JSON, &l), 0);
	validate_definition(d->root, d, &l);
	diag_sort(&l);
	ck_assert_uint_eq(l.nr, 2);
	ck_assert_str_eq(l.items[0].pointer, "/States/a~1b~0c");
	ck_assert_str_eq(l.items[1].pointer, "/States/A/Retry/0/ErrorEquals");
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

/* Every saved step of the bundled course validates without errors. */
START_TEST(course_is_valid)
{
	static const char *const dirs[] = { "course/101/saved-steps",
		"course/102/saved-steps", "course/103/saved-steps" };
	size_t machines = 0;
	for (size_t i = 0; i < 3; i++) {
		DIR *dp = opendir(dirs[i]);
		if (!dp)
			continue;
		struct dirent *e;
		while ((e = readdir(dp))) {
			if (e->d_name[0] == '.')
				continue;
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
			struct diag_list l = DIAG_LIST_INIT;
			struct loaded_file lf;
			loader_load(&lf, path, NULL, &l);
			for (size_t k = 0; k < lf.nr_machines; k++, machines++)
				validate_definition(lf.machines[k].definition, lf.machines[k].doc, &l);
			char *text = diags_text(&l);
			ck_assert_msg(l.errors == 0, "%s:\n%s", path, text);
			free(text);
			loader_release(&lf);
			diag_list_release(&l);
		}
		closedir(dp);
	}
	ck_assert_uint_gt(machines, 0);
}
END_TEST

/* The README's rule table lists every rule of the registry. */
START_TEST(readme_lists_rules)
{
	struct buf readme = BUF_INIT;
	const char *why;
	ck_assert_int_eq(fileio_read("README.md", &readme, &why), 0);
	for (size_t i = 0; i < validate_nr_rules; i++) {
		char row[128];
		snprintf(row, sizeof(row), "| `%s` | %s |", validate_rules[i].id,
			 severity_name(validate_rules[i].severity));
		ck_assert_msg(strstr(readme.ptr, row), "README.md lacks %s", row);
	}
	buf_release(&readme);
}
END_TEST

START_TEST(rule_table)
{
	for (size_t i = 0; i < validate_nr_rules; i++) {
		ck_assert(!strncmp(validate_rules[i].id, "asl/", 4));
		ck_assert(validate_rules[i].summary[0]);
		for (size_t k = 0; k < i; k++)
			ck_assert_str_ne(validate_rules[i].id, validate_rules[k].id);
	}
}
END_TEST

START_TEST(suggestions)
{
	static const char *const names[] = { "Next", "End", "Resource", "TimeoutSeconds" };
	ck_assert_uint_eq(suggest_distance("Nxet", "Next"), 1);
	ck_assert_uint_eq(suggest_distance("next", "Next"), 0);
	ck_assert_str_eq(suggest_best("Nxt", names, 4), "Next");
	ck_assert_str_eq(suggest_best("Resorce", names, 4), "Resource");
	ck_assert_ptr_null(suggest_best("Foo", names, 4));
	ck_assert_ptr_null(suggest_best("X", names, 4));
}
END_TEST

/* 600 unreachable states: 500 warnings, then one note, and no more. */
START_TEST(diagnostics_are_capped)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "{\"StartAt\": \"S0\", \"States\": {");
	for (int i = 0; i < 600; i++)
		buf_addf(&b, "%s\"S%d\": {\"Type\": \"Succeed\"}", i ? ", " : "", i);
	buf_adds(&b, "}}");
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("big.json");
	ck_assert_int_eq(doc_parse(d, b.ptr, b.len, DOC_JSON, &l), 0);
	validate_definition(d->root, d, &l);
	ck_assert_uint_eq(l.nr, VALIDATE_MAX_DIAGS + 1);
	ck_assert_str_eq(l.items[l.nr - 1].rule, "asl/too-many-diagnostics");
	doc_free(d);
	diag_list_release(&l);
	buf_release(&b);
}
END_TEST

Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("corpus");
	tcase_add_test(tc, corpus);
	tcase_add_test(tc, upstream_course_is_valid);
	tcase_add_test(tc, course_is_valid);
	tcase_add_test(tc, readme_lists_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("api");
	tcase_add_test(tc, fragments);
	tcase_add_test(tc, json_pointers);
	tcase_add_test(tc, rule_table);
	tcase_add_test(tc, suggestions);
	tcase_add_test(tc, diagnostics_are_capped);
	suite_add_tcase(s, tc);
	return s;
}
