/* diagram_impl.h - private to diagram.c (model -> cgraph graph) and
 * diagram_gv.c (Graphviz session: layout, output, SVG clean-up). */
#ifndef STEPBOOK_DIAGRAM_IMPL_H
#define STEPBOOK_DIAGRAM_IMPL_H

#include <stdarg.h>

#include <cgraph.h>

#include "diagram.h"
#include "strmap.h"

/* Hover texts by element id: what the SVG's <title> elements say instead of
 * Graphviz's own node names ("~Start-1->AskForApproval"). */
struct diagram_titles {
	struct strmap ids; /* id -> offset + 1 of its text in 'text' */
	struct buf text;   /* XML-escaped texts, each ended by a NUL */
};

/* Builds the graph of m in a fresh root graph created with disc (so that
 * agwrite can write to a buf), filling titles (NULL: not wanted).  Returns
 * owned, free with agclose. */
Agraph_t *diagram_build_(const struct asl_machine *m,
			 const struct diagram_options *opt, Agdisc_t *disc,
			 struct diagram_titles *titles, struct diag_list *diags);

/* num as Graphviz 2.43 writes SVG coordinates ("%.02f", trailing zeros
 * and point dropped; "0" near zero) into buf.  Returns the length, or 0
 * when num is out of the fast path's range (|num| >= 1e15, NaN). */
size_t diagram_hundredths_(char buf[32], double num);

/* vsnprintf(out, size, format, ap) for the formats Graphviz's SVG output
 * uses (conversions %c %s %d %x with '0' and a width, %.2f, %%).  Returns
 * the length, or SIZE_MAX for any other format, a NULL %s, an out-of-range
 * number or output that does not fit: then nothing is promised of out.
 * Reads ap through a copy. */
size_t diagram_format_(char *out, size_t size, const char *format, va_list ap);

/* A colour written "#rrggbb" (exactly six hex digits) as Graphviz 2.43's
 * colorxlate reads it for RGBA_BYTE: rgba[3] 255.  Returns 1, or 0 for
 * anything else (which Graphviz's own code reads). */
int diagram_hex_color_(const char *str, unsigned char rgba[4]);

#endif
