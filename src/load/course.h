/* course.h - a course folder: its config (stepbook.yml), its pages in
 * reading order (SUMMARY.md, mdBook's nested list of links; without one, the
 * README.md files in folder order) and the rule that every file it names
 * stays inside the folder.
 * Not here: turning pages into HTML (html.h, site.h), state machines
 * (loader.h). */
#ifndef STEPBOOK_COURSE_H
#define STEPBOOK_COURSE_H

#include <stddef.h>

#include <cJSON.h>

#include "diag.h"
#include "doc.h"
#include "fileio.h"

/* Pages in one course: a book, not a wiki; bounds what SUMMARY.md or a
 * folder tree can make us build. */
#define COURSE_MAX_PAGES 5000
/* Folder levels walked when there is no SUMMARY.md. */
#define COURSE_MAX_DEPTH 8

struct course_page {
	char *title;   /* owned: the SUMMARY link text, or the first heading */
	char *src;     /* owned: path relative to the course, "101/01-wait.md" */
	char *out;     /* owned: page of the site, "101/01-wait.html" */
	int depth;     /* 0 top level, +1 per nested list */
	struct pos pos; /* where SUMMARY.md lists it (file borrowed from c) */
};

struct course {
	char *root;          /* owned: the folder, without a trailing slash */
	char *real_root;     /* owned: root with symbolic links resolved (once:
				course_resolve asks for every link), or NULL */
	struct fileio_realdirs *real_dirs; /* owned: the folders links met */
	struct doc *config;  /* owned; NULL when there is no stepbook.yml */
	char *summary_path;  /* owned: positions in SUMMARY.md point here */
	/* from stepbook.yml; strings borrow from config, defaults static */
	const char *title, *description, *repository, *edit_url, *site_url;
	const char *stage, *region, *account;
	const char **authors; /* owned array of borrowed strings */
	size_t nr_authors;
	const cJSON *api_keys; /* object name -> value, or NULL */
	const cJSON *mocks;    /* the raw mocks object for the interpreter */
	const char *s3_dir;    /* as written: the folder standing for S3 */
	char *s3_path;         /* owned: root/s3_dir, checked to stay inside
				  the course; NULL without s3_dir */
	int allow_html;        /* raw HTML in pages is kept (opt-in) */
	int hide_unchecked;    /* code blocks check skipped show no mark */
	struct course_page *pages; /* reading order */
	size_t nr_pages, alloc_pages;
};

/* Loads 'root'.  Returns 0, or -1 with located errors in diags (unknown or
 * mistyped config keys, SUMMARY links that leave the course or name no
 * file).  Release with course_release whatever it returned. */
int course_load(struct course *c, const char *root, struct diag_list *diags);
void course_release(struct course *c);

/* Resolves 'link' (a relative URL path without query or fragment) written
 * in the course file 'from' (relative to the root) into a path relative to
 * the root, in *out (owned, free with free()).  Returns 0 when it is inside
 * the course and exists, 1 when it is inside but missing, -1 when it leaves
 * the course (absolute, '..' past the root, or a symlink pointing out). */
int course_resolve(const struct course *c, const char *from, const char *link,
		   char **out);

/* The page whose source is 'src', or -1. */
long course_find_page(const struct course *c, const char *src);

/* The site page for a course markdown path: "a/README.md" -> "a/index.html",
 * "a/b.md" -> "a/b.html".  Returns owned. */
char *course_page_out(const char *src);

#endif
