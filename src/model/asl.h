/* asl.h - the Amazon States Language model: a machine is a list of states,
 * each a tagged record of the fields its Type uses, every one located in the
 * author's file.  Built once from a located cJSON definition by asl_build();
 * everything after (validator, interpreter, diagrams) reads it as const data.
 *
 * Strings borrow from the cJSON definition, which the document owns; a model
 * must not outlive its document.  Every expression a state holds (paths,
 * payload templates, intrinsic calls, JSONata) is compiled here, once, into a
 * struct asl_expr beside the JSON it came from; the interpreter only
 * evaluates those and the validator reports their errors.
 * Not here: JSONPath and intrinsic evaluation (jsonpath.h, intrinsic.h),
 * execution (exec.h). */
#ifndef STEPBOOK_ASL_H
#define STEPBOOK_ASL_H

#include <stddef.h>

#include <cJSON.h>

#include "diag.h"
#include "doc.h"
#include "intrinsic.h"
#include "jsonata.h"
#include "jsonpath.h"
#include "payload.h"
#include "strmap.h"

/* A Parallel or Map nested in a branch counts one level; deeper nesting
 * than this is refused (AWS has no such limit, no real machine nears it,
 * and it keeps every recursive walk of the model bounded). */
#define ASL_MAX_NESTING 32
/* States in one machine, counting nested ones: AWS's definition size cap
 * (1 MiB) allows a few thousand; this bounds what input can make us build. */
#define ASL_MAX_STATES 20000

enum asl_type {
	ASL_TASK,
	ASL_PASS,
	ASL_CHOICE,
	ASL_WAIT,
	ASL_SUCCEED,
	ASL_FAIL,
	ASL_PARALLEL,
	ASL_MAP,
	ASL_UNKNOWN, /* missing or misspelt Type: kept so later stages can report */
};

/* The query language of a machine or a state (QueryLanguage field).  The
 * interpreter picks a state's data flow by it (run/dataflow.h).  The
 * states of a Map's or Parallel's branches default to the language of the
 * machine around that state, not to the state's own. */
enum asl_query_language { ASL_QL_JSONPATH, ASL_QL_JSONATA };

/* Choice comparison operators, in the order of asl_choice_ops[]. */
enum asl_cmp {
	ASL_CMP_NONE = -1,
	ASL_CMP_STRING_EQUALS,
	ASL_CMP_STRING_LESS_THAN,
	ASL_CMP_STRING_GREATER_THAN,
	ASL_CMP_STRING_LESS_THAN_EQUALS,
	ASL_CMP_STRING_GREATER_THAN_EQUALS,
	ASL_CMP_STRING_MATCHES,
	ASL_CMP_NUMERIC_EQUALS,
	ASL_CMP_NUMERIC_LESS_THAN,
	ASL_CMP_NUMERIC_GREATER_THAN,
	ASL_CMP_NUMERIC_LESS_THAN_EQUALS,
	ASL_CMP_NUMERIC_GREATER_THAN_EQUALS,
	ASL_CMP_BOOLEAN_EQUALS,
	ASL_CMP_TIMESTAMP_EQUALS,
	ASL_CMP_TIMESTAMP_LESS_THAN,
	ASL_CMP_TIMESTAMP_GREATER_THAN,
	ASL_CMP_TIMESTAMP_LESS_THAN_EQUALS,
	ASL_CMP_TIMESTAMP_GREATER_THAN_EQUALS,
	ASL_CMP_IS_NULL,
	ASL_CMP_IS_PRESENT,
	ASL_CMP_IS_NUMERIC,
	ASL_CMP_IS_STRING,
	ASL_CMP_IS_BOOLEAN,
	ASL_CMP_IS_TIMESTAMP,
	ASL_CMP_COUNT,
};

enum asl_operand { ASL_OPERAND_STRING, ASL_OPERAND_NUMBER,
		   ASL_OPERAND_BOOLEAN, ASL_OPERAND_TIMESTAMP };

/* The registry of comparison operators: the validator, the interpreter and
 * the diagram labels read this one table. */
struct asl_cmp_info {
	const char *name;      /* "NumericGreaterThan" */
	const char *path_name; /* "NumericGreaterThanPath", NULL for Is* */
	const char *symbol;    /* ">" for labels; for Is* the predicate word */
	enum asl_operand operand;
};
extern const struct asl_cmp_info asl_cmp_table[ASL_CMP_COUNT];

/* ---- compiled expressions ---------------------------------------------- */

/* What an expression field holds once compiled (asl_expr_init). */
enum asl_expr_kind {
	ASL_EXPR_NONE,     /* absent, null, or not of a type that compiles */
	ASL_EXPR_PATH,     /* a JSONPath: $..., $$..., $name */
	ASL_EXPR_CALL,     /* a States.* intrinsic call */
	ASL_EXPR_TEMPLATE, /* a payload template (keys ending in ".$") */
	ASL_EXPR_JSONATA,  /* a JSONata field: a JSON value whose "{% %}"
			      strings are expressions (parts) */
	ASL_EXPR_INVALID,  /* written, but does not compile: see error */
};

/* What a field may hold, which decides how its text is compiled. */
enum asl_expr_want {
	ASL_WANT_VALUE,     /* a path or an intrinsic call (InputPath, *Path) */
	ASL_WANT_REFERENCE, /* a reference path into the input (ResultPath) */
	ASL_WANT_TEMPLATE,  /* a payload template (Parameters, Assign...) */
	ASL_WANT_JSONATA,   /* any JSON value; its "{% %}" strings are JSONata
			       (every field of a JSONata state) */
};

/* A JSONata expression simple enough to answer without the engine (the
 * common `$states.input.id`, `$n + 1`, `$states.input.i < $limit`): one
 * operand, or two joined by one arithmetic or comparison operator.  An
 * operand is a number, a string, true, false, null, or a path of names from
 * $states.input, $states.result, $states.errorOutput or a variable.  The
 * interpreter answers from it only where the answer is certain (objects
 * along the path, numbers for arithmetic and order...) and asks the
 * engine otherwise, so the engine stays the one definition. */
enum asl_quick_root { ASL_QUICK_NUMBER, ASL_QUICK_STRING, ASL_QUICK_TRUE,
		      ASL_QUICK_FALSE, ASL_QUICK_NULL, ASL_QUICK_INPUT,
		      ASL_QUICK_RESULT, ASL_QUICK_ERROR_OUTPUT,
		      ASL_QUICK_VARIABLE };
struct asl_quick_operand {
	enum asl_quick_root root;
	char *variable;     /* ASL_QUICK_VARIABLE: its name */
	char **names;       /* the path's steps below the root */
	size_t nr_names;
	double number;      /* ASL_QUICK_NUMBER */
	char *string;       /* ASL_QUICK_STRING */
};
struct asl_quick {
	struct asl_quick_operand a, b;
	/* 0: a alone; + - * / < > = ; 'l' <=, 'g' >=, 'n' != */
	char op;
};

/* The quick form of text[0..len), which the engine compiled already, or
 * NULL when it is not that simple.  Returns owned, free with
 * asl_quick_free. */
struct asl_quick *asl_quick_compile(const char *text, size_t len);
void asl_quick_free(struct asl_quick *q);

/* One "{% expr %}" string of a JSONata field.  A string is an expression
 * when it starts with "{%" and ends with "%}"; the text between, without
 * the blanks around it, is compiled once.  node borrows from the
 * definition; expr and error are owned by the struct asl_expr. */
struct asl_jsonata_part {
	const cJSON *node;     /* the string as written */
	struct jsonata *expr;  /* NULL when it does not compile */
	size_t offset, len;    /* the expression's bytes in node's text */
	int needs_context;     /* it may read $states.context */
	struct asl_quick *quick; /* owned; NULL unless the expression is simple */
	/* when it does not compile: the engine's error, and the byte offset
	 * in node's text where it points */
	struct jsonata_error *error;
	size_t error_offset;
};

/* One compiled expression field.  json borrows from the definition;
 * path, call, tmpl and error are owned (asl_expr_release frees them). */
struct asl_expr {
	enum asl_expr_kind kind;
	const cJSON *json;       /* the value as written, NULL when absent */
	struct jsonpath *path;   /* ASL_EXPR_PATH; an INVALID reference path
				    that compiled keeps it too */
	struct intrinsic *call;  /* ASL_EXPR_CALL */
	struct payload *tmpl;    /* ASL_EXPR_TEMPLATE */
	/* ASL_EXPR_JSONATA (and an INVALID JSONata field): its expression
	 * strings in document order (depth first, members in order); none
	 * when the value holds no expression, which is then a literal */
	struct asl_jsonata_part *parts;
	size_t nr_parts, alloc_parts;
	int needs_context;       /* evaluating it may read $$ */
	/* ASL_EXPR_INVALID: what is wrong, where (the node, a byte offset in
	 * its text); the validator words its own diagnostics from these */
	char *error;
	const cJSON *error_node;
	size_t error_offset;
};

/* Compiles json (borrowed, may be NULL) as 'want' says into *e.  Never
 * fails: what does not compile is ASL_EXPR_INVALID.  Release with
 * asl_expr_release. */
void asl_expr_init(struct asl_expr *e, const cJSON *json,
		   enum asl_expr_want want);
void asl_expr_release(struct asl_expr *e);
/* Whether a string is a JSONata expression "{% ... %}"; the expression's
 * bytes (blanks around it trimmed) in *offset, *len when it is. */
int asl_jsonata_span(const char *text, size_t *offset, size_t *len);
/* The part compiled from 'node' in JSONata field e, or NULL. */
const struct asl_jsonata_part *asl_jsonata_part_of(const struct asl_expr *e,
						   const cJSON *node);
/* The text of a string expression, or NULL. */
const char *asl_expr_text(const struct asl_expr *e);
/* The form compiled from 'node' anywhere in m's top-level machine (m may be
 * a branch), or NULL when the model compiled none from it.  Borrowed. */
struct asl_machine;
const struct asl_expr *asl_expr_at(const struct asl_machine *m,
				   const cJSON *node);
/* How many fields asl_expr_init has compiled in this process: a test holds
 * it still across a run to prove that the interpreter compiles nothing. */
unsigned long asl_expr_compilations(void);

enum asl_rule_kind { ASL_RULE_CMP, ASL_RULE_AND, ASL_RULE_OR, ASL_RULE_NOT,
		     ASL_RULE_CONDITION /* JSONata: Condition */ };

struct asl_rule {
	enum asl_rule_kind kind;
	struct pos pos;
	const cJSON *json;
	/* ASL_RULE_CMP */
	const char *variable;    /* NULL when missing */
	enum asl_cmp cmp;        /* ASL_CMP_NONE when no operator was found */
	int cmp_is_path;         /* the ...Path variant: operand is a path */
	const cJSON *operand;    /* the operator's value */
	/* ASL_RULE_AND / OR / NOT: sub-rules (NOT has exactly one) */
	struct asl_rule *children;
	size_t nr_children;
	/* top-level rules only */
	const char *next;
	int next_index; /* index of the target state in the machine, -1 if none */
	const cJSON *assign, *output; /* per-rule Assign / Output, may be NULL */
	struct {
		struct asl_expr variable; /* Variable */
		struct asl_expr operand;  /* the ...Path operand */
		struct asl_expr assign;
		struct asl_expr condition, output; /* JSONata */
	} compiled;
};

struct asl_retrier {
	struct pos pos;
	const cJSON *json;
	const char **errors; /* ErrorEquals */
	size_t nr_errors;
	double interval_seconds; /* default 1 */
	double max_attempts;     /* default 3 */
	double backoff_rate;     /* default 2.0 */
	double max_delay_seconds; /* 0 = none */
	int jitter_full;         /* JitterStrategy FULL */
};

struct asl_catcher {
	struct pos pos;
	const cJSON *json;
	const char **errors;
	size_t nr_errors;
	const char *next;
	int next_index;
	const cJSON *result_path; /* NULL when absent, cJSON null for "discard" */
	const cJSON *assign, *output;
	struct {
		struct asl_expr result_path, assign;
		struct asl_expr output; /* JSONata */
	} compiled;
};

/* The data-flow fields of a state, JSONPath or JSONata.  Each stage is a
 * separate field so an evaluator per query language can plug in. */
struct asl_dataflow {
	enum asl_query_language lang;
	const cJSON *input_path, *parameters, *result_selector, *result_path,
		*output_path, *result, *assign;
	const cJSON *arguments, *output; /* JSONata */
	/* The stages compiled: the JSONPath ones in a JSONPath state;
	 * arguments, output and assign (ASL_WANT_JSONATA) in a JSONata one. */
	struct {
		struct asl_expr input_path, parameters, result_selector,
			result_path, output_path, assign;
		struct asl_expr arguments, output;
	} compiled;
};

/* A state's expression fields beyond its data flow.  JSONPath states: the
 * *Path fields, ItemSelector and BatchInput.  JSONata states: item_selector,
 * batch_input and the fields below as JSONata fields (a literal compiles to
 * ASL_EXPR_JSONATA without parts).  An absent field is ASL_EXPR_NONE. */
struct asl_state_exprs {
	struct asl_expr seconds_path, timestamp_path,
		timeout_seconds_path, heartbeat_seconds_path,
		error_path, cause_path, items_path, item_selector,
		max_concurrency_path, batch_input;
	struct asl_expr seconds, timestamp, timeout_seconds,
		heartbeat_seconds, error, cause, items,
		max_concurrency, tolerated_failure_count,
		tolerated_failure_percentage,
		reader_max_items, max_items_per_batch,
		max_input_bytes_per_batch;
	/* Distributed Map: ItemReader's and ResultWriter's
	 * Parameters (JSONata: Arguments), and the ...Path twins
	 * of its numbers */
	struct asl_expr reader_parameters, max_items_path,
		writer_parameters, max_items_per_batch_path,
		max_input_bytes_per_batch_path,
		tolerated_failure_count_path,
		tolerated_failure_percentage_path;
};

/* The block of the states that have none of those fields (all
 * ASL_EXPR_NONE); the model's own, never written. */
extern const struct asl_state_exprs asl_no_state_exprs_;

struct asl_machine;

struct asl_state {
	const char *name;
	enum asl_type type;
	struct pos pos;  /* where the state's name is written */
	const cJSON *json;
	const char *comment;
	struct asl_dataflow flow;

	const char *next; /* NULL for End or terminal types */
	int next_index;   /* -1 when next is NULL or names no state */
	int end;

	/* Task */
	const char *resource;
	const cJSON *timeout_seconds, *timeout_seconds_path;
	const cJSON *heartbeat_seconds, *heartbeat_seconds_path;
	/* Wait: exactly one of these is set in a valid machine */
	const cJSON *seconds, *timestamp, *seconds_path, *timestamp_path;
	/* Fail */
	const cJSON *error, *cause, *error_path, *cause_path;
	/* Choice */
	struct asl_rule *choices;
	size_t nr_choices;
	const char *default_next;
	int default_index;
	/* Task, Parallel, Map */
	struct asl_retrier *retry;
	size_t nr_retry;
	struct asl_catcher *catchers;
	size_t nr_catchers;
	/* Parallel: branches; Map: one processor (branches[0]) */
	struct asl_machine **branches;
	size_t nr_branches;
	/* Map */
	const cJSON *items_path, *item_selector, *max_concurrency,
		*max_concurrency_path, *item_reader, *item_batcher,
		*result_writer, *tolerated_failure_count,
		*tolerated_failure_percentage, *items;
	int distributed;  /* ProcessorConfig.Mode DISTRIBUTED */
	int legacy_iterator; /* written as Iterator rather than ItemProcessor */
	/* The other expression fields, compiled (struct asl_state_exprs).
	 * Most states have none of them: those share one empty block, and a
	 * state gets its own at its first present field (a block is 2.9 KB;
	 * a copy per state was most of a model's memory). */
	const struct asl_state_exprs *compiled;

};

struct asl_machine {
	struct pos pos;
	const cJSON *json;
	const struct doc *doc; /* where positions come from (borrowed) */
	const char *comment;
	const char *start_at;
	int start_index;      /* -1 when StartAt names no state */
	enum asl_query_language lang;
	const cJSON *timeout_seconds;
	struct asl_state *states; /* in definition order */
	size_t nr_states;
	struct strmap by_name;    /* name -> struct asl_state * */
	struct strmap exprs;      /* top level only: JSON node -> the
				     struct asl_expr compiled from it, for
				     the validator (asl_expr_at) */
	const struct asl_machine *parent; /* NULL for the top level */
	const struct asl_state *owner;    /* the Parallel/Map state, or NULL */
	int depth;                /* 0 top level, +1 per branch/processor */
};

/* Builds the model of 'definition' (an ASL object located in doc).  Never
 * fails: what cannot be modelled (a missing StartAt, a state that is not an
 * object...) becomes an error in diags and the model leaves it out or marks
 * it (ASL_UNKNOWN, next_index -1).  Returns owned, free with asl_free. */
struct asl_machine *asl_build(const cJSON *definition, const struct doc *doc,
			      struct diag_list *diags);
void asl_free(struct asl_machine *m);

/* The state named 'name' in m's own scope (not nested ones), or NULL. */
const struct asl_state *asl_state_get(const struct asl_machine *m,
				      const char *name);
int asl_state_index(const struct asl_machine *m, const char *name);

/* "Task", "Pass", ... ; asl_type_from_name returns ASL_UNKNOWN if none. */
const char *asl_type_name(enum asl_type t);
enum asl_type asl_type_from_name(const char *name);

/* A short readable form of a Choice rule for labels and messages, e.g.
 * `$.n > 5`, `$.a == "x" and not $.b`.  Appends to out. */
struct buf;
void asl_rule_describe(const struct asl_rule *r, struct buf *out);

/* Counts the states of m and of every nested branch and processor. */
size_t asl_count_states(const struct asl_machine *m);

#endif
