/* timestamp.c - RFC 3339 parse/format by calendar arithmetic (see
 * timestamp.h).  Days from civil date after H. Hinnant's public algorithm. */
#include <string.h>

#include "timestamp.h"
#include "banned.h"

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits at *s; returns -1 if they are not all digits. */
static int64_t digits(const char **s, int n)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (**s - '0');
	}
	return v;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int64_t m)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static int expect(const char **s, char a, char b)
{
	if (**s != a && **s != b)
		return -1;
	(*s)++;
	return 0;
}

/* Parses the zone suffix into an offset in minutes; -1 on error. */
static int parse_zone(const char *s, int64_t *offset_min)
{
	if ((*s == 'Z' || *s == 'z') && !s[1]) {
		*offset_min = 0;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	int sign = *s++ == '-' ? -1 : 1;
	int64_t hh = digits(&s, 2);
	if (hh < 0 || expect(&s, ':', ':'))
		return -1;
	int64_t mm = digits(&s, 2);
	if (mm < 0 || *s || hh > 23 || mm > 59)
		return -1;
	*offset_min = sign * (hh * 60 + mm);
	return 0;
}

int timestamp_parse(const char *s, int64_t *ms)
{
	int64_t y = digits(&s, 4), mo, d, h, mi, sec, frac = 0, off;
	if (y < 0 || expect(&s, '-', '-') || (mo = digits(&s, 2)) < 1 || mo > 12 ||
	    expect(&s, '-', '-') || (d = digits(&s, 2)) < 1 ||
	    d > month_days(y, mo) || expect(&s, 'T', 't') ||
	    (h = digits(&s, 2)) < 0 || h > 23 || expect(&s, ':', ':') ||
	    (mi = digits(&s, 2)) < 0 || mi > 59 || expect(&s, ':', ':') ||
	    (sec = digits(&s, 2)) < 0 || sec > 59)
		return -1;
	if (*s == '.') {
		int n = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, n++)
			if (n < 3)
				frac = frac * 10 + (*s - '0');
		if (!n)
			return -1;
		for (; n < 3; n++)
			frac *= 10;
	}
	if (parse_zone(s, &off))
		return -1;
	int64_t days = days_from_civil(y, mo, d);
	*ms = ((days * 24 + h) * 60 + mi - off) * 60000 + sec * 1000 + frac;
	return 0;
}

/* Appends "YYYY-MM-DDTHH:MM:SS" and returns the milliseconds left over. */
static int64_t format_seconds(int64_t ms, struct buf *out)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rem = ms - days * 86400000, y, m, d;
	civil_from_days(days, &y, &m, &d);
	buf_addf(out, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", (long long)y,
		 (long long)m, (long long)d, (long long)(rem / 3600000),
		 (long long)(rem / 60000 % 60), (long long)(rem / 1000 % 60));
	return rem % 1000;
}

static void format(int64_t ms, struct buf *out, int always_ms)
{
	int64_t frac = format_seconds(ms, out);
	if (always_ms || frac)
		buf_addf(out, ".%03lld", (long long)frac);
	buf_addc(out, 'Z');
}

void timestamp_format(int64_t ms, struct buf *out)
{
	format(ms, out, 1);
}

void timestamp_format_short(int64_t ms, struct buf *out)
{
	format(ms, out, 0);
}

/* Python's datetime.isoformat(): microseconds only when not zero. */
void timestamp_format_cli(int64_t ms, struct buf *out)
{
	int64_t frac = format_seconds(ms, out);
	if (frac)
		buf_addf(out, ".%03lld000", (long long)frac);
	buf_adds(out, "+00:00");
}
