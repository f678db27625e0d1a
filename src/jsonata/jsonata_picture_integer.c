/* jsonata_picture_integer.c - $formatInteger and $parseInteger: XPath
 * format-integer pictures as jsonata-js 2.0.6 reads them (decimal digit
 * patterns in 37 Unicode digit families with grouping, a/A letters, i/I
 * Roman numerals, w/W/Ww English words, ;o ordinals), and the readers that
 * turn such text back into numbers.  The date/time markers of
 * jsonata_picture_date.c use the same analysed pictures.
 * jsonata-js does arithmetic on doubles and builds strings in UTF-16; so do
 * we, so that even its odd results (1e21 formats as "1e+21") are the same. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_picture_impl.h"
#include "xalloc.h"
#include "banned.h"

/* Roman numerals are written one numeral per recursive call in jsonata-js;
 * a value this large (ten thousand M's) overflows JavaScript's stack. */
#define ROMAN_MAX 1e7

/* The zero of every decimal digit family jsonata-js recognises. */
static const uint32_t decimal_groups[] = {
	0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66,
	0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040,
	0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0,
	0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
	0xFF10,
};

static uint32_t digit_family(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(decimal_groups) / sizeof(*decimal_groups); i++)
		if (cp >= decimal_groups[i] && cp <= decimal_groups[i] + 9)
			return decimal_groups[i];
	return 0;
}

void int_format_release(struct int_format *f)
{
	free(f->seps);
	u16_release(&f->token);
	memset(f, 0, sizeof(*f));
}

static int is_ascii(struct u16v s, const char *a)
{
	size_t n = strlen(a);
	if (s.len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s.v[i] != (unsigned char)a[i])
			return 0;
	return 1;
}

static double gcd(double a, double b)
{
	while (b != 0) {
		double t = fmod(a, b);
		a = b;
		b = t;
	}
	return a;
}

/* regularRepeat: the interval when all separators are one character at
 * equal intervals from the right, else 0. */
static double regular_interval(const struct int_format *f)
{
	if (!f->nr_seps)
		return 0;
	for (size_t i = 1; i < f->nr_seps; i++)
		if (f->seps[i].cp != f->seps[0].cp)
			return 0;
	double factor = f->seps[0].position;
	for (size_t i = 1; i < f->nr_seps; i++)
		factor = gcd(factor, f->seps[i].position);
	for (size_t k = 1; k <= f->nr_seps; k++) {
		size_t j = 0;
		while (j < f->nr_seps && f->seps[j].position != (double)k * factor)
			j++;
		if (j == f->nr_seps)
			return 0;
	}
	return factor;
}

/* The decimal-digit-pattern branch: reads the picture right to left. */
static int analyse_digits(struct int_format *f, struct u16v primary,
			  struct jsonata_picture_error *err)
{
	uint32_t *cps = xmalloc(size_mul(primary.len + 1, sizeof(*cps)));
	size_t n = 0, i = 0;
	while (i < primary.len)
		cps[n++] = u16_next_cp(primary, &i);
	double position = 0;
	while (n-- > 0) {
		uint32_t family = digit_family(cps[n]);
		if (family) {
			f->mandatory++;
			position++;
			if (!f->zero) {
				f->zero = family;
			} else if (family != f->zero) {
				free(cps);
				return pic_fail_code(err, "D3131", NULL);
			}
		} else if (cps[n] == '#') {
			position++;
			f->optional++;
		} else {
			ARRAY_GROW(f->seps, f->nr_seps + 1, f->alloc_seps);
			f->seps[f->nr_seps].position = position;
			f->seps[f->nr_seps++].cp = cps[n];
		}
	}
	free(cps);
	if (f->mandatory > 0) {
		double interval = regular_interval(f);
		if (interval > 0) {
			f->regular = 1;
			f->seps[0].position = interval;
		}
	} else {
		f->primary = INT_SEQUENCE;
		f->mandatory = f->optional = NAN; /* undefined, as above */
		u16_addv(&f->token, primary);
	}
	return 0;
}

int int_format_analyse(struct int_format *f, struct u16v picture,
		       struct jsonata_picture_error *err)
{
	memset(f, 0, sizeof(*f));
	static const uint16_t semi[] = { ';' };
	struct u16v semicolon = { semi, 1 };
	size_t at = u16_last_index_of(picture, semicolon);
	struct u16v primary = picture;
	if (at != U16_NPOS) {
		primary = u16_sub(picture, 0, at);
		f->ordinal = at + 1 < picture.len && picture.v[at + 1] == 'o';
	}
	f->primary = INT_DECIMAL;
	f->tcase = CASE_LOWER;
	if (is_ascii(primary, "A") || is_ascii(primary, "I") || is_ascii(primary, "W"))
		f->tcase = CASE_UPPER;
	if (is_ascii(primary, "Ww"))
		f->tcase = CASE_TITLE;
	if (is_ascii(primary, "A") || is_ascii(primary, "a"))
		f->primary = INT_LETTERS;
	else if (is_ascii(primary, "I") || is_ascii(primary, "i"))
		f->primary = INT_ROMAN;
	else if (is_ascii(primary, "W") || is_ascii(primary, "Ww") || is_ascii(primary, "w"))
		f->primary = INT_WORDS;
	else
		return analyse_digits(f, primary, err);
	/* jsonata-js leaves the digit counts undefined: NaN in arithmetic */
	f->mandatory = f->optional = NAN;
	return 0;
}

/* ---- formatting ------------------------------------------------------------ */

static void letters(double value, uint16_t a, struct u16 *out)
{
	struct u16 rev;
	u16_init(&rev);
	while (value > 0) {
		u16_addc(&rev, (uint16_t)(fmod(value - 1, 26) + a));
		value = floor((value - 1) / 26);
	}
	for (size_t i = rev.len; i-- > 0;)
		u16_addc(out, rev.v[i]);
	u16_release(&rev);
}

static const struct {
	double value;
	const char *numeral;
} roman_numerals[] = {
	{ 1000, "m" }, { 900, "cm" }, { 500, "d" }, { 400, "cd" }, { 100, "c" },
	{ 90, "xc" }, { 50, "l" }, { 40, "xl" }, { 10, "x" }, { 9, "ix" },
	{ 5, "v" }, { 4, "iv" }, { 1, "i" },
};

static int roman(double value, struct u16 *out, struct jsonata_picture_error *err)
{
	if (value >= ROMAN_MAX)
		return pic_fail(err, PIC_CODE_RANGE, "Maximum call stack size exceeded");
	for (size_t i = 0; i < sizeof(roman_numerals) / sizeof(*roman_numerals);) {
		if (value >= roman_numerals[i].value) {
			u16_adds(out, roman_numerals[i].numeral);
			value -= roman_numerals[i].value;
		} else {
			i++;
		}
	}
	return 0;
}

/* Inserts separator cp into s at JavaScript's substr(0, pos) + sep +
 * substr(pos), negative positions counting from the end. */
static void insert_sep(struct u16 *s, double pos, uint32_t cp)
{
	struct u16 sep, r;
	u16_init(&sep);
	u16_init(&r);
	u16_addcp(&sep, cp);
	struct u16v all = u16_view(s);
	u16_addv(&r, u16_substr(all, 0, pos));
	u16_addv(&r, u16_view(&sep));
	u16_addv(&r, u16_substr(all, pos, (double)all.len));
	u16_release(s);
	u16_release(&sep);
	*s = r;
}

static void decimal(double value, const struct int_format *f, struct u16 *out)
{
	struct u16 s;
	u16_init(&s);
	js_number_u16(value, &s);
	double pad = f->mandatory - (double)s.len;
	if (pad > JSONATA_PICTURE_MAX_WIDTH)
		pad = JSONATA_PICTURE_MAX_WIDTH;
	if (pad > 0) {
		struct u16 p;
		u16_init(&p);
		for (int i = 0; i < (int)pad; i++)
			u16_addc(&p, '0');
		u16_insert(&s, 0, u16_view(&p));
		u16_release(&p);
	}
	if (f->zero != 0x30) {
		struct u16 m;
		u16_init(&m);
		size_t i = 0;
		while (i < s.len)
			u16_addcp(&m, u16_next_cp(u16_view(&s), &i) + f->zero - 0x30);
		u16_release(&s);
		s = m;
	}
	if (f->regular) {
		double every = f->seps[0].position;
		double n = floor(((double)s.len - 1) / every);
		for (double k = n; k > 0; k--)
			insert_sep(&s, (double)s.len - k * every, f->seps[0].cp);
	} else {
		for (size_t i = f->nr_seps; i-- > 0;)
			insert_sep(&s, (double)s.len - f->seps[i].position, f->seps[i].cp);
	}
	if (f->ordinal) {
		uint16_t last = s.len ? s.v[s.len - 1] : 0;
		const char *suffix = last == '1' ? "st" : last == '2' ? "nd" : last == '3' ? "rd" : "th";
		if (s.len > 1 && s.v[s.len - 2] == '1')
			suffix = "th";
		u16_adds(&s, suffix);
	}
	u16_addv(out, u16_view(&s));
	u16_release(&s);
}

int int_format_value(double value, const struct int_format *f, struct u16 *out,
		     struct jsonata_picture_error *err)
{
	struct u16 s;
	u16_init(&s);
	int negative = value < 0;
	value = fabs(value);
	int rc = 0;
	switch (f->primary) {
	case INT_LETTERS:
		letters(value, f->tcase == CASE_UPPER ? 'A' : 'a', &s);
		break;
	case INT_ROMAN:
		rc = roman(value, &s, err);
		u16_ascii_case(&s, f->tcase == CASE_UPPER);
		break;
	case INT_WORDS:
		rc = int_words(value, f->ordinal, &s, err);
		if (f->tcase != CASE_TITLE)
			u16_ascii_case(&s, f->tcase == CASE_UPPER);
		break;
	case INT_DECIMAL:
		decimal(value, f, &s);
		break;
	case INT_SEQUENCE: {
		struct buf t = BUF_INIT;
		buf_addc(&t, '"');
		u16_to_utf8(u16_view(&f->token), &t);
		buf_addc(&t, '"');
		rc = pic_fail_code(err, "D3130", t.ptr);
		buf_release(&t);
		break;
	}
	}
	if (!rc) {
		if (negative)
			u16_addc(out, '-');
		u16_addv(out, u16_view(&s));
	}
	u16_release(&s);
	return rc;
}

/* ---- words ----------------------------------------------------------------- */

static const char *const few[] = {
	"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight",
	"Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen",
	"Sixteen", "Seventeen", "Eighteen", "Nineteen",
};
static const char *const ordinals[] = {
	"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth",
	"Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth",
	"Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
	"Eighteenth", "Nineteenth",
};
static const char *const decades[] = {
	"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty",
	"Ninety", "Hundred",
};
static const char *const magnitudes[] = { "Thousand", "Million", "Billion", "Trillion" };
#define NR_MAGNITUDES 4
/* numberToWords recurses once per magnitude word: a double has at most
 * 309 digits, so about 26 levels; NaN would recurse for ever in
 * JavaScript (a stack overflow), which this depth stands for. */
#define WORDS_MAX_DEPTH 64

static int words_lookup(double num, int prev, int ord, int depth, struct u16 *out)
{
	if (depth > WORDS_MAX_DEPTH)
		return -1;
	if (num <= 19) {
		if (prev)
			u16_adds(out, " and ");
		/* a fraction (from a year modulo 10^-n) indexes nothing */
		u16_adds(out, num != floor(num) ? "undefined" :
			 ord ? ordinals[(int)num] : few[(int)num]);
	} else if (num < 100) {
		int tens = (int)floor(num / 10), rem = (int)fmod(num, 10);
		if (prev)
			u16_adds(out, " and ");
		u16_adds(out, decades[tens - 2]);
		if (rem > 0) {
			u16_addc(out, '-');
			return words_lookup(rem, 0, ord, depth + 1, out);
		}
		if (ord) {
			out->len--;
			u16_adds(out, "ieth");
		}
	} else if (num < 1000) {
		int hundreds = (int)floor(num / 100), rem = (int)fmod(num, 100);
		if (prev)
			u16_adds(out, ", ");
		u16_adds(out, few[hundreds]);
		u16_adds(out, " Hundred");
		if (rem > 0)
			return words_lookup(rem, 1, ord, depth + 1, out);
		if (ord)
			u16_adds(out, "th");
	} else {
		double mag = floor(log10(num) / 3);
		if (mag > NR_MAGNITUDES)
			mag = NR_MAGNITUDES;
		double factor = pow(10, mag * 3);
		double mant = floor(num / factor);
		double rem = num - mant * factor;
		if (prev)
			u16_adds(out, ", ");
		if (words_lookup(mant, 0, 0, depth + 1, out))
			return -1;
		u16_addc(out, ' ');
		u16_adds(out, magnitudes[(int)mag - 1]);
		if (rem > 0)
			return words_lookup(rem, 1, ord, depth + 1, out);
		if (ord)
			u16_adds(out, "th");
	}
	return 0;
}

int int_words(double value, int ordinal, struct u16 *out,
	      struct jsonata_picture_error *err)
{
	if (isnan(value) || isinf(value) ||
	    words_lookup(value, 0, ordinal, 0, out))
		return pic_fail(err, PIC_CODE_RANGE, "Maximum call stack size exceeded");
	return 0;
}

/* ---- $formatInteger -------------------------------------------------------- */

int jsonata_picture_format_integer(double value, const char *picture,
				   struct buf *out, struct jsonata_picture_error *err)
{
	struct u16 pic, s;
	u16_init(&pic);
	u16_init(&s);
	u16_adds(&pic, picture);
	struct int_format f;
	int rc = int_format_analyse(&f, u16_view(&pic), err);
	if (!rc)
		rc = int_format_value(floor(value), &f, &s, err);
	if (!rc)
		u16_to_utf8(u16_view(&s), out);
	int_format_release(&f);
	u16_release(&pic);
	u16_release(&s);
	return rc;
}
