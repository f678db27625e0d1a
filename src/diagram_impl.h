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

#endif
