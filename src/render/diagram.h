/* diagram.h - a state machine drawn as a graph: SVG for the site, DOT for
 * people who want to restyle it, PNG for a quick look.
 * Graphviz lays the graph out in-process (libcgraph + libgvc, never the dot
 * program).  SVG is deterministic: the same machine gives the same bytes on
 * any machine with the same Graphviz, whatever fonts are installed (text is
 * measured with Graphviz's built-in font metrics, not with the system's).
 * The legend (shapes, colours, classes) is in doc/diagram-legend.md.
 * Not here: loading or checking the machine (asl.h, validate), the page
 * around the SVG (site), running it (exec.h). */
#ifndef STEPBOOK_DIAGRAM_H
#define STEPBOOK_DIAGRAM_H

#include <stddef.h>

#include "asl.h"
#include "buf.h"
#include "diag.h"

/* SVG and DOT are stepbook's own bytes; PNG and PDF come from Graphviz's
 * cairo renderer (the pango plugin). */
enum diagram_format { DIAGRAM_SVG, DIAGRAM_DOT, DIAGRAM_PNG, DIAGRAM_PDF };

/* The largest PNG scale: 8 times 96 dpi keeps a 200-state machine's
 * picture within cairo's 32767-pixel surfaces. */
#define DIAGRAM_MAX_SCALE 8.0

/* How Catch edges are drawn.  A long edge from every state to one shared
 * handler costs most of the layout time and tangles the picture, so AUTO
 * draws such catches as a small "-> Handler" node beside the state (linked to
 * the handler's id) and keeps real dashed edges for the others. */
enum diagram_catch_style {
	DIAGRAM_CATCH_AUTO,
	DIAGRAM_CATCH_EDGES, /* always an edge to the handler */
	DIAGRAM_CATCH_STUBS, /* always a "-> Handler" node */
};

/* What a run did with a state or an edge (stepbook run --diagram). */
enum diagram_status {
	DIAGRAM_UNSEEN = 0, /* no information: drawn as without a run */
	DIAGRAM_SUCCEEDED,  /* entered and left normally / edge followed */
	DIAGRAM_FAILED,     /* the run failed here */
	DIAGRAM_CAUGHT,     /* failed here and a Catch took over / Catch edge followed */
	DIAGRAM_NOT_TAKEN,  /* the run never came here / edge not followed */
};

/* Which edge leaving a state: its Next (or the edge to End), a Choice
 * rule (index = rule number), the Choice Default, a Catch (index = catcher
 * number).  For Parallel and Map, EDGE_NEXT leaves the whole box. */
enum diagram_edge_kind { DIAGRAM_EDGE_NEXT, DIAGRAM_EDGE_RULE,
			 DIAGRAM_EDGE_DEFAULT, DIAGRAM_EDGE_CATCH };

/* A run to show on the diagram.  Both callbacks borrow the model the
 * diagram is drawn from (states of nested branches included) and may be
 * NULL (everything DIAGRAM_UNSEEN). */
struct diagram_highlight {
	enum diagram_status (*state)(const struct asl_state *s, void *ctx);
	enum diagram_status (*edge)(const struct asl_state *from,
				    enum diagram_edge_kind kind, size_t index,
				    void *ctx);
	void *ctx;
};

struct diagram_options {
	enum diagram_format format;
	const char *title;     /* drawn above the graph; NULL for none */
	const char *id_prefix; /* put before every id, for several diagrams
				  in one page; [A-Za-z0-9_-] kept; NULL none */
	enum diagram_catch_style catch_style;
	const struct diagram_highlight *highlight; /* NULL: no run shown */
	double scale; /* PNG: pixels per point / 96 dpi, (0, DIAGRAM_MAX_SCALE];
			 0 is 1 */
};

#define DIAGRAM_OPTIONS_INIT { DIAGRAM_SVG, NULL, NULL, DIAGRAM_CATCH_AUTO, NULL, 0 }

/* Renders m as opt->format (opt NULL: defaults) and appends the bytes to
 * out.  Borrows m and opt.  Problems in the machine that show in the
 * picture (a Next naming no state) are warnings in diags; the picture is
 * still drawn.  Returns 0, or -1 with an error in diags when Graphviz
 * failed (out is then unchanged). */
int diagram_render(const struct asl_machine *m,
		   const struct diagram_options *opt, struct buf *out,
		   struct diag_list *diags);

/* "svg", "dot", "png", "pdf" -> *fmt.  Returns 0, or -1 for an unknown
 * name. */
int diagram_format_from_name(const char *name, enum diagram_format *fmt);

#endif
