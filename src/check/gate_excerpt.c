/* gate_excerpt.c - excerpt drift: a json/yaml block that is recognisably an
 * excerpt of a saved step the page uses (links or deploys) but no longer
 * matches it (see gate.h).
 *
 * Recognising: the block's tree is laid over every mapping (or list, for a
 * block that is a list) of the saved step's file, as written.  Where its
 * keys are found at the same paths (most of them: EXCERPT_MIN_FOUND) and
 * no more of its values differ than are equal, the block is an excerpt of
 * that place.  Over the page's saved steps the best place wins: more keys
 * found, then fewer differences, then the saved step used last above the
 * block (or first below it).  What the block leaves out is no difference:
 * a key with nothing after it (`Parameters:`), a "..." value, keys and
 * list items it does not show (list items pair in order, each with the
 * saved item it resembles most).  Scalars compare by their text, so 60 and
 * "60" are equal; a value equals the saved one as written (the file is read
 * again: ${opt:stage} stays) or as the loader resolved it (a page may show
 * the ARN a Fn::GetAtt stands for).
 * Not here: parsing the block (gate.c), loading saved steps (loader.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gate_impl.h"
#include "xalloc.h"
#include "banned.h"

/* A block with fewer keys is not recognisable: two-key mappings (a Next
 * and an End...) have twins all over a service. */
#define EXCERPT_MIN_KEYS 3
/* Percentage of the block's keys that must be found at the same paths. */
#define EXCERPT_MIN_FOUND 80
/* Node comparisons for one block over all places of all its candidate
 * saved steps: bounds the search (places x block nodes, list items paired
 * by best match) on generated input.  A course's largest block against its
 * largest saved step takes some tens of thousands. */
#define EXCERPT_MAX_WORK 4000000
/* Characters of a value quoted in a message. */
#define EXCERPT_SHOW 60

struct score {
	size_t keys, found, equal, differ;
};

struct matcher {
	size_t work;
	int over;                   /* the budget ran out: no verdict */
	struct diag_list *out;      /* NULL while scoring */
	const struct snippet *s;
	const struct doc *fd, *sd;  /* the block's and the saved step's */
	const char *rel;
	struct buf name;            /* the key being compared: "HeartbeatSeconds", "Catch[1]" */
};

/* ---- the page's saved steps ---------------------------------------------- */

void gate_use_step_(struct gate_page *p, const char *rel, unsigned line)
{
	ARRAY_GROW(p->uses, p->nr_uses + 1, p->alloc_uses);
	p->uses[p->nr_uses].rel = xstrdup(rel);
	p->uses[p->nr_uses].line = line;
	p->nr_uses++;
}

/* The saved step at rel as written (cached, most often by its load in
 * gate_saved_step_; NULL when it does not parse). */
static const struct doc *raw_step(struct gate_ctx *c, const char *rel)
{
	long at = strmap_index(&c->raw_steps, rel, strlen(rel));
	if (at >= 0)
		return c->raw_steps.entries[at].value;
	struct buf path = BUF_INIT;
	struct doc *d = NULL;
	if (!gate_path_(c, rel, &path)) {
		struct diag_list ignore = DIAG_LIST_INIT; /* the saved step's case says it */
		d = doc_new(path.ptr);
		if (doc_load(d, &ignore)) {
			doc_free(d);
			d = NULL;
		}
		diag_list_release(&ignore);
	}
	strmap_put(&c->raw_steps, rel, strlen(rel), d);
	buf_release(&path);
	return d;
}

struct candidate {
	const char *rel;
	unsigned rank; /* lower is preferred */
};

static int candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The page's saved steps in the order a tie prefers them: used last above
 * the block first, then the ones used only below it, nearest first. */
static size_t candidates(const struct gate_page *p, unsigned fence, struct candidate **out)
{
	struct candidate *v = xcalloc(p->nr_uses + 1, sizeof(*v));
	struct strmap seen = STRMAP_INIT; /* rel -> its index in v, plus one */
	strmap_init(&seen);
	size_t n = 0;
	for (size_t i = 0; i < p->nr_uses; i++) {
		const char *rel = p->uses[i].rel;
		unsigned line = p->uses[i].line;
		unsigned rank = line < fence ? fence - line : 0x80000000u + (line - fence);
		size_t k = (size_t)(uintptr_t)strmap_get(&seen, rel, strlen(rel));
		if (!k) {
			strmap_put(&seen, rel, strlen(rel), (void *)(uintptr_t)(n + 1));
			v[n++] = (struct candidate){ rel, rank };
		} else if (rank < v[k - 1].rank) {
			v[k - 1].rank = rank;
		}
	}
	strmap_release(&seen);
	qsort(v, n, sizeof(*v), candidate_cmp);
	*out = v;
	return n;
}

/* ---- comparing ----------------------------------------------------------- */

static int is_elided(const cJSON *f)
{
	return cJSON_IsNull(f) || (cJSON_IsString(f) && (!strcmp(f->valuestring, "...") ||
							 !strcmp(f->valuestring, "\xe2\x80\xa6")));
}

/* Keys in v's tree (each node visited counts as work when m is given). */
static size_t count_keys(struct matcher *m, const cJSON *v)
{
	size_t n = 0;
	for (const cJSON *c = v->child; c; c = c->next) {
		if (m)
			m->work++;
		n += (cJSON_IsObject(v) ? 1 : 0) + count_keys(m, c);
	}
	return n;
}

/* The text a scalar shows: a string's characters, a number as JSON writes it. */
static char *scalar_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	char *p = cJSON_PrintUnformatted(v), *s = xstrdup(p ? p : "");
	cJSON_free(p);
	return s;
}

static int same_scalar(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsString(a) && cJSON_IsString(b)) /* most: no copies */
		return !strcmp(a->valuestring, b->valuestring);
	char *x = scalar_text(a), *y = scalar_text(b);
	int same = !strcmp(x, y);
	free(x);
	free(y);
	return same;
}

/* How a message shows a value: 'text', 60, true, a mapping, a list. */
static void show(const cJSON *v, struct buf *out)
{
	if (cJSON_IsObject(v)) {
		buf_adds(out, "a mapping");
		return;
	}
	if (cJSON_IsArray(v)) {
		buf_adds(out, "a list");
		return;
	}
	char *t = scalar_text(v);
	size_t n = strlen(t);
	if (n > EXCERPT_SHOW) { /* cut on a character boundary */
		n = EXCERPT_SHOW;
		while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
			n--;
	}
	if (cJSON_IsString(v))
		buf_addf(out, "'%.*s%s'", (int)n, t, t[n] ? "..." : "");
	else
		buf_adds(out, t);
	free(t);
}

static struct pos page_pos(const struct matcher *m, struct pos at)
{
	return snippet_pos(m->s, at.line, at.col);
}

static const char *what(const struct matcher *m)
{
	return m->name.len ? m->name.ptr : "the block";
}

/* f differs from s (scalar against scalar, or shapes apart). */
static void report_value(struct matcher *m, const cJSON *f, const cJSON *s)
{
	if (!m->out)
		return;
	struct buf a = BUF_INIT, b = BUF_INIT;
	show(f, &a);
	show(s, &b);
	diag_add(m->out, page_pos(m, doc_pos(m->fd, f)), SEV_ERROR, "check/excerpt-drift",
		 "%s is %s here, %s in %s:%u", what(m), a.ptr, b.ptr, m->rel,
		 doc_pos(m->sd, s).line);
	buf_release(&a);
	buf_release(&b);
}

/* f (a member, or a list item) has no counterpart in the saved value s. */
static void report_missing(struct matcher *m, const cJSON *f, const cJSON *s)
{
	if (!m->out)
		return;
	struct buf a = BUF_INIT;
	show(f, &a);
	struct pos at = f->string ? doc_key_pos(m->fd, f) : doc_pos(m->fd, f);
	diag_add(m->out, page_pos(m, at), SEV_ERROR, "check/excerpt-drift",
		 "%s is %s here, missing in %s:%u", what(m), a.ptr, m->rel,
		 doc_pos(m->sd, s).line);
	buf_release(&a);
}

static void compare(struct matcher *m, const cJSON *f, const cJSON *s, const cJSON *r,
		    struct score *sc);

/* The resolved counterpart of member 'key' of r, or NULL. */
static const cJSON *resolved(const cJSON *r, const char *key)
{
	return cJSON_IsObject(r) ? cJSON_GetObjectItemCaseSensitive(r, key) : NULL;
}

/* The first item of the resolved list r, or NULL. */
static const cJSON *resolved_items(const cJSON *r)
{
	return cJSON_IsArray(r) ? r->child : NULL;
}

static void compare_members(struct matcher *m, const cJSON *f, const cJSON *s,
			    const cJSON *r, struct score *sc)
{
	char *outer = m->out ? xstrdup(m->name.ptr) : NULL;
	for (const cJSON *fm = f->child; fm && !m->over; fm = fm->next) {
		const cJSON *sm = cJSON_GetObjectItemCaseSensitive(s, fm->string);
		if (m->out) { /* messages name the nearest key */
			buf_reset(&m->name);
			buf_adds(&m->name, fm->string);
		}
		sc->keys++;
		if (!sm) {
			sc->keys += count_keys(m, fm);
			sc->differ++;
			report_missing(m, fm, s);
			continue;
		}
		sc->found++;
		compare(m, fm, sm, resolved(r, fm->string), sc);
	}
	if (outer) {
		buf_reset(&m->name);
		buf_adds(&m->name, outer);
		free(outer);
	}
}

/* How much f resembles s: keys found plus values equal (no report). */
static size_t resemblance(struct matcher *m, const cJSON *f, const cJSON *s,
			  const cJSON *r)
{
	struct diag_list *out = m->out;
	struct score sc = { 0, 0, 0, 0 };
	m->out = NULL; /* names stay as they are */
	compare(m, f, s, r, &sc);
	m->out = out;
	return sc.found + sc.equal;
}

/* List items pair in order, each with the next saved item it resembles
 * most (the one at its place when it resembles none). */
static void compare_items(struct matcher *m, const cJSON *f, const cJSON *s,
			  const cJSON *r, struct score *sc)
{
	const cJSON *cur = s->child, *rcur = resolved_items(r); /* rcur: cur resolved */
	size_t base = m->name.len, i = 0;
	for (const cJSON *fe = f->child; fe && !m->over; fe = fe->next, i++) {
		if (is_elided(fe))
			continue;
		const cJSON *best = cur, *rbest = rcur, *re = rcur;
		size_t best_sim = 0;
		for (const cJSON *se = cur; se && !m->over; se = se->next) {
			size_t sim = resemblance(m, fe, se, re);
			if (sim > best_sim) {
				best = se;
				rbest = re;
				best_sim = sim;
			}
			re = re ? re->next : NULL;
		}
		if (m->out) {
			buf_truncate(&m->name, base);
			buf_addf(&m->name, "[%zu]", i);
		}
		if (!best) {
			sc->keys += count_keys(m, fe);
			sc->differ++;
			report_missing(m, fe, s);
			continue;
		}
		compare(m, fe, best, rbest, sc);
		cur = best->next;
		rcur = rbest ? rbest->next : NULL;
	}
	if (m->out)
		buf_truncate(&m->name, base);
}

/* Compares the block's value f with the saved step's s as written, or as
 * the loader resolved it (r, NULL when unknown): a page may show the value a
 * variable or Fn::GetAtt stands for. */
static void compare(struct matcher *m, const cJSON *f, const cJSON *s, const cJSON *r,
		    struct score *sc)
{
	if (++m->work > EXCERPT_MAX_WORK) {
		m->over = 1;
		return;
	}
	if (is_elided(f))
		return;
	int fo = cJSON_IsObject(f), fa = cJSON_IsArray(f);
	if (fo && cJSON_IsObject(s)) {
		compare_members(m, f, s, r, sc);
		return;
	}
	if (fa && cJSON_IsArray(s)) {
		compare_items(m, f, s, r, sc);
		return;
	}
	int scalar_s = !cJSON_IsObject(s) && !cJSON_IsArray(s);
	int scalar_r = r && !cJSON_IsObject(r) && !cJSON_IsArray(r);
	if (fo || fa || !((scalar_s && same_scalar(f, s)) || (scalar_r && same_scalar(f, r)))) {
		sc->keys += fo || fa ? count_keys(m, f) : 0;
		sc->differ++;
		report_value(m, f, s);
		return;
	}
	sc->equal++;
}

/* ---- places -------------------------------------------------------------- */

static int better(const struct score *a, const struct score *b)
{
	if (a->found != b->found)
		return a->found > b->found;
	return a->differ < b->differ;
}

/* Could the block f be laid over v at all?  A mapping must share a key.
 * (Each look-up walks v's keys: counted as work.) */
static int may_hold(struct matcher *m, const cJSON *f, const cJSON *v)
{
	if (cJSON_IsArray(f))
		return cJSON_IsArray(v);
	if (!cJSON_IsObject(v))
		return 0;
	size_t width = (size_t)cJSON_GetArraySize(v) + 1;
	for (const cJSON *k = f->child; k && !m->over; k = k->next) {
		m->work += width;
		m->over = m->work > EXCERPT_MAX_WORK;
		if (cJSON_GetObjectItemCaseSensitive(v, k->string))
			return !m->over;
	}
	return 0;
}

struct best {
	struct score sc;
	const cJSON *place, *resolved;
	const struct doc *sd;
	const char *rel;
};

/* Scores every place of v (depth first, v included; r its resolved
 * counterpart) and keeps the best. */
static void search(struct matcher *m, const cJSON *f, const cJSON *v, const cJSON *r,
		   struct best *b)
{
	if (m->over)
		return;
	if (may_hold(m, f, v)) {
		struct score sc = { 0, 0, 0, 0 };
		compare(m, f, v, r, &sc);
		if (!m->over && (!b->place || better(&sc, &b->sc)))
			*b = (struct best){ sc, v, r, m->sd, m->rel };
	}
	const cJSON *rc = resolved_items(r);
	for (const cJSON *c = v->child; c; c = c->next) {
		search(m, f, c, cJSON_IsObject(v) ? resolved(r, c->string) : rc, b);
		rc = rc ? rc->next : NULL;
	}
}

static int is_excerpt(const struct score *sc)
{
	return sc->keys >= EXCERPT_MIN_KEYS &&
	       sc->found * 100 >= sc->keys * EXCERPT_MIN_FOUND &&
	       sc->equal >= sc->differ;
}

const char *gate_excerpt_(struct gate_ctx *c, const struct gate_page *p,
			  const struct snippet *s, const struct doc *fd,
			  struct diag_list *out)
{
	const cJSON *f = fd->root;
	if (!(cJSON_IsObject(f) || cJSON_IsArray(f)) || count_keys(NULL, f) < EXCERPT_MIN_KEYS)
		return NULL;
	struct candidate *cand;
	size_t n = candidates(p, s->fence.line, &cand);
	struct matcher m;
	memset(&m, 0, sizeof(m));
	m.s = s;
	m.fd = fd;
	buf_init(&m.name);
	struct best b;
	memset(&b, 0, sizeof(b));
	for (size_t i = 0; i < n && !m.over; i++) {
		const struct loaded_file *lf = gate_saved_step_(c, cand[i].rel);
		m.sd = raw_step(c, cand[i].rel);
		m.rel = cand[i].rel;
		if (m.sd && m.sd->root)
			search(&m, f, m.sd->root, lf ? lf->doc->root : NULL, &b);
	}
	const char *rel = NULL;
	if (!m.over && b.place && is_excerpt(&b.sc)) {
		struct score sc = { 0, 0, 0, 0 };
		m.out = out;
		m.sd = b.sd;
		m.rel = b.rel;
		buf_reset(&m.name);
		compare(&m, f, b.place, b.resolved, &sc);
		rel = b.rel;
	}
	buf_release(&m.name);
	free(cand);
	return rel;
}
