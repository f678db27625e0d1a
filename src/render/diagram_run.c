/* diagram_run.c - an execution's path as diagram highlights (see
 * diagram_run.h). */
#include "diagram_run.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* What the run did with one state, gathered from the visits. */
struct seen {
	unsigned outcomes;     /* bit per enum exec_outcome */
	unsigned long long rules, catches; /* bit per rule / catcher taken */
	int default_taken;
};

struct diagram_run {
	struct strmap states; /* state name -> struct seen */
};

static struct seen *seen_of(const struct diagram_run *v, const struct asl_state *s)
{
	return s->name ? strmap_get(&v->states, s->name, strlen(s->name)) : NULL;
}

struct diagram_run *diagram_run_new(const struct exec_result *r)
{
	struct diagram_run *v = xcalloc(1, sizeof(*v));
	strmap_init(&v->states);
	for (size_t i = 0; i < r->nr_visits; i++) {
		const struct exec_visit *e = &r->visits[i];
		if (!e->state->name)
			continue;
		struct seen *s = seen_of(v, e->state);
		if (!s) {
			s = xcalloc(1, sizeof(*s));
			strmap_put(&v->states, e->state->name,
				   strlen(e->state->name), s);
		}
		s->outcomes |= 1u << e->outcome;
		if (e->outcome == EXEC_VISIT_CAUGHT && e->branch >= 0 && e->branch < 64)
			s->catches |= 1ull << e->branch;
		if (e->outcome == EXEC_VISIT_SUCCEEDED &&
		    e->state->type == ASL_CHOICE) {
			if (e->branch < 0)
				s->default_taken = 1;
			else if (e->branch < 64)
				s->rules |= 1ull << e->branch;
		}
	}
	return v;
}

void diagram_run_free(struct diagram_run *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->states.nr; i++)
		free(v->states.entries[i].value);
	strmap_release(&v->states);
	free(v);
}

/* ---- as bytes: "N\n", then per state "LEN:NAME OUTCOMES RULES CATCHES
 * DEFAULT\n" (numbers in decimal) ------------------------------------------ */

void diagram_run_write(const struct diagram_run *v, struct buf *out)
{
	buf_addf(out, "%zu\n", v->states.nr);
	for (size_t i = 0; i < v->states.nr; i++) {
		const struct strmap_entry *e = &v->states.entries[i];
		const struct seen *s = e->value;
		buf_addf(out, "%zu:", e->keylen);
		buf_add(out, e->key, e->keylen);
		buf_addf(out, " %u %llu %llu %d\n", s->outcomes, s->rules, s->catches,
			 s->default_taken);
	}
}

/* The unsigned decimal at *p, moving past it and one separator 'sep'. */
static int read_num(const char **p, const char *end, char sep,
		    unsigned long long *n)
{
	const char *q = *p;
	*n = 0;
	if (q >= end || *q < '0' || *q > '9')
		return -1;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (*n > (~0ull - 9) / 10)
			return -1;
		*n = *n * 10 + (unsigned long long)(*q - '0');
	}
	if (q >= end || *q != sep)
		return -1;
	*p = q + 1;
	return 0;
}

struct diagram_run *diagram_run_read(const char **p, const char *end)
{
	unsigned long long n, len, outcomes, rules, catches, def;
	if (read_num(p, end, '\n', &n) || n > (unsigned long long)(end - *p))
		return NULL;
	struct diagram_run *v = xcalloc(1, sizeof(*v));
	strmap_init(&v->states);
	for (unsigned long long i = 0; i < n; i++) {
		if (read_num(p, end, ':', &len) || len > (unsigned long long)(end - *p)) {
			diagram_run_free(v);
			return NULL;
		}
		const char *name = *p;
		*p += len;
		if (*p >= end || *(*p)++ != ' ' || read_num(p, end, ' ', &outcomes) ||
		    read_num(p, end, ' ', &rules) || read_num(p, end, ' ', &catches) ||
		    read_num(p, end, '\n', &def)) {
			diagram_run_free(v);
			return NULL;
		}
		struct seen *s = xcalloc(1, sizeof(*s));
		s->outcomes = (unsigned)outcomes;
		s->rules = rules;
		s->catches = catches;
		s->default_taken = def != 0;
		free(strmap_get(&v->states, name, (size_t)len));
		strmap_put(&v->states, name, (size_t)len, s);
	}
	return v;
}

/* The worst that happened to a state: failed, caught, succeeded. */
static enum diagram_status view_state(const struct asl_state *st, void *ctx)
{
	const struct seen *s = seen_of(ctx, st);
	if (!s)
		return DIAGRAM_NOT_TAKEN;
	if (s->outcomes & (1u << EXEC_VISIT_FAILED))
		return DIAGRAM_FAILED;
	if (s->outcomes & (1u << EXEC_VISIT_CAUGHT))
		return DIAGRAM_CAUGHT;
	if (s->outcomes & (1u << EXEC_VISIT_SUCCEEDED))
		return DIAGRAM_SUCCEEDED;
	return DIAGRAM_FAILED; /* only retried: the run stopped there */
}

static enum diagram_status view_edge(const struct asl_state *from,
				     enum diagram_edge_kind kind, size_t index,
				     void *ctx)
{
	const struct seen *s = seen_of(ctx, from);
	int taken = 0;
	if (!s)
		return DIAGRAM_NOT_TAKEN;
	switch (kind) {
	case DIAGRAM_EDGE_NEXT:
		taken = (s->outcomes & (1u << EXEC_VISIT_SUCCEEDED)) != 0;
		break;
	case DIAGRAM_EDGE_RULE:
		taken = index < 64 && (s->rules >> index & 1);
		break;
	case DIAGRAM_EDGE_DEFAULT:
		taken = s->default_taken;
		break;
	case DIAGRAM_EDGE_CATCH:
		if (index < 64 && (s->catches >> index & 1))
			return DIAGRAM_CAUGHT;
		break;
	}
	return taken ? DIAGRAM_SUCCEEDED : DIAGRAM_NOT_TAKEN;
}

struct diagram_highlight diagram_run_highlight(struct diagram_run *v)
{
	struct diagram_highlight hl = { view_state, view_edge, v };
	return hl;
}
