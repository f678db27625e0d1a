/* jsonata_eval.c - walks the syntax tree with jsonata-js's semantics:
 * sequences (flattening, singleton unwrapping, keep-array), paths of steps
 * and tuple streams (for @, # and %), predicates, group-by objects, sort,
 * operators, blocks and variables, lambdas, closures, partial application,
 * function chaining, transforms, and a trampoline for tail calls.
 * Every evaluation counts its depth and steps (jsonata_tick).
 * Not here: the built-in functions (jsonata_fns.c), parsing. */
#include "jsonata_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"
#include "banned.h"

#define TRY(x) do { if ((x) < 0) return -1; } while (0)

static int eval(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		struct jenv *env, jv **out);

/* ---- environments -------------------------------------------------------- */

struct jenv *jsonata_env_new(struct jsonata_eval *ev, struct jenv *parent)
{
	struct jenv *e = jsonata_arena_alloc(&ev->arena, sizeof(*e));
	e->parent = parent;
	return e;
}

void jsonata_env_bind(struct jsonata_eval *ev, struct jenv *env,
		      const char *name, size_t len, jv *val)
{
	for (size_t i = 0; i < env->n; i++)
		if (env->e[i].len == len && memcmp(env->e[i].name, name, len) == 0) {
			env->e[i].val = val;
			return;
		}
	if (env->n == env->cap) {
		size_t cap = env->cap ? env->cap * 2 : 4;
		struct jenv_entry *e = jsonata_arena_alloc(&ev->arena, cap * sizeof(*e));
		if (env->n)
			memcpy(e, env->e, env->n * sizeof(*e));
		env->e = e;
		env->cap = cap;
	}
	env->e[env->n].name = name;
	env->e[env->n].len = len;
	env->e[env->n].val = val;
	env->n++;
}

/* Looks name up; *found tells undefined-but-bound from unbound. */
static jv *env_find(const struct jenv *env, const char *name, size_t len,
		    int *found)
{
	for (; env; env = env->parent) {
		for (size_t i = env->n; i > 0; i--) {
			const struct jenv_entry *e = &env->e[i - 1];
			if (e->len == len && memcmp(e->name, name, len) == 0) {
				*found = 1;
				return e->val;
			}
		}
		for (const struct jbind *b = env->tb; b; b = b->next)
			if (strlen(b->name) == len && memcmp(b->name, name, len) == 0) {
				*found = 1;
				return b->val;
			}
	}
	*found = 0;
	return NULL;
}

static jv *builtin_value(struct jsonata_eval *ev, const struct jsonata_builtin *b)
{
	size_t i = jsonata_builtin_index(b);
	if (!ev->bvals[i]) {
		jv *v = jsonata_arena_alloc(&ev->perm, sizeof(*v));
		v->type = JV_FUNC;
		v->u.f = jsonata_arena_alloc(&ev->perm, sizeof(struct jfunc));
		v->u.f->kind = JF_BUILTIN;
		v->u.f->bi = b;
		v->u.f->sig = jsonata_builtin_sig(ev, b);
		ev->bvals[i] = v;
	}
	return ev->bvals[i];
}

/* The function b as a value, or NULL when this evaluation has none of
 * that name: Step Functions has no $eval, whatever allow_eval says. */
static jv *builtin_named(struct jsonata_eval *ev, const struct jsonata_builtin *b)
{
	int aws = ev->opt && ev->opt->step_functions;
	if (b && (b->name[0] != 'e' || strcmp(b->name, "eval") != 0 ||
		  (!aws && ev->opt && ev->opt->allow_eval)))
		return builtin_value(ev, b);
	return NULL;
}

static jv *lookup(struct jsonata_eval *ev, const struct jenv *env,
		  const char *name, size_t len)
{
	int found;
	jv *v = env_find(env, name, len, &found);
	if (found)
		return v;
	int aws = ev->opt && ev->opt->step_functions;
	return builtin_named(ev, jsonata_builtin_find(name, len, aws));
}

/* As lookup, for a variable node: its built-in was found when parsed. */
static jv *lookup_var(struct jsonata_eval *ev, const struct jenv *env,
		      const struct jnode *n)
{
	int found;
	jv *v = env_find(env, n->str, n->len, &found);
	if (found)
		return v;
	return builtin_named(ev, n->builtin[ev->opt && ev->opt->step_functions]);
}

jv *jsonata_env_lookup(const struct jenv *env, const char *name, size_t len)
{
	int found;
	return env_find(env, name, len, &found);
}

static struct jenv *frame_from_tuple(struct jsonata_eval *ev, struct jenv *env,
				     const jv *tuple)
{
	struct jenv *f = jsonata_env_new(ev, env);
	f->tb = JV_BINDS(tuple);
	return f;
}

/* ---- sequences ------------------------------------------------------------ */

static jv *seq_of(struct jsonata_eval *ev, jv *item)
{
	jv *s = jv_seq(ev);
	jv_push(ev, s, item);
	return s;
}

jv *jsonata_append(struct jsonata_eval *ev, jv *a, jv *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	size_t na = jv_is_array(a) ? a->len : 1;
	size_t nb = jv_is_array(b) ? b->len : 1;
	jv *r = jv_arr(ev, size_add(na, nb));
	/* Array.prototype.concat: a plain array, no sequence flags */
	if (!jv_is_array(a))
		r->u.a.items[0] = a;
	else if (na)
		memcpy(r->u.a.items, a->u.a.items, na * sizeof(jv *));
	if (!jv_is_array(b))
		r->u.a.items[na] = b;
	else if (nb)
		memcpy(r->u.a.items + na, b->u.a.items, nb * sizeof(jv *));
	r->len = (uint32_t)(na + nb);
	return r;
}

/* Pushes res into seq, flattening arrays one level (evaluateStep). */
static void push_flat(struct jsonata_eval *ev, jv *seq, jv *res)
{
	if (!jv_is_array(res) || (res->flags & JV_CONS)) {
		jv_push(ev, seq, res);
		return;
	}
	for (size_t i = 0; i < res->len; i++)
		jv_push(ev, seq, res->u.a.items[i]);
}

/* ---- bounds ----------------------------------------------------------------- */

int jsonata_room(struct jsonata_eval *ev, size_t bytes, size_t pos)
{
	size_t maxmem = ev->opt && ev->opt->max_memory ? ev->opt->max_memory
						       : JSONATA_MAX_MEMORY;
	if (bytes > maxmem || ev->arena.bytes > maxmem - bytes)
		return jsonata_failf(ev, "D1099", pos, "",
				     "The evaluation used more than %zu bytes of memory",
				     maxmem);
	return 0;
}

int jsonata_tick_slow(struct jsonata_eval *ev, size_t pos)
{
	if (ev->failed)
		return -1;
	size_t maxmem = ev->max_memory;
	if (ev->arena.bytes > maxmem)
		return jsonata_failf(ev, "D1099", pos, "",
				     "The evaluation used more than %zu bytes of memory",
				     maxmem);
	if ((ev->steps & 1023) == 0) {
		if (ev->deadline_ns) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
			if (now > ev->deadline_ns)
				return jsonata_failf(ev, "U1001", pos, "",
						     "Expression evaluation timeout: Check for infinite loop");
		}
	}
	return 0;
}

/* ---- scopes ----------------------------------------------------------------- */

/* Strings up to this long survive a scope by copy; longer ones keep it. */
#define SCOPE_STR 256

/* A scope gives back, when it ends, what an evaluation allocated for a
 * value that needs none of it: a predicate's test, a step's number or
 * short string, a lambda's scalar result.  Per-item temporaries (frames,
 * argument vectors, one-item sequences) then cost nothing, and a path over
 * a large document runs in the memory of what it keeps.  Only code that
 * binds nothing in an older frame runs in a scope (jnode.frame_safe,
 * lambda bodies), so nothing older points into what is given back. */
static void scope_begin(struct jsonata_eval *ev, struct jsonata_mark *m)
{
	jsonata_arena_mark(&ev->arena, m);
}

/* A value taken out of a scope before its memory is given back: one made
 * before the scope (kept as it is), a number, or a short string. */
struct kept {
	jv *older; /* the value itself when made before the scope */
	int is_older;
	jv v;
	int own; /* the string's text was made in the scope */
	char text[SCOPE_STR + 1];
};

static int keep_take(struct jsonata_eval *ev, const struct jsonata_mark *m,
		     jv *v, struct kept *k)
{
	k->older = v;
	k->is_older = !v || !jsonata_arena_since_has(&ev->arena, m, v);
	if (k->is_older)
		return 1;
	k->v = *v;
	if (v->type == JV_NUM)
		return 1;
	if (v->type != JV_STR || v->len > SCOPE_STR)
		return 0;
	k->own = jsonata_arena_since_has(&ev->arena, m, v->u.s.p);
	if (k->own)
		memcpy(k->text, v->u.s.p, v->len);
	return 1;
}

static jv *keep_make(struct jsonata_eval *ev, const struct kept *k)
{
	if (k->is_older)
		return k->older;
	jv *v;
	if (k->v.type == JV_NUM)
		v = jv_num(ev, k->v.u.n);
	else if (k->own)
		v = jv_str(ev, k->text, k->v.len);
	else
		v = jv_str_borrow(ev, k->v.u.s.p, k->v.len);
	v->flags = k->v.flags;
	return v;
}

/* Ends the scope begun at m; *keep (may be NULL, or keep itself) is what
 * survives, moved when it was made in the scope: a number, a short string,
 * or a sequence of at most one of those (a filtered step's result). */
static void scope_end(struct jsonata_eval *ev, struct jsonata_mark *m,
		      jv **keep)
{
	struct jsonata_arena *a = &ev->arena;
	jv *v = keep ? *keep : NULL;
	struct kept k;
	/* after an error everything stays: its message may still quote a
	 * value made in the scope */
	if (ev->failed || ev->no_compact || a->bytes == m->bytes) {
		jsonata_arena_unmark(a, m);
		return;
	}
	if (keep_take(ev, m, v, &k)) {
		jsonata_arena_rewind(a, m, NULL);
		if (keep)
			*keep = keep_make(ev, &k);
	} else if (v->type == JV_ARR && v->len <= 1 && !(v->flags & JV_TUPLES) &&
		   (v->len == 0 || keep_take(ev, m, v->u.a.items[0], &k))) {
		uint8_t flags = v->flags;
		size_t n = v->len;
		jsonata_arena_rewind(a, m, NULL);
		jv *arr = jv_arr(ev, n);
		arr->flags = flags;
		if (n)
			arr->u.a.items[0] = keep_make(ev, &k);
		arr->len = (uint32_t)n;
		*keep = arr;
	}
	jsonata_arena_unmark(a, m);
}

/* ---- paths ------------------------------------------------------------------ */

static int eval_filter(struct jsonata_eval *ev, const struct jnode *pred,
		       jv *input, struct jenv *env, jv **out);
static int eval_sort(struct jsonata_eval *ev, const struct jnode *sort,
		     jv *input, struct jenv *env, jv **out);
static int eval_group(struct jsonata_eval *ev, const struct jnode *g,
		      jv *input, struct jenv *env, jv **out);

/* A step's results flattened one level (evaluateStep): the sequence
 * itself when no result is an array to flatten, which spares a copy of
 * every large step's results. */
static jv *flatten(struct jsonata_eval *ev, jv *result)
{
	size_t i = 0;
	while (i < result->len && (!jv_is_array(result->u.a.items[i]) ||
				     (result->u.a.items[i]->flags & JV_CONS)))
		i++;
	if (i == result->len)
		return result;
	jv *seq = jv_seq(ev);
	jv_reserve(ev, seq, result->len);
	for (i = 0; i < result->len; i++)
		push_flat(ev, seq, result->u.a.items[i]);
	return seq;
}

static int eval_step(struct jsonata_eval *ev, const struct jnode *step,
		     jv *input, struct jenv *env, int last, jv **out)
{
	if (step->type == JN_SORT) {
		TRY(eval_sort(ev, step, input, env, out));
		for (size_t s = 0; s < step->nstages; s++)
			TRY(eval_filter(ev, step->stages[s]->lhs, *out, env, out));
		return 0;
	}
	jv *result = jv_seq(ev);
	jv_reserve(ev, result, input->len); /* at most one result an item */
	for (size_t i = 0; i < input->len; i++) {
		jv *res;
		struct jsonata_mark m;
		jv_prefetch(input->u.a.items, i, input->len);
		if (step->frame_safe)
			scope_begin(ev, &m);
		int rc = eval(ev, step, input->u.a.items[i], env, &res);
		for (size_t s = 0; rc == 0 && s < step->nstages; s++)
			rc = eval_filter(ev, step->stages[s]->lhs, res, env, &res);
		if (step->frame_safe)
			scope_end(ev, &m, rc == 0 ? &res : NULL);
		TRY(rc);
		if (res)
			jv_push(ev, result, res);
	}
	if (last && result->len == 1 && jv_is_array(result->u.a.items[0]) &&
	    !jv_is_seq(result->u.a.items[0])) {
		*out = result->u.a.items[0];
		return 0;
	}
	*out = flatten(ev, result);
	return 0;
}

static int eval_stages(struct jsonata_eval *ev, const struct jnode *step,
		       jv *tuples, struct jenv *env, jv **out)
{
	for (size_t s = 0; s < step->nstages; s++) {
		const struct jnode *st = step->stages[s];
		if (st->type == JN_FILTER) {
			TRY(eval_filter(ev, st->lhs, tuples, env, &tuples));
			continue;
		}
		for (size_t i = 0; tuples && i < tuples->len; i++) {
			jv *t = tuples->u.a.items[i];
			JV_BINDS(t) = jv_bind(ev, JV_BINDS(t), st->str, jv_num(ev, (double)i));
		}
	}
	*out = tuples;
	return 0;
}

static jv *tuple_stream(struct jsonata_eval *ev)
{
	jv *s = jv_seq(ev);
	s->flags |= JV_TUPLES;
	return s;
}

/* Copies the bindings of 'from' in front of 'onto'. */
static struct jbind *merge_binds(struct jsonata_eval *ev, struct jbind *onto,
				 const struct jbind *from)
{
	if (!from)
		return onto;
	return jv_bind(ev, merge_binds(ev, onto, from->next), from->name, from->val);
}

static int tuple_sort_step(struct jsonata_eval *ev, const struct jnode *step,
			   jv *input, jv *tuples, struct jenv *env, jv **out)
{
	jv *result;
	if (tuples) {
		TRY(eval_sort(ev, step, tuples, env, &result));
	} else {
		jv *sorted;
		TRY(eval_sort(ev, step, input, env, &sorted));
		result = tuple_stream(ev);
		for (size_t i = 0; i < sorted->len; i++) {
			struct jbind *b = step->index ? jv_bind(ev, NULL, step->index,
								jv_num(ev, (double)i)) : NULL;
			jv_push(ev, result, jv_tuple(ev, sorted->u.a.items[i], b));
		}
	}
	return eval_stages(ev, step, result, env, out);
}

static jv *tuple_out(struct jsonata_eval *ev, const struct jnode *step,
		     const jv *in, jv *res, int stream, size_t bb)
{
	jv *item = res->u.a.items[bb];
	if (stream)
		return jv_tuple(ev, item->u.t.at,
				merge_binds(ev, JV_BINDS(in), JV_BINDS(item)));
	struct jbind *b = JV_BINDS(in);
	jv *at = item;
	if (step->focus) {
		b = jv_bind(ev, b, step->focus, item);
		at = in->u.t.at;
	}
	if (step->index)
		b = jv_bind(ev, b, step->index, jv_num(ev, (double)bb));
	if (step->ancestor)
		b = jv_bind(ev, b, step->ancestor->label, in->u.t.at);
	return jv_tuple(ev, at, b);
}

static int eval_tuple_step(struct jsonata_eval *ev, const struct jnode *step,
			   jv *input, jv *tuples, struct jenv *env, jv **out)
{
	if (step->type == JN_SORT)
		return tuple_sort_step(ev, step, input, tuples, env, out);
	jv *result = tuple_stream(ev);
	if (!tuples) {
		tuples = tuple_stream(ev);
		for (size_t i = 0; i < input->len; i++)
			jv_push(ev, tuples, jv_tuple(ev, input->u.a.items[i], NULL));
	}
	for (size_t e = 0; e < tuples->len; e++) {
		jv *t = tuples->u.a.items[e];
		jv *res;
		TRY(eval(ev, step, t->u.t.at, frame_from_tuple(ev, env, t), &res));
		if (!res)
			continue;
		if (!jv_is_array(res))
			res = seq_of(ev, res);
		int stream = (res->flags & JV_TUPLES) != 0;
		for (size_t bb = 0; bb < res->len; bb++)
			jv_push(ev, result, tuple_out(ev, step, t, res, stream, bb));
	}
	return eval_stages(ev, step, result, env, out);
}

static int plain_step(const struct jnode *step)
{
	return !step->nstages && !step->tuple && !step->group && !step->npreds &&
	       !step->keep_array && !step->focus && !step->index;
}

/* A path of plain names (after an optional variable) through objects: the
 * field itself, as the general path would end up giving it, without
 * building sequences.  0 when the path needs the general walk. */
static int simple_chain(struct jsonata_eval *ev, const struct jnode *n,
			jv *input, struct jenv *env, jv **out)
{
	if (n->keep_singleton || n->group)
		return 0;
	const struct jnode *first = n->items[0];
	size_t i = 0;
	jv *v = input;
	if (first->type == JN_VARIABLE && plain_step(first) && first->len > 0) {
		v = lookup_var(ev, env, first);
		i = 1;
	}
	for (; i < n->n; i++) {
		const struct jnode *step = n->items[i];
		if (step->type != JN_NAME || !plain_step(step) || !v || v->type != JV_OBJ)
			return 0;
		uint32_t *hint = &ev->name_hints[((uintptr_t)step / sizeof(*step)) % 64];
		v = jv_get_hinted(v, step->str, step->len, hint);
	}
	if (jv_is_array(v) && (v->flags & (JV_SEQ | JV_CONS | JV_OUTER)))
		return 0;
	if (v && v->type == JV_FUNC && n->n > 1)
		return 0;
	*out = v;
	return 1;
}

/* What the next step iterates when the first one (an array constructor
 * whose filter left one value) hands it a value that is not a sequence.
 * jsonata-js 2.0.6 reads the value's length and indexes it as JavaScript
 * does: a string gives its characters, any other value nothing. */
static jv *js_iteration(struct jsonata_eval *ev, jv *v)
{
	jv *seq = jv_seq(ev);
	if (!v || v->type != JV_STR)
		return seq;
	for (size_t i = 0, k; i < v->len; i = k) {
		for (k = i + 1; k < v->len && ((unsigned char)v->u.s.p[k] & 0xC0) == 0x80; k++)
			;
		jv_push(ev, seq, jv_str_borrow(ev, v->u.s.p + i, k - i));
	}
	return seq;
}

static int eval_path(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		     struct jenv *env, jv **out)
{
	if (simple_chain(ev, n, input, env, out))
		return 0;
	jv *in_seq = jv_is_array(input) && n->items[0]->type != JN_VARIABLE
		     ? input : seq_of(ev, input);
	jv *result = NULL, *tuples = NULL;
	int is_tuple = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct jnode *step = n->items[i];
		if (step->tuple)
			is_tuple = 1;
		if (i == 0 && step->consarray) {
			TRY(eval(ev, step, in_seq, env, &result));
		} else if (is_tuple) {
			TRY(eval_tuple_step(ev, step, in_seq, tuples, env, &tuples));
		} else {
			TRY(eval_step(ev, step, in_seq, env, i == n->n - 1, &result));
		}
		if (!is_tuple && (!result || (jv_is_array(result) && result->len == 0)))
			break;
		if (!step->focus)
			in_seq = jv_is_array(result) ? result : js_iteration(ev, result);
	}
	if (is_tuple) {
		if (n->tuple) {
			result = tuples;
		} else {
			result = jv_seq(ev);
			for (size_t i = 0; tuples && i < tuples->len; i++)
				jv_push(ev, result, tuples->u.a.items[i]->u.t.at);
		}
	}
	if (n->keep_singleton && result) {
		if (jv_is_array(result) && (result->flags & JV_CONS) &&
		    !(result->flags & JV_SEQ))
			result = seq_of(ev, result);
		if (jv_is_array(result))
			result->flags |= JV_KEEP;
	}
	if (n->group)
		TRY(eval_group(ev, n->group, is_tuple ? tuples : result, env, &result));
	*out = result;
	return 0;
}

/* ---- predicates --------------------------------------------------------------- */

static int is_array_of_numbers(const jv *v)
{
	if (!jv_is_array(v))
		return 0;
	for (size_t i = 0; i < v->len; i++)
		if (!jv_is_num(v->u.a.items[i]))
			return 0;
	return 1;
}

static int index_select(struct jsonata_eval *ev, jv *input, double value,
			jv *results, jv **out)
{
	double idx = floor(value);
	if (idx < 0)
		idx += (double)input->len;
	jv *item = idx >= 0 && idx < (double)input->len
		   ? input->u.a.items[(size_t)idx] : NULL;
	if (item) {
		if (jv_is_array(item))
			results = item;
		else
			jv_push(ev, results, item);
	}
	*out = results;
	return 0;
}

/* How many times a predicate's value res selects item i of n: a number
 * (or array of numbers) is an index, negative from the end; anything else
 * selects by truthiness. */
static size_t selections(const jv *res, size_t i, size_t n)
{
	if (jv_is_num(res)) {
		double ii = floor(res->u.n);
		return (ii < 0 ? ii + (double)n : ii) == (double)i;
	}
	if (!is_array_of_numbers(res))
		return jv_truthy(res) != 0;
	size_t take = 0;
	for (size_t k = 0; k < res->len; k++) {
		double ii = floor(res->u.a.items[k]->u.n);
		if (ii < 0)
			ii += (double)n;
		take += ii == (double)i;
	}
	return take;
}

static int eval_filter(struct jsonata_eval *ev, const struct jnode *pred,
		       jv *input, struct jenv *env, jv **out)
{
	jv *results = jv_seq(ev);
	int tuples = input && jv_is_array(input) && (input->flags & JV_TUPLES);
	if (tuples)
		results->flags |= JV_TUPLES;
	if (!jv_is_array(input))
		input = seq_of(ev, input);
	if (pred->type == JN_NUMBER)
		return index_select(ev, input, pred->num, results, out);
	for (size_t i = 0; i < input->len; i++) {
		jv *item = input->u.a.items[i], *ctx = item, *res;
		struct jenv *e = env;
		struct jsonata_mark m;
		jv_prefetch(input->u.a.items, i, input->len);
		if (pred->frame_safe)
			scope_begin(ev, &m);
		if (tuples) {
			ctx = item->u.t.at;
			e = frame_from_tuple(ev, env, item);
		}
		int rc = eval(ev, pred, ctx, e, &res);
		size_t take = rc == 0 ? selections(res, i, input->len) : 0;
		if (pred->frame_safe)
			scope_end(ev, &m, NULL);
		TRY(rc);
		while (take--)
			jv_push(ev, results, item);
	}
	*out = results;
	return 0;
}

/* ---- names, wildcards, descendants ------------------------------------------ */

static int lookup_name(struct jsonata_eval *ev, jv *input, const char *key,
		       size_t klen, int depth, jv **out)
{
	*out = NULL;
	if (!input)
		return 0;
	if (input->type == JV_OBJ) {
		*out = jv_get(input, key, klen);
		return 0;
	}
	if (input->type != JV_ARR)
		return 0;
	if (depth > JSONATA_MAX_VALUE_DEPTH)
		return jsonata_failf(ev, "D1099", JSONATA_NOPOS, "",
				     "Arrays nested deeper than %d levels", JSONATA_MAX_VALUE_DEPTH);
	jv *result = jv_seq(ev);
	for (size_t i = 0; i < input->len; i++) {
		jv *res;
		jv_prefetch(input->u.a.items, i, input->len);
		TRY(lookup_name(ev, input->u.a.items[i], key, klen, depth + 1, &res));
		if (!res)
			continue;
		if (jv_is_array(res))
			for (size_t k = 0; k < res->len; k++)
				jv_push(ev, result, res->u.a.items[k]);
		else
			jv_push(ev, result, res);
	}
	*out = result;
	return 0;
}

static int flatten_into(struct jsonata_eval *ev, jv *v, jv *out, int depth)
{
	if (depth > JSONATA_MAX_VALUE_DEPTH)
		return jsonata_failf(ev, "D1099", JSONATA_NOPOS, "",
				     "Arrays nested deeper than %d levels", JSONATA_MAX_VALUE_DEPTH);
	if (!jv_is_array(v)) {
		jv_push(ev, out, v);
		return 0;
	}
	for (size_t i = 0; i < v->len; i++)
		TRY(flatten_into(ev, v->u.a.items[i], out, depth + 1));
	return 0;
}

static int eval_wildcard(struct jsonata_eval *ev, jv *input, jv **out)
{
	jv *results = jv_seq(ev);
	*out = results;
	if (jv_is_array(input) && (input->flags & JV_OUTER) && input->len > 0)
		input = input->u.a.items[0];
	if (!input)
		return 0;
	if (input->type == JV_OBJ) {
		for (size_t i = 0; i < input->u.o->n; i++) {
			jv *v = input->u.o->vals[i];
			if (jv_is_array(v)) {
				jv *flat = jv_arr(ev, 0);
				TRY(flatten_into(ev, v, flat, 0));
				for (size_t k = 0; k < flat->len; k++)
					jv_push(ev, results, flat->u.a.items[k]);
			} else if (v) {
				jv_push(ev, results, v);
			}
		}
	} else if (input->type == JV_ARR) {
		for (size_t i = 0; i < input->len; i++) {
			jv *v = input->u.a.items[i];
			if (jv_is_array(v))
				TRY(flatten_into(ev, v, results, 0));
			else if (v)
				jv_push(ev, results, v);
		}
	}
	return 0;
}

static int descend(struct jsonata_eval *ev, jv *v, jv *results, int depth)
{
	if (depth > JSONATA_MAX_VALUE_DEPTH)
		return jsonata_failf(ev, "D1099", JSONATA_NOPOS, "",
				     "Values nested deeper than %d levels", JSONATA_MAX_VALUE_DEPTH);
	if (!jv_is_array(v))
		jv_push(ev, results, v);
	if (jv_is_array(v)) {
		for (size_t i = 0; i < v->len; i++)
			TRY(descend(ev, v->u.a.items[i], results, depth + 1));
	} else if (v && v->type == JV_OBJ) {
		for (size_t i = 0; i < v->u.o->n; i++)
			TRY(descend(ev, v->u.o->vals[i], results, depth + 1));
	}
	return 0;
}

static int eval_descendants(struct jsonata_eval *ev, jv *input, jv **out)
{
	*out = NULL;
	if (!input)
		return 0;
	jv *results = jv_seq(ev);
	TRY(descend(ev, input, results, 0));
	*out = results->len == 1 ? results->u.a.items[0] : results;
	return 0;
}

/* ---- operators ----------------------------------------------------------- */

static int fail_at(struct jsonata_eval *ev, const char *code,
		   const struct jnode *n, const jv *value)
{
	return jsonata_fail(ev, code, n->pos, n->str ? n->str : "", value);
}

static int numeric(struct jsonata_eval *ev, const struct jnode *n, jv *l,
		   jv *r, jv **out)
{
	*out = NULL;
	if (l && !jv_is_num(l))
		return fail_at(ev, "T2001", n, l);
	if (r && !jv_is_num(r))
		return fail_at(ev, "T2002", n, r);
	if (l && !isfinite(l->u.n))
		return fail_at(ev, "D1001", n, l);
	if (r && !isfinite(r->u.n))
		return fail_at(ev, "D1001", n, r);
	if (!l || !r)
		return 0;
	double a = l->u.n, b = r->u.n, v = 0;
	switch (n->op) {
	case OP_ADD: v = a + b; break;
	case OP_SUB: v = a - b; break;
	case OP_MUL: v = a * b; break;
	case OP_DIV: v = a / b; break;
	default: v = fmod(a, b); break;
	}
	*out = jv_num(ev, v);
	return 0;
}

static int comparable(const jv *v)
{
	return !v || v->type == JV_STR || v->type == JV_NUM;
}

static int compare(struct jsonata_eval *ev, const struct jnode *n, jv *l,
		   jv *r, jv **out)
{
	*out = NULL;
	if (!comparable(l) || !comparable(r))
		return fail_at(ev, "T2010", n, !comparable(l) ? l : r);
	if (!l || !r)
		return 0;
	if (l->type != r->type)
		return fail_at(ev, "T2009", n, l);
	int c;
	if (l->type == JV_NUM)
		c = l->u.n < r->u.n ? -1 : l->u.n > r->u.n ? 1 : 0;
	else
		c = jv_strcmp(l, r);
	int res = 0;
	switch (n->op) {
	case OP_LT: res = c < 0; break;
	case OP_LE: res = c <= 0; break;
	case OP_GT: res = c > 0; break;
	default: res = c >= 0; break;
	}
	*out = JV_BOOLV(res);
	return 0;
}

static int strict_equal(const jv *a, const jv *b)
{
	if (a == b)
		return 1;
	if (!a || !b || a->type != b->type)
		return 0;
	switch (a->type) {
	case JV_NUM: return a->u.n == b->u.n;
	case JV_STR: return a->len == b->len && memcmp(a->u.s.p, b->u.s.p, a->len) == 0;
	case JV_BOOL: return a->u.b == b->u.b;
	case JV_NULL: return 1;
	default: return 0;
	}
}

static int range(struct jsonata_eval *ev, const struct jnode *n, jv *l, jv *r,
		 jv **out)
{
	*out = NULL;
	if (l && !jv_is_int(l))
		return fail_at(ev, "T2003", n, l);
	if (r && !jv_is_int(r))
		return fail_at(ev, "T2004", n, r);
	if (!l || !r || l->u.n > r->u.n)
		return 0;
	double size = r->u.n - l->u.n + 1;
	if (size > JSONATA_MAX_RANGE)
		return jsonata_failf(ev, "D2014", n->pos, "..",
				     "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate %.0f.",
				     size);
	/* every item costs a value and a pointer: past the memory bound, fail
	 * before the loop rather than after millions of unchecked steps */
	TRY(jsonata_room(ev, (size_t)size * (sizeof(jv) + sizeof(jv *)), n->pos));
	jv *s = jv_arr(ev, (size_t)size);
	s->flags = JV_SEQ;
	for (size_t i = 0; i < (size_t)size; i++)
		s->u.a.items[i] = jv_num(ev, l->u.n + (double)i);
	s->len = (uint32_t)size;
	*out = s;
	return 0;
}

static int concat(struct jsonata_eval *ev, jv *l, jv *r, jv **out)
{
	struct buf b = BUF_INIT;
	int rc = 0;
	size_t ll = jv_is_str(l) ? l->len : 0, rl = jv_is_str(r) ? r->len : 0;
	if (ll + rl > JSONATA_MAX_STRING)
		return jsonata_failf(ev, "D1099", JSONATA_NOPOS, "&",
				     "A string longer than %zu bytes cannot be built",
				     (size_t)JSONATA_MAX_STRING);
	if (l)
		rc = jsonata_stringify(ev, l, 0, &b);
	if (rc == 0 && r)
		rc = jsonata_stringify(ev, r, 0, &b);
	if (rc == 0)
		*out = jv_str_buf(ev, &b);
	buf_release(&b);
	return rc;
}

static int eval_binary(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		       struct jenv *env, jv **out)
{
	jv *l, *r;
	TRY(eval(ev, n->lhs, input, env, &l));
	if (n->op == OP_AND || n->op == OP_OR) {
		int lb = jv_truthy(l);
		if ((n->op == OP_AND && !lb) || (n->op == OP_OR && lb)) {
			*out = JV_BOOLV(lb);
			return 0;
		}
		TRY(eval(ev, n->rhs, input, env, &r));
		*out = JV_BOOLV(jv_truthy(r));
		return 0;
	}
	TRY(eval(ev, n->rhs, input, env, &r));
	switch (n->op) {
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
		return numeric(ev, n, l, r, out);
	case OP_EQ: case OP_NE:
		*out = JV_BOOLV(l && r && (jv_equal(l, r) == (n->op == OP_EQ)));
		return 0;
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		return compare(ev, n, l, r, out);
	case OP_CONCAT:
		return concat(ev, l, r, out);
	case OP_RANGE:
		return range(ev, n, l, r, out);
	case OP_IN: {
		int found = 0;
		if (l && r) {
			if (!jv_is_array(r))
				found = strict_equal(l, r);
			for (size_t i = 0; jv_is_array(r) && i < r->len && !found; i++)
				found = strict_equal(l, r->u.a.items[i]);
		}
		*out = JV_BOOLV(found);
		return 0;
	}
	default:
		*out = NULL;
		return 0;
	}
}

/* ---- constructors -------------------------------------------------------- */

static int eval_array(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		      struct jenv *env, jv **out)
{
	jv *result = jv_arr(ev, n->n);
	for (size_t i = 0; i < n->n; i++) {
		jv *v;
		TRY(eval(ev, n->items[i], input, env, &v));
		if (!v)
			continue;
		if (n->items[i]->type == JN_ARRAY || !jv_is_array(v)) {
			jv_push(ev, result, v);
			continue;
		}
		if (v->len == 0)
			continue;
		jv_reserve(ev, result, v->len);
		memcpy(result->u.a.items + result->len, v->u.a.items,
		       v->len * sizeof(jv *));
		result->len += v->len;
	}
	if (n->consarray)
		result->flags |= JV_CONS;
	*out = result;
	return 0;
}

/* reduceTupleStream: the tuples of a group merged, each binding appended. */
static jv *reduce_tuples(struct jsonata_eval *ev, jv *data)
{
	if (!jv_is_array(data))
		return data;
	jv *at = NULL;
	struct jbind *acc = NULL;
	for (size_t i = 0; i < data->len; i++) {
		jv *t = data->u.a.items[i];
		if (!t || t->type != JV_TUPLE)
			continue;
		at = i ? jsonata_append(ev, at, t->u.t.at) : t->u.t.at;
		for (struct jbind *b = JV_BINDS(t); b; b = b->next) {
			int seen = 0;
			for (struct jbind *c = JV_BINDS(t); c != b; c = c->next)
				if (strcmp(c->name, b->name) == 0)
					seen = 1;
			if (seen)
				continue;
			struct jbind *a = acc;
			while (a && strcmp(a->name, b->name) != 0)
				a = a->next;
			if (!a)
				acc = jv_bind(ev, acc, b->name, b->val);
			else if (i)
				a->val = jsonata_append(ev, a->val, b->val);
		}
	}
	return jv_tuple(ev, at, acc);
}

struct group_entry {
	jv *data;
	size_t pair;
	int own; /* data is an array this grouping made: append in place */
};

/* data = append(data, item), in place once data is the group's own array:
 * repeated appends would copy the group's items each time. */
static void group_add(struct jsonata_eval *ev, struct group_entry *ge, jv *item)
{
	if (!item)
		return;
	if (!ge->own) {
		jv *before = ge->data;
		ge->data = jsonata_append(ev, before, item);
		ge->own = before != NULL; /* append made a new array */
		return;
	}
	if (!jv_is_array(item)) {
		jv_push(ev, ge->data, item);
		return;
	}
	jv_reserve(ev, ge->data, item->len);
	for (size_t k = 0; k < item->len; k++)
		jv_push(ev, ge->data, item->u.a.items[k]);
}

static int group_keys(struct jsonata_eval *ev, const struct jnode *g, jv *input,
		      struct jenv *env, int reduce, jv *groups,
		      struct group_entry **entries, size_t *nent, size_t *alloc)
{
	for (size_t i = 0; i < input->len; i++) {
		jv *item = input->u.a.items[i];
		int tuple = reduce && item;
		jv_prefetch(input->u.a.items, i, input->len);
		struct jenv *e = tuple ? frame_from_tuple(ev, env, item) : env;
		for (size_t p = 0; p < g->n / 2; p++) {
			jv *key;
			TRY(eval(ev, g->items[2 * p], tuple ? item->u.t.at : item, e, &key));
			if (key && key->type != JV_STR)
				return jsonata_fail(ev, "T1003", g->pos, "", key);
			if (!key)
				continue;
			jv *slot = jv_get(groups, key->u.s.p, key->len);
			if (!slot) {
				ARRAY_GROW(*entries, *nent + 1, *alloc);
				(*entries)[*nent].data = item;
				(*entries)[*nent].pair = p;
				(*entries)[*nent].own = 0;
				jv_set(ev, groups, key->u.s.p, key->len,
				       jv_num(ev, (double)*nent));
				(*nent)++;
				continue;
			}
			struct group_entry *ge = &(*entries)[(size_t)slot->u.n];
			if (ge->pair != p)
				return jsonata_fail(ev, "D1009", g->pos, "", key);
			group_add(ev, ge, item);
		}
	}
	return 0;
}

static int eval_group(struct jsonata_eval *ev, const struct jnode *g,
		      jv *input, struct jenv *env, jv **out)
{
	int reduce = input && jv_is_array(input) && (input->flags & JV_TUPLES);
	if (!jv_is_array(input))
		input = seq_of(ev, input);
	if (input->len == 0)
		input = seq_of(ev, NULL);
	jv *groups = jv_obj(ev);
	struct group_entry *entries = NULL;
	size_t nent = 0, alloc = 0;
	int rc = group_keys(ev, g, input, env, reduce, groups, &entries, &nent, &alloc);
	jv *result = jv_obj(ev);
	for (size_t i = 0; rc == 0 && i < nent; i++) {
		jv *ctx = entries[i].data, *v;
		struct jenv *e = env;
		if (reduce && ctx) {
			jv *t = reduce_tuples(ev, ctx);
			ctx = t->u.t.at;
			e = frame_from_tuple(ev, env, t);
		}
		rc = eval(ev, g->items[2 * entries[i].pair + 1], ctx, e, &v);
		if (rc == 0 && v)
			jv_set(ev, result, groups->u.o->keys[i].key,
			       groups->u.o->keys[i].klen, v);
	}
	free(entries);
	*out = result;
	return rc;
}

/* ---- sort ---------------------------------------------------------------- */

struct sort_ctx {
	struct jsonata_eval *ev;
	const struct jnode *sort;
	jv ***keys; /* per item, per term */
	int failed;
};

static int sort_cmp(struct sort_ctx *c, size_t a, size_t b)
{
	for (size_t t = 0; t < c->sort->n; t++) {
		jv *x = c->keys[a][t], *y = c->keys[b][t];
		int comp;
		if (!x) {
			comp = y ? 1 : 0;
			if (comp)
				return comp;
			continue;
		}
		if (!y)
			return -1;
		if (!(x->type == JV_STR || x->type == JV_NUM) ||
		    !(y->type == JV_STR || y->type == JV_NUM)) {
			c->failed = 1;
			return jsonata_fail(c->ev, "T2008", c->sort->pos, "",
					    !(x->type == JV_STR || x->type == JV_NUM) ? x : y), 0;
		}
		if (x->type != y->type) {
			c->failed = 1;
			return jsonata_fail(c->ev, "T2007", c->sort->pos, "", x), 0;
		}
		if (x->type == JV_NUM)
			comp = x->u.n < y->u.n ? -1 : x->u.n > y->u.n;
		else
			comp = jv_strcmp(x, y);
		if (comp == 0)
			continue;
		return c->sort->items[t]->descending ? -comp : comp;
	}
	return 0;
}

/* Stable merge sort of index array idx[0..n) using tmp. */
static void merge_sort(struct sort_ctx *c, size_t *idx, size_t *tmp, size_t n)
{
	if (n < 2 || c->failed)
		return;
	size_t h = n / 2;
	merge_sort(c, idx, tmp, h);
	merge_sort(c, idx + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n && !c->failed)
		tmp[k++] = sort_cmp(c, idx[i], idx[j]) > 0 ? idx[j++] : idx[i++];
	while (i < h)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, k * sizeof(*idx));
}

static int eval_sort(struct jsonata_eval *ev, const struct jnode *sort,
		     jv *input, struct jenv *env, jv **out)
{
	if (!jv_is_array(input) || input->len <= 1) {
		*out = input;
		return 0;
	}
	size_t n = input->len;
	int tuples = (input->flags & JV_TUPLES) != 0;
	struct sort_ctx c = { ev, sort, NULL, 0 };
	c.keys = jsonata_arena_alloc(&ev->arena, size_mul(n, sizeof(jv **)));
	for (size_t i = 0; i < n; i++) {
		jv *item = input->u.a.items[i], *ctx = item;
		struct jenv *e = env;
		if (tuples) {
			ctx = item->u.t.at;
			e = frame_from_tuple(ev, env, item);
		}
		c.keys[i] = jsonata_arena_alloc(&ev->arena, sort->n * sizeof(jv *));
		for (size_t t = 0; t < sort->n; t++)
			TRY(eval(ev, sort->items[t]->lhs, ctx, e, &c.keys[i][t]));
	}
	size_t *idx = xmalloc(size_mul(n, sizeof(size_t)));
	size_t *tmp = xmalloc(size_mul(n, sizeof(size_t)));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	merge_sort(&c, idx, tmp, n);
	jv *result = jv_arr(ev, n);
	result->flags = JV_SEQ | (input->flags & JV_TUPLES);
	for (size_t i = 0; i < n; i++)
		result->u.a.items[i] = input->u.a.items[idx[i]];
	result->len = (uint32_t)n;
	free(idx);
	free(tmp);
	*out = result;
	return c.failed ? -1 : 0;
}

/* ---- functions ------------------------------------------------------------ */

static jv *func_value(struct jsonata_eval *ev, struct jfunc **f)
{
	jv *v = jsonata_arena_alloc(&ev->arena, sizeof(*v));
	v->type = JV_FUNC;
	*f = jsonata_arena_alloc(&ev->arena, sizeof(**f));
	v->u.f = *f;
	return v;
}

static jv *make_lambda(struct jsonata_eval *ev, const struct jnode *n,
		       jv *input, struct jenv *env)
{
	struct jfunc *f;
	jv *v = func_value(ev, &f);
	f->kind = JF_LAMBDA;
	f->node = n;
	f->params = (const struct jnode *const *)n->items;
	f->nparams = n->n;
	f->body = n->rhs;
	f->input = input;
	f->env = env;
	f->sig = n->sig;
	f->thunk = n->thunk;
	return v;
}

size_t jsonata_func_arity(const jv *fv)
{
	const struct jfunc *f = fv->u.f;
	switch (f->kind) {
	case JF_LAMBDA: return f->nparams;
	case JF_BUILTIN: return (size_t)f->bi->arity;
	case JF_PARTIAL: {
		size_t n = 0;
		for (size_t i = 0; i < f->nargs; i++)
			n += f->holes[i];
		return n;
	}
	case JF_REGEX: return 2;
	default: return 1;
	}
}

static int apply_inner(struct jsonata_eval *ev, jv *proc, jv **argv,
		       size_t argc, jv *input, jv **out);

static int apply_lambda(struct jsonata_eval *ev, const struct jfunc *f,
			jv **argv, size_t argc, jv **out)
{
	struct jenv *env = jsonata_env_new(ev, f->env);
	if (f->nparams) { /* exactly the room the parameters need */
		env->e = jsonata_arena_alloc(&ev->arena, f->nparams * sizeof(*env->e));
		env->cap = f->nparams;
	}
	for (size_t i = 0; i < f->nparams; i++)
		jsonata_env_bind(ev, env, f->params[i]->str, f->params[i]->len,
				 i < argc ? argv[i] : NULL);
	return eval(ev, f->body, f->input, env, out);
}

static int apply_partial(struct jsonata_eval *ev, const struct jfunc *f,
			 jv **argv, size_t argc, jv *input, jv **out)
{
	jv **args = jsonata_arena_alloc(&ev->arena, (f->nargs + 1) * sizeof(jv *));
	size_t k = 0;
	for (size_t i = 0; i < f->nargs; i++)
		args[i] = f->holes[i] ? (k < argc ? argv[k++] : NULL) : f->args[i];
	return apply_inner(ev, f->f1, args, f->nargs, input, out);
}

static int apply_transform(struct jsonata_eval *ev, const struct jfunc *f,
			   jv *obj, jv **out);

static int apply_chain(struct jsonata_eval *ev, const struct jfunc *f,
		       jv **argv, size_t argc, jv *input, jv **out)
{
	jv *mid;
	TRY(jsonata_apply(ev, f->f1, argv, argc, input, &mid));
	return jsonata_apply(ev, f->f2, &mid, 1, input, out);
}

static int apply_regex(struct jsonata_eval *ev, const struct jfunc *f,
		       jv **argv, size_t argc, jv **out);

static int apply_inner(struct jsonata_eval *ev, jv *proc, jv **argv,
		       size_t argc, jv *input, jv **out)
{
	*out = NULL;
	if (!jv_is_func(proc))
		return jsonata_fail(ev, "T1006", JSONATA_NOPOS, "", NULL);
	const struct jfunc *f = proc->u.f;
	if (f->sig)
		TRY(jsonata_sig_validate(ev, f->sig, argv, argc, input, &argv, &argc,
					 JSONATA_NOPOS, f->bi ? f->bi->name : ""));
	switch (f->kind) {
	case JF_LAMBDA: return apply_lambda(ev, f, argv, argc, out);
	case JF_BUILTIN: return f->bi->fn(ev, argv, argc, input, out);
	case JF_PARTIAL: return apply_partial(ev, f, argv, argc, input, out);
	case JF_CHAIN: return apply_chain(ev, f, argv, argc, input, out);
	case JF_TRANSFORM: return apply_transform(ev, f, argc ? argv[0] : NULL, out);
	case JF_REGEX: return apply_regex(ev, f, argv, argc, out);
	default: return jsonata_fail(ev, "T1006", JSONATA_NOPOS, "", NULL);
	}
}

static const char *proc_name(const struct jnode *proc)
{
	if (proc->type == JN_PATH && proc->items[0]->str)
		return proc->items[0]->str;
	return proc->str ? proc->str : "";
}

/* A tail loop compacts once it has allocated this much since its start
 * and twice what survived the last compaction: the copying stays in
 * proportion to what the loop allocates. */
#define JSONATA_GC_MIN ((size_t)1 << 20)

/* Between two turns of the trampoline the loop holds only the next call:
 * what the replaced frames allocated and the call does not reach is given
 * back, so a tail loop runs in bounded memory (jsonata_gc.c).  Returns the
 * argument vector, moved. */
static jv **compact_turn(struct jsonata_eval *ev, const struct jsonata_mark *m,
			 size_t *limit, jv **next, jv **args, size_t n)
{
	if (ev->no_compact || ev->arena.bytes - m->bytes < *limit)
		return args;
	jv **roots = xmalloc((n + 1) * sizeof(jv *));
	memcpy(roots, args, n * sizeof(jv *));
	roots[n] = *next;
	jsonata_gc_compact(ev, m, roots, n + 1);
	size_t live = ev->arena.bytes - m->bytes;
	*limit = live > JSONATA_GC_MIN / 2 ? live * 2 : JSONATA_GC_MIN;
#ifdef JSONATA_GC_EVERY_TURN
	*limit = 0; /* a test build: a pointer the walk misses shows at once */
#endif
	jv **moved = jsonata_arena_alloc(&ev->arena, (n + 1) * sizeof(jv *));
	memcpy(moved, roots, n * sizeof(jv *));
	*next = roots[n];
	free(roots);
	return moved;
}

static int apply_loop(struct jsonata_eval *ev, const struct jsonata_mark *m,
		      jv *fn, jv **argv, size_t argc, jv *input, jv **out)
{
	size_t limit = JSONATA_GC_MIN;
#ifdef JSONATA_GC_EVERY_TURN
	limit = 0;
#endif
	TRY(apply_inner(ev, fn, argv, argc, input, out));
	while (jv_is_func(*out) && (*out)->u.f->thunk) {
		const struct jfunc *t = (*out)->u.f;
		const struct jnode *call = t->body;
		jv *next;
		TRY(jsonata_tick(ev, call->pos));
		TRY(eval(ev, call->lhs, t->input, t->env, &next));
		jv **args = jsonata_arena_alloc(&ev->arena, (call->n + 1) * sizeof(jv *));
		for (size_t i = 0; i < call->n; i++)
			TRY(eval(ev, call->items[i], t->input, t->env, &args[i]));
		/* t and the frame it closes over are garbage from here */
		args = compact_turn(ev, m, &limit, &next, args, call->n);
		if (apply_inner(ev, next, args, call->n, input, out) < 0) {
			jsonata_fill_pos(ev, call->pos, proc_name(call->lhs));
			return -1;
		}
	}
	return 0;
}

int jsonata_apply(struct jsonata_eval *ev, jv *fn, jv **argv, size_t argc,
		  jv *input, jv **out)
{
	/* the mark comes before the first call, so the frames of every call
	 * the loop replaces lie above it (arguments may bind into them) */
	struct jsonata_mark m;
	jsonata_arena_mark(&ev->arena, &m);
	int rc = apply_loop(ev, &m, fn, argv, argc, input, out);
	/* a lambda's body binds only in frames of its own: its call is a
	 * scope */
	if (rc == 0 && jv_is_func(fn) && fn->u.f->kind == JF_LAMBDA)
		scope_end(ev, &m, out);
	else
		jsonata_arena_unmark(&ev->arena, &m);
	return rc;
}

static int eval_call(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		     struct jenv *env, jv *applyto, int has_applyto, jv **out)
{
	jv *proc;
	TRY(eval(ev, n->lhs, input, env, &proc));
	const char *name = proc_name(n->lhs);
	if (!proc && n->lhs->type == JN_PATH &&
	    lookup(ev, env, name, strlen(name)))
		return jsonata_fail(ev, "T1005", n->pos, name, NULL);
	jv **args = jsonata_arena_alloc(&ev->arena, (n->n + 2) * sizeof(jv *));
	size_t argc = 0;
	if (has_applyto)
		args[argc++] = applyto;
	for (size_t i = 0; i < n->n; i++)
		TRY(eval(ev, n->items[i], input, env, &args[argc++]));
	if (jsonata_apply(ev, proc, args, argc, input, out) < 0) {
		jsonata_fill_pos(ev, n->pos, name);
		return -1;
	}
	return 0;
}

static int eval_partial(struct jsonata_eval *ev, const struct jnode *n,
			jv *input, struct jenv *env, jv **out)
{
	jv **args = jsonata_arena_alloc(&ev->arena, (n->n + 1) * sizeof(jv *));
	uint8_t *holes = jsonata_arena_alloc(&ev->arena, n->n + 1);
	for (size_t i = 0; i < n->n; i++) {
		if (n->items[i]->type == JN_HOLE)
			holes[i] = 1;
		else
			TRY(eval(ev, n->items[i], input, env, &args[i]));
	}
	jv *proc;
	TRY(eval(ev, n->lhs, input, env, &proc));
	const char *name = proc_name(n->lhs);
	if (!proc && n->lhs->type == JN_PATH && lookup(ev, env, name, strlen(name)))
		return jsonata_fail(ev, "T1007", n->pos, name, NULL);
	if (!jv_is_func(proc))
		return jsonata_fail(ev, "T1008", n->pos, name, NULL);
	struct jfunc *f;
	*out = func_value(ev, &f);
	if (proc->u.f->kind == JF_LAMBDA) {
		/* bind the supplied arguments; the holes stay parameters */
		const struct jfunc *l = proc->u.f;
		*f = *l;
		f->sig = NULL;
		f->thunk = 0;
		f->env = jsonata_env_new(ev, l->env);
		const struct jnode **params = jsonata_arena_alloc(&ev->arena,
								  (l->nparams + 1) * sizeof(*params));
		size_t np = 0;
		for (size_t i = 0; i < l->nparams; i++) {
			if (i < n->n && holes[i])
				params[np++] = l->params[i];
			else
				jsonata_env_bind(ev, f->env, l->params[i]->str,
						 l->params[i]->len, i < n->n ? args[i] : NULL);
		}
		f->params = params;
		f->nparams = np;
		return 0;
	}
	size_t total = n->n;
	if (proc->u.f->kind == JF_BUILTIN && (size_t)proc->u.f->bi->arity > total)
		total = (size_t)proc->u.f->bi->arity;
	f->kind = JF_PARTIAL;
	f->f1 = proc;
	f->args = jsonata_arena_alloc(&ev->arena, (total + 1) * sizeof(jv *));
	f->holes = jsonata_arena_alloc(&ev->arena, total + 1);
	if (n->n) {
		memcpy(f->args, args, n->n * sizeof(jv *));
		memcpy(f->holes, holes, n->n);
	}
	f->nargs = n->n;
	return 0;
}

static int eval_apply(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		      struct jenv *env, jv **out)
{
	jv *lhs;
	TRY(eval(ev, n->lhs, input, env, &lhs));
	if (n->rhs->type == JN_FUNCTION) {
		TRY(eval_call(ev, n->rhs, input, env, lhs, 1, out));
		if (n->rhs->keep_array && jv_is_seq(*out))
			(*out)->flags |= JV_KEEP;
		return 0;
	}
	jv *fn;
	TRY(eval(ev, n->rhs, input, env, &fn));
	if (!jv_is_func(fn))
		return jsonata_fail(ev, "T2006", n->pos, "~>", fn);
	if (jv_is_func(lhs)) {
		struct jfunc *f;
		*out = func_value(ev, &f);
		f->kind = JF_CHAIN;
		f->f1 = lhs;
		f->f2 = fn;
		return 0;
	}
	if (jsonata_apply(ev, fn, &lhs, 1, input, out) < 0) {
		jsonata_fill_pos(ev, n->pos, "~>");
		return -1;
	}
	return 0;
}

/* ---- transform ---------------------------------------------------------------- */

static int transform_one(struct jsonata_eval *ev, const struct jnode *n,
			 struct jenv *env, jv *match)
{
	jv *update;
	TRY(eval(ev, n->rhs, match, env, &update));
	if (update) {
		if (update->type != JV_OBJ)
			return jsonata_fail(ev, "T2011", n->rhs->pos, "", update);
		if (match && match->type == JV_OBJ)
			for (size_t k = 0; k < update->u.o->n; k++)
				jv_set(ev, match, update->u.o->keys[k].key,
				       update->u.o->keys[k].klen, update->u.o->vals[k]);
	}
	if (!n->third)
		return 0;
	jv *dels;
	TRY(eval(ev, n->third, match, env, &dels));
	if (!dels)
		return 0;
	jv *list = jv_is_array(dels) ? dels : seq_of(ev, dels);
	for (size_t k = 0; k < list->len; k++)
		if (!jv_is_str(list->u.a.items[k]))
			return jsonata_fail(ev, "T2012", n->third->pos, "", dels);
	for (size_t k = 0; match && match->type == JV_OBJ && k < list->len; k++)
		jv_del(ev, match, list->u.a.items[k]->u.s.p, list->u.a.items[k]->len);
	return 0;
}

static int apply_transform(struct jsonata_eval *ev, const struct jfunc *f,
			   jv *obj, jv **out)
{
	const struct jnode *n = f->node;
	*out = NULL;
	if (!obj)
		return 0;
	jv *result, *matches;
	TRY(jsonata_clone(ev, obj, &result));
	TRY(eval(ev, n->lhs, result, f->env, &matches));
	if (!matches) {
		*out = result;
		return 0;
	}
	if (!jv_is_array(matches))
		matches = seq_of(ev, matches);
	for (size_t i = 0; i < matches->len; i++)
		TRY(transform_one(ev, n, f->env, matches->u.a.items[i]));
	*out = result;
	return 0;
}

static int clone_depth(struct jsonata_eval *ev, const jv *v, jv **out, int depth)
{
	if (depth > JSONATA_MAX_VALUE_DEPTH)
		return jsonata_failf(ev, "D1099", JSONATA_NOPOS, "",
				     "Values nested deeper than %d levels", JSONATA_MAX_VALUE_DEPTH);
	if (!v || (v->type != JV_ARR && v->type != JV_OBJ)) {
		*out = (jv *)v;
		return 0;
	}
	if (v->type == JV_ARR) {
		jv *a = jv_arr(ev, v->len);
		for (size_t i = 0; i < v->len; i++) {
			jv *c;
			TRY(clone_depth(ev, v->u.a.items[i], &c, depth + 1));
			jv_push(ev, a, c);
		}
		*out = a;
		return 0;
	}
	jv *o = jv_obj(ev);
	for (size_t i = 0; i < v->u.o->n; i++) {
		jv *c;
		TRY(clone_depth(ev, v->u.o->vals[i], &c, depth + 1));
		jv_set(ev, o, v->u.o->keys[i].key, v->u.o->keys[i].klen, c);
	}
	*out = o;
	return 0;
}

int jsonata_clone(struct jsonata_eval *ev, const jv *v, jv **out)
{
	return clone_depth(ev, v, out, 0);
}

/* ---- regex values ------------------------------------------------------------ */

jv *jsonata_regex_value(struct jsonata_eval *ev, void *re)
{
	struct jfunc *f;
	jv *v = func_value(ev, &f);
	f->kind = JF_REGEX;
	f->regex = re;
	return v;
}

/* Calling a regex as a function: the first match as {match, start, end,
 * groups} (no 'next': the built-ins iterate matches themselves). */
static int apply_regex(struct jsonata_eval *ev, const struct jfunc *f,
		       jv **argv, size_t argc, jv **out)
{
	*out = NULL;
	if (argc < 1 || !jv_is_str(argv[0]))
		return 0;
	const jv *s = argv[0];
	struct jsonata_match m;
	int rc = jsonata_regex_exec(ev, f->regex, s->u.s.p, s->len, 0, &m);
	if (rc <= 0)
		return rc;
	jv *o = jv_obj(ev);
	jv_set(ev, o, "match", 5, jv_str(ev, s->u.s.p + m.start, m.end - m.start));
	jv_set(ev, o, "start", 5, jv_num(ev, (double)jsonata_utf16_len(s->u.s.p, m.start)));
	jv_set(ev, o, "end", 3, jv_num(ev, (double)jsonata_utf16_len(s->u.s.p, m.end)));
	jv *groups = jv_arr(ev, m.ngroups);
	for (size_t g = 0; g < m.ngroups; g++)
		jv_push(ev, groups, m.gs[g] == SIZE_MAX ? jv_str(ev, "", 0)
				    : jv_str(ev, s->u.s.p + m.gs[g], m.ge[g] - m.gs[g]));
	jv_set(ev, o, "groups", 6, groups);
	*out = o;
	return 0;
}

/* ---- the dispatcher ------------------------------------------------------------ */

static int eval_block(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		      struct jenv *env, jv **out)
{
	struct jenv *frame = n->no_frame ? env : jsonata_env_new(ev, env);
	*out = NULL;
	for (size_t i = 0; i < n->n; i++)
		TRY(eval(ev, n->items[i], input, frame, out));
	return 0;
}

static int eval_variable(struct jsonata_eval *ev, const struct jnode *n,
			 jv *input, struct jenv *env, jv **out)
{
	if (n->len == 0) {
		*out = jv_is_array(input) && (input->flags & JV_OUTER) && input->len
		       ? input->u.a.items[0] : input;
		return 0;
	}
	*out = lookup_var(ev, env, n);
	return 0;
}

static int eval_literal(struct jsonata_eval *ev, const struct jnode *n, jv **out)
{
	switch (n->type) {
	case JN_STRING: *out = jv_str_borrow(ev, n->str, n->len); return 0;
	case JN_NUMBER: *out = jv_num(ev, n->num); return 0;
	default:
		*out = n->value == 2 ? JV_NULLV : JV_BOOLV(n->value);
		return 0;
	}
}

static int eval_neg(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		    struct jenv *env, jv **out)
{
	jv *v;
	TRY(eval(ev, n->lhs, input, env, &v));
	if (!v) {
		*out = NULL;
		return 0;
	}
	if (!jv_is_num(v))
		return jsonata_fail(ev, "D1002", n->pos, "-", v);
	*out = jv_num(ev, -v->u.n);
	return 0;
}

static int eval_condition(struct jsonata_eval *ev, const struct jnode *n,
			  jv *input, struct jenv *env, jv **out)
{
	jv *c;
	TRY(eval(ev, n->lhs, input, env, &c));
	*out = NULL;
	if (jv_truthy(c))
		return eval(ev, n->rhs, input, env, out);
	if (n->third)
		return eval(ev, n->third, input, env, out);
	return 0;
}

static int eval_bind(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		     struct jenv *env, jv **out)
{
	TRY(eval(ev, n->rhs, input, env, out));
	jsonata_env_bind(ev, env, n->lhs->str, n->lhs->len, *out);
	return 0;
}

static int eval_kind(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		     struct jenv *env, jv **out)
{
	struct jfunc *f;
	switch (n->type) {
	case JN_PATH: return eval_path(ev, n, input, env, out);
	case JN_BINARY: return eval_binary(ev, n, input, env, out);
	case JN_NEG: return eval_neg(ev, n, input, env, out);
	case JN_ARRAY: return eval_array(ev, n, input, env, out);
	case JN_OBJECT: return eval_group(ev, n, input, env, out);
	case JN_NAME: return lookup_name(ev, input, n->str, n->len, 0, out);
	case JN_STRING: case JN_NUMBER: case JN_VALUE: return eval_literal(ev, n, out);
	case JN_WILDCARD: return eval_wildcard(ev, input, out);
	case JN_DESCENDANT: return eval_descendants(ev, input, out);
	case JN_PARENT: *out = lookup(ev, env, n->slot->label, strlen(n->slot->label)); return 0;
	case JN_CONDITION: return eval_condition(ev, n, input, env, out);
	case JN_BLOCK: return eval_block(ev, n, input, env, out);
	case JN_BIND: return eval_bind(ev, n, input, env, out);
	case JN_REGEX: *out = jsonata_regex_value(ev, n->regex); return 0;
	case JN_FUNCTION: return eval_call(ev, n, input, env, NULL, 0, out);
	case JN_VARIABLE: return eval_variable(ev, n, input, env, out);
	case JN_LAMBDA: *out = make_lambda(ev, n, input, env); return 0;
	case JN_PARTIAL: return eval_partial(ev, n, input, env, out);
	case JN_APPLY: return eval_apply(ev, n, input, env, out);
	case JN_SORT: return eval_sort(ev, n, input, env, out);
	case JN_TRANSFORM:
		*out = func_value(ev, &f);
		f->kind = JF_TRANSFORM;
		f->node = n;
		f->env = env;
		return 0;
	default:
		*out = NULL;
		return 0;
	}
}

static int eval(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		struct jenv *env, jv **out)
{
	*out = NULL;
	TRY(jsonata_tick(ev, n->pos));
	if (++ev->depth > ev->max_depth) {
		ev->depth--;
		return jsonata_fail(ev, "U1001", n->pos, "", NULL);
	}
	int rc = eval_kind(ev, n, input, env, out);
	for (size_t i = 0; rc == 0 && i < n->npreds; i++)
		rc = eval_filter(ev, n->preds[i]->lhs, *out, env, out);
	if (rc == 0 && n->type != JN_PATH && n->group)
		rc = eval_group(ev, n->group, *out, env, out);
	ev->depth--;
	if (rc < 0)
		return -1;
	jv *r = *out;
	if (jv_is_seq(r) && !(r->flags & JV_TUPLES)) {
		if (n->keep_array)
			r->flags |= JV_KEEP;
		if (r->len == 0)
			*out = NULL;
		else if (r->len == 1 && !(r->flags & JV_KEEP))
			*out = r->u.a.items[0];
	}
	return 0;
}

int jsonata_eval_node(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		      struct jenv *env, jv **out)
{
	return eval(ev, n, input, env, out);
}
