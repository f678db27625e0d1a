/* validate_jsonata_impl.h - private to validate_jsonata*.c: what the token
 * scan of a JSONata expression finds (validate_jsonata_scan.c) for the
 * checks that word it (validate_jsonata.c). */
#ifndef STEPBOOK_VALIDATE_JSONATA_IMPL_H
#define STEPBOOK_VALIDATE_JSONATA_IMPL_H

#include "validate_impl.h"

enum ja_found_kind {
	JA_FOUND_CALL,          /* $name(...) of a name the expression does not bind */
	JA_FOUND_VARIABLE,      /* $$, or $eval where the expression does not bind it */
	JA_FOUND_TOP_DOLLAR,    /* $ read at the top level */
	JA_FOUND_TOP_NAME,      /* a field name read at the top level */
	JA_FOUND_INTRINSIC,     /* States.Name( */
	JA_FOUND_STATES_MEMBER, /* the member name in $states.member */
};

/* A call: the callee's token and how many arguments it gets, counting the
 * one that ~> passes. */
struct ja_call {
	size_t at, len;
	size_t args;
};

/* One finding: the byte range of its token in the expression text. */
struct ja_finding {
	enum ja_found_kind kind;
	size_t at, len;
	struct ja_call call; /* JA_FOUND_CALL */
};

typedef void ja_found_fn(void *ctx, const struct ja_finding *f);

/* Scans text[0..len), an expression the engine has parsed, and calls fn
 * for each finding in text order (calls when their ')' is read). */
void v_ja_scan(const char *text, size_t len, ja_found_fn *fn, void *ctx);

#endif
