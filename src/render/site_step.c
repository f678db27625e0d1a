/* site_step.c - saved steps: loaded once when a page first links to them,
 * drawn inline where an image links to them, and given a page of their own:
 * the diagrams, what changed since the previous step, the validation
 * result, the HTTP endpoints, the notifications and the file itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fileio.h"
#include "html.h"
#include "site_impl.h"
#include "stepdiff.h"
#include "validate.h"
#include "xalloc.h"
#include "banned.h"

static int step_ext(const char *rel)
{
	const char *dot = strrchr(rel, '.');
	return dot && (!strcmp(dot, ".yml") || !strcmp(dot, ".yaml") ||
		       !strcmp(dot, ".json"));
}

static const char *ext_lang(const char *rel)
{
	const char *dot = strrchr(rel, '.');
	return dot && !strcmp(dot, ".json") ? "json" : "yaml";
}

static void esc(struct buf *out, const char *s)
{
	escape_html(out, s, strlen(s));
}

void site_step_free_(struct site_step *st)
{
	if (!st)
		return;
	for (size_t i = 0; st->models && i < st->lf.nr_machines; i++)
		asl_free(st->models[i]);
	free(st->models);
	for (size_t i = 0; st->figures && i < st->lf.nr_machines; i++)
		buf_release(&st->figures[i]);
	free(st->figures);
	free(st->uses);
	free(st->users);
	for (size_t i = 0; st->keys && i < st->lf.nr_machines; i++)
		cJSON_free(st->keys[i]);
	free(st->keys);
	free(st->jobs);
	if (st->loaded >= 0)
		loader_release(&st->lf);
	diag_list_release(&st->diags);
	buf_release(&st->text);
	free(st->rel);
	free(st->out);
	free(st);
}

static struct site_step *load_step(struct site *s, const char *rel)
{
	struct site_step *st = xcalloc(1, sizeof(*st));
	st->rel = xstrdup(rel);
	st->page = s->cur;
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", s->course.root, rel);
	const char *why;
	struct loader_options lo = { s->course.stage, s->course.region,
				     s->course.account };
	if (!fileio_read(path.ptr, &st->text, &why))
		st->loaded = loader_load_buffer(&st->lf, path.ptr, st->text.ptr,
						st->text.len, &lo, &st->diags) == 0;
	st->models = xcalloc(st->lf.nr_machines + 1, sizeof(*st->models));
	st->figures = xcalloc(st->lf.nr_machines + 1, sizeof(*st->figures));
	st->uses = xcalloc(st->lf.nr_machines + 1, sizeof(*st->uses));
	st->jobs = xcalloc(st->lf.nr_machines + 1, sizeof(*st->jobs));
	st->keys = xcalloc(st->lf.nr_machines + 1, sizeof(*st->keys));
	st->index = s->steps.nr;
	for (size_t i = 0; i < st->lf.nr_machines; i++) {
		st->jobs[i] = SIZE_MAX;
		st->keys[i] = cJSON_PrintUnformatted(st->lf.machines[i].definition);
		st->models[i] = asl_build(st->lf.machines[i].definition,
					  st->lf.machines[i].doc, &st->diags);
		validate_machine(st->models[i], &st->diags);
	}
	diag_sort(&st->diags);
	buf_release(&path);
	if (st->loaded || strstr(rel, "saved-steps/")) {
		struct buf out = BUF_INIT;
		buf_addf(&out, "%s.html", rel);
		st->out = buf_detach(&out, NULL);
	}
	return st;
}

/* The prefix of every id in the figure of machine i (unique per step
 * and machine, so the chapter page and the step page show the same bytes). */
static void id_prefix(const struct site_step *st, size_t i, char out[48])
{
	snprintf(out, 48, "s%zu-m%zu-", st->index, i);
}

int site_step_draw_(struct site *s, struct site_step *st, size_t i)
{
	char prefix[48];
	id_prefix(st, i, prefix);
	return site_svg_figure_(s, st->models[i], st->lf.machines[i].name,
				prefix, NULL, &st->figures[i]);
}

/* Appends a figure shown again on the same page with its ids made unique:
 * id="PREFIX..." becomes id="PREFIXrN-..." (the figure refers to no id, and
 * text cannot hold id=" unescaped). */
static void add_renamed(const struct buf *fig, const char *prefix,
			unsigned repeat, struct buf *out)
{
	struct buf needle = BUF_INIT;
	buf_addf(&needle, "id=\"%s", prefix);
	const char *p = fig->ptr, *end = fig->ptr + fig->len, *hit;
	while ((hit = strstr(p, needle.ptr))) {
		hit += needle.len;
		buf_add(out, p, (size_t)(hit - p));
		buf_addf(out, "r%u-", repeat);
		p = hit;
	}
	buf_add(out, p, (size_t)(end - p));
	buf_release(&needle);
}

/* ---- identical figures ------------------------------------------------------ */

/* A figure's place in s->figure_keys: step index and machine, packed. */
#define FIGURE_MACHINE_BITS 20

int site_figure_origin_(struct site *s, size_t k, size_t i, size_t *ok,
			size_t *oi)
{
	const struct site_step *st = s->steps.entries[k].value;
	const char *key = st->keys[i];
	if (!key || i >= ((size_t)1 << FIGURE_MACHINE_BITS))
		return 0;
	size_t len = strlen(key);
	uintptr_t ref = (uintptr_t)strmap_get(&s->figure_keys, key, len);
	if (ref) {
		size_t rk = (size_t)((ref - 1) >> FIGURE_MACHINE_BITS);
		size_t ri = (size_t)((ref - 1) & (((size_t)1 << FIGURE_MACHINE_BITS) - 1));
		const struct site_step *o = rk < s->steps.nr ? s->steps.entries[rk].value
							    : NULL;
		/* the origin may have been edited since (serve): then k/i takes
		 * its place */
		int same = o && ri < o->lf.nr_machines && o->keys[ri] &&
			   !strcmp(o->keys[ri], key);
		if (same && (rk != k || ri != i)) {
			*ok = rk;
			*oi = ri;
			return 1;
		}
		if (same)
			return 0;
	}
	strmap_put(&s->figure_keys, key, len,
		   (void *)(((uintptr_t)k << FIGURE_MACHINE_BITS | i) + 1));
	return 0;
}

/* Appends fig with its id prefix 'from' changed to 'to': every id and
 * link starts with the prefix right after a quote ("PREFIX, "a_PREFIX,
 * "#PREFIX), and text cannot hold a quote unescaped. */
static void add_reprefixed(const struct buf *fig, const char *from,
			   const char *to, struct buf *out)
{
	size_t n = strlen(from);
	const char *p = fig->ptr, *end = fig->ptr + fig->len, *q;
	buf_grow(out, fig->len);
	while ((q = memchr(p, '"', (size_t)(end - p)))) {
		const char *v = q + 1;
		if (end - v >= 2 && (!memcmp(v, "a_", 2)))
			v += 2;
		else if (v < end && *v == '#')
			v++;
		if ((size_t)(end - v) >= n && !memcmp(v, from, n)) {
			buf_add(out, p, (size_t)(v - p));
			buf_adds(out, to);
			p = v + n;
		} else {
			buf_add(out, p, (size_t)(q + 1 - p));
			p = q + 1;
		}
	}
	buf_add(out, p, (size_t)(end - p));
}

/* Fills st->figures[i]: a copy of its origin's, from the pool, or drawn. */
static int draw_figure(struct site *s, struct site_step *st, size_t i)
{
	size_t ok, oi;
	if (st->figures[i].len)
		return 0;
	if (site_figure_origin_(s, st->index, i, &ok, &oi)) {
		struct site_step *o = s->steps.entries[ok].value;
		if (!o->figures[oi].len && site_pool_take_(s, o, oi) &&
		    site_step_draw_(s, o, oi))
			return -1;
		char from[48], to[48];
		struct buf fig = BUF_INIT;
		id_prefix(o, oi, from);
		id_prefix(st, i, to);
		int rc = site_svg_copy_(st->models[i], st->lf.machines[i].name,
					&o->figures[oi], &fig);
		if (!rc)
			add_reprefixed(&fig, from, to, &st->figures[i]);
		buf_release(&fig);
		if (!rc)
			return 0;
	}
	if (site_pool_take_(s, st, i) && site_step_draw_(s, st, i))
		return -1;
	return 0;
}

/* How often the page being rendered showed machine i of st so far. */
static struct figure_use *use_on_page(struct site *s, struct site_step *st,
				      size_t i)
{
	struct figure_use *use = &st->uses[i];
	if (use->page_serial != s->page_serial) {
		use->page_serial = s->page_serial;
		use->count = 0;
		use->run_figures = 0;
	}
	return use;
}

/* Appends the figure of machine i, drawing it once. */
static int figure(struct site *s, struct site_step *st, size_t i,
		  struct buf *out)
{
	if (draw_figure(s, st, i))
		return -1;
	struct figure_use *use = use_on_page(s, st, i);
	if (use->count++ == 0) {
		buf_add(out, st->figures[i].ptr, st->figures[i].len);
	} else {
		char prefix[48];
		id_prefix(st, i, prefix);
		add_renamed(&st->figures[i], prefix, use->count - 1, out);
	}
	return 0;
}

/* Remembers that the current page uses st: what a rebuild of st redoes. */
static void add_user(struct site *s, struct site_step *st)
{
	if (s->cur >= s->course.nr_pages)
		return;
	for (size_t i = 0; i < st->nr_users; i++)
		if (st->users[i] == s->cur)
			return;
	ARRAY_GROW(st->users, st->nr_users + 1, st->alloc_users);
	st->users[st->nr_users++] = s->cur;
}

static struct site_step *get_step(struct site *s, const char *rel)
{
	if (!step_ext(rel))
		return NULL;
	struct site_step *st = strmap_get(&s->steps, rel, strlen(rel));
	if (!st) {
		st = load_step(s, rel);
		strmap_put(&s->steps, rel, strlen(rel), st);
	}
	add_user(s, st);
	return st->out ? st : NULL;
}

void site_reload_step_(struct site *s, size_t k)
{
	struct site_step *old = s->steps.entries[k].value;
	size_t cur = s->cur;
	s->cur = old->page;
	struct site_step *st = load_step(s, old->rel);
	s->cur = cur;
	st->index = old->index;
	st->users = old->users;
	st->nr_users = old->nr_users;
	st->alloc_users = old->alloc_users;
	old->users = NULL;
	site_step_free_(old);
	s->steps.entries[k].value = st;
}

const char *site_step_page_(void *ctx, const char *rel)
{
	struct site_step *st = get_step(ctx, rel);
	return st ? st->out : NULL;
}

/* Appends machine i drawn with the path of the page's example: drawn for
 * this page only, its ids after the page's count of such figures. */
static int run_figure(struct site *s, struct site_step *st, size_t i,
		      const char *input, struct diagram_run *run, struct buf *out)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "s%zu-m%zu-run%u-", st->index, i,
		 use_on_page(s, st, i)->run_figures++);
	struct site_run_figure rf = { diagram_run_highlight(run), input };
	return site_svg_figure_(s, st->models[i], st->lf.machines[i].name,
				prefix, &rf, out);
}

int site_step_diagram_(void *ctx, const char *rel, const char *machine,
		       const char *input, struct pos pos, struct buf *out)
{
	struct site *s = ctx;
	struct site_step *st = get_step(s, rel);
	struct diagram_run *run = NULL;
	if (st && input && !(run = site_example_run_(s, input)))
		return diag_error(s->diags, pos, "site/no-run",
				  "no example input=%s ran on this page (a block "
				  "marked input=%s, run by stepbook check)", input, input);
	const cJSON *panels = run && site_example_dataflow_(s, input)
		? site_example_panel_(s, input) : NULL;
	if (panels)
		buf_adds(out, "<div class=\"dataflow\">\n");
	size_t drawn = 0;
	for (size_t i = 0; st && i < st->lf.nr_machines; i++) {
		const struct loaded_machine *m = &st->lf.machines[i];
		if (machine && strcmp(m->name, machine) &&
		    (!m->deployed_name || strcmp(m->deployed_name, machine)))
			continue;
		if (run ? run_figure(s, st, i, input, run, out) : figure(s, st, i, out))
			return -1;
		drawn++;
	}
	if (panels) {
		site_panel_html_(panels, input, out);
		buf_adds(out, "</div>\n");
	}
	if (drawn)
		return 0;
	if (machine)
		return diag_error(s->diags, pos, "site/no-machine",
				  "no state machine '%s' in '%s'", machine, rel);
	return diag_error(s->diags, pos, "site/no-machine",
			  "'%s' declares no state machine to draw", rel);
}

/* ---- the step page -------------------------------------------------------- */

static void dir_of(const char *rel, struct buf *out)
{
	const char *slash = strrchr(rel, '/');
	buf_reset(out);
	if (slash)
		buf_add(out, rel, (size_t)(slash - rel));
}

/* The step linked last before this one, in the same folder, same format. */
const struct site_step *site_previous_step_(const struct site *s, size_t k)
{
	const struct site_step *me = s->steps.entries[k].value;
	struct buf a = BUF_INIT, b = BUF_INIT;
	dir_of(me->rel, &a);
	const struct site_step *prev = NULL;
	for (size_t i = k; i-- > 0 && !prev;) {
		const struct site_step *st = s->steps.entries[i].value;
		dir_of(st->rel, &b);
		if (st->out && !strcmp(a.ptr, b.ptr) &&
		    !strcmp(ext_lang(st->rel), ext_lang(me->rel)))
			prev = st;
	}
	buf_release(&a);
	buf_release(&b);
	return prev;
}

static void section_diagrams(struct site *s, struct site_step *st,
			     struct buf *out)
{
	buf_adds(out, "<h2 id=\"diagrams\">State machines</h2>\n");
	if (!st->lf.nr_machines)
		buf_adds(out, "<p>This file declares no state machine.</p>\n");
	for (size_t i = 0; i < st->lf.nr_machines; i++) {
		const struct loaded_machine *m = &st->lf.machines[i];
		buf_adds(out, "<h3 id=\"machine-");
		html_slug(m->name, out);
		buf_adds(out, "\">");
		esc(out, m->name);
		buf_addf(out, " <small>%s</small></h3>\n", m->type ? m->type : "STANDARD");
		if (figure(s, st, i, out))
			s->status = -1;
	}
}

static void section_changes(const struct site_step *st,
			    const struct site_step *prev, struct buf *out)
{
	buf_adds(out, "<h2 id=\"changes\">What changes at this step</h2>\n");
	if (!prev) {
		buf_adds(out, "<p>This is the first saved step of the chapter: "
			      "the whole file is new.</p>\n");
		return;
	}
	struct buf diff = BUF_INIT, link = BUF_INIT;
	struct stepdiff_stats stats;
	stepdiff_html(prev->text.ptr, prev->text.len, st->text.ptr, st->text.len,
		      ext_lang(st->rel), &diff, &stats);
	html_relative(st->out, prev->out, &link);
	const char *base = strrchr(prev->rel, '/');
	buf_adds(out, "<p>Compared with the previous step, <a href=\"");
	esc(out, link.ptr);
	buf_adds(out, "\">");
	esc(out, base ? base + 1 : prev->rel);
	buf_addf(out, "</a>: <span class=\"d-count-add\">%zu line%s added</span>, "
		      "<span class=\"d-count-del\">%zu removed</span>.</p>\n",
		 stats.added, stats.added == 1 ? "" : "s", stats.removed);
	buf_add(out, diff.ptr, diff.len);
	buf_release(&diff);
	buf_release(&link);
}

static void section_validation(const struct site_step *st, struct buf *out)
{
	buf_adds(out, "<h2 id=\"validation\">Validation</h2>\n");
	if (!st->diags.nr) {
		buf_adds(out, "<p class=\"valid\">No problems found.</p>\n");
		return;
	}
	buf_adds(out, "<ul class=\"diags\">\n");
	for (size_t i = 0; i < st->diags.nr; i++) {
		const struct diag *d = &st->diags.items[i];
		buf_addf(out, "<li class=\"sev-%s\"><span class=\"sev\">%s</span> "
			      "<code>line %u, column %u</code> ",
			 severity_name(d->severity), severity_name(d->severity),
			 d->pos.line, d->pos.col);
		esc(out, d->message);
		if (d->rule) {
			buf_adds(out, " <code class=\"rule\">");
			esc(out, d->rule);
			buf_adds(out, "</code>");
		}
		buf_adds(out, "</li>\n");
	}
	buf_adds(out, "</ul>\n");
}

static void endpoint_rows(const struct loaded_machine *m, struct buf *out)
{
	for (size_t r = 0; r < m->nr_routes; r++) {
		const struct loader_route *rt = &m->routes[r];
		buf_adds(out, "<tr><td><code>");
		esc(out, rt->method ? rt->method : "");
		buf_adds(out, "</code></td><td><code>/");
		esc(out, rt->path ? rt->path : "");
		buf_adds(out, "</code></td><td>");
		esc(out, rt->action ? rt->action : "StartExecution");
		buf_addf(out, "</td><td>%s</td><td>", rt->api_key_required ? "yes" : "no");
		esc(out, m->name);
		buf_adds(out, "</td></tr>\n");
	}
}

static void section_endpoints(const struct site_step *st, struct buf *out)
{
	size_t n = 0;
	for (size_t i = 0; i < st->lf.nr_machines; i++)
		n += st->lf.machines[i].nr_routes;
	buf_adds(out, "<h2 id=\"endpoints\">HTTP endpoints</h2>\n");
	if (!n) {
		buf_adds(out, "<p>This step declares no HTTP endpoint.</p>\n");
		return;
	}
	buf_adds(out, "<table class=\"endpoints\"><thead><tr><th>Method</th><th>Path</th>"
		      "<th>Action</th><th>API key required</th><th>Machine</th></tr>"
		      "</thead><tbody>\n");
	for (size_t i = 0; i < st->lf.nr_machines; i++)
		endpoint_rows(&st->lf.machines[i], out);
	buf_adds(out, "</tbody></table>\n");
}

static void notification_rows(const struct loaded_machine *m, struct buf *out)
{
	const cJSON *status;
	cJSON_ArrayForEach(status, m->notifications) {
		char *targets = cJSON_PrintUnformatted(status);
		buf_adds(out, "<tr><td>");
		esc(out, m->name);
		buf_adds(out, "</td><td><code>");
		esc(out, status->string ? status->string : "");
		buf_adds(out, "</code></td><td><code>");
		esc(out, targets);
		buf_adds(out, "</code></td></tr>\n");
		cJSON_free(targets);
	}
}

static void section_notifications(const struct site_step *st, struct buf *out)
{
	size_t n = 0;
	for (size_t i = 0; i < st->lf.nr_machines; i++)
		n += cJSON_IsObject(st->lf.machines[i].notifications);
	buf_adds(out, "<h2 id=\"notifications\">Notifications</h2>\n");
	if (!n) {
		buf_adds(out, "<p>This step sends no status change notification.</p>\n");
		return;
	}
	buf_adds(out, "<table class=\"notifications\"><thead><tr><th>Machine</th>"
		      "<th>Status</th><th>Targets</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < st->lf.nr_machines; i++)
		if (cJSON_IsObject(st->lf.machines[i].notifications))
			notification_rows(&st->lf.machines[i], out);
	buf_adds(out, "</tbody></table>\n");
}

static void add_toc_entry(cJSON *toc, const char *id, const char *text)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "id", id);
	cJSON_AddStringToObject(e, "text", text);
	cJSON_AddItemToArray(toc, e);
}

static void step_content(struct site *s, size_t k, struct buf *out)
{
	struct site_step *st = s->steps.entries[k].value;
	const struct course_page *ch = &s->course.pages[st->page];
	const char *base = strrchr(st->rel, '/');
	struct buf back = BUF_INIT;
	html_relative(st->out, ch->out, &back);
	buf_adds(out, "<h1 id=\"top\">");
	esc(out, base ? base + 1 : st->rel);
	buf_adds(out, "</h1>\n<p class=\"lead\">A saved step of <a href=\"");
	esc(out, back.ptr);
	buf_adds(out, "\">");
	esc(out, ch->title);
	buf_adds(out, "</a>.</p>\n");
	section_diagrams(s, st, out);
	section_changes(st, site_previous_step_(s, k), out);
	section_validation(st, out);
	section_endpoints(st, out);
	section_notifications(st, out);
	buf_adds(out, "<h2 id=\"file\">The file</h2>\n");
	html_code_block(ext_lang(st->rel), st->text.ptr, st->text.len,
			HTML_UNCHECKED, out);
	buf_release(&back);
}

/* The step page before (dir -1) or after (+1) step k, or NULL. */
static const struct site_step *step_near(const struct site *s, size_t k, int dir)
{
	for (size_t j = k + (size_t)dir; j < s->steps.nr; j += (size_t)dir) {
		const struct site_step *st = s->steps.entries[j].value;
		if (st->out)
			return st;
	}
	return NULL;
}

/* The pager of a step page: the saved steps in the order pages link them. */
static void add_step_link(cJSON *data, const char *key,
			  const struct site_step *from, const struct site_step *to)
{
	if (!to)
		return;
	cJSON *l = cJSON_AddObjectToObject(data, key);
	struct buf url = BUF_INIT;
	html_relative(from->out, to->out, &url);
	const char *base = strrchr(to->rel, '/');
	cJSON_AddStringToObject(l, "title", base ? base + 1 : to->rel);
	cJSON_AddStringToObject(l, "url", url.ptr);
	buf_release(&url);
}

void site_build_step_(struct site *s, size_t k)
{
	const struct site_step *st = s->steps.entries[k].value;
	s->page_serial++;
	const char *base = strrchr(st->rel, '/');
	struct buf *content = &s->step_content, desc = BUF_INIT;
	buf_reset(content);
	step_content(s, k, content);
	buf_addf(&desc, "Saved step %s: %zu state machine%s, diagrams, changes "
			"and validation.", base ? base + 1 : st->rel,
		 st->lf.nr_machines, st->lf.nr_machines == 1 ? "" : "s");
	cJSON *data = site_page_data_(s, st->page, st->out,
				      base ? base + 1 : st->rel, desc.ptr);
	cJSON_DeleteItemFromObject(data, "prev");
	cJSON_DeleteItemFromObject(data, "next");
	add_step_link(data, "prev", st, step_near(s, k, -1));
	add_step_link(data, "next", st, step_near(s, k, 1));
	cJSON_AddStringToObject(data, "content", content->ptr);
	cJSON *toc = cJSON_AddArrayToObject(data, "toc");
	add_toc_entry(toc, "diagrams", "State machines");
	add_toc_entry(toc, "changes", "What changes");
	add_toc_entry(toc, "validation", "Validation");
	add_toc_entry(toc, "endpoints", "HTTP endpoints");
	add_toc_entry(toc, "notifications", "Notifications");
	add_toc_entry(toc, "file", "The file");
	cJSON_AddBoolToObject(data, "has_toc", 1);
	site_render_layout_(s, data, st->out);
	cJSON_Delete(data);
	buf_release(&desc);
}

void site_index_step_(struct site *s, size_t k)
{
	const struct site_step *st = s->steps.entries[k].value;
	const char *base = strrchr(st->rel, '/');
	if (st->out)
		search_add(s->search, st->out, base ? base + 1 : st->rel,
			   "The file", "", st->text.ptr);
}

void site_build_steps_upto_(struct site *s, size_t page)
{
	for (; s->steps_built < s->steps.nr; s->steps_built++) {
		size_t k = s->steps_built;
		const struct site_step *st = s->steps.entries[k].value;
		if (st->page > page)
			break;
		if (!st->out)
			continue;
		if (s->opt->progress)
			fprintf(stderr, "\r\033[K[step %zu/%zu] %s", k + 1,
				s->steps.nr, st->rel);
		site_build_step_(s, k);
	}
}

int site_build_steps_(struct site *s)
{
	site_build_steps_upto_(s, SIZE_MAX);
	/* indexed after every chapter page, whenever they were built */
	for (size_t k = 0; k < s->steps.nr; k++)
		site_index_step_(s, k);
	return s->status;
}
