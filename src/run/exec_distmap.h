/* exec_distmap.h - private to exec_distmap*.c: a Map Run while it runs.
 * exec_distmap.c reads and batches the items; exec_distmap_run.c runs each
 * batch as a child execution (its own $$ and history) and writes what
 * ResultWriter asks for. */
#ifndef STEPBOOK_EXEC_DISTMAP_H
#define STEPBOOK_EXEC_DISTMAP_H

#include "exec_frame.h"

/* A number field and its ...Path twin. */
struct distmap_number {
	const cJSON *literal;        /* the field, or NULL */
	const struct asl_expr *path; /* its ...Path, compiled */
	const char *path_name;       /* "ToleratedFailureCountPath" */
	double min, max;             /* what the path's value may be */
	const char *range;           /* what a value out of range is not */
};

/* The literal, or the path's value checked as AWS checks it; *out = -1
 * when neither is set.  Returns 0, or -1 with fr->err set. */
int exec_distmap_number_(struct exec *x, struct frame *fr,
			 const struct distmap_number *spec, double *out);

/* ItemReader's or ResultWriter's Parameters e evaluated against the
 * effective input ({} when absent): new owned *out.  Returns 0, or -1 with
 * fr->err set. */
int exec_distmap_parameters_(struct exec *x, struct frame *fr,
			     const struct asl_expr *e, cJSON **out);

struct distmap_run {
	struct exec_map_hook hook;  /* ctx: this run */
	struct frame *fr;
	long max_concurrency;       /* 0: no limit */
	double tolerated_count;     /* -1: not set */
	double tolerated_percentage;
	long total_items, failed_items;
	int item_counts;            /* children get batches: count Items */
	int threshold_exceeded;
	char *map_run_arn, *machine_arn, *machine_name, *exec_prefix;
	char *role_arn;             /* borrowed from the parent's $$ */
	cJSON *outputs;             /* the children's outputs, in order (a
				       failed one: {"Error", "Cause"}) */
	cJSON *records;             /* with ResultWriter: one execution
				       record per child, in order */
	/* the child running now, and what of the parent it set aside */
	cJSON *parent_context, *parent_history;
	long parent_events, parent_prev_event;
	char child_name[37];
	struct buf stamp;           /* $$.Execution.StartTime text ... */
	int64_t stamp_ms;           /* ... of this time */
	int64_t child_start;
	char *child_input;          /* owned JSON text (cJSON_free), with records */
	long child_items;
};

/* Names the run (ARNs from the parent's machine and Label) and sets the
 * hook.  Release with exec_distmap_release_. */
void exec_distmap_init_(struct exec *x, struct frame *fr, struct distmap_run *r);
void exec_distmap_release_(struct distmap_run *r);
/* After the last child: the Map's result, or what ResultWriter wrote.
 * Returns 0 with *result owned, or -1 with fr->err set. */
int exec_distmap_finish_(struct exec *x, struct frame *fr,
			 struct distmap_run *r, cJSON **result);

#endif
