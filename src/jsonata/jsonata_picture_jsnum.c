/* jsonata_picture_jsnum.c - the JavaScript number and Date primitives that
 * jsonata-js's picture functions are written in, on C doubles: toString()
 * (shortest round-trip digits), toPrecision, toFixed, toString(radix),
 * parseInt, Math.round, JSONata's $round, Date.UTC and the UTC fields of a
 * time value.  Both JavaScript and C doubles are IEEE 754 binary64, so the
 * same operations give the same bits; where JavaScript rounds decimal text
 * (toFixed, toPrecision: ties away from zero on the exact binary value) we
 * take the exact expansion from printf and round it ourselves, because
 * printf rounds ties to even.  Not here: strings (jsonata_picture_text.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_picture_impl.h"
#include "banned.h"

/* A double's exact decimal expansion has at most 767 significant digits;
 * printing 780 after the point keeps all of them. */
#define EXACT_DIGITS 780

/* d[0..nd) significant digits of a positive finite value, the first one in
 * the 10^e place: value = 0.d1d2... * 10^(e+1). */
struct dec {
	char d[EXACT_DIGITS + 8];
	int nd, e;
};

static void dec_exact(double v, struct dec *x)
{
	char tmp[EXACT_DIGITS + 32];
	snprintf(tmp, sizeof(tmp), "%.*e", EXACT_DIGITS, v);
	char *p = tmp, *ep = strchr(tmp, 'e');
	x->nd = 0;
	for (; p < ep; p++)
		if (*p != '.')
			x->d[x->nd++] = *p;
	while (x->nd > 1 && x->d[x->nd - 1] == '0')
		x->nd--;
	x->d[x->nd] = '\0';
	x->e = atoi(ep + 1);
}

/* Keeps the first n >= 0 digits, rounding half up on the exact value
 * (n = 0 leaves "1" one place up, or nothing: nd = 0). */
static void dec_round(struct dec *x, int n)
{
	if (n >= x->nd)
		return;
	int up = x->d[n] >= '5';
	x->nd = n;
	while (up && n > 0) {
		if (x->d[n - 1] == '9') {
			x->nd = --n;
			continue;
		}
		x->d[n - 1]++;
		up = 0;
	}
	if (up) { /* all nines, or n = 0 and rounding up */
		x->d[0] = '1';
		x->nd = 1;
		x->e++;
	}
	x->d[x->nd] = '\0';
}

/* Shortest digits that read back to v (v > 0 finite), in the form dec_exact
 * leaves them.  The correctly rounded p-digit decimal is the one
 * JavaScript's Number::toString picks among p-digit candidates. */
static void dec_shortest(double v, struct dec *x)
{
	char tmp[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, v);
		if (strtod(tmp, NULL) == v || p == 17)
			break;
	}
	char *p = tmp, *ep = strchr(tmp, 'e');
	x->nd = 0;
	for (; p < ep; p++)
		if (*p != '.')
			x->d[x->nd++] = *p;
	while (x->nd > 1 && x->d[x->nd - 1] == '0')
		x->nd--;
	x->d[x->nd] = '\0';
	x->e = atoi(ep + 1);
}

static void add_zeros(struct buf *b, int n)
{
	for (int i = 0; i < n; i++)
		buf_addc(b, '0');
}

static void add_exponent(struct buf *b, int e)
{
	buf_addf(b, "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
}

static int special_text(double v, struct buf *b)
{
	if (isnan(v))
		buf_adds(b, "NaN");
	else if (isinf(v))
		buf_adds(b, v < 0 ? "-Infinity" : "Infinity");
	else if (v == 0)
		buf_addc(b, '0');
	else
		return 0;
	return 1;
}

/* Number::toString(x) of ECMA-262 for x > 0 with digits x->d, k of them,
 * and n = e + 1. */
static void js_layout(const struct dec *x, struct buf *b)
{
	int k = x->nd, n = x->e + 1;
	if (k <= n && n <= 21) {
		buf_add(b, x->d, (size_t)k);
		add_zeros(b, n - k);
	} else if (0 < n && n <= 21) {
		buf_add(b, x->d, (size_t)n);
		buf_addc(b, '.');
		buf_add(b, x->d + n, (size_t)(k - n));
	} else if (-6 < n && n <= 0) {
		buf_adds(b, "0.");
		add_zeros(b, -n);
		buf_add(b, x->d, (size_t)k);
	} else {
		buf_addc(b, x->d[0]);
		if (k > 1) {
			buf_addc(b, '.');
			buf_add(b, x->d + 1, (size_t)(k - 1));
		}
		add_exponent(b, n - 1);
	}
}

void jsonata_picture_js_number(double v, struct buf *out)
{
	if (special_text(v, out))
		return;
	if (v < 0)
		buf_addc(out, '-');
	struct dec x;
	dec_shortest(fabs(v), &x);
	js_layout(&x, out);
}

void js_number_text(double v, char *s, size_t size)
{
	struct buf b = BUF_INIT;
	jsonata_picture_js_number(v, &b);
	snprintf(s, size, "%s", b.ptr);
	buf_release(&b);
}

void js_number_u16(double v, struct u16 *out)
{
	char s[64];
	js_number_text(v, s, sizeof(s));
	u16_adds(out, s);
}

void jsonata_picture_to_precision(double v, int precision, struct buf *out)
{
	if (isnan(v) || isinf(v)) {
		special_text(v, out);
		return;
	}
	int p = precision < 1 ? 1 : precision > 100 ? 100 : precision;
	struct dec x;
	if (v == 0) {
		memset(x.d, '0', (size_t)p);
		x.nd = p;
		x.e = 0;
	} else {
		if (v < 0)
			buf_addc(out, '-');
		dec_exact(fabs(v), &x);
		dec_round(&x, p);
		while (x.nd < p)
			x.d[x.nd++] = '0';
	}
	if (x.e < -6 || x.e >= p) {
		buf_addc(out, x.d[0]);
		if (p > 1) {
			buf_addc(out, '.');
			buf_add(out, x.d + 1, (size_t)(p - 1));
		}
		add_exponent(out, x.e);
	} else if (x.e >= 0) {
		buf_add(out, x.d, (size_t)x.e + 1);
		if (x.e + 1 < p) {
			buf_addc(out, '.');
			buf_add(out, x.d + x.e + 1, (size_t)(p - x.e - 1));
		}
	} else {
		buf_adds(out, "0.");
		add_zeros(out, -(x.e + 1));
		buf_add(out, x.d, (size_t)p);
	}
}

void jsonata_picture_string_number(double v, struct buf *out)
{
	struct buf p = BUF_INIT;
	jsonata_picture_to_precision(v, 15, &p);
	double r = strtod(p.ptr, NULL);
	/* 1.7976931348623157e308 rounds up past the largest double, and
	 * JSON.stringify writes the Infinity that leaves as null */
	if (isinf(r) && isfinite(v))
		buf_adds(out, "null");
	else
		jsonata_picture_js_number(r, out);
	buf_release(&p);
}

void js_to_fixed(double v, int digits, struct buf *out)
{
	digits = digits < 0 ? 0 : digits > 100 ? 100 : digits; /* toFixed's range */
	if (isnan(v) || fabs(v) >= 1e21) {
		jsonata_picture_js_number(v, out);
		return;
	}
	if (v < 0)
		buf_addc(out, '-');
	struct dec x;
	if (v == 0) {
		x.d[0] = '0';
		x.nd = 1;
		x.e = 0;
	} else {
		dec_exact(fabs(v), &x);
	}
	/* n = round(x * 10^digits): the digits through the 10^-digits place */
	int keep = x.e + digits + 1;
	if (keep < 0) {
		x.nd = 0;
	} else {
		dec_round(&x, keep);
	}
	/* the integer n as text, then the point before its last 'digits' */
	char n[EXACT_DIGITS + 200];
	int len = 0;
	int places = x.nd ? x.e + digits + 1 : 0; /* digits of n */
	for (int i = 0; i < places; i++)
		n[len++] = i < x.nd ? x.d[i] : '0';
	if (len == 0)
		n[len++] = '0';
	int pad = digits + 1 - len;
	if (pad > 0) {
		memmove(n + pad, n, (size_t)len);
		memset(n, '0', (size_t)pad);
		len += pad;
	}
	buf_add(out, n, (size_t)(len - digits));
	if (digits) {
		buf_addc(out, '.');
		buf_add(out, n + len - digits, (size_t)digits);
	}
}

void js_to_radix(double v, int radix, struct buf *out)
{
	if (radix == 10 || isnan(v) || isinf(v) || v == 0) {
		jsonata_picture_js_number(v, out);
		return;
	}
	static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char tmp[1100]; /* 2^1024 has 1025 binary digits */
	size_t at = sizeof(tmp);
	double integer = floor(fabs(v));
	/* V8 writes zeros for the digits below a double's precision */
	while (integer / radix >= 9007199254740992.0) {
		integer /= radix;
		tmp[--at] = '0';
	}
	do {
		double rem = fmod(integer, radix);
		tmp[--at] = chars[(int)rem];
		integer = (integer - rem) / radix;
	} while (integer > 0 && at > 1);
	if (v < 0)
		buf_addc(out, '-');
	buf_add(out, tmp + at, sizeof(tmp) - at);
}

double js_parse_int(struct u16v s)
{
	size_t i = 0;
	while (i < s.len && u16_is_space(s.v[i]))
		i++;
	int neg = 0;
	if (i < s.len && (s.v[i] == '+' || s.v[i] == '-'))
		neg = s.v[i++] == '-';
	int hex = i + 1 < s.len && s.v[i] == '0' && (s.v[i + 1] | 0x20) == 'x';
	if (hex)
		i += 2;
	struct buf digits = BUF_INIT;
	double v = 0;
	for (; i < s.len; i++) {
		unsigned c = s.v[i];
		int d = c >= '0' && c <= '9' ? (int)(c - '0') :
			hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (int)((c | 0x20) - 'a' + 10) : -1;
		if (d < 0)
			break;
		buf_addc(&digits, (char)c);
		v = v * 16 + d;
	}
	if (!digits.len) {
		buf_release(&digits);
		return NAN;
	}
	if (!hex)
		v = strtod(digits.ptr, NULL); /* correctly rounded, as V8 */
	buf_release(&digits);
	return neg ? -v : v;
}

double js_math_round(double v)
{
	if (isnan(v) || isinf(v))
		return v;
	double r = floor(v);
	if (v - r >= 0.5)
		r += 1;
	if (r == 0 && (v < 0 || signbit(v)))
		return -0.0;
	return r;
}

/* +(mantissa + 'e' + (exp + shift)) on the text of v, as $round shifts
 * the decimal point in a string. */
static double shift_decimal(double v, int shift)
{
	char s[64], t[96];
	js_number_text(v, s, sizeof(s));
	if (!strcmp(s, "NaN") || strstr(s, "Infinity"))
		return NAN;
	char *e = strchr(s, 'e');
	long exp = 0;
	if (e) {
		exp = strtol(e + 1, NULL, 10);
		*e = '\0';
	}
	snprintf(t, sizeof(t), "%se%ld", s, exp + shift);
	return strtod(t, NULL);
}

double js_jsonata_round(double v, int precision)
{
	double arg = precision ? shift_decimal(v, precision) : v;
	double result = js_math_round(arg);
	if (fabs(result - arg) == 0.5 && fabs(fmod(result, 2)) == 1)
		result -= 1;
	if (precision)
		result = shift_decimal(result, -precision);
	return result == 0 ? 0 : result;
}

/* ---- Date ------------------------------------------------------------------ */

#define MS_PER_DAY 86400000.0
/* ECMA-262: a time value is within 8.64e15 ms (100 million days) of 1970. */
#define JS_TIME_MAX 8.64e15
/* V8 gives up on years beyond a million either way; any such date is
 * outside JS_TIME_MAX unless a huge day count pulls it back, which the
 * picture functions never produce. */
#define JS_YEAR_MAX 1000000.0

double js_time_clip(double t)
{
	if (!isfinite(t) || fabs(t) > JS_TIME_MAX)
		return NAN;
	return trunc(t) + 0.0;
}

/* Days from 1970-01-01 to y-m-d (m 1..12), after H. Hinnant's public
 * "days_from_civil" algorithm on the proleptic Gregorian calendar. */
static double civil_days(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (double)(era * 146097 + doe - 719468);
}

double js_make_date(double y, double m, double d, double h, double mi,
		    double s, double ms)
{
	double f[7] = { y, m, d, h, mi, s, ms };
	for (int i = 0; i < 7; i++) {
		if (!isfinite(f[i]))
			return NAN;
		f[i] = trunc(f[i]);
	}
	double ym = f[0] + floor(f[1] / 12);
	double mn = fmod(f[1], 12);
	if (mn < 0)
		mn += 12;
	if (fabs(ym) > JS_YEAR_MAX)
		return NAN;
	double day = civil_days((long)ym, (long)mn + 1, 1) + f[2] - 1;
	double time = f[3] * 3600000.0 + f[4] * 60000.0 + f[5] * 1000.0 + f[6];
	return js_time_clip(day * MS_PER_DAY + time);
}

double js_date_utc(double y, double m, double d, double h, double mi,
		   double s, double ms)
{
	if (isfinite(y) && trunc(y) >= 0 && trunc(y) <= 99)
		y = 1900 + trunc(y);
	return js_make_date(y, m, d, h, mi, s, ms);
}

void js_date_fields(double t, struct js_date *f)
{
	double days = floor(t / MS_PER_DAY);
	double in_day = t - days * MS_PER_DAY;
	long z = (long)days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long m = mp < 10 ? mp + 3 : mp - 9;
	f->day = (double)(doy - (153 * mp + 2) / 5 + 1);
	f->month = (double)(m - 1);
	f->year = (double)(yoe + era * 400 + (m <= 2));
	f->weekday = fmod(days + 4, 7);
	if (f->weekday < 0)
		f->weekday += 7;
	f->hours = floor(in_day / 3600000.0);
	f->minutes = floor(fmod(in_day, 3600000.0) / 60000.0);
	f->seconds = floor(fmod(in_day, 60000.0) / 1000.0);
	f->millis = fmod(in_day, 1000.0);
}

/* ---- $formatBase ----------------------------------------------------------- */

int jsonata_picture_format_base(double value, double radix, struct buf *out,
				struct jsonata_picture_error *err)
{
	value = js_jsonata_round(value, 0);
	radix = js_jsonata_round(radix, 0);
	if (!(radix >= 2 && radix <= 36)) {
		if (isnan(radix)) { /* NaN < 2 is false: toString(NaN) throws */
			return pic_fail(err, PIC_CODE_RANGE,
					"RangeError: toString() radix must be between 2 and 36");
		}
		char v[64];
		js_number_text(radix, v, sizeof(v));
		return pic_fail_code(err, "D3100", v);
	}
	js_to_radix(value, (int)radix, out);
	return 0;
}
