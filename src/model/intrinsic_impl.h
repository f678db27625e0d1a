/* intrinsic_impl.h - the call tree and evaluation state shared by
 * intrinsic_parse.c (parser, evaluator) and intrinsic_fns.c (the functions).
 * Private to the intrinsic module. */
#ifndef STEPBOOK_INTRINSIC_IMPL_H
#define STEPBOOK_INTRINSIC_IMPL_H

#include "buf.h"
#include "intrinsic.h"

struct intrinsic_arg {
	cJSON *literal;        /* owned: string, number, true, false, null */
	char *raw;             /* owned: a string literal as written, escapes kept */
	struct jsonpath *path; /* owned: $..., $$..., $name */
	struct intrinsic *call; /* owned: a nested call */
};

struct intrinsic {
	const struct intrinsic_def *def;
	struct intrinsic_arg *args; /* owned */
	size_t nargs;
	char *text;                 /* owned source text of this call */
};

struct intrinsic_run {
	const struct intrinsic *call; /* the call whose function is running */
	const struct jsonpath_env *env;
	struct rng *rng;
	const char *error_name;       /* set by intrinsic_fail */
	struct buf why;               /* the error detail */
};

/* Records why the running function failed (States.IntrinsicFailure).
 * Returns -1 so a function can end with 'return intrinsic_fail(...)'. */
int intrinsic_fail(struct intrinsic_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
