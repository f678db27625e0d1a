/* jsonpath.h - JSONPath as AWS Step Functions evaluates it (Jayway semantics).
 * A path is compiled once, when the model is built, into a small step program
 * and evaluated many times against the state input ($), the context object
 * ($$) or a workflow variable ($name).
 * Not here: payload templates (payload.h), intrinsic calls (intrinsic.h). */
#ifndef STEPBOOK_JSONPATH_H
#define STEPBOOK_JSONPATH_H

#include <stddef.h>

#include <cJSON.h>

/* The longest path text we compile: far beyond any path a person writes, and
 * short enough that the step program of a hostile path stays tiny. */
#define JSONPATH_MAX_LEN 4096
/* Nesting of filters, parentheses and '!' inside one path: Jayway has no
 * limit, but real filters nest two or three deep; the bound keeps the
 * recursive-descent parser and the filter evaluator off deep stacks. */
#define JSONPATH_MAX_DEPTH 16
/* Nodes one evaluation may select: a 256 KiB payload (the AWS limit) holds
 * fewer values than this, so only runaway '..' chains reach it. */
#define JSONPATH_MAX_NODES 200000
/* Nodes one evaluation may select in all, counting every sub-path a filter
 * runs per element: nested filters over `..` would otherwise cost the
 * product of their selections.  Past it the evaluation fails as above. */
#define JSONPATH_MAX_WORK 1000000
/* Workflow variable names: AWS caps them at 80 characters. */
#define JSONPATH_MAX_VARNAME 80

struct jsonpath; /* opaque compiled program */

enum jsonpath_root {
	JSONPATH_ROOT_INPUT,    /* $     the state's data */
	JSONPATH_ROOT_CONTEXT,  /* $$    the context object */
	JSONPATH_ROOT_VARIABLE, /* $name a workflow variable (Assign) */
};

/* A compile error: byte offset into the text and a short static message. */
struct jsonpath_error {
	size_t offset;
	const char *message;
};

/* What a path is evaluated against.  Every pointer is borrowed.  'variable'
 * returns the value of a workflow variable or NULL when it is not defined;
 * it may itself be NULL (no variables in scope). */
struct jsonpath_env {
	const cJSON *input;
	const cJSON *context;
	const cJSON *(*variable)(void *ctx, const char *name);
	void *ctx;
};

/* Compiles the whole NUL-terminated text.  Returns owned, free with
 * jsonpath_free; on a syntax error returns NULL and fills *err. */
struct jsonpath *jsonpath_compile(const char *text, struct jsonpath_error *err);
/* Compiles the longest path that starts text[0..len) and stops where a path
 * cannot continue (',' ')' or blank at top level), storing its length in
 * *used; for callers that embed paths, like intrinsic arguments.  Returns
 * owned, free with jsonpath_free; NULL with *err on a syntax error. */
struct jsonpath *jsonpath_compile_prefix(const char *text, size_t len,
					 size_t *used,
					 struct jsonpath_error *err);
void jsonpath_free(struct jsonpath *p);

/* The source text of the path (borrowed, lives as long as p). */
const char *jsonpath_text(const struct jsonpath *p);
enum jsonpath_root jsonpath_root(const struct jsonpath *p);
/* The variable name of a $name path (borrowed), or NULL for $ and $$. */
const char *jsonpath_variable(const struct jsonpath *p);
/* 1 when the path has no wildcard, slice, filter, union or '..': it selects
 * at most one node.  0 otherwise. */
int jsonpath_is_definite(const struct jsonpath *p);
/* 1 when the path is an ASL reference path (ResultPath and friends): only
 * names and non-negative single indexes after the root.  0 otherwise. */
int jsonpath_is_reference(const struct jsonpath *p);

/* The document the path's root names in env (borrowed), or NULL when a
 * variable is not defined. */
const cJSON *jsonpath_root_doc(const struct jsonpath *p,
			       const struct jsonpath_env *env);

/* The node a definite path selects, borrowed from env's documents (valid
 * while they are unchanged); NULL when it selects nothing or p is not
 * definite.  The allocation-free way to read a value. */
const cJSON *jsonpath_get(const struct jsonpath *p,
			  const struct jsonpath_env *env);

/* Evaluates p.  Returns a NEW owned value (free with cJSON_Delete): the node
 * itself for a definite path, an array of the matches (maybe empty) for an
 * indefinite one.  Returns NULL when a definite path selects nothing, and
 * for any path when the selection exceeds JSONPATH_MAX_NODES. */
cJSON *jsonpath_eval(const struct jsonpath *p, const struct jsonpath_env *env);

/* Step i of a reference path (jsonpath_is_reference): 1 with *name set
 * (borrowed) for a member, or *name NULL and *index for an element; 0 past
 * the last step.  ResultPath places values with it (jsonpath_ref.c). */
int jsonpath_ref_step(const struct jsonpath *p, size_t i, const char **name,
		      long long *index);
size_t jsonpath_ref_len(const struct jsonpath *p);

#endif
