/* gate.c - the course walk, snippets, links and saved steps (see gate.h);
 * running the commands is gate_exec.c. */
#include "gate.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "asl.h"
#include "course.h"
#include "validate.h"
#include "gate_impl.h"
#include "fileio.h"
#include "xalloc.h"
#include "banned.h"

/* ---- cases -------------------------------------------------------------- */

struct gate_case *gate_add_(struct gate_run *run, enum gate_kind kind,
			      enum gate_status status, const char *name,
			      struct pos pos, const char *fmt, ...)
{
	ARRAY_GROW(run->cases, run->nr + 1, run->alloc);
	struct gate_case *k = &run->cases[run->nr++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->status = status;
	k->name = xstrdup(name);
	k->file = xstrdup(pos.file ? pos.file : "-");
	k->pos = pos;
	k->pos.file = k->file;
	if (kind == GATE_SNIPPET) /* a block's case is at its fence */
		k->block_line = pos.line;
	if (fmt) {
		struct buf m = BUF_INIT;
		va_list ap;
		va_start(ap, fmt);
		buf_vaddf(&m, fmt, ap);
		va_end(ap);
		k->message = buf_detach(&m, NULL);
	}
	return k;
}

void gate_run_release(struct gate_run *run)
{
	for (size_t i = 0; i < run->nr; i++) {
		struct gate_case *k = &run->cases[i];
		free(k->name);
		free(k->file);
		free(k->message);
		free(k->diff);
		free(k->detail);
		diag_list_release(&k->diags);
	}
	free(run->cases);
	diag_list_release(&run->notes);
	memset(run, 0, sizeof(*run));
}

const char *gate_status_name(enum gate_status s)
{
	static const char *const names[] = { "passed", "failed", "skipped" };
	return names[s];
}

const char *gate_kind_name(enum gate_kind k)
{
	static const char *const names[] = { "snippet", "link", "saved-step", "step" };
	return names[k];
}

/* ---- paths -------------------------------------------------------------- */

int gate_resolve_(const char *dir, const char *url, struct buf *out)
{
	struct buf in = BUF_INIT;
	size_t n = strcspn(url, "#?");
	if (url[0] != '/' && dir[0])
		buf_addf(&in, "%s/", dir);
	buf_add(&in, url, n);
	buf_reset(out);
	int rc = 0;
	for (const char *p = in.ptr; *p;) {
		p += strspn(p, "/");
		size_t k = strcspn(p, "/");
		if (!k)
			break;
		if (k == 1 && p[0] == '.') {
			/* nothing */
		} else if (k == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out->ptr, '/');
			if (!out->len) {
				rc = -1;
				break;
			}
			buf_truncate(out, slash ? (size_t)(slash - out->ptr) : 0);
		} else {
			if (out->len)
				buf_addc(out, '/');
			buf_add(out, p, k);
		}
		p += k;
	}
	buf_release(&in);
	return rc;
}

int gate_path_(const struct gate_ctx *c, const char *rel, struct buf *out)
{
	buf_reset(out);
	if (!strcmp(c->opt->root, ".") && rel[0]) /* page.md, not ./page.md */
		buf_adds(out, rel);
	else
		buf_addf(out, "%s%s%s", c->opt->root, rel[0] ? "/" : "", rel);
	return fileio_inside(c->real_root, out->ptr, c->real_dirs) ? 0 : -1;
}

static int is_file(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static int is_step_file(const char *rel)
{
	return has_suffix(rel, ".yml") || has_suffix(rel, ".yaml") ||
	       has_suffix(rel, ".json");
}

/* ---- saved steps -------------------------------------------------------- */

/* Loads the saved step at path into lf.  The file is parsed once: the
 * loader changes the tree it loads (variables, intrinsics), so it gets a
 * copy, and the document as written is kept for excerpts (raw_steps). */
static int load_step(struct gate_ctx *c, const char *rel, const char *path,
		     struct loaded_file *lf, const struct loader_options *lo,
		     struct diag_list *diags)
{
	struct doc *raw = doc_new(path);
	if (doc_load(raw, diags)) {
		doc_free(raw);
		memset(lf, 0, sizeof(*lf));
		return -1;
	}
	if (strmap_index(&c->raw_steps, rel, strlen(rel)) < 0)
		strmap_put(&c->raw_steps, rel, strlen(rel), doc_copy(raw));
	return loader_load_doc(lf, raw, lo, diags);
}

struct asl_machine **gate_build_models_(const struct loaded_file *lf,
					struct diag_list *diags)
{
	if (!lf->nr_machines)
		return NULL;
	struct asl_machine **models = xcalloc(lf->nr_machines, sizeof(*models));
	for (size_t i = 0; i < lf->nr_machines; i++) {
		models[i] = asl_build(lf->machines[i].definition, lf->machines[i].doc,
				      diags);
		validate_machine(models[i], diags);
	}
	return models;
}

void gate_free_models_(struct asl_machine **models, const struct loaded_file *lf)
{
	for (size_t i = 0; models && i < lf->nr_machines; i++)
		asl_free(models[i]);
	free(models);
}

struct asl_machine *const *gate_models_(const struct gate_ctx *c,
					const struct loaded_file *lf)
{
	for (size_t i = c->nr_files; i-- > 0;)
		if (c->files[i].lf == lf)
			return c->files[i].models;
	return NULL;
}

struct loaded_file *gate_saved_step_(struct gate_ctx *c, const char *rel)
{
	long at = strmap_index(&c->loaded, rel, strlen(rel));
	if (at >= 0)
		return c->loaded.entries[at].value;
	struct loaded_file *lf = xcalloc(1, sizeof(*lf));
	struct buf path = BUF_INIT;
	if (gate_path_(c, rel, &path)) {
		gate_add_(c->run, GATE_SAVED_STEP, GATE_FAIL, rel, (struct pos){ path.ptr, 0, 0 },
			  "a symbolic link takes the saved step out of the course folder");
		strmap_put(&c->loaded, rel, strlen(rel), NULL);
		buf_release(&path);
		return NULL;
	}
	struct diag_list diags = DIAG_LIST_INIT;
	struct loader_options lo = { NULL, NULL, NULL };
	const cJSON *cfg = c->config ? c->config->root : NULL;
	const cJSON *stage = cJSON_GetObjectItemCaseSensitive(cfg, "stage");
	if (cJSON_IsString(stage))
		lo.stage = stage->valuestring;
	int rc = load_step(c, rel, path.ptr, lf, &lo, &diags);
	/* a service without machines yet (a setup step) is a valid file */
	if (rc && diags.errors == 1 && diags.items[0].rule &&
	    !strcmp(diags.items[0].rule, "load/no-machine")) {
		diag_list_release(&diags);
		rc = 0;
	}
	struct asl_machine **models = rc ? NULL : gate_build_models_(lf, &diags);
	int invalid = !rc && diags.errors;
	struct gate_case *k = gate_add_(c->run, GATE_SAVED_STEP,
					  rc || invalid ? GATE_FAIL : GATE_PASS, rel,
					  (struct pos){ path.ptr, 0, 0 },
					  rc ? "the saved step does not load" :
					  invalid ? "the saved step is not valid ASL" : NULL);
	if (!rc && !invalid) /* warnings only: keep the case clean */
		diag_list_release(&diags);
	k->diags = diags;
	rc = rc || invalid; /* AWS refuses to deploy an invalid definition */
	if (rc) {
		gate_free_models_(models, lf);
		models = NULL;
	}
	ARRAY_GROW(c->files, c->nr_files + 1, c->alloc_files);
	c->files[c->nr_files++] = (struct gate_file){ lf, models };
	if (rc) {
		loader_release(lf);
		memset(lf, 0, sizeof(*lf));
	}
	strmap_put(&c->loaded, rel, strlen(rel), rc ? NULL : lf);
	buf_release(&path);
	return rc ? NULL : lf;
}

/* ---- snippets ----------------------------------------------------------- */

static int is_data_lang(const char *lang, enum doc_format *f)
{
	if (!strcmp(lang, "json") || !strcmp(lang, "jsonc") || !strcmp(lang, "json5")) {
		*f = DOC_JSON;
		return 1;
	}
	if (!strcmp(lang, "yaml") || !strcmp(lang, "yml")) {
		*f = DOC_YAML;
		return 1;
	}
	return 0;
}

/* Parses s as 'format' with errors moved into the page; returns the doc
 * (owned) or NULL. */
static struct doc *parse_snippet(const struct snippet *s, enum doc_format f,
				 struct diag_list *out)
{
	struct diag_list errs = DIAG_LIST_INIT;
	struct doc *d = doc_new(s->pos.file);
	int rc = doc_parse(d, s->text, s->len, f, &errs);
	for (size_t i = 0; i < errs.nr; i++) {
		const struct diag *g = &errs.items[i];
		diag_add(out, snippet_pos(s, g->pos.line, g->pos.col), g->severity,
			 g->rule, "%s", g->message);
	}
	diag_list_release(&errs);
	if (rc) {
		doc_free(d);
		return NULL;
	}
	return d;
}

static int is_asl(const cJSON *v)
{
	return cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(v, "States")) &&
	       cJSON_GetObjectItemCaseSensitive(v, "StartAt");
}

static int all_have(const cJSON *v, const char *key, const char *key2)
{
	if (!v || !v->child)
		return 0;
	for (const cJSON *c = v->child; c; c = c->next)
		if (!cJSON_IsObject(c) || (!cJSON_GetObjectItemCaseSensitive(c, key) &&
					   !(key2 && cJSON_GetObjectItemCaseSensitive(c, key2))))
			return 0;
	return 1;
}

/* What part of a definition a block is: states (an object of states, or
 * one state), Choice rules, or Catchers.  Returns -1 for none of them. */
static int fragment_kind(const cJSON *v, int *single)
{
	*single = 0;
	if (cJSON_IsObject(v) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "Type"))) {
		*single = 1;
		return VALIDATE_STATES;
	}
	if (cJSON_IsObject(v) && all_have(v, "Type", NULL))
		return VALIDATE_STATES;
	if (cJSON_IsArray(v) && all_have(v, "ErrorEquals", NULL) && all_have(v, "Next", NULL))
		return VALIDATE_CATCHERS;
	if (cJSON_IsArray(v) && all_have(v, "Next", NULL))
		return VALIDATE_CHOICES;
	return -1;
}

/* Validates a whole definition or a fragment; diagnostics land in errs
 * with positions still relative to the block. */
static void validate_block(const struct snippet *s, struct doc *d, int json,
			   struct diag_list *errs)
{
	int single;
	if (is_asl(d->root) && !(s->flags & SNIPPET_FRAGMENT)) {
		validate_definition(d->root, d, errs);
		return;
	}
	int kind = fragment_kind(d->root, &single);
	if (kind < 0 || (!(s->flags & SNIPPET_FRAGMENT) && !json))
		return; /* a YAML excerpt of a service is not ASL on its own */
	if (single) { /* one state without its name: name it */
		cJSON *wrap = cJSON_CreateObject();
		cJSON_AddItemReferenceToObject(wrap, "State", d->root);
		validate_fragment(VALIDATE_STATES, wrap, d, errs);
		cJSON_Delete(wrap);
		return;
	}
	validate_fragment((enum validate_fragment)kind, d->root, d, errs);
}

/* An example's input or expected output is data for a run: its 'fail'
 * mark says the run must fail (gate_exec.c), and what it holds is the
 * machine's business, not a definition to validate.  It must parse. */
static int is_example_data(const struct snippet *s)
{
	return s->input || s->expect;
}

/* A json/yaml block: it parses; a whole ASL definition also models.
 * 'label' is the block's own label when it holds data under another.
 * Returns the index of its case. */
static size_t check_data_block(struct gate_ctx *c, const struct snippet *s,
			       enum doc_format f, const char *label)
{
	struct diag_list errs = DIAG_LIST_INIT;
	struct doc *d = parse_snippet(s, f, &errs);
	const char *lang = label ? (f == DOC_JSON ? "json" : "yaml") : s->lang;
	if (d && !is_example_data(s)) {
		struct diag_list model = DIAG_LIST_INIT;
		validate_block(s, d, !strcmp(lang, "json"), &model);
		for (size_t i = 0; i < model.nr; i++) /* positions: doc -> page */
			diag_add(&errs, snippet_pos(s, model.items[i].pos.line,
						    model.items[i].pos.col),
				 model.items[i].severity, model.items[i].rule, "%s",
				 model.items[i].message);
		diag_list_release(&model);
	}
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s block%s", lang, s->flags & SNIPPET_FRAGMENT ? " (fragment)" : "");
	if (label)
		buf_addf(&name, label[0] ? " (labelled %s)" : " (unlabelled)", label);
	int failed = errs.errors > 0;
	enum gate_status st = failed ? GATE_FAIL : GATE_PASS;
	const char *msg = !failed ? NULL : d ? "the block is not valid ASL" : "the block does not parse";
	if ((s->flags & SNIPPET_FAIL) && !is_example_data(s)) {
		st = failed ? GATE_PASS : GATE_FAIL;
		msg = failed ? NULL : "the block is marked fail, but it parses and validates";
	}
	struct gate_case *k = gate_add_(c->run, GATE_SNIPPET, st, name.ptr,
					  s->fence, msg ? "%s" : NULL, msg);
	if (st == GATE_FAIL)
		k->diags = errs;
	else
		diag_list_release(&errs);
	buf_release(&name);
	doc_free(d);
	return c->run->nr - 1;
}

/* Once the commands ran (deploys name saved steps too): a block that
 * passed fails when it excerpts a saved step of the page but differs from
 * it (gate_excerpt.c).  Not for blocks that are inputs, outputs, events,
 * or marked fail or differs. */
static void check_excerpt(struct gate_ctx *c, const struct gate_page *p,
			  const struct snippet *s, enum doc_format f, size_t kase)
{
	if (c->run->cases[kase].status != GATE_PASS || s->input || s->expect ||
	    (s->flags & (SNIPPET_FAIL | SNIPPET_DIFFERS | SNIPPET_NOTIFICATION)))
		return;
	struct diag_list errs = DIAG_LIST_INIT;
	struct doc *d = parse_snippet(s, f, &errs);
	const char *rel = d ? gate_excerpt_(c, p, s, d, &errs) : NULL;
	struct gate_case *k = &c->run->cases[kase];
	if (rel && errs.errors) {
		struct buf m = BUF_INIT;
		buf_addf(&m, "the block excerpts %s but differs from it", rel);
		k->status = GATE_FAIL;
		k->message = buf_detach(&m, NULL);
		k->diags = errs;
	} else {
		diag_list_release(&errs);
	}
	doc_free(d);
}

static int is_shell_or_http(const char *lang)
{
	static const char *const langs[] = { "bash", "sh", "shell", "console", "zsh",
					     "shell-session", "http", "" };
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++)
		if (!strcmp(lang, langs[i]))
			return 1;
	return 0;
}

/* Labels that say nothing of the content: YAML under them is taken for a
 * document.  Under a language's label YAML-looking text is too often code
 * (`class A:` nests like a mapping): only a definition counts there. */
static int is_plain_label(const char *lang)
{
	static const char *const langs[] = { "text", "txt", "plain", "plaintext", "none" };
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++)
		if (!strcmp(lang, langs[i]))
			return 1;
	return 0;
}

/* What a block under a label other than json or yaml holds. */
enum sniffed { SNIFF_NONE, SNIFF_JSON, SNIFF_YAML, SNIFF_YAML_EXCERPT };

static enum doc_format sniffed_format(unsigned char k)
{
	return k == SNIFF_JSON ? DOC_JSON : DOC_YAML;
}

/* JSON must parse strictly (starting with { or [, it is a mapping or a
 * list).  YAML must be a definition; or, under a plain label, a mapping
 * that turns out to excerpt a saved step of the page (SNIFF_YAML_EXCERPT,
 * decided once the commands ran): a tool's output is often YAML too
 * (`api keys:` and a nested key), and no document. */
static enum sniffed sniff(const struct snippet *s)
{
	enum doc_format f;
	if ((s->flags & (SNIPPET_SKIP | SNIPPET_OUTPUT | SNIPPET_NOTIFICATION)) ||
	    s->input || s->expect || is_data_lang(s->lang, &f) || !strcmp(s->lang, "http"))
		return SNIFF_NONE;
	const char *t = s->text + strspn(s->text, " \t\r\n");
	int json = *t == '{' || *t == '[';
	if (!json && !is_plain_label(s->lang) && !strstr(t, "StartAt"))
		return SNIFF_NONE;
	struct diag_list ignore = DIAG_LIST_INIT;
	struct doc *d = doc_new(s->pos.file);
	enum sniffed k = SNIFF_NONE;
	if (!doc_parse(d, s->text, s->len, json ? DOC_JSON : DOC_YAML, &ignore)) {
		if (json)
			k = SNIFF_JSON;
		else if (is_asl(d->root))
			k = SNIFF_YAML;
		else if (is_plain_label(s->lang) && cJSON_IsObject(d->root))
			k = SNIFF_YAML_EXCERPT;
	}
	doc_free(d);
	diag_list_release(&ignore);
	return k;
}

/* Does the YAML block s excerpt a saved step of the page? */
static int excerpts_a_step(struct gate_ctx *c, const struct gate_page *p,
			   const struct snippet *s)
{
	struct diag_list ignore = DIAG_LIST_INIT;
	struct doc *d = doc_new(s->pos.file);
	int yes = !doc_parse(d, s->text, s->len, DOC_YAML, &ignore) &&
		  gate_excerpt_(c, p, s, d, &ignore) != NULL;
	doc_free(d);
	diag_list_release(&ignore);
	return yes;
}

/* A block holding data under another label: checked as what it holds,
 * with a warning about the label.  Returns the index of its case. */
static size_t check_sniffed(struct gate_ctx *c, const struct snippet *s, enum doc_format f)
{
	int def = gate_is_definition_(s, f);
	const char *fmt = f == DOC_JSON ? "json" : "yaml";
	diag_add(&c->run->notes, s->fence, SEV_WARNING, "check/block-label",
		 "%s%s%s block holds %s: label it %s", s->lang[0] ? "a '" : "an unlabelled",
		 s->lang, s->lang[0] ? "'" : "", def ? "an ASL definition" :
		 f == DOC_JSON ? "JSON" : "YAML", fmt);
	return check_data_block(c, s, f, s->lang);
}

/* Before the commands run: json/yaml blocks parse and validate (their cases
 * in p->block_case); which blocks hold data under another label. */
static void check_snippets(struct gate_ctx *c, struct gate_page *p)
{
	p->as_data = xcalloc(p->page.nr + 1, 1);
	p->block_case = xcalloc(p->page.nr + 1, sizeof(*p->block_case));
	for (size_t i = 0; i < p->page.nr; i++) {
		const struct snippet *s = &p->page.snippets[i];
		enum doc_format f;
		p->block_case[i] = SIZE_MAX;
		if (s->flags & SNIPPET_SKIP)
			gate_add_(c->run, GATE_SNIPPET, GATE_SKIP, s->lang[0] ? s->lang : "block",
				   s->fence, "marked skip");
		else if (s->flags & SNIPPET_OUTPUT)
			continue; /* checked with the step before it */
		else if (is_data_lang(s->lang, &f))
			p->block_case[i] = check_data_block(c, s, f, NULL);
		else if ((p->as_data[i] = (unsigned char)sniff(s)))
			continue; /* checked after the commands: it may be an output */
		else if (!is_shell_or_http(s->lang))
			gate_add_(c->run, GATE_SNIPPET, GATE_SKIP, s->lang, s->fence,
				   "no checker for '%s' blocks", s->lang);
	}
}

int gate_block_format_(const struct gate_page *p, size_t i, enum doc_format *f)
{
	if (is_data_lang(p->page.snippets[i].lang, f))
		return 1;
	if (p->as_data[i] == SNIFF_NONE || p->as_data[i] == SNIFF_YAML_EXCERPT)
		return 0;
	*f = sniffed_format(p->as_data[i]);
	return 1;
}

int gate_is_definition_(const struct snippet *s, enum doc_format f)
{
	struct diag_list ignore = DIAG_LIST_INIT;
	struct doc *d = doc_new(s->pos.file);
	int yes = !doc_parse(d, s->text, s->len, f, &ignore) && is_asl(d->root);
	doc_free(d);
	diag_list_release(&ignore);
	return yes;
}

/* After the commands ran: blocks holding data under another label that are
 * not a command's recorded output; excerpts of the page's saved steps. */
static void check_snippets_after(struct gate_ctx *c, struct gate_page *p)
{
	unsigned char *output = xcalloc(p->page.nr + 1, 1);
	for (size_t k = 0; k < p->steps.nr; k++)
		if (p->steps.items[k].output)
			output[p->steps.items[k].output - p->page.snippets] = 1;
	for (size_t i = 0; i < p->page.nr; i++) {
		const struct snippet *s = &p->page.snippets[i];
		enum doc_format f;
		if (output[i])
			continue;
		if (p->as_data[i] == SNIFF_YAML_EXCERPT && !excerpts_a_step(c, p, s)) {
			gate_add_(c->run, GATE_SNIPPET, GATE_SKIP, s->lang, s->fence,
				  "no checker for '%s' blocks", s->lang);
		} else if (p->as_data[i]) {
			f = sniffed_format(p->as_data[i]);
			check_excerpt(c, p, s, f, check_sniffed(c, s, f));
		} else if (p->block_case[i] != SIZE_MAX && is_data_lang(s->lang, &f)) {
			check_excerpt(c, p, s, f, p->block_case[i]);
		}
	}
	free(output);
}

/* ---- links -------------------------------------------------------------- */

static int is_external(const char *url)
{
	size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	return (n && url[n] == ':') || !strncmp(url, "//", 2);
}

/* Does 'fragment' name a heading of page 'rel', or a machine of step 'rel'? */
static int anchor_exists(struct gate_ctx *c, struct gate_page *p,
			 const char *rel, const char *fragment)
{
	if (has_suffix(rel, ".md") && !strcmp(rel, p->rel))
		return snippet_find_heading(&p->page, fragment) != NULL;
	if (has_suffix(rel, ".md")) {
		struct buf path = BUF_INIT;
		if (gate_path_(c, rel, &path)) {
			buf_release(&path);
			return 0;
		}
		struct snippet_page other;
		struct diag_list ignore = DIAG_LIST_INIT;
		snippet_page_load(&other, path.ptr, &ignore);
		int ok = snippet_find_heading(&other, fragment) != NULL;
		snippet_page_release(&other);
		diag_list_release(&ignore);
		buf_release(&path);
		return ok;
	}
	if (is_step_file(rel)) {
		struct loaded_file *lf = gate_saved_step_(c, rel);
		return !lf || loader_find(lf, fragment) != NULL;
	}
	return 1; /* other files have no anchors we can check */
}

static void check_link(struct gate_ctx *c, struct gate_page *p,
		       const struct snippet_link *l)
{
	const char *kind = l->image ? "image" : "link";
	struct buf name = BUF_INIT, rel = BUF_INIT, path = BUF_INIT;
	buf_addf(&name, "%s %s", kind, l->url);
	const char *hash = strchr(l->url, '#');
	/* "#x" is this page; anything else is relative to the page's folder */
	if ((l->url[0] == '#' ? gate_resolve_("", p->rel, &rel)
			      : gate_resolve_(p->dir, l->url, &rel)) ||
	    gate_path_(c, rel.ptr, &path)) {
		gate_add_(c->run, GATE_LINK, GATE_FAIL, name.ptr, l->pos,
			   "%s '%s' leaves the course folder", kind, l->url);
		goto out;
	}
	if (is_dir(path.ptr)) { /* a folder link shows its README.md */
		buf_addf(&rel, "%sREADME.md", rel.len ? "/" : "");
		if (gate_path_(c, rel.ptr, &path))
			buf_adds(&path, "/(outside)"); /* never a file */
	}
	if (!is_file(path.ptr)) {
		gate_add_(c->run, GATE_LINK, GATE_FAIL, name.ptr, l->pos,
			   "%s target '%s' does not exist", kind, rel.ptr);
		goto out;
	}
	if (is_step_file(rel.ptr)) {
		gate_saved_step_(c, rel.ptr);
		gate_use_step_(p, rel.ptr, l->pos.line);
	}
	if (hash && hash[1] && !anchor_exists(c, p, rel.ptr, hash + 1)) {
		gate_add_(c->run, GATE_LINK, GATE_FAIL, name.ptr, l->pos,
			   "no %s '%s' in '%s'", is_step_file(rel.ptr) ? "state machine" : "anchor",
			   hash + 1, rel.ptr);
		goto out;
	}
	gate_add_(c->run, GATE_LINK, GATE_PASS, name.ptr, l->pos, NULL);
out:
	buf_release(&name);
	buf_release(&rel);
	buf_release(&path);
}

static void check_links(struct gate_ctx *c, struct gate_page *p)
{
	for (size_t i = 0; i < p->page.nr_links; i++)
		if (!is_external(p->page.links[i].url) && p->page.links[i].url[0])
			check_link(c, p, &p->page.links[i]);
}

/* ---- --update ----------------------------------------------------------- */

static int edit_cmp(const void *a, const void *b)
{
	const struct gate_edit *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Writes the page with its edits applied; the rest stays byte for byte. */
static void apply_edits(struct gate_ctx *c, struct gate_page *p)
{
	if (!p->nr_edits)
		return;
	qsort(p->edits, p->nr_edits, sizeof(*p->edits), edit_cmp);
	struct buf out = BUF_INIT;
	size_t at = 0;
	for (size_t i = 0; i < p->nr_edits; i++) {
		buf_add(&out, p->page.text.ptr + at, p->edits[i].start - at);
		buf_adds(&out, p->edits[i].text);
		at = p->edits[i].end;
	}
	buf_add(&out, p->page.text.ptr + at, p->page.text.len - at);
	if (fileio_write_atomic(p->page.path, out.ptr, out.len))
		gate_add_(c->run, GATE_SNIPPET, GATE_FAIL, "--update",
			   (struct pos){ p->page.path, 0, 0 }, "cannot write the page");
	else
		c->run->updated += p->nr_edits;
	buf_release(&out);
}

/* ---- pages -------------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every saved step beside the page (DIR/saved-steps/), linked or not, loads
 * and validates; each file once per run. */
static void check_saved_steps_dir(struct gate_ctx *c, const char *dir)
{
	struct buf rel = BUF_INIT, path = BUF_INIT;
	buf_addf(&rel, "%s%ssaved-steps", dir, dir[0] ? "/" : "");
	if (strmap_get(&c->step_dirs, rel.ptr, rel.len)) {
		buf_release(&rel); /* a folder's pages share it: checked once */
		return;
	}
	strmap_put(&c->step_dirs, rel.ptr, rel.len, c);
	gate_path_(c, rel.ptr, &path);
	DIR *d = opendir(path.ptr);
	char **names = NULL;
	size_t n = 0, alloc = 0;
	for (struct dirent *e; d && (e = readdir(d)) && n < GATE_MAX_PAGES;) {
		if (e->d_name[0] != '.' && is_step_file(e->d_name)) {
			ARRAY_GROW(names, n + 1, alloc);
			names[n++] = xstrdup(e->d_name);
		}
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	size_t base = rel.len;
	for (size_t i = 0; i < n; i++) {
		buf_truncate(&rel, base);
		buf_addf(&rel, "/%s", names[i]);
		if (!gate_path_(c, rel.ptr, &path) && is_file(path.ptr))
			gate_saved_step_(c, rel.ptr);
		free(names[i]);
	}
	free(names);
	buf_release(&rel);
	buf_release(&path);
}

static void gate_page(struct gate_ctx *c, const char *rel)
{
	struct gate_page p;
	memset(&p, 0, sizeof(p));
	p.rel = rel;
	const char *slash = strrchr(rel, '/');
	p.dir = xstrndup(rel, slash ? (size_t)(slash - rel) : 0);
	struct buf path = BUF_INIT;
	gate_path_(c, rel, &path);
	struct diag_list errs = DIAG_LIST_INIT;
	if (snippet_page_load(&p.page, path.ptr, &errs)) {
		struct gate_case *k = gate_add_(c->run, GATE_SNIPPET, GATE_FAIL, "page",
						  (struct pos){ path.ptr, 0, 0 },
						  "%s", errs.items[0].message);
		(void)k;
	}
	for (size_t i = 0; i < errs.nr; i++)
		if (errs.items[i].severity != SEV_ERROR)
			diag_add(&c->run->notes, errs.items[i].pos, errs.items[i].severity,
				 errs.items[i].rule, "%s", errs.items[i].message);
	diag_list_release(&errs);
	check_snippets(c, &p);
	check_links(c, &p);
	gate_exec_page_(c, &p);
	check_snippets_after(c, &p);
	check_saved_steps_dir(c, p.dir);
	if (c->opt->update)
		apply_edits(c, &p);
	for (size_t i = 0; i < p.nr_edits; i++)
		free(p.edits[i].text);
	free(p.edits);
	for (size_t i = 0; i < p.nr_uses; i++)
		free(p.uses[i].rel);
	free(p.uses);
	free(p.as_data);
	free(p.block_case);
	steps_release(&p.steps);
	snippet_page_release(&p.page);
	free(p.dir);
	buf_release(&path);
}

/* The configuration: --config FILE, else the course's stepbook.yml (which
 * course.h has loaded and checked). */
static void load_config(struct gate_ctx *c, struct course *co)
{
	if (!c->opt->config) {
		c->config = co->config; /* taken over: course_release leaves it */
		co->config = NULL;
		return;
	}
	struct diag_list errs = DIAG_LIST_INIT;
	c->config = doc_new(c->opt->config);
	if (doc_load(c->config, &errs)) {
		struct gate_case *k = gate_add_(c->run, GATE_SNIPPET, GATE_FAIL, "configuration",
						(struct pos){ c->opt->config, 0, 0 },
						"the configuration does not load");
		k->diags = errs;
	} else {
		diag_list_release(&errs);
	}
}

static const char *config_str(const struct gate_ctx *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->config ? c->config->root : NULL, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void ctx_release(struct gate_ctx *c)
{
	account_free(c->account);
	for (size_t i = 0; i < c->nr_files; i++) { /* the account lent them */
		gate_free_models_(c->files[i].models, c->files[i].lf);
		loader_release(c->files[i].lf);
		free(c->files[i].lf);
	}
	free(c->files);
	for (size_t i = 0; i < c->env.nr; i++)
		free(c->env.entries[i].value);
	for (size_t i = 0; i < c->aliases.nr; i++)
		free(c->aliases.entries[i].value);
	for (size_t i = 0; i < c->raw_steps.nr; i++)
		doc_free(c->raw_steps.entries[i].value);
	strmap_release(&c->loaded);
	strmap_release(&c->step_dirs);
	strmap_release(&c->raw_steps);
	free(c->real_root);
	fileio_realdirs_release(c->real_dirs);
	free(c->real_dirs);
	strmap_release(&c->env);
	strmap_release(&c->aliases);
	free(c->last_machine);
	doc_free(c->config);
}

/* Cases of one file in page order (line, column); files in the order they
 * were first met; ties keep the order the checks ran in. */
struct order {
	size_t file, index;
	const struct gate_case *k;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->k->pos.line != y->k->pos.line)
		return x->k->pos.line < y->k->pos.line ? -1 : 1;
	if (x->k->pos.col != y->k->pos.col)
		return x->k->pos.col < y->k->pos.col ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void sort_cases(struct gate_run *run)
{
	struct strmap files = STRMAP_INIT;
	strmap_init(&files);
	struct order *o = xcalloc(run->nr + 1, sizeof(*o));
	for (size_t i = 0; i < run->nr; i++) {
		const char *f = run->cases[i].file;
		long at = strmap_index(&files, f, strlen(f));
		if (at < 0) {
			at = (long)files.nr;
			strmap_put(&files, f, strlen(f), (void *)1);
		}
		o[i] = (struct order){ (size_t)at, i, &run->cases[i] };
	}
	qsort(o, run->nr, sizeof(*o), order_cmp);
	struct gate_case *sorted = xcalloc(run->nr + 1, sizeof(*sorted));
	for (size_t i = 0; i < run->nr; i++) {
		sorted[i] = *o[i].k;
		sorted[i].pos.file = sorted[i].file;
	}
	free(run->cases);
	run->cases = sorted;
	run->alloc = run->nr + 1;
	free(o);
	strmap_release(&files);
}

int gate_course(struct gate_run *run, const struct gate_options *opt)
{
	struct gate_ctx c;
	memset(&c, 0, sizeof(c));
	c.opt = opt;
	c.run = run;
	strmap_init(&c.loaded);
	strmap_init(&c.step_dirs);
	strmap_init(&c.raw_steps);
	c.real_root = realpath(opt->root, NULL);
	c.real_dirs = xcalloc(1, sizeof(*c.real_dirs));
	strmap_init(&c.env);
	strmap_init(&c.aliases);
	struct course co;
	struct diag_list cd = DIAG_LIST_INIT;
	if (course_load(&co, opt->root, &cd)) {
		struct gate_case *k = gate_add_(run, GATE_SNIPPET, GATE_FAIL, "course",
						(struct pos){ opt->root, 0, 0 },
						"the course does not load");
		k->diags = cd;
	} else {
		for (size_t i = 0; i < cd.nr; i++) /* warnings */
			diag_add(&run->notes, cd.items[i].pos, cd.items[i].severity,
				 cd.items[i].rule, "%s", cd.items[i].message);
		diag_list_release(&cd);
	}
	load_config(&c, &co);
	const cJSON *cfg = c.config ? c.config->root : NULL;
	struct account_options ao = {
		config_str(&c, "region"), config_str(&c, "account"),
		1704067200000LL, 42,
		cJSON_GetObjectItemCaseSensitive(cfg, "mocks"),
		cJSON_GetObjectItemCaseSensitive(cfg, "api_keys"),
		co.s3_path,
	};
	c.account = account_new(&ao);
	for (size_t i = 0; i < co.nr_pages && i < GATE_MAX_PAGES; i++)
		gate_page(&c, co.pages[i].src);
	ctx_release(&c);
	course_release(&co);
	sort_cases(run);
	for (size_t i = 0; i < run->nr; i++) {
		enum gate_status s = run->cases[i].status;
		run->passed += s == GATE_PASS;
		run->failed += s == GATE_FAIL;
		run->skipped += s == GATE_SKIP;
	}
	return run->failed ? 1 : 0;
}
