/* diagram_impl.h - private to diagram.c (model -> cgraph graph) and
 * diagram_gv.c (Graphviz session: layout, output, SVG clean-up). */
#ifndef STEPBOOK_DIAGRAM_IMPL_H
#define STEPBOOK_DIAGRAM_IMPL_H

#include <cgraph.h>

#include "diagram.h"

/* Builds the graph of m in a fresh root graph created with disc (so that
 * agwrite can write to a buf).  Returns owned, free with agclose. */
Agraph_t *diagram_build_(const struct asl_machine *m,
			 const struct diagram_options *opt, Agdisc_t *disc,
			 struct diag_list *diags);

/* num as Graphviz 2.43 writes SVG coordinates ("%.02f", trailing zeros
 * and point dropped; "0" near zero) into buf.  Returns the length, or 0
 * when num is out of the fast path's range (|num| >= 1e15, NaN). */
size_t diagram_hundredths_(char buf[32], double num);

#endif
