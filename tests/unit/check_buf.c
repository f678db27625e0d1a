/* check_buf.c - buf's formatting: buf_addf writes what snprintf writes,
 * through its own conversions (%s %c %d %u, 'l' and 'z' sizes, %%) or
 * through vsnprintf for the rest. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <check.h>

#include "buf.h"
#include "banned.h"

/* buf_addf after a prefix against snprintf of the same arguments. */
#define CHECK_ADDF(...) do { \
		char want_[512]; \
		int n_ = snprintf(want_, sizeof(want_), __VA_ARGS__); \
		ck_assert_int_ge(n_, 0); \
		struct buf b_ = BUF_INIT; \
		buf_adds(&b_, "<>"); \
		buf_addf(&b_, __VA_ARGS__); \
		ck_assert_uint_eq(b_.len, (size_t)n_ + 2); \
		ck_assert_msg(!memcmp(b_.ptr + 2, want_, (size_t)n_ + 1), \
			      "%s: '%s', snprintf writes '%s'", #__VA_ARGS__, \
			      b_.ptr + 2, want_); \
		buf_release(&b_); \
	} while (0)

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

START_TEST(addf_as_snprintf)
{
	CHECK_ADDF("plain text, no conversion");
	CHECK_ADDF("%s", "");
	CHECK_ADDF("%s and %s", "one", "two");
	const char *volatile nothing = NULL; /* unknown to the compiler */
	CHECK_ADDF("%s|%s", "x", nothing);
	CHECK_ADDF("%c%c%c", 'a', '%', 'z');
	CHECK_ADDF("100%% of %d", 7);
	CHECK_ADDF("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	CHECK_ADDF("%u %u", 0u, UINT_MAX);
	CHECK_ADDF("%ld %ld %lu", LONG_MAX, LONG_MIN, ULONG_MAX);
	CHECK_ADDF("%zu %zd %zd", SIZE_MAX, (ssize_t)-5, (ssize_t)SSIZE_MAX);
	CHECK_ADDF("State machine %s, %zu state%s.", "M", (size_t)15, "s");
	/* what buf leaves to vsnprintf: flags, widths, precisions, others */
	CHECK_ADDF("%5d|%-5d|%05d|%+d", 42, 42, 42, 42);
	CHECK_ADDF("%.3s|%10s|%-4s|", "abcdef", "r", "l");
	CHECK_ADDF("%x %X %o %i", 255u, 255u, 8u, -3);
	CHECK_ADDF("%lld %llu %hd", LLONG_MIN, ULLONG_MAX, (short)-2);
	CHECK_ADDF("%g %.2f %e", 1.5, 2.675, 1e-300);
	CHECK_ADDF("%.*s", 2, "abc");
	CHECK_ADDF("%p", (void *)0x1234);
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 20000; i++) {
		uint64_t r = xorshift(&seed);
		CHECK_ADDF("[%d|%u|%ld|%lu|%zu|%zd]", (int)r, (unsigned)(r >> 7),
			   (long)r, (unsigned long)(r * 3), (size_t)(r >> 3),
			   (ssize_t)(r >> 1) * (i & 1 ? -1 : 1));
	}
}
END_TEST

/* A %c of NUL is a byte of the buffer, as snprintf counts it. */
START_TEST(addf_nul_char)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "a%cb", 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert(!memcmp(b.ptr, "a\0b", 4));
	buf_release(&b);
}
END_TEST

/* Long values grow the buffer, by either route. */
START_TEST(addf_grows)
{
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s|%s", big, big);
	ck_assert_uint_eq(b.len, 2 * (sizeof(big) - 1) + 1);
	buf_addf(&b, "%5s", big);
	ck_assert_uint_eq(b.len, 3 * (sizeof(big) - 1) + 1);
	ck_assert_uint_eq(strlen(b.ptr), b.len);
	buf_release(&b);
}
END_TEST

Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *t = tcase_create("buf");
	tcase_add_test(t, addf_as_snprintf);
	tcase_add_test(t, addf_nul_char);
	tcase_add_test(t, addf_grows);
	suite_add_tcase(s, t);
	return s;
}
