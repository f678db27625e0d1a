/* clock.c - virtual clock and timer queue (see clock.h).  The queue is a
 * sorted array: it holds a scenario's few events, not millions of timers. */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "xalloc.h"
#include "banned.h"

void clock_init(struct clock *c, int64_t start_ms)
{
	memset(c, 0, sizeof(*c));
	c->now = start_ms;
}

void clock_release(struct clock *c)
{
	free(c->timers);
	memset(c, 0, sizeof(*c));
}

void clock_advance_to(struct clock *c, int64_t at)
{
	if (at > c->now)
		c->now = at;
}

int clock_add_timer(struct clock *c, int64_t at, int kind, long ref)
{
	if (c->nr >= CLOCK_MAX_TIMERS)
		return -1;
	ARRAY_GROW(c->timers, c->nr + 1, c->alloc);
	size_t i = c->nr;
	while (i > 0 && c->timers[i - 1].at > at)
		i--;
	memmove(c->timers + i + 1, c->timers + i,
		(c->nr - i) * sizeof(*c->timers));
	c->timers[i] = (struct clock_timer){ at, c->next_seq++, kind, ref };
	c->nr++;
	return 0;
}

const struct clock_timer *clock_peek(const struct clock *c)
{
	return c->nr ? &c->timers[0] : NULL;
}

int clock_pop(struct clock *c, struct clock_timer *t)
{
	if (!c->nr)
		return -1;
	*t = c->timers[0];
	memmove(c->timers, c->timers + 1, (c->nr - 1) * sizeof(*c->timers));
	c->nr--;
	return 0;
}

void clock_cancel(struct clock *c, int kind, long ref)
{
	size_t j = 0;
	for (size_t i = 0; i < c->nr; i++)
		if (c->timers[i].kind != kind || c->timers[i].ref != ref)
			c->timers[j++] = c->timers[i];
	c->nr = j;
}
