/* diagram_gv.c - the Graphviz session behind diagram_render: a context per
 * process, layout with dot, output to memory, and the clean-up that makes SVG
 * bytes depend on the machine only.
 *
 * Determinism: SVG and DOT contexts register a text-layout plugin that
 * measures text with fixed tables instead of asking pango about the fonts
 * installed here (or Graphviz's estimate, which changes between versions); the
 * version comment and the other comments are stripped; the '&#45;' Graphviz
 * writes for '-' is written as '-'.  PNG uses a normal context (pango and
 * cairo) since it is for looking at, not for comparing.
 * Not here: what is drawn (diagram.c). */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <float.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>
#include <gvplugin.h>
#include <gvplugin_textlayout.h>

#include "diagram_impl.h"
#include "hexdigit.h"
#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* ---- fixed text metrics --------------------------------------------- */

/* Advance widths in thousandths of an em of the printable ASCII characters
 * in DejaVu Sans and DejaVu Sans Bold, measured once with pango.  DejaVu is
 * the widest of the sans fonts a browser picks for "Helvetica, Arial,
 * sans-serif", so text measured with it fits its box with any of them. */
static const unsigned short regular_widths[95] = {
	316, 398, 458, 841, 638, 953, 781, 278,
	391, 391, 503, 841, 316, 361, 316, 338,
	638, 638, 638, 638, 638, 638, 638, 638,
	638, 638, 338, 338, 841, 841, 841, 533,
	998, 710, 683, 698, 773, 631, 578, 773,
	751, 293, 293, 653, 556, 863, 751, 788,
	601, 788, 698, 638, 595, 736, 683, 991,
	683, 608, 683, 391, 338, 391, 841, 503,
	503, 616, 638, 548, 638, 616, 346, 638,
	638, 278, 278, 578, 278, 976, 638, 616,
	638, 638, 393, 518, 391, 638, 593, 818,
	593, 593, 526, 638, 338, 638, 841,
};
static const unsigned short bold_widths[95] = {
	346, 458, 518, 841, 698, 1006, 871, 308,
	458, 458, 526, 841, 383, 413, 383, 368,
	698, 698, 698, 698, 698, 698, 698, 698,
	698, 698, 398, 398, 841, 841, 841, 578,
	998, 773, 766, 736, 833, 683, 683, 818,
	841, 376, 376, 773, 638, 998, 841, 848,
	736, 848, 773, 680, 703, 811, 773, 1103,
	773, 728, 728, 458, 368, 458, 841, 503,
	503, 676, 713, 593, 713, 676, 406, 713,
	713, 346, 346, 668, 346, 1043, 713, 691,
	713, 713, 496, 593, 481, 713, 653, 923,
	646, 653, 586, 713, 368, 713, 841,
};

/* Width in thousandths of an em of the UTF-8 character starting at *p,
 * which moves past it: ASCII from the tables, other scripts a generous
 * guess (1 em from U+1100 on, where wide CJK and symbols start). */
static unsigned char_width(const unsigned char **p, int bold)
{
	unsigned c = *(*p)++;
	if (c >= 32 && c < 127)
		return bold ? bold_widths[c - 32] : regular_widths[c - 32];
	if (c < 0x80)
		return 0;
	unsigned n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
	unsigned cp = c & (0x3Fu >> n);
	for (unsigned i = 0; i < n && (**p & 0xC0) == 0x80; i++)
		cp = (cp << 6) | (*(*p)++ & 0x3Fu);
	return cp >= 0x1100 ? 1000 : 750;
}

static char fixed_fontpath[] = "[stepbook fixed metrics]";

/* Measures a span as Graphviz's own estimate does (line height 1.2 em),
 * with our tables: the same numbers whatever fonts or Graphviz version. */
static boolean measure_text(textspan_t *span, char **fontpath)
{
	double size = span->font->size;
	int bold = (span->font->flags & HTML_BF) != 0;
	unsigned long width = 0;
	for (const unsigned char *p = (const unsigned char *)span->str; p && *p;)
		width += char_width(&p, bold);
	span->size.x = (double)width * size / 1000.0;
	span->size.y = size * 1.2;
	span->yoffset_layout = 0.0;
	span->yoffset_centerline = 0.1 * size;
	span->layout = NULL;
	span->free_layout = NULL;
	if (fontpath)
		*fontpath = fixed_fontpath;
	return TRUE;
}

static gvtextlayout_engine_t fixed_metrics = { measure_text };

/* Quality 1000: preferred over pango's text layout (quality 10 or so). */
static gvplugin_installed_t fixed_textlayout[] = {
	{ 0, "textlayout", 1000, &fixed_metrics, NULL },
	{ 0, NULL, 0, NULL, NULL },
};

static gvplugin_api_t fixed_apis[] = {
	{ API_textlayout, fixed_textlayout },
	{ (api_t)0, NULL },
};

static char fixed_library_name[] = "stepbook_fixed_metrics";
static gvplugin_library_t fixed_library = { fixed_library_name, fixed_apis };

static lt_symlist_t fixed_builtins[] = {
	{ "gvplugin_stepbook_fixed_metrics_LTX_library", &fixed_library },
	{ NULL, NULL },
};

/* ---- Graphviz messages become diagnostics --------------------------- */

/* Graphviz reports through one global hook; these hold the call's state
 * while a render runs (Graphviz itself is not reentrant). */
static struct diag_list *gv_diags;
static struct pos gv_pos;
static struct buf gv_message = BUF_INIT;

static void flush_message(void)
{
	while (gv_message.len && (gv_message.ptr[gv_message.len - 1] == '\n' ||
				  gv_message.ptr[gv_message.len - 1] == ' '))
		buf_truncate(&gv_message, gv_message.len - 1);
	if (gv_message.len && gv_diags)
		diag_add(gv_diags, gv_pos, SEV_WARNING,
			 "diagram/graphviz", "graphviz: %s", gv_message.ptr);
	buf_release(&gv_message);
}

static int on_gv_message(char *text)
{
	buf_adds(&gv_message, text);
	if (gv_message.len && gv_message.ptr[gv_message.len - 1] == '\n')
		flush_message();
	return 0;
}

/* ---- DOT into a buf ------------------------------------------------- */

static int put_buf(void *chan, const char *s)
{
	buf_adds(chan, s);
	return 0;
}

static int flush_none(void *chan)
{
	(void)chan;
	return 0;
}

static Agiodisc_t buf_io = { NULL, put_buf, flush_none };

/* ---- object ids in creation order ---------------------------------- */

/* cgraph's default id discipline uses the address of a name's string as
 * the id of a named object, and keeps subgraphs ordered by id: clusters
 * would then be laid out and written in an order that changes from run to
 * run.  This one numbers names in the order they are first seen. */
struct seq_ids {
	struct strmap names; /* name -> nothing; index = id / 2 - 1 */
	IDTYPE anon;         /* next odd id for anonymous objects */
};

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
	(void)g;
	(void)disc;
	struct seq_ids *s = xcalloc(1, sizeof(*s));
	strmap_init(&s->names);
	s->anon = 1;
	return s;
}

static long ids_map(void *state, int objtype, char *str, IDTYPE *id,
		    int createflag)
{
	struct seq_ids *s = state;
	(void)objtype;
	if (!str) {
		if (!createflag)
			return 0;
		*id = s->anon;
		s->anon += 2;
		return 1;
	}
	size_t len = strlen(str);
	long at = strmap_index(&s->names, str, len);
	if (at < 0 && !createflag)
		return 0;
	if (at < 0) {
		strmap_put(&s->names, str, len, s);
		at = (long)s->names.nr - 1;
	}
	*id = 2 * ((IDTYPE)at + 1);
	return 1;
}

static long ids_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	return (id & 1) == 0;
}

static void ids_free(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
	struct seq_ids *s = state;
	(void)objtype;
	if (id & 1 || id == 0 || id / 2 > s->names.nr)
		return NULL;
	return s->names.entries[id / 2 - 1].key;
}

static void ids_close(void *state)
{
	struct seq_ids *s = state;
	strmap_release(&s->names);
	free(s);
}

static void ids_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t seq_ids = { ids_open, ids_map, ids_alloc, ids_free,
			      ids_print, ids_close, ids_register };

/* ---- SVG clean-up --------------------------------------------------- */

/* The id of the element whose '<g id="' starts at p, '-' for "&#45;". */
static void element_id(const char *p, const char *end, struct buf *id)
{
	buf_reset(id);
	for (p += 7; p < end && *p != '"';) {
		if (end - p >= 5 && !memcmp(p, "&#45;", 5)) {
			buf_addc(id, '-');
			p += 5;
		} else {
			buf_addc(id, *p++);
		}
	}
}

/* At '<title>' (lt): writes the element's hover text instead of Graphviz's
 * and returns where copying resumes ('</title>'), or NULL to keep it. */
static const char *put_title(const char *lt, const char *end,
			     const struct buf *id,
			     const struct diagram_titles *titles, struct buf *out)
{
	const char *close = lt + 7;
	while (close < end && *close != '<')
		close++;
	uintptr_t at = titles && id->len
		? (uintptr_t)strmap_get(&titles->ids, id->ptr, id->len) : 0;
	if (!at || close == end)
		return NULL;
	buf_adds(out, "<title>");
	buf_adds(out, titles->text.ptr + at - 1);
	return close;
}

/* Copies svg to out without comments (a comment alone on its line goes
 * with its newline), with "&#45;" written as "-" and each element's
 * <title> from titles.  Input strings cannot make "<!--": Graphviz escapes
 * '<' and '-' in everything it writes.  Runs of ordinary bytes are copied
 * whole: this pass once cost as much as a sixth of a diagram, byte by
 * byte. */
static void clean_svg(const char *svg, size_t len,
		      const struct diagram_titles *titles, struct buf *out)
{
	static const char dash[] = "&#45;", comment[] = "<!--";
	const char *p = svg, *end = svg + len, *run = svg, *resume;
	struct buf id = BUF_INIT;
	buf_grow(out, len);
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		const char *amp = memchr(p, '&', (size_t)((lt ? lt : end) - p));
		if (amp) {
			p = amp;
			if ((size_t)(end - p) >= 5 && !memcmp(p, dash, 5)) {
				buf_add(out, run, (size_t)(p - run));
				buf_addc(out, '-');
				run = p += 5;
			} else {
				p++;
			}
		} else if (lt && (size_t)(end - lt) >= 4 && !memcmp(lt, comment, 4)) {
			buf_add(out, run, (size_t)(lt - run));
			int bol = lt == svg || lt[-1] == '\n';
			p = lt + 4;
			while (p < end && !(p[-2] == '-' && p[-1] == '-' && p[0] == '>'))
				p++;
			p = p < end ? p + 1 : end;
			if (bol && p < end && *p == '\n')
				p++;
			run = p;
		} else if (lt && (size_t)(end - lt) >= 7 && !memcmp(lt, "<g id=\"", 7)) {
			element_id(lt, end, &id);
			p = lt + 1;
		} else if (lt && (size_t)(end - lt) >= 7 && !memcmp(lt, "<title>", 7)) {
			buf_add(out, run, (size_t)(lt - run));
			resume = put_title(lt, end, &id, titles, out);
			run = resume ? resume : lt;
			p = resume ? resume : lt + 1;
			buf_reset(&id);
		} else {
			p = lt ? lt + 1 : end;
		}
	}
	buf_add(out, run, (size_t)(end - run));
	buf_release(&id);
}

/* ---- Graphviz's output functions, faster ---------------------------- */

/* Graphviz 2.43 writes the SVG through two functions of its own that the
 * SVG plugin calls for nearly every byte it formats:
 *  - gvprintdouble, every coordinate: snprintf "%.02f", trailing zeros and
 *    point dropped, "0" for |x| < 0.005.  That snprintf was a quarter of all
 *    the instructions of a diagram (1,500 numbers, 2,400 instructions each).
 *  - gvprintf, about 800 times a diagram: "%c" before each point of a path,
 *    colours "#%02x%02x%02x", " font-size=\"%.2f\"", class names "%s".  Its
 *    vsnprintf, ~900 instructions a call, was 7% of a diagram.
 * Both are defined here, and the dynamic linker binds the SVG plugin's calls
 * to them (an executable comes first in symbol lookup); they write the same
 * bytes: x * 100 is exact in a long double of 64 bits or more (53 + 7 bits),
 * so the rounding below (to nearest, ties to even) is snprintf's, and a
 * format with anything but the few conversions above goes to vsnprintf as
 * in Graphviz.  tests/unit/check_diagram.c compares both with snprintf on
 * millions of values, and the golden SVGs with Graphviz's output.  Only for
 * the Graphviz they were checked against (the Makefile defines
 * STEPBOOK_FAST_GV_NUMBERS); elsewhere Graphviz's own run.  Not linked in:
 * the program would be slower, not different. */

/* |num| * 100 rounded to an integer as snprintf rounds, into *n; -1 when out
 * of the fast path's range (|num| >= 1e15, NaN, infinities). */
static int hundreds(double num, unsigned long long *n)
{
#if LDBL_MANT_DIG >= 64
	long double p = fabsl((long double)num * 100.0L);
	if (!(p < 1e17L))
		return -1;
	long double whole = floorl(p), frac = p - whole;
	*n = (unsigned long long)whole;
	if (frac > 0.5L || (frac == 0.5L && (*n & 1)))
		(*n)++;
	return 0;
#else
	(void)num;
	(void)n;
	return -1;
#endif
}

/* Writes n in decimal at buf; returns the length. */
static size_t put_decimal(char *buf, unsigned long long n)
{
	char digits[24];
	size_t k = 0, o = 0;
	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	while (k)
		buf[o++] = digits[--k];
	return o;
}

size_t diagram_hundredths_(char buf[32], double num)
{
	unsigned long long n;
	if (num > -0.005 && num < 0.005) {
		buf[0] = '0';
		buf[1] = '\0';
		return 1;
	}
	if (hundreds(num, &n))
		return 0;
	size_t o = 0;
	if (num < 0)
		buf[o++] = '-';
	o += put_decimal(buf + o, n / 100);
	unsigned cents = (unsigned)(n % 100);
	if (cents) {
		buf[o++] = '.';
		buf[o++] = (char)('0' + cents / 10);
		if (cents % 10)
			buf[o++] = (char)('0' + cents % 10);
	}
	buf[o] = '\0';
	return o;
}

/* "%.2f" of num into buf (room for 32 bytes); 0 when out of range. */
static size_t fixed2(char *buf, double num)
{
	unsigned long long n;
	if (hundreds(num, &n))
		return 0;
	size_t o = 0;
	if (signbit(num)) /* "-0.00" too, as printf writes it */
		buf[o++] = '-';
	o += put_decimal(buf + o, n / 100);
	buf[o++] = '.';
	buf[o++] = (char)('0' + n / 10 % 10);
	buf[o++] = (char)('0' + n % 10);
	return o;
}

/* One conversion: flags '0', a width, ".2" before 'f'. */
struct conv {
	int zero;
	size_t width;
	int prec2;
	char kind;
};

/* Reads the conversion after '%' at *f; 0 when the fast path knows it. */
static int read_conv(const char **f, struct conv *c)
{
	const char *p = *f;
	c->zero = *p == '0';
	p += c->zero;
	for (c->width = 0; *p >= '0' && *p <= '9' && c->width < 32; p++)
		c->width = c->width * 10 + (size_t)(*p - '0');
	c->prec2 = p[0] == '.' && p[1] == '2';
	p += c->prec2 ? 2 : 0;
	c->kind = *p;
	*f = p + (*p != '\0');
	int plain = !c->zero && !c->width && !c->prec2;
	switch (c->kind) {
	case 'c': case 's': case '%': return plain ? 0 : -1;
	case 'd': case 'x': return c->prec2 ? -1 : 0;
	case 'f': return c->prec2 && !c->zero && !c->width ? 0 : -1;
	default: return -1;
	}
}

/* An integer conversion (%d, %x with zero padding or width) at out. */
static size_t put_integer(char *out, const struct conv *c, va_list *ap)
{
	char digits[24];
	size_t k = 0, o = 0;
	int neg = 0;
	unsigned long long u;
	if (c->kind == 'd') {
		long long v = va_arg(*ap, int);
		neg = v < 0;
		u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
	} else {
		u = va_arg(*ap, unsigned int);
	}
	unsigned base = c->kind == 'x' ? 16 : 10;
	do {
		digits[k++] = "0123456789abcdef"[u % base];
		u /= base;
	} while (u);
	size_t len = k + (size_t)neg, pad = c->width > len ? c->width - len : 0;
	if (!c->zero)
		for (; pad; pad--)
			out[o++] = ' ';
	if (neg)
		out[o++] = '-';
	for (; pad; pad--)
		out[o++] = '0';
	while (k)
		out[o++] = digits[--k];
	return o;
}

/* One conversion's bytes at out (room for 64); SIZE_MAX: not here. */
static size_t put_conv(char *out, const struct conv *c, va_list *ap,
		       const char **str)
{
	*str = NULL;
	switch (c->kind) {
	case '%':
		out[0] = '%';
		return 1;
	case 'c':
		out[0] = (char)va_arg(*ap, int);
		return 1;
	case 's':
		*str = va_arg(*ap, const char *);
		return *str ? strlen(*str) : SIZE_MAX;
	case 'f': {
		size_t n = fixed2(out, va_arg(*ap, double));
		return n ? n : SIZE_MAX;
	}
	default:
		return put_integer(out, c, ap);
	}
}

size_t diagram_format_(char *out, size_t size, const char *format, va_list ap)
{
	va_list args;
	va_copy(args, ap);
	size_t o = 0, status = 0;
	for (const char *f = format; *f && !status;) {
		const char *pct = strchr(f, '%');
		size_t n = pct ? (size_t)(pct - f) : strlen(f);
		char conv_out[64];
		const char *str = NULL;
		struct conv c;
		if (n >= size - o) {
			status = SIZE_MAX;
			break;
		}
		memcpy(out + o, f, n);
		o += n;
		f += n;
		if (!pct)
			break;
		f++;
		if (read_conv(&f, &c) ||
		    (n = put_conv(conv_out, &c, &args, &str)) == SIZE_MAX ||
		    n >= size - o) {
			status = SIZE_MAX;
			break;
		}
		memcpy(out + o, str ? str : conv_out, n);
		o += n;
	}
	va_end(args);
	if (status)
		return SIZE_MAX;
	out[o] = '\0';
	return o;
}

#ifdef STEPBOOK_FAST_GV_NUMBERS
/* Graphviz's, from gvio.h (not installed by its -dev package). */
size_t gvwrite(GVJ_t *job, const char *s, size_t len);
void gvprintdouble(GVJ_t *job, double num);
void gvprintf(GVJ_t *job, const char *format, ...);

void gvprintdouble(GVJ_t *job, double num)
{
	char buf[64];
	size_t len = diagram_hundredths_(buf, num);
	if (!len) {
		snprintf(buf, sizeof(buf), "%.02f", num);
		char *dot = strchr(buf, '.'), *end = buf + strlen(buf);
		while (dot && end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (dot && end == dot + 1)
			*dot = '\0';
		len = strlen(buf);
	}
	gvwrite(job, buf, len);
}

/* What Graphviz's gvprintf does: vsnprintf, into the heap when long. */
static void graphviz_printf(GVJ_t *job, const char *format, va_list ap)
{
	char buf[BUFSIZ], *big = NULL;
	va_list again;
	va_copy(again, ap);
	int len = vsnprintf(buf, sizeof(buf), format, ap);
	if (len >= (int)sizeof(buf)) {
		big = xmalloc((size_t)len + 1);
		len = vsnprintf(big, (size_t)len + 1, format, again);
	}
	va_end(again);
	if (len > 0)
		gvwrite(job, big ? big : buf, (size_t)len);
	free(big);
}

void gvprintf(GVJ_t *job, const char *format, ...)
{
	char buf[BUFSIZ];
	va_list ap;
	va_start(ap, format);
	size_t len = diagram_format_(buf, sizeof(buf), format, ap);
	if (len == SIZE_MAX)
		graphviz_printf(job, format, ap);
	else
		gvwrite(job, buf, len);
	va_end(ap);
}
#endif

int diagram_hex_color_(const char *str, unsigned char rgba[4])
{
	int d[6];
	if (str[0] != '#')
		return 0;
	for (size_t i = 0; i < 6; i++)
		if ((d[i] = hex_digit(str[i + 1])) < 0)
			return 0;
	if (str[7])
		return 0;
	for (size_t i = 0; i < 3; i++)
		rgba[i] = (unsigned char)(d[2 * i] * 16 + d[2 * i + 1]);
	rgba[3] = 255;
	return 1;
}

#ifdef STEPBOOK_FAST_GV_NUMBERS
/* Graphviz's colorxlate, from colorprocs.h (not installed either).  Every
 * pen and fill colour of the SVG passes through it, about 120 a diagram,
 * and it reads "#rrggbb" with sscanf: 1,900 instructions a colour, 2% of a
 * diagram.  The colours a diagram uses are all "#rrggbb", read here; any
 * other string, or another representation, goes to Graphviz's own. */
int colorxlate(char *str, gvcolor_t *color, color_type_t target_type);

typedef int colorxlate_fn(char *, gvcolor_t *, color_type_t);
static _Atomic(colorxlate_fn *) graphviz_colorxlate;

int colorxlate(char *str, gvcolor_t *color, color_type_t target_type)
{
	if (target_type == RGBA_BYTE && diagram_hex_color_(str, color->u.rgba)) {
		color->type = RGBA_BYTE;
		return COLOR_OK;
	}
	colorxlate_fn *f = atomic_load(&graphviz_colorxlate);
	if (!f) {
		f = (colorxlate_fn *)(uintptr_t)dlsym(RTLD_NEXT, "colorxlate");
		if (!f)
			return COLOR_UNKNOWN;
		atomic_store(&graphviz_colorxlate, f);
	}
	return f(str, color, target_type);
}
#endif

/* ---- the session ---------------------------------------------------- */

/* cairo stamps a PDF with the wall-clock time ("/CreationDate
 * (D:20261202235547Z)"); the 14 digits become the Unix epoch's, in place
 * (the cross-reference offsets stay right), so the same machine gives the
 * same bytes, as for the other formats. */
static void pdf_fixed_date(char *data, size_t len)
{
	static const char key[] = "/CreationDate (D:";
	size_t k = sizeof(key) - 1;
	for (size_t i = 0; i + k + 14 <= len; i++)
		if (data[i] == '/' && !memcmp(data + i, key, k)) {
			memcpy(data + i + k, "19700101000000", 14);
			return;
		}
}

static int render_laid_out(GVC_t *gvc, Agraph_t *g, enum diagram_format fmt,
			   const struct diagram_titles *titles, struct buf *out)
{
	char *data = NULL;
	unsigned int len = 0;
	if (gvLayout(gvc, g, "dot") != 0)
		return -1;
	int rc = gvRenderData(gvc, g, fmt == DIAGRAM_PNG ? "png" :
				      fmt == DIAGRAM_PDF ? "pdf" : "svg", &data, &len);
	if (rc == 0 && data) {
		if (fmt == DIAGRAM_PDF)
			pdf_fixed_date(data, len);
		if (fmt == DIAGRAM_SVG)
			clean_svg(data, len, titles, out);
		else
			buf_add(out, data, len);
	}
	gvFreeRenderData(data);
	gvFreeLayout(gvc, g);
	return rc == 0 && data ? 0 : -1;
}

/* One Graphviz context per process and kind, made on first use and freed
 * at exit: making one (plugin configuration) cost a twentieth of a diagram.
 * A context holds no state from one layout to the next that shows in the
 * output (the golden SVGs of tests/cases/diagram check it), and a forked
 * worker gets its own copy. */
static GVC_t *contexts[2]; /* fixed metrics (SVG, DOT), system (PNG, PDF) */

static void free_contexts(void)
{
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
		if (contexts[i])
			gvFreeContext(contexts[i]);
		contexts[i] = NULL;
	}
}

static GVC_t *context(enum diagram_format fmt)
{
	static int registered;
	size_t k = fmt == DIAGRAM_PNG || fmt == DIAGRAM_PDF;
	if (!contexts[k]) {
		if (!registered && atexit(free_contexts) == 0)
			registered = 1;
		contexts[k] = k ? gvContext() : gvContextPlugins(fixed_builtins, 1);
	}
	return contexts[k];
}

int diagram_render(const struct asl_machine *m,
		   const struct diagram_options *opt, struct buf *out,
		   struct diag_list *diags)
{
	static const struct diagram_options defaults = DIAGRAM_OPTIONS_INIT;
	Agdisc_t disc = { &AgMemDisc, &seq_ids, &buf_io };
	if (!opt)
		opt = &defaults;
	GVC_t *gvc = context(opt->format);
	gv_diags = diags;
	gv_pos = m->pos;
	agusererrf old = agseterrf(on_gv_message);
	struct diagram_titles titles = { STRMAP_INIT, BUF_INIT };
	int svg = opt->format == DIAGRAM_SVG;
	Agraph_t *g = diagram_build_(m, opt, &disc, svg ? &titles : NULL, diags);
	int rc = 0;
	if (opt->format == DIAGRAM_PNG && opt->scale > 0 && opt->scale != 1) {
		char dpi[32]; /* cairo draws PNGs at 96 dpi */
		snprintf(dpi, sizeof(dpi), "%g", 96 * opt->scale);
		agsafeset(g, (char *)"dpi", dpi, (char *)"");
	}
	if (opt->format == DIAGRAM_DOT)
		rc = agwrite(g, out) == 0 ? 0 : -1;
	else
		rc = render_laid_out(gvc, g, opt->format, &titles, out);
	agclose(g);
	strmap_release(&titles.ids);
	buf_release(&titles.text);
	flush_message();
	agseterrf(old);
	gv_diags = NULL;
	if (rc)
		diag_error(diags, m->pos, "diagram/graphviz",
			   "graphviz could not lay out or render the diagram");
	return rc;
}

int diagram_format_from_name(const char *name, enum diagram_format *fmt)
{
	static const struct { const char *name; enum diagram_format fmt; } names[] = {
		{ "svg", DIAGRAM_SVG }, { "dot", DIAGRAM_DOT }, { "png", DIAGRAM_PNG },
		{ "pdf", DIAGRAM_PDF },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name)) {
			*fmt = names[i].fmt;
			return 0;
		}
	return -1;
}

