/* jsonata_picture_number.c - $formatNumber: XPath 3.1 format-number
 * pictures as jsonata-js 2.0.6 implements them (F&O 4.7.3 validation with
 * errors D3080-D3093, 4.7.4 analysis, 4.7.5 formatting), including its
 * particular readings: an option longer than one character never matches
 * a picture character, the decimal digit family starts at the first code
 * unit of "zero-digit", and the integer part's grouping positions are
 * found again in the fractional part.  All on UTF-16 code units, as the
 * JavaScript does.  Not here: integer pictures (jsonata_picture_integer.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_picture_impl.h"
#include "xalloc.h"
#include "banned.h"

/* Number.prototype.toFixed throws a RangeError beyond 100 digits. */
#define TO_FIXED_MAX 100
/* The exponent loops of bullet 5 scale the mantissa by 10 until it is in
 * range; a finite double needs at most ~650 steps.  Zero and negative
 * mantissas never get there: jsonata-js loops for ever on them. */
#define SCALE_MAX_STEPS 2000

enum { P_DEC, P_GROUP, P_EXP, P_PERCENT, P_PERMILLE, P_ZERO, P_DIGIT,
       P_PATSEP, P_INF, P_NAN, P_MINUS, NR_PROPS };

static const char *const prop_names[NR_PROPS] = {
	"decimal-separator", "grouping-separator", "exponent-separator",
	"percent", "per-mille", "zero-digit", "digit", "pattern-separator",
	"infinity", "NaN", "minus-sign",
};

static const char **prop_slot(struct jsonata_picture_number_options *o, int i)
{
	const char **slots[NR_PROPS] = {
		&o->decimal_separator, &o->grouping_separator, &o->exponent_separator,
		&o->percent, &o->per_mille, &o->zero_digit, &o->digit,
		&o->pattern_separator, &o->infinity, &o->nan, &o->minus_sign,
	};
	return slots[i];
}

void jsonata_picture_number_options_init(struct jsonata_picture_number_options *o)
{
	static const char *const defaults[NR_PROPS] = {
		".", ",", "e", "%", "\xE2\x80\xB0", "0", "#", ";", "Infinity", "NaN", "-",
	};
	for (int i = 0; i < NR_PROPS; i++)
		*prop_slot(o, i) = defaults[i];
}

int jsonata_picture_number_option_set(struct jsonata_picture_number_options *o,
				      const char *name, const char *value)
{
	for (int i = 0; i < NR_PROPS; i++) {
		if (!strcmp(name, prop_names[i])) {
			*prop_slot(o, i) = value;
			return 0;
		}
	}
	return -1;
}

/* The properties as JavaScript strings, and the derived character sets. */
struct numfmt {
	struct u16 prop[NR_PROPS];
	uint16_t family[10]; /* the decimal digit family */
};

struct subpic {
	struct u16v pic, prefix, suffix, active, mantissa, integer, fraction;
	struct u16v exponent;
	int has_exponent;
	int no_active; /* jsonata-js's prefix is undefined: a TypeError */
};

struct analysis {
	double *int_groups;
	size_t nr_int_groups;
	double regular;
	double *frac_groups;
	size_t nr_frac_groups;
	int min_int, scaling, min_frac, max_frac, min_exp;
	struct u16 prefix, suffix;
	struct u16v pic;
};

static struct u16v P(const struct numfmt *n, int i)
{
	return u16_view(&n->prop[i]);
}

/* Whether the one code unit c equals property i (only a one-unit property
 * can: jsonata-js compares charAt() results with the option strings). */
static int is_prop(const struct numfmt *n, int i, uint16_t c)
{
	return n->prop[i].len == 1 && n->prop[i].v[0] == c;
}

static int in_family(const struct numfmt *n, uint16_t c)
{
	return c >= n->family[0] && (uint32_t)c <= (uint32_t)n->family[0] + 9;
}

/* activeChars: the digit family and five of the properties. */
static int is_active(const struct numfmt *n, uint16_t c)
{
	return in_family(n, c) || is_prop(n, P_DEC, c) || is_prop(n, P_EXP, c) ||
	       is_prop(n, P_GROUP, c) || is_prop(n, P_DIGIT, c) || is_prop(n, P_PATSEP, c);
}

static void split_parts(const struct numfmt *n, struct u16v sp, struct subpic *p)
{
	memset(p, 0, sizeof(*p));
	p->pic = sp;
	size_t pre = sp.len, suf = sp.len; /* undefined -> TypeError below */
	for (size_t i = 0; i < sp.len; i++) {
		if (is_active(n, sp.v[i]) && !is_prop(n, P_EXP, sp.v[i])) {
			pre = i;
			break;
		}
	}
	for (size_t i = sp.len; i-- > 0;) {
		if (is_active(n, sp.v[i]) && !is_prop(n, P_EXP, sp.v[i])) {
			suf = i + 1;
			break;
		}
	}
	if (pre == sp.len) { /* no active character: the prefix is undefined */
		p->no_active = 1;
		pre = suf = 0;
	}
	p->prefix = u16_sub(sp, 0, pre);
	p->suffix = u16_sub(sp, suf, sp.len);
	p->active = u16_sub(sp, pre, suf);
	size_t ep = u16_index_of(sp, P(n, P_EXP), pre);
	if (ep == U16_NPOS || ep > sp.len - p->suffix.len) {
		p->mantissa = p->active;
	} else {
		/* jsonata-js cuts the active part at the picture's index */
		p->mantissa = u16_slice(p->active, 0, (double)ep);
		p->exponent = u16_slice(p->active, (double)ep + 1, (double)p->active.len);
		p->has_exponent = 1;
	}
	size_t dp = u16_index_of(p->mantissa, P(n, P_DEC), 0);
	if (dp == U16_NPOS) {
		p->integer = p->mantissa;
		p->fraction = p->suffix;
	} else {
		p->integer = u16_sub(p->mantissa, 0, dp);
		p->fraction = u16_sub(p->mantissa, dp + 1, p->mantissa.len);
	}
}

static size_t count_family(const struct numfmt *n, struct u16v s, int with_digit)
{
	size_t c = 0;
	for (size_t i = 0; i < s.len; i++)
		c += in_family(n, s.v[i]) || (with_digit && is_prop(n, P_DIGIT, s.v[i]));
	return c;
}

static int has(struct u16v s, struct u16v needle)
{
	return u16_index_of(s, needle, 0) != U16_NPOS;
}

static int twice(struct u16v s, struct u16v needle)
{
	return u16_index_of(s, needle, 0) != u16_last_index_of(s, needle);
}

/* F&O 4.7.3, in jsonata-js's order: the last rule broken wins. */
static const char *validate(const struct numfmt *n, const struct subpic *p)
{
	const char *error = NULL;
	struct u16v sp = p->pic;
	size_t dp = u16_index_of(sp, P(n, P_DEC), 0);
	if (dp != u16_last_index_of(sp, P(n, P_DEC)))
		error = "D3081";
	if (twice(sp, P(n, P_PERCENT)))
		error = "D3082";
	if (twice(sp, P(n, P_PERMILLE)))
		error = "D3083";
	if (has(sp, P(n, P_PERCENT)) && has(sp, P(n, P_PERMILLE)))
		error = "D3084";
	if (!count_family(n, p->mantissa, 1))
		error = "D3085";
	for (size_t i = 0; i < p->active.len; i++)
		if (!is_active(n, p->active.v[i]))
			error = "D3086";
	if (dp != U16_NPOS) {
		if ((dp > 0 && is_prop(n, P_GROUP, sp.v[dp - 1])) ||
		    (dp + 1 < sp.len && is_prop(n, P_GROUP, sp.v[dp + 1])) ||
		    (n->prop[P_GROUP].len == 0 && (dp == 0 || dp + 1 >= sp.len)))
			error = "D3087";
	} else if (p->integer.len ? is_prop(n, P_GROUP, p->integer.v[p->integer.len - 1])
				  : n->prop[P_GROUP].len == 0) {
		error = "D3088";
	}
	struct u16 gg;
	u16_init(&gg);
	u16_addv(&gg, P(n, P_GROUP));
	u16_addv(&gg, P(n, P_GROUP));
	if (has(sp, u16_view(&gg)))
		error = "D3089";
	u16_release(&gg);
	size_t od = u16_index_of(p->integer, P(n, P_DIGIT), 0);
	if (od != U16_NPOS && count_family(n, u16_sub(p->integer, 0, od), 0))
		error = "D3090";
	od = u16_last_index_of(p->fraction, P(n, P_DIGIT));
	if (od != U16_NPOS && count_family(n, u16_sub(p->fraction, od, p->fraction.len), 0))
		error = "D3091";
	if (p->has_exponent && p->exponent.len &&
	    (has(sp, P(n, P_PERCENT)) || has(sp, P(n, P_PERMILLE))))
		error = "D3092";
	if (p->has_exponent &&
	    (!p->exponent.len || count_family(n, p->exponent, 0) != p->exponent.len))
		error = "D3093";
	return error;
}

/* getGroupingPositions: the digits right (or, toLeft, left) of each
 * separator; after the first, jsonata-js searches the integer part. */
static double *grouping_positions(const struct numfmt *n, const struct subpic *p,
				  struct u16v part, int to_left, size_t *nr)
{
	double *pos = NULL;
	size_t alloc = 0;
	*nr = 0;
	size_t gp = u16_index_of(part, P(n, P_GROUP), 0);
	while (gp != U16_NPOS) {
		size_t at = gp > part.len ? part.len : gp;
		struct u16v side = to_left ? u16_sub(part, 0, at) : u16_sub(part, at, part.len);
		ARRAY_GROW(pos, *nr + 1, alloc);
		pos[(*nr)++] = (double)count_family(n, side, 1);
		gp = u16_index_of(p->integer, P(n, P_GROUP), gp + 1);
		if (gp != U16_NPOS && gp >= p->integer.len && !n->prop[P_GROUP].len)
			break; /* not reached: an empty separator fails D3089 first */
	}
	return pos;
}

static double regular_of(const double *idx, size_t nr)
{
	if (!nr)
		return 0;
	double factor = idx[0];
	for (size_t i = 1; i < nr; i++) {
		double a = factor, b = idx[i];
		while (b != 0) {
			double t = fmod(a, b);
			a = b;
			b = t;
		}
		factor = a;
	}
	for (size_t k = 1; k <= nr; k++) {
		size_t j = 0;
		while (j < nr && idx[j] != (double)k * factor)
			j++;
		if (j == nr)
			return 0;
	}
	return factor;
}

/* F&O 4.7.4. */
static void analyse(const struct numfmt *n, const struct subpic *p, struct analysis *a)
{
	memset(a, 0, sizeof(*a));
	a->int_groups = grouping_positions(n, p, p->integer, 0, &a->nr_int_groups);
	a->regular = regular_of(a->int_groups, a->nr_int_groups);
	a->frac_groups = grouping_positions(n, p, p->fraction, 1, &a->nr_frac_groups);
	a->min_int = (int)count_family(n, p->integer, 0);
	a->scaling = a->min_int;
	a->min_frac = (int)count_family(n, p->fraction, 0);
	a->max_frac = (int)count_family(n, p->fraction, 1);
	if (a->min_int == 0 && a->max_frac == 0) {
		if (p->has_exponent)
			a->min_frac = a->max_frac = 1;
		else
			a->min_int = 1;
	}
	if (p->has_exponent && a->min_int == 0 &&
	    u16_index_of(p->integer, P(n, P_DIGIT), 0) != U16_NPOS)
		a->min_int = 1;
	if (a->min_int == 0 && a->min_frac == 0)
		a->min_frac = 1;
	if (p->has_exponent)
		a->min_exp = (int)count_family(n, p->exponent, 0);
	u16_init(&a->prefix);
	u16_init(&a->suffix);
	u16_addv(&a->prefix, p->prefix);
	u16_addv(&a->suffix, p->suffix);
	a->pic = p->pic;
}

static void analysis_release(struct analysis *a)
{
	free(a->int_groups);
	free(a->frac_groups);
	u16_release(&a->prefix);
	u16_release(&a->suffix);
}

/* makeString: abs(v).toFixed(dp) in the digit family. */
static void make_string(const struct numfmt *n, double v, int dp, struct u16 *out)
{
	struct buf b = BUF_INIT;
	js_to_fixed(fabs(v), dp, &b);
	struct u16v zero = P(n, P_ZERO);
	int map = !(zero.len == 1 && zero.v[0] == '0');
	for (size_t i = 0; i < b.len; i++) {
		char c = b.ptr[i];
		u16_addc(out, map && c >= '0' && c <= '9' ? n->family[c - '0'] : (uint16_t)c);
	}
	buf_release(&b);
}

static void repeat(struct u16 *out, struct u16v s, double times)
{
	for (double i = 0; i < times; i++)
		u16_addv(out, s);
}

/* s = s.slice(0, at) + ins + s.slice(at) */
static void splice_in(struct u16 *s, double at, struct u16v ins)
{
	struct u16 r;
	u16_init(&r);
	struct u16v all = u16_view(s);
	u16_addv(&r, u16_slice(all, 0, at));
	u16_addv(&r, ins);
	u16_addv(&r, u16_slice(all, at, (double)all.len));
	u16_release(s);
	*s = r;
}

static double index_or_minus1(struct u16v s, struct u16v needle)
{
	size_t i = u16_index_of(s, needle, 0);
	return i == U16_NPOS ? -1 : (double)i;
}

/* Bullet 7's end: the decimal separator in place of '.' (or after the
 * digits), then zero digits stripped from both ends. */
static void point_and_strip(const struct numfmt *n, struct u16 *s)
{
	struct u16v dec = P(n, P_DEC), zero = P(n, P_ZERO);
	static const uint16_t dot_unit[] = { '.' };
	struct u16v dot = { dot_unit, 1 };
	size_t dot_at = u16_index_of(u16_view(s), dot, 0);
	if (dot_at == U16_NPOS) {
		u16_addv(s, dec);
	} else {
		struct u16 r;
		u16_init(&r);
		u16_addv(&r, u16_sub(u16_view(s), 0, dot_at));
		u16_addv(&r, dec);
		u16_addv(&r, u16_sub(u16_view(s), dot_at + 1, s->len));
		u16_release(s);
		*s = r;
	}
	if (zero.len != 1) /* charAt(0) === zero_digit never holds */
		return;
	size_t lead = 0;
	while (lead < s->len && s->v[lead] == zero.v[0])
		lead++;
	memmove(s->v, s->v + lead, (s->len - lead) * sizeof(*s->v));
	s->len -= lead;
	while (s->len && s->v[s->len - 1] == zero.v[0])
		s->len--;
}

/* Bullets 8-12: the digits of the rounded mantissa laid out. */
static void lay_out(const struct numfmt *n, const struct analysis *a, struct u16 *s)
{
	struct u16v dec = P(n, P_DEC), zero = P(n, P_ZERO), group = P(n, P_GROUP);
	point_and_strip(n, s);
	double dp = index_or_minus1(u16_view(s), dec);
	double pad_left = a->min_int - dp;
	double pad_right = a->min_frac - ((double)s->len - dp - 1);
	if (pad_left > 0) {
		struct u16 p;
		u16_init(&p);
		repeat(&p, zero, pad_left);
		u16_insert(s, 0, u16_view(&p));
		u16_release(&p);
	}
	if (pad_right > 0)
		repeat(s, zero, pad_right);
	dp = index_or_minus1(u16_view(s), dec);
	if (a->regular > 0) {
		double groups = floor((dp - 1) / a->regular);
		for (double g = 1; g <= groups; g++)
			splice_in(s, dp - g * a->regular, group);
	} else {
		for (size_t i = 0; i < a->nr_int_groups; i++, dp++)
			splice_in(s, dp - a->int_groups[i], group);
	}
	dp = index_or_minus1(u16_view(s), dec);
	for (size_t i = 0; i < a->nr_frac_groups; i++)
		splice_in(s, a->frac_groups[i] + dp + 1, group);
	dp = index_or_minus1(u16_view(s), dec);
	if (u16_index_of(a->pic, dec, 0) == U16_NPOS || dp == (double)s->len - 1)
		s->len = s->len ? s->len - 1 : 0;
}

/* Bullet 5: mantissa * 10^exponent = the number, the mantissa within
 * [10^(scaling-1), 10^scaling]. */
static int scale(const struct analysis *a, double *mantissa, double *exponent,
		 struct jsonata_picture_error *err)
{
	double max_m = pow(10, a->scaling), min_m = pow(10, a->scaling - 1);
	int steps = 0;
	while (*mantissa < min_m && steps++ < SCALE_MAX_STEPS) {
		*mantissa *= 10;
		*exponent -= 1;
	}
	while (*mantissa > max_m && steps++ < SCALE_MAX_STEPS) {
		*mantissa /= 10;
		*exponent += 1;
	}
	if (steps >= SCALE_MAX_STEPS)
		return pic_fail(err, PIC_CODE_RANGE,
				"jsonata-js never returns: an exponent picture for %s",
				*mantissa < min_m ? "a zero or negative number" : "this number");
	return 0;
}

/* Bullet 13: separator, minus sign and padded exponent digits. */
static void add_exponent_part(const struct numfmt *n, const struct analysis *a,
			      double exponent, struct u16 *s)
{
	struct u16 e;
	u16_init(&e);
	make_string(n, exponent, 0, &e);
	double pad = a->min_exp - (double)e.len;
	if (pad > 0) {
		struct u16 p;
		u16_init(&p);
		repeat(&p, P(n, P_ZERO), pad);
		u16_insert(&e, 0, u16_view(&p));
		u16_release(&p);
	}
	u16_addv(s, P(n, P_EXP));
	if (exponent < 0)
		u16_addv(s, P(n, P_MINUS));
	u16_addv(s, u16_view(&e));
	u16_release(&e);
}

/* Bullets 2-14 for one value and its sub-picture. */
static int format_with(const struct numfmt *n, const struct analysis *a,
		       double value, struct u16 *out, struct jsonata_picture_error *err)
{
	double adjusted = value;
	if (has(a->pic, P(n, P_PERCENT)))
		adjusted = value * 100;
	else if (has(a->pic, P(n, P_PERMILLE)))
		adjusted = value * 1000;
	double mantissa = adjusted, exponent = 0;
	if (a->min_exp && scale(a, &mantissa, &exponent, err))
		return -1;
	if (a->max_frac > TO_FIXED_MAX)
		return pic_fail(err, PIC_CODE_RANGE,
				"RangeError: toFixed() digits argument must be between 0 and 100");
	double rounded = js_jsonata_round(mantissa, a->max_frac);
	struct u16 s;
	u16_init(&s);
	make_string(n, rounded, a->max_frac, &s);
	lay_out(n, a, &s);
	if (a->min_exp)
		add_exponent_part(n, a, exponent, &s);
	u16_addv(out, u16_view(&a->prefix));
	u16_addv(out, u16_view(&s));
	u16_addv(out, u16_view(&a->suffix));
	u16_release(&s);
	return 0;
}

/* picture.split(separator): at most 3 pieces matter (3 is D3080). */
static size_t split_picture(struct u16v pic, struct u16v sep, struct u16v *parts, size_t max)
{
	size_t nr = 0;
	if (!sep.len) {
		for (size_t i = 0; i < pic.len && nr < max; i++)
			parts[nr++] = u16_sub(pic, i, i + 1);
		return nr;
	}
	size_t start = 0;
	for (;;) {
		size_t at = u16_index_of(pic, sep, start);
		if (nr == max)
			return nr;
		if (at == U16_NPOS) {
			parts[nr++] = u16_sub(pic, start, pic.len);
			return nr;
		}
		parts[nr++] = u16_sub(pic, start, at);
		start = at + sep.len;
	}
}

static void numfmt_init(struct numfmt *n, const struct jsonata_picture_number_options *o)
{
	struct jsonata_picture_number_options d;
	jsonata_picture_number_options_init(&d);
	for (int i = 0; i < NR_PROPS; i++) {
		const char *v = *prop_slot((struct jsonata_picture_number_options *)(o ? o : &d), i);
		u16_init(&n->prop[i]);
		u16_adds(&n->prop[i], v ? v : *prop_slot(&d, i));
	}
	/* String.fromCharCode(zeroCharCode + i): NaN for "" makes "\0"s */
	uint16_t z = n->prop[P_ZERO].len ? n->prop[P_ZERO].v[0] : 0;
	for (int i = 0; i < 10; i++)
		n->family[i] = (uint16_t)(z + i);
}

static void numfmt_release(struct numfmt *n)
{
	for (int i = 0; i < NR_PROPS; i++)
		u16_release(&n->prop[i]);
}

static int format_number(const struct numfmt *n, double value, struct u16v pic,
			 struct u16 *out, struct jsonata_picture_error *err)
{
	struct u16v sub[3];
	size_t nr = split_picture(pic, P(n, P_PATSEP), sub, 3);
	if (nr > 2)
		return pic_fail_code(err, "D3080", NULL);
	if (nr == 0)
		return pic_fail(err, PIC_CODE_RANGE, "TypeError: Cannot read properties of undefined");
	struct subpic parts[2];
	for (size_t i = 0; i < nr; i++) {
		split_parts(n, sub[i], &parts[i]);
		if (parts[i].no_active)
			return pic_fail(err, PIC_CODE_RANGE,
					"TypeError: Cannot read properties of undefined (reading 'length')");
	}
	for (size_t i = 0; i < nr; i++) {
		const char *code = validate(n, &parts[i]);
		if (code)
			return pic_fail_code(err, code, NULL);
	}
	struct analysis a[2];
	for (size_t i = 0; i < nr; i++)
		analyse(n, &parts[i], &a[i]);
	if (nr == 1) {
		analyse(n, &parts[0], &a[1]);
		u16_insert(&a[1].prefix, 0, P(n, P_MINUS));
	}
	int rc = format_with(n, value >= 0 ? &a[0] : &a[1], value, out, err);
	analysis_release(&a[0]);
	analysis_release(&a[1]);
	return rc;
}

int jsonata_picture_format_number(double value, const char *picture,
				  const struct jsonata_picture_number_options *opts,
				  struct buf *out, struct jsonata_picture_error *err)
{
	struct numfmt n;
	numfmt_init(&n, opts);
	struct u16 pic, s;
	u16_init(&pic);
	u16_init(&s);
	u16_adds(&pic, picture);
	int rc = format_number(&n, value, u16_view(&pic), &s, err);
	if (!rc)
		u16_to_utf8(u16_view(&s), out);
	u16_release(&pic);
	u16_release(&s);
	numfmt_release(&n);
	return rc;
}
