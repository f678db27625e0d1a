/* jsonata.h - the JSONata 2.0.6 query and transformation language.
 * An expression is compiled once (jsonata_compile) and evaluated any number
 * of times against a cJSON input (jsonata_evaluate); a compiled expression is
 * read-only during evaluation, so one may serve many evaluations.  Results
 * and errors follow jsonata-js: error codes S0xxx (syntax), T0xxx/T1xxx/
 * T2xxx (type), D1xxx-D3xxx (evaluation), U1001 (depth), with the position
 * (offset just past the offending token, as jsonata-js reports it) and token.
 * Deterministic: $now()/$millis() read the injected clock, $random() a
 * seeded generator.  Bounded: every limit below is a named constant.
 * Not here: JSONPath (jsonpath.h), picture strings (jsonata_picture.h). */
#ifndef STEPBOOK_JSONATA_H
#define STEPBOOK_JSONATA_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/* Longest expression text compiled: Step Functions caps a whole state
 * machine definition at 1 MiB. */
#define JSONATA_MAX_TEXT (1024 * 1024)
/* Nesting of the syntax tree: deep enough for any written expression, and
 * the recursive-descent parser stays far from the C stack's end. */
#define JSONATA_MAX_PARSE_DEPTH 500
/* Nested evaluations (jsonata-js counts the same): runaway non-tail
 * recursion ends with U1001 long before the C stack does. */
#define JSONATA_MAX_DEPTH 1000
/* Memory one evaluation may allocate in all (values, the input copy). */
#define JSONATA_MAX_MEMORY ((size_t)1 << 30)
/* Wall time of one evaluation, in milliseconds (0 = no bound). */
#define JSONATA_MAX_TIME_MS 10000
/* Items a range [a..b] may produce: jsonata-js's own limit (D2014). */
#define JSONATA_MAX_RANGE 10000000
/* Length of a string an evaluation may build ($pad, $join, &): a state's
 * whole payload is at most 256 KiB, so this is far beyond real use. */
#define JSONATA_MAX_STRING ((size_t)32 << 20)
/* Nesting of values when compared, copied or converted to cJSON. */
#define JSONATA_MAX_VALUE_DEPTH 1000

struct jsonata; /* a compiled expression, opaque */

struct jsonata_error {
	char code[8];       /* "S0202", "T2001", ... */
	size_t position;    /* offset just past the token, in characters */
	char token[64];     /* the offending token, may be empty */
	char message[512];  /* a sentence a person understands */
};

/* How one evaluation runs.  Zeroes mean the defaults above; NULL options
 * mean all defaults, clock at 0 and seed 0. */
struct jsonata_options {
	int64_t now_ms;      /* what $now() and $millis() return */
	uint64_t seed;       /* seed of $random() and $shuffle() */
	int allow_eval;      /* 1: $eval is available (never with step_functions) */
	/* 1: AWS Step Functions' own functions $partition, $range, $hash,
	 * $random([seed]), $uuid, $parse; $eval never */
	int step_functions;
	size_t max_depth;    /* JSONATA_MAX_DEPTH */
	long time_ms;        /* JSONATA_MAX_TIME_MS; < 0 for no bound */
	size_t max_memory;   /* JSONATA_MAX_MEMORY */
};

/* Compiles text[0..len).  Returns owned, free with jsonata_free; NULL with
 * *err filled on a syntax error. */
struct jsonata *jsonata_compile(const char *text, size_t len,
				struct jsonata_error *err);
void jsonata_free(struct jsonata *j);

/* Evaluates j against input (borrowed; NULL is undefined input) with the
 * variables of 'bindings' (borrowed object of name -> value, may be NULL).
 * Returns 0 with *result owned (cJSON_Delete; NULL when the result is
 * undefined), or -1 with *err filled. */
int jsonata_evaluate(const struct jsonata *j, const cJSON *input,
		     const cJSON *bindings, const struct jsonata_options *opt,
		     cJSON **result, struct jsonata_error *err);

/* The JSON text of an input document: borrowed and never written (a
 * read-only mapping of a file will do; no terminator needed).  With
 * give_back set, the engine gives the text's pages back to the system
 * (madvise) as its parse moves past them, so a large document's text and
 * its values are never in memory together: the caller then reads the text
 * no more (its bytes are garbage) and only frees or unmaps it. */
struct jsonata_text {
	const char *ptr;
	size_t len;
	int give_back;
};

/* As jsonata_evaluate, for input and output as JSON text: the text of
 * 'input' (borrowed; NULL: undefined input) is parsed straight into the
 * evaluation's values, without a cJSON tree; the result is appended to
 * *out as JSON with 'indent' spaces per level (0: compact), numbers as
 * JavaScript prints them; *defined is 0 and nothing is appended when the
 * result is undefined.  Input that is not JSON fails with code "D1100" and
 * the byte offset as position.  Returns 0, or -1 with *err filled. */
struct buf;
int jsonata_evaluate_text(const struct jsonata *j,
			  const struct jsonata_text *input,
			  const cJSON *bindings,
			  const struct jsonata_options *opt, int indent,
			  struct buf *out, int *defined,
			  struct jsonata_error *err);

/* Writes v as JSON with JavaScript's number format, 'indent' spaces per
 * level (0: compact, as JSON.stringify without spacing). */
void jsonata_write_json(const cJSON *v, int indent, struct buf *out);

#endif
