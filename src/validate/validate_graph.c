/* validate_graph.c - transitions: every Next, Default and Catch Next names a
 * state of the same scope; every state is reachable from StartAt; from every
 * reachable state some terminal state (Succeed, Fail, End: true) is
 * reachable.  A Parallel branch or a Map processor is its own scope.
 * Not here: whether Next/End are present at all (validate_fields.c). */
#include "validate_impl.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* The state that encloses m's scope and holds a state called 'name', to
 * say "cannot jump out" rather than "no such state". */
static const struct asl_state *outer_state(const struct asl_machine *m,
					   const char *name)
{
	for (const struct asl_machine *p = m->parent; p; p = p->parent) {
		const struct asl_state *s = asl_state_get(p, name);
		if (s)
			return s;
	}
	return NULL;
}

/* Reports a transition to 'name' (written at node) that resolved to no
 * state of m's own scope. */
static void check_target(struct vctx *v, const struct asl_machine *m,
			 const cJSON *node, const char *name, int index,
			 const char *what, const char *from)
{
	if (!name || index >= 0 || v->fragment)
		return;
	if (outer_state(m, name))
		v_report(v, R_NEXT_OUT_OF_SCOPE, node, AT_VALUE,
			 "%s of state '%s' names '%s', which is outside this %s: "
			 "%s cannot jump out", what, from, name,
			 m->owner->type == ASL_MAP ? "Map processor" : "Parallel branch",
			 m->owner->type == ASL_MAP ? "a processor" : "a branch");
	else
		v_report(v, R_NEXT_UNKNOWN, node, AT_VALUE,
			 "%s of state '%s' names no state: '%s'", what, from, name);
}

/* Reports the broken transitions of s; returns how many there are. */
static int check_targets(struct vctx *v, const struct asl_machine *m,
			 const struct asl_state *s)
{
	size_t before = v->count;
	check_target(v, m, v_field(s->json, "Next"), s->next, s->next_index,
		     "Next", s->name);
	if (s->type == ASL_CHOICE) {
		check_target(v, m, v_field(s->json, "Default"), s->default_next,
			     s->default_index, "Default", s->name);
		for (size_t i = 0; i < s->nr_choices; i++)
			check_target(v, m, v_field(s->choices[i].json, "Next"),
				     s->choices[i].next, s->choices[i].next_index,
				     "a Choice rule", s->name);
	}
	for (size_t i = 0; i < s->nr_catchers; i++)
		check_target(v, m, v_field(s->catchers[i].json, "Next"),
			     s->catchers[i].next, s->catchers[i].next_index,
			     "a Catch", s->name);
	return v->count != before;
}

/* ---- reachability ------------------------------------------------------ */

/* Calls fn for every resolved transition out of s. */
static void each_edge(const struct asl_state *s, void (*fn)(int to, void *ctx),
		      void *ctx)
{
	if (s->next_index >= 0)
		fn(s->next_index, ctx);
	if (s->type == ASL_CHOICE) {
		if (s->default_index >= 0)
			fn(s->default_index, ctx);
		for (size_t i = 0; i < s->nr_choices; i++)
			if (s->choices[i].next_index >= 0)
				fn(s->choices[i].next_index, ctx);
	}
	for (size_t i = 0; i < s->nr_catchers; i++)
		if (s->catchers[i].next_index >= 0)
			fn(s->catchers[i].next_index, ctx);
}

struct walk {
	char *seen;
	int *stack;
	size_t top;
};

static void push(int to, void *ctx)
{
	struct walk *w = ctx;
	if (!w->seen[to]) {
		w->seen[to] = 1;
		w->stack[w->top++] = to;
	}
}

/* Marks in w->seen every state reachable from 'start' (iterative DFS). */
static void reach_from(const struct asl_machine *m, struct walk *w, int start)
{
	push(start, w);
	while (w->top) {
		int i = w->stack[--w->top];
		each_edge(&m->states[i], push, w);
	}
}

/* A state the execution can stop at, or one whose way on is broken
 * (already an error: no second complaint about where it leads). */
static int ends_here(const struct asl_state *s)
{
	if (s->type == ASL_SUCCEED || s->type == ASL_FAIL || s->end ||
	    s->type == ASL_UNKNOWN || !cJSON_IsObject(s->json))
		return 1;
	if (s->type == ASL_CHOICE)
		return 0;
	return !s->next || s->next_index < 0;
}

/* The reversed transitions as compressed rows: the predecessors of state t
 * are pred[first[t] .. first[t+1]). */
struct preds {
	size_t *first;
	int *pred;
	int from; /* the state whose edges are being added */
};

static void count_edge(int to, void *ctx)
{
	((struct preds *)ctx)->first[to + 1]++;
}

static void add_edge(int to, void *ctx)
{
	struct preds *p = ctx;
	p->pred[p->first[to]++] = p->from;
}

static void build_preds(const struct asl_machine *m, struct preds *p)
{
	size_t n = m->nr_states;
	p->first = xcalloc(n + 2, sizeof(*p->first));
	for (size_t i = 0; i < n; i++)
		each_edge(&m->states[i], count_edge, p);
	for (size_t i = 1; i <= n; i++)
		p->first[i] += p->first[i - 1];
	p->pred = xcalloc(p->first[n] + 1, sizeof(*p->pred));
	for (size_t i = 0; i < n; i++) {
		p->from = (int)i;
		each_edge(&m->states[i], add_edge, p); /* first[t] ends at first[t+1] */
	}
	for (size_t i = n; i > 0; i--) /* shift back: first[t] is its start again */
		p->first[i] = p->first[i - 1];
	p->first[0] = 0;
}

/* can_end[i]: a terminal state is reachable from i (a walk backwards from
 * every terminal state over the reversed transitions). */
static void terminal_reach(const struct asl_machine *m, char *can_end)
{
	struct preds p;
	build_preds(m, &p);
	struct walk w = { can_end, xcalloc(m->nr_states + 1, sizeof(int)), 0 };
	for (size_t i = 0; i < m->nr_states; i++)
		if (ends_here(&m->states[i]))
			push((int)i, &w);
	while (w.top) {
		int t = w.stack[--w.top];
		for (size_t k = p.first[t]; k < p.first[t + 1]; k++)
			push(p.pred[k], &w);
	}
	free(w.stack);
	free(p.first);
	free(p.pred);
}

/* 'broken': some transition of m names no state; states it would have
 * reached are then not reported as unreachable (one error, not a cascade). */
static void check_reachability(struct vctx *v, const struct asl_machine *m,
			       int broken)
{
	if (m->start_index < 0 || !m->nr_states)
		return;
	struct walk w = { xcalloc(m->nr_states, 1),
			  xcalloc(m->nr_states, sizeof(int)), 0 };
	char *can_end = xcalloc(m->nr_states, 1);
	reach_from(m, &w, m->start_index);
	terminal_reach(m, can_end);
	for (size_t i = 0; i < m->nr_states; i++) {
		const struct asl_state *s = &m->states[i];
		if (!w.seen[i] && !broken)
			v_report(v, R_UNREACHABLE, s->json, AT_KEY,
				 "state '%s' is unreachable from StartAt '%s'",
				 s->name, m->start_at);
		else if (!can_end[i])
			v_report(v, R_NO_TERMINAL, s->json, AT_KEY,
				 "no terminal state is reachable from state '%s': the "
				 "execution can only end by timeout or history limit", s->name);
	}
	free(w.seen);
	free(w.stack);
	free(can_end);
}

void v_graph(struct vctx *v, const struct asl_machine *m)
{
	int broken = 0;
	for (size_t i = 0; i < m->nr_states; i++)
		if (cJSON_IsObject(m->states[i].json) && check_targets(v, m, &m->states[i]))
			broken = 1;
	check_reachability(v, m, broken);
}
