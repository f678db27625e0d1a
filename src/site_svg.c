/* site_svg.c - a plain SVG drawing of a machine: states stacked in
 * definition order, transitions to the next state straight down, others as
 * curves on the right.  It stands in for the Graphviz renderer (diagram.h)
 * until that lands; the figure markup around it stays. */
#include <string.h>

#include "site_impl.h"
#include "banned.h"

#define BOX_H 46
#define GAP 30
#define TOP 54

static void add_target(int *t, size_t *n, int j)
{
	if (j < 0)
		return;
	for (size_t k = 0; k < *n; k++)
		if (t[k] == j)
			return;
	if (*n < 64)
		t[(*n)++] = j;
}

/* Distinct targets of state i (at most 64 drawn). */
static size_t targets(const struct asl_state *st, int *t)
{
	size_t n = 0;
	add_target(t, &n, st->next_index);
	for (size_t k = 0; k < st->nr_choices; k++)
		add_target(t, &n, st->choices[k].next_index);
	add_target(t, &n, st->default_index);
	for (size_t k = 0; k < st->nr_catchers; k++)
		add_target(t, &n, st->catchers[k].next_index);
	return n;
}

static void esc(struct buf *out, const char *s)
{
	tmpl_escape_html(out, s, strlen(s));
}

/* The states in words: the figure's text alternative. */
static void describe(const struct asl_machine *m, const char *name,
		     struct buf *out)
{
	buf_addf(out, "State machine %s, %zu state%s.", name, m->nr_states,
		 m->nr_states == 1 ? "" : "s");
	if (m->start_at)
		buf_addf(out, " Starts at %s.", m->start_at);
	for (size_t i = 0; i < m->nr_states; i++) {
		const struct asl_state *st = &m->states[i];
		int t[64];
		size_t n = targets(st, t);
		buf_addf(out, " %s (%s)", st->name, asl_type_name(st->type));
		for (size_t k = 0; k < n; k++)
			buf_addf(out, "%s%s", k ? " or " : " goes to ",
				 m->states[t[k]].name);
		buf_adds(out, n ? "." : " ends.");
	}
}

static void draw_edge(struct buf *out, size_t i, size_t j, int w, int *lane)
{
	int y1 = TOP + (int)i * (BOX_H + GAP), y2 = TOP + (int)j * (BOX_H + GAP);
	if (j == i + 1) {
		buf_addf(out, "<path class=\"sm-edge\" d=\"M%d %d V%d\" marker-end=\"url(#sm-arrow)\"/>", 20 + w / 2,
			 y1 + BOX_H, y2 - 2);
		return;
	}
	int x = 20 + w, off = 24 + 14 * (*lane)++;
	int ys = y1 + BOX_H / 2 + (j < i ? -8 : 8), ye = y2 + BOX_H / 2;
	buf_addf(out, "<path class=\"sm-edge sm-jump\" d=\"M%d %d C%d %d %d %d %d %d\" marker-end=\"url(#sm-arrow)\"/>",
		 x, ys, x + off, ys, x + off, ye, x + 2, ye);
}

static void draw_state(struct buf *out, const struct asl_state *st, size_t i,
		       int w)
{
	int y = TOP + (int)i * (BOX_H + GAP);
	const char *type = asl_type_name(st->type);
	int end = st->end || st->type == ASL_SUCCEED || st->type == ASL_FAIL;
	buf_addf(out, "<g class=\"sm-state sm-%s%s\"><rect x=\"20\" y=\"%d\" "
		      "width=\"%d\" height=\"%d\" rx=\"8\"/>",
		 type, end ? " sm-end" : "", y, w, BOX_H);
	buf_addf(out, "<text x=\"%d\" y=\"%d\" class=\"sm-name\">", 20 + w / 2,
		 y + 20);
	esc(out, st->name);
	buf_addf(out, "</text><text x=\"%d\" y=\"%d\" class=\"sm-type\">%s",
		 20 + w / 2, y + 37, type);
	if (st->nr_branches)
		buf_addf(out, " \xc2\xb7 %zu branch%s", st->nr_branches,
			 st->nr_branches == 1 ? "" : "es");
	buf_adds(out, "</text></g>");
}

void site_svg_figure_(const struct asl_machine *m, const char *name,
		      struct buf *out)
{
	size_t longest = 12;
	for (size_t i = 0; i < m->nr_states; i++)
		if (strlen(m->states[i].name) > longest)
			longest = strlen(m->states[i].name);
	int w = (int)(longest > 60 ? 60 : longest) * 8 + 40;
	int lanes = 0;
	for (size_t i = 0; i < m->nr_states; i++) {
		int t[64];
		size_t n = targets(&m->states[i], t);
		for (size_t k = 0; k < n; k++)
			lanes += (size_t)t[k] != i + 1;
	}
	int width = w + 60 + 14 * lanes, height = TOP + (int)m->nr_states * (BOX_H + GAP);
	struct buf alt = BUF_INIT;
	describe(m, name, &alt);
	buf_adds(out, "<figure class=\"diagram\"><div class=\"diagram-view\" tabindex=\"0\">");
	buf_addf(out, "<svg class=\"sm\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		      "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" aria-label=\"",
		 width, height, width, height);
	esc(out, alt.ptr);
	buf_adds(out, "\"><title>");
	esc(out, alt.ptr);
	buf_adds(out, "</title><defs><marker id=\"sm-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
		      "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
		      "<path d=\"M0 0L10 5L0 10z\" class=\"sm-head\"/></marker></defs>");
	buf_addf(out, "<circle class=\"sm-start\" cx=\"%d\" cy=\"14\" r=\"7\"/>"
		      "<path class=\"sm-edge\" d=\"M%d 21 V%d\" marker-end=\"url(#sm-arrow)\"/>", 20 + w / 2,
		 20 + w / 2, TOP - 2);
	int lane = 0;
	for (size_t i = 0; i < m->nr_states; i++) {
		int t[64];
		size_t n = targets(&m->states[i], t);
		for (size_t k = 0; k < n; k++)
			draw_edge(out, i, (size_t)t[k], w, &lane);
	}
	for (size_t i = 0; i < m->nr_states; i++)
		draw_state(out, &m->states[i], i, w);
	buf_adds(out, "</svg></div><figcaption>");
	esc(out, name);
	buf_addf(out, " \xe2\x80\x94 %zu state%s</figcaption></figure>\n",
		 m->nr_states, m->nr_states == 1 ? "" : "s");
	buf_release(&alt);
}
