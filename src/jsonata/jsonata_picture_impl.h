/* jsonata_picture_impl.h - what the jsonata_picture_*.c files share:
 * JavaScript strings (UTF-16 code units, because jsonata-js indexes, slices
 * and compares pictures by code unit and its results depend on it), the
 * JavaScript number primitives the functions are built on (toString,
 * toFixed, toPrecision, parseInt, Math.round, $round, Date.UTC), the integer
 * picture that $formatInteger and the date markers share, and errors.
 * Not here: the public API (jsonata_picture.h). */
#ifndef STEPBOOK_JSONATA_PICTURE_IMPL_H
#define STEPBOOK_JSONATA_PICTURE_IMPL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "jsonata_picture.h"

/* ---- JavaScript strings ---------------------------------------------------- */

/* A growable UTF-16 string; embedded by value, u16_init/u16_release. */
struct u16 {
	uint16_t *v;
	size_t len, cap;
};
/* A borrowed slice of one. */
struct u16v {
	const uint16_t *v;
	size_t len;
};

#define U16_NPOS ((size_t)-1)

void u16_init(struct u16 *s);
void u16_release(struct u16 *s);
void u16_reset(struct u16 *s);
void u16_addv(struct u16 *s, struct u16v v);
void u16_addc(struct u16 *s, uint16_t c);
/* Appends code point cp (a surrogate pair above U+FFFF). */
void u16_addcp(struct u16 *s, uint32_t cp);
void u16_adds(struct u16 *s, const char *utf8);
/* Appends utf8[0..len) decoded; bytes that are not UTF-8 become U+FFFD. */
void u16_addn(struct u16 *s, const char *utf8, size_t len);
/* Inserts v at code unit index at (<= s->len). */
void u16_insert(struct u16 *s, size_t at, struct u16v v);
/* Appends s as UTF-8; an unpaired surrogate becomes U+FFFD. */
void u16_to_utf8(struct u16v s, struct buf *out);

struct u16v u16_view(const struct u16 *s);
/* String.prototype.substring with in-range indexes (from <= to <= len). */
struct u16v u16_sub(struct u16v s, size_t from, size_t to);
/* String.prototype.substr(start, length) and slice(start, end) with their
 * negative-index rules. */
struct u16v u16_substr(struct u16v s, double start, double length);
struct u16v u16_slice(struct u16v s, double start, double end);
int u16_eq(struct u16v a, struct u16v b);
/* indexOf / lastIndexOf from a position; U16_NPOS when absent. */
size_t u16_index_of(struct u16v s, struct u16v needle, size_t from);
size_t u16_last_index_of(struct u16v s, struct u16v needle);
/* The code point at *i (a pair counts as one), advancing *i. */
uint32_t u16_next_cp(struct u16v s, size_t *i);
/* Whether unit c is in JavaScript's \s. */
int u16_is_space(uint32_t c);
/* toUpperCase/toLowerCase for the ASCII letters our words and names use. */
void u16_ascii_case(struct u16 *s, int upper);

/* ---- errors ---------------------------------------------------------------- */

#define PIC_CODE_RANGE JSONATA_PICTURE_JS_ERROR

/* Fills err with code and a printf-style message; returns -1. */
int pic_fail(struct jsonata_picture_error *err, const char *code,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The message of a JSONata code (its {{value}} already in place). */
int pic_fail_code(struct jsonata_picture_error *err, const char *code,
		  const char *value);

/* ---- JavaScript numbers ---------------------------------------------------- */

/* The longest text these produce for a finite double: toFixed(100) of
 * 1e21 - 1 plus sign and point, with room to spare. */
#define JS_NUM_MAX 1200

/* Number.prototype.toString() into s (NUL-terminated, < JS_NUM_MAX). */
void js_number_text(double v, char *s, size_t size);
void js_number_u16(double v, struct u16 *out);
/* Number.prototype.toFixed(digits), digits 0..100. */
void js_to_fixed(double v, int digits, struct buf *out);
/* Number.prototype.toString(radix), radix 2..36. */
void js_to_radix(double v, int radix, struct buf *out);
/* parseInt(s) for radix 10 on a UTF-16 string: NaN when no digits. */
double js_parse_int(struct u16v s);
/* Math.round, and JSONata's $round(v, precision) (half to even). */
double js_math_round(double v);
double js_jsonata_round(double v, int precision);
/* The integral value a JavaScript Date keeps of t (TimeClip): NaN outside
 * +-8.64e15 ms. */
double js_time_clip(double t);
/* Date.UTC(y, m, d, h, mi, s, ms) with JavaScript's rules: years 0..99 are
 * 19xx, fields overflow into the next, NaN when any is NaN. */
double js_date_utc(double y, double m, double d, double h, double mi,
		   double s, double ms);
/* The same without the 19xx rule (what Date.parse uses). */
double js_make_date(double y, double m, double d, double h, double mi,
		    double s, double ms);
/* The UTC calendar fields of a time value t (already clipped, finite). */
struct js_date {
	double year, month, day, weekday, hours, minutes, seconds, millis;
};
void js_date_fields(double t, struct js_date *f);

/* ---- integer pictures ------------------------------------------------------ */

enum int_primary { INT_DECIMAL, INT_LETTERS, INT_ROMAN, INT_WORDS, INT_SEQUENCE };
enum int_case { CASE_LOWER, CASE_UPPER, CASE_TITLE };

struct int_sep {
	double position; /* digits to its right */
	uint32_t cp;
};

/* analyseIntegerPicture's result.  mandatory is a double because a date
 * width may set it to NaN or a negative number, as in jsonata-js. */
struct int_format {
	enum int_primary primary;
	enum int_case tcase;
	int ordinal;
	uint32_t zero;       /* zero of the digit family */
	double mandatory, optional;
	int regular;         /* 1: one separator every seps[0].position */
	struct int_sep *seps;
	size_t nr_seps, alloc_seps;
	double parse_n;      /* Y, M, D: digits read back (n of the marker) */
	struct u16 token;    /* the picture, for D3130 */
};

void int_format_release(struct int_format *f);
/* Fills f from picture (both UTF-16); -1 with D3131 in err. */
int int_format_analyse(struct int_format *f, struct u16v picture,
		       struct jsonata_picture_error *err);
/* _formatInteger: appends value (already floored) in format f. */
int int_format_value(double value, const struct int_format *f, struct u16 *out,
		     struct jsonata_picture_error *err);
/* English words of value (a non-negative integer), as numberToWords. */
int int_words(double value, int ordinal, struct u16 *out,
	      struct jsonata_picture_error *err);
/* The readers $parseInteger and $toMillis share. */
double int_words_value(struct u16v text);
double int_roman_value(struct u16v text);
double int_letters_value(struct u16v text, uint16_t a);
/* -1 where jsonata-js throws a RangeError (a digit family offset that
 * leaves Unicode). */
int int_decimal_value(const struct int_format *f, struct u16v text, double *out);

/* The words the words regex of $toMillis alternates, in jsonata-js's order
 * (Object.keys(wordValues), then "and"); NULL past the end. */
const char *int_word_alternative(size_t i);

/* ---- date/time pictures ---------------------------------------------------- */

/* One literal or [marker] of a date/time picture (analyseDateTimePicture). */
struct dt_part {
	int is_marker;
	struct u16 literal;
	uint16_t component;      /* charAt(0); 0 for an empty marker */
	struct u16 pres1;        /* first presentation modifier */
	uint16_t pres2;          /* 'a', 't', 'c', 'o' or 0 */
	int has_width, min_set, max_set;
	double min, max;         /* parseInt results: NaN for junk */
	enum int_case names;
	int has_names;
	int has_int;
	struct int_format fmt;
	double n;                /* Y: digits kept, -1 for all */
};

struct dt_picture {
	struct dt_part *parts;
	size_t nr, alloc;
};

/* Fills p from picture; -1 with D3131, D3132 or D3135. */
int dt_analyse(struct dt_picture *p, struct u16v picture,
	       struct jsonata_picture_error *err);
void dt_release(struct dt_picture *p);

/* getDateTimeFragment: the value of component at time value t (NaN for
 * an invalid date).  'P' sets *text to "am"/"pm", 'C' and 'E' to "ISO";
 * components without a value set *text to "undefined". */
double dt_fragment(double t, uint16_t component, const char **text);

#endif
