/* jsonata_picture.h - JSONata 2.0.6's picture-string and number/date text
 * functions as pure C on plain C values: $formatNumber, $formatInteger,
 * $parseInteger, $formatBase, $fromMillis, $toMillis, and the two ways
 * jsonata-js writes a number as text (Number.prototype.toString() and the
 * $string() rule).  Results are byte-exact to jsonata-js 2.0.6 running under
 * Node with TZ=UTC; the known differences are listed at the end.
 *
 * Contract shared by every function here:
 *   - strings in and out are UTF-8; output is appended to a struct buf the
 *     caller owns (nothing is appended when a function fails);
 *   - a function returns 0, or -1 after filling *err with jsonata-js's error
 *     code ("D3080") and its message with the value substituted;
 *   - where jsonata-js returns undefined, the function returns 0 and sets
 *     *undefined to 1 (0 otherwise);
 *   - "undefined argument => undefined result" (e.g. $fromMillis(nothing))
 *     is the caller's job: these functions only see present values;
 *   - where jsonata-js fails with a JavaScript exception instead of a
 *     JSONata error, or never returns, the code is JSONATA_PICTURE_JS_ERROR;
 *   - nothing reads the clock, the locale or TZ: time comes in as epoch
 *     milliseconds, "now" as an argument;
 *   - output is bounded by the input: widths are capped (below), every loop
 *     and recursion has a named limit.
 * Not here: argument signatures and type errors (T0410...), evaluation, the
 * $round/$string dispatch on non-numbers - that is the language core's. */
#ifndef STEPBOOK_JSONATA_PICTURE_H
#define STEPBOOK_JSONATA_PICTURE_H

#include "buf.h"

/* "D3080" and its terminator. */
#define JSONATA_PICTURE_CODE_LEN 6
/* Messages hold the picture or value they are about, cut to fit. */
#define JSONATA_PICTURE_MESSAGE_LEN 256

/* The code for inputs where jsonata-js fails with a JavaScript exception
 * rather than a JSONata error (a TypeError on a picture with no digit
 * character, a RangeError from toFixed(101) or a too deep recursion), or
 * never returns (an exponent picture and a zero or negative number): the
 * message names the JavaScript failure. */
#define JSONATA_PICTURE_JS_ERROR "JSERR"

/* A failure as jsonata-js throws it: {code, message}.  The evaluator adds
 * position and token. */
struct jsonata_picture_error {
	char code[JSONATA_PICTURE_CODE_LEN];
	char message[JSONATA_PICTURE_MESSAGE_LEN];
};

/* ---- $formatNumber -------------------------------------------------------- */

/* The decimal-format properties of $formatNumber's third argument (XPath
 * "decimal format"), each a UTF-8 string borrowed for the duration of the
 * call.  jsonata-js's defaults come from jsonata_picture_number_options_init:
 * "." "," "e" "%" "‰" "0" "#" ";" "Infinity" "NaN" "-". */
struct jsonata_picture_number_options {
	const char *decimal_separator;  /* "decimal-separator" */
	const char *grouping_separator; /* "grouping-separator" */
	const char *exponent_separator; /* "exponent-separator" */
	const char *percent;            /* "percent" */
	const char *per_mille;          /* "per-mille" */
	const char *zero_digit;         /* "zero-digit": its first code point */
	const char *digit;              /* "digit" */
	const char *pattern_separator;  /* "pattern-separator" */
	const char *infinity;           /* "infinity" */
	const char *nan;                /* "NaN" */
	const char *minus_sign;         /* "minus-sign" */
};

/* Fills o with jsonata-js's defaults (static strings). */
void jsonata_picture_number_options_init(struct jsonata_picture_number_options *o);
/* Sets the property named as in JSONata ("per-mille", "zero-digit"...) to
 * value, which o borrows.  Returns 0, or -1 for a name jsonata-js does not
 * know (jsonata-js ignores such keys: so may the caller). */
int jsonata_picture_number_option_set(struct jsonata_picture_number_options *o,
				      const char *name, const char *value);

/* $formatNumber(value, picture, options): appends value formatted by the
 * XPath 3.0 format-number picture.  opts NULL means the defaults.  Errors
 * D3080-D3093 for a bad picture.  Borrows everything. */
int jsonata_picture_format_number(double value, const char *picture,
				  const struct jsonata_picture_number_options *opts,
				  struct buf *out, struct jsonata_picture_error *err);

/* ---- $formatInteger / $parseInteger -------------------------------------- */

/* $formatInteger(value, picture): XPath format-integer - decimal digit
 * patterns in any Unicode zero-digit family with grouping, "a"/"A", "i"/"I",
 * "w"/"W"/"Ww" (English words) and the ";o" ordinal modifier.  The value is
 * floored first (-3.5 is -4), as jsonata-js does.  Errors D3130, D3131.
 * Borrows everything. */
int jsonata_picture_format_integer(double value, const char *picture,
				   struct buf *out, struct jsonata_picture_error *err);

/* $parseInteger(text, picture): the inverse.  Sets *out; like jsonata-js it
 * does not validate: unknown words or numerals give NaN, a decimal reads as
 * parseInt() does.  *undefined is always 0 (jsonata-js returns undefined
 * only for an undefined text, which is the caller's).  Errors as for
 * format_integer.  Borrows everything. */
int jsonata_picture_parse_integer(const char *text, const char *picture,
				  double *out, int *undefined,
				  struct jsonata_picture_error *err);

/* ---- $formatBase ----------------------------------------------------------- */

/* The radix $formatBase uses when its second argument is absent. */
#define JSONATA_PICTURE_DEFAULT_RADIX 10.0

/* $formatBase(value, radix): value and radix rounded half-to-even as
 * jsonata's $round, then written as Number.prototype.toString(radix) does.
 * Error D3100 for a radix outside 2..36. */
int jsonata_picture_format_base(double value, double radix, struct buf *out,
				struct jsonata_picture_error *err);

/* ---- $fromMillis / $toMillis --------------------------------------------- */

/* $fromMillis(millis, picture, timezone): appends the instant as XPath
 * format-dateTime writes it.  picture NULL is ISO 8601
 * ("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"); timezone NULL
 * is UTC, else "±HHMM" as jsonata-js reads it.  Errors D3132-D3135 for a bad
 * picture.  Borrows everything. */
int jsonata_picture_from_millis(double millis, const char *picture,
				const char *timezone, struct buf *out,
				struct jsonata_picture_error *err);

/* $toMillis(timestamp, picture): the epoch milliseconds of timestamp.
 * picture NULL: ISO 8601 as jsonata-js accepts it (error D3110 otherwise).
 * With a picture: the XPath picture read back; components the picture leaves
 * out are taken from now_millis (the evaluation's $millis()) as jsonata-js
 * takes them from the current date.  *undefined = 1 where jsonata-js
 * returns undefined (text that does not match the picture, or a picture
 * without markers).  *out may be NaN (a timestamp jsonata-js reads as an
 * invalid date).  Errors D3110, D3130-D3136.  Borrows everything. */
int jsonata_picture_to_millis(const char *timestamp, const char *picture,
			      double now_millis, double *out, int *undefined,
			      struct jsonata_picture_error *err);

/* ---- numbers as JavaScript writes them ----------------------------------- */

/* Appends Number.prototype.toString() of v: the shortest digits that read
 * back to v, plain between 1e-7 and 1e21, else "1.5e+21" / "1e-7";
 * "NaN", "Infinity", "-Infinity"; -0 is "0". */
void jsonata_picture_js_number(double v, struct buf *out);

/* Appends a number as $string() and JSONata's string coercion write it:
 * Number(v.toPrecision(15)) then toString(), so 22/7 is "3.14285714285714"
 * and 0.1+0.2 is "0.3"; the largest doubles round past the largest double
 * and are written "null", as JSON.stringify writes that Infinity.  For
 * Infinity/NaN $string raises D3001 before getting here (this writes
 * "Infinity"/"NaN" regardless). */
void jsonata_picture_string_number(double v, struct buf *out);

/* Appends v.toPrecision(precision) (1..100) as JavaScript writes it: exact
 * decimal rounding, ties away from zero, exponent form when the exponent is
 * < -6 or >= precision. */
void jsonata_picture_to_precision(double v, int precision, struct buf *out);

/* Known differences from jsonata-js (see jsonata_picture_*.c for why):
 *   - $toMillis without a picture reads an ISO timestamp with no offset as
 *     UTC; Date.parse reads a date-time without offset as local time (the
 *     same under TZ=UTC).  Strings its pattern allows but no ECMAScript
 *     date form covers ("2018-01-02-03") read as NaN.
 *   - the zero padding that a width in a date picture ("[Y,5000]") or an
 *     integer picture asks for is capped at JSONATA_PICTURE_MAX_WIDTH
 *     characters, where JavaScript would pad on.
 *   - $toMillis with a picture reads timestamps of at most 4096 UTF-16
 *     units, and pictures of at most 64 Mi parts x positions
 *     (JSONATA_PICTURE_JS_ERROR beyond).
 *   - reading with a picture, its literal text matches case-insensitively
 *     for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic letters;
 *     other cased letters (e.g. Latin Extended-B) must match exactly.
 *   - jsonata-js builds the separator of a [Z01:01] marker into its
 *     regular expression unescaped; we follow '.', '^', '$' and the
 *     characters that make it invalid, but report '|' and '\\' as
 *     JSONATA_PICTURE_JS_ERROR where JavaScript would alternate or escape. */
#define JSONATA_PICTURE_MAX_WIDTH 1000

#endif
