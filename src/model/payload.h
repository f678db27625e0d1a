/* payload.h - payload templates: the JSON of Parameters, ResultSelector and
 * ItemSelector, where a key ending in ".$" holds an expression (a JSONPath,
 * a context path, a variable or an intrinsic call) and every other key is
 * copied as written, through nested objects and arrays.
 * Not here: the expressions themselves (jsonpath.h, intrinsic.h); JSONata's
 * Arguments/Output (a later query language plugs in as another expr kind). */
#ifndef STEPBOOK_PAYLOAD_H
#define STEPBOOK_PAYLOAD_H

#include <cJSON.h>

#include "jsonpath.h"
#include "rng.h"

/* Nesting of a template we compile (and later walk recursively): real
 * Parameters blocks nest a handful of levels; DOC_MAX_DEPTH already bounds
 * what a loader produces, this bounds templates built any other way. */
#define PAYLOAD_MAX_DEPTH 100

struct payload; /* opaque compiled template */

/* The kinds of expression a ".$" field may hold: the seam where a second
 * query language (JSONata) will add its own kind. */
enum payload_expr_kind {
	PAYLOAD_EXPR_JSONPATH,  /* $..., $$..., $name */
	PAYLOAD_EXPR_INTRINSIC, /* States.* call */
};

/* A compile error: the template node at fault (borrowed; a ".$" member, or
 * the object holding a duplicate) and what is wrong with it. */
struct payload_error {
	const cJSON *node;
	char message[256];
};

/* What keeps a template from compiling, one per place, with the
 * compiler's own words: the validator words its diagnostics from these
 * instead of compiling the members again. */
enum payload_fault_kind {
	PAYLOAD_FAULT_NOT_STRING, /* a ".$" member that is not a string */
	PAYLOAD_FAULT_PATH,       /* a "$..." that is not a JSONPath */
	PAYLOAD_FAULT_NOT_PATH,   /* neither "$..." nor "States.*(" */
	PAYLOAD_FAULT_CALL,       /* an intrinsic call that does not compile */
	PAYLOAD_FAULT_DUPLICATE,  /* "x" and "x.$" in one object */
	PAYLOAD_FAULT_TOO_DEEP,   /* nested deeper than PAYLOAD_MAX_DEPTH */
};

struct payload_fault {
	const cJSON *node;  /* the member (or object) at fault, borrowed */
	enum payload_fault_kind kind;
	char message[200];  /* the path or intrinsic compiler's message */
	size_t offset;      /* where in the member's text (bytes) */
};

/* Compiles every expression in tmpl, going on past what does not compile.
 * Sets *out (owned, free with payload_free; borrows tmpl) always.  Returns
 * 0, or -1 with the first fault worded in *err; a template with faults
 * must not be evaluated, only read for payload_fault_at. */
int payload_compile_all(const cJSON *tmpl, struct payload **out,
			struct payload_error *err);
/* The faults of p in walk order (NULL past the last); p may be NULL. */
size_t payload_nr_faults(const struct payload *p);
const struct payload_fault *payload_fault_at(const struct payload *p, size_t i);

/* Compiles every expression in tmpl.  Returns owned (free with
 * payload_free) that borrows tmpl, which must outlive it unchanged; NULL
 * with *err filled when an expression or the template is invalid. */
struct payload *payload_compile(const cJSON *tmpl, struct payload_error *err);
void payload_free(struct payload *p);

/* Instantiates the template.  Returns 0 with a new owned *out (free with
 * cJSON_Delete), or -1 with *error_name static and *cause owned (free with
 * free()): States.Runtime when a definite path selects nothing, whatever an
 * intrinsic call failed with otherwise. */
int payload_eval(const struct payload *p, const struct jsonpath_env *env,
		 struct rng *rng, cJSON **out, const char **error_name,
		 char **cause);

#endif
