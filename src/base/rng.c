/* rng.c - xoshiro256** with splitmix64 seeding (see rng.h).
 * Both algorithms are public-domain designs by Blackman and Vigna; this is our
 * own transcription of the published recurrences.  Not a CSPRNG. */
#include "rng.h"

#include <stddef.h>

#include "banned.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_init(struct rng *r, uint64_t seed)
{
	for (size_t i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_double(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Rejection sampling: draws above the largest multiple of the span are
 * redrawn, so every value in the span is equally likely. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0 means all 2^64 */
	if (span == 0)
		return (int64_t)rng_next(r);
	uint64_t limit = UINT64_MAX - UINT64_MAX % span;
	uint64_t x;
	do
		x = rng_next(r);
	while (x >= limit);
	return (int64_t)((uint64_t)lo + x % span);
}

void rng_uuid(struct rng *r, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[16];
	uint64_t a = rng_next(r), b = rng_next(r);
	for (size_t i = 0; i < 8; i++) {
		bytes[i] = (unsigned char)(a >> (8 * i));
		bytes[8 + i] = (unsigned char)(b >> (8 * i));
	}
	bytes[6] = (unsigned char)((bytes[6] & 0x0f) | 0x40); /* version 4 */
	bytes[8] = (unsigned char)((bytes[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	size_t o = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[bytes[i] >> 4];
		out[o++] = hex[bytes[i] & 15];
	}
	out[o] = '\0';
}
