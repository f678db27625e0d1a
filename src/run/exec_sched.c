/* exec_sched.c - the scheduler: Parallel branches and Map iterations as
 * frames on the virtual clock.  A branch or iteration that may take time
 * (a Wait, a Task, a Retry) runs on a fiber of its own: a stack, switched
 * to and from cooperatively (ucontext, no threads: only the root frame
 * runs the queue, and frames only ever switch to it), woken off one queue
 * ordered by (virtual time, phase, creation order).  One that cannot take
 * time runs at once on its parent's stack, which gives the same history
 * since a fiber runs until it waits.  The scheduler also hands out the
 * scenario's timers in time order: StopExecution, and callbacks routed by
 * task token to the task that waits.  A Distributed Map's child execution
 * is a view of its own (struct exec_view): swapped in and out of struct
 * exec as frames of different executions take turns.
 * Ties: frames due at the same instant run in creation order, which is
 * branch / item order within a state; a parent that learns of a failing
 * child runs last at that instant (phase 1), so siblings runnable then
 * still run until they wait, and only then are aborted.
 * Not here: what a branch or iteration does (exec_parallel.c), the clock
 * itself (clock.h). */
#define _XOPEN_SOURCE 700
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "exec_frame.h"
#include "xalloc.h"
#include "banned.h"

/* Under AddressSanitizer the switches are announced (it keeps a shadow of
 * each stack); otherwise these are no-ops. */
#if defined(__SANITIZE_ADDRESS__)
#define SCHED_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) /* clang before 16 */
#define SCHED_ASAN 1
#endif
#endif
#ifdef SCHED_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
/* ThreadSanitizer (serve runs executions on its threads) is told of each
 * stack as a fiber of the thread. */
#if defined(__SANITIZE_THREAD__)
#define SCHED_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SCHED_TSAN 1
#endif
#endif
#ifdef SCHED_TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* A fiber's stack: reserved, not committed (MAP_NORESERVE), so only the
 * pages a branch touches cost memory; room for the C recursion a frame
 * makes (nested instant Parallels, payloads PAYLOAD_MAX_DEPTH deep). */
#define FIBER_STACK (1024 * 1024)
/* Frames alive at once (EXEC_MAX_FRAMES, exec_frame.h). */
#define SCHED_MAX_FIBERS EXEC_MAX_FRAMES

struct fiber {
	ucontext_t ctx;
	char *stack;              /* mmap'd; NULL for the root */
	struct sched *s;
	struct exec_child job;    /* what it runs */
	struct exec_group *group; /* whose child it is */
	struct fiber *prev_sib, *next_sib; /* the group's running children */
	struct exec_group *waiting_on; /* blocked until a child finishes */
	uint64_t order, gen;      /* creation order; queue entries of an
				     older gen are stale */
	void *fake_stack;         /* AddressSanitizer's, across a switch */
	void *tsan_fiber;         /* ThreadSanitizer's name for the stack */
	long prev_event;          /* the frame's previousEventId */
	struct exec_view *view;   /* the execution it runs in */
	int depth;
	int aborted;
	int done;
	struct fiber *next_free;
};

struct qent {
	int64_t at;
	int phase;
	uint64_t order, gen;
	struct fiber *f;
};

/* A task waiting for its callback. */
struct waiter {
	const char *token;
	struct fiber *f;
	long entry; /* the scenario entry delivered, -1 none yet */
	struct waiter *next;
};

struct sched {
	struct exec *x;
	struct fiber root;  /* the execution's own frame: exec_run's stack */
	struct exec_view base; /* the execution's own view, while another is
				  live in struct exec */
	const void *root_bottom; /* that stack, for AddressSanitizer */
	size_t root_size;
	struct fiber *cur;  /* the frame running now */
	struct qent *heap;
	size_t nr, alloc;
	struct fiber *free_list;
	size_t live;
	uint64_t next_order;
	struct waiter *waiters;
	long *pending;      /* scenario callbacks no task took yet, in order */
	size_t nr_pending, alloc_pending;
};

/* ---- the queue -------------------------------------------------------- */

static int before(const struct qent *a, const struct qent *b)
{
	if (a->at != b->at)
		return a->at < b->at;
	if (a->phase != b->phase)
		return a->phase < b->phase;
	return a->order < b->order;
}

static void heap_swap(struct qent *h, size_t i, size_t j)
{
	struct qent t = h[i];
	h[i] = h[j];
	h[j] = t;
}

/* Makes f due at 'at' (not earlier than now), replacing its entry. */
static void wake_at(struct sched *s, struct fiber *f, int64_t at, int phase)
{
	if (at < s->x->clock.now)
		at = s->x->clock.now;
	ARRAY_GROW(s->heap, s->nr + 1, s->alloc);
	size_t i = s->nr++;
	s->heap[i] = (struct qent){ at, phase, f->order, ++f->gen, f };
	while (i && before(&s->heap[i], &s->heap[(i - 1) / 2])) {
		heap_swap(s->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct sched *s)
{
	struct qent *h = s->heap;
	h[0] = h[--s->nr];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < s->nr && before(&h[l], &h[m]))
			m = l;
		if (l + 1 < s->nr && before(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

/* The entry due first, stale ones dropped; NULL when none. */
static const struct qent *heap_top(struct sched *s)
{
	while (s->nr && s->heap[0].gen != s->heap[0].f->gen)
		heap_pop(s);
	return s->nr ? &s->heap[0] : NULL;
}

/* ---- switching -------------------------------------------------------- */

static void switch_begin(struct sched *s, struct fiber *from,
			 const struct fiber *to)
{
#ifdef SCHED_ASAN
	__sanitizer_start_switch_fiber(from->done ? NULL : &from->fake_stack,
				       to->stack ? to->stack : s->root_bottom,
				       to->stack ? FIBER_STACK : s->root_size);
#else
	(void)s, (void)from, (void)to;
#endif
}

static void switch_end(struct fiber *me)
{
#ifdef SCHED_ASAN
	__sanitizer_finish_switch_fiber(me->fake_stack, NULL, NULL);
#else
	(void)me;
#endif
}

/* Saves the running context in from->ctx and resumes to->ctx.  Under
 * AddressSanitizer a getcontext/setcontext pair, since it warns about
 * swapcontext on stderr (and stderr is compared); a finished frame only
 * leaves. */
static void switch_context(struct fiber *from, struct fiber *to)
{
	if (from->done) {
		setcontext(&to->ctx);
		return;
	}
#ifdef SCHED_ASAN
	struct fiber *volatile me = from;
	volatile int resumed = 0;
	getcontext(&me->ctx);
	if (!resumed) {
		resumed = 1;
		setcontext(&to->ctx);
	}
#else
	swapcontext(&from->ctx, &to->ctx);
#endif
}

/* A view's fields to and from struct exec, where the live one is. */
static void view_save(const struct exec *x, struct exec_view *v)
{
	v->context = x->context;
	v->history = x->res->history;
	v->nr_events = x->nr_events;
	v->ctx_visit = x->ctx_visit;
	v->ctx_retry = x->ctx_retry;
	v->ctx_token = x->ctx_token;
	v->ctx_item = x->ctx_item;
	v->ctx_map_item = x->ctx_map_item;
}

static void view_load(struct exec *x, const struct exec_view *v)
{
	x->context = v->context;
	x->res->history = v->history;
	x->nr_events = v->nr_events;
	x->ctx_visit = v->ctx_visit;
	x->ctx_retry = v->ctx_retry;
	x->ctx_token = v->ctx_token;
	x->ctx_item = v->ctx_item;
	x->ctx_map_item = v->ctx_map_item;
}

void exec_view_enter_(struct exec *x, struct exec_view *v)
{
	struct fiber *f = x->sched->cur;
	view_save(x, f->view);
	v->outer = f->view;
	v->outer_prev_event = x->prev_event;
	f->view = v;
	view_load(x, v);
	x->prev_event = 0;
}

void exec_view_leave_(struct exec *x)
{
	struct fiber *f = x->sched->cur;
	struct exec_view *v = f->view;
	view_save(x, v);
	f->view = v->outer;
	view_load(x, f->view);
	x->prev_event = v->outer_prev_event;
}

/* Leaves 'from' for 'to'; the execution's per-frame fields follow, and
 * its view when 'to' runs in another execution. */
static void jump(struct sched *s, struct fiber *from, struct fiber *to)
{
	struct exec *x = s->x;
	if (from->view != to->view) {
		view_save(x, from->view);
		view_load(x, to->view);
	}
	from->prev_event = x->prev_event;
	from->depth = x->depth;
	s->cur = to;
	x->prev_event = to->prev_event;
	x->depth = to->depth;
	x->aborting = to->aborted;
	switch_begin(s, from, to);
#ifdef SCHED_TSAN
	__tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
	switch_context(from, to);
	switch_end(from);
}

/* Moves the clock to 'at' unless the machine's TimeoutSeconds comes first
 * (then the clock stops there and the execution times out); once the
 * execution stopped, time stands still. */
static void advance(struct exec *x, int64_t at)
{
	const cJSON *t = x->top->timeout_seconds;
	if (x->stop != EXEC_RUNNING)
		return;
	int64_t deadline = cJSON_IsNumber(t)
		? x->res->start_ms + exec_ms_(t->valuedouble) : INT64_MAX;
	if (at > deadline) {
		clock_advance_to(&x->clock, deadline);
		x->stop = EXEC_TIMED_OUT;
		exec_err_set_(&x->stop_err, "States.Timeout", NULL);
		return;
	}
	clock_advance_to(&x->clock, at);
}

static void dispatch_timer(struct exec *x, long i);

static void recycle(struct sched *s, struct fiber *f)
{
	f->next_free = s->free_list;
	s->free_list = f;
}

/* Runs the queue on the root's stack until the root's own entry is due:
 * the scenario's timers first at each instant, then the frames. */
static void run_queue(struct exec *x)
{
	struct sched *s = x->sched;
	exec_load_timers_(x);
	for (;;) {
		const struct clock_timer *t = x->stop == EXEC_RUNNING
			? clock_peek(&x->clock) : NULL;
		const struct qent *h = heap_top(s);
		/* the root waits in the queue, or for a child that does (or
		 * whose own children do): never for nothing */
		assert(h || t);
		if (t && (!h || t->at <= h->at)) {
			struct clock_timer tm;
			clock_pop(&x->clock, &tm);
			advance(x, tm.at);
			if (x->stop == EXEC_RUNNING)
				dispatch_timer(x, tm.ref);
			continue;
		}
		struct qent e = *h;
		heap_pop(s);
		advance(x, e.at);
		if (e.f == &s->root)
			return;
		jump(s, &s->root, e.f);
		if (e.f->done)
			recycle(s, e.f);
	}
}

/* Suspends the running frame until its queue entry comes up. */
static void suspend(struct exec *x)
{
	struct sched *s = x->sched;
	if (s->cur == &s->root)
		run_queue(x);
	else
		jump(s, s->cur, &s->root);
}

int exec_sleep_(struct exec *x, int64_t target)
{
	struct sched *s = x->sched;
	if (x->stop != EXEC_RUNNING || s->cur->aborted)
		return -1;
	wake_at(s, s->cur, target, 0);
	suspend(x);
	return x->stop != EXEC_RUNNING || s->cur->aborted ? -1 : 0;
}

/* ---- callbacks -------------------------------------------------------- */

static const char *entry_token(struct exec *x, long i)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(exec_scenario_entry_(x, i),
							  "taskToken");
	return cJSON_IsString(t) ? t->valuestring : NULL;
}

/* Whether entry i is for the task holding 'token': an entry without a
 * taskToken is for whichever task has waited longest. */
static int for_token(struct exec *x, long i, const char *token)
{
	const char *t = entry_token(x, i);
	return !t || (token && !strcmp(t, token));
}

static void dispatch_timer(struct exec *x, long i)
{
	struct sched *s = x->sched;
	const cJSON *e = exec_scenario_entry_(x, i);
	const char *a = exec_scenario_action_(e);
	if (!strcmp(a, "StopExecution")) {
		exec_abort_with_(x, e);
		return;
	}
	if (strcmp(a, "SendTaskSuccess") && strcmp(a, "SendTaskFailure") &&
	    strcmp(a, "SendTaskHeartbeat"))
		return;
	for (struct waiter *w = s->waiters; w; w = w->next)
		if (w->entry < 0 && for_token(x, i, w->token)) {
			w->entry = i;
			wake_at(s, w->f, x->clock.now, 0);
			return;
		}
	ARRAY_GROW(s->pending, s->nr_pending + 1, s->alloc_pending);
	s->pending[s->nr_pending++] = i;
}

static long take_pending(struct exec *x, const char *token)
{
	struct sched *s = x->sched;
	for (size_t k = 0; k < s->nr_pending; k++) {
		long i = s->pending[k];
		if (!for_token(x, i, token))
			continue;
		memmove(s->pending + k, s->pending + k + 1,
			(s->nr_pending - k - 1) * sizeof(*s->pending));
		s->nr_pending--;
		return i;
	}
	return -1;
}

long exec_await_callback_(struct exec *x, const char *token, int64_t limit,
			  int *stopped)
{
	struct sched *s = x->sched;
	*stopped = 0;
	exec_load_timers_(x);
	long i = take_pending(x, token);
	if (i >= 0)
		return i;
	struct waiter w = { token, s->cur, -1, NULL }, **p = &s->waiters;
	while (*p)
		p = &(*p)->next;
	*p = &w;
	*stopped = exec_sleep_(x, limit) != 0;
	for (p = &s->waiters; *p != &w; p = &(*p)->next)
		;
	*p = w.next;
	if (*stopped)
		return -1;
	return w.entry;
}

/* ---- groups of children ----------------------------------------------- */

void exec_group_init_(struct exec_group *g, struct exec *x, int instant)
{
	memset(g, 0, sizeof(*g));
	g->x = x;
	g->owner = x->sched->cur;
	g->instant = instant;
}

/* A child ended (rc -1: it failed); the owner hears of it. */
static void child_finished(struct exec_group *g, int rc)
{
	struct exec *x = g->x;
	g->finished++;
	if (rc && !g->failed) {
		g->failed = 1;
		g->finished_at_fail = g->finished - 1;
	}
	if (!g->instant)
		wake_at(x->sched, g->owner, x->clock.now, g->failed);
}

static void fiber_main(unsigned hi, unsigned lo)
{
	struct fiber *f = (struct fiber *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
	struct sched *s = f->s;
#ifdef SCHED_ASAN
	__sanitizer_finish_switch_fiber(NULL, &s->root_bottom, &s->root_size);
#endif
	struct exec_group *g = f->group;
	int rc = f->job.run(s->x, &f->job);
	if (f->prev_sib)
		f->prev_sib->next_sib = f->next_sib;
	else
		g->first = f->next_sib;
	if (f->next_sib)
		f->next_sib->prev_sib = f->prev_sib;
	else
		g->last = f->prev_sib;
	g->running--;
	g->owner->prev_event = s->x->prev_event; /* the parent's next event follows */
	child_finished(g, rc);
	f->done = 1;
	s->live--;
	jump(s, f, &s->root);
}

/* f's context starts fiber_main(f) on f's stack.  getcontext only fills
 * the context here (it never returns twice: makecontext replaces where it
 * resumes), hence the volatile for the compiler's sake. */
static void fiber_context(struct fiber *fp)
{
	struct fiber *volatile f = fp;
	getcontext(&f->ctx);
	f->ctx.uc_stack.ss_sp = f->stack;
	f->ctx.uc_stack.ss_size = FIBER_STACK;
	f->ctx.uc_link = NULL;
	uintptr_t p = (uintptr_t)f;
	makecontext(&f->ctx, (void (*)(void))fiber_main, 2,
		    (unsigned)(p >> 32), (unsigned)(p & 0xffffffffu));
}

/* Fibers an ended execution gave back, for the next execution of this
 * thread: `check` runs hundreds of executions, and mapping a stack for
 * each branch, faulting its pages in and unmapping it again cost more
 * than running the branch.  Per thread, as executions are; a few kept. */
#define SCHED_SPARE_FIBERS 16
static _Thread_local struct fiber *spare_fibers;
static _Thread_local size_t nr_spare_fibers;
static pthread_key_t spares_key; /* its destructor frees a thread's spares */
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;

static void fiber_free(struct fiber *f);

static void free_spares(void *unused)
{
	(void)unused;
	while (spare_fibers) {
		struct fiber *f = spare_fibers;
		spare_fibers = f->next_free;
		fiber_free(f);
	}
	nr_spare_fibers = 0;
}

static void make_spares_key(void)
{
	if (pthread_key_create(&spares_key, free_spares))
		spares_key = (pthread_key_t)-1;
}

/* Keeps f for a later execution of this thread; 0, or -1 to free it. */
static int spare(struct fiber *f)
{
	pthread_once(&spares_once, make_spares_key);
	if (nr_spare_fibers >= SCHED_SPARE_FIBERS || spares_key == (pthread_key_t)-1 ||
	    pthread_setspecific(spares_key, f))
		return -1;
	f->next_free = spare_fibers;
	spare_fibers = f;
	nr_spare_fibers++;
	return 0;
}

static struct fiber *fiber_new(struct sched *s)
{
	struct fiber *f = s->free_list;
	if (!f && spare_fibers) {
		f = spare_fibers;
		spare_fibers = f->next_free;
		nr_spare_fibers--;
	} else if (f) {
		s->free_list = f->next_free;
	}
	if (f) {
#ifdef SCHED_ASAN
		/* the last frames of its previous run never returned */
		ASAN_UNPOISON_MEMORY_REGION(f->stack, FIBER_STACK);
#endif
	} else {
		f = xcalloc(1, sizeof(*f));
		f->stack = mmap(NULL, FIBER_STACK, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
				-1, 0);
		if (f->stack == MAP_FAILED) {
			free(f);
			return NULL;
		}
#ifdef SCHED_TSAN
		f->tsan_fiber = __tsan_create_fiber(0);
#endif
	}
	f->s = s;
	f->done = f->aborted = 0;
	f->waiting_on = NULL;
	f->prev_sib = f->next_sib = NULL;
	fiber_context(f);
	return f;
}

int exec_group_start_(struct exec_group *g, const struct exec_child *c)
{
	struct exec *x = g->x;
	struct sched *s = x->sched;
	if (g->instant) {
		struct exec_child job = *c;
		x->prev_event = c->start_event;
		x->depth++;
		int rc = job.run(x, &job);
		x->depth--;
		child_finished(g, rc);
		return 0;
	}
	struct fiber *f = s->live < SCHED_MAX_FIBERS ? fiber_new(s) : NULL;
	if (!f)
		return -1;
	s->live++;
	f->job = *c;
	f->group = g;
	f->view = s->cur->view;
	f->order = ++s->next_order;
	f->prev_event = c->start_event;
	f->depth = x->depth + 1;
	f->prev_sib = g->last;
	if (g->last)
		g->last->next_sib = f;
	else
		g->first = f;
	g->last = f;
	g->running++;
	wake_at(s, f, x->clock.now, 0);
	return 0;
}

size_t exec_frames_left_(const struct exec *x)
{
	return SCHED_MAX_FIBERS - x->sched->live;
}

void exec_group_wait_(struct exec_group *g)
{
	struct exec *x = g->x;
	struct sched *s = x->sched;
	if (g->instant || !g->running)
		return;
	s->cur->waiting_on = g;
	suspend(x);
	s->cur->waiting_on = NULL;
}

/* Aborts f and, when it waits for children, theirs: each is woken now and
 * unwinds, writing the abort events of the states it was in. */
static void abort_fiber(struct sched *s, struct fiber *f)
{
	f->aborted = 1;
	if (f->waiting_on) {
		for (struct fiber *c = f->waiting_on->first; c; c = c->next_sib)
			abort_fiber(s, c);
		return;
	}
	wake_at(s, f, s->x->clock.now, 0);
}

void exec_group_abort_(struct exec_group *g)
{
	for (struct fiber *c = g->first; c; c = c->next_sib)
		abort_fiber(g->x->sched, c);
}

/* ---- the scheduler's life --------------------------------------------- */

void exec_sched_init_(struct exec *x)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	s->x = x;
	s->cur = &s->root;
	s->root.s = s;
	s->root.view = &s->base;
#ifdef SCHED_TSAN
	s->root.tsan_fiber = __tsan_get_current_fiber();
#endif
	x->sched = s;
}

static void fiber_free(struct fiber *f)
{
#ifdef SCHED_TSAN
	__tsan_destroy_fiber(f->tsan_fiber);
#endif
#ifdef SCHED_ASAN
	/* frames that never returned left their redzones poisoned: memory
	 * mapped later at these addresses (a JSONata arena) would fault in
	 * AddressSanitizer's eyes */
	ASAN_UNPOISON_MEMORY_REGION(f->stack, FIBER_STACK);
#endif
	munmap(f->stack, FIBER_STACK);
	free(f);
}

void exec_sched_release_(struct exec *x)
{
	struct sched *s = x->sched;
	while (s->free_list) {
		struct fiber *f = s->free_list;
		s->free_list = f->next_free;
		if (spare(f))
			fiber_free(f);
	}
	free(s->heap);
	free(s->pending);
	free(s);
	x->sched = NULL;
}
