/* site_pool.c - the figures of the saved steps drawn on every core.
 * Graphviz layout is most of a build's time and is not thread-safe, so
 * forked workers draw the figures while the parent builds the pages (or
 * waits for the check, site_check.c, drawing figures too meanwhile).  The
 * work is split as it goes, not ahead: a counter in shared memory hands out
 * the next figure to whoever is free, and the parent, when a page needs a
 * figure nobody has drawn yet, takes figures from the counter itself until
 * it has drawn that one.  A worker appends each figure to its own unlinked
 * file and publishes where it is; a byte on a pipe wakes a waiting parent.
 * The bytes do not depend on who drew them (tests/unit/check_site.c builds
 * with one and with several workers and compares); a figure a worker could
 * not draw, or that a dead worker held, is drawn (and diagnosed) by the
 * page that needs it, as without workers.
 * Not here: what a figure is (site_svg.c), when pages need one (site_step.c). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include "site_impl.h"
#include "xalloc.h"
#include "banned.h"

/* More workers than this would only add forks: a course has a few hundred
 * figures of a few milliseconds each. */
#define SITE_MAX_WORKERS 16

enum slot_state { SLOT_PENDING, SLOT_READY, SLOT_FAILED, SLOT_LOCAL };

/* Where figure j is, once a worker has drawn it. */
struct slot {
	atomic_int state;  /* enum slot_state; READY publishes the rest */
	unsigned worker;
	size_t len;
	off_t off;
};

/* Shared by the parent and the workers (MAP_SHARED). */
struct shared {
	atomic_size_t next; /* the next figure nobody has taken */
	struct slot slots[];
};

struct job {
	struct site_step *st;
	size_t machine;
};

struct site_pool {
	struct shared *sh;
	size_t map_len;
	struct job *jobs;
	size_t n;
	size_t nr_workers;
	pid_t pids[SITE_MAX_WORKERS];
	int files[SITE_MAX_WORKERS];  /* figures, read with pread */
	int wakeups[SITE_MAX_WORKERS]; /* read ends, -1 once at EOF */
};

/* ---- the workers ---------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t len, off_t off)
{
	while (len) {
		ssize_t w = pwrite(fd, p, len, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
		off += w;
	}
	return 0;
}

/* Draws figures from the counter until none is left; never returns. */
static void work(struct site *s, struct site_pool *p, unsigned k, int wakeup)
{
	off_t off = 0;
	for (;;) {
		size_t j = atomic_fetch_add(&p->sh->next, 1);
		if (j >= p->n)
			break;
		struct slot *sl = &p->sh->slots[j];
		struct buf *b = &p->jobs[j].st->figures[p->jobs[j].machine];
		int ok = site_step_draw_(s, p->jobs[j].st, p->jobs[j].machine) == 0 &&
			 write_all(p->files[k], b->ptr, b->len, off) == 0;
		if (ok) {
			sl->worker = k;
			sl->len = b->len;
			sl->off = off;
			off += (off_t)b->len;
		}
		buf_release(b); /* the parent keeps the figures, not us */
		atomic_store(&sl->state, ok ? SLOT_READY : SLOT_FAILED);
		/* a full pipe is readable anyway: a lost byte wakes nobody late */
		if (write(wakeup, "", 1) < 0) {
			/* nothing to do: the parent polls the slots */
		}
	}
	_exit(0);
}

/* ---- the parent ----------------------------------------------------------- */

static size_t list_jobs(struct site *s, struct job **jobs)
{
	size_t n = 0, alloc = 0;
	*jobs = NULL;
	for (size_t k = 0; k < s->steps.nr; k++) {
		struct site_step *st = s->steps.entries[k].value;
		for (size_t i = 0; st->out && i < st->lf.nr_machines; i++) {
			size_t ok, oi;
			if (site_figure_origin_(s, k, i, &ok, &oi))
				continue; /* a copy of an earlier figure */
			st->jobs[i] = n;
			ARRAY_GROW(*jobs, n + 1, alloc);
			(*jobs)[n].st = st;
			(*jobs)[n++].machine = i;
		}
	}
	return n;
}

static size_t worker_count(const struct site *s)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t w = s->opt->jobs > 0 ? (size_t)s->opt->jobs
				    : cpus > 0 ? (size_t)cpus : 1;
	return w > SITE_MAX_WORKERS ? SITE_MAX_WORKERS - 1 : w - 1;
}

static void spawn(struct site *s, struct site_pool *p)
{
	size_t want = p->nr_workers;
	p->nr_workers = 0;
	fflush(NULL);
	for (unsigned k = 0; k < want; k++) {
		int fds[2];
		char name[32];
		snprintf(name, sizeof(name), ".figures-%u", k);
		int file = site_scratch_file_(s, name);
		if (file < 0 || pipe(fds)) {
			if (file >= 0)
				close(file);
			break;
		}
		p->files[k] = file;
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			fcntl(fds[1], F_SETFL, O_NONBLOCK);
			work(s, p, k, fds[1]);
		}
		close(fds[1]);
		if (pid < 0) {
			close(fds[0]);
			close(file);
			break;
		}
		p->pids[k] = pid;
		p->wakeups[k] = fds[0];
		p->nr_workers = k + 1;
	}
}

void site_pool_start_(struct site *s)
{
	struct site_pool *p = xcalloc(1, sizeof(*p));
	p->n = list_jobs(s, &p->jobs);
	p->nr_workers = worker_count(s);
	if (p->nr_workers && p->n >= 2) {
		p->map_len = sizeof(struct shared) + p->n * sizeof(struct slot);
		void *m = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			p->sh = m; /* zeroed: next 0, every slot pending */
			spawn(s, p);
		}
	}
	s->pool = p;
}

/* Copies figure j from its worker's file into the figure it belongs to. */
static int fetch(struct site_pool *p, size_t j)
{
	const struct slot *sl = &p->sh->slots[j];
	struct buf *b = &p->jobs[j].st->figures[p->jobs[j].machine];
	buf_reset(b);
	buf_grow(b, sl->len);
	ssize_t r = pread(p->files[sl->worker], b->ptr, sl->len, sl->off);
	if (r < 0 || (size_t)r != sl->len) {
		buf_reset(b);
		return -1;
	}
	b->len = sl->len;
	b->ptr[b->len] = '\0';
	return 0;
}

/* Waits until a worker says it drew something.  Returns -1 when no worker
 * is left to wait for. */
static int wait_workers(struct site_pool *p)
{
	struct pollfd fds[SITE_MAX_WORKERS];
	nfds_t nr = 0;
	for (size_t k = 0; k < p->nr_workers; k++)
		if (p->wakeups[k] >= 0) {
			fds[nr].fd = p->wakeups[k];
			fds[nr].events = POLLIN;
			fds[nr++].revents = 0;
		}
	if (!nr)
		return -1;
	if (poll(fds, nr, -1) < 0)
		return errno == EINTR ? 0 : -1;
	for (nfds_t i = 0; i < nr; i++) {
		char drain[256];
		if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (read(fds[i].fd, drain, sizeof(drain)) > 0)
			continue;
		for (size_t k = 0; k < p->nr_workers; k++)
			if (p->wakeups[k] == fds[i].fd) {
				close(p->wakeups[k]);
				p->wakeups[k] = -1;
			}
	}
	return 0;
}

/* Draws figure k, taken from the counter, in this process. */
static int draw_here(struct site *s, struct site_pool *p, size_t k)
{
	int rc = site_step_draw_(s, p->jobs[k].st, p->jobs[k].machine);
	atomic_store(&p->sh->slots[k].state, SLOT_LOCAL);
	return rc;
}

int site_pool_draw_next_(struct site *s)
{
	struct site_pool *p = s->pool;
	if (!p || !p->sh)
		return -1;
	size_t k = atomic_fetch_add(&p->sh->next, 1);
	if (k >= p->n)
		return -1;
	draw_here(s, p, k); /* a failure is drawn again, and told, by its page */
	return 0;
}

int site_pool_take_(struct site *s, struct site_step *st, size_t i)
{
	struct site_pool *p = s->pool;
	if (!p || !p->sh || st->jobs[i] == SIZE_MAX)
		return -1;
	size_t j = st->jobs[i];
	for (;;) {
		switch (atomic_load(&p->sh->slots[j].state)) {
		case SLOT_READY:
			return fetch(p, j);
		case SLOT_FAILED:
		case SLOT_LOCAL:
			return -1;
		case SLOT_PENDING:
			break;
		}
		size_t k = atomic_fetch_add(&p->sh->next, 1);
		if (k < p->n) {
			int rc = draw_here(s, p, k);
			if (k == j)
				return rc;
		} else if (wait_workers(p)) {
			/* every worker gone: j was lost with one of them */
			return atomic_load(&p->sh->slots[j].state) == SLOT_READY
				       ? fetch(p, j) : -1;
		}
	}
}

void site_pool_free_(struct site_pool *p)
{
	if (!p)
		return;
	if (p->sh)
		atomic_store(&p->sh->next, p->n);
	for (size_t k = 0; k < p->nr_workers; k++) {
		int status;
		while (waitpid(p->pids[k], &status, 0) < 0 && errno == EINTR)
			;
		close(p->files[k]);
		if (p->wakeups[k] >= 0)
			close(p->wakeups[k]);
	}
	if (p->sh)
		munmap(p->sh, p->map_len);

	free(p->jobs);
	free(p);
}
