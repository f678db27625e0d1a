/* jsonpath_eval.c - runs a compiled path over cJSON documents, the way
 * Jayway JsonPath (which Step Functions uses) does: a step maps a list of
 * nodes to the next list; missing members and type mismatches select nothing.
 * Not here: parsing (jsonpath_parse.c), the payload error texts (payload.c). */
#include "jsonpath_impl.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* Borrowed nodes selected so far; 'overflow' once JSONPATH_MAX_NODES hit. */
struct nodes {
	const cJSON **v;
	size_t n, alloc;
	int overflow;
};

/* A filter operand's value: v NULL means "undefined" (a path that matched
 * nothing); 'owned' holds an array built for an indefinite operand path. */
struct value {
	const cJSON *v;
	cJSON *owned;
};

/* One evaluation: its environment and the work spent so far.  Filters run
 * sub-paths for every element they test, so nested filters over recursive
 * descent cost the product of their selections: the budget, shared by every
 * sub-path of one evaluation, keeps that bounded. */
struct eval {
	const struct jsonpath_env *env;
	size_t work;
};

static int select_steps(const struct jsonpath *p, size_t nsteps,
			const cJSON *start, struct eval *ev,
			struct nodes *out);
static int test(const struct jp_expr *e, const cJSON *item,
		struct eval *ev);

static void push(struct nodes *l, const cJSON *node)
{
	if (l->n >= JSONPATH_MAX_NODES) {
		l->overflow = 1;
		return;
	}
	ARRAY_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = node;
}

static void nodes_release(struct nodes *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int is_container(const cJSON *node)
{
	return cJSON_IsArray(node) || cJSON_IsObject(node);
}

/* ---- accessors --------------------------------------------------------- */

const char *jsonpath_text(const struct jsonpath *p)
{
	return p->text;
}

enum jsonpath_root jsonpath_root(const struct jsonpath *p)
{
	return p->root;
}

const char *jsonpath_variable(const struct jsonpath *p)
{
	return p->varname;
}

int jsonpath_is_definite(const struct jsonpath *p)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind != JP_NAME && p->steps[i].kind != JP_INDEX)
			return 0;
	return 1;
}

int jsonpath_is_reference(const struct jsonpath *p)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct jp_step *st = &p->steps[i];
		if (st->kind != JP_NAME &&
		    !(st->kind == JP_INDEX && st->indexes[0] >= 0))
			return 0;
	}
	return !p->relative;
}

const cJSON *jsonpath_root_doc(const struct jsonpath *p,
			       const struct jsonpath_env *env)
{
	switch (p->root) {
	case JSONPATH_ROOT_INPUT:
		return env->input;
	case JSONPATH_ROOT_CONTEXT:
		return env->context;
	case JSONPATH_ROOT_VARIABLE:
		return env->variable ? env->variable(env->ctx, p->varname) : NULL;
	}
	return NULL;
}

/* ---- steps ------------------------------------------------------------- */

static void apply_names(const struct jp_step *st, const cJSON *node,
			struct nodes *out)
{
	if (!cJSON_IsObject(node))
		return;
	for (size_t i = 0; i < st->nnames; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(node, st->names[i]);
		if (v)
			push(out, v);
	}
}

static void apply_indexes(const struct jp_step *st, const cJSON *node,
			  struct nodes *out)
{
	if (!cJSON_IsArray(node))
		return;
	long long n = cJSON_GetArraySize(node);
	for (size_t i = 0; i < st->nindexes; i++) {
		long long at = st->indexes[i] < 0 ? st->indexes[i] + n : st->indexes[i];
		if (at >= 0 && at < n)
			push(out, cJSON_GetArrayItem(node, (int)at));
	}
}

static long long slice_bound(long long v, long long n)
{
	if (v < 0)
		v += n;
	return v < 0 ? 0 : v > n ? n : v;
}

/* [start:end:step] with Python's rules for negative and missing bounds. */
static void apply_slice(const struct jp_step *st, const cJSON *node,
			struct nodes *out)
{
	if (!cJSON_IsArray(node))
		return;
	long long n = cJSON_GetArraySize(node);
	long long from = st->has[0] ? slice_bound(st->slice[0], n) : 0;
	long long to = st->has[1] ? slice_bound(st->slice[1], n) : n;
	long long step = st->has[2] ? st->slice[2] : 1;
	long long i = 0;
	for (const cJSON *c = node->child; c && i < to; c = c->next, i++)
		if (i >= from && (i - from) % step == 0)
			push(out, c);
}

static void apply_wildcard(const cJSON *node, struct nodes *out)
{
	if (!is_container(node))
		return;
	for (const cJSON *c = node->child; c; c = c->next)
		push(out, c);
}

/* Jayway applies a filter to each element of an array, but to an object
 * itself: $[?(@.a)] on {"a":1} selects the object. */
static void apply_filter(const struct jp_step *st, const cJSON *node,
			 struct eval *ev, struct nodes *out)
{
	if (cJSON_IsObject(node)) {
		if (test(st->filter, node, ev))
			push(out, node);
	} else if (cJSON_IsArray(node)) {
		for (const cJSON *c = node->child; c && !out->overflow; c = c->next)
			if (test(st->filter, c, ev))
				push(out, c);
	}
}

/* The node and every node below it, in document (pre-)order, without
 * recursion: the stack holds the next sibling to visit at each level. */
static void apply_descent(const cJSON *node, struct nodes *out)
{
	const cJSON **stack = NULL;
	size_t n = 0, alloc = 0;
	push(out, node);
	if (is_container(node) && node->child) {
		ARRAY_GROW(stack, n + 1, alloc);
		stack[n++] = node->child;
	}
	while (n > 0 && !out->overflow) {
		const cJSON *cur = stack[n - 1];
		if (!cur) {
			n--;
			continue;
		}
		stack[n - 1] = cur->next;
		push(out, cur);
		if (is_container(cur) && cur->child) {
			ARRAY_GROW(stack, n + 1, alloc);
			stack[n++] = cur->child;
		}
	}
	free(stack);
}

static void apply_step(const struct jp_step *st, const cJSON *node,
		       struct eval *ev, struct nodes *out)
{
	switch (st->kind) {
	case JP_NAME:
	case JP_NAMES:
		apply_names(st, node, out);
		break;
	case JP_INDEX:
	case JP_INDEXES:
		apply_indexes(st, node, out);
		break;
	case JP_SLICE:
		apply_slice(st, node, out);
		break;
	case JP_WILDCARD:
		apply_wildcard(node, out);
		break;
	case JP_FILTER:
		apply_filter(st, node, ev, out);
		break;
	case JP_DESCENT:
		apply_descent(node, out);
		break;
	}
}

/* Runs the first nsteps steps from 'start'.  Returns 0, or -1 when the
 * selection outgrew JSONPATH_MAX_NODES or the evaluation spent
 * JSONPATH_MAX_WORK (out is then released). */
static int select_steps(const struct jsonpath *p, size_t nsteps,
			const cJSON *start, struct eval *ev,
			struct nodes *out)
{
	struct nodes cur = { NULL, 0, 0, 0 };
	push(&cur, start);
	cur.overflow = ev->work > JSONPATH_MAX_WORK;
	for (size_t i = 0; i < nsteps && !cur.overflow; i++) {
		struct nodes next = { NULL, 0, 0, 0 };
		for (size_t j = 0; j < cur.n && !next.overflow; j++)
			apply_step(&p->steps[i], cur.v[j], ev, &next);
		nodes_release(&cur);
		cur = next;
		ev->work += cur.n + 1;
		cur.overflow |= ev->work > JSONPATH_MAX_WORK;
	}
	*out = cur;
	if (!cur.overflow)
		return 0;
	nodes_release(out);
	return -1;
}

/* ---- filters ----------------------------------------------------------- */

static void operand_eval(const struct jp_operand *o, const cJSON *item,
			 struct eval *ev, struct value *out)
{
	out->v = o->literal;
	out->owned = NULL;
	if (!o->path)
		return;
	const cJSON *start = o->path->relative ? item : jsonpath_root_doc(o->path, ev->env);
	struct nodes l;
	if (!start || select_steps(o->path, o->path->nsteps, start, ev, &l) < 0)
		return;
	if (jsonpath_is_definite(o->path)) {
		out->v = l.n ? l.v[0] : NULL;
	} else {
		out->owned = cJSON_CreateArray();
		for (size_t i = 0; i < l.n; i++)
			cJSON_AddItemReferenceToArray(out->owned, (cJSON *)l.v[i]);
		out->v = out->owned;
	}
	nodes_release(&l);
}

/* A string that is a whole number literal, as a double; -1 if it is not. */
static int string_number(const cJSON *s, double *out)
{
	char *end;
	if (!s->valuestring[0])
		return -1;
	*out = strtod(s->valuestring, &end);
	return *end ? -1 : 0;
}

/* Jayway equality: numbers compare by value (a numeric string equals the
 * number it spells), strings by content, containers structurally. */
static int values_equal(const cJSON *a, const cJSON *b)
{
	double d;
	if (!a || !b)
		return 0;
	if (cJSON_IsNumber(a) && cJSON_IsString(b))
		return string_number(b, &d) == 0 && d == a->valuedouble;
	if (cJSON_IsString(a) && cJSON_IsNumber(b))
		return string_number(a, &d) == 0 && d == b->valuedouble;
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return a->valuedouble == b->valuedouble;
	return cJSON_Compare(a, b, 1);
}

/* Ordering is defined between two numbers or two strings only. */
static int values_order(const cJSON *a, const cJSON *b, int *cmp)
{
	if (!a || !b)
		return -1;
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) {
		*cmp = (a->valuedouble > b->valuedouble) -
		       (a->valuedouble < b->valuedouble);
		return 0;
	}
	if (cJSON_IsString(a) && cJSON_IsString(b)) {
		*cmp = strcmp(a->valuestring, b->valuestring);
		return 0;
	}
	return -1;
}

/* Whether list (an array) holds a value equal to v. */
static int list_has(const cJSON *list, const cJSON *v)
{
	for (const cJSON *e = cJSON_IsArray(list) ? list->child : NULL; e; e = e->next)
		if (values_equal(v, e))
			return 1;
	return 0;
}

/* How many elements of a (an array) b holds: all, some, none. */
static int list_count_in(const cJSON *a, const cJSON *b, int *all)
{
	int n = 0;
	*all = 1;
	for (const cJSON *e = a->child; e; e = e->next) {
		int in = list_has(b, e);
		n += in;
		*all &= in;
	}
	return n;
}

/* A string's length as Java counts it (UTF-16 units). */
static long long java_length(const char *s)
{
	long long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80 ? 1 + ((*p & 0xF8) == 0xF0) : 0;
	return n;
}

/* Jayway's word operators (EvaluatorFactory): lists are arrays, a
 * mismatched type is false. */
static int compare_word(enum jp_cmp op, const cJSON *a, const cJSON *b)
{
	int all = 0;
	switch (op) {
	case JPC_IN: return a && cJSON_IsArray(b) && list_has(b, a);
	case JPC_NIN: return !(a && cJSON_IsArray(b) && list_has(b, a));
	case JPC_SUBSETOF:
		return cJSON_IsArray(a) && cJSON_IsArray(b) &&
		       (list_count_in(a, b, &all), all);
	case JPC_ANYOF:
		return cJSON_IsArray(a) && cJSON_IsArray(b) && list_count_in(a, b, &all) > 0;
	case JPC_NONEOF:
		return cJSON_IsArray(a) && cJSON_IsArray(b) && list_count_in(a, b, &all) == 0;
	case JPC_SIZE:
		if (!cJSON_IsNumber(b))
			return 0;
		if (cJSON_IsString(a))
			return java_length(a->valuestring) == (long long)b->valuedouble;
		return cJSON_IsArray(a) && cJSON_GetArraySize(a) == (int)b->valuedouble;
	case JPC_EMPTY:
		if (!cJSON_IsBool(b))
			return 0;
		if (cJSON_IsString(a))
			return (a->valuestring[0] == 0) == cJSON_IsTrue(b);
		return (cJSON_IsArray(a) || cJSON_IsObject(a)) &&
		       (a->child == NULL) == cJSON_IsTrue(b);
	case JPC_CONTAINS:
		if (cJSON_IsString(a) && cJSON_IsString(b))
			return strstr(a->valuestring, b->valuestring) != NULL;
		return cJSON_IsArray(a) && b && list_has(a, b);
	default:
		return 0;
	}
}

static int compare(enum jp_cmp op, const cJSON *a, const cJSON *b)
{
	int c = 0;
	switch (op) {
	case JPC_EQ: return values_equal(a, b);
	case JPC_NE: return !values_equal(a, b);
	case JPC_LT: return values_order(a, b, &c) == 0 && c < 0;
	case JPC_LE: return values_order(a, b, &c) == 0 && c <= 0;
	case JPC_GT: return values_order(a, b, &c) == 0 && c > 0;
	case JPC_GE: return values_order(a, b, &c) == 0 && c >= 0;
	case JPC_IN: case JPC_NIN: case JPC_SUBSETOF: case JPC_ANYOF:
	case JPC_NONEOF: case JPC_SIZE: case JPC_EMPTY: case JPC_CONTAINS:
		return compare_word(op, a, b);
	}
	return 0;
}

static int test_operands(const struct jp_expr *e, const cJSON *item,
			 struct eval *ev)
{
	struct value a, b = { NULL, NULL };
	int r;
	operand_eval(&e->a, item, ev, &a);
	if (e->kind == JPX_EXISTS) {
		r = a.v && !(a.owned && cJSON_GetArraySize(a.owned) == 0);
	} else {
		operand_eval(&e->b, item, ev, &b);
		r = compare(e->cmp, a.v, b.v);
	}
	cJSON_Delete(a.owned);
	cJSON_Delete(b.owned);
	return r;
}

/* Recursion depth is bounded by JSONPATH_MAX_DEPTH through the parser. */
static int test(const struct jp_expr *e, const cJSON *item,
		struct eval *ev)
{
	switch (e->kind) {
	case JPX_OR: return test(e->left, item, ev) || test(e->right, item, ev);
	case JPX_AND: return test(e->left, item, ev) && test(e->right, item, ev);
	case JPX_NOT: return !test(e->left, item, ev);
	case JPX_EXISTS:
	case JPX_CMP: return test_operands(e, item, ev);
	}
	return 0;
}

/* ---- results ----------------------------------------------------------- */

/* Jayway's multi-member leaf: $['a','b'] on an object yields one object
 * holding just those members (missing ones left out), not their values. */
static cJSON *merge_members(const struct jp_step *st, const cJSON *node)
{
	cJSON *obj = cJSON_CreateObject();
	for (size_t i = 0; i < st->nnames; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(node, st->names[i]);
		if (v && !cJSON_GetObjectItemCaseSensitive(obj, st->names[i]))
			cJSON_AddItemToObject(obj, st->names[i], cJSON_Duplicate(v, 1));
	}
	return obj;
}

static cJSON *collect(const struct jp_step *merge, const struct nodes *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < l->n; i++) {
		if (!merge)
			cJSON_AddItemToArray(arr, cJSON_Duplicate(l->v[i], 1));
		else if (cJSON_IsObject(l->v[i]))
			cJSON_AddItemToArray(arr, merge_members(merge, l->v[i]));
	}
	return arr;
}

const cJSON *jsonpath_get(const struct jsonpath *p,
			  const struct jsonpath_env *env)
{
	if (!jsonpath_is_definite(p))
		return NULL;
	const cJSON *node = jsonpath_root_doc(p, env);
	for (size_t i = 0; node && i < p->nsteps; i++) {
		const struct jp_step *st = &p->steps[i];
		if (st->kind == JP_NAME) {
			node = cJSON_IsObject(node)
				? cJSON_GetObjectItemCaseSensitive(node, st->names[0])
				: NULL;
			continue;
		}
		long long n = cJSON_IsArray(node) ? cJSON_GetArraySize(node) : 0;
		long long at = st->indexes[0] < 0 ? st->indexes[0] + n : st->indexes[0];
		node = at >= 0 && at < n ? cJSON_GetArrayItem(node, (int)at) : NULL;
	}
	return node;
}

cJSON *jsonpath_eval(const struct jsonpath *p, const struct jsonpath_env *env)
{
	if (jsonpath_is_definite(p)) {
		const cJSON *node = jsonpath_get(p, env);
		return node ? cJSON_Duplicate(node, 1) : NULL;
	}
	const cJSON *start = jsonpath_root_doc(p, env);
	if (!start)
		return cJSON_CreateArray();
	size_t n = p->nsteps;
	const struct jp_step *merge =
		n && p->steps[n - 1].kind == JP_NAMES ? &p->steps[n - 1] : NULL;
	struct nodes l;
	struct eval ev = { env, 0 };
	if (select_steps(p, merge ? n - 1 : n, start, &ev, &l) < 0)
		return NULL;
	cJSON *out = collect(merge, &l);
	nodes_release(&l);
	return out;
}
