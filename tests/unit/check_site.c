/* check_site.c - `stepbook build` end to end on the fixture course in
 * tests/cases/site/course: golden HTML for two chapter pages, byte-identical
 * rebuilds (with any number of diagram workers), a failed build leaving the old site alone, links out of the
 * course refused with their place, hostile titles and code escaped, config
 * errors located; and the reference course building without SUMMARY.md.
 * STEPBOOK_UPDATE_GOLDEN=1 rewrites the golden files. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "buf.h"
#include "fileio.h"
#include "helpers.h"
#include "site.h"
#include "banned.h"

#define FIXTURE "tests/cases/site/course"
#define GOLDEN "tests/cases/site/expected"

static char work[256];

static const char *scratch(const char *name)
{
	static char path[512];
	if (!work[0]) {
		snprintf(work, sizeof(work), "/tmp/stepbook-site-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(work));
	}
	snprintf(path, sizeof(path), "%s/%s", work, name);
	return path;
}

static int build_jobs(const char *course, const char *out, int jobs,
		      struct diag_list *l)
{
	struct site_options opt = { .course = course, .out = out, .templates = "templates",
				     .jobs = jobs };
	return site_build(&opt, l);
}

static int build(const char *course, const char *out, struct diag_list *l)
{
	return build_jobs(course, out, 0, l);
}

static char *read_all(const char *path)
{
	struct buf b = BUF_INIT;
	const char *why;
	if (fileio_read(path, &b, &why))
		return NULL;
	return buf_detach(&b, NULL);
}

/* Writes text at dir/rel, creating folders. */
static void put(const char *dir, const char *rel, const char *text)
{
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/%s", dir, rel);
	char *slash = strrchr(p.ptr, '/');
	*slash = '\0';
	ck_assert_int_eq(fileio_mkdirs(p.ptr), 0);
	*slash = '/';
	ck_assert_int_eq(fileio_write_atomic(p.ptr, text, strlen(text)), 0);
	buf_release(&p);
}

/* ---- listing a tree ------------------------------------------------------ */

static struct buf listing;
static size_t listing_root;

static int list_entry(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_F) {
		buf_adds(&listing, path + listing_root);
		buf_addc(&listing, '\n');
	}
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files under dir, sorted, one per line.  Returns owned. */
static char *tree(const char *dir)
{
	buf_init(&listing);
	listing_root = strlen(dir) + 1;
	nftw(dir, list_entry, 16, FTW_PHYS);
	char *lines[4096];
	size_t n = 0;
	for (char *p = listing.ptr; *p && n < 4096;) {
		lines[n++] = p;
		p = strchr(p, '\n');
		*p++ = '\0';
	}
	qsort(lines, n, sizeof(*lines), cmp_lines);
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&out, "%s\n", lines[i]);
	buf_release(&listing);
	return buf_detach(&out, NULL);
}

/* ---- tests ------------------------------------------------------------------ */

static void check_golden(const char *site, const char *page, const char *golden)
{
	struct buf got_path = BUF_INIT, want_path = BUF_INIT;
	buf_addf(&got_path, "%s/%s", site, page);
	buf_addf(&want_path, "%s/%s", GOLDEN, golden);
	char *got = read_all(got_path.ptr);
	ck_assert_ptr_nonnull(got);
	if (getenv("STEPBOOK_UPDATE_GOLDEN"))
		fileio_write_atomic(want_path.ptr, got, strlen(got));
	char *want = read_all(want_path.ptr);
	ck_assert_msg(want != NULL, "no golden file %s", want_path.ptr);
	ck_assert_msg(!strcmp(got, want), "%s differs from %s", got_path.ptr,
		      want_path.ptr);
	free(got);
	free(want);
	buf_release(&got_path);
	buf_release(&want_path);
}

START_TEST(golden_pages)
{
	struct diag_list l = DIAG_LIST_INIT;
	const char *out = scratch("golden");
	ck_assert_int_eq(build(FIXTURE, out, &l), 0);
	char *text = diags_text(&l);
	ck_assert_str_eq(text, "");
	free(text);
	check_golden(out, "part/01-first.html", "01-first.html");
	check_golden(out, "part/02-second.html", "02-second.html");
	check_golden(out, "part/saved-steps/02-second.yml.html", "02-second.yml.html");
	/* h3 headings in the TOC; a rule and the Default to one state said
	 * once in the figure's text; a step after steps of another format
	 * compared with none of them; the step pager */
	check_golden(out, "part/03-third.html", "03-third.html");
	check_golden(out, "part/saved-steps/03-third.asl.json.html", "03-third.asl.json.html");
	check_golden(out, "404.html", "404.html");
	check_golden(out, "sitemap.xml", "sitemap.xml");
	check_golden(out, "search-index.js", "search-index.js");
	char *files = tree(out);
	ck_assert_str_eq(files,
		"404.html\nfavicon.svg\nindex.html\npart/01-first.html\n"
		"part/02-second.html\npart/03-third.html\n"
		"part/index.html\npart/saved-steps/01-first.yml.html\n"
		"part/saved-steps/02-second.yml.html\n"
		"part/saved-steps/03-third.asl.json.html\nsearch-index.js\nsite.js\n"
		"sitemap.xml\nstyle.css\n");
	free(files);
	diag_list_release(&l);
}
END_TEST

static int same_trees(const char *a, const char *b)
{
	char *fa = tree(a), *fb = tree(b);
	int same = !strcmp(fa, fb);
	for (char *p = fa; same && *p;) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		struct buf pa = BUF_INIT, pb = BUF_INIT;
		buf_addf(&pa, "%s/%s", a, p);
		buf_addf(&pb, "%s/%s", b, p);
		char *ta = read_all(pa.ptr), *tb = read_all(pb.ptr);
		same = ta && tb && !strcmp(ta, tb);
		free(ta);
		free(tb);
		buf_release(&pa);
		buf_release(&pb);
		p = nl + 1;
	}
	free(fa);
	free(fb);
	return same;
}

/* Without site_url no sitemap.xml (its locations must be absolute); the
 * 404 page has no pager; hide_unchecked drops the "not checked" marks. */
START_TEST(sitemap_pager_and_marks_switches)
{
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("switches-course"));
	put(course, "stepbook.yml", "title: Switches\nhide_unchecked: true\n");
	put(course, "README.md", "# One\n\n```json skip\n{\"a\": 1}\n```\n\n"
				 "```json\n{\"b\": 2}\n```\n");
	put(course, "two.md", "# Two\n\nText.\n");
	put(course, "SUMMARY.md", "- [One](README.md)\n- [Two](two.md)\n");
	struct diag_list l = DIAG_LIST_INIT;
	const char *out = scratch("switches-site");
	ck_assert_int_eq(build(course, out, &l), 0);
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/sitemap.xml", out);
	ck_assert_int_ne(access(p.ptr, F_OK), 0);
	buf_reset(&p);
	buf_addf(&p, "%s/404.html", out);
	char *html = read_all(p.ptr);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_null(strstr(html, "class=\"pager\""));
	ck_assert_ptr_null(strstr(html, "rel=\"next\""));
	free(html);
	buf_reset(&p);
	buf_addf(&p, "%s/index.html", out);
	html = read_all(p.ptr);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_null(strstr(html, "data-check=\"skipped\""));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"passed\""));
	ck_assert_ptr_nonnull(strstr(html, "rel=\"next\" href=\"two.html\""));
	ck_assert_ptr_null(strstr(html, "rel=\"canonical\""));
	free(html);
	buf_release(&p);
	diag_list_release(&l);
}
END_TEST

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Two steps with the same definition share one layout: the second figure
 * is the first's with its own ids, text alternative and caption. */
START_TEST(identical_machines_drawn_once)
{
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("same-course"));
	static const char machine[] =
		"stepFunctions:\n  stateMachines:\n    %s:\n      definition:\n"
		"        StartAt: Pick\n        States:\n"
		"          Pick: {Type: Choice, Choices: [{Variable: $.n, NumericEquals: 1, Next: Done}], Default: Done}\n"
		"          Done: {Type: Task, Resource: arn:aws:states:::sns:publish, End: true,\n"
		"                 Catch: [{ErrorEquals: [States.ALL], Next: Done}]}\n";
	char text[1024];
	snprintf(text, sizeof(text), machine, "First");
	put(course, "saved-steps/a.yml", text);
	snprintf(text, sizeof(text), machine, "Second");
	put(course, "saved-steps/b.yml", text);
	put(course, "README.md", "# Same\n\n![a](saved-steps/a.yml)\n\n![b](saved-steps/b.yml)\n");
	for (int jobs = 1; jobs <= 2; jobs++) {
		struct diag_list l = DIAG_LIST_INIT;
		const char *out = scratch(jobs == 1 ? "same-site-1" : "same-site-2");
		ck_assert_int_eq(build_jobs(course, out, jobs, &l), 0);
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s/index.html", out);
		char *html = read_all(p.ptr);
		ck_assert_ptr_nonnull(html);
		ck_assert_uint_gt(count(html, "\"s0-m0-"), 5);
		ck_assert_uint_eq(count(html, "\"s0-m0-"), count(html, "\"s1-m0-"));
		ck_assert_uint_eq(count(html, "\"#s0-m0-"), count(html, "\"#s1-m0-"));
		ck_assert_ptr_nonnull(strstr(html, "aria-label=\"State machine Second, 2 states."));
		ck_assert_ptr_nonnull(strstr(html, "<figcaption>Second \xe2\x80\x94 2 states"));
		ck_assert_ptr_nonnull(strstr(html, "<figcaption>First \xe2\x80\x94 2 states"));
		free(html);
		buf_release(&p);
		diag_list_release(&l);
	}
}
END_TEST

START_TEST(two_builds_identical)
{
	struct diag_list l = DIAG_LIST_INIT;
	char a[512], b[512];
	snprintf(a, sizeof(a), "%s", scratch("same-a"));
	snprintf(b, sizeof(b), "%s", scratch("same-b"));
	ck_assert_int_eq(build(FIXTURE, a, &l), 0);
	ck_assert_int_eq(build(FIXTURE, b, &l), 0);
	ck_assert(same_trees(a, b));
	/* building over an existing site gives the same bytes again */
	ck_assert_int_eq(build(FIXTURE, a, &l), 0);
	ck_assert(same_trees(a, b));
	diag_list_release(&l);
}
END_TEST

static ino_t inode(const char *dir, const char *rel)
{
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/%s", dir, rel);
	struct stat st;
	ck_assert_int_eq(stat(p.ptr, &st), 0);
	buf_release(&p);
	return st.st_ino;
}

/* A rebuild links the files the previous site holds with the same bytes
 * (same inode, same time) and writes the others anew: here a page whose
 * course file changed and one somebody edited in the site. */
START_TEST(rebuild_keeps_unchanged_files)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512], out[512];
	snprintf(course, sizeof(course), "%s", scratch("keep-course"));
	snprintf(out, sizeof(out), "%s", scratch("keep-site"));
	put(course, "SUMMARY.md", "- [Home](README.md)\n- [One](one.md)\n- [Two](two.md)\n");
	put(course, "README.md", "# Home\n");
	put(course, "one.md", "# One\n\nFirst text.\n");
	put(course, "two.md", "# Two\n\nSecond text.\n");
	ck_assert_int_eq(build(course, out, &l), 0);
	ino_t one = inode(out, "one.html"), two = inode(out, "two.html");
	put(out, "index.html", "edited by hand\n"); /* a new inode */
	ino_t home = inode(out, "index.html");
	put(course, "one.md", "# One\n\nFirst text, changed.\n");
	ck_assert_int_eq(build(course, out, &l), 0);
	ck_assert_uint_eq(l.errors, 0);
	ck_assert(inode(out, "two.html") == two);
	ck_assert(inode(out, "one.html") != one);
	ck_assert(inode(out, "index.html") != home);
	char *page = read_all(scratch("keep-site/one.html"));
	ck_assert_ptr_nonnull(strstr(page, "First text, changed."));
	free(page);
	page = read_all(scratch("keep-site/index.html"));
	ck_assert_ptr_null(strstr(page, "edited by hand"));
	free(page);
	diag_list_release(&l);
}
END_TEST

/* Whether every id="..." of the text is different from the others. */
static int ids_unique(const char *html, size_t *count)
{
	char *seen[512];
	size_t n = 0;
	int unique = 1;
	for (const char *p = strstr(html, " id=\""); p && n < 512;
	     p = strstr(p, " id=\"")) {
		p += 5;
		size_t len = strcspn(p, "\"");
		for (size_t k = 0; k < n; k++)
			if (strlen(seen[k]) == len && !strncmp(seen[k], p, len))
				unique = 0;
		seen[n++] = strndup(p, len);
	}
	for (size_t k = 0; k < n; k++)
		free(seen[k]);
	*count = n;
	return unique;
}

/* A page showing the same machine twice still has unique ids: the second
 * figure's are renamed, the step page's are the first figure's. */
START_TEST(same_figure_twice_unique_ids)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512], out[512];
	snprintf(course, sizeof(course), "%s", scratch("twice-course"));
	snprintf(out, sizeof(out), "%s", scratch("twice-site"));
	put(course, "SUMMARY.md", "- [Home](README.md)\n");
	put(course, "README.md", "# Home\n\n![first](m.asl.json)\n\n"
				 "Again:\n\n![second](m.asl.json)\n");
	put(course, "m.asl.json", "{\"StartAt\": \"A\", \"States\": "
				  "{\"A\": {\"Type\": \"Pass\", \"End\": true}}}\n");
	ck_assert_int_eq(build(course, out, &l), 0);
	char *home = read_all(scratch("twice-site/index.html"));
	size_t n;
	ck_assert_msg(ids_unique(home, &n), "an id repeats in index.html");
	ck_assert_uint_gt(n, 6);
	ck_assert_ptr_nonnull(strstr(home, "id=\"s0-m0-state-A\""));
	ck_assert_ptr_nonnull(strstr(home, "id=\"s0-m0-r1-state-A\""));
	free(home);
	char *step = read_all(scratch("twice-site/m.asl.json.html"));
	ck_assert_ptr_nonnull(strstr(step, "id=\"s0-m0-state-A\""));
	ck_assert_ptr_null(strstr(step, "-r1-"));
	free(step);
	diag_list_release(&l);
}
END_TEST

/* Who draws a figure (the parent or a worker, how many workers) does not
 * show in the bytes; the reference course has enough figures for every
 * worker to draw some. */
START_TEST(workers_do_not_show)
{
	const char *shared = shared_dir();
	const char *course = shared ? shared : FIXTURE;
	struct diag_list l = DIAG_LIST_INIT;
	char a[512], b[512], c[512];
	snprintf(a, sizeof(a), "%s", scratch("jobs-1"));
	snprintf(b, sizeof(b), "%s", scratch("jobs-2"));
	snprintf(c, sizeof(c), "%s", scratch("jobs-5"));
	ck_assert_int_eq(build_jobs(course, a, 1, &l), 0);
	ck_assert_int_eq(build_jobs(course, b, 2, &l), 0);
	ck_assert_int_eq(build_jobs(course, c, 5, &l), 0);
	ck_assert_uint_eq(l.errors, 0);
	ck_assert(same_trees(a, b));
	ck_assert(same_trees(a, c));
	/* the fixture's example paths and check marks come from a forked
	 * check with workers, from the build's own process with -j 1 */
	snprintf(a, sizeof(a), "%s", scratch("fixture-jobs-1"));
	snprintf(b, sizeof(b), "%s", scratch("fixture-jobs-3"));
	ck_assert_int_eq(build_jobs(FIXTURE, a, 1, &l), 0);
	ck_assert_int_eq(build_jobs(FIXTURE, b, 3, &l), 0);
	ck_assert(same_trees(a, b));
	char *page = read_all(scratch("fixture-jobs-1/part/01-first.html"));
	ck_assert_ptr_nonnull(strstr(page, "run-succeeded"));
	ck_assert_ptr_nonnull(strstr(page, "data-check=\"passed\""));
	free(page);
	diag_list_release(&l);
}
END_TEST

/* An image asking for the path of an example the page does not run is a
 * located error, and the build fails. */
START_TEST(example_path_needs_its_run)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("norun-course"));
	put(course, "SUMMARY.md", "- [Home](README.md)\n");
	put(course, "README.md", "# Home\n\n"
				 "![path](m.asl.json \"input=missing\")\n");
	put(course, "m.asl.json", "{\"StartAt\": \"A\", \"States\": "
				  "{\"A\": {\"Type\": \"Pass\", \"End\": true}}}\n");
	ck_assert_int_eq(build(course, scratch("norun-site"), &l), -1);
	char *text = diags_text(&l);
	struct buf want = BUF_INIT;
	buf_addf(&want, "%s/README.md:3:1: error: no example input=missing ran on "
			"this page (a block marked input=missing, run by stepbook "
			"check) [site/no-run]\n", course);
	ck_assert_str_eq(text, want.ptr);
	free(text);
	buf_release(&want);
	diag_list_release(&l);
}
END_TEST

/* The HTML of page rel of a site built from course (the build passes). */
static char *built_page(const char *course, const char *site, const char *rel)
{
	struct diag_list l = DIAG_LIST_INIT;
	ck_assert_int_eq(build(course, site, &l), 0);
	diag_list_release(&l);
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/%s", site, rel);
	char *html = read_all(p.ptr);
	ck_assert_ptr_nonnull(html);
	buf_release(&p);
	return html;
}

#define ONE_STATE "\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}"

/* A block holding a whole definition gets its diagram whatever its label
 * (json, yaml, java around JSON, text around YAML naming StartAt), named
 * as check deploys it; fragments, blocks marked fail or skip, inputs,
 * shell and definitions that do not validate get none. */
START_TEST(blocks_by_content_drawn)
{
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("blocks"));
	put(course, "SUMMARY.md", "- [Home](README.md)\n");
	put(course, "README.md",
	    "# Home\n\n"
	    "```json\n{" ONE_STATE "}\n```\n\n"                       /* 3 */
	    "```java\n{" ONE_STATE "}\n```\n\n"                       /* 7 */
	    "```yaml\nStartAt: B\nStates:\n  B:\n    Type: Succeed\n```\n\n" /* 11 */
	    "```text\nStartAt: C\nStates:\n  C:\n    Type: Succeed\n```\n\n" /* 18 */
	    "```json fail\n{" ONE_STATE "}\n```\n\n"
	    "```json skip\n{" ONE_STATE "}\n```\n\n"
	    "```json fragment\n{\"A\": {\"Type\": \"Pass\", \"End\": true}}\n```\n\n"
	    "```json\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", "
	    "\"Next\": \"Nowhere\"}}}\n```\n\n"
	    "```bash\n{" ONE_STATE "}\n```\n\n"
	    "```python\nStates = {}\n```\n");
	char *html = built_page(course, scratch("blocks-site"), "index.html");
	ck_assert_uint_eq(count(html, "<figure class=\"diagram\">"), 4);
	ck_assert_ptr_nonnull(strstr(html, "aria-label=\"State machine definition-3, 1 state."));
	ck_assert_ptr_nonnull(strstr(html, "aria-label=\"State machine definition-7, 1 state."));
	ck_assert_ptr_nonnull(strstr(html, "aria-label=\"State machine definition-11, 1 state."));
	ck_assert_ptr_nonnull(strstr(html, "aria-label=\"State machine definition-18, 1 state."));
	size_t ids;
	ck_assert(ids_unique(html, &ids));
	free(html);
}
END_TEST

/* An example marked dataflow gets a panel per state visited: at most
 * SITE_PANEL_MAX_VISITS (100) of them, the rest counted; a value over
 * SITE_PANEL_MAX_VALUE (4 KiB) cut at a line with what is left out;
 * state names and values escaped.  One without the mark gets none. */
START_TEST(panels_bounded_and_escaped)
{
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("panels"));
	struct buf page = BUF_INIT;
	buf_adds(&page, "# Home\n\n```json\n{\"StartAt\": \"Start\", \"States\": {\"Start\": "
		 "{\"Type\": \"Pass\", \"Next\": \"Each\"}, \"Each\": "
		 "{\"Type\": \"Map\", \"ItemsPath\": \"$.items\", \"ItemProcessor\": "
		 "{\"StartAt\": \"Item <i>x</i>\", \"States\": {\"Item <i>x</i>\": "
		 "{\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}}}\n```\n\n"
		 "```json input=many dataflow\n{\"items\": [");
	for (int i = 0; i < 150; i++) /* 40 characters each, the last "</b>" */
		buf_addf(&page, "%s\"%036d</b>\"", i ? ", " : "", i);
	buf_adds(&page, "]}\n```\n\n```json input=plain\n{\"items\": []}\n```\n");
	put(course, "SUMMARY.md", "- [Home](README.md)\n");
	put(course, "README.md", page.ptr);
	char *html = built_page(course, scratch("panels-site"), "index.html");
	/* Start, the 150 iterations, then Each (a Map ends after them): 152 */
	ck_assert_uint_eq(count(html, "<details class=\"df-state\""), 100);
	ck_assert_ptr_nonnull(strstr(html, "<p class=\"df-more\">52 more state visits not shown.</p>"));
	ck_assert_uint_eq(count(html, "<section class=\"dataflow-panels\""), 1);
	/* Start's input: 15 bytes of head, 48 per item (47 the last), 5 of
	 * tail: 7219, cut at the newline at 4094 */
	ck_assert_ptr_nonnull(strstr(html, "\n<span class=\"df-cut\">\xe2\x80\xa6 (3125 more bytes not shown)</span></code>"));
	ck_assert_ptr_nonnull(strstr(html, "<span class=\"df-name\">Item &lt;i&gt;x&lt;/i&gt;</span>"));
	ck_assert_ptr_null(strstr(html, "<i>x"));
	ck_assert_ptr_null(strstr(html, "0</b>"));
	free(html);
	buf_release(&page);
}
END_TEST

START_TEST(failed_build_keeps_site)
{
	struct diag_list l = DIAG_LIST_INIT;
	char out[512], bad[512];
	snprintf(out, sizeof(out), "%s", scratch("kept"));
	snprintf(bad, sizeof(bad), "%s", scratch("bad-course"));
	ck_assert_int_eq(build(FIXTURE, out, &l), 0);
	char *before = tree(out);
	put(out, "marker.txt", "still here\n");
	put(bad, "SUMMARY.md", "- [Home](README.md)\n");
	put(bad, "README.md", "# Home\n\nSee [the secret](../../etc/passwd).\n");
	ck_assert_int_eq(build(bad, out, &l), -1);
	/* and as the command builds: its memory left to exit, not its files */
	struct site_options exiting = { .course = bad, .out = out,
					.templates = "templates", .exiting = 1 };
	ck_assert_int_eq(site_build(&exiting, &l), -1);
	char *marker = read_all(scratch("kept/marker.txt"));
	ck_assert_ptr_nonnull(marker);
	ck_assert_str_eq(marker, "still here\n");
	char *after = tree(out);
	struct buf want = BUF_INIT;
	buf_addf(&want, "%s", before);
	ck_assert_ptr_nonnull(strstr(after, "marker.txt"));
	ck_assert_ptr_nonnull(strstr(after, "part/01-first.html"));
	/* no temporary folder left beside the site */
	DIR *d = opendir(work);
	struct dirent *e;
	while ((e = readdir(d)))
		ck_assert_msg(!strstr(e->d_name, "kept.tmp") && !strstr(e->d_name, "kept.old"),
			      "left behind: %s", e->d_name);
	closedir(d);
	free(marker);
	free(before);
	free(after);
	buf_release(&want);
	diag_list_release(&l);
}
END_TEST

START_TEST(outside_link_refused)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("outside"));
	put(course, "SUMMARY.md", "- [Home](README.md)\n");
	put(course, "README.md", "# Home\n\nText\nand [a file](../secret.txt) and ![x](/etc/passwd).\n");
	put(scratch(""), "secret.txt", "secret\n");
	ck_assert_int_eq(build(course, scratch("outside-site"), &l), -1);
	char *text = diags_text(&l);
	struct buf want = BUF_INIT;
	buf_addf(&want,
		 "%s/README.md:4:5: error: link leaves the course folder '../secret.txt' [site/outside-course]\n"
		 "%s/README.md:4:33: error: link leaves the course folder '/etc/passwd' [site/outside-course]\n",
		 course, course);
	ck_assert_str_eq(text, want.ptr);
	struct stat st;
	ck_assert_int_ne(stat(scratch("outside-site"), &st), 0);
	free(text);
	buf_release(&want);
	diag_list_release(&l);
}
END_TEST

/* A link inside the course to a symbolic link that points out of it is
 * refused like ../secret.txt (the course's own path resolved once). */
START_TEST(outside_symlink_refused)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512], link[600];
	snprintf(course, sizeof(course), "%s", scratch("outside-link"));
	put(course, "SUMMARY.md", "- [Home](README.md)\n");
	put(course, "README.md", "# Home\n\nSee [it](notes.txt).\n");
	put(scratch(""), "secret.txt", "secret\n");
	snprintf(link, sizeof(link), "%s/notes.txt", course);
	unlink(link);
	ck_assert_int_eq(symlink("../secret.txt", link), 0);
	ck_assert_int_eq(build(course, scratch("outside-link-site"), &l), -1);
	char *text = diags_text(&l);
	struct buf want = BUF_INIT;
	buf_addf(&want, "%s/README.md:3:5: error: link leaves the course folder "
			"'notes.txt' [site/outside-course]\n", course);
	ck_assert_str_eq(text, want.ptr);
	free(text);
	buf_release(&want);
	diag_list_release(&l);
}
END_TEST

START_TEST(hostile_text_escaped)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512], out[512];
	snprintf(course, sizeof(course), "%s", scratch("hostile"));
	snprintf(out, sizeof(out), "%s", scratch("hostile-site"));
	put(course, "stepbook.yml", "title: \"</title><script>alert(1)</script>\"\n"
				    "description: \"\\\"><script>alert(2)</script>\"\n");
	put(course, "SUMMARY.md", "- [<img src=x onerror=alert(3)>](README.md)\n");
	put(course, "README.md",
	    "# A <script>alert(4)</script> title\n\n"
	    "<img src=x onerror=alert(5)>\n\n"
	    "```yaml\nkey: \"</code></pre><script>alert(6)</script>\"\n```\n\n"
	    "```\nplain </pre><script>alert(7)</script>\n```\n");
	ck_assert_int_eq(build(course, out, &l), 0);
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/index.html", out);
	char *html = read_all(p.ptr);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_null(strstr(html, "<script>alert"));
	ck_assert_ptr_null(strstr(html, "<img src=x"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(4)"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;img src=x onerror=alert(5)&gt;"));
	free(html);
	buf_reset(&p);
	buf_addf(&p, "%s/search-index.js", out);
	char *js = read_all(p.ptr);
	ck_assert_ptr_null(strstr(js, "</script>"));
	free(js);
	buf_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(config_errors_located)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("config"));
	put(course, "stepbook.yml", "title: Course\ncolour: blue\nauthors: 3\n");
	put(course, "README.md", "# Home\n");
	ck_assert_int_eq(build(course, scratch("config-site"), &l), -1);
	char *text = diags_text(&l);
	struct buf want = BUF_INIT;
	buf_addf(&want,
		 "%s/stepbook.yml:2:1: error: unknown setting 'colour' [course/unknown-key]\n"
		 "%s/stepbook.yml:3:10: error: 'authors' must be a list of strings [course/bad-value]\n",
		 course, course);
	ck_assert_str_eq(text, want.ptr);
	free(text);
	buf_release(&want);
	diag_list_release(&l);
}
END_TEST

/* s3_dir names a folder of the course, never one outside it. */
START_TEST(config_s3_dir_stays_inside)
{
	struct diag_list l = DIAG_LIST_INIT;
	char course[512];
	snprintf(course, sizeof(course), "%s", scratch("config-s3"));
	put(course, "stepbook.yml", "title: Course\ns3_dir: ../buckets\n");
	put(course, "README.md", "# Home\n");
	ck_assert_int_eq(build(course, scratch("config-s3-site"), &l), -1);
	char *text = diags_text(&l);
	struct buf want = BUF_INIT;
	buf_addf(&want,
		 "%s/stepbook.yml:2:9: error: 's3_dir' must be a folder inside "
		 "the course, not '../buckets' [course/bad-value]\n", course);
	ck_assert_str_eq(text, want.ptr);
	free(text);
	buf_release(&want);
	diag_list_release(&l);
}
END_TEST

START_TEST(reference_course_without_summary)
{
	const char *shared = shared_dir();
	if (!shared)
		return;
	struct diag_list l = DIAG_LIST_INIT;
	char out[512];
	snprintf(out, sizeof(out), "%s", scratch("upstream"));
	ck_assert_int_eq(build(shared, out, &l), 0);
	ck_assert_uint_eq(l.errors, 0);
	char *files = tree(out);
	ck_assert_ptr_nonnull(strstr(files, "index.html\n"));
	ck_assert_ptr_nonnull(strstr(files, "101/index.html\n"));
	ck_assert_ptr_nonnull(strstr(files, "102/index.html\n"));
	ck_assert_ptr_nonnull(strstr(files, "101/saved-steps/serverless-06-101-choice-machine.yml.html\n"));
	free(files);
	diag_list_release(&l);
}
END_TEST

Suite *site_suite(void)
{
	Suite *s = suite_create("site");
	TCase *tc = tcase_create("build");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, golden_pages);
	tcase_add_test(tc, two_builds_identical);
	tcase_add_test(tc, sitemap_pager_and_marks_switches);
	tcase_add_test(tc, identical_machines_drawn_once);
	tcase_add_test(tc, rebuild_keeps_unchanged_files);
	tcase_add_test(tc, same_figure_twice_unique_ids);
	tcase_add_test(tc, example_path_needs_its_run);
	tcase_add_test(tc, blocks_by_content_drawn);
	tcase_add_test(tc, panels_bounded_and_escaped);
	tcase_add_test(tc, workers_do_not_show);
	tcase_add_test(tc, failed_build_keeps_site);
	tcase_add_test(tc, outside_link_refused);
	tcase_add_test(tc, outside_symlink_refused);
	tcase_add_test(tc, hostile_text_escaped);
	tcase_add_test(tc, config_errors_located);
	tcase_add_test(tc, config_s3_dir_stays_inside);
	tcase_add_test(tc, reference_course_without_summary);
	suite_add_tcase(s, tc);
	return s;
}
