/* site_svg.c - a machine as a figure of the site: the Graphviz SVG from
 * diagram.h inlined (prolog dropped), a text alternative that says the
 * states in words, a caption.  Zoom and pan are the theme script's. */
#include <string.h>

#include "diagram.h"
#include "escape.h"
#include "site_impl.h"
#include "banned.h"

/* Targets of state st, each once (at most 64 listed). */
static size_t targets(const struct asl_state *st, int *t)
{
	int all[64];
	size_t n = 0, k;
	all[n++] = st->next_index;
	for (k = 0; k < st->nr_choices && n < 63; k++)
		all[n++] = st->choices[k].next_index;
	all[n++] = st->default_index;
	size_t out = 0;
	for (k = 0; k < n; k++) {
		size_t j = 0;
		while (j < out && t[j] != all[k])
			j++;
		if (all[k] >= 0 && j == out)
			t[out++] = all[k];
	}
	for (k = 0; k < st->nr_catchers && out < 64; k++)
		if (st->catchers[k].next_index >= 0)
			t[out++] = st->catchers[k].next_index;
	return out;
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
		if (st->nr_branches)
			buf_addf(out, " with %zu branch%s", st->nr_branches,
				 st->nr_branches == 1 ? "" : "es");
		for (size_t k = 0; k < n; k++)
			buf_addf(out, "%s%s", k ? " or " : " goes to ",
				 m->states[t[k]].name);
		buf_adds(out, n ? "." : " ends.");
	}
}

/* The figure: the <svg> element (rest: its text after "<svg", n bytes)
 * with the text alternative on it, and the caption. */
static void wrap(const struct asl_machine *m, const char *name,
		 const struct site_run_figure *run, const char *rest, size_t n,
		 struct buf *out)
{
	struct buf alt = BUF_INIT;
	describe(m, name, &alt);
	if (run)
		buf_addf(&alt, " Highlighted: the path of example %s.", run->input);
	buf_addf(out, "<figure class=\"diagram%s\"><div class=\"diagram-view\" "
		      "tabindex=\"0\">", run ? " diagram-run" : "");
	buf_adds(out, "<svg role=\"img\" aria-label=\"");
	escape_attr(out, alt.ptr, alt.len);
	buf_adds(out, "\"");
	buf_add(out, rest, n);
	buf_adds(out, "</div><figcaption>");
	escape_html(out, name, strlen(name));
	buf_addf(out, " \xe2\x80\x94 %zu state%s", m->nr_states,
		 m->nr_states == 1 ? "" : "s");
	if (run) {
		buf_adds(out, ", the path of example <code>");
		escape_html(out, run->input, strlen(run->input));
		buf_adds(out, "</code>");
	}
	buf_adds(out, "</figcaption></figure>\n");
	buf_release(&alt);
}

int site_svg_copy_(const struct asl_machine *m, const char *name,
		   const struct buf *fig, struct buf *out)
{
	static const char head[] = "<svg role=\"img\" aria-label=\"";
	const char *start = strstr(fig->ptr, head);
	const char *rest = start ? strchr(start + sizeof(head) - 1, '"') : NULL;
	const char *end = rest ? strstr(rest, "</svg>") : NULL;
	if (!end)
		return -1;
	end += 6;
	wrap(m, name, NULL, rest + 1, (size_t)(end - rest - 1), out);
	return 0;
}

int site_svg_figure_(struct site *s, const struct asl_machine *m,
		     const char *name, const char *id_prefix,
		     const struct site_run_figure *run, struct buf *out)
{
	struct buf svg = BUF_INIT;
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list ignored = DIAG_LIST_INIT; /* shown on the step page */
	opt.id_prefix = id_prefix;
	opt.highlight = run ? &run->highlight : NULL;
	int status = diagram_render(m, &opt, &svg, &ignored);
	const char *start = status ? NULL : strstr(svg.ptr, "<svg");
	if (start) {
		const char *rest = start + 4;
		size_t n = svg.len - (size_t)(rest - svg.ptr);
		while (n && (rest[n - 1] == '\n' || rest[n - 1] == ' '))
			n--;
		wrap(m, name, run, rest, n, out);
	} else if (status) {
		for (size_t i = 0; i < ignored.nr; i++)
			diag_add(s->diags, ignored.items[i].pos, SEV_ERROR,
				 ignored.items[i].rule, "%s", ignored.items[i].message);
	}
	diag_list_release(&ignored);
	buf_release(&svg);
	return status;
}
