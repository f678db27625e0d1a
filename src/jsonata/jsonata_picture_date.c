/* jsonata_picture_date.c - $fromMillis: XPath format-dateTime pictures as
 * jsonata-js 2.0.6 reads them ([Y0001]-[M01]-[D01], names [MNn,*-3], words
 * [Dwo], ISO weeks [W] [X], time zones [Z01:01t] [z]), and the component
 * values of an instant (getDateTimeFragment), shared with $toMillis.  The
 * calendar is computed from the milliseconds alone (js_date_fields), never
 * from the system clock or time zone; JavaScript's Date rules (TimeClip,
 * Date.UTC's 19xx years) are kept because jsonata-js's week numbers go
 * through them.  Not here: reading timestamps (jsonata_picture_parse.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_picture_impl.h"
#include "xalloc.h"
#include "banned.h"

#define MS_PER_DAY 86400000.0
#define ISO_PICTURE "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

static const char *const day_names[] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

/* ---- analysing the picture ---------------------------------------------- */

static const char *default_presentation(uint16_t c)
{
	switch (c) {
	case 'Y': case 'M': case 'D': case 'd': case 'W': case 'w': case 'X':
	case 'x': case 'H': case 'h': case 'f':
		return "1";
	case 'F': case 'P': case 'C': case 'E':
		return "n";
	case 'm': case 's':
		return "01";
	case 'Z': case 'z':
		return "01:01";
	default:
		return NULL;
	}
}

static struct dt_part *new_part(struct dt_picture *p)
{
	ARRAY_GROW(p->parts, p->nr + 1, p->alloc);
	struct dt_part *part = &p->parts[p->nr++];
	memset(part, 0, sizeof(*part));
	u16_init(&part->literal);
	u16_init(&part->pres1);
	part->n = -1;
	return part;
}

/* addLiteral: picture[start..end) with "]]" read as "]". */
static void add_literal(struct dt_picture *p, struct u16v pic, size_t start, size_t end)
{
	if (end <= start)
		return;
	struct dt_part *part = new_part(p);
	for (size_t i = start; i < end; i++) {
		u16_addc(&part->literal, pic.v[i]);
		if (pic.v[i] == ']' && i + 1 < end && pic.v[i + 1] == ']')
			i++;
	}
}

static int has_unit(const char *set, uint16_t c)
{
	return c && c < 128 && strchr(set, (char)c);
}

static double parse_width(struct u16v w, int *set)
{
	*set = !(w.len == 1 && w.v[0] == '*');
	return *set ? js_parse_int(w) : 0;
}

/* The width modifier after the marker's last comma. */
static void read_width(struct dt_part *part, struct u16v mod)
{
	part->has_width = 1;
	size_t dash = 0;
	while (dash < mod.len && mod.v[dash] != '-')
		dash++;
	part->min = parse_width(u16_sub(mod, 0, dash), &part->min_set);
	if (dash < mod.len)
		part->max = parse_width(u16_sub(mod, dash + 1, mod.len), &part->max_set);
}

static void read_presentation(struct dt_part *part, struct u16v pres)
{
	if (pres.len > 1 && has_unit("atco", pres.v[pres.len - 1])) {
		part->pres2 = pres.v[pres.len - 1];
		pres.len--;
	}
	u16_addv(&part->pres1, pres);
}

/* The integer format of a numeric marker, with its width applied. */
static int marker_integer(struct dt_part *part, struct jsonata_picture_error *err)
{
	struct u16 pat;
	u16_init(&pat);
	u16_addv(&pat, u16_view(&part->pres1));
	if (part->pres2) {
		u16_addc(&pat, ';');
		u16_addc(&pat, part->pres2);
	}
	int rc = int_format_analyse(&part->fmt, u16_view(&pat), err);
	u16_release(&pat);
	if (rc)
		return -1;
	part->has_int = 1;
	if (part->has_width && part->min_set && part->fmt.mandatory < part->min)
		part->fmt.mandatory = part->min;
	/* jsonata-js 2.0.6 gives Y, M and D a digit count n (9.8.4.4 is about
	 * years only): a maximum width fixes the digits, and reading back
	 * takes n digits; only the year is cut to its last n */
	if (has_unit("YMD", part->component)) {
		part->n = -1;
		if (part->has_width && part->max_set) {
			part->n = part->max;
			part->fmt.mandatory = part->n;
		} else if (part->fmt.mandatory + part->fmt.optional >= 2) {
			part->n = part->fmt.mandatory + part->fmt.optional;
		}
		part->fmt.parse_n = part->n;
	}
	return 0;
}

static int read_marker(struct dt_picture *p, struct u16v marker,
		       struct jsonata_picture_error *err)
{
	struct dt_part *part = new_part(p);
	part->is_marker = 1;
	part->component = marker.len ? marker.v[0] : 0;
	size_t comma = marker.len;
	while (comma-- > 0 && marker.v[comma] != ',')
		;
	struct u16v pres;
	if (comma != (size_t)-1) {
		read_width(part, u16_sub(marker, comma + 1, marker.len));
		/* substring(1, comma) swaps its arguments when comma is 0 */
		pres = comma ? u16_sub(marker, 1, comma) : u16_sub(marker, 0, 1);
	} else {
		pres = marker.len ? u16_sub(marker, 1, marker.len) : marker;
	}
	if (pres.len) {
		read_presentation(part, pres);
	} else {
		const char *d = default_presentation(part->component);
		if (!d) {
			struct buf b = BUF_INIT;
			struct u16v c = { &part->component, part->component ? 1 : 0 };
			buf_addc(&b, '"');
			u16_to_utf8(c, &b);
			buf_addc(&b, '"');
			pic_fail_code(err, "D3132", b.ptr);
			buf_release(&b);
			return -1;
		}
		u16_adds(&part->pres1, d);
	}
	uint16_t first = part->pres1.v[0];
	if (first == 'n' || first == 'N') {
		part->has_names = 1;
		part->names = first == 'n' ? CASE_LOWER :
			      part->pres1.len > 1 && part->pres1.v[1] == 'n' ? CASE_TITLE : CASE_UPPER;
	} else if (has_unit("YMDdFWwXxHhmsf", part->component)) {
		if (marker_integer(part, err))
			return -1;
	}
	if (part->component == 'Z' || part->component == 'z') {
		if (int_format_analyse(&part->fmt, u16_view(&part->pres1), err))
			return -1;
		part->has_int = 1;
	}
	return 0;
}

int dt_analyse(struct dt_picture *p, struct u16v pic, struct jsonata_picture_error *err)
{
	memset(p, 0, sizeof(*p));
	size_t start = 0, pos = 0;
	while (pos < pic.len) {
		if (pic.v[pos] != '[') {
			pos++;
			continue;
		}
		if (pos + 1 < pic.len && pic.v[pos + 1] == '[') {
			add_literal(p, pic, start, pos);
			u16_addc(&new_part(p)->literal, '[');
			pos += 2;
			start = pos;
			continue;
		}
		add_literal(p, pic, start, pos);
		start = pos;
		while (pos < pic.len && pic.v[pos] != ']')
			pos++;
		if (pos == pic.len)
			return pic_fail_code(err, "D3135", NULL);
		struct u16 marker; /* whitespace within a marker is ignored */
		u16_init(&marker);
		for (size_t i = start + 1; i < pos; i++)
			if (!u16_is_space(pic.v[i]))
				u16_addc(&marker, pic.v[i]);
		int rc = read_marker(p, u16_view(&marker), err);
		u16_release(&marker);
		if (rc)
			return -1;
		start = pos + 1;
		pos++;
	}
	add_literal(p, pic, start, pos);
	return 0;
}

void dt_release(struct dt_picture *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		u16_release(&p->parts[i].literal);
		u16_release(&p->parts[i].pres1);
		int_format_release(&p->parts[i].fmt);
	}
	free(p->parts);
	memset(p, 0, sizeof(*p));
}

/* ---- component values ---------------------------------------------------- */

static void fields(double t, struct js_date *f)
{
	if (isnan(t)) {
		f->year = f->month = f->day = f->weekday = NAN;
		f->hours = f->minutes = f->seconds = f->millis = NAN;
		return;
	}
	js_date_fields(t, f);
}

static double weekday_of(double t)
{
	struct js_date f;
	fields(t, &f);
	return f.weekday;
}

/* startOfFirstWeek: the Monday of the week holding the month's first
 * Thursday (ISO 8601, extended by XPath to months). */
static double first_week_start(double year, double month)
{
	double jan1 = js_date_utc(year, month, 1, 0, 0, 0, 0);
	double dow = weekday_of(jan1);
	if (dow == 0)
		dow = 7;
	return dow > 4 ? jan1 + (8 - dow) * MS_PER_DAY : jan1 - (dow - 1) * MS_PER_DAY;
}

static double delta_weeks(double start, double end)
{
	return (end - start) / (MS_PER_DAY * 7) + 1;
}

static void next_month(double *y, double *m)
{
	if (*m == 11) {
		*y += 1;
		*m = 0;
	} else {
		*m += 1;
	}
}

static void previous_month(double *y, double *m)
{
	if (*m == 0) {
		*y -= 1;
		*m = 11;
	} else {
		*m -= 1;
	}
}

static double week_in_year(const struct js_date *f)
{
	double start = first_week_start(f->year, 0);
	double today = js_date_utc(f->year, f->month, f->day, 0, 0, 0, 0);
	double week = delta_weeks(start, today);
	if (week > 52) {
		if (today >= first_week_start(f->year + 1, 0))
			week = 1;
	} else if (week < 1) {
		week = delta_weeks(first_week_start(f->year - 1, 0), today);
	}
	return floor(week);
}

static double week_in_month(const struct js_date *f)
{
	double start = first_week_start(f->year, f->month);
	double today = js_date_utc(f->year, f->month, f->day, 0, 0, 0, 0);
	double week = delta_weeks(start, today);
	if (week > 4) {
		double y = f->year, m = f->month;
		next_month(&y, &m);
		if (today >= first_week_start(y, m))
			week = 1;
	} else if (week < 1) {
		double y = f->year, m = f->month;
		previous_month(&y, &m);
		week = delta_weeks(first_week_start(y, m), today);
	}
	return floor(week);
}

static double iso_year(double t, const struct js_date *f)
{
	if (t < first_week_start(f->year, 0))
		return f->year - 1;
	if (t >= first_week_start(f->year + 1, 0))
		return f->year + 1;
	return f->year;
}

static double iso_month(double t, const struct js_date *f)
{
	double ny = f->year, nm = f->month, py = f->year, pm = f->month;
	next_month(&ny, &nm);
	previous_month(&py, &pm);
	if (t < first_week_start(f->year, f->month))
		return pm + 1;
	if (t >= first_week_start(ny, nm))
		return nm + 1;
	return f->month + 1;
}

double dt_fragment(double t, uint16_t component, const char **text)
{
	struct js_date f;
	fields(t, &f);
	*text = NULL;
	switch (component) {
	case 'Y': return f.year;
	case 'M': return f.month + 1;
	case 'D': return f.day;
	case 'd':
		return (js_date_utc(f.year, f.month, f.day, 0, 0, 0, 0) -
			js_date_utc(f.year, 0, 1, 0, 0, 0, 0)) / MS_PER_DAY + 1;
	case 'F': return f.weekday == 0 ? 7 : f.weekday;
	case 'W': return week_in_year(&f);
	case 'w': return week_in_month(&f);
	case 'X': return iso_year(t, &f);
	case 'x': return iso_month(t, &f);
	case 'H': return f.hours;
	case 'h': {
		double h = fmod(f.hours, 12);
		return h == 0 ? 12 : h;
	}
	case 'P':
		*text = f.hours >= 12 ? "pm" : "am";
		return NAN;
	case 'm': return f.minutes;
	case 's': return f.seconds;
	case 'f': return f.millis;
	case 'C': case 'E':
		*text = "ISO";
		return NAN;
	default:
		*text = "undefined";
		return NAN;
	}
}

/* ---- formatting ------------------------------------------------------------ */

static int js_type_error(struct jsonata_picture_error *err)
{
	return pic_fail(err, PIC_CODE_RANGE,
			"TypeError: Cannot read properties of undefined");
}

static int format_name(const struct dt_part *part, double value, struct u16 *out,
		       struct jsonata_picture_error *err)
{
	const char *name = NULL;
	if (part->component == 'M' || part->component == 'x') {
		if (value >= 1 && value <= 12 && value == floor(value))
			name = month_names[(int)value - 1];
	} else if (part->component == 'F') {
		if (value >= 0 && value <= 7 && value == floor(value))
			name = day_names[(int)value];
	} else {
		struct buf b = BUF_INIT;
		buf_addf(&b, "\"%c\"", (char)part->component);
		pic_fail_code(err, "D3133", b.ptr);
		buf_release(&b);
		return -1;
	}
	if (!name && part->names == CASE_TITLE && !part->has_width) {
		u16_adds(out, "undefined"); /* months[NaN], used as it is */
		return 0;
	}
	if (!name)
		return js_type_error(err); /* months[NaN].toUpperCase() */
	struct u16 s;
	u16_init(&s);
	u16_adds(&s, name);
	if (part->names != CASE_TITLE)
		u16_ascii_case(&s, part->names == CASE_UPPER);
	if (part->has_width && part->max_set && (double)s.len > part->max)
		s.len = part->max > 0 ? (size_t)part->max : 0;
	u16_addv(out, u16_view(&s));
	u16_release(&s);
	return 0;
}

struct tz {
	double hours, minutes;
};

static int format_zone(const struct dt_part *part, const struct tz *tz, struct u16 *out,
		       struct jsonata_picture_error *err)
{
	double offset = tz->hours * 100 + tz->minutes;
	struct u16 s;
	u16_init(&s);
	int rc = 0;
	double digits = part->fmt.mandatory;
	if (part->fmt.regular) {
		rc = int_format_value(offset, &part->fmt, &s, err);
	} else if (part->fmt.primary == INT_DECIMAL && (digits == 1 || digits == 2)) {
		rc = int_format_value(tz->hours, &part->fmt, &s, err);
		if (!rc && tz->minutes != 0) {
			struct int_format two;
			static const uint16_t zz[] = { '0', '0' };
			struct u16v pic = { zz, 2 };
			int_format_analyse(&two, pic, err);
			u16_addc(&s, ':');
			rc = int_format_value(floor(tz->minutes), &two, &s, err);
			int_format_release(&two);
		}
	} else if (part->fmt.primary == INT_DECIMAL && (digits == 3 || digits == 4)) {
		rc = int_format_value(offset, &part->fmt, &s, err);
	} else {
		rc = pic_fail_code(err, "D3134", NULL);
	}
	if (!rc && offset == 0 && part->pres2 == 't') {
		u16_adds(out, "Z");
	} else if (!rc) {
		if (part->component == 'z')
			u16_adds(out, "GMT");
		if (offset >= 0)
			u16_addc(out, '+');
		u16_addv(out, u16_view(&s));
	}
	u16_release(&s);
	return rc;
}

static int format_marker(const struct dt_part *part, double t, const struct tz *tz,
			 struct u16 *out, struct jsonata_picture_error *err)
{
	const char *text;
	double value = dt_fragment(t, part->component, &text);
	uint16_t c = part->component;
	if (has_unit("YMDdFWwXxHhms", c)) {
		if (c == 'Y' && part->n != -1)
			value = fmod(value, pow(10, part->n));
		if (part->has_names)
			return format_name(part, value, out, err);
		return int_format_value(value, &part->fmt, out, err);
	}
	if (c == 'f') {
		if (!part->has_int) /* _formatInteger(value, undefined) */
			return js_type_error(err);
		return int_format_value(value, &part->fmt, out, err);
	}
	if (c == 'Z' || c == 'z')
		return format_zone(part, tz, out, err);
	struct u16 s;
	u16_init(&s);
	u16_adds(&s, text);
	if (c == 'P' && part->has_names && part->names == CASE_UPPER)
		u16_ascii_case(&s, 1);
	u16_addv(out, u16_view(&s));
	u16_release(&s);
	return 0;
}

/* The offset of a "+hhmm" time zone as jsonata-js reads it: parseInt, then
 * floor(n / 100) hours and n % 100 minutes ("-0530" is -6 h and -30 min). */
static void read_zone(const char *timezone, struct tz *tz)
{
	tz->hours = tz->minutes = 0;
	if (!timezone)
		return;
	struct u16 z;
	u16_init(&z);
	u16_adds(&z, timezone);
	double offset = js_parse_int(u16_view(&z));
	u16_release(&z);
	tz->hours = floor(offset / 100);
	tz->minutes = fmod(offset, 100);
}

int jsonata_picture_from_millis(double millis, const char *picture,
				const char *timezone, struct buf *out,
				struct jsonata_picture_error *err)
{
	struct u16 pic, s;
	u16_init(&pic);
	u16_init(&s);
	u16_adds(&pic, picture ? picture : ISO_PICTURE);
	struct dt_picture dt;
	int rc = dt_analyse(&dt, u16_view(&pic), err);
	struct tz tz;
	read_zone(timezone, &tz);
	double t = js_time_clip(millis + (60 * tz.hours + tz.minutes) * 60 * 1000);
	for (size_t i = 0; !rc && i < dt.nr; i++) {
		if (dt.parts[i].is_marker)
			rc = format_marker(&dt.parts[i], t, &tz, &s, err);
		else
			u16_addv(&s, u16_view(&dt.parts[i].literal));
	}
	if (!rc)
		u16_to_utf8(u16_view(&s), out);
	dt_release(&dt);
	u16_release(&pic);
	u16_release(&s);
	return rc;
}
