/* dataflow.h - the data-flow seam: how a state's input becomes its output,
 * one implementation per query language.  The run loop (exec.c) picks the
 * state's implementation once per visit and calls it at fixed points:
 *
 *   enter   state input -> effective input        (InputPath)
 *   ...     the state's own work, which builds its arguments with
 *           arguments (Parameters, ItemSelector, BatchInput) and reads
 *           fields with value / value_ref (SecondsPath, Variable...)
 *   leave   result -> shaped -> variables -> placed -> output
 *           (ResultSelector, Assign, ResultPath, OutputPath)
 *   catch   error -> variables -> Catch output (Assign, ResultPath)
 *
 * JSONPath (dataflow_jsonpath.c) is the first implementation, JSONata
 * (dataflow_jsonata.c) the second, chosen by dataflow_for(); the run loop
 * does not know which one runs.  Every expression an
 * implementation evaluates was compiled with the model (asl.h); none of
 * them compiles anything.
 * Each function returns 0, or -1 with fr->err set.  Not here: which state
 * does what (exec_*.c), the expressions themselves (model/). */
#ifndef STEPBOOK_DATAFLOW_H
#define STEPBOOK_DATAFLOW_H

#include "exec_frame.h"

struct dataflow {
	const char *language; /* "JSONPath" */
	/* Sets fr->eff (and fr->eff_owned) from fr->input. */
	int (*enter)(struct exec *x, struct frame *fr);
	/* A payload template e against 'in' (borrowed): new owned *out. */
	int (*arguments)(struct exec *x, struct frame *fr,
			 const struct asl_expr *e, const cJSON *in, cJSON **out);
	/* The value of expression e against 'in': new owned value, or NULL
	 * when it selects nothing (*bad: it is no valid expression). */
	cJSON *(*value)(struct exec *x, struct frame *fr,
			const struct asl_expr *e, const cJSON *in, int *bad);
	/* As value, but borrows a node of 'in' (or $$, a variable) when it can;
	 * anything else is evaluated into *owned, which the caller frees. */
	const cJSON *(*value_ref)(struct exec *x, struct frame *fr,
				  const struct asl_expr *e, const cJSON *in,
				  cJSON **owned);
	/* As value_ref for a field that must select something (ItemsPath):
	 * NULL with "No results for path" set when it selects nothing. */
	const cJSON *(*select)(struct exec *x, struct frame *fr,
			       const struct asl_expr *e, const cJSON *in,
			       cJSON **owned);
	/* ResultSelector on result (consumed): new owned *out. */
	int (*shape)(struct exec *x, struct frame *fr, cJSON *result,
		     cJSON **out);
	/* Assign e evaluated against 'in' into the frame's variable scope. */
	int (*assign)(struct exec *x, struct frame *fr, const struct asl_expr *e,
		      const cJSON *in);
	/* ResultPath: result (consumed) placed into the state input. */
	int (*place)(struct exec *x, struct frame *fr, cJSON *result,
		     cJSON **out);
	/* OutputPath on 'in' (consumed) into fr->output. */
	int (*output)(struct exec *x, struct frame *fr, cJSON *in);
	/* Catcher c's Assign and ResultPath on the error output into
	 * fr->output. */
	int (*catch_output)(struct exec *x, struct frame *fr,
			    const struct asl_catcher *c);
};

extern const struct dataflow dataflow_jsonpath;
extern const struct dataflow dataflow_jsonata;

/* The compiled arguments of s: Arguments (JSONata) or Parameters
 * (JSONPath), NULL when it has neither.  Borrowed from the model. */
const struct asl_expr *dataflow_arguments_of(const struct asl_state *s);

/* JSONata field e returned 'got' (borrowed), which is not what its field
 * takes ('expected', e.g. "a boolean"): sets States.QueryEvaluationError
 * and writes the EvaluationFailed event.  Returns -1. */
int dataflow_jsonata_type_error(struct exec *x, struct frame *fr,
				const struct asl_expr *e, const cJSON *got,
				const char *expected);

/* The implementation for s's query language.  Borrowed, static. */
const struct dataflow *dataflow_for(const struct asl_state *s);

/* The stages after the state's work, the same for every state type:
 * ResultSelector (unless fr->shaped), Assign, ResultPath and OutputPath on
 * fr->result, or OutputPath on the effective input for the types that
 * pass their input on (Choice, Wait, Succeed). */
int dataflow_leave(struct exec *x, struct frame *fr);

#endif
