/* check_render.c - the site's small renderers as tables of cases:
 * templates (input, data, output or located error), highlighting (language,
 * code, HTML), slugs, relative links and step diffs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "helpers.h"
#include "highlight.h"
#include "html.h"
#include "search.h"
#include "stepdiff.h"
#include "tmpl.h"
#include "banned.h"

/* ---- templates ------------------------------------------------------------ */

static const struct { const char *tmpl, *data, *want; } tmpl_cases[] = {
	{ "Hi {{name}}!", "{\"name\":\"<Ada & \\\"Bob\\\">\"}",
	  "Hi &lt;Ada &amp; &quot;Bob&quot;&gt;!" },
	{ "{{{html}}}", "{\"html\":\"<b>x</b>\"}", "<b>x</b>" },
	{ "[{{missing}}]", "{}", "[]" },
	{ "{{n}} {{f}} {{t}}", "{\"n\":42,\"f\":1.5,\"t\":true}", "42 1.5 true" },
	{ "{{#xs}}<{{.}}>{{/xs}}", "{\"xs\":[\"a\",\"b\"]}", "<a><b>" },
	{ "{{#xs}}{{name}}{{/xs}}", "{\"xs\":[]}", "" },
	{ "{{^xs}}none{{/xs}}", "{\"xs\":[]}", "none" },
	{ "{{#on}}yes{{/on}}{{^on}}no{{/on}}", "{\"on\":false}", "no" },
	{ "{{#p}}{{title}} of {{site}}{{/p}}", "{\"site\":\"S\",\"p\":{\"title\":\"T\"}}",
	  "T of S" },
	{ "{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep" },
	{ "{{#xs}}{{#ys}}{{.}}{{/ys}};{{/xs}}", "{\"xs\":[{\"ys\":[1,2]},{\"ys\":[3]}]}",
	  "12;3;" },
	{ "a{{! a comment }}b", "{}", "ab" },
	{ "<a title=\"{{t}}\">", "{\"t\":\"x\\ny\"}", "<a title=\"x&#10;y\">" },
};

START_TEST(tmpl_table)
{
	for (size_t i = 0; i < sizeof(tmpl_cases) / sizeof(*tmpl_cases); i++) {
		struct diag_list l = DIAG_LIST_INIT;
		const char *t = tmpl_cases[i].tmpl;
		struct tmpl *tp = tmpl_parse("t.html", t, strlen(t), &l);
		ck_assert_msg(tp != NULL, "case %zu does not parse", i);
		cJSON *data = cJSON_Parse(tmpl_cases[i].data);
		struct buf out = BUF_INIT;
		ck_assert_int_eq(tmpl_render(tp, data, &out), 0);
		ck_assert_msg(!strcmp(out.ptr, tmpl_cases[i].want),
			      "case %zu: got '%s' want '%s'", i, out.ptr,
			      tmpl_cases[i].want);
		buf_release(&out);
		cJSON_Delete(data);
		tmpl_free(tp);
		diag_list_release(&l);
	}
}
END_TEST

static char *render_once(struct tmpl *tp, const cJSON *data)
{
	struct buf out = BUF_INIT;
	ck_assert_int_eq(tmpl_render(tp, data, &out), 0);
	return buf_detach(&out, NULL);
}

/* A template remembers the list items it rendered: rendering the same
 * (changed) data again gives exactly what a fresh template gives, and
 * items that read names outside themselves are never copied. */
START_TEST(tmpl_items_remembered)
{
	static const char t[] =
		"{{#items}}<{{n}}{{#c}}*{{/c}} {{d}}>{{/items}}|"
		"{{#items}}{{n}}{{top}};{{/items}}|"
		"{{#items}}{{n}}{{missing}};{{/items}}";
	static const char *const want[] = {
		"<x 1><y* 2><z 3>|xA;yA;zA;|x;y;z;",
		"<x* 1><y* 2.5><z 3>|xB;yB;zB;|xM;yM;zM;",
		"<x* 1><y* 2.5><z 3>|xB;yB;zB;|xM;yM;zM;",
	};
	struct diag_list l = DIAG_LIST_INIT;
	struct tmpl *kept = tmpl_parse("t.html", t, strlen(t), &l);
	cJSON *data = cJSON_Parse("{\"top\":\"A\",\"items\":[{\"n\":\"x\",\"c\":false,"
				  "\"d\":1},{\"n\":\"y\",\"c\":true,\"d\":2},"
				  "{\"n\":\"z\",\"c\":false,\"d\":3}]}");
	cJSON *items = cJSON_GetObjectItemCaseSensitive(data, "items");
	for (int round = 0; round < 3; round++) {
		if (round == 1) { /* x and y change, z not; new outer names */
			cJSON_GetArrayItem(items, 0)->child->next->type = cJSON_True;
			cJSON_SetNumberValue(cJSON_GetArrayItem(items, 1)->child->next->next, 2.5);
			cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(data, "top"), "B");
			cJSON_AddStringToObject(data, "missing", "M");
		}
		struct tmpl *fresh = tmpl_parse("t.html", t, strlen(t), &l);
		char *got = render_once(kept, data), *again = render_once(fresh, data);
		ck_assert_str_eq(got, want[round]);
		ck_assert_str_eq(again, want[round]);
		free(got);
		free(again);
		tmpl_free(fresh);
	}
	cJSON_Delete(data);
	tmpl_free(kept);
	diag_list_release(&l);
}
END_TEST

static const struct { const char *tmpl, *want; } tmpl_errors[] = {
	{ "a\n  {{#x}}b", "t.html:2:3: error: {{#x}} is never closed [tmpl/unclosed-section]\n" },
	{ "{{#x}}{{/y}}", "t.html:1:7: error: {{/y}} closes {{#x}} [tmpl/mismatch]\n" },
	{ "x{{/y}}", "t.html:1:2: error: {{/y}} closes no section [tmpl/unopened]\n" },
	{ "x {{name", "t.html:1:3: error: '{{' without '}}' [tmpl/unclosed-tag]\n" },
};

START_TEST(tmpl_errors_located)
{
	for (size_t i = 0; i < sizeof(tmpl_errors) / sizeof(*tmpl_errors); i++) {
		struct diag_list l = DIAG_LIST_INIT;
		const char *t = tmpl_errors[i].tmpl;
		ck_assert_ptr_null(tmpl_parse("t.html", t, strlen(t), &l));
		char *got = diags_text(&l);
		ck_assert_str_eq(got, tmpl_errors[i].want);
		free(got);
		diag_list_release(&l);
	}
}
END_TEST

START_TEST(tmpl_depth_bounded)
{
	struct buf t = BUF_INIT;
	for (int i = 0; i <= TMPL_MAX_DEPTH; i++)
		buf_adds(&t, "{{#a}}");
	struct diag_list l = DIAG_LIST_INIT;
	ck_assert_ptr_null(tmpl_parse("t.html", t.ptr, t.len, &l));
	ck_assert_str_eq(l.items[0].rule, "tmpl/too-deep");
	diag_list_release(&l);
	buf_release(&t);
}
END_TEST

/* ---- highlighting ----------------------------------------------------------- */

static const struct { const char *lang, *code, *want; } hl_cases[] = {
	{ "yaml", "a: 1 # c\n", "<span class=\"tok-key\">a</span>: <span class=\"tok-num\">1</span> <span class=\"tok-com\"># c</span>\n" },
	{ "yml", "- x: \"<y>\"", "- <span class=\"tok-key\">x</span>: <span class=\"tok-str\">&quot;&lt;y&gt;&quot;</span>" },
	{ "yaml", "R: !GetAtt [f, Arn]", "<span class=\"tok-key\">R</span>: <span class=\"tok-kw\">!GetAtt</span> [f, Arn]" },
	{ "json", "{\"k\": \"v\", \"n\": -1}", "{<span class=\"tok-key\">&quot;k&quot;</span>: <span class=\"tok-str\">&quot;v&quot;</span>, <span class=\"tok-key\">&quot;n&quot;</span>: -<span class=\"tok-num\">1</span>}" },
	{ "sh", "echo $HOME --x # c", "echo <span class=\"tok-var\">$HOME</span> <span class=\"tok-attr\">--x</span> <span class=\"tok-com\"># c</span>" },
	{ "bash", "a#b", "a#b" },
	{ "go", "func f() {} // </pre>", "<span class=\"tok-kw\">func</span> f() {} <span class=\"tok-com\">// &lt;/pre&gt;</span>" },
	{ "js", "const s = 'a\\'b';", "<span class=\"tok-kw\">const</span> s = <span class=\"tok-str\">&#39;a\\&#39;b&#39;</span>;" },
	{ "http", "GET /x HTTP/1.1\nA: b\n\n{}", "<span class=\"tok-meta\">GET /x HTTP/1.1</span>\n<span class=\"tok-attr\">A</span>: b\n\n{}" },
	{ "python", "@app.route\ndef f(x=None):  # hi\n    return 'a' if x is True else 2",
	  "<span class=\"tok-meta\">@app.route</span>\n<span class=\"tok-kw\">def</span> f(x=<span class=\"tok-lit\">None</span>):  "
	  "<span class=\"tok-com\"># hi</span>\n    <span class=\"tok-kw\">return</span> <span class=\"tok-str\">&#39;a&#39;</span> "
	  "<span class=\"tok-kw\">if</span> x <span class=\"tok-kw\">is</span> <span class=\"tok-lit\">True</span> "
	  "<span class=\"tok-kw\">else</span> <span class=\"tok-num\">2</span>" },
	{ "py", "true", "true" },
	{ "ts", "interface A { n: number }", "<span class=\"tok-kw\">interface</span> A { n: <span class=\"tok-kw\">number</span> }" },
	{ "tsx", "type A = 1", "<span class=\"tok-kw\">type</span> A = <span class=\"tok-num\">1</span>" },
	{ "typescript", "let x = `a` /* c */", "<span class=\"tok-kw\">let</span> x = <span class=\"tok-str\">`a`</span> <span class=\"tok-com\">/* c */</span>" },
	{ "Dockerfile", "FROM node:20 AS build\n# c\nRUN npm ci --omit=dev && echo $HOME",
	  "<span class=\"tok-kw\">FROM</span> node:20 <span class=\"tok-kw\">AS</span> build\n"
	  "<span class=\"tok-com\"># c</span>\n<span class=\"tok-kw\">RUN</span> npm ci <span class=\"tok-attr\">--omit</span>=dev &amp;&amp; echo <span class=\"tok-var\">$HOME</span>" },
	{ "shell", "if [ -n \"$X\" ]; then ls; fi", "<span class=\"tok-kw\">if</span> [ <span class=\"tok-attr\">-n</span> <span class=\"tok-str\">&quot;$X&quot;</span> ]; <span class=\"tok-kw\">then</span> ls; <span class=\"tok-kw\">fi</span>" },
	{ "cobol", "<x>", "&lt;x&gt;" },
};

/* 30 sections nested over a two-item list would render 2^30 times: the
 * rendering stops at TMPL_MAX_STEPS and says so. */
START_TEST(tmpl_work_bounded)
{
	struct buf t = BUF_INIT;
	for (int i = 0; i < 30; i++)
		buf_adds(&t, "{{#xs}}");
	buf_adds(&t, "x");
	for (int i = 0; i < 30; i++)
		buf_adds(&t, "{{/xs}}");
	struct diag_list l = DIAG_LIST_INIT;
	struct tmpl *tp = tmpl_parse("t.html", t.ptr, t.len, &l);
	ck_assert_ptr_nonnull(tp);
	cJSON *data = cJSON_Parse("{\"xs\":[1,2]}");
	struct buf out = BUF_INIT;
	ck_assert_int_eq(tmpl_render(tp, data, &out), -1);
	ck_assert_uint_le(out.len, TMPL_MAX_STEPS);
	/* and a section that writes a lot each pass stops at TMPL_MAX_OUTPUT */
	struct buf big = BUF_INIT;
	for (int i = 0; i < 4; i++)
		buf_adds(&big, "{{#xs}}");
	for (int i = 0; i < 100000; i++)
		buf_adds(&big, "0123456789");
	for (int i = 0; i < 4; i++)
		buf_adds(&big, "{{/xs}}");
	struct tmpl *wide = tmpl_parse("t.html", big.ptr, big.len, &l);
	cJSON *many = cJSON_Parse("{\"xs\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}");
	buf_reset(&out);
	ck_assert_int_eq(tmpl_render(wide, many, &out), -1);
	ck_assert_uint_le(out.len, TMPL_MAX_OUTPUT + big.len);
	cJSON_Delete(many);
	tmpl_free(wide);
	buf_release(&big);
	buf_release(&out);
	cJSON_Delete(data);
	tmpl_free(tp);
	buf_release(&t);
	diag_list_release(&l);
}
END_TEST

START_TEST(highlight_table)
{
	for (size_t i = 0; i < sizeof(hl_cases) / sizeof(*hl_cases); i++) {
		struct buf out = BUF_INIT;
		const char *code = hl_cases[i].code;
		highlight_code(highlight_language(hl_cases[i].lang), code,
			       strlen(code), &out);
		ck_assert_msg(!strcmp(out.ptr, hl_cases[i].want),
			      "case %zu (%s): got '%s'", i, hl_cases[i].lang, out.ptr);
		buf_release(&out);
	}
}
END_TEST

/* Every byte of any input comes out escaped, whatever the language. */
START_TEST(highlight_never_leaks_markup)
{
	static const char *const langs[] = { "yaml", "json", "bash", "go", "js", "http",
					     "ts", "python", "dockerfile" };
	const char *code = "\"</span><script>\" '<b>' `<i>` # <x>\n/* <y> */ $<z>";
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		struct buf out = BUF_INIT;
		highlight_code(highlight_language(langs[i]), code, strlen(code), &out);
		for (const char *p = out.ptr; (p = strchr(p, '<')); p++)
			ck_assert_msg(!strncmp(p, "<span class=\"tok-", 17) ||
					      !strncmp(p, "</span>", 7),
				      "%s leaks markup: %s", langs[i], out.ptr);
		buf_release(&out);
	}
}
END_TEST

/* ---- slugs, links, diffs ---------------------------------------------------------- */

static const struct { const char *text, *slug; } slugs[] = {
	{ "What you'll learn", "what-youll-learn" },
	{ "Retry & Catch: the `States.ALL` error", "retry--catch-the-statesall-error" },
	{ "Café au lait", "café-au-lait" },
	{ "  Spaces  ", "--spaces--" },
};

START_TEST(slug_table)
{
	for (size_t i = 0; i < sizeof(slugs) / sizeof(*slugs); i++) {
		struct buf out = BUF_INIT;
		html_slug(slugs[i].text, &out);
		ck_assert_str_eq(out.ptr, slugs[i].slug);
		buf_release(&out);
	}
}
END_TEST

static const struct { const char *from, *to, *want; } rels[] = {
	{ "index.html", "101/a.html", "101/a.html" },
	{ "101/a.html", "101/b.html", "b.html" },
	{ "101/a.html", "index.html", "../index.html" },
	{ "101/saved-steps/x.yml.html", "102/b.html", "../../102/b.html" },
};

START_TEST(relative_table)
{
	for (size_t i = 0; i < sizeof(rels) / sizeof(*rels); i++) {
		struct buf out = BUF_INIT;
		html_relative(rels[i].from, rels[i].to, &out);
		ck_assert_str_eq(out.ptr, rels[i].want);
		buf_release(&out);
	}
}
END_TEST

/* The index: prose collapsed, code kept line by line (trimmed, blank
 * lines dropped), a rebuilt page's entries replaced where they were. */
START_TEST(search_index_entries)
{
	struct search_index *all = search_new(), *page = search_new();
	search_add(all, "a.html", "A", "A", "one\n  two\t three ", NULL);
	search_add(all, "b.html#x", "B", "x", "old", "  Type: Task\n\n    Next:   End\n");
	search_add(all, "b.html#y", "B", "y", "old", "");
	search_add(all, "bb.html", "BB", "BB", "kept", NULL);
	search_add(page, "b.html#z", "B", "z", "new", NULL);
	search_replace_page(all, "b.html", page);
	struct buf js = BUF_INIT;
	search_write_js(all, &js);
	ck_assert_str_eq(js.ptr, "window.STEPBOOK_SEARCH = [\n"
		"{\"u\":\"a.html\",\"p\":\"A\",\"s\":\"A\",\"t\":\"one two three\"},\n"
		"{\"u\":\"b.html#z\",\"p\":\"B\",\"s\":\"z\",\"t\":\"new\"},\n"
		"{\"u\":\"bb.html\",\"p\":\"BB\",\"s\":\"BB\",\"t\":\"kept\"}\n];\n");
	buf_reset(&js);
	search_free(page);
	page = search_new();
	search_add(page, "c.html", "C", "C", "<b>", "  Type: Task\n\n    Next:   End\n");
	search_replace_page(all, "c.html", page); /* a new page: at the end */
	search_write_js(all, &js);
	ck_assert_ptr_nonnull(strstr(js.ptr, "\"t\":\"kept\"},\n{\"u\":\"c.html\",\"p\":\"C\","
				   "\"s\":\"C\",\"t\":\"\\u003cb>\",\"c\":\"Type: Task\\nNext: End\"}\n];"));
	buf_release(&js);
	search_free(page);
	search_free(all);
}
END_TEST

START_TEST(stepdiff_marks_changes)
{
	const char *a = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\n";
	const char *b = "a: 1\nb: 2\nc: 3\nd: 4\ne: 50\nf: 6\ng: 7\nh: 8\ni: 9\n";
	struct buf out = BUF_INIT;
	struct stepdiff_stats st;
	stepdiff_html(a, strlen(a), b, strlen(b), NULL, &out, &st);
	ck_assert_uint_eq(st.added, 2);
	ck_assert_uint_eq(st.removed, 1);
	ck_assert_ptr_nonnull(strstr(out.ptr, "1 unchanged line\n"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "<del>e: 5</del>"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "<ins>e: 50</ins>"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "<ins>i: 9</ins>"));
	ck_assert_ptr_null(strstr(out.ptr, "a: 1"));
	buf_release(&out);
}
END_TEST

Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("tables");
	tcase_add_test(tc, tmpl_table);
	tcase_add_test(tc, tmpl_items_remembered);
	tcase_add_test(tc, tmpl_errors_located);
	tcase_add_test(tc, tmpl_depth_bounded);
	tcase_add_test(tc, tmpl_work_bounded);
	tcase_add_test(tc, highlight_table);
	tcase_add_test(tc, highlight_never_leaks_markup);
	tcase_add_test(tc, slug_table);
	tcase_add_test(tc, relative_table);
	tcase_add_test(tc, stepdiff_marks_changes);
	tcase_add_test(tc, search_index_entries);
	suite_add_tcase(s, tc);
	return s;
}
