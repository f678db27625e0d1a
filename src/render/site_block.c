/* site_block.c - what the site adds after a code block of a page.  A block
 * that holds a whole state machine definition gets its diagram, whatever
 * its label says: `stepbook check` reads a ```java block around a pasted
 * definition as the definition it is (check/block-label), and the site
 * draws what check reads, by the same rules.  An example marked dataflow
 * whose path no image of the page draws gets its data-flow panels after
 * its input block, beside the path drawn on the definition block it ran
 * on when there is one.
 * Not here: the code block itself (html.c), the panels (site_panel.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "site_impl.h"
#include "validate.h"
#include "xalloc.h"
#include "banned.h"

/* A whole definition in a block of the page: modelled once, drawn after
 * the block, and again with a path if an example ran on it. */
struct block_machine {
	unsigned line;           /* the block's opening fence */
	struct loaded_file lf;
	struct asl_machine *model;
	unsigned run_figures;    /* path figures drawn of it: id suffixes */
};

struct site_blocks {
	struct snippet_page page;
	struct strmap drawn_paths; /* NAME of each image titled input=NAME */
	struct block_machine *machines;
	size_t nr_machines, alloc_machines;
};

static int is_label(const char *lang, const char *const *labels, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(lang, labels[i]))
			return 1;
	return 0;
}

/* The format a block's definition would be read in, or -1 when the block
 * is not one `stepbook check` reads as a definition: labelled json or
 * yaml; JSON (it opens with '{') under another label; YAML that names
 * StartAt under another label.  Inputs, outputs, fragments, blocks marked
 * skip or fail are not definitions to draw. */
static int block_format(const struct snippet *s)
{
	static const char *const json[] = { "json", "jsonc", "json5" };
	static const char *const yaml[] = { "yaml", "yml" };
	static const char *const never[] = { "http", "bash", "sh", "shell",
					     "console", "zsh", "shell-session" };
	if (s->input || s->expect || (s->flags & (SNIPPET_SKIP | SNIPPET_FAIL |
			SNIPPET_OUTPUT | SNIPPET_FRAGMENT | SNIPPET_NOTIFICATION)))
		return -1;
	if (is_label(s->lang, json, sizeof(json) / sizeof(*json)))
		return DOC_JSON;
	if (is_label(s->lang, yaml, sizeof(yaml) / sizeof(*yaml)))
		return DOC_YAML;
	if (is_label(s->lang, never, sizeof(never) / sizeof(*never)))
		return -1;
	const char *t = s->text + strspn(s->text, " \t\r\n");
	if (*t == '{')
		return DOC_JSON;
	return strstr(t, "StartAt") ? DOC_YAML : -1;
}

/* Models block s when it holds one whole valid definition, named as check
 * deploys it (definition-LINE).  Returns it (owned by b), or NULL. */
static struct block_machine *model_block(struct site *s, struct site_blocks *b,
					 const struct snippet *sn)
{
	int f = block_format(sn);
	if (f < 0)
		return NULL;
	const char *page = s->course.pages[s->cur].src, *slash = strrchr(page, '/');
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%.*s%sdefinition-%u.asl.%s", s->course.root,
		 slash ? (int)(slash - page) : 0, page, slash ? "/" : "",
		 sn->fence.line, f == DOC_JSON ? "json" : "yml");
	struct block_machine m = { sn->fence.line, { 0 }, NULL, 0 };
	struct diag_list diags = DIAG_LIST_INIT;
	int ok = !loader_load_buffer(&m.lf, path.ptr, sn->text, sn->len, NULL, &diags) &&
		 m.lf.nr_machines == 1 && m.lf.kind == LOADER_ASL &&
		 cJSON_GetObjectItemCaseSensitive(m.lf.machines[0].definition, "StartAt");
	if (ok) {
		m.model = asl_build(m.lf.machines[0].definition, m.lf.machines[0].doc,
				    &diags);
		validate_machine(m.model, &diags);
		ok = !diags.errors; /* check shows why; a figure would mislead */
	}
	diag_list_release(&diags);
	buf_release(&path);
	if (!ok) {
		asl_free(m.model);
		loader_release(&m.lf);
		return NULL;
	}
	ARRAY_GROW(b->machines, b->nr_machines + 1, b->alloc_machines);
	b->machines[b->nr_machines] = m;
	return &b->machines[b->nr_machines++];
}

/* The block machine an execution ran: check deploys block LINE as
 * definition-LINE, which the account names as CloudFormation would
 * (Definition-LINEStepFunctionsStateMachine-SUFFIX). */
static struct block_machine *find_machine(struct site_blocks *b, const char *name)
{
	static const char tail[] = "StepFunctionsStateMachine-";
	if ((name[0] != 'd' && name[0] != 'D') || strncmp(name + 1, "efinition-", 10))
		return NULL;
	char *end;
	unsigned long line = strtoul(name + 11, &end, 10);
	if (end == name + 11 || (*end && strncmp(end, tail, sizeof(tail) - 1)))
		return NULL;
	for (size_t i = 0; i < b->nr_machines; i++)
		if (b->machines[i].line == line)
			return &b->machines[i];
	return NULL;
}

void site_blocks_begin_(struct site *s, size_t i, struct md_doc *md)
{
	site_blocks_end_(s);
	struct site_blocks *b = xcalloc(1, sizeof(*b));
	struct buf path = BUF_INIT, text = BUF_INIT;
	struct diag_list ignore = DIAG_LIST_INIT; /* check reports them */
	const char *why;
	buf_addf(&path, "%s/%s", s->course.root, s->course.pages[i].src);
	fileio_read(path.ptr, &text, &why); /* unread: no blocks */
	snippet_page_walk(&b->page, path.ptr, text.ptr, text.len, md, &ignore);
	strmap_init(&b->drawn_paths);
	size_t n;
	const struct md_item *items = markdown_items(md, &n);
	for (size_t k = 0; k < n; k++) {
		char *name = items[k].kind == MD_IMAGE ? html_title_input(items[k].info) : NULL;
		if (name)
			strmap_put(&b->drawn_paths, name, strlen(name), b);
		free(name);
	}
	diag_list_release(&ignore);
	buf_release(&path);
	buf_release(&text);
	s->blocks = b;
}

void site_blocks_end_(struct site *s)
{
	struct site_blocks *b = s->blocks;
	if (!b)
		return;
	for (size_t i = 0; i < b->nr_machines; i++) {
		asl_free(b->machines[i].model);
		loader_release(&b->machines[i].lf);
	}
	free(b->machines);
	strmap_release(&b->drawn_paths);
	snippet_page_release(&b->page);
	free(b);
	s->blocks = NULL;
}

static const struct snippet *block_at(const struct site_blocks *b, unsigned line)
{
	for (size_t i = 0; i < b->page.nr; i++)
		if (b->page.snippets[i].fence.line == line)
			return &b->page.snippets[i];
	return NULL;
}

int site_example_dataflow_(const struct site *s, const char *input)
{
	const struct site_blocks *b = s->blocks;
	for (size_t i = 0; b && i < b->page.nr; i++) {
		const struct snippet *sn = &b->page.snippets[i];
		if (sn->input && !strcmp(sn->input, input) &&
		    (sn->flags & SNIPPET_DATAFLOW))
			return 1;
	}
	return 0;
}

/* The panels of example sn, which no image of the page draws: beside its
 * path on the page's definition block it ran on, if it ran on one. */
static void example_panels(struct site *s, const struct snippet *sn,
			   struct buf *out)
{
	const cJSON *rec = site_example_panel_(s, sn->input);
	if (!rec)
		return; /* check did not run it: its mark says so */
	struct block_machine *m = find_machine(s->blocks, site_panel_machine_(rec));
	struct diagram_run *run = site_example_run_(s, sn->input);
	buf_adds(out, "<div class=\"dataflow\">\n");
	if (m && run) {
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "b%u-run%u-", m->line, m->run_figures++);
		struct site_run_figure rf = { diagram_run_highlight(run), sn->input };
		if (site_svg_figure_(s, m->model, m->lf.machines[0].name, prefix, &rf, out))
			s->status = -1;
	}
	site_panel_html_(rec, sn->input, out);
	buf_adds(out, "</div>\n");
}

void site_after_block_(void *ctx, struct pos fence, struct buf *out)
{
	struct site *s = ctx;
	const struct snippet *sn = s->blocks ? block_at(s->blocks, fence.line) : NULL;
	if (!sn)
		return;
	if (sn->input && (sn->flags & SNIPPET_DATAFLOW) &&
	    !strmap_get(&s->blocks->drawn_paths, sn->input, strlen(sn->input))) {
		example_panels(s, sn, out);
		return;
	}
	struct block_machine *m = model_block(s, s->blocks, sn);
	if (!m)
		return;
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "b%u-", m->line);
	if (site_svg_figure_(s, m->model, m->lf.machines[0].name, prefix, NULL, out))
		s->status = -1;
}
