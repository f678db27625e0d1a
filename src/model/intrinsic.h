/* intrinsic.h - the States.* intrinsic functions of JSONPath states.
 * A call ("States.Format('{}', $.name)") is compiled once into a call tree
 * checked against the registry table, then evaluated against a jsonpath_env
 * and the injected RNG; failures are ASL error values, never aborts.
 * Not here: JSONPath itself (jsonpath.h), payload templates (payload.h). */
#ifndef STEPBOOK_INTRINSIC_H
#define STEPBOOK_INTRINSIC_H

#include <stddef.h>

#include <cJSON.h>

#include "jsonpath.h"
#include "rng.h"

/* The longest call text we compile: ASL field values of real definitions
 * stay far below it, and it bounds the call tree of a hostile one. */
#define INTRINSIC_MAX_LEN 10000
/* AWS allows up to 10 intrinsic functions nested within one field. */
#define INTRINSIC_MAX_DEPTH 10
/* Arguments of one call (States.Array and States.Format are variadic);
 * bounds the argument vector each call evaluates into. */
#define INTRINSIC_MAX_ARGS 100
/* AWS limits: Base64Encode/Decode and Hash inputs (characters), and the
 * number of items States.ArrayRange may produce. */
#define INTRINSIC_MAX_STRING 10000
#define INTRINSIC_MAX_RANGE 1000
/* Nesting of a value States.Format prints (cJSON's own parse limit). */
#define INTRINSIC_MAX_VALUE_DEPTH 1000

struct intrinsic;     /* opaque compiled call */
struct intrinsic_run; /* one evaluation in progress (intrinsic_impl.h) */

/* A function of the registry.  argv[0..argc) are owned by the caller; a
 * function may take one over by setting its slot to NULL.  Returns 0 with a
 * new owned *out, or -1 after intrinsic_fail(). */
typedef int intrinsic_fn(struct intrinsic_run *run, cJSON **argv, size_t argc,
			 cJSON **out);

#define INTRINSIC_VARIADIC INTRINSIC_MAX_ARGS

/* The registry: the parser checks arity against it, the validator and
 * --help list it. */
struct intrinsic_def {
	const char *name; /* "States.Format" */
	unsigned min_args, max_args;
	intrinsic_fn *fn;
	const char *summary;
	/* 1: fn only reads argv, so a path argument may be the selected node
	 * itself (borrowed, const in spirit) rather than a copy. */
	int reads_only;
};
extern const struct intrinsic_def intrinsic_table[];
extern const size_t intrinsic_table_size;

/* The entry named name[0..len), or NULL. */
const struct intrinsic_def *intrinsic_lookup(const char *name, size_t len);

struct intrinsic_error {
	size_t offset;       /* byte offset into the call text */
	const char *message; /* short static text */
};

/* 1 when a '.$' value is meant as an intrinsic call (starts "States."). */
int intrinsic_is_call(const char *text);

/* Compiles one call; the whole NUL-terminated text must be the call.
 * Returns owned, free with intrinsic_free; NULL with *err on an error. */
struct intrinsic *intrinsic_compile(const char *text,
				    struct intrinsic_error *err);
void intrinsic_free(struct intrinsic *c);
/* The call's source text (borrowed, lives as long as c). */
const char *intrinsic_text(const struct intrinsic *c);

/* Evaluates c.  Returns 0 with a new owned *out (free with cJSON_Delete), or
 * -1 with *error_name static ("States.IntrinsicFailure", or "States.Runtime"
 * when a path argument selects nothing) and *cause owned (free with free()),
 * worded like AWS: "The function '<call>' had the following error: ...". */
int intrinsic_eval(const struct intrinsic *c, const struct jsonpath_env *env,
		   struct rng *rng, cJSON **out, const char **error_name,
		   char **cause);

#endif
