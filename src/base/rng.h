/* rng.h - the one source of randomness: a small seeded PRNG.
 * xoshiro256** seeded through splitmix64, so a run is reproducible from one
 * 64-bit seed; UUIDs and States.MathRandom draw from it.
 * Not here: anything cryptographic (nothing in stepbook needs secrets). */
#ifndef STEPBOOK_RNG_H
#define STEPBOOK_RNG_H

#include <stdint.h>

/* Embedded by value; rng_init is all the set-up it needs, nothing to free. */
struct rng {
	uint64_t s[4];
};

/* Seeds the generator; the same seed always yields the same sequence. */
void rng_init(struct rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);
/* A double uniformly drawn from [0, 1). */
double rng_double(struct rng *r);
/* An integer uniformly drawn from [lo, hi] (both inclusive, lo <= hi). */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);
/* Writes a random version-4 UUID, lower-case hex, and its terminator. */
void rng_uuid(struct rng *r, char out[37]);

#endif
