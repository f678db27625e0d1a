/* site_panel.c - the data-flow panels of an example the page ran: one
 * collapsible <details> per state visited, its input and each stage the
 * data went through (InputPath, Parameters, the result, ResultSelector,
 * ResultPath, OutputPath; Arguments and Output in JSONata; the variables),
 * as a definition list, so that what a field did to the data reads as
 * words and JSON, not as colour.  The record is plain JSON, so a forked
 * check process can hand it back as bytes, and the page needs no script.
 * Not here: running the example (gate.h), the path diagram (site_svg.c). */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "highlight.h"
#include "jsonout.h"
#include "site_impl.h"
#include "banned.h"

/* Panels per example: a Map over a thousand items visits thousands of
 * states; a reader learns from the first ones, and the page stays small. */
#define SITE_PANEL_MAX_VISITS 100
/* Bytes of one value shown in a panel (a payload may hold 256 KiB). */
#define SITE_PANEL_MAX_VALUE 4096

/* The stages a panel shows, in the order the data goes through them: the
 * recorder's stage (exec.h), the words, the field that makes it, and the
 * stage an unchanged value is the same as (or -1). */
static const struct stage {
	enum exec_stage k;
	const char *label, *field;
	int same_as; /* index into this table */
} stages[] = {
	/* 0 */ { EXEC_STAGE_INPUT, "Input", NULL, -1 },
	/* 1 */ { EXEC_STAGE_AFTER_INPUT_PATH, "After InputPath", "InputPath", 0 },
	/* 2 */ { EXEC_STAGE_AFTER_PARAMETERS, "After Parameters", "Parameters", 1 },
	/* 3 */ { EXEC_STAGE_AFTER_ARGUMENTS, "After Arguments", "Arguments", 0 },
	/* 4 */ { EXEC_STAGE_AFTER_ITEMS_PATH, "Items", "ItemsPath", -1 },
	/* 5 */ { EXEC_STAGE_AFTER_ITEM_SELECTOR, "After ItemSelector", "ItemSelector", -1 },
	/* 6 */ { EXEC_STAGE_AFTER_ITEM_BATCHER, "After ItemBatcher", "ItemBatcher", -1 },
	/* 7 */ { EXEC_STAGE_RESULT, "Result", NULL, -1 },
	/* 8 */ { EXEC_STAGE_AFTER_RESULT_SELECTOR, "After ResultSelector", "ResultSelector", 7 },
	/* 9 */ { EXEC_STAGE_ERROR, "Error", NULL, -1 },
	/* 10 */ { EXEC_STAGE_AFTER_RESULT_PATH, "After ResultPath", "ResultPath", 0 },
	/* 11 */ { EXEC_STAGE_OUTPUT, "Output", "OutputPath", 10 },
	/* 12 */ { EXEC_STAGE_VARIABLES, "Variables", "Assign", -1 },
};
#define NR_STAGES (sizeof(stages) / sizeof(*stages))

static const char *const outcome_words[] = {
	[EXEC_VISIT_SUCCEEDED] = "succeeded", [EXEC_VISIT_FAILED] = "failed",
	[EXEC_VISIT_CAUGHT] = "caught", [EXEC_VISIT_RETRIED] = "retried",
};

/* ---- the record ------------------------------------------------------------ */

/* v as the panel shows it: jq's layout, cut at a line past
 * SITE_PANEL_MAX_VALUE bytes with a note of what was left out. */
static void add_value(cJSON *obj, const char *key, const cJSON *v)
{
	struct buf b = BUF_INIT;
	jsonout_write(&b, v, JSONOUT_PRETTY);
	if (b.len > SITE_PANEL_MAX_VALUE) {
		size_t cut = SITE_PANEL_MAX_VALUE, total = b.len;
		while (cut && b.ptr[cut] != '\n')
			cut--;
		buf_truncate(&b, cut);
		buf_addf(&b, "\n\xe2\x80\xa6 (%zu more bytes not shown)", total - cut);
	}
	cJSON_AddStringToObject(obj, key, b.ptr);
	buf_release(&b);
}

/* A field as the panel names it: a path as written, "null", or "" for a
 * template (shown by its name alone). */
static void add_field(cJSON *fields, const char *name, const cJSON *f)
{
	if (cJSON_IsString(f))
		cJSON_AddStringToObject(fields, name, f->valuestring);
	else if (cJSON_IsNull(f))
		cJSON_AddStringToObject(fields, name, "null");
	else if (f)
		cJSON_AddStringToObject(fields, name, "");
}

/* The fields that made the visit's stages, as written; a caught error
 * is placed by its catcher's ResultPath, not the state's. */
static void add_fields(cJSON *rec, const struct exec_visit *v)
{
	const struct asl_state *st = v->state;
	cJSON *fields = cJSON_AddObjectToObject(rec, "fields");
	for (size_t i = 0; i < NR_STAGES; i++) {
		const char *name = stages[i].field;
		if (!name || (!strcmp(name, "ResultPath") && v->outcome == EXEC_VISIT_CAUGHT))
			continue;
		add_field(fields, name, cJSON_GetObjectItemCaseSensitive(st->json, name));
	}
	if (v->outcome == EXEC_VISIT_CAUGHT && v->branch >= 0 &&
	    (size_t)v->branch < st->nr_catchers) {
		const struct asl_catcher *c = &st->catchers[v->branch];
		add_field(fields, "ResultPath", c->result_path);
		cJSON_AddStringToObject(rec, "catcher", c->next ? c->next : "");
	}
}

static void add_stages(cJSON *rec, const struct exec_visit *v)
{
	for (size_t i = 0; v->inspection && i < NR_STAGES; i++) {
		const cJSON *x = v->inspection->stage[stages[i].k];
		if (x)
			add_value(rec, exec_stage_name(stages[i].k), x);
	}
}

static void add_visit(cJSON *visits, const struct exec_visit *v)
{
	cJSON *rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "state", v->state->name);
	cJSON_AddStringToObject(rec, "type", asl_type_name(v->state->type));
	cJSON_AddStringToObject(rec, "outcome", outcome_words[v->outcome]);
	add_fields(rec, v);
	add_stages(rec, v);
	cJSON_AddItemToArray(visits, rec);
}

cJSON *site_panel_record_(const struct exec_result *r)
{
	size_t inspected = 0;
	for (size_t i = 0; i < r->nr_visits && !inspected; i++)
		inspected = r->visits[i].inspection != NULL;
	if (!inspected) /* the example is not marked dataflow */
		return NULL;
	cJSON *rec = cJSON_CreateObject();
	const char *arn = r->machine_arn ? r->machine_arn : "";
	const char *name = strrchr(arn, ':');
	cJSON_AddStringToObject(rec, "machine", name ? name + 1 : arn);
	cJSON *visits = cJSON_AddArrayToObject(rec, "visits");
	size_t n = r->nr_visits < SITE_PANEL_MAX_VISITS ? r->nr_visits
							: SITE_PANEL_MAX_VISITS;
	for (size_t i = 0; i < n; i++)
		add_visit(visits, &r->visits[i]);
	cJSON_AddNumberToObject(rec, "more", (double)(r->nr_visits - n));
	return rec;
}

const char *site_panel_machine_(const cJSON *record)
{
	const char *m = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(record, "machine"));
	return m ? m : "";
}

/* ---- the panels -------------------------------------------------------------- */

static void esc(struct buf *out, const char *s)
{
	escape_html(out, s, strlen(s));
}

static const char *str(const cJSON *obj, const char *key)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
	return v ? v : "";
}

/* The value stage i is compared with: the nearest stage before it in its
 * chain that the visit has ("" when none). */
static const char *before_of(const cJSON *visit, int i, int *which)
{
	for (int j = stages[i].same_as; j >= 0; j = stages[j].same_as) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(visit, exec_stage_name(stages[j].k));
		if (cJSON_IsString(x)) {
			*which = j;
			return x->valuestring;
		}
	}
	return "";
}

/* The words for stage g of a visit: a caught error is placed by the
 * catcher's ResultPath; a state with no ResultSelector (a Pass) whose
 * recorder has no raw result shows its result as the shaped one. */
static const char *stage_label(const cJSON *visit, const struct stage *g)
{
	if (g->k == EXEC_STAGE_AFTER_RESULT_PATH &&
	    cJSON_GetObjectItemCaseSensitive(visit, "catcher"))
		return "After the catcher's ResultPath";
	if (g->k == EXEC_STAGE_AFTER_RESULT_SELECTOR &&
	    !cJSON_GetObjectItemCaseSensitive(visit, exec_stage_name(EXEC_STAGE_RESULT)) &&
	    !cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(visit, "fields"),
					     "ResultSelector"))
		return "Result";
	return g->label;
}

static void stage_html(const cJSON *visit, size_t i, struct buf *out)
{
	const struct stage *g = &stages[i];
	const char *text = str(visit, exec_stage_name(g->k));
	const char *field = g->field ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(visit, "fields"), g->field)) : NULL;
	buf_addf(out, "<dt>%s", stage_label(visit, g));
	if (field && field[0]) {
		if (g->k == EXEC_STAGE_OUTPUT) /* "Output" alone hides which field */
			buf_adds(out, ", after OutputPath");
		buf_addf(out, " <code class=\"df-field\">");
		esc(out, field);
		buf_adds(out, "</code>");
	} else if (!field && g->k == EXEC_STAGE_AFTER_RESULT_PATH) {
		/* the default that replaces the input: what most bugs come from */
		buf_adds(out, " <span class=\"df-default\">not set, so <code>$</code></span>");
	}
	buf_adds(out, "</dt>");
	int which = -1;
	const char *before = before_of(visit, (int)i, &which);
	if (which >= 0 && !strcmp(before, text)) {
		buf_addf(out, "<dd class=\"df-same\">unchanged (as %s)</dd>\n",
			 stages[which].label);
		return;
	}
	/* a cut value ends in a note (add_value), which JSON text cannot hold:
	 * a raw newline then U+2026 */
	const char *cut = strstr(text, "\n\xe2\x80\xa6 (");
	size_t n = cut ? (size_t)(cut - text) : strlen(text);
	buf_adds(out, "<dd><pre><code class=\"language-json\">");
	highlight_code("json", text, n, out);
	if (cut) {
		buf_adds(out, "\n<span class=\"df-cut\">");
		esc(out, cut + 1);
		buf_adds(out, "</span>");
	}
	buf_adds(out, "</code></pre></dd>\n");
}

/* A stage whose field the state does not write and that left the data
 * as it was: noise in the panel (InputPath $, no Parameters...).  Not the
 * result, ResultPath (its default replaces the input) or the output. */
static int did_nothing(const cJSON *visit, size_t i)
{
	const struct stage *g = &stages[i];
	int which = -1;
	if (!g->field || g->k == EXEC_STAGE_AFTER_RESULT_PATH || g->k == EXEC_STAGE_OUTPUT ||
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(visit, "fields"),
					     g->field))
		return 0;
	const char *before = before_of(visit, (int)i, &which);
	return which >= 0 && !strcmp(before, str(visit, exec_stage_name(g->k)));
}

static void visit_html(const cJSON *visit, int step, struct buf *out)
{
	const char *outcome = str(visit, "outcome");
	buf_adds(out, "<details class=\"df-state\" data-outcome=\"");
	escape_attr(out, outcome, strlen(outcome));
	buf_addf(out, "\"><summary><span class=\"df-step\">%d.</span> "
		      "<span class=\"df-name\">", step);
	esc(out, str(visit, "state"));
	buf_adds(out, "</span> <span class=\"df-type\">");
	esc(out, str(visit, "type"));
	buf_adds(out, "</span> <span class=\"df-outcome\">");
	esc(out, outcome);
	buf_adds(out, "</span></summary>\n<dl class=\"df-stages\">\n");
	size_t shown = 0;
	for (size_t i = 0; i < NR_STAGES; i++)
		if (cJSON_GetObjectItemCaseSensitive(visit, exec_stage_name(stages[i].k)) &&
		    !did_nothing(visit, i)) {
			stage_html(visit, i, out);
			shown++;
		}
	if (!shown)
		buf_adds(out, "<dt>Data</dt><dd>not recorded for this state</dd>\n");
	buf_adds(out, "</dl></details>\n");
}

void site_panel_html_(const cJSON *record, const char *input, struct buf *out)
{
	const cJSON *visits = cJSON_GetObjectItemCaseSensitive(record, "visits");
	buf_adds(out, "<section class=\"dataflow-panels\" aria-label=\"Data flow of "
		      "example ");
	escape_attr(out, input, strlen(input));
	buf_adds(out, "\"><p class=\"dataflow-title\">What each state did to the "
		      "data of example <code>");
	esc(out, input);
	buf_adds(out, "</code>, in the order the execution ran them "
		      "<button class=\"df-toggle\" type=\"button\" hidden>Open all"
		      "</button></p>\n");
	int step = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, visits)
		visit_html(v, ++step, out);
	const cJSON *more = cJSON_GetObjectItemCaseSensitive(record, "more");
	if (cJSON_IsNumber(more) && more->valuedouble >= 1)
		buf_addf(out, "<p class=\"df-more\">%.0f more state visits not shown.</p>\n",
			 more->valuedouble);
	buf_adds(out, "</section>\n");
}

const cJSON *site_example_panel_(struct site *s, const char *input)
{
	struct buf k = BUF_INIT;
	buf_adds(&k, s->course.pages[s->cur].src);
	buf_addc(&k, '\n');
	buf_adds(&k, input);
	const cJSON *rec = strmap_get(&s->panels, k.ptr, k.len);
	buf_release(&k);
	return rec;
}
