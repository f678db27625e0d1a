/* exec_distmap.h - private to exec_distmap*.c: a Map Run while it runs.
 * exec_distmap.c reads and batches the items; exec_distmap_run.c runs each
 * batch as a child execution (its own $$ and history) and writes what
 * ResultWriter asks for. */
#ifndef STEPBOOK_EXEC_DISTMAP_H
#define STEPBOOK_EXEC_DISTMAP_H

#include "exec_frame.h"

/* A number field and its ...Path twin, or the field as JSONata. */
struct distmap_number {
	const cJSON *literal;        /* the field, or NULL */
	const struct asl_expr *path; /* its ...Path, compiled */
	const char *path_name;       /* "ToleratedFailureCountPath" */
	double min, max;             /* what the path's value may be */
	const char *range;           /* what a value out of range is not */
	const struct asl_expr *jsonata; /* the field in a JSONata state */
	int fractional;              /* a percentage: not only integers */
};

/* The literal, the JSONata field's value or the path's value, checked as
 * AWS checks them; *out = -1 when none is set.  Returns 0, or -1 with
 * fr->err set. */
int exec_distmap_number_(struct exec *x, struct frame *fr,
			 const struct distmap_number *spec, double *out);

/* ItemReader's or ResultWriter's Parameters e evaluated against the
 * effective input ({} when absent): new owned *out.  Returns 0, or -1 with
 * fr->err set. */
int exec_distmap_parameters_(struct exec *x, struct frame *fr,
			     const struct asl_expr *e, cJSON **out);

/* Past the tolerated failures?  (AWS: past either threshold given, -1
 * when not; with neither, past zero.) */
int exec_distmap_over_(long failed, long total, double count, double pct);

struct distmap_run {
	struct exec_map_children children; /* ctx: this run */
	struct frame *fr;
	long max_concurrency;       /* 0: AWS's cap */
	double tolerated_count;     /* -1: not set */
	double tolerated_percentage;
	long total_items, failed_items;
	int item_counts;            /* children get batches: count Items */
	int threshold_exceeded;
	char *map_run_arn, *machine_arn, *machine_name, *exec_prefix;
	char *role_arn;             /* borrowed from the parent's $$ */
	long nr_children;
	cJSON **outs;               /* per child: its output (a failed one:
				       {"Error", "Cause"}), NULL until it ends */
	cJSON **recs;               /* with ResultWriter: per child its
				       execution record, NULL until it ends */
	cJSON *outputs, *records;   /* after the run: those of the children
				       that ended, in order */
	struct buf stamp;           /* $$.Execution.StartTime text ... */
	int64_t stamp_ms;           /* ... of this time */
};

/* Names the run (ARNs from the parent's machine and Label) and sets
 * children.  Release with exec_distmap_release_. */
void exec_distmap_init_(struct exec *x, struct frame *fr, struct distmap_run *r);
/* Room for n children's outputs and records, before the run. */
void exec_distmap_size_(struct distmap_run *r, long n);
void exec_distmap_release_(struct distmap_run *r);
/* After the last child: the Map's result, or what ResultWriter wrote.
 * Returns 0 with *result owned, or -1 with fr->err set. */
int exec_distmap_finish_(struct exec *x, struct frame *fr,
			 struct distmap_run *r, cJSON **result);

#endif
