/* course.c - stepbook.yml, SUMMARY.md and the course folder's boundary. */
#include "course.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fileio.h"
#include "markdown.h"
#include "xalloc.h"
#include "banned.h"

/* ---- stepbook.yml ------------------------------------------------------ */

enum key_type { KEY_STRING, KEY_STRINGS, KEY_OBJECT, KEY_BOOL };

struct config_key {
	const char *name;
	enum key_type type;
	size_t offset; /* into struct course */
};

#define KEY(name, type, field) { name, type, offsetof(struct course, field) }
static const struct config_key config_keys[] = {
	KEY("title", KEY_STRING, title),
	KEY("description", KEY_STRING, description),
	KEY("authors", KEY_STRINGS, authors),
	KEY("repository", KEY_STRING, repository),
	KEY("edit_url", KEY_STRING, edit_url),
	KEY("site_url", KEY_STRING, site_url),
	KEY("stage", KEY_STRING, stage),
	KEY("region", KEY_STRING, region),
	KEY("account", KEY_STRING, account),
	KEY("api_keys", KEY_OBJECT, api_keys),
	KEY("mocks", KEY_OBJECT, mocks),
	KEY("s3_dir", KEY_STRING, s3_dir),
	KEY("allow_html", KEY_BOOL, allow_html),
	KEY("hide_unchecked", KEY_BOOL, hide_unchecked),
};

static const char *const type_names[] = {
	"a string", "a list of strings", "a mapping", "true or false",
};

static int set_strings(struct course *c, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		c->authors = xcalloc(1, sizeof(*c->authors));
		c->authors[c->nr_authors++] = v->valuestring;
		return 0;
	}
	if (!cJSON_IsArray(v))
		return -1;
	int n = cJSON_GetArraySize(v);
	c->authors = xcalloc((size_t)n + 1, sizeof(*c->authors));
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			return -1;
		c->authors[c->nr_authors++] = e->valuestring;
	}
	return 0;
}

static int set_key(struct course *c, const struct config_key *k, const cJSON *v)
{
	char *field = (char *)c + k->offset;
	switch (k->type) {
	case KEY_STRING:
		if (!cJSON_IsString(v))
			return -1;
		*(const char **)(void *)field = v->valuestring;
		return 0;
	case KEY_STRINGS:
		return set_strings(c, v);
	case KEY_OBJECT:
		if (!cJSON_IsObject(v))
			return -1;
		*(const cJSON **)(void *)field = v;
		return 0;
	case KEY_BOOL:
		if (!cJSON_IsBool(v))
			return -1;
		*(int *)(void *)field = cJSON_IsTrue(v);
		return 0;
	}
	return -1;
}

static const struct config_key *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(*config_keys); i++)
		if (!strcmp(config_keys[i].name, name))
			return &config_keys[i];
	return NULL;
}

static int read_config(struct course *c, struct diag_list *diags)
{
	const cJSON *root = c->config->root;
	if (!cJSON_IsObject(root))
		return diag_error(diags, doc_pos(c->config, root), "course/config",
				  "stepbook.yml must be a mapping of settings");
	int status = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, root) {
		const struct config_key *k = find_key(v->string);
		if (!k)
			status = diag_error(diags, doc_key_pos(c->config, v),
					    "course/unknown-key",
					    "unknown setting '%s'", v->string);
		else if (set_key(c, k, v))
			status = diag_error(diags, doc_pos(c->config, v),
					    "course/bad-value",
					    "'%s' must be %s", k->name,
					    type_names[k->type]);
	}
	return status;
}

static void set_defaults(struct course *c)
{
	c->title = "Course";
	c->description = "";
	c->repository = NULL;
	c->stage = "dev";
	c->region = "us-east-1";
	c->account = "123456789012";
}

static int load_config(struct course *c, struct diag_list *diags)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/stepbook.yml", c->root);
	struct stat st;
	int status = 0;
	if (stat(path.ptr, &st) == 0) {
		c->config = doc_new(path.ptr);
		status = doc_load(c->config, diags);
		if (!status)
			status = read_config(c, diags);
	}
	buf_release(&path);
	return status;
}

/* ---- paths -------------------------------------------------------------- */

/* Joins dir(from) and link lexically, folding "." and "..".  Returns -1 when
 * the result climbs above the root. */
static int join_lexical(const char *from, const char *link, struct buf *out)
{
	struct buf in = BUF_INIT;
	const char *slash = strrchr(from, '/');
	if (slash)
		buf_add(&in, from, (size_t)(slash - from + 1));
	buf_adds(&in, link);
	buf_reset(out);
	int status = 0;
	for (const char *p = in.ptr; *p;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 2 && !memcmp(p, "..", 2)) {
			if (!out->len) {
				status = -1;
				break;
			}
			char *cut = strrchr(out->ptr, '/');
			buf_truncate(out, cut ? (size_t)(cut - out->ptr) : 0);
		} else if (n && !(n == 1 && *p == '.')) {
			if (out->len)
				buf_addc(out, '/');
			buf_add(out, p, n);
		}
		p += n + (end ? 1 : 0);
	}
	buf_release(&in);
	return status;
}

int course_resolve(const struct course *c, const char *from, const char *link,
		   char **out)
{
	*out = NULL;
	if (link[0] == '/' || !strncmp(link, "file:", 5))
		return -1;
	struct buf rel = BUF_INIT, full = BUF_INIT;
	if (join_lexical(from, link, &rel)) {
		buf_release(&rel);
		return -1;
	}
	buf_addf(&full, "%s/%s", c->root, rel.ptr);
	struct stat st;
	int status = 0;
	if (!fileio_inside(c->real_root, full.ptr, c->real_dirs))
		status = -1;
	else if (stat(full.ptr, &st) != 0 || (!S_ISREG(st.st_mode) && rel.len))
		status = 1;
	buf_release(&full);
	*out = buf_detach(&rel, NULL);
	return status;
}

/* s3_dir: a folder of the course (it may not exist yet: ResultWriter
 * creates what it writes), never a way out of it. */
static int resolve_s3_dir(struct course *c, struct diag_list *diags)
{
	char *rel = NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->config->root, "s3_dir");
	if (course_resolve(c, "stepbook.yml", c->s3_dir, &rel) < 0) {
		free(rel);
		return diag_error(diags, doc_pos(c->config, v), "course/bad-value",
				  "'s3_dir' must be a folder inside the course, "
				  "not '%s'", c->s3_dir);
	}
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", c->root, rel);
	free(rel);
	c->s3_path = buf_detach(&path, NULL);
	return 0;
}

char *course_page_out(const char *src)
{
	struct buf b = BUF_INIT;
	const char *base = strrchr(src, '/');
	base = base ? base + 1 : src;
	size_t n = strlen(src);
	if (n > 3 && !strcmp(src + n - 3, ".md"))
		n -= 3;
	if (!strcmp(base, "README.md") || !strcmp(base, "index.md")) {
		buf_add(&b, src, (size_t)(base - src));
		buf_adds(&b, "index.html");
	} else {
		buf_add(&b, src, n);
		buf_adds(&b, ".html");
	}
	return buf_detach(&b, NULL);
}

long course_find_page(const struct course *c, const char *src)
{
	for (size_t i = 0; i < c->nr_pages; i++)
		if (!strcmp(c->pages[i].src, src))
			return (long)i;
	return -1;
}

static void add_page(struct course *c, const char *title, char *src, int depth,
		     struct pos pos)
{
	ARRAY_GROW(c->pages, c->nr_pages + 1, c->alloc_pages);
	struct course_page *p = &c->pages[c->nr_pages++];
	p->title = xstrdup(title);
	p->src = src;
	p->out = course_page_out(src);
	p->depth = depth;
	p->pos = pos;
}

/* ---- SUMMARY.md --------------------------------------------------------- */

/* Nesting from the link's column: deeper lists are indented further. */
static int depth_of(unsigned col, unsigned *stack, int *top)
{
	while (*top > 0 && stack[*top - 1] > col)
		(*top)--;
	if (*top == 0 || stack[*top - 1] < col) {
		if (*top < COURSE_MAX_DEPTH)
			stack[(*top)++] = col;
	}
	return *top - 1;
}

static int summary_link(struct course *c, const struct md_item *it, int depth,
			struct diag_list *diags)
{
	if (!it->url[0])
		return 0; /* mdBook draft chapter */
	if (c->nr_pages >= COURSE_MAX_PAGES)
		return diag_error(diags, it->pos, "course/too-many-pages",
				  "more than %d pages", COURSE_MAX_PAGES);
	char *rel;
	int r = course_resolve(c, "SUMMARY.md", it->url, &rel);
	if (r < 0) {
		free(rel);
		return diag_error(diags, it->pos, "course/outside",
				  "link leaves the course folder '%s'", it->url);
	}
	if (r > 0) {
		free(rel);
		diag_add(diags, it->pos, SEV_WARNING, "course/missing-page",
			 "no such page '%s' (left out of the site)", it->url);
		return 0;
	}
	add_page(c, it->text, rel, depth, it->pos);
	return 0;
}

static int load_summary(struct course *c, const struct buf *text,
			struct diag_list *diags)
{
	struct md_doc *md = markdown_parse(c->summary_path, text->ptr,
					   text->len, 0);
	size_t n;
	const struct md_item *items = markdown_items(md, &n);
	unsigned stack[COURSE_MAX_DEPTH];
	int top = 0, status = 0;
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind != MD_LINK)
			continue;
		int depth = depth_of(items[i].pos.col, stack, &top);
		if (summary_link(c, &items[i], depth, diags))
			status = -1;
	}
	markdown_free(md);
	return status;
}

/* ---- no SUMMARY.md: README.md files in folder order --------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first heading of a page, or 'fallback'. */
static char *first_heading(const struct course *c, const char *rel,
			   const char *fallback)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	buf_addf(&path, "%s/%s", c->root, rel);
	const char *why;
	char *title = NULL;
	if (!fileio_read(path.ptr, &text, &why)) {
		struct md_doc *md = markdown_parse(path.ptr, text.ptr, text.len, 0);
		size_t n;
		const struct md_item *items = markdown_items(md, &n);
		for (size_t i = 0; i < n && !title; i++)
			if (items[i].kind == MD_HEADING && items[i].text[0])
				title = xstrdup(items[i].text);
		markdown_free(md);
	}
	buf_release(&path);
	buf_release(&text);
	return title ? title : xstrdup(fallback);
}

static char **list_dir(const char *path, size_t *nr)
{
	char **names = NULL;
	size_t alloc = 0;
	*nr = 0;
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ARRAY_GROW(names, *nr + 1, alloc);
		names[(*nr)++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	if (*nr)
		qsort(names, *nr, sizeof(*names), name_cmp);
	return names;
}

static void walk_folder(struct course *c, const char *rel, int level);

static void add_found(struct course *c, const char *rel, const char *fallback,
		      int depth)
{
	if (c->nr_pages >= COURSE_MAX_PAGES)
		return;
	char *title = first_heading(c, rel, fallback);
	struct pos pos = { NULL, 0, 0 };
	add_page(c, title, xstrdup(rel), depth, pos);
	free(title);
}

/* Markdown files beside README.md nest under it; sub-folders follow. */
static void walk_entry(struct course *c, const char *rel, const char *name,
		       int level)
{
	struct buf sub = BUF_INIT, full = BUF_INIT;
	buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", name);
	buf_addf(&full, "%s/%s", c->root, sub.ptr);
	struct stat st;
	size_t n = strlen(name);
	if (lstat(full.ptr, &st) != 0) {
		/* vanished: nothing to add */
	} else if (S_ISDIR(st.st_mode)) {
		if (strcmp(name, "theme") && strcmp(name, "saved-steps") &&
		    strcmp(name, "node_modules"))
			walk_folder(c, sub.ptr, level + 1);
	} else if (S_ISREG(st.st_mode) && n > 3 && !strcmp(name + n - 3, ".md") &&
		   strcmp(name, "README.md") && strcmp(name, "SUMMARY.md")) {
		add_found(c, sub.ptr, name, level);
	}
	buf_release(&sub);
	buf_release(&full);
}

static void walk_folder(struct course *c, const char *rel, int level)
{
	if (level >= COURSE_MAX_DEPTH)
		return;
	struct buf readme = BUF_INIT, full = BUF_INIT;
	buf_addf(&readme, "%s%sREADME.md", rel, *rel ? "/" : "");
	buf_addf(&full, "%s/%s", c->root, readme.ptr);
	struct stat st;
	if (stat(full.ptr, &st) == 0)
		add_found(c, readme.ptr, *rel ? rel : c->title,
			  level > 0 ? level - 1 : 0);
	buf_reset(&full);
	buf_addf(&full, "%s%s%s", c->root, *rel ? "/" : "", rel);
	size_t n;
	char **names = list_dir(full.ptr, &n);
	for (size_t i = 0; i < n; i++) {
		walk_entry(c, rel, names[i], level);
		free(names[i]);
	}
	free(names);
	buf_release(&readme);
	buf_release(&full);
}

/* ---- the course ---------------------------------------------------------- */

int course_load(struct course *c, const char *root, struct diag_list *diags)
{
	memset(c, 0, sizeof(*c));
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	c->root = xstrndup(root, n);
	c->real_root = realpath(c->root, NULL);
	c->real_dirs = xcalloc(1, sizeof(*c->real_dirs));
	set_defaults(c);
	struct stat st;
	if (stat(c->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		struct pos pos = { c->root, 0, 0 };
		return diag_error(diags, pos, "course/missing",
				  "no course folder '%s'", c->root);
	}
	int status = load_config(c, diags);
	if (!status && c->s3_dir)
		status = resolve_s3_dir(c, diags);
	struct buf path = BUF_INIT, text = BUF_INIT;
	buf_addf(&path, "%s/SUMMARY.md", c->root);
	c->summary_path = buf_detach(&path, NULL);
	const char *why;
	if (!fileio_read(c->summary_path, &text, &why)) {
		if (load_summary(c, &text, diags))
			status = -1;
	} else {
		walk_folder(c, "", 0);
	}
	buf_release(&text);
	if (!c->nr_pages && !status) {
		struct pos pos = { c->root, 0, 0 };
		status = diag_error(diags, pos, "course/empty",
				    "no pages: add SUMMARY.md or README.md");
	}
	return status;
}

void course_release(struct course *c)
{
	for (size_t i = 0; i < c->nr_pages; i++) {
		free(c->pages[i].title);
		free(c->pages[i].src);
		free(c->pages[i].out);
	}
	free(c->pages);
	free(c->authors);
	doc_free(c->config);
	free(c->summary_path);
	free(c->s3_path);
	free(c->root);
	free(c->real_root);
	if (c->real_dirs)
		fileio_realdirs_release(c->real_dirs);
	free(c->real_dirs);
	memset(c, 0, sizeof(*c));
}
