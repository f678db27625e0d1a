/* jsonata_picture_parse.c - $toMillis: an ISO 8601 timestamp as Date.parse
 * reads the strings jsonata-js lets through, or a timestamp read back by a
 * date/time picture.  jsonata-js builds one regular expression from the
 * picture (case-insensitive, a capture group per part) and lets it
 * backtrack; we match the same language part by part, trying each part's
 * lengths in the order the regular expression would (greedy first), with a
 * memo of failed (part, position) pairs so that no input takes exponential
 * time.  Then the components are checked and defaulted exactly as
 * parseDateTime does (D3136 for gaps; missing leading parts from "now").
 * Not here: the picture's analysis (jsonata_picture_date.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_picture_impl.h"
#include "xalloc.h"
#include "banned.h"

/* The longest timestamp read with a picture: the words part recurses once
 * per word it takes, and a thread's stack must hold that. */
#define PARSE_MAX_TEXT 4096
/* Parts x positions the failure memo may cover (bits). */
#define PARSE_MAX_STATES (64u * 1024 * 1024)

/* ---- the ISO 8601 path ------------------------------------------------------ */

static int digit(uint16_t c)
{
	return c >= '0' && c <= '9';
}

static int digits_at(struct u16v s, size_t i, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (i + k >= s.len || !digit(s.v[i + k]))
			return 0;
	return 1;
}

static double num_at(struct u16v s, size_t i, size_t n)
{
	double v = 0;
	for (size_t k = 0; k < n; k++)
		v = v * 10 + (s.v[i + k] - '0');
	return v;
}

/* iso8601regex: ^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*
 * (\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$ - the dash groups together accept any
 * run of "-[0-3]\d". */
static int iso_matches(struct u16v s)
{
	size_t i = 4;
	if (!digits_at(s, 0, 4))
		return 0;
	while (i + 2 < s.len && s.v[i] == '-' && s.v[i + 1] >= '0' && s.v[i + 1] <= '3' &&
	       digit(s.v[i + 2]))
		i += 3;
	while (i + 8 < s.len && s.v[i] == 'T' && s.v[i + 1] >= '0' && s.v[i + 1] <= '2' &&
	       digit(s.v[i + 2]) && s.v[i + 3] == ':' && s.v[i + 4] >= '0' &&
	       s.v[i + 4] <= '5' && digit(s.v[i + 5]) && s.v[i + 6] == ':' &&
	       s.v[i + 7] >= '0' && s.v[i + 7] <= '5' && digit(s.v[i + 8]))
		i += 9;
	if (i + 1 < s.len && s.v[i] == '.' && digit(s.v[i + 1])) {
		i++;
		while (i < s.len && digit(s.v[i]))
			i++;
	}
	if (i < s.len && s.v[i] == 'Z') {
		i++;
	} else if (i < s.len && (s.v[i] == '+' || s.v[i] == '-') && i + 2 < s.len &&
		   s.v[i + 1] >= '0' && s.v[i + 1] <= '2' && digit(s.v[i + 2])) {
		size_t j = i + 3 + (i + 3 < s.len && s.v[i + 3] == ':');
		if (j + 1 < s.len && s.v[j] >= '0' && s.v[j] <= '5' && digit(s.v[j + 1]))
			i = j + 2;
	}
	return i == s.len;
}

/* V8's fallback parser reads "2018.5" as May 2018 and "2018-02.5" as
 * 5 February: a one- or two-digit fraction after a date without a time is
 * the next date field.  Returns the index after it, or 0 when it is not
 * such a fraction (Date.parse is NaN then). */
static size_t legacy_fraction(struct u16v s, size_t i, int fields, double *mo, double *d)
{
	size_t n = 0;
	while (i + 1 + n < s.len && digit(s.v[i + 1 + n]))
		n++;
	if (fields > 2 || n < 1 || n > 2)
		return 0;
	double v = num_at(s, i + 1, n);
	if (fields == 1)
		*mo = v;
	else
		*d = v;
	return i + 1 + n;
}

/* Date.parse of a string iso_matches accepted: the ECMAScript date-time
 * forms (and "+hhmm" zones, which V8 also reads); a date-time without a
 * zone is read as UTC.  A zone after a date alone, repeated groups or a
 * longer fraction without a time are NaN, as in V8. */
static double iso_parse(struct u16v s)
{
	double y = num_at(s, 0, 4), mo = 1, d = 1, h = 0, mi = 0, sec = 0, ms = 0, off = 0;
	size_t i = 4;
	int fields = 1, has_time = 0;
	if (i < s.len && s.v[i] == '-') {
		mo = num_at(s, i + 1, 2);
		i += 3;
		fields++;
		if (i < s.len && s.v[i] == '-') {
			d = num_at(s, i + 1, 2);
			i += 3;
			fields++;
		}
	}
	if (i < s.len && s.v[i] == 'T') {
		has_time = 1;
		h = num_at(s, i + 1, 2);
		mi = num_at(s, i + 4, 2);
		sec = num_at(s, i + 7, 2);
		i += 9;
		if (i < s.len && s.v[i] == '.') {
			size_t n = 0;
			for (i++; i < s.len && digit(s.v[i]); i++, n++)
				if (n < 3)
					ms = ms * 10 + (s.v[i] - '0');
			for (; n < 3; n++)
				ms *= 10;
		}
	} else if (i < s.len && s.v[i] == '.') {
		if (!(i = legacy_fraction(s, i, fields, &mo, &d)))
			return NAN;
	}
	if (i < s.len && (s.v[i] == '+' || s.v[i] == '-')) {
		double oh = num_at(s, i + 1, 2);
		size_t j = i + 3 + (s.v[i + 3] == ':');
		if (!has_time || oh > 23)
			return NAN;
		off = (oh * 60 + num_at(s, j, 2)) * (s.v[i] == '-' ? -1 : 1);
		i = j + 2;
	} else if (i < s.len && s.v[i] == 'Z') {
		i++;
	}
	if (i != s.len || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    (h == 24 ? mi || sec || ms : h > 23))
		return NAN;
	return js_time_clip(js_make_date(y, mo - 1, d, h, mi, sec, ms) - off * 60000);
}

/* ---- matching a picture ------------------------------------------------------ */

struct matcher {
	const struct dt_picture *pic;
	struct u16v text;
	size_t *cap_start, *cap_end;
	unsigned char *failed, *words_failed; /* bit per (part, position) */
	size_t width;                          /* text.len + 1 */
};

/* Canonicalize() of the regular expression 'i' flag (without 'u'): the
 * upper case when it is one code unit and does not turn a non-ASCII unit
 * into an ASCII one.  Covers the cased letters of Latin-1, Latin
 * Extended-A, Greek and Cyrillic; other scripts compare exactly. */
static uint16_t canon(uint16_t c)
{
	if (c >= 'a' && c <= 'z')
		return (uint16_t)(c - 32);
	if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) ||
	    (c >= 0x430 && c <= 0x44F))
		return (uint16_t)(c - 32);
	if (c == 0x3C2)
		return 0x3A3; /* final sigma */
	if (c == 0xB5)
		return 0x39C; /* micro sign: Greek capital mu */
	if (c == 0xFF)
		return 0x178;
	if (c >= 0x450 && c <= 0x45F)
		return (uint16_t)(c - 80);
	if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
	    c != 0x17F) {
		int odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
		if (odd_lower ? !(c & 1) : (c & 1))
			return (uint16_t)(c - 1);
	}
	return c;
}

/* The 'i' flag: both units canonicalize to the same one. */
static int same_ci(uint16_t a, uint16_t b)
{
	return canon(a) == canon(b);
}

static int literal_at(struct u16v s, size_t at, struct u16v lit)
{
	if (at + lit.len > s.len)
		return 0;
	for (size_t i = 0; i < lit.len; i++)
		if (!same_ci(s.v[at + i], lit.v[i]))
			return 0;
	return 1;
}

static size_t ascii_at(struct u16v s, size_t at, const char *a)
{
	size_t n = strlen(a);
	if (at + n > s.len)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!same_ci(s.v[at + i], (unsigned char)a[i]))
			return 0;
	return n;
}

static int bit(const unsigned char *set, size_t i)
{
	return set[i / 8] >> (i % 8) & 1;
}

static void set_bit(unsigned char *set, size_t i)
{
	set[i / 8] |= (unsigned char)(1u << (i % 8));
}

static int match_from(struct matcher *m, size_t part, size_t pos);

/* Tries the rest of the picture with part ending at end. */
static int then(struct matcher *m, size_t part, size_t start, size_t end)
{
	m->cap_start[part] = start;
	m->cap_end[part] = end;
	return match_from(m, part + 1, end);
}

static size_t run_of(struct u16v s, size_t at, int (*in)(uint16_t))
{
	size_t n = 0;
	while (at + n < s.len && in(s.v[at + n]))
		n++;
	return n;
}

static int is_digit_unit(uint16_t c) { return digit(c); }
static int is_letter(uint16_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_roman(uint16_t c) { return c < 128 && c && strchr("mdclxviMDCLXVI", (char)c); }

/* class+ : the longest run first. */
static int greedy(struct matcher *m, size_t part, size_t pos, int (*in)(uint16_t))
{
	for (size_t n = run_of(m->text, pos, in); n > 0; n--)
		if (then(m, part, pos, pos + n))
			return 1;
	return 0;
}

/* (?:word|...|and|[\-, ])+ : at each step the alternatives in order, a
 * longer repetition before stopping. */
static int words(struct matcher *m, size_t part, size_t start, size_t pos)
{
	size_t state = part * m->width + pos;
	if (bit(m->words_failed, state))
		return 0;
	for (size_t i = 0;; i++) {
		const char *w = int_word_alternative(i);
		size_t n = w ? ascii_at(m->text, pos, w) :
			   pos < m->text.len && (m->text.v[pos] == '-' || m->text.v[pos] == ',' ||
						 m->text.v[pos] == ' ');
		if (n && (words(m, part, start, pos + n) || then(m, part, start, pos + n)))
			return 1;
		if (!w)
			break;
	}
	set_bit(m->words_failed, state);
	return 0;
}

/* [0-9]+, or with a digit count n: [0-9]{n} or [0-9]{n-optional,n};
 * then (?:th|st|nd|rd) for an ordinal. */
static int decimal(struct matcher *m, size_t part, size_t pos, const struct int_format *f)
{
	double n = f->parse_n;
	size_t run = run_of(m->text, pos, is_digit_unit);
	double lo = 1, hi = (double)run;
	if (n > 0) {
		lo = n - f->optional;
		hi = n < hi ? n : hi;
		if (lo < 0) /* "{-1,3}" is no quantifier: JavaScript reads it as text */
			return 0;
	}
	for (double k = hi; k >= lo; k--) {
		size_t end = pos + (size_t)k;
		if (f->ordinal) {
			static const char *const sfx[] = { "th", "st", "nd", "rd" };
			for (int i = 0; i < 4; i++)
				if (ascii_at(m->text, end, sfx[i]) && then(m, part, pos, end + 2))
					return 1;
		} else if (then(m, part, pos, end)) {
			return 1;
		}
	}
	return 0;
}

/* jsonata-js puts the separator of [Z01:01] into its regular expression
 * unescaped: '.' matches any character but a line end, '^' and '$' match
 * nothing here (check_parts refuses the characters that break the
 * expression).  Returns the length matched at i, or 0. */
static size_t zone_separator_at(struct u16v s, size_t i, uint32_t cp)
{
	if (cp == '^' || cp == '$')
		return 0;
	if (cp == '.')
		return i < s.len && s.v[i] != '\n' && s.v[i] != '\r' && s.v[i] != 0x2028 &&
		       s.v[i] != 0x2029;
	struct u16 sep;
	u16_init(&sep);
	u16_addcp(&sep, cp);
	size_t n = literal_at(s, i, u16_view(&sep)) ? sep.len : 0;
	u16_release(&sep);
	return n;
}

static int zone(struct matcher *m, size_t part, size_t pos, const struct dt_part *p)
{
	size_t at = pos;
	if (p->component == 'z' && !(at = ascii_at(m->text, pos, "GMT") ? pos + 3 : 0))
		return 0;
	if (at >= m->text.len || (m->text.v[at] != '+' && m->text.v[at] != '-'))
		return 0;
	at++;
	for (size_t n = run_of(m->text, at, is_digit_unit); n > 0; n--) {
		size_t end = at + n;
		if (!p->fmt.regular) {
			if (then(m, part, pos, end))
				return 1;
			continue;
		}
		size_t len = zone_separator_at(m->text, end, p->fmt.seps[0].cp);
		if (!len)
			continue;
		end += len;
		for (size_t k = run_of(m->text, end, is_digit_unit); k > 0; k--)
			if (then(m, part, pos, end + k))
				return 1;
	}
	return 0;
}

static int match_part(struct matcher *m, size_t part, size_t pos)
{
	const struct dt_part *p = &m->pic->parts[part];
	if (!p->is_marker)
		return literal_at(m->text, pos, u16_view(&p->literal)) &&
		       then(m, part, pos, pos + p->literal.len);
	if (p->component == 'Z' || p->component == 'z')
		return zone(m, part, pos, p);
	if (!p->has_int)
		return greedy(m, part, pos, is_letter);
	switch (p->fmt.primary) {
	case INT_LETTERS: return greedy(m, part, pos, is_letter);
	case INT_ROMAN: return greedy(m, part, pos, is_roman);
	case INT_WORDS: return words(m, part, pos, pos);
	case INT_DECIMAL: return decimal(m, part, pos, &p->fmt);
	case INT_SEQUENCE: return 0;
	}
	return 0;
}

static int match_from(struct matcher *m, size_t part, size_t pos)
{
	if (part == m->pic->nr)
		return pos == m->text.len;
	size_t state = part * m->width + pos;
	if (bit(m->failed, state))
		return 0;
	if (match_part(m, part, pos))
		return 1;
	set_bit(m->failed, state);
	return 0;
}

/* ---- the components ---------------------------------------------------------- */

/* components[c] of parseDateTime: a key may exist with value undefined. */
struct comp {
	int defined;
	int truthy;
	double v; /* NaN for a non-number */
};

#define NR_COMPS 128

static void comp_set(struct comp *c, double v)
{
	c->defined = 1;
	c->v = v;
	c->truthy = v != 0 && !isnan(v);
}

static const char *const month_keys[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const day_keys[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
/* Keys every JavaScript object has: lookup[value] finds a function. */
static const char *const inherited[] = {
	"constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
	"toLocaleString", "toString", "valueOf",
};

static int text_is(struct u16v s, const char *a, size_t n)
{
	if (s.len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s.v[i] != (unsigned char)a[i])
			return 0;
	return 1;
}

/* lookup[value] for a month, day or am/pm name (exact case). */
static void read_name(const struct dt_part *p, struct u16v s, struct comp *c)
{
	c->defined = 0;
	const char *const *keys = p->component == 'F' ? day_keys : month_keys;
	size_t nr = p->component == 'F' ? 7 : 12;
	if (p->component == 'P') {
		if (text_is(s, "am", 2) || text_is(s, "AM", 2))
			comp_set(c, 0);
		if (text_is(s, "pm", 2) || text_is(s, "PM", 2))
			comp_set(c, 1);
		nr = 0;
	}
	int cut = p->has_width && p->max_set && p->max != 0 && !isnan(p->max);
	for (size_t i = 0; i < nr; i++) {
		size_t n = strlen(keys[i]);
		if (cut)
			n = p->max < 0 ? 0 : p->max < (double)n ? (size_t)p->max : n;
		if (text_is(s, keys[i], n))
			comp_set(c, (double)i + 1);
	}
	for (size_t i = 0; i < sizeof(inherited) / sizeof(*inherited); i++) {
		if (text_is(s, inherited[i], strlen(inherited[i]))) {
			c->defined = c->truthy = 1;
			c->v = NAN;
		}
	}
}

/* The zone parser: minutes east of UTC, the sign on the hours only. */
static double read_zone(const struct dt_part *p, struct u16v s)
{
	if (p->component == 'z')
		s = u16_sub(s, 3, s.len);
	if (p->fmt.regular) {
		struct u16 sep;
		u16_init(&sep);
		u16_addcp(&sep, p->fmt.seps[0].cp);
		/* indexOf is case-sensitive where the match was not: -1 reads
		 * substring(0, -1) and substring(0) */
		size_t at = u16_index_of(s, u16_view(&sep), 0);
		double h = at == U16_NPOS ? NAN : js_parse_int(u16_sub(s, 0, at));
		double mi = js_parse_int(at == U16_NPOS ? s : u16_sub(s, at + 1, s.len));
		u16_release(&sep);
		return h * 60 + mi;
	}
	if (s.len - 1 <= 2)
		return js_parse_int(s) * 60;
	return js_parse_int(u16_sub(s, 0, 3)) * 60 + js_parse_int(u16_sub(s, 3, s.len));
}

static int read_part(const struct dt_part *p, struct u16v s, struct comp *c,
		     struct jsonata_picture_error *err)
{
	double v = 0;
	struct u16 t;
	u16_init(&t);
	u16_addv(&t, s);
	if (p->component == 'Z' || p->component == 'z') {
		v = read_zone(p, s);
	} else if (!p->has_int) {
		read_name(p, s, c);
		u16_release(&t);
		return 0;
	} else if (p->fmt.primary == INT_LETTERS) {
		v = int_letters_value(s, p->fmt.tcase == CASE_UPPER ? 'A' : 'a');
	} else if (p->fmt.primary == INT_ROMAN) {
		if (p->fmt.tcase != CASE_UPPER)
			u16_ascii_case(&t, 1);
		v = int_roman_value(u16_view(&t));
	} else if (p->fmt.primary == INT_WORDS) {
		u16_ascii_case(&t, 0);
		v = int_words_value(u16_view(&t));
	} else if (int_decimal_value(&p->fmt, s, &v)) {
		u16_release(&t);
		return pic_fail(err, PIC_CODE_RANGE, "RangeError: Invalid code point");
	}
	u16_release(&t);
	comp_set(c, v);
	return 0;
}

/* generateRegex's errors, in part order: unsupported sequences (D3130) and
 * names on components that have none (D3133). */
static int check_parts(const struct dt_picture *pic, struct jsonata_picture_error *err)
{
	for (size_t i = 0; i < pic->nr; i++) {
		const struct dt_part *p = &pic->parts[i];
		if (p->is_marker && (p->component == 'Z' || p->component == 'z') &&
		    p->fmt.regular && p->fmt.seps[0].cp < 128 &&
		    strchr("*+?()[|\\", (char)p->fmt.seps[0].cp))
			return pic_fail(err, PIC_CODE_RANGE,
					"SyntaxError: Invalid regular expression (separator '%c')",
					(char)p->fmt.seps[0].cp);
		if (!p->is_marker || p->component == 'Z' || p->component == 'z')
			continue;
		if (p->has_int && p->fmt.primary == INT_SEQUENCE) {
			struct buf b = BUF_INIT;
			buf_addc(&b, '"');
			u16_to_utf8(u16_view(&p->fmt.token), &b);
			buf_addc(&b, '"');
			pic_fail_code(err, "D3130", b.ptr);
			buf_release(&b);
			return -1;
		}
		if (!p->has_int && !strchr("MxFP", p->component ? (char)p->component : '?')) {
			struct buf b = BUF_INIT;
			struct u16v c = { &p->component, 1 };
			buf_addc(&b, '"');
			u16_to_utf8(c, &b);
			buf_addc(&b, '"');
			pic_fail_code(err, "D3133", b.ptr);
			buf_release(&b);
			return -1;
		}
	}
	return 0;
}

static unsigned mask_of(const struct comp *c, const char *parts)
{
	unsigned mask = 0;
	for (; *parts; parts++)
		mask = mask << 1 | (c[(int)*parts].defined && c[(int)*parts].truthy);
	return mask;
}

/* "shouldn't match any 0's, must match at least one 1" */
static int is_type(unsigned type, unsigned mask)
{
	return !(~type & mask) && (type & mask);
}

/* Fills what the picture left out: leading parts from now, trailing ones
 * with their first value; a gap in between is D3136. */
static int fill_defaults(struct comp *c, const char *comps, double now,
			 struct jsonata_picture_error *err)
{
	int start = 0, end = 0;
	for (; *comps; comps++) {
		struct comp *x = &c[(int)*comps];
		if (!x->defined) {
			if (start) {
				comp_set(x, strchr("MDd", *comps) ? 1 : 0);
				end = 1;
			} else {
				const char *text;
				double v = dt_fragment(now, (uint16_t)*comps, &text);
				if (text) { /* "am"/"pm": a string, never 1 */
					x->defined = x->truthy = 1;
					x->v = NAN;
				} else {
					comp_set(x, v);
				}
			}
		} else {
			start = 1;
			if (end)
				return pic_fail_code(err, "D3136", NULL);
		}
	}
	return 0;
}

#define DATE_A 161 /* YXMxWwdD: Y M D */
#define DATE_B 130 /* Y d */
#define DATE_C 84  /* X x w */
#define DATE_D 72  /* X W */
#define TIME_A 23  /* PHhmsf: H m s f */
#define TIME_B 47  /* P h m s f */

static int to_instant(struct comp *c, double now, double *out,
		      struct jsonata_picture_error *err)
{
	unsigned dm = mask_of(c, "YXMxWwdD"), tm = mask_of(c, "PHhmsf");
	int date_a = is_type(DATE_A, dm), date_b = !date_a && is_type(DATE_B, dm);
	int date_c = is_type(DATE_C, dm), date_d = !date_c && is_type(DATE_D, dm);
	int time_a = is_type(TIME_A, tm), time_b = !time_a && is_type(TIME_B, tm);
	char comps[16];
	snprintf(comps, sizeof(comps), "%s%s",
		 date_b ? "YD" : date_c ? "XxwF" : date_d ? "XWF" : "YMD",
		 time_b ? "Phmsf" : "Hmsf");
	double t_now = js_time_clip(now);
	if (fill_defaults(c, comps, t_now, err))
		return -1;
	struct comp *M = &c['M'];
	double month = M->v > 0 ? M->v - 1 : 0, day = c['D'].v;
	if (date_b) {
		double first = js_date_utc(c['Y'].v, 0, 1, 0, 0, 0, 0);
		double t = js_time_clip(first + (c['d'].v - 1) * 86400000.0);
		const char *text;
		month = dt_fragment(t, 'M', &text) - 1;
		day = dt_fragment(t, 'D', &text);
	}
	if (date_c || date_d)
		return pic_fail_code(err, "D3136", NULL);
	double hours = c['H'].v;
	if (time_b) {
		hours = c['h'].v == 12 ? 0 : c['h'].v;
		if (c['P'].v == 1)
			hours += 12;
	}
	double ms = js_date_utc(c['Y'].v, month, day, hours, c['m'].v, c['s'].v, c['f'].v);
	struct comp *z = c['Z'].defined && c['Z'].truthy ? &c['Z'] : &c['z'];
	if (z->defined && z->truthy)
		ms -= z->v * 60 * 1000;
	*out = ms;
	return 0;
}

static int parse_picture(struct u16v text, struct u16v picture, double now,
			 double *out, int *undefined, struct jsonata_picture_error *err)
{
	struct dt_picture pic;
	int rc = dt_analyse(&pic, picture, err);
	if (!rc)
		rc = check_parts(&pic, err);
	size_t width = text.len + 1;
	if (!rc && (text.len > PARSE_MAX_TEXT || pic.nr + 1 > PARSE_MAX_STATES / width))
		rc = pic_fail(err, PIC_CODE_RANGE, "timestamp or picture too long to read");
	if (rc) {
		dt_release(&pic);
		return rc;
	}
	struct matcher m = { &pic, text, NULL, NULL, NULL, NULL, width };
	m.cap_start = xcalloc(pic.nr + 1, sizeof(size_t));
	m.cap_end = xcalloc(pic.nr + 1, sizeof(size_t));
	m.failed = xcalloc((pic.nr + 1) * width / 8 + 1, 1);
	m.words_failed = xcalloc((pic.nr + 1) * width / 8 + 1, 1);
	*undefined = 1;
	if (match_from(&m, 0, 0)) {
		struct comp c[NR_COMPS];
		memset(c, 0, sizeof(c));
		int any = 0;
		for (size_t i = 0; !rc && i < pic.nr; i++) {
			const struct dt_part *p = &pic.parts[i];
			if (!p->is_marker || p->component >= NR_COMPS)
				continue;
			any = 1;
			rc = read_part(p, u16_sub(text, m.cap_start[i], m.cap_end[i]),
				       &c[p->component], err);
		}
		if (!rc && any) {
			*undefined = 0;
			rc = to_instant(c, now, out, err);
		}
	}
	free(m.cap_start);
	free(m.cap_end);
	free(m.failed);
	free(m.words_failed);
	dt_release(&pic);
	return rc;
}

int jsonata_picture_to_millis(const char *timestamp, const char *picture,
			      double now_millis, double *out, int *undefined,
			      struct jsonata_picture_error *err)
{
	*undefined = 0;
	struct u16 t, p;
	u16_init(&t);
	u16_init(&p);
	u16_adds(&t, timestamp);
	int rc = 0;
	if (!picture) {
		if (iso_matches(u16_view(&t))) {
			*out = iso_parse(u16_view(&t));
		} else {
			struct buf b = BUF_INIT;
			buf_addc(&b, '"');
			buf_adds(&b, timestamp);
			buf_addc(&b, '"');
			rc = pic_fail_code(err, "D3110", b.ptr);
			buf_release(&b);
		}
	} else {
		u16_adds(&p, picture);
		rc = parse_picture(u16_view(&t), u16_view(&p), now_millis, out, undefined, err);
	}
	u16_release(&t);
	u16_release(&p);
	return rc;
}
