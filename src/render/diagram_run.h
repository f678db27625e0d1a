/* diagram_run.h - what one execution did to each state, kept apart from
 * the execution so that a diagram drawn later (by `stepbook run --diagram`
 * or by the site, for the example a page ran) can show the path taken.
 * States are keyed by name, which the States Language makes unique in a
 * machine: the view applies to any model of the same definition.
 * Not here: drawing (diagram.h), running (exec.h). */
#ifndef STEPBOOK_DIAGRAM_RUN_H
#define STEPBOOK_DIAGRAM_RUN_H

#include "buf.h"
#include "diagram.h"
#include "exec.h"

struct diagram_run;

/* The view of r's visits.  Returns owned, free with diagram_run_free;
 * r may go away afterwards. */
struct diagram_run *diagram_run_new(const struct exec_result *r);
void diagram_run_free(struct diagram_run *v);

/* Appends v as bytes diagram_run_read reads back (another process may
 * have run the execution). */
void diagram_run_write(const struct diagram_run *v, struct buf *out);
/* Reads a view written by diagram_run_write at *p (before end), moving
 * *p past it.  Returns owned, or NULL when the bytes are not one. */
struct diagram_run *diagram_run_read(const char **p, const char *end);

/* The highlight callbacks that draw v (borrowed by the result). */
struct diagram_highlight diagram_run_highlight(struct diagram_run *v);

#endif
