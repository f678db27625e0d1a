/* jsonata_picture_read.c - integers read back from text: $parseInteger, and
 * the readers $toMillis uses for each integer marker.  Like jsonata-js they
 * do not validate: unknown words or numerals give NaN, a decimal reads as
 * parseInt does (leading digits), letters count whatever characters they
 * see.  Not here: matching a whole timestamp (jsonata_picture_parse.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_picture_impl.h"
#include "xalloc.h"
#include "banned.h"

/* ---- words ----------------------------------------------------------------- */

/* Every word wordsToNumber knows, lower case, with its value. */
static const struct {
	const char *word;
	double value;
} word_values[] = {
	{ "zero", 0 }, { "one", 1 }, { "two", 2 }, { "three", 3 }, { "four", 4 },
	{ "five", 5 }, { "six", 6 }, { "seven", 7 }, { "eight", 8 }, { "nine", 9 },
	{ "ten", 10 }, { "eleven", 11 }, { "twelve", 12 }, { "thirteen", 13 },
	{ "fourteen", 14 }, { "fifteen", 15 }, { "sixteen", 16 },
	{ "seventeen", 17 }, { "eighteen", 18 }, { "nineteen", 19 },
	{ "zeroth", 0 }, { "first", 1 }, { "second", 2 }, { "third", 3 },
	{ "fourth", 4 }, { "fifth", 5 }, { "sixth", 6 }, { "seventh", 7 },
	{ "eighth", 8 }, { "ninth", 9 }, { "tenth", 10 }, { "eleventh", 11 },
	{ "twelfth", 12 }, { "thirteenth", 13 }, { "fourteenth", 14 },
	{ "fifteenth", 15 }, { "sixteenth", 16 }, { "seventeenth", 17 },
	{ "eighteenth", 18 }, { "nineteenth", 19 },
	{ "twenty", 20 }, { "twentieth", 20 }, { "thirty", 30 }, { "thirtieth", 30 },
	{ "forty", 40 }, { "fortieth", 40 }, { "fifty", 50 }, { "fiftieth", 50 },
	{ "sixty", 60 }, { "sixtieth", 60 }, { "seventy", 70 }, { "seventieth", 70 },
	{ "eighty", 80 }, { "eightieth", 80 }, { "ninety", 90 }, { "ninetieth", 90 },
	{ "hundred", 100 }, { "hundreieth", 100 }, { "hundredth", 100 },
	{ "thousand", 1e3 }, { "thousandth", 1e3 }, { "million", 1e6 },
	{ "millionth", 1e6 }, { "billion", 1e9 }, { "billionth", 1e9 },
	{ "trillion", 1e12 }, { "trillionth", 1e12 },
};
#define NR_WORDS (sizeof(word_values) / sizeof(*word_values))

const char *int_word_alternative(size_t i)
{
	return i < NR_WORDS ? word_values[i].word : i == NR_WORDS ? "and" : NULL;
}

static int unit_is(struct u16v s, size_t at, const char *w)
{
	size_t n = strlen(w);
	if (at + n > s.len)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s.v[at + i] != (unsigned char)w[i])
			return 0;
	return 1;
}

static double word_value(struct u16v part)
{
	for (size_t i = 0; i < NR_WORDS; i++)
		if (part.len == strlen(word_values[i].word) && unit_is(part, 0, word_values[i].word))
			return word_values[i].value;
	return NAN; /* undefined: it turns the sum into NaN */
}

/* The length of the separator text.split(/,\s|\sand\s|[\s\\-]/) finds at i,
 * or 0. */
static size_t word_separator(struct u16v s, size_t i)
{
	if (s.v[i] == ',' && i + 1 < s.len && u16_is_space(s.v[i + 1]))
		return 2;
	if (u16_is_space(s.v[i]) && i + 4 < s.len && unit_is(s, i + 1, "and") &&
	    u16_is_space(s.v[i + 4]))
		return 5;
	if (u16_is_space(s.v[i]) || s.v[i] == '\\' || s.v[i] == '-')
		return 1;
	return 0;
}

double int_words_value(struct u16v text)
{
	double *segs = xmalloc(size_mul(text.len + 2, sizeof(*segs)));
	size_t nr = 0;
	segs[nr++] = 0;
	size_t start = 0, i = 0;
	for (;;) {
		size_t sep = i < text.len ? word_separator(text, i) : 0;
		if (i < text.len && !sep) {
			i++;
			continue;
		}
		double value = word_value(u16_sub(text, start, i));
		if (value < 100) {
			double top = segs[--nr];
			if (top >= 1000) {
				segs[nr++] = top;
				top = 0;
			}
			segs[nr++] = top + value;
		} else {
			segs[nr - 1] = segs[nr - 1] * value; /* NaN stays NaN */
		}
		if (i >= text.len)
			break;
		i += sep;
		start = i;
	}
	double sum = 0;
	for (size_t k = 0; k < nr; k++)
		sum += segs[k];
	free(segs);
	return sum;
}

/* ---- numerals and letters ------------------------------------------------- */

static double roman_digit(uint16_t c)
{
	switch (c) {
	case 'M': return 1000;
	case 'D': return 500;
	case 'C': return 100;
	case 'L': return 50;
	case 'X': return 10;
	case 'V': return 5;
	case 'I': return 1;
	default: return NAN;
	}
}

double int_roman_value(struct u16v text)
{
	double decimal = 0, max = 1;
	for (size_t i = text.len; i-- > 0;) {
		double value = roman_digit(text.v[i]);
		if (value < max) {
			decimal -= value;
		} else {
			max = value;
			decimal += value;
		}
	}
	return decimal;
}

double int_letters_value(struct u16v text, uint16_t a)
{
	double decimal = 0;
	for (size_t i = 0; i < text.len; i++)
		decimal += ((double)text.v[text.len - i - 1] - a + 1) * pow(26, (double)i);
	return decimal;
}

/* ---- decimals -------------------------------------------------------------- */

static void remove_all(struct u16 *s, uint32_t cp)
{
	struct u16 sep;
	u16_init(&sep);
	u16_addcp(&sep, cp);
	size_t w = 0;
	for (size_t i = 0; i < s->len;) {
		if (i + sep.len <= s->len &&
		    u16_eq(u16_sub(u16_view(s), i, i + sep.len), u16_view(&sep))) {
			i += sep.len;
			continue;
		}
		s->v[w++] = s->v[i++];
	}
	s->len = w;
	u16_release(&sep);
}

int int_decimal_value(const struct int_format *f, struct u16v text, double *out)
{
	struct u16 d;
	u16_init(&d);
	if (f->ordinal)
		text = u16_sub(text, 0, text.len >= 2 ? text.len - 2 : 0);
	u16_addv(&d, text);
	if (f->regular) {
		remove_all(&d, ','); /* jsonata-js strips commas, whatever the separator */
	} else {
		for (size_t i = 0; i < f->nr_seps; i++)
			remove_all(&d, f->seps[i].cp);
	}
	if (f->zero != 0x30) {
		for (size_t i = 0; i < d.len; i++) {
			long cp = (long)d.v[i] - (long)f->zero + 0x30;
			if (cp < 0) { /* String.fromCodePoint throws a RangeError */
				u16_release(&d);
				return -1;
			}
			d.v[i] = (uint16_t)(cp > 0xFFFF ? 0xFFFD : cp);
		}
	}
	*out = js_parse_int(u16_view(&d));
	u16_release(&d);
	return 0;
}

/* ---- $parseInteger --------------------------------------------------------- */

static void roman_upper(struct u16 *s)
{
	u16_ascii_case(s, 1);
	for (size_t i = 0; i < s->len; i++)
		if (s->v[i] == 0x131) /* dotless i: JavaScript uppercases it to I */
			s->v[i] = 'I';
}

static int parse_with(const struct int_format *f, struct u16v text, double *out,
		      struct jsonata_picture_error *err)
{
	struct u16 t;
	u16_init(&t);
	u16_addv(&t, text);
	switch (f->primary) {
	case INT_LETTERS:
		*out = int_letters_value(text, f->tcase == CASE_UPPER ? 'A' : 'a');
		break;
	case INT_ROMAN:
		if (f->tcase != CASE_UPPER)
			roman_upper(&t);
		*out = int_roman_value(u16_view(&t));
		break;
	case INT_WORDS:
		u16_ascii_case(&t, 0);
		*out = int_words_value(u16_view(&t));
		break;
	case INT_DECIMAL:
		if (int_decimal_value(f, text, out)) {
			u16_release(&t);
			return pic_fail(err, PIC_CODE_RANGE, "Invalid code point");
		}
		break;
	case INT_SEQUENCE:
		break;
	}
	u16_release(&t);
	return 0;
}

int jsonata_picture_parse_integer(const char *text, const char *picture,
				  double *out, int *undefined,
				  struct jsonata_picture_error *err)
{
	*undefined = 0;
	struct u16 pic, t;
	u16_init(&pic);
	u16_init(&t);
	u16_adds(&pic, picture);
	u16_adds(&t, text);
	struct int_format f;
	int rc = int_format_analyse(&f, u16_view(&pic), err);
	if (!rc && f.primary == INT_SEQUENCE) {
		struct buf b = BUF_INIT;
		buf_addc(&b, '"');
		u16_to_utf8(u16_view(&f.token), &b);
		buf_addc(&b, '"');
		rc = pic_fail_code(err, "D3130", b.ptr);
		buf_release(&b);
	}
	if (!rc)
		rc = parse_with(&f, u16_view(&t), out, err);
	int_format_release(&f);
	u16_release(&pic);
	u16_release(&t);
	return rc;
}
