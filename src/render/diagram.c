/* diagram.c - the ASL model as a cgraph graph, styled per the legend in
 * doc/diagram-legend.md: one node per state, Parallel and Map states as a
 * box (cluster) holding their branches, Start/End markers, edges for Next,
 * Choice rules, Default and Catch, Retry/timeout/heartbeat marks in labels.
 * Every string from the input reaches Graphviz only inside an HTML-like
 * label built with escape.h, so Graphviz's own backslash escapes (\N, \G,
 * \n...) never apply to it; node names (which Graphviz writes unescaped
 * into DOT) are the state name only when it is safe there.
 * Not here: layout and output (diagram_gv.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagram_impl.h"
#include "escape.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* A handler that more Catch edges than this run to is drawn as a small
 * "-> Handler" node beside each catching state instead (AUTO style): long
 * edges converging on one node cost dot most of its time (3.3 s against
 * 0.05 s measured at 200 states) and tangle the picture. */
#define CATCH_FANIN_EDGES 3
/* State names wrap into lines of about NAME_LINE_MAX bytes, at most
 * NAME_LINES_MAX of them (ASL allows 80 characters: every valid name is
 * shown whole, so two states never read the same); a longer, invalid name
 * is cut with an ellipsis.  Other detail lines are cut (the hover text,
 * <title>, has them whole): a diagram is an overview. */
#define NAME_LINE_MAX 26
#define NAME_LINES_MAX 6
#define LABEL_LINE_MAX 40
#define LABEL_ERRORS_MAX 32
/* Retriers listed in a label; more are summed up as "+N more". */
#define LABEL_RETRIERS_MAX 2
/* Lines of a Choice condition label, RULE_LINE_MAX bytes each. */
#define RULE_LINES_MAX 3
#define RULE_LINE_MAX 30
/* Error names listed on a Catch label, wrapped into lines of about
 * CATCH_LINE_MAX bytes (one AWS error name fits: the longest,
 * "States.ItemReaderFailed" and kin, are under 32), CATCH_LINES_MAX at
 * most; more names are summed up as "+N". */
#define CATCH_ERRORS_MAX 4
#define CATCH_LINE_MAX 36
#define CATCH_LINES_MAX 6
/* Bytes of hover text (<title>) per element: the full name and detail. */
#define HOVER_MAX 2048

/* How a state type looks; the legend documents this table. */
struct look {
	const char *cls, *shape, *style, *fill, *line;
	const char *peripheries;
};

static const struct look looks[] = {
	[ASL_TASK] = { "task", "box", "rounded,filled", "#dbeafe", "#1d4ed8", "1" },
	[ASL_PASS] = { "pass", "box", "rounded,filled,dashed", "#f3f4f6", "#4b5563", "1" },
	[ASL_CHOICE] = { "choice", "hexagon", "filled", "#fef3c7", "#b45309", "1" },
	[ASL_WAIT] = { "wait", "box", "filled,diagonals", "#ede9fe", "#6d28d9", "1" },
	[ASL_SUCCEED] = { "succeed", "box", "rounded,filled,bold", "#dcfce7", "#15803d", "1" },
	[ASL_FAIL] = { "fail", "box", "rounded,filled,bold", "#fee2e2", "#b91c1c", "1" },
	[ASL_PARALLEL] = { "parallel", "box", "rounded,filled", "#ccfbf1", "#0f766e", "1" },
	[ASL_MAP] = { "map", "box", "rounded,filled", "#fce7f3", "#be185d", "1" },
	[ASL_UNKNOWN] = { "unknown", "box", "filled,dashed", "#ffffff", "#6b7280", "1" },
};

/* Colours outside nodes are mid-tones readable on light and dark pages. */
/* Text is measured as DejaVu Sans (the widest candidate), see diagram_gv.c. */
#define FONT "Helvetica,Arial,sans-serif"
#define INK_EDGE "#6b7280"
#define INK_LABEL "#6b7280"
#define INK_RULE "#d97706"
#define INK_CATCH "#dc2626"
#define INK_MARKER "#4b5563"
#define INK_TEXT "#111827"
#define INK_SUBTEXT "#374151"
#define INK_FLOW "#0f766e"

struct draw {
	Agraph_t *root;
	const struct diagram_options *opt;
	const struct diagram_highlight *hl;
	struct diag_list *diags;
	struct strmap ids; /* ids handed out, to keep them unique */
	struct buf id, tmp, label;
	size_t serial;     /* for names of synthetic nodes and clusters */
	struct diagram_titles *titles; /* hover texts by id, or NULL */
	struct buf hover;  /* the hover text being made */
};

/* One machine being drawn: the top level, a branch or a Map processor. */
struct scope {
	const struct asl_machine *m;
	Agraph_t *g;        /* where its nodes go: root or a cluster */
	Agnode_t **in;      /* per state: where edges to it arrive */
	Agnode_t **out;     /* per state: where edges from it leave */
	const char **sid;   /* per state: its element id (owned by d->ids) */
	size_t *fanin;      /* per state: Catch edges running to it */
	Agnode_t *start;    /* Start marker, or the owner's header */
	Agnode_t *end;      /* End marker, or the owner's join; lazily */
	struct strmap missing; /* name -> "missing: NAME" node */
};

static void draw_scope(struct draw *d, const struct asl_machine *m,
		       Agraph_t *g, Agnode_t *start, Agnode_t *end, int branch);

/* ---- small helpers -------------------------------------------------- */

/* Attribute handles of the graph being built, by kind and name (every
 * name a string literal): agsafeset looked each name up in cgraph's
 * dictionaries, for the 200 attributes a diagram sets.  One graph is
 * built at a time (Graphviz is not reentrant): diagram_build_ resets it. */
#define ATTR_HANDLES_MAX 64
static struct {
	size_t nr;
	struct { int kind; const char *name; Agsym_t *sym; } at[ATTR_HANDLES_MAX];
} handles;

/* What agsafeset(obj, attr, value, "") does, the name looked up once. */
static void set(void *obj, const char *attr, const char *value)
{
	int kind = AGTYPE(obj);
	Agsym_t *sym = NULL;
	for (size_t i = 0; i < handles.nr && !sym; i++)
		if (handles.at[i].name == attr && handles.at[i].kind == kind)
			sym = handles.at[i].sym;
	if (!sym) {
		Agraph_t *root = agroot(obj);
		sym = agattr(root, kind, (char *)attr, NULL);
		if (!sym)
			sym = agattr(root, kind, (char *)attr, (char *)"");
		if (handles.nr < ATTR_HANDLES_MAX) {
			handles.at[handles.nr].kind = kind;
			handles.at[handles.nr].name = attr;
			handles.at[handles.nr++].sym = sym;
		}
	}
	agxset(obj, sym, (char *)value);
}

/* Sets an HTML-like attribute; html must be well-formed and escaped. */
static void set_html(struct draw *d, void *obj, const char *attr,
		     const char *html)
{
	char *s = agstrdup_html(d->root, (char *)html);
	set(obj, attr, s);
	agstrfree(d->root, s);
}

/* Appends s, escaped, cut at max bytes on a UTF-8 boundary with "...". */
static void add_text(struct buf *out, const char *s, size_t max)
{
	size_t len = strlen(s);
	if (len <= max) {
		escape_gv_label(out, s, len);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	escape_gv_label(out, s, max);
	buf_adds(out, "\xE2\x80\xA6"); /* U+2026 */
}

/* Appends text escaped and wrapped at the last space that fits (anywhere
 * in a word longer than a line) into lines of about line_max bytes, at most lines_max of them; what does
 * not fit is cut with an ellipsis. */
static void add_wrapped(struct buf *out, const char *text, size_t line_max,
			int lines_max)
{
	size_t len = strlen(text), at = 0;
	for (int line = 0; at < len; line++) {
		if (line)
			buf_adds(out, "<BR/>");
		size_t rest = len - at, cut = rest;
		if (rest > line_max) {
			cut = line_max;
			while (cut > 0 && text[at + cut] != ' ')
				cut--;
			if (!cut)
				cut = line_max;
			while (cut > 1 && ((unsigned char)text[at + cut] & 0xC0) == 0x80)
				cut--;
		}
		if (line == lines_max - 1 && cut < rest) {
			add_text(out, text + at, cut - 1);
			return;
		}
		escape_gv_label(out, text + at, cut);
		at += cut;
		while (at < len && text[at] == ' ')
			at++;
	}
}

static void add_value(struct buf *out, const cJSON *v)
{
	if (cJSON_IsNumber(v))
		buf_addf(out, "%g", v->valuedouble);
	else if (cJSON_IsString(v))
		add_text(out, v->valuestring, LABEL_LINE_MAX / 2);
	else
		buf_adds(out, "?");
}

/* Makes d->id unique in this diagram (a repeat gets "_2", "_3": nested
 * states may reuse a name in an invalid machine) and returns it, owned by
 * d->ids. */
static const char *claim_id(struct draw *d)
{
	size_t base = d->id.len;
	for (unsigned k = 2; strmap_get(&d->ids, d->id.ptr, d->id.len); k++) {
		buf_truncate(&d->id, base);
		buf_addf(&d->id, "_%u", k);
	}
	strmap_put(&d->ids, d->id.ptr, d->id.len, d);
	long at = strmap_index(&d->ids, d->id.ptr, d->id.len);
	return d->ids.entries[at].key;
}

/* The id of the state named name (NULL: none) + suffix, with the prefix. */
static const char *unique_id(struct draw *d, const char *name,
			     const char *suffix)
{
	buf_reset(&d->id);
	if (d->opt->id_prefix)
		escape_token(&d->id, d->opt->id_prefix, strlen(d->opt->id_prefix));
	if (name)
		escape_state_id(&d->id, name, strlen(name));
	buf_adds(&d->id, suffix);
	return claim_id(d);
}

/* A node name Graphviz writes back safely in DOT: no backslash (agwrite
 * does not escape it), no control character, no leading '%' (cgraph's
 * prefix for anonymous objects). */
static int dot_safe(const char *s)
{
	if (*s == '%')
		return 0;
	for (; *s; s++)
		if (*s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

/* A new node in g named name when that is safe and free, else by id. */
static Agnode_t *new_node(struct draw *d, Agraph_t *g, const char *name,
			  const char *id)
{
	if (name && dot_safe(name) && !agnode(d->root, (char *)name, 0))
		return agnode(g, (char *)name, 1);
	buf_reset(&d->tmp);
	buf_adds(&d->tmp, id);
	while (agnode(d->root, d->tmp.ptr, 0))
		buf_addf(&d->tmp, "_%zu", ++d->serial);
	return agnode(g, d->tmp.ptr, 1);
}

/* A synthetic node: name "~KIND-N" cannot clash (checked anyway). */
static Agnode_t *marker_node(struct draw *d, Agraph_t *g, const char *kind)
{
	buf_reset(&d->tmp);
	do {
		buf_reset(&d->tmp);
		buf_addf(&d->tmp, "~%s-%zu", kind, ++d->serial);
	} while (agnode(d->root, d->tmp.ptr, 0));
	return agnode(g, d->tmp.ptr, 1);
}

static const char *status_class(enum diagram_status st)
{
	switch (st) {
	case DIAGRAM_SUCCEEDED: return " run-succeeded";
	case DIAGRAM_FAILED: return " run-failed";
	case DIAGRAM_CAUGHT: return " run-caught";
	case DIAGRAM_NOT_TAKEN: return " run-not-taken";
	case DIAGRAM_UNSEEN: break;
	}
	return "";
}

static const char *status_color(enum diagram_status st)
{
	switch (st) {
	case DIAGRAM_SUCCEEDED: return "#16a34a";
	case DIAGRAM_FAILED: return "#dc2626";
	case DIAGRAM_CAUGHT: return "#ea580c";
	case DIAGRAM_NOT_TAKEN: return "#9ca3af";
	case DIAGRAM_UNSEEN: break;
	}
	return NULL;
}

static enum diagram_status state_status(struct draw *d,
					const struct asl_state *s)
{
	return d->hl && d->hl->state ? d->hl->state(s, d->hl->ctx)
				     : DIAGRAM_UNSEEN;
}

/* ---- hover texts ---------------------------------------------------- */

/* Files d->hover (plain text) as the hover text of element id. */
static void hover_set(struct draw *d, const char *id)
{
	if (!d->titles)
		return;
	struct buf *t = &d->titles->text;
	size_t at = t->len, n = d->hover.len;
	if (n > HOVER_MAX) {
		n = HOVER_MAX;
		while (n && ((unsigned char)d->hover.ptr[n] & 0xC0) == 0x80)
			n--;
	}
	escape_html(t, d->hover.ptr, n);
	buf_addc(t, '\0');
	strmap_put(&d->titles->ids, id, strlen(id), (void *)(uintptr_t)(at + 1));
}

static void hover_json(struct buf *h, const cJSON *v)
{
	if (cJSON_IsNumber(v))
		buf_addf(h, "%g", v->valuedouble);
	else if (cJSON_IsString(v))
		buf_adds(h, v->valuestring);
	else
		buf_adds(h, "?");
}

static void hover_errors(struct buf *h, const char **errors, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addf(h, "%s%s", i ? ", " : "", errors[i] ? errors[i] : "?");
}

/* Name, type, and what the label cuts or leaves out. */
static void hover_state(struct draw *d, const struct asl_state *s,
			const char *id)
{
	struct buf *h = &d->hover;
	buf_reset(h);
	buf_addf(h, "%s\n%s", s->name ? s->name : "?", asl_type_name(s->type));
	if (s->resource)
		buf_addf(h, " \xC2\xB7 %s", s->resource);
	if (s->nr_branches && s->type == ASL_PARALLEL)
		buf_addf(h, " \xC2\xB7 %zu branch%s", s->nr_branches,
			 s->nr_branches == 1 ? "" : "es");
	const cJSON *w = s->seconds ? s->seconds : s->seconds_path;
	const cJSON *ts = s->timestamp ? s->timestamp : s->timestamp_path;
	if (w || ts) {
		buf_adds(h, w ? " " : " until ");
		hover_json(h, w ? w : ts);
		buf_adds(h, w ? " s" : "");
	}
	if (s->error || s->error_path) {
		buf_adds(h, "\nerror ");
		hover_json(h, s->error ? s->error : s->error_path);
	}
	if (s->cause || s->cause_path) {
		buf_adds(h, "\ncause ");
		hover_json(h, s->cause ? s->cause : s->cause_path);
	}
	for (size_t i = 0; i < s->nr_retry; i++) {
		const struct asl_retrier *r = &s->retry[i];
		buf_addf(h, "\nretry %g\xC3\x97 (%gs, \xC3\x97%g) on ", r->max_attempts,
			 r->interval_seconds, r->backoff_rate);
		hover_errors(h, r->errors, r->nr_errors);
	}
	for (size_t i = 0; i < s->nr_catchers; i++) {
		const struct asl_catcher *c = &s->catchers[i];
		buf_adds(h, "\ncatch ");
		hover_errors(h, c->errors, c->nr_errors);
		buf_addf(h, " \xE2\x86\x92 %s", c->next ? c->next : "?");
	}
	const cJSON *t = s->timeout_seconds ? s->timeout_seconds : s->timeout_seconds_path;
	const cJSON *hb = s->heartbeat_seconds ? s->heartbeat_seconds : s->heartbeat_seconds_path;
	if (t) {
		buf_adds(h, "\ntimeout ");
		hover_json(h, t);
	}
	if (hb) {
		buf_adds(h, "\nheartbeat ");
		hover_json(h, hb);
	}
	if (s->comment)
		buf_addf(h, "\n%s", s->comment);
	hover_set(d, id);
}

/* A plain hover text for element id. */
static void hover_text(struct draw *d, const char *id, const char *text)
{
	buf_reset(&d->hover);
	buf_adds(&d->hover, text);
	hover_set(d, id);
}

/* ---- state nodes ---------------------------------------------------- */

/* "arn:aws:states:::lambda:invoke" -> "lambda:invoke"; a Lambda function
 * ARN -> "lambda: NAME"; anything else as written. */
static void add_resource(struct buf *out, const char *res)
{
	static const char states_arn[] = "arn:aws:states:::";
	const char *fn = strstr(res, ":function:");
	if (!strncmp(res, states_arn, sizeof(states_arn) - 1))
		add_text(out, res + sizeof(states_arn) - 1, LABEL_LINE_MAX);
	else if (!strncmp(res, "arn:", 4) && fn) {
		buf_adds(out, "lambda: ");
		add_text(out, fn + strlen(":function:"), LABEL_LINE_MAX);
	} else
		add_text(out, res, LABEL_LINE_MAX);
}

/* "States.Timeout", or "States.Timeout +2" for three error names. */
static void add_errors(struct buf *out, const char **errors, size_t n)
{
	add_text(out, n && errors[0] ? errors[0] : "?", LABEL_ERRORS_MAX);
	if (n > 1)
		buf_addf(out, " +%zu", n - 1);
}

/* The second line: the type and what it does in a few words. */
static void add_kind_line(struct buf *out, const struct asl_state *s)
{
	buf_adds(out, asl_type_name(s->type));
	switch (s->type) {
	case ASL_TASK:
		if (s->resource) {
			buf_adds(out, " \xC2\xB7 "); /* U+00B7 */
			add_resource(out, s->resource);
		}
		break;
	case ASL_WAIT:
		if (s->seconds || s->seconds_path) {
			buf_adds(out, " ");
			add_value(out, s->seconds ? s->seconds : s->seconds_path);
			buf_adds(out, " s");
		} else if (s->timestamp || s->timestamp_path) {
			buf_adds(out, " until ");
			add_value(out, s->timestamp ? s->timestamp : s->timestamp_path);
		}
		break;
	case ASL_FAIL:
		if (s->error || s->error_path) {
			buf_adds(out, " \xC2\xB7 ");
			add_value(out, s->error ? s->error : s->error_path);
		}
		break;
	case ASL_MAP:
		if (s->distributed)
			buf_adds(out, " (distributed)");
		if (s->max_concurrency || s->max_concurrency_path) {
			buf_adds(out, " \xC2\xB7 max ");
			add_value(out, s->max_concurrency ? s->max_concurrency
							  : s->max_concurrency_path);
		}
		break;
	case ASL_PARALLEL:
		buf_addf(out, " \xC2\xB7 %zu branch%s", s->nr_branches,
			 s->nr_branches == 1 ? "" : "es");
		break;
	case ASL_PASS: case ASL_CHOICE: case ASL_SUCCEED: case ASL_UNKNOWN:
		break;
	}
}

static void add_small(struct buf *out, const char *color)
{
	buf_addf(out, "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"%s\">", color);
}

/* Retry, timeout and heartbeat: what the console's graph does not show. */
static void add_marks(struct buf *out, const struct asl_state *s)
{
	for (size_t i = 0; i < s->nr_retry && i < LABEL_RETRIERS_MAX; i++) {
		const struct asl_retrier *r = &s->retry[i];
		add_small(out, "#9a3412");
		if (r->max_attempts <= 0)
			buf_adds(out, "no retry: ");
		else
			buf_addf(out, "\xE2\x86\xBB retry %g\xC3\x97 (%gs, \xC3\x97%g) ",
				 r->max_attempts, r->interval_seconds,
				 r->backoff_rate);
		add_errors(out, r->errors, r->nr_errors);
		buf_adds(out, "</FONT>");
	}
	if (s->nr_retry > LABEL_RETRIERS_MAX) {
		add_small(out, "#9a3412");
		buf_addf(out, "\xE2\x86\xBB +%zu more", s->nr_retry - LABEL_RETRIERS_MAX);
		buf_adds(out, "</FONT>");
	}
	const cJSON *t = s->timeout_seconds ? s->timeout_seconds : s->timeout_seconds_path;
	const cJSON *h = s->heartbeat_seconds ? s->heartbeat_seconds : s->heartbeat_seconds_path;
	if (!t && !h)
		return;
	add_small(out, "#1e3a8a");
	if (t) {
		buf_adds(out, "timeout ");
		add_value(out, t);
		buf_adds(out, cJSON_IsNumber(t) ? " s" : "");
	}
	if (h) {
		buf_adds(out, t ? " \xC2\xB7 heartbeat " : "heartbeat ");
		add_value(out, h);
		buf_adds(out, cJSON_IsNumber(h) ? " s" : "");
	}
	buf_adds(out, "</FONT>");
}

/* Output and Assign shape what leaves the state: one small line says the
 * state has them (their text is in the definition, not the picture). */
static void add_flow_marks(struct buf *out, const struct asl_state *s)
{
	if (!s->flow.output && !s->flow.assign)
		return;
	add_small(out, INK_FLOW);
	if (s->flow.output)
		buf_adds(out, "\xE2\x86\xA6 Output"); /* U+21A6 */
	if (s->flow.output && s->flow.assign)
		buf_adds(out, " \xC2\xB7 ");
	if (s->flow.assign)
		buf_adds(out, "\xE2\x89\x94 Assign"); /* U+2254 */
	buf_adds(out, "</FONT>");
}

static void state_label(struct draw *d, const struct asl_state *s)
{
	struct buf *l = &d->label;
	buf_reset(l);
	buf_addf(l, "<B>");
	add_wrapped(l, s->name ? s->name : "?", NAME_LINE_MAX, NAME_LINES_MAX);
	buf_adds(l, "</B>");
	add_small(l, INK_SUBTEXT);
	add_kind_line(l, s);
	buf_adds(l, "</FONT>");
	add_flow_marks(l, s);
	add_marks(l, s);
}

/* Styles a state node and gives it its id, class and label. */
static void style_state(struct draw *d, Agnode_t *n, const struct asl_state *s,
			const char *id)
{
	const struct look *lk = &looks[s->type];
	enum diagram_status st = state_status(d, s);
	set(n, "id", id);
	buf_reset(&d->tmp);
	buf_addf(&d->tmp, "state %s%s", lk->cls, status_class(st));
	set(n, "class", d->tmp.ptr);
	set(n, "shape", lk->shape);
	set(n, "style", lk->style);
	set(n, "fillcolor", lk->fill);
	set(n, "color", status_color(st) ? status_color(st) : lk->line);
	if (st != DIAGRAM_UNSEEN && st != DIAGRAM_NOT_TAKEN)
		set(n, "penwidth", "3");
	if (st == DIAGRAM_NOT_TAKEN)
		set(n, "fontcolor", "#9ca3af");
	state_label(d, s);
	set_html(d, n, "label", d->label.ptr);
	hover_state(d, s, id);
}

/* A Map processor says what it runs for; Parallel branches need no words. */
static void branch_label(struct draw *d, Agraph_t *bg,
			 const struct asl_state *s)
{
	if (s->type != ASL_MAP) {
		set(bg, "label", "");
		return;
	}
	buf_reset(&d->label);
	buf_adds(&d->label, "<FONT POINT-SIZE=\"9\">for each item");
	if (cJSON_IsString(s->items_path)) {
		buf_adds(&d->label, " of ");
		add_text(&d->label, s->items_path->valuestring, LABEL_LINE_MAX);
	}
	buf_adds(&d->label, "</FONT>");
	set_html(d, bg, "label", d->label.ptr);
	set(bg, "fontcolor", looks[ASL_MAP].line);
	set(bg, "labeljust", "l");
}

/* A frame around a Parallel branch of one state would frame a single node
 * and say nothing; it costs dot a cluster (3% of the layout of a diagram
 * with a Parallel of two one-state branches).  Map's processor is always
 * framed: its frame carries the "for each item" label. */
static int framed(const struct asl_state *s, size_t b)
{
	return s->type == ASL_MAP || s->branches[b]->nr_states != 1;
}

/* A Parallel or Map: a cluster holding the header node (the state itself,
 * where edges arrive), one sub-cluster per branch (see framed), and a join
 * bar at the bottom where edges leave. */
static void draw_box(struct draw *d, struct scope *sc, size_t i)
{
	const struct asl_state *s = &sc->m->states[i];
	const struct look *lk = &looks[s->type];
	buf_reset(&d->tmp);
	buf_addf(&d->tmp, "cluster_%zu", ++d->serial);
	Agraph_t *box = agsubg(sc->g, d->tmp.ptr, 1);
	buf_reset(&d->tmp);
	buf_addf(&d->tmp, "%s_box", sc->sid[i]);
	set(box, "id", d->tmp.ptr);
	buf_reset(&d->hover);
	buf_addf(&d->hover, "%s (%s)", s->name ? s->name : "?", asl_type_name(s->type));
	hover_set(d, d->tmp.ptr);
	buf_reset(&d->tmp);
	buf_addf(&d->tmp, "box %s", lk->cls);
	set(box, "class", d->tmp.ptr);
	set(box, "style", "rounded,dashed");
	set(box, "color", lk->line);
	set(box, "label", "");
	Agnode_t *head = new_node(d, box, s->name, sc->sid[i]);
	style_state(d, head, s, sc->sid[i]);
	Agnode_t *join = marker_node(d, box, "join");
	set(join, "shape", "box");
	set(join, "style", "filled");
	set(join, "fillcolor", lk->line);
	set(join, "color", lk->line);
	set(join, "width", "0.8");
	set(join, "height", "0.06");
	set(join, "fixedsize", "true");
	set(join, "label", "");
	set(join, "class", "join");
	buf_reset(&d->tmp);
	buf_addf(&d->tmp, "%s_join", sc->sid[i]);
	set(join, "id", d->tmp.ptr);
	buf_reset(&d->hover);
	buf_addf(&d->hover, s->type == ASL_MAP ? "%s: the iterations end here"
					       : "%s: the branches join here",
		 s->name ? s->name : "?");
	hover_set(d, d->tmp.ptr);
	sc->in[i] = head;
	sc->out[i] = join;
	for (size_t b = 0; b < s->nr_branches; b++) {
		if (!framed(s, b)) {
			draw_scope(d, s->branches[b], box, head, join, (int)b);
			continue;
		}
		buf_reset(&d->tmp);
		buf_addf(&d->tmp, "cluster_%zu", ++d->serial);
		Agraph_t *bg = agsubg(box, d->tmp.ptr, 1);
		buf_reset(&d->tmp);
		buf_addf(&d->tmp, "%s_branch%zu", sc->sid[i], b + 1);
		set(bg, "id", d->tmp.ptr);
		buf_reset(&d->hover);
		if (s->type == ASL_MAP)
			buf_addf(&d->hover, "%s: what runs for each item",
				 s->name ? s->name : "?");
		else
			buf_addf(&d->hover, "%s: branch %zu", s->name ? s->name : "?", b + 1);
		hover_set(d, d->tmp.ptr);
		set(bg, "style", "rounded");
		set(bg, "color", lk->line);
		set(bg, "class", "branch");
		branch_label(d, bg, s);
		draw_scope(d, s->branches[b], bg, head, join, (int)b);
	}
}

static void draw_state(struct draw *d, struct scope *sc, size_t i)
{
	const struct asl_state *s = &sc->m->states[i];
	switch (s->type) {
	case ASL_PARALLEL:
	case ASL_MAP:
		draw_box(d, sc, i);
		break;
	case ASL_TASK: case ASL_PASS: case ASL_CHOICE: case ASL_WAIT:
	case ASL_SUCCEED: case ASL_FAIL: case ASL_UNKNOWN:
		sc->in[i] = sc->out[i] = new_node(d, sc->g, s->name, sc->sid[i]);
		style_state(d, sc->in[i], s, sc->sid[i]);
		break;
	}
}

/* ---- markers -------------------------------------------------------- */

static Agnode_t *pill(struct draw *d, Agraph_t *g, const char *text,
		      const char *id)
{
	Agnode_t *n = marker_node(d, g, text);
	set(n, "shape", "box");
	set(n, "style", "rounded,filled");
	set(n, "fillcolor", INK_MARKER);
	set(n, "color", INK_MARKER);
	set(n, "fontcolor", "#ffffff");
	set(n, "fontsize", "10");
	set(n, "height", "0.3");
	set(n, "class", id);
	const char *nid = unique_id(d, NULL, id);
	set(n, "id", nid);
	set(n, "label", text);
	hover_text(d, nid, text);
	return n;
}

static Agnode_t *scope_end(struct draw *d, struct scope *sc)
{
	if (!sc->end)
		sc->end = pill(d, sc->g, "End", "end");
	return sc->end;
}

/* The red "missing: NAME" node for a target that names no state. */
static Agnode_t *missing_node(struct draw *d, struct scope *sc,
			      const char *name, struct pos pos)
{
	size_t len = strlen(name);
	Agnode_t *n = strmap_get(&sc->missing, name, len);
	if (n)
		return n;
	diag_add(d->diags, pos, SEV_WARNING, "diagram/missing-target",
		 "'%s' names no state; drawn as a red 'missing' node", name);
	n = marker_node(d, sc->g, "missing");
	set(n, "shape", "box");
	set(n, "style", "filled,dashed");
	set(n, "fillcolor", "#fee2e2");
	set(n, "color", INK_CATCH);
	set(n, "fontcolor", "#991b1b");
	set(n, "class", "missing");
	const char *id = unique_id(d, name, "_missing");
	set(n, "id", id);
	buf_reset(&d->label);
	buf_adds(&d->label, "missing: ");
	add_wrapped(&d->label, name, NAME_LINE_MAX, NAME_LINES_MAX);
	set_html(d, n, "label", d->label.ptr);
	buf_reset(&d->hover);
	buf_addf(&d->hover, "missing: no state is named %s", name);
	hover_set(d, id);
	strmap_put(&sc->missing, name, len, n);
	return n;
}

/* ---- edges ---------------------------------------------------------- */

struct edge_spec {
	enum diagram_edge_kind kind;
	size_t index;
	const char *cls;   /* "next", "rule", "default", "catch", "end" */
	const char *color;
	const char *label; /* HTML or NULL */
	int dashed;
	int numbered;      /* the id ends with index + 1 */
	enum diagram_status entry; /* an edge from a start: how the run went */
	const char *id_part; /* the id's word when not cls, or NULL */
	const char *hover;   /* plain text, or NULL */
};

static Agedge_t *draw_edge(struct draw *d, const struct asl_state *from,
			   const char *from_id, Agnode_t *t, Agnode_t *h,
			   const struct edge_spec *es)
{
	Agedge_t *e = agedge(d->root, t, h, NULL, 1);
	enum diagram_status st = es->entry;
	if (from && d->hl && d->hl->edge)
		st = d->hl->edge(from, es->kind, es->index, d->hl->ctx);
	buf_reset(&d->tmp);
	buf_addf(&d->tmp, "%s%s", es->cls, status_class(st));
	set(e, "class", d->tmp.ptr);
	buf_reset(&d->id);
	buf_adds(&d->id, from_id);
	const char *part = es->id_part ? es->id_part : es->cls;
	if (es->numbered)
		buf_addf(&d->id, "_%s%zu", part, es->index + 1);
	else
		buf_addf(&d->id, "_%s", part);
	const char *id = claim_id(d);
	set(e, "id", id);
	if (es->hover)
		hover_text(d, id, es->hover);
	set(e, "color", status_color(st) ? status_color(st) : es->color);
	if (st == DIAGRAM_SUCCEEDED || st == DIAGRAM_CAUGHT || st == DIAGRAM_FAILED)
		set(e, "penwidth", "2.5");
	if (es->dashed || st == DIAGRAM_NOT_TAKEN)
		set(e, "style", es->dashed ? "dashed" : "dotted");
	if (es->label) {
		set_html(d, e, "label", es->label);
		set(e, "fontcolor", es->kind == DIAGRAM_EDGE_CATCH ? INK_CATCH : INK_LABEL);
	}
	return e;
}

/* Where an edge to state 'index' (named name) arrives: the state, or the
 * red missing node when name names no state of this scope. */
static Agnode_t *target(struct draw *d, struct scope *sc, const char *name,
			int index, struct pos pos)
{
	if (index >= 0 && (size_t)index < sc->m->nr_states && sc->in[index])
		return sc->in[index];
	return missing_node(d, sc, name ? name : "?", pos);
}

/* "From -> To" and what follows: an edge's hover text, in d->hover. */
static char *edge_hover(struct draw *d, const struct asl_state *from,
			 const char *to, const char *rest)
{
	buf_reset(&d->hover);
	buf_addf(&d->hover, "%s \xE2\x86\x92 %s%s", from->name ? from->name : "?",
		 to ? to : "?", rest ? rest : "");
	return xstrdup(d->hover.ptr);
}

/* A JSONata Condition as a label: the expression without its {% %}, its
 * blanks collapsed to single spaces (the label cuts what is too long). */
static void describe_condition(const cJSON *cond, struct buf *out)
{
	if (cJSON_IsBool(cond))
		return buf_adds(out, cJSON_IsTrue(cond) ? "true" : "false");
	if (!cJSON_IsString(cond))
		return buf_adds(out, "?");
	const char *t = cond->valuestring;
	size_t n = strlen(t);
	if (n >= 4 && !strncmp(t, "{%", 2) && !strcmp(t + n - 2, "%}"))
		t += 2, n -= 4;
	int blank = 0;
	size_t start = out->len;
	for (size_t k = 0; k < n; k++) {
		if (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r') {
			blank = 1;
			continue;
		}
		if (blank && out->len > start)
			buf_addc(out, ' ');
		blank = 0;
		buf_addc(out, t[k]);
	}
}

static void rule_edges(struct draw *d, struct scope *sc, size_t i)
{
	const struct asl_state *s = &sc->m->states[i];
	struct buf cond = BUF_INIT, html = BUF_INIT;
	for (size_t r = 0; r < s->nr_choices; r++) {
		const struct asl_rule *rule = &s->choices[r];
		buf_reset(&cond);
		buf_reset(&html);
		buf_adds(&cond, ": ");
		if (rule->kind == ASL_RULE_CONDITION)
			describe_condition(rule->operand, &cond);
		else
			asl_rule_describe(rule, &cond);
		add_wrapped(&html, cond.ptr + 2, RULE_LINE_MAX, RULE_LINES_MAX);
		char *hover = edge_hover(d, s, rule->next, cond.ptr);
		struct edge_spec es = { DIAGRAM_EDGE_RULE, r, "rule", INK_RULE,
					html.ptr, 0, 1, DIAGRAM_UNSEEN, NULL, hover };
		draw_edge(d, s, sc->sid[i], sc->out[i],
			  target(d, sc, rule->next, rule->next_index, rule->pos), &es);
		free(hover);
	}
	if (s->default_next) {
		char *hover = edge_hover(d, s, s->default_next, " (Default)");
		struct edge_spec es = { DIAGRAM_EDGE_DEFAULT, 0, "default",
					INK_EDGE, "<I>default</I>", 0, 0,
					DIAGRAM_UNSEEN, NULL, hover };
		draw_edge(d, s, sc->sid[i], sc->out[i],
			  target(d, sc, s->default_next, s->default_index, s->pos), &es);
		free(hover);
	}
	buf_release(&cond);
	buf_release(&html);
}

static int catch_as_stub(struct draw *d, struct scope *sc,
			 const struct asl_catcher *c)
{
	if (c->next_index < 0)
		return 0;
	switch (d->opt->catch_style) {
	case DIAGRAM_CATCH_EDGES: return 0;
	case DIAGRAM_CATCH_STUBS: return 1;
	case DIAGRAM_CATCH_AUTO: break;
	}
	return sc->fanin[c->next_index] > CATCH_FANIN_EDGES;
}

/* A Catch's error names, wrapped: "States.Timeout, States.TaskFailed +2". */
static void add_catch_errors(struct buf *out, const struct asl_catcher *c)
{
	struct buf plain = BUF_INIT;
	size_t n = c->nr_errors < CATCH_ERRORS_MAX ? c->nr_errors : CATCH_ERRORS_MAX;
	hover_errors(&plain, c->errors, n);
	if (!c->nr_errors)
		buf_adds(&plain, "?");
	if (c->nr_errors > n)
		buf_addf(&plain, " +%zu", c->nr_errors - n);
	add_wrapped(out, plain.ptr, CATCH_LINE_MAX, CATCH_LINES_MAX);
	buf_release(&plain);
}

/* The small "errors -> Handler" node drawn beside a catching state, linked
 * to the handler's id. */
static Agnode_t *catch_stub(struct draw *d, struct scope *sc, size_t i,
			    const struct asl_catcher *c, const char *hover)
{
	Agnode_t *n = marker_node(d, sc->g, "catch");
	set(n, "shape", "box");
	set(n, "style", "rounded,filled,dashed");
	set(n, "fillcolor", "#fff1f2");
	set(n, "color", INK_CATCH);
	set(n, "fontcolor", "#991b1b");
	set(n, "fontsize", "9");
	set(n, "height", "0.3");
	set(n, "class", "catch-stub");
	buf_reset(&d->id);
	buf_addf(&d->id, "%s_stub%zu", sc->sid[i],
		 (size_t)(c - sc->m->states[i].catchers) + 1);
	const char *id = claim_id(d);
	set(n, "id", id);
	hover_text(d, id, hover);
	/* a linked node's hover text is its link's title: Graphviz writes the
	 * tooltip there (else the label's markup); it expands \N and kin, so
	 * a name with a backslash keeps the label */
	if (!strchr(hover, '\\'))
		set(n, "tooltip", hover);
	buf_reset(&d->tmp);
	buf_addc(&d->tmp, '#');
	buf_adds(&d->tmp, sc->sid[c->next_index]);
	set(n, "href", d->tmp.ptr);
	buf_reset(&d->label);
	add_catch_errors(&d->label, c);
	buf_adds(&d->label, "<BR/>\xE2\x86\x92 ");
	add_wrapped(&d->label, c->next, NAME_LINE_MAX, NAME_LINES_MAX);
	set_html(d, n, "label", d->label.ptr);
	if (sc->out[i] == sc->in[i]) {
		buf_reset(&d->tmp);
		buf_addf(&d->tmp, "~rank-%zu", ++d->serial);
		Agraph_t *same = agsubg(sc->g, d->tmp.ptr, 1);
		set(same, "rank", "same");
		agsubnode(same, sc->out[i], 1);
		agsubnode(same, n, 1);
	}
	return n;
}

static void catch_edges(struct draw *d, struct scope *sc, size_t i)
{
	const struct asl_state *s = &sc->m->states[i];
	struct buf html = BUF_INIT, rest = BUF_INIT;
	for (size_t k = 0; k < s->nr_catchers; k++) {
		const struct asl_catcher *c = &s->catchers[k];
		buf_reset(&rest);
		buf_adds(&rest, " on ");
		hover_errors(&rest, c->errors, c->nr_errors);
		char *hover = edge_hover(d, s, c->next, rest.ptr);
		struct edge_spec es = { DIAGRAM_EDGE_CATCH, k, "catch", INK_CATCH,
					NULL, 1, 1, DIAGRAM_UNSEEN, NULL, hover };
		Agnode_t *to;
		if (catch_as_stub(d, sc, c)) {
			to = catch_stub(d, sc, i, c, hover);
		} else {
			buf_reset(&html);
			add_catch_errors(&html, c);
			es.label = html.ptr;
			to = target(d, sc, c->next, c->next_index, c->pos);
		}
		draw_edge(d, s, sc->sid[i], sc->out[i], to, &es);
		free(hover);
	}
	buf_release(&html);
	buf_release(&rest);
}

/* Next, or the edge to End for End states, Succeed and Fail.  A Fail in a
 * branch or a Map processor ends the whole Parallel or Map with an error:
 * it has no edge to the join bar. */
static void next_edge(struct draw *d, struct scope *sc, size_t i)
{
	const struct asl_state *s = &sc->m->states[i];
	struct edge_spec es = { DIAGRAM_EDGE_NEXT, 0, "next", INK_EDGE, NULL, 0, 0,
				DIAGRAM_UNSEEN, NULL, NULL };
	if (s->next) {
		char *hover = edge_hover(d, s, s->next, NULL);
		es.hover = hover;
		draw_edge(d, s, sc->sid[i], sc->out[i],
			  target(d, sc, s->next, s->next_index, s->pos), &es);
		free(hover);
	} else if (s->type == ASL_FAIL && sc->m->owner) {
		return;
	} else if (s->end || s->type == ASL_SUCCEED || s->type == ASL_FAIL) {
		const struct asl_state *o = sc->m->owner;
		char *hover = edge_hover(d, s, !o ? "End" : o->type == ASL_MAP
					 ? "end of the iteration" : "end of the branch", NULL);
		es.cls = "end";
		es.hover = hover;
		draw_edge(d, s, sc->sid[i], sc->out[i], scope_end(d, sc), &es);
		free(hover);
	}
}

static void draw_edges(struct draw *d, struct scope *sc, size_t i)
{
	const struct asl_state *s = &sc->m->states[i];
	switch (s->type) {
	case ASL_CHOICE:
		rule_edges(d, sc, i);
		break;
	case ASL_TASK:
	case ASL_PARALLEL:
	case ASL_MAP:
		next_edge(d, sc, i);
		catch_edges(d, sc, i);
		break;
	case ASL_PASS: case ASL_WAIT: case ASL_SUCCEED: case ASL_FAIL:
	case ASL_UNKNOWN:
		next_edge(d, sc, i);
		break;
	}
}

/* The edge into the machine: from Start, or from the Parallel/Map header
 * into one of its branches. */
static void entry_edge(struct draw *d, struct scope *sc, int branch)
{
	const struct asl_machine *m = sc->m;
	if (!m->start_at)
		return;
	struct edge_spec es = { DIAGRAM_EDGE_NEXT, (size_t)branch, "next",
				INK_EDGE, NULL, 0, 0, DIAGRAM_UNSEEN, NULL, NULL };
	/* the run came in here when it reached the first state */
	if (m->start_index >= 0 && (size_t)m->start_index < m->nr_states) {
		enum diagram_status first = state_status(d, &m->states[m->start_index]);
		es.entry = first == DIAGRAM_UNSEEN || first == DIAGRAM_NOT_TAKEN
				   ? first : DIAGRAM_SUCCEEDED;
	}
	const char *from_id = agget(sc->start, (char *)"id");
	buf_reset(&d->hover);
	if (branch >= 0 && m->owner) {
		es.cls = "branch";
		es.id_part = "enter";
		es.numbered = 1;
		buf_addf(&d->hover, "%s \xE2\x86\x92 %s (", m->owner->name
			 ? m->owner->name : "?", m->start_at);
		if (m->owner->type == ASL_MAP)
			buf_adds(&d->hover, "for each item)");
		else
			buf_addf(&d->hover, "branch %d)", branch + 1);
	} else {
		buf_addf(&d->hover, "Start \xE2\x86\x92 %s", m->start_at);
	}
	char *hover = xstrdup(d->hover.ptr);
	es.hover = hover;
	draw_edge(d, NULL, from_id, sc->start,
		  target(d, sc, m->start_at, m->start_index, m->pos), &es);
	free(hover);
}

static void scope_init(struct scope *sc, const struct asl_machine *m,
		       Agraph_t *g, Agnode_t *start, Agnode_t *end)
{
	size_t n = m->nr_states ? m->nr_states : 1;
	memset(sc, 0, sizeof(*sc));
	sc->m = m;
	sc->g = g;
	sc->start = start;
	sc->end = end;
	sc->in = xcalloc(n, sizeof(*sc->in));
	sc->out = xcalloc(n, sizeof(*sc->out));
	sc->sid = xcalloc(n, sizeof(*sc->sid));
	sc->fanin = xcalloc(n, sizeof(*sc->fanin));
	strmap_init(&sc->missing);
	for (size_t i = 0; i < m->nr_states; i++) {
		const struct asl_state *s = &m->states[i];
		for (size_t k = 0; k < s->nr_catchers; k++) {
			int t = s->catchers[k].next_index;
			if (t >= 0 && (size_t)t < m->nr_states)
				sc->fanin[t]++;
		}
	}
}

static void scope_release(struct scope *sc)
{
	free(sc->in);
	free(sc->out);
	free(sc->sid);
	free(sc->fanin);
	strmap_release(&sc->missing);
}

/* Draws machine m into g.  start/end are the owner's header and join for
 * branch number 'branch', NULL and -1 at the top level (Start and End
 * markers are made here).
 * Recursion is bounded by ASL_MAX_NESTING. */
static void draw_scope(struct draw *d, const struct asl_machine *m,
		       Agraph_t *g, Agnode_t *start, Agnode_t *end, int branch)
{
	struct scope sc;
	scope_init(&sc, m, g, start, end);
	if (!start)
		sc.start = pill(d, g, "Start", "start");
	for (size_t i = 0; i < m->nr_states; i++)
		sc.sid[i] = unique_id(d, m->states[i].name, "");
	for (size_t i = 0; i < m->nr_states; i++)
		draw_state(d, &sc, i);
	entry_edge(d, &sc, branch);
	for (size_t i = 0; i < m->nr_states; i++)
		draw_edges(d, &sc, i);
	scope_release(&sc);
}

static void graph_defaults(struct draw *d)
{
	Agraph_t *g = d->root;
	static const char *const graph[][2] = {
		{ "rankdir", "TB" }, { "fontname", FONT },
		{ "bgcolor", "transparent" }, { "nodesep", "0.3" },
		{ "ranksep", "0.35" }, { "pad", "0.1" },
		{ "outputorder", "edgesfirst" }, { "fontcolor", INK_LABEL },
		{ "class", "stepbook-diagram" },
	};
	static const char *const node[][2] = {
		{ "fontname", FONT }, { "fontsize", "11" },
		{ "fontcolor", INK_TEXT }, { "margin", "0.12,0.05" },
		{ "height", "0.4" }, { "penwidth", "1.2" },
	};
	static const char *const edge[][2] = {
		{ "fontname", FONT }, { "fontsize", "9" },
		{ "color", INK_EDGE }, { "arrowsize", "0.7" },
		{ "penwidth", "1.2" },
	};
	for (size_t i = 0; i < sizeof(graph) / sizeof(graph[0]); i++)
		agattr(g, AGRAPH, (char *)graph[i][0], (char *)graph[i][1]);
	for (size_t i = 0; i < sizeof(node) / sizeof(node[0]); i++)
		agattr(g, AGNODE, (char *)node[i][0], (char *)node[i][1]);
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		agattr(g, AGEDGE, (char *)edge[i][0], (char *)edge[i][1]);
	const char *gid = unique_id(d, NULL, "diagram");
	set(g, "id", gid);
	hover_text(d, gid, d->opt->title ? d->opt->title : "");
	if (d->opt->title) {
		buf_reset(&d->label);
		add_wrapped(&d->label, d->opt->title, 2 * NAME_LINE_MAX, 3);
		set_html(d, g, "label", d->label.ptr);
		set(g, "labelloc", "t");
		set(g, "fontsize", "14");
	}
}

Agraph_t *diagram_build_(const struct asl_machine *m,
			 const struct diagram_options *opt, Agdisc_t *disc,
			 struct diagram_titles *titles, struct diag_list *diags)
{
	struct draw d;
	memset(&d, 0, sizeof(d));
	d.opt = opt;
	d.hl = opt->highlight;
	d.diags = diags;
	strmap_init(&d.ids);
	buf_init(&d.id);
	buf_init(&d.tmp);
	buf_init(&d.label);
	buf_init(&d.hover);
	d.titles = titles;
	d.root = agopen((char *)"stepbook", Agdirected, disc);
	handles.nr = 0;
	graph_defaults(&d);
	draw_scope(&d, m, d.root, NULL, NULL, -1);
	strmap_release(&d.ids);
	buf_release(&d.id);
	buf_release(&d.tmp);
	buf_release(&d.label);
	buf_release(&d.hover);
	return d.root;
}
