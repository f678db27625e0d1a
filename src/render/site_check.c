/* site_check.c - what `stepbook check` says of the course, shown on the
 * site: each code block it checked carries a mark (verified, check failed,
 * not checked), and an image titled "input=NAME" is drawn with the path the
 * page's example NAME took.  The gate runs once per build with the course's
 * own stepbook.yml; a failing check does not fail the build (that is
 * `stepbook check`'s job), it shows.  A full build runs the gate in a
 * forked process while the parent reads the theme and the pages (a core
 * that would otherwise wait); the child hands back its marks and runs as
 * bytes, and anything that goes wrong there runs the gate in the parent.
 * Not here: the checks (gate.h), drawing (site_svg.c). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diagram_run.h"
#include "fileio.h"
#include "gate.h"
#include "site_impl.h"
#include "xalloc.h"
#include "banned.h"

/* The course-relative path of a file the gate named (ROOT/REL, or REL when
 * the root is "."); NULL when it is not under the root. */
static const char *course_rel(const struct site *s, const char *file)
{
	const char *root = s->opt->course;
	size_t n = strlen(root);
	if (!strcmp(root, "."))
		return file;
	if (strncmp(file, root, n) || file[n] != '/')
		return NULL;
	return file + n + strspn(file + n, "/");
}

static void key(struct buf *k, const char *page, const char *what)
{
	buf_reset(k);
	buf_adds(k, page);
	buf_addc(k, '\n');
	buf_adds(k, what);
}

/* Failed outranks passed, which outranks skipped. */
static int rank(enum html_check c)
{
	return c == HTML_CHECK_FAILED ? 3 : c == HTML_CHECK_PASSED ? 2 : 1;
}

static void mark(struct site *s, const char *page, unsigned line,
		 enum html_check check)
{
	if (!line)
		return;
	char num[24];
	struct buf k = BUF_INIT;
	snprintf(num, sizeof(num), "%u", line);
	key(&k, page, num);
	uintptr_t old = (uintptr_t)strmap_get(&s->marks, k.ptr, k.len);
	if (!old || rank((enum html_check)old) < rank(check))
		strmap_put(&s->marks, k.ptr, k.len, (void *)(uintptr_t)check);
	buf_release(&k);
}

/* ---- the failing cases, for the terminal and the serve overlay ---------- */

static const char *const rule_of[] = {
	[GATE_SNIPPET] = "check/snippet", [GATE_LINK] = "check/link",
	[GATE_SAVED_STEP] = "check/saved-step", [GATE_STEP] = "check/step",
};

/* Kinds index rule_of: -1 when k is not one (bytes from the child). */
static int kind_ok(long k)
{
	return k >= 0 && k < (long)(sizeof(rule_of) / sizeof(*rule_of));
}

/* One line for failing case k: at its place, "NAME: WHY"; a case with no
 * place of its own (a saved step that does not validate) is put at its
 * first located error, "WHY: THAT ERROR". */
static void add_failure(struct diag_list *l, const struct gate_case *k)
{
	const struct diag *d = NULL;
	for (size_t i = 0; !k->pos.line && !d && i < k->diags.nr; i++)
		if (k->diags.items[i].pos.line)
			d = &k->diags.items[i];
	const char *why = k->message ? k->message : "failed";
	if (d) {
		diag_error(l, d->pos, rule_of[k->kind], "%s: %s", why, d->message);
		return;
	}
	struct pos p = { k->file, k->pos.line, k->pos.col };
	if (k->message)
		diag_error(l, p, rule_of[k->kind], "%s: %s", k->name, k->message);
	else
		diag_error(l, p, rule_of[k->kind], "%s", k->name);
}

static void on_example(void *ctx, const struct gate_example *ex)
{
	struct site *s = ctx;
	struct buf k = BUF_INIT;
	key(&k, ex->page, ex->input);
	struct diagram_run *old = strmap_get(&s->runs, k.ptr, k.len);
	diagram_run_free(old); /* the page ran NAME twice: the last run counts */
	strmap_put(&s->runs, k.ptr, k.len, diagram_run_new(ex->result));
	cJSON *rec = site_panel_record_(ex->result);
	cJSON_Delete(strmap_get(&s->panels, k.ptr, k.len));
	strmap_put(&s->panels, k.ptr, k.len, rec); /* NULL: no panels */
	buf_release(&k);
}

void site_check_reap_(struct site *s)
{
	if (s->check_pid > 0) { /* the build stopped before collecting it */
		while (waitpid(s->check_pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(s->check_fd);
		s->check_pid = -1;
	}
}

void site_check_free_(struct site *s)
{
	site_check_reap_(s);
	for (size_t i = 0; i < s->runs.nr; i++)
		diagram_run_free(s->runs.entries[i].value);
	strmap_release(&s->runs);
	for (size_t i = 0; i < s->panels.nr; i++)
		cJSON_Delete(s->panels.entries[i].value);
	strmap_release(&s->panels);
	strmap_release(&s->marks);
	diag_list_release(&s->check_failed);
}

static void reset(struct site *s)
{
	site_check_free_(s);
	strmap_init(&s->marks);
	strmap_init(&s->runs);
	strmap_init(&s->panels);
}

/* Runs the gate; each example's run goes to on_run, each case to marks. */
static void run_gate(struct site *s,
		     void (*on_run)(void *ctx, const struct gate_example *ex),
		     void *ctx)
{
	static const enum html_check of_status[] = {
		[GATE_PASS] = HTML_CHECK_PASSED, [GATE_FAIL] = HTML_CHECK_FAILED,
		[GATE_SKIP] = HTML_CHECK_SKIPPED,
	};
	struct gate_options opt = { s->opt->course, NULL, 0, on_run, ctx };
	struct gate_run run = GATE_RUN_INIT;
	gate_course(&run, &opt);
	for (size_t i = 0; i < run.nr; i++) {
		const struct gate_case *k = &run.cases[i];
		const char *page = course_rel(s, k->file);
		if (!page)
			continue;
		mark(s, page, k->block_line, of_status[k->status]);
		mark(s, page, k->output_line, of_status[k->status]);
	}
	for (size_t i = 0; i < run.nr; i++)
		if (run.cases[i].status == GATE_FAIL)
			add_failure(&s->check_failed, &run.cases[i]);
	gate_run_release(&run);
}

void site_check_course_(struct site *s)
{
	reset(s);
	run_gate(s, on_example, s);
}

/* ---- in another process ---------------------------------------------------
 * The child writes "LEN:KEY CHECK\n" per mark, then "-\n", then per failing
 * case "LEN:FILE LINE COL KIND LEN:MESSAGE \n", then "-\n", then per run
 * "LEN:KEY ", the run (diagram_run_write) and "LEN:RECORD " (its data-flow
 * record as JSON text, site_panel.c; empty when it has none). */

static void put_key(struct buf *b, const char *key, size_t len)
{
	buf_addf(b, "%zu:", len);
	buf_add(b, key, len);
	buf_addc(b, ' ');
}

static void write_run(void *ctx, const struct gate_example *ex)
{
	struct buf *b = ctx, k = BUF_INIT;
	key(&k, ex->page, ex->input);
	struct diagram_run *v = diagram_run_new(ex->result);
	put_key(b, k.ptr, k.len);
	diagram_run_write(v, b);
	diagram_run_free(v);
	cJSON *rec = site_panel_record_(ex->result);
	char *text = rec ? cJSON_PrintUnformatted(rec) : NULL;
	put_key(b, text ? text : "", text ? strlen(text) : 0);
	cJSON_free(text);
	cJSON_Delete(rec);
	buf_release(&k);
}

static void write_failures(const struct diag_list *l, struct buf *b)
{
	for (size_t i = 0; i < l->nr; i++) {
		const struct diag *d = &l->items[i];
		int kind = 0;
		while (strcmp(rule_of[kind], d->rule))
			kind++;
		put_key(b, d->file, strlen(d->file));
		buf_addf(b, "%u %u %d ", d->pos.line, d->pos.col, kind);
		put_key(b, d->message, strlen(d->message));
		buf_addc(b, '\n');
	}
	buf_adds(b, "-\n");
}

static void child(struct site *s, int fd)
{
	struct buf runs = BUF_INIT, all = BUF_INIT;
	run_gate(s, write_run, &runs);
	for (size_t i = 0; i < s->marks.nr; i++) {
		const struct strmap_entry *e = &s->marks.entries[i];
		put_key(&all, e->key, e->keylen);
		buf_addf(&all, "%d\n", (int)(uintptr_t)e->value);
	}
	buf_adds(&all, "-\n");
	write_failures(&s->check_failed, &all);
	buf_add(&all, runs.ptr, runs.len);
	_exit(fileio_write_fd(fd, all.ptr, all.len) ? 1 : 0);
}

/* "LEN:KEY " at *p: the key's bytes in k.  0 or -1. */
static int get_key(const char **p, const char *end, struct buf *k)
{
	size_t len = 0;
	const char *q = *p;
	while (q < end && *q >= '0' && *q <= '9' && len < FILEIO_MAX_BYTES)
		len = len * 10 + (size_t)(*q++ - '0');
	if (q >= end || *q++ != ':' || len >= (size_t)(end - q) || q[len] != ' ')
		return -1;
	buf_reset(k);
	buf_add(k, q, len);
	*p = q + len + 1;
	return 0;
}

/* "N " at *p, N in [0, max].  0 or -1. */
static int get_num(const char **p, const char *end, long max, long *n)
{
	char *next;
	if (*p >= end || **p < '0' || **p > '9')
		return -1;
	*n = strtol(*p, &next, 10);
	if (next >= end || *next != ' ' || *n > max)
		return -1;
	*p = next + 1;
	return 0;
}

/* The failing cases the child wrote, up to and past their "-\n".  0 or -1. */
static int read_failures(struct site *s, const char **p, const char *end)
{
	struct buf file = BUF_INIT, msg = BUF_INIT;
	long line, col, kind;
	int status = 0;
	while (!status && *p < end && **p != '-') {
		status = get_key(p, end, &file) || get_num(p, end, UINT32_MAX, &line) ||
			 get_num(p, end, UINT32_MAX, &col) ||
			 get_num(p, end, LONG_MAX, &kind) || !kind_ok(kind) ||
			 get_key(p, end, &msg) || *p >= end || *(*p)++ != '\n' ? -1 : 0;
		struct pos at = { file.ptr, (unsigned)line, (unsigned)col };
		if (!status)
			diag_error(&s->check_failed, at, rule_of[kind], "%s", msg.ptr);
	}
	if (!status && (end - *p < 2 || (*p)[0] != '-' || (*p)[1] != '\n'))
		status = -1;
	*p += 2;
	buf_release(&file);
	buf_release(&msg);
	return status;
}

/* Reads what the child wrote.  0, or -1 when it is not all there. */
static int read_results(struct site *s, const char *p, const char *end)
{
	struct buf k = BUF_INIT;
	int status = 0;
	while (!status && p < end && *p != '-') {
		char *next;
		status = get_key(&p, end, &k);
		long check = status ? 0 : strtol(p, &next, 10);
		if (status || next >= end || *next != '\n' ||
		    check < HTML_CHECK_PASSED || check > HTML_CHECK_SKIPPED) {
			status = -1;
			break;
		}
		strmap_put(&s->marks, k.ptr, k.len, (void *)(uintptr_t)check);
		p = next + 1;
	}
	if (!status && (end - p < 2 || p[0] != '-' || p[1] != '\n'))
		status = -1;
	p += 2;
	if (!status)
		status = read_failures(s, &p, end);
	struct buf text = BUF_INIT;
	while (!status && p < end) {
		struct diagram_run *v = NULL;
		cJSON *rec = NULL;
		if (get_key(&p, end, &k) || !(v = diagram_run_read(&p, end)) ||
		    get_key(&p, end, &text) ||
		    (text.len && !(rec = cJSON_ParseWithLength(text.ptr, text.len)))) {
			diagram_run_free(v);
			status = -1;
			break;
		}
		diagram_run_free(strmap_get(&s->runs, k.ptr, k.len));
		strmap_put(&s->runs, k.ptr, k.len, v);
		cJSON_Delete(strmap_get(&s->panels, k.ptr, k.len));
		strmap_put(&s->panels, k.ptr, k.len, rec); /* NULL: no panels */
	}
	buf_release(&text);
	buf_release(&k);
	return status;
}

void site_check_start_(struct site *s)
{
	reset(s);
	s->check_pid = -1;
	if (s->opt->jobs == 1)
		return;
	int fd = site_scratch_file_(s, ".check");
	if (fd < 0)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		child(s, fd);
	if (pid < 0) {
		close(fd);
		return;
	}
	s->check_pid = pid;
	s->check_fd = fd;
}

/* waitpid for the check child, again after a signal. */
static pid_t reap(pid_t child, int *exit_status, int options)
{
	pid_t pid;
	while ((pid = waitpid(child, exit_status, options)) < 0 && errno == EINTR)
		;
	return pid;
}

void site_check_finish_(struct site *s)
{
	int status = -1, exit_status;
	if (s->check_pid > 0) {
		/* the check is longer than reading the pages: rather than wait
		 * for it, this core draws figures the pages will need */
		pid_t pid;
		while (!(pid = reap(s->check_pid, &exit_status, WNOHANG)) &&
		       !site_pool_draw_next_(s))
			;
		if (!pid)
			pid = reap(s->check_pid, &exit_status, 0);
		struct buf text = BUF_INIT;
		const char *why;
		/* the child's writes moved the offset the two share */
		if (pid == s->check_pid && WIFEXITED(exit_status) &&
		    !WEXITSTATUS(exit_status) && lseek(s->check_fd, 0, SEEK_SET) == 0 &&
		    !fileio_read_fd(s->check_fd, &text, &why))
			status = read_results(s, text.ptr, text.ptr + text.len);
		buf_release(&text);
		close(s->check_fd);
		s->check_pid = -1;
	}
	if (status) /* no child, or it failed: check here */
		site_check_course_(s);
}

/* ---- what a new check changes ----------------------------------------------
 * Per page, the bytes of what its HTML shows of the check: its marks and
 * its examples' runs, in the order the check found them. */

static struct buf *page_bytes(struct strmap *pages, const char *key, size_t len)
{
	size_t n = strcspn(key, "\n");
	struct buf *b = strmap_get(pages, key, n);
	if (!b) {
		b = xcalloc(1, sizeof(*b));
		buf_init(b);
		strmap_put(pages, key, n, b);
	}
	buf_add(b, key + n, len - n);
	return b;
}

static void fingerprint(const struct site *s, struct strmap *pages)
{
	strmap_init(pages);
	for (size_t i = 0; i < s->marks.nr; i++) {
		const struct strmap_entry *e = &s->marks.entries[i];
		buf_addf(page_bytes(pages, e->key, e->keylen), "=%d;",
			 (int)(uintptr_t)e->value);
	}
	for (size_t i = 0; i < s->runs.nr; i++) {
		const struct strmap_entry *e = &s->runs.entries[i];
		diagram_run_write(e->value, page_bytes(pages, e->key, e->keylen));
	}
	for (size_t i = 0; i < s->panels.nr; i++) {
		const struct strmap_entry *e = &s->panels.entries[i];
		char *text = e->value ? cJSON_PrintUnformatted(e->value) : NULL;
		buf_adds(page_bytes(pages, e->key, e->keylen), text ? text : "-");
		cJSON_free(text);
	}
}

static void fingerprint_release(struct strmap *pages)
{
	for (size_t i = 0; i < pages->nr; i++) {
		buf_release(pages->entries[i].value);
		free(pages->entries[i].value);
	}
	strmap_release(pages);
}

/* Calls changed for each page of 'a' whose bytes 'b' does not have. */
static void report_changes(const struct strmap *a, const struct strmap *b,
			   void (*changed)(void *ctx, const char *page), void *ctx)
{
	for (size_t i = 0; i < a->nr; i++) {
		const struct strmap_entry *e = &a->entries[i];
		const struct buf *x = e->value, *y = strmap_get(b, e->key, e->keylen);
		if (!y || x->len != y->len || memcmp(x->ptr, y->ptr, x->len))
			changed(ctx, e->key);
	}
}

void site_check_again_(struct site *s,
		       void (*changed)(void *ctx, const char *page), void *ctx)
{
	struct strmap before, after;
	fingerprint(s, &before);
	site_check_course_(s);
	fingerprint(s, &after);
	report_changes(&before, &after, changed, ctx);
	report_changes(&after, &before, changed, ctx);
	fingerprint_release(&before);
	fingerprint_release(&after);
}

enum html_check site_checked_(void *ctx, struct pos fence)
{
	struct site *s = ctx;
	char num[24];
	struct buf k = BUF_INIT;
	snprintf(num, sizeof(num), "%u", fence.line);
	key(&k, s->course.pages[s->cur].src, num);
	uintptr_t check = (uintptr_t)strmap_get(&s->marks, k.ptr, k.len);
	buf_release(&k);
	if (!check || (check == HTML_CHECK_SKIPPED && s->course.hide_unchecked))
		return HTML_UNCHECKED;
	return (enum html_check)check;
}

struct diagram_run *site_example_run_(struct site *s, const char *input)
{
	struct buf k = BUF_INIT;
	key(&k, s->course.pages[s->cur].src, input);
	struct diagram_run *run = strmap_get(&s->runs, k.ptr, k.len);
	buf_release(&k);
	return run;
}
