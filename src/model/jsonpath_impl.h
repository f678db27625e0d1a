/* jsonpath_impl.h - the compiled step program shared by jsonpath_parse.c
 * (which builds it) and jsonpath_eval.c (which runs it).  Private to the
 * jsonpath module: nothing outside jsonpath_*.c includes this file. */
#ifndef STEPBOOK_JSONPATH_IMPL_H
#define STEPBOOK_JSONPATH_IMPL_H

#include "jsonpath.h"

enum jp_step_kind {
	JP_NAME,     /* .name  ['name']          one member */
	JP_NAMES,    /* ['a','b']                union of members */
	JP_INDEX,    /* [3]  [-1]                one element */
	JP_INDEXES,  /* [0,2]                    union of elements */
	JP_SLICE,    /* [start:end:step]         range of elements */
	JP_WILDCARD, /* .*  [*]                  every child */
	JP_FILTER,   /* [?(expr)]                elements passing expr */
	JP_DESCENT,  /* ..                       the node and all below it */
};

enum jp_expr_kind { JPX_OR, JPX_AND, JPX_NOT, JPX_EXISTS, JPX_CMP };
enum jp_cmp {
	JPC_EQ, JPC_NE, JPC_LT, JPC_LE, JPC_GT, JPC_GE,
	/* Jayway's word operators: a in [..], a nin [..], [..] subsetof [..],
	 * [..] anyof [..], [..] noneof [..], a size n, a empty true|false,
	 * a contains x */
	JPC_IN, JPC_NIN, JPC_SUBSETOF, JPC_ANYOF, JPC_NONEOF, JPC_SIZE, JPC_EMPTY,
	JPC_CONTAINS,
};

/* A filter operand: a path (@... or $...) or a literal value. */
struct jp_operand {
	struct jsonpath *path; /* owned, or NULL for a literal */
	cJSON *literal;        /* owned, or NULL for a path */
};

struct jp_expr {
	enum jp_expr_kind kind;
	enum jp_cmp cmp;               /* JPX_CMP */
	struct jp_expr *left, *right;  /* owned: OR, AND (both), NOT (left) */
	struct jp_operand a, b;        /* EXISTS (a), CMP (a op b) */
};

struct jp_step {
	enum jp_step_kind kind;
	char **names;        /* owned; NAME, NAMES */
	size_t nnames;
	long long *indexes;  /* owned; INDEX, INDEXES */
	size_t nindexes;
	long long slice[3];  /* SLICE: start, end, step */
	unsigned char has[3]; /* SLICE: which of the three were written */
	struct jp_expr *filter; /* owned; FILTER */
};

struct jsonpath {
	char *text;              /* owned copy of the source */
	enum jsonpath_root root;
	int relative;            /* 1 for an '@' path inside a filter */
	char *varname;           /* owned; JSONPATH_ROOT_VARIABLE only */
	struct jp_step *steps;   /* owned */
	size_t nsteps, alloc;
};

/* Frees a filter expression tree (depth bounded by JSONPATH_MAX_DEPTH). */
void jsonpath_expr_free(struct jp_expr *e);

#endif
