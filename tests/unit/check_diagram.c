/* check_diagram.c - the diagram renderer and the escaping module.
 * Golden files: every tests/cases/diagram/NAME.asl.{json,yaml} is rendered
 * to SVG and compared byte for byte with NAME.expected.svg; on a mismatch
 * the output is written to NAME.actual.svg and the first differing line is
 * reported.  To accept new output after a deliberate change, run
 *     UPDATE_GOLDEN=1 make check
 * and review the diff of the .expected.svg files before committing. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cgraph.h>
#include <color.h>

#include "asl.h"
#include "buf.h"
#include "diagram.h"
#include "diagram_run.h"
#include "exec.h"
#include "diagram_impl.h"
#include "doc.h"
#include "loader.h"
#include "escape.h"
#include "fileio.h"
#include "banned.h"

#define CASES_DIR "tests/cases/diagram"

/* Under SANITIZE=1, LeakSanitizer reads Graphviz's known leaks from
 * tests/lsan.supp (make check runs from the repository root).  Full stack
 * unwinding lets those suppressions see the Graphviz frames above glib and
 * fontconfig, which are built without frame pointers. */
extern const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "suppressions=tests/lsan.supp:print_suppressions=0";
}

extern const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}
#define MAX_CASES 64

static char *case_names[MAX_CASES]; /* "callback.asl.yaml"... sorted */
static int nr_cases;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_cases(void)
{
	DIR *dir = opendir(CASES_DIR);
	struct dirent *e;
	if (!dir)
		return;
	while ((e = readdir(dir)) && nr_cases < MAX_CASES)
		if (strstr(e->d_name, ".asl.json") || strstr(e->d_name, ".asl.yaml") ||
		    strstr(e->d_name, ".template.yml"))
			case_names[nr_cases++] = strdup(e->d_name);
	closedir(dir);
	qsort(case_names, (size_t)nr_cases, sizeof(char *), by_name);
}

/* Loads CASES_DIR/file through the loader (ASL, or the first machine of a
 * CloudFormation template) and renders it; diags collects the warnings. */
static void render_case(const char *file, const struct diagram_options *opt,
			struct buf *out, struct diag_list *diags)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", CASES_DIR, file);
	struct loaded_file lf;
	ck_assert_msg(loader_load(&lf, path.ptr, NULL, diags) == 0,
		      "cannot load %s", path.ptr);
	struct asl_machine *m = asl_build(lf.machines[0].definition,
					  lf.machines[0].doc, diags);
	ck_assert_int_eq(diagram_render(m, opt, out, diags), 0);
	asl_free(m);
	loader_release(&lf);
	buf_release(&path);
}

static void render_svg(const char *file, struct buf *out)
{
	struct diag_list diags = DIAG_LIST_INIT;
	render_case(file, NULL, out, &diags);
	diag_list_release(&diags);
}

/* Line number (from 1) of the first line where a and b differ. */
static unsigned first_diff_line(const char *a, const char *b)
{
	unsigned line = 1;
	for (; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return line;
}

static const char *line_at(const char *s, unsigned line, struct buf *out)
{
	for (unsigned l = 1; l < line && *s; s++)
		if (*s == '\n')
			l++;
	const char *end = strchr(s, '\n');
	buf_reset(out);
	buf_add(out, s, end ? (size_t)(end - s) : strlen(s));
	return out->ptr;
}

START_TEST(golden_svg)
{
	const char *file = case_names[_i];
	size_t stem = strcspn(file, ".");
	struct buf svg = BUF_INIT, want = BUF_INIT, path = BUF_INIT, la = BUF_INIT, lb = BUF_INIT;
	const char *why = NULL;
	render_svg(file, &svg);
	buf_addf(&path, "%s/%.*s.expected.svg", CASES_DIR, (int)stem, file);
	if (getenv("UPDATE_GOLDEN")) {
		ck_assert_int_eq(fileio_write_atomic(path.ptr, svg.ptr, svg.len), 0);
	} else if (fileio_read(path.ptr, &want, &why) ||
		   want.len != svg.len || memcmp(want.ptr, svg.ptr, svg.len)) {
		unsigned line = first_diff_line(want.ptr, svg.ptr);
		buf_reset(&path);
		buf_addf(&path, "%s/%.*s.actual.svg", CASES_DIR, (int)stem, file);
		fileio_write_atomic(path.ptr, svg.ptr, svg.len);
		ck_abort_msg("%s differs at line %u (output in %s; UPDATE_GOLDEN=1 "
			     "accepts it)\n  want: %s\n  got:  %s", file, line, path.ptr,
			     line_at(want.ptr, line, &la), line_at(svg.ptr, line, &lb));
	}
	buf_release(&svg);
	buf_release(&want);
	buf_release(&path);
	buf_release(&la);
	buf_release(&lb);
}
END_TEST

START_TEST(deterministic)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	render_svg("map_parallel.asl.yaml", &a);
	render_svg("map_parallel.asl.yaml", &b);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len)) {
		fileio_write_atomic("/tmp/det_a.svg", a.ptr, a.len);
		fileio_write_atomic("/tmp/det_b.svg", b.ptr, b.len);
	}
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(memcmp(a.ptr, b.ptr, a.len) == 0);
	ck_assert_ptr_null(strstr(a.ptr, "Generated by"));
	ck_assert_ptr_null(strstr(a.ptr, "<!--"));
	buf_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(ids_and_titles)
{
	struct buf svg = BUF_INIT;
	render_svg("callback.asl.yaml", &svg);
	/* hover text: the full name and detail, not Graphviz's node names */
	ck_assert_ptr_nonnull(strstr(svg.ptr, "<g id=\"state-SendWait\" class=\"node state task\">\n<title>SendWait\nTask"));
	ck_assert_ptr_null(strstr(svg.ptr, "<title>~"));
	ck_assert_ptr_null(strstr(svg.ptr, "-&gt;"));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "id=\"state-FirstState\" class=\"node state wait\""));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "id=\"state-SendWait_catch1\" class=\"edge catch\""));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "heartbeat 60 s"));
	buf_release(&svg);
}
END_TEST

/* Long names wrap whole; a Catch lists its errors; a Fail in a branch has
 * no edge to the join bar; hover texts say the full name and detail. */
START_TEST(long_names_wrap)
{
	struct buf svg = BUF_INIT;
	render_svg("long_names.asl.yaml", &svg);
	static const char *const lines[] = {
		">Wait For Other Processes</text>", ">to Complete or For Time</text>",
		">Out (first)</text>", ">Out (second)</text>",
		">Lambda.TooManyRequestsException +1</text>",
		">Record The Failure In The</text>",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		ck_assert_msg(strstr(svg.ptr, lines[i]), "no line %s", lines[i]);
	/* nothing cut but the detail line of a long resource (hover has it) */
	const char *cut = strstr(svg.ptr, "\xE2\x80\xA6</text>");
	ck_assert_ptr_nonnull(cut);
	ck_assert_ptr_null(strstr(cut + 1, "\xE2\x80\xA6</text>"));
	ck_assert(!strncmp(cut - 13, "name-for-wait", 13));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "<title>Wait For Other Processes to Complete or "
					      "For Time Out (second)\nTask \xC2\xB7 arn:aws:lambda:"
					      "eu-west-1:123456789012:function:an-extremely-long-"
					      "function-name-for-waiting\nthe hover text ends with the "
					      "state&#39;s comment</title>"));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "<title>Check The Primary Region For Pending "
					      "Orders \xE2\x86\x92 Orders Are Still Pending In The "
					      "Primary Region: $.pending &gt; 0</title>"));
	/* the Fail in a branch: no edge out; the Succeed beside it joins */
	ck_assert_ptr_null(strstr(svg.ptr, "Pending-In-The-Primary-Region"));
	ck_assert_ptr_null(strstr(svg.ptr, "_end\" class=\"edge end\">\n<title>Orders"));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "<title>Primary Region Is Clear \xE2\x86\x92 "
					      "end of the branch</title>"));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "<title>Record The Failure In The Audit Table "
					      "Before Giving Up \xE2\x86\x92 End</title>"));
	buf_release(&svg);
}
END_TEST

START_TEST(hostile_names_escaped)
{
	struct buf svg = BUF_INIT;
	render_svg("escaping.asl.json", &svg);
	ck_assert_ptr_null(strstr(svg.ptr, "<script"));
	ck_assert_ptr_null(strstr(svg.ptr, "<g onload"));
	ck_assert_ptr_null(strstr(svg.ptr, "<b>"));
	/* the name as text and as <title>, each character escaped */
	ck_assert_ptr_nonnull(strstr(svg.ptr, ">&lt;script&gt;&amp;&quot;&#39;</text>"));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "<title>&lt;script&gt;&amp;&quot;&#39;\nPass</title>"));
	/* Graphviz's \N and \G were not expanded */
	ck_assert_ptr_nonnull(strstr(svg.ptr, ">a\\N b\\G</text>"));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "Größe ✓"));
	buf_release(&svg);
}
END_TEST

START_TEST(dot_reads_back)
{
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf dot = BUF_INIT;
	opt.format = DIAGRAM_DOT;
	render_case("escaping.asl.json", &opt, &dot, &diags);
	Agraph_t *g = agmemread(dot.ptr);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(agnnodes(g), 6); /* 4 states, Start, End */
	agclose(g);
	buf_release(&dot);
	diag_list_release(&diags);
}
END_TEST

START_TEST(png_renders)
{
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf png = BUF_INIT;
	opt.format = DIAGRAM_PNG;
	render_case("callback.asl.yaml", &opt, &png, &diags);
	ck_assert_uint_gt(png.len, 1000);
	ck_assert(memcmp(png.ptr, "\x89PNG\r\n\x1a\n", 8) == 0);
	ck_assert_uint_eq(diags.nr, 0);
	buf_release(&png);
	diag_list_release(&diags);
}
END_TEST

/* The width and height a PNG's IHDR chunk gives. */
static void png_size(const struct buf *png, unsigned *w, unsigned *h)
{
	const unsigned char *p = (const unsigned char *)png->ptr + 16;
	ck_assert_uint_gt(png->len, 24);
	*w = (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
	*h = (unsigned)p[4] << 24 | (unsigned)p[5] << 16 | (unsigned)p[6] << 8 | p[7];
}

/* --scale 2 doubles both sides (192 dpi instead of cairo's 96). */
START_TEST(png_scales)
{
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf one = BUF_INIT, two = BUF_INIT;
	unsigned w1, h1, w2, h2;
	opt.format = DIAGRAM_PNG;
	render_case("hello.asl.yaml", &opt, &one, &diags);
	opt.scale = 2;
	render_case("hello.asl.yaml", &opt, &two, &diags);
	png_size(&one, &w1, &h1);
	png_size(&two, &w2, &h2);
	ck_assert_uint_eq(w2, 2 * w1);
	ck_assert_uint_eq(h2, 2 * h1);
	buf_release(&one);
	buf_release(&two);
	diag_list_release(&diags);
}
END_TEST

/* Whether the bytes of b hold s (binary-safe strstr). */
static int holds(const struct buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= b->len; i++)
		if (!memcmp(b->ptr + i, s, n))
			return 1;
	return 0;
}

/* cairo's PDF, with its creation date fixed: the same bytes every time. */
START_TEST(pdf_renders)
{
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf a = BUF_INIT, b = BUF_INIT;
	opt.format = DIAGRAM_PDF;
	render_case("callback.asl.yaml", &opt, &a, &diags);
	render_case("callback.asl.yaml", &opt, &b, &diags);
	ck_assert(a.len > 1000 && !memcmp(a.ptr, "%PDF-", 5));
	ck_assert(holds(&a, "/CreationDate (D:19700101000000"));
	ck_assert(holds(&a, "%%EOF"));
	ck_assert(a.len == b.len && !memcmp(a.ptr, b.ptr, a.len));
	ck_assert_uint_eq(diags.nr, 0);
	buf_release(&a);
	buf_release(&b);
	diag_list_release(&diags);
}
END_TEST

START_TEST(missing_targets_warn)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf svg = BUF_INIT;
	render_case("missing.asl.yaml", NULL, &svg, &diags);
	ck_assert_uint_eq(diags.warnings, 3);
	ck_assert_uint_eq(diags.errors, 0);
	ck_assert_str_eq(diags.items[0].rule, "diagram/missing-target");
	ck_assert_ptr_nonnull(strstr(svg.ptr, ">missing: Finsh</text>"));
	buf_release(&svg);
	diag_list_release(&diags);
}
END_TEST

static enum diagram_status run_state(const struct asl_state *s, void *ctx)
{
	(void)ctx;
	if (!strcmp(s->name, "SendWait"))
		return DIAGRAM_CAUGHT;
	if (!strcmp(s->name, "TimeoutState") || !strcmp(s->name, "FirstState"))
		return DIAGRAM_SUCCEEDED;
	return DIAGRAM_NOT_TAKEN;
}

static enum diagram_status run_edge(const struct asl_state *from,
				    enum diagram_edge_kind kind, size_t index,
				    void *ctx)
{
	(void)ctx;
	if (!strcmp(from->name, "SendWait"))
		return kind == DIAGRAM_EDGE_CATCH && index == 0 ? DIAGRAM_CAUGHT
								 : DIAGRAM_NOT_TAKEN;
	return DIAGRAM_SUCCEEDED;
}

START_TEST(highlight_classes)
{
	struct diagram_highlight hl = { run_state, run_edge, NULL };
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf svg = BUF_INIT;
	opt.highlight = &hl;
	opt.id_prefix = "run1-<x>";
	render_case("callback.asl.yaml", &opt, &svg, &diags);
	ck_assert_ptr_nonnull(strstr(svg.ptr, "id=\"run1-xstate-SendWait\" class=\"node state task run-caught\""));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "id=\"run1-xstate-SendWait_catch1\" class=\"edge catch run-caught\""));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "class=\"edge next run-not-taken\""));
	ck_assert_ptr_nonnull(strstr(svg.ptr, "class=\"node state fail run-not-taken\""));
	ck_assert_ptr_null(strstr(svg.ptr, "id=\"state-"));
	buf_release(&svg);
	diag_list_release(&diags);
}
END_TEST

static const char *html(const char *s, size_t len, int attr)
{
	static struct buf out = BUF_INIT;
	buf_reset(&out);
	if (attr)
		escape_attr(&out, s, len);
	else
		escape_html(&out, s, len);
	return out.ptr;
}

START_TEST(escape_text_and_attr)
{
	ck_assert_str_eq(html("<a href=\"x\">&'", 14, 0),
			 "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
	ck_assert_str_eq(html("a\nb\tc", 5, 0), "a\nb\tc");
	ck_assert_str_eq(html("a\nb\tc", 5, 1), "a&#10;b&#9;c");
	/* invalid UTF-8, a lone surrogate, C0 controls: U+FFFD each */
	ck_assert_str_eq(html("x\xC3(\xED\xA0\x80\x01\x7F", 8, 0),
			 "x\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	ck_assert_str_eq(html("Größe ✓", strlen("Größe ✓"), 0), "Größe ✓");
	struct buf b = BUF_INIT;
	escape_gv_label(&b, "a\\N<", 4);
	ck_assert_str_eq(b.ptr, "a\\\\N&lt;");
	buf_release(&b);
}
END_TEST

static const char *state_id(const char *name)
{
	static struct buf out = BUF_INIT;
	buf_reset(&out);
	escape_state_id(&out, name, strlen(name));
	return out.ptr;
}

START_TEST(escape_state_ids)
{
	ck_assert_str_eq(state_id("SendWait"), "state-SendWait");
	ck_assert_str_eq(state_id("send-wait-2"), "state-send-wait-2");
	ck_assert_str_eq(state_id("Send email!"), "state-Send-email_b30ed49a");
	ck_assert_str_eq(state_id("<script>&\"'"), "state-script_1aa4c5c3");
	ck_assert_str_eq(state_id(""), "state-_811c9dc5");
	/* case kept, so these differ; '_' only in hashed ids */
	ck_assert_str_ne(state_id("a_b"), "state-a_b");
	char *one = strdup(state_id("Send email"));
	ck_assert_str_ne(one, state_id("Send  email"));
	free(one);
	/* the plain form holds up to 64 bytes (ID_PLAIN_MAX), hashed above */
	char name[80];
	memset(name, 'A', 64);
	name[64] = '\0';
	ck_assert_uint_eq(strlen(state_id(name)), strlen("state-") + 64);
	ck_assert_ptr_null(strchr(state_id(name), '_'));
	name[64] = 'A';
	name[65] = '\0';
	ck_assert_uint_eq(strlen(state_id(name)), strlen("state-") + 32 + 9);
	ck_assert_ptr_nonnull(strchr(state_id(name), '_'));
	/* long names are cut to a 32-byte slug */
	ck_assert_uint_eq(strlen(state_id("a b c d e f g h i j k l m n o p q r s t u v w x y z")),
			  strlen("state-") + 31 + 9);
}
END_TEST

/* Graphviz 2.43's gvprintdouble, which diagram_hundredths_ replaces. */
static void graphviz_number(char *buf, size_t size, double num)
{
	if (num > -0.005 && num < 0.005)
		num = 0;
	snprintf(buf, size, "%.02f", num);
	char *dot = strchr(buf, '.'), *end = buf + strlen(buf);
	while (dot && end > dot + 1 && end[-1] == '0')
		*--end = '\0';
	if (dot && end == dot + 1)
		*dot = '\0';
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_number(double x)
{
	char got[32], want[64];
	size_t len = diagram_hundredths_(got, x);
	if (!len)
		return; /* out of range: Graphviz's own code writes it */
	graphviz_number(want, sizeof(want), x);
	ck_assert_msg(!strcmp(got, want), "%.17g: %s, Graphviz writes %s", x,
		      got, want);
	ck_assert_uint_eq(len, strlen(got));
}

/* The same bytes as snprintf for coordinates (random, on and near the
 * ties of rounding to hundredths) and for every double's bit pattern. */
START_TEST(svg_numbers_as_graphviz)
{
	static const double edges[] = { 0, -0.0, 0.005, -0.005, 0.0049999,
		0.015, 0.125, -0.125, 2.675, 1.005, 99.995, -99.995, 0.5, 1e14,
		-1e14, 1e15, 123456789.125, 1e-300 };
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_number(edges[i]);
	uint64_t seed = 88172645463325252ull;
	for (int i = 0; i < 300000; i++) {
		uint64_t r = xorshift(&seed);
		int64_t k = (int64_t)(r % 4000000) - 2000000;
		check_number((double)k / 800.0);           /* exact ties: k/8 */
		check_number((double)k / 200.0 + 1e-13);   /* just off a tie */
		check_number((double)(r >> 11) / 9007199254740992.0 * 4000 - 2000);
		double bits;
		memcpy(&bits, &r, sizeof(bits));
		check_number(isfinite(bits) ? fmod(bits, 1e6) : 1.5);
	}
}
END_TEST

static size_t format(char *out, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	size_t n = diagram_format_(out, size, f, ap);
	va_end(ap);
	return n;
}

/* diagram_format_ against snprintf, the same arguments to both. */
#define CHECK_FORMAT(...) do { \
		char got_[256], want_[256]; \
		size_t n_ = format(got_, sizeof(got_), __VA_ARGS__); \
		int w_ = snprintf(want_, sizeof(want_), __VA_ARGS__); \
		ck_assert_uint_eq(n_, (size_t)w_); \
		ck_assert_msg(!memcmp(got_, want_, n_ + 1), "'%s': got '%s', " \
			      "snprintf writes '%s'", #__VA_ARGS__, got_, want_); \
	} while (0)

/* gvprintf's fast path writes what vsnprintf writes for the formats of
 * Graphviz's SVG output (and ones like them), and leaves the rest alone. */
START_TEST(svg_printf_as_graphviz)
{
	char out[16];
	CHECK_FORMAT("%c", 'M');
	CHECK_FORMAT("#%02x%02x%02x", 0, 0x7f, 255);
	CHECK_FORMAT(" fill=\"#%02x%02x%02x\"", 0x1d, 0x4e, 0xd8);
	CHECK_FORMAT("\" class=\"%s", "state task");
	CHECK_FORMAT(" font-family=\"%s\"", "Helvetica,sans-Serif");
	CHECK_FORMAT("<svg width=\"%dpt\" height=\"%dpt\"\n", 281, 1109);
	CHECK_FORMAT(" viewBox=\"%.2f %.2f %.2f %.2f\"", 0.0, -0.0, 280.5, 1108.995);
	CHECK_FORMAT(") rotate(%d) translate(", -90);
	CHECK_FORMAT("%d %d %5d %05d %x %8x %%", INT_MIN, INT_MAX, -42, -42, 0u, 0xdeadbeefu);
	CHECK_FORMAT("no conversion at all");
	CHECK_FORMAT("%s%s", "", "x");
	uint64_t seed = 2463534242ull;
	for (int i = 0; i < 200000; i++) {
		uint64_t r = xorshift(&seed);
		int64_t k = (int64_t)(r % 4000000) - 2000000;
		CHECK_FORMAT("%.2f", (double)k / 800.0);         /* exact ties */
		CHECK_FORMAT("%.2f", (double)k / 200.0 - 1e-13); /* near them */
		CHECK_FORMAT("%.2f|%d|%02x", (double)(r >> 11) / 9007199254740992.0 * 2e6 - 1e6,
			     (int)(r >> 32), (unsigned)(r & 0xff));
	}
	/* Graphviz's own vsnprintf writes these */
	ck_assert_uint_eq(format(out, sizeof(out), "%g", 1.5), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "%ld", 1L), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "%.3f", 1.5), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "%-5d", 1), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "%5s", "a"), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "%s", (char *)NULL), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "%.2f", 1e300), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "%.2f", NAN), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "trailing %"), SIZE_MAX);
	/* what does not fit */
	ck_assert_uint_eq(format(out, sizeof(out), "%s", "sixteen bytes..."), SIZE_MAX);
	ck_assert_uint_eq(format(out, sizeof(out), "fifteen bytes.."), 15);
	ck_assert_uint_eq(format(out, sizeof(out), "sixteen bytes..."), SIZE_MAX);
}
END_TEST

/* diagram_hex_color_ reads what Graphviz's colorxlate reads for "#rrggbb"
 * (the test compares with the library's own function, found past the
 * program's), and nothing else: other colours stay Graphviz's. */
START_TEST(svg_colours_as_graphviz)
{
	static const char *const others[] = { "#abc", "#12345", "#1234567",
		"#12345678", "red", " #123456", "#12 456", "#0x1234", "#gg0000",
		"", "#", "transparent", "#-12345", "#+12345" };
	unsigned char rgba[4];
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ck_assert_msg(!diagram_hex_color_(others[i], rgba), "'%s'", others[i]);
	typedef int colorxlate_fn(char *, gvcolor_t *, color_type_t);
	colorxlate_fn *graphviz = (colorxlate_fn *)(uintptr_t)dlsym(RTLD_NEXT, "colorxlate");
	ck_assert_ptr_nonnull(graphviz);
	uint64_t seed = 1181783497276652981ull;
	for (int i = 0; i < 100000; i++) {
		uint64_t r = xorshift(&seed);
		char s[8];
		snprintf(s, sizeof(s), i & 1 ? "#%06x" : "#%06X", (unsigned)(r & 0xffffff));
		gvcolor_t want;
		memset(&want, 0, sizeof(want));
		ck_assert_int_eq(graphviz(s, &want, RGBA_BYTE), COLOR_OK);
		ck_assert_int_eq(diagram_hex_color_(s, rgba), 1);
		ck_assert_msg(!memcmp(rgba, want.u.rgba, 4), "%s", s);
	}
}
END_TEST

/* A run's view survives being written and read back (the site checks in
 * another process): the same bytes again, the same highlighted SVG. */
START_TEST(run_view_round_trip)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/choice.asl.yaml", CASES_DIR);
	struct loaded_file lf;
	ck_assert_int_eq(loader_load(&lf, path.ptr, NULL, &diags), 0);
	struct asl_machine *m = asl_build(lf.machines[0].definition,
					  lf.machines[0].doc, &diags);
	cJSON *input = cJSON_Parse("{\"inputNum\": 1, \"kind\": \"gold\", "
				   "\"blocked\": false}");
	struct exec_options o;
	memset(&o, 0, sizeof(o));
	o.name = "Choice";
	struct exec_result r;
	exec_run(m, input, &o, &r);
	ck_assert_uint_gt(r.nr_visits, 1);
	struct diagram_run *v = diagram_run_new(&r);
	struct buf once = BUF_INIT, twice = BUF_INIT;
	diagram_run_write(v, &once);
	const char *p = once.ptr;
	struct diagram_run *back = diagram_run_read(&p, once.ptr + once.len);
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_eq(p, once.ptr + once.len);
	diagram_run_write(back, &twice);
	ck_assert_str_eq(once.ptr, twice.ptr);
	struct diagram_highlight h1 = diagram_run_highlight(v);
	struct diagram_highlight h2 = diagram_run_highlight(back);
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct buf svg1 = BUF_INIT, svg2 = BUF_INIT;
	opt.highlight = &h1;
	ck_assert_int_eq(diagram_render(m, &opt, &svg1, &diags), 0);
	opt.highlight = &h2;
	ck_assert_int_eq(diagram_render(m, &opt, &svg2, &diags), 0);
	ck_assert_str_eq(svg1.ptr, svg2.ptr);
	ck_assert_ptr_nonnull(strstr(svg1.ptr, "run-succeeded"));
	/* truncated bytes are refused, not misread */
	p = once.ptr;
	ck_assert_ptr_null(diagram_run_read(&p, once.ptr + once.len - 2));
	diagram_run_free(v);
	diagram_run_free(back);
	buf_release(&once);
	buf_release(&twice);
	buf_release(&svg1);
	buf_release(&svg2);
	exec_result_release(&r);
	cJSON_Delete(input);
	asl_free(m);
	loader_release(&lf);
	buf_release(&path);
	diag_list_release(&diags);
}
END_TEST

extern Suite *diagram_suite(void);
Suite *diagram_suite(void)
{
	Suite *s = suite_create("diagram");
	TCase *tc = tcase_create("diagram");
	find_cases();
	tcase_add_loop_test(tc, golden_svg, 0, nr_cases);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, run_view_round_trip);
	tcase_add_test(tc, ids_and_titles);
	tcase_add_test(tc, hostile_names_escaped);
	tcase_add_test(tc, long_names_wrap);
	tcase_add_test(tc, dot_reads_back);
	tcase_add_test(tc, png_renders);
	tcase_add_test(tc, png_scales);
	tcase_add_test(tc, pdf_renders);
	tcase_add_test(tc, missing_targets_warn);
	tcase_add_test(tc, highlight_classes);
	tcase_add_test(tc, escape_text_and_attr);
	tcase_add_test(tc, escape_state_ids);
	tcase_add_test(tc, svg_numbers_as_graphviz);
	tcase_add_test(tc, svg_printf_as_graphviz);
	tcase_add_test(tc, svg_colours_as_graphviz);
	suite_add_tcase(s, tc);
	return s;
}
