/* check_snippet.c - fenced blocks, info strings, links and headings of a
 * page, with the positions and byte ranges --update relies on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "helpers.h"
#include "snippet.h"
#include "banned.h"

static void parse(struct snippet_page *p, const char *text,
		  struct diag_list *l)
{
	snippet_page_parse(p, "page.md", text, strlen(text), l);
}

START_TEST(fences_and_info)
{
	const char *text =
		"# Title\n\n"
		"```json output\n{\"a\": 1}\n```\n\n"
		"~~~~yaml fragment,step=saved-steps/01.yml differs\na: 1\n~~~~\n\n"
		"````bash\nexport GOPATH=~/go\n````\n\n"
		"```\nplain\n```\n";
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	parse(&p, text, &l);
	ck_assert_uint_eq(p.nr, 4);
	ck_assert_str_eq(p.snippets[0].lang, "json");
	ck_assert_uint_eq(p.snippets[0].flags, SNIPPET_OUTPUT);
	ck_assert_str_eq(p.snippets[0].text, "{\"a\": 1}\n");
	ck_assert_uint_eq(p.snippets[0].pos.line, 4);
	ck_assert_uint_eq(p.snippets[0].fence.line, 3);
	ck_assert_uint_eq(p.snippets[0].start, 24);
	ck_assert_uint_eq(p.snippets[0].end, 33);
	ck_assert_str_eq(p.snippets[1].lang, "yaml");
	ck_assert_uint_eq(p.snippets[1].flags, SNIPPET_FRAGMENT | SNIPPET_DIFFERS);
	ck_assert_str_eq(p.snippets[1].step, "saved-steps/01.yml");
	ck_assert_str_eq(p.snippets[2].lang, "bash");
	ck_assert_str_eq(p.snippets[2].text, "export GOPATH=~/go\n");
	ck_assert_str_eq(p.snippets[3].lang, "");
	ck_assert_uint_eq(l.nr, 0);
	snippet_page_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(unknown_annotation_warns)
{
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	parse(&p, "text\n\n```json outptu input=order\n{}\n```\n", &l);
	ck_assert_str_eq(p.snippets[0].input, "order");
	char *got = diags_text(&l);
	ck_assert_str_eq(got, "page.md:3:1: warning: unknown annotation 'outptu' in the "
			      "info string (known: skip, fragment, output, fail, "
			      "notification, differs, dataflow, input=, expect=, step=) [check/info-string]\n");
	free(got);
	snippet_page_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(indented_and_quoted_blocks)
{
	const char *text = " - item\n\n   ```json\n   {\"a\":\n     1}\n   ```\n\n"
			   "> ```js\n> x\n> ```\n\n"
			   "```bash\n sudo apt install nodejs\n ```\n";
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	parse(&p, text, &l);
	ck_assert_uint_eq(p.nr, 3);
	const struct snippet *s = &p.snippets[0];
	ck_assert_str_eq(s->text, "{\"a\":\n  1}\n");
	ck_assert_str_eq(s->prefix, "   ");
	struct pos at = snippet_pos(s, 2, 3);
	ck_assert_uint_eq(at.line, 5);
	ck_assert_uint_eq(at.col, 6);
	ck_assert_str_eq(p.snippets[1].prefix, "> ");
	ck_assert_str_eq(p.snippets[1].text, "x\n");
	ck_assert_str_eq(p.snippets[2].text, " sudo apt install nodejs\n");
	ck_assert_str_eq(p.snippets[2].prefix, "");
	snippet_page_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(unclosed_fence_runs_to_the_end)
{
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	parse(&p, "```json\n{}\n", &l);
	ck_assert_uint_eq(p.nr, 1);
	ck_assert_uint_eq(p.snippets[0].start, 8);
	ck_assert_uint_eq(p.snippets[0].end, 11);
	snippet_page_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(links_and_slugs)
{
	const char *text = "# Hello, `World`!\n\n## Hello World\n\n## Hello World\n\n"
			   "See [a](other.md#x) and ![d](saved-steps/01.yml#M) <https://x.org>\n";
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	parse(&p, text, &l);
	ck_assert_uint_eq(p.nr_headings, 3);
	ck_assert_str_eq(p.headings[0].slug, "hello-world");
	ck_assert_str_eq(p.headings[1].slug, "hello-world-1");
	ck_assert_str_eq(p.headings[2].slug, "hello-world-2");
	ck_assert_uint_eq(p.nr_links, 3);
	ck_assert_str_eq(p.links[0].url, "other.md#x");
	ck_assert_uint_eq(p.links[0].pos.line, 7);
	ck_assert_uint_eq(p.links[0].pos.col, 5);
	ck_assert_int_eq(p.links[1].image, 1);
	ck_assert_str_eq(p.links[2].url, "https://x.org");
	snippet_page_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(upstream_pages)
{
	const char *dir = shared_dir();
	if (!dir)
		return;
	char path[1024];
	snprintf(path, sizeof(path), "%s/102/README.md", dir);
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	ck_assert_int_eq(snippet_page_load(&p, path, &l), 0);
	ck_assert_uint_eq(p.nr, 59);
	ck_assert_uint_eq(l.nr, 0);
	snippet_page_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(item_limit)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < SNIPPET_MAX_ITEMS + 5; i++)
		buf_adds(&b, "```\nx\n```\n");
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	snippet_page_parse(&p, "big.md", b.ptr, b.len, &l);
	ck_assert_uint_eq(p.nr, SNIPPET_MAX_ITEMS);
	snippet_page_release(&p);
	diag_list_release(&l);
	buf_release(&b);
}
END_TEST

Suite *snippet_suite(void)
{
	Suite *s = suite_create("snippet");
	TCase *t = tcase_create("page");
	tcase_add_test(t, fences_and_info);
	tcase_add_test(t, unknown_annotation_warns);
	tcase_add_test(t, indented_and_quoted_blocks);
	tcase_add_test(t, unclosed_fence_runs_to_the_end);
	tcase_add_test(t, links_and_slugs);
	tcase_add_test(t, upstream_pages);
	tcase_add_test(t, item_limit);
	suite_add_tcase(s, t);
	return s;
}
