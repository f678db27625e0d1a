/* clock.h - the virtual clock and its timer queue.  Nothing in stepbook
 * sleeps: a Wait state, a retry interval or a heartbeat timeout moves the
 * clock forward, and the callbacks of a scenario are timers ordered by due
 * time (then by insertion, so ties are deterministic).
 * Not here: timestamp text (timestamp.h). */
#ifndef STEPBOOK_CLOCK_H
#define STEPBOOK_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Pending timers in one queue: a scenario file is bounded by this. */
#define CLOCK_MAX_TIMERS 4096

struct clock_timer {
	int64_t at;   /* epoch ms */
	uint64_t seq; /* insertion order, breaks ties */
	int kind;     /* caller's tag */
	long ref;     /* caller's payload (an index) */
};

struct clock {
	int64_t now; /* epoch ms */
	struct clock_timer *timers; /* sorted by (at, seq) */
	size_t nr, alloc;
	uint64_t next_seq;
};

void clock_init(struct clock *c, int64_t start_ms);
void clock_release(struct clock *c);
/* Moves the clock to 'at' if that is later than now. */
void clock_advance_to(struct clock *c, int64_t at);
/* Adds a timer.  Returns 0, or -1 when the queue is full. */
int clock_add_timer(struct clock *c, int64_t at, int kind, long ref);
/* The earliest timer, or NULL. */
const struct clock_timer *clock_peek(const struct clock *c);
/* Removes the earliest timer into *t (0), or returns -1 when empty. */
int clock_pop(struct clock *c, struct clock_timer *t);
/* Removes every timer with this kind and ref. */
void clock_cancel(struct clock *c, int kind, long ref);

#endif
