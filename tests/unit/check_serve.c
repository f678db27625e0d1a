/* check_serve.c - `stepbook serve` in process: the server on a free port
 * over a copy of tests/cases/site/course, fetched with a tiny HTTP client
 * on plain sockets (the product speaks HTTP through libmicrohttpd).  Pages
 * with their content types, the 404 page, refused paths and methods, a
 * changed page or saved step rebuilt (and only what it touches) within a
 * bounded number of polls, the same bytes as a full build, a failed
 * rebuild keeping the last good site, and the event stream announcing
 * each build.  Every wait is bounded by a socket timeout or a poll count. */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <cJSON.h>

#include "buf.h"
#include "fileio.h"
#include "helpers.h"
#include "serve.h"
#include "serve_impl.h"
#include "site.h"
#include "banned.h"

#define FIXTURE "tests/cases/site/course"
/* Polls before a change must have been noticed (each SERVE_POLL_MS apart
 * in the real loop; here 20 ms). */
#define MAX_POLLS 50
/* A socket read waits at most this long: the suite never hangs. */
#define IO_TIMEOUT_S 5

static char work[256];
static char course[300];
static struct serve *sv;

static void setup(void)
{
	snprintf(work, sizeof(work), "/tmp/stepbook-serve-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(work));
	snprintf(course, sizeof(course), "%s/course", work);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "cp -R %s %s", FIXTURE, course);
	ck_assert_int_eq(system(cmd), 0);
	struct serve_options opt = { course, NULL, "templates", 0 };
	struct diag_list l = DIAG_LIST_INIT;
	sv = serve_new(&opt, &l);
	ck_assert_ptr_nonnull(sv);
	ck_assert_uint_eq(l.errors, 0);
	diag_list_release(&l);
	ck_assert_uint_ne(serve_port(sv), 0);
	ck_assert_uint_eq(serve_generation(sv), 1);
}

static void teardown(void)
{
	serve_free(sv);
	sv = NULL;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", work);
}

/* ---- a tiny client ---------------------------------------------------- */

static int connect_local(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct timeval tv = { IO_TIMEOUT_S, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)serve_port(sv));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void send_request(int fd, const char *method, const char *path)
{
	char req[1024];
	int n = snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
			 method, path);
	ck_assert_int_eq(write(fd, req, (size_t)n), n);
}

struct reply {
	int status;
	struct buf head; /* status line and headers */
	struct buf body;
};

/* One request, the whole reply (HTTP/1.0: the server closes). */
static void fetch(const char *method, const char *path, struct reply *r)
{
	int fd = connect_local();
	send_request(fd, method, path);
	struct buf all = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&all, chunk, (size_t)n);
	close(fd);
	const char *end = strstr(all.ptr, "\r\n\r\n");
	ck_assert_msg(end != NULL, "no complete reply for %s", path);
	buf_init(&r->head);
	buf_init(&r->body);
	buf_add(&r->head, all.ptr, (size_t)(end - all.ptr));
	buf_adds(&r->body, end + 4);
	ck_assert_int_eq(sscanf(all.ptr, "HTTP/1.%*d %d", &r->status), 1);
	buf_release(&all);
}

static void reply_release(struct reply *r)
{
	buf_release(&r->head);
	buf_release(&r->body);
}

static int has_header(const struct reply *r, const char *line)
{
	return strstr(r->head.ptr, line) != NULL;
}

/* ---- changing the course ----------------------------------------------- */

static void nap_ms(long ms)
{
	struct timespec t = { 0, ms * 1000000L };
	nanosleep(&t, NULL);
}

/* Rewrites course file rel, 'from' replaced by 'to'. */
static void edit(const char *rel, const char *from, const char *to)
{
	struct buf path = BUF_INIT, text = BUF_INIT, out = BUF_INIT;
	const char *why;
	buf_addf(&path, "%s/%s", course, rel);
	ck_assert_int_eq(fileio_read(path.ptr, &text, &why), 0);
	const char *at = strstr(text.ptr, from);
	ck_assert_ptr_nonnull(at);
	buf_add(&out, text.ptr, (size_t)(at - text.ptr));
	buf_adds(&out, to);
	buf_adds(&out, at + strlen(from));
	ck_assert_int_eq(fileio_write_atomic(path.ptr, out.ptr, out.len), 0);
	buf_release(&path);
	buf_release(&text);
	buf_release(&out);
}

/* Polls until a build happened; returns what serve_poll said. */
static int poll_until_built(struct site_rebuild *r, struct diag_list *l)
{
	for (int i = 0; i < MAX_POLLS; i++) {
		int status = serve_poll(sv, l, r);
		if (status)
			return status;
		nap_ms(20);
	}
	ck_abort_msg("no rebuild after %d polls", MAX_POLLS);
	return 0;
}

static char *served_file(const char *rel)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	const char *why;
	buf_addf(&path, "%s/%s", serve_root(sv), rel);
	int bad = fileio_read(path.ptr, &text, &why);
	buf_release(&path);
	ck_assert_msg(!bad, "cannot read served %s", rel);
	return buf_detach(&text, NULL);
}

/* Builds the course afresh beside the served site and asserts that each of
 * the files is byte for byte what serve has. */
static void ck_like_full_build(const char *const *files, size_t n,
			       struct diag_list *l)
{
	char full[512];
	snprintf(full, sizeof(full), "%s/full", work);
	struct site_options so = { .course = course, .out = full, .templates = "templates" };
	ck_assert_int_eq(site_build(&so, l), 0);
	for (size_t i = 0; i < n; i++) {
		char *got = served_file(files[i]);
		struct buf p = BUF_INIT, want = BUF_INIT;
		const char *why;
		buf_addf(&p, "%s/%s", full, files[i]);
		ck_assert_int_eq(fileio_read(p.ptr, &want, &why), 0);
		if (strcmp(got, want.ptr)) {
			fileio_write_atomic("/tmp/stepbook-serve-got", got, strlen(got));
			fileio_write_atomic("/tmp/stepbook-serve-want", want.ptr, want.len);
		}
		ck_assert_msg(!strcmp(got, want.ptr), "%s differs from a full build "
			      "(/tmp/stepbook-serve-got, -want)", files[i]);
		free(got);
		buf_release(&p);
		buf_release(&want);
	}
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(page_with_type)
{
	struct reply r;
	fetch("GET", "/part/01-first.html", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(has_header(&r, "Content-Type: text/html; charset=utf-8"));
	ck_assert_ptr_nonnull(strstr(r.body.ptr, "<h1 id=\"the-first-machine\">"));
	ck_assert_ptr_nonnull(strstr(r.body.ptr,
		"<script src=\"/__stepbook/serve.js\" data-generation=\"1\"></script>\n</body>"));
	reply_release(&r);
	fetch("GET", "/style.css", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(has_header(&r, "Content-Type: text/css"));
	reply_release(&r);
	fetch("GET", "/__stepbook/serve.js", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(has_header(&r, "Content-Type: text/javascript"));
	ck_assert_ptr_nonnull(strstr(r.body.ptr, "EventSource"));
	reply_release(&r);
}
END_TEST

START_TEST(folders_and_head)
{
	struct reply r;
	fetch("GET", "/", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body.ptr, "Welcome"));
	reply_release(&r);
	fetch("GET", "/part", &r);
	ck_assert_int_eq(r.status, 301);
	ck_assert(has_header(&r, "Location: /part/"));
	reply_release(&r);
	fetch("GET", "/part/", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body.ptr, "Part one"));
	reply_release(&r);
	fetch("HEAD", "/part/01-first.html", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body.ptr, "");
	reply_release(&r);
}
END_TEST

START_TEST(missing_page_404)
{
	struct reply r;
	fetch("GET", "/part/no-such-page.html", &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert(has_header(&r, "Content-Type: text/html"));
	ck_assert_ptr_nonnull(strstr(r.body.ptr, "Page not found"));
	ck_assert_ptr_nonnull(strstr(r.body.ptr, "<base href=\"/\">"));
	reply_release(&r);
}
END_TEST

START_TEST(paths_out_refused)
{
	static const char *const bad[] = {
		"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/part/%2E%2E/%2e%2e/%2e%2e/etc/passwd", "/part/../index.html",
		"/./index.html", "/..%2f..%2f..%2fetc/passwd", "/evil/passwd",
		"/%5c..%5c..%5cetc/passwd",
	};
	char link[512];
	snprintf(link, sizeof(link), "%s/evil", serve_root(sv));
	ck_assert_int_eq(symlink("/etc", link), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct reply r;
		fetch("GET", bad[i], &r);
		ck_assert_msg(r.status == 403 || r.status == 404, "%s: %d", bad[i], r.status);
		ck_assert_msg(!strstr(r.body.ptr, "root:"), "%s leaked", bad[i]);
		reply_release(&r);
	}
	struct reply r;
	fetch("GET", "absolute", &r);
	ck_assert_int_ge(r.status, 400);
	reply_release(&r);
	fetch("POST", "/index.html", &r);
	ck_assert_int_eq(r.status, 405);
	ck_assert(has_header(&r, "Allow: GET, HEAD"));
	reply_release(&r);
}
END_TEST

START_TEST(page_change_rebuilds_that_page)
{
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	edit("part/01-first.md", "then says hello.", "then says CHANGED-TEXT.");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_uint_eq(l.errors, 0);
	ck_assert_int_eq(r.full, 0);
	ck_assert_uint_eq(r.written, 2); /* the page and search-index.js */
	ck_assert_uint_eq(serve_generation(sv), 2);
	struct reply rep;
	fetch("GET", "/part/01-first.html", &rep);
	ck_assert_ptr_nonnull(strstr(rep.body.ptr, "CHANGED-TEXT"));
	ck_assert_ptr_nonnull(strstr(rep.body.ptr, "data-generation=\"2\""));
	reply_release(&rep);
	char *index = served_file("search-index.js");
	ck_assert_ptr_nonnull(strstr(index, "CHANGED-TEXT"));
	free(index);
	ck_assert_int_eq(serve_poll(sv, &l, &r), 0); /* nothing new */
	/* a file no page shows: no rebuild, no reload */
	char notes[400];
	snprintf(notes, sizeof(notes), "%s/notes.txt", course);
	ck_assert_int_eq(fileio_write_atomic(notes, "draft\n", 6), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(serve_poll(sv, &l, &r), 0);
	ck_assert_uint_eq(serve_generation(sv), 2);
	diag_list_release(&l);
}
END_TEST

/* The incremental result is what a full build of the same course gives. */
START_TEST(incremental_equals_full_build)
{
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	edit("part/02-second.md", "## The endpoint", "## The endpoint, renamed");
	edit("part/saved-steps/01-first.yml", "Hello", "Greet"); /* Next: */
	edit("part/saved-steps/01-first.yml", "Hello", "Greet"); /* the state */
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_int_eq(r.full, 0);
	static const char *const files[] = {
		"index.html", "part/01-first.html", "part/02-second.html",
		"part/saved-steps/01-first.yml.html",
		"part/saved-steps/02-second.yml.html", "search-index.js",
		"sitemap.xml", "404.html",
	};
	ck_like_full_build(files, sizeof(files) / sizeof(*files), &l);
	char *page = served_file("part/01-first.html");
	ck_assert_ptr_nonnull(strstr(page, "Greet (Pass)")); /* the drawn figure */
	free(page);
	diag_list_release(&l);
}
END_TEST

/* Editing one page can change what check says of another: a deploy added
 * to the first page serves the second page's request, whose blocks turn
 * from failed to verified.  The second page is redrawn (it was not edited)
 * and the result is what a full build gives. */
START_TEST(check_change_redraws_other_pages)
{
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	char *before = served_file("part/02-second.html");
	ck_assert_ptr_nonnull(strstr(before, "data-check=\"failed\""));
	free(before);
	edit("part/01-first.md", "```bash\nexport STAGE=dev",
	     "Then [the API's step](saved-steps/02-second.yml):\n\n```bash\nexport STAGE=dev");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_int_eq(r.full, 0);
	char *after = served_file("part/02-second.html");
	ck_assert_ptr_null(strstr(after, "data-check=\"failed\""));
	ck_assert_ptr_nonnull(strstr(after, "data-check=\"passed\""));
	free(after);
	static const char *const page[] = { "part/02-second.html" };
	ck_like_full_build(page, 1, &l);
	diag_list_release(&l);
}
END_TEST

START_TEST(step_change_rebuilds_its_users)
{
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	edit("part/saved-steps/01-first.yml", "Seconds: 3", "Seconds: 30");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_int_eq(r.full, 0);
	/* its page, the next step's page (the diff), the chapter drawing it,
	 * search-index.js */
	ck_assert_uint_eq(r.written, 4);
	diag_list_release(&l);
}
END_TEST

/* A chapter that links a new saved step: the new step's page, and the
 * page of the step before it, whose pager gains "next", as in a full build. */
START_TEST(new_step_extends_the_pager)
{
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	char path[400];
	snprintf(path, sizeof(path), "%s/part/saved-steps/04-fourth.asl.json", course);
	static const char asl[] = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}\n";
	ck_assert_int_eq(fileio_write_atomic(path, asl, strlen(asl)), 0);
	edit("part/03-third.md", "## Long names", "Then [the fourth](saved-steps/04-fourth.asl.json).\n\n## Long names");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_int_eq(r.full, 0);
	static const char *const files[] = {
		"part/03-third.html", "part/saved-steps/03-third.asl.json.html",
		"part/saved-steps/04-fourth.asl.json.html", "search-index.js",
		"sitemap.xml",
	};
	ck_like_full_build(files, sizeof(files) / sizeof(*files), &l);
	char *page = served_file("part/saved-steps/03-third.asl.json.html");
	ck_assert_ptr_nonnull(strstr(page, "rel=\"next\" href=\"04-fourth.asl.json.html\""));
	free(page);
	diag_list_release(&l);
}
END_TEST

START_TEST(config_change_rebuilds_everything)
{
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	edit("stepbook.yml", "Fixture course", "Renamed course");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_int_eq(r.full, 1);
	char *page = served_file("part/02-second.html");
	ck_assert_ptr_nonnull(strstr(page, "Renamed course"));
	free(page);
	diag_list_release(&l);
}
END_TEST

START_TEST(failed_rebuild_keeps_last_good_site)
{
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	edit("part/01-first.md", "then says hello.", "then [leaves](../../../etc/passwd) BROKEN.");
	ck_assert_int_eq(poll_until_built(&r, &l), -1);
	ck_assert_uint_ge(l.errors, 1);
	ck_assert_str_eq(l.items[0].file + strlen(l.items[0].file) - 16, "part/01-first.md");
	ck_assert_uint_ne(l.items[0].pos.line, 0);
	ck_assert_uint_eq(serve_generation(sv), 1);
	struct reply rep;
	fetch("GET", "/part/01-first.html", &rep);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_ptr_null(strstr(rep.body.ptr, "BROKEN"));
	reply_release(&rep);
	diag_list_release(&l);
	edit("part/01-first.md", "[leaves](../../../etc/passwd) BROKEN.", "FIXED.");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	fetch("GET", "/part/01-first.html", &rep);
	ck_assert_ptr_nonnull(strstr(rep.body.ptr, "FIXED."));
	reply_release(&rep);
	diag_list_release(&l);
}
END_TEST

/* Reads the stream until 'want' shows up (bounded by the socket timeout). */
static int stream_until(int fd, struct buf *seen, const char *want)
{
	char chunk[1024];
	while (!strstr(seen->ptr, want)) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return 0;
		buf_add(seen, chunk, (size_t)n);
	}
	return 1;
}

START_TEST(events_announce_builds)
{
	int fd = connect_local();
	send_request(fd, "GET", "/__stepbook/events");
	struct buf seen = BUF_INIT;
	ck_assert(stream_until(fd, &seen, "data: {\"generation\":1,\"check\":"));
	ck_assert_ptr_nonnull(strstr(seen.ptr, "text/event-stream"));
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	edit("part/01-first.md", "then says hello.", "then [leaves](/etc/passwd).");
	ck_assert_int_eq(poll_until_built(&r, &l), -1);
	ck_assert(stream_until(fd, &seen, "\"error\":"));
	ck_assert(stream_until(fd, &seen, "01-first.md:"));
	edit("part/01-first.md", "then [leaves](/etc/passwd).", "then says hi.");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert(stream_until(fd, &seen, "data: {\"generation\":2,\"check\":"));
	close(fd);
	buf_release(&seen);
	diag_list_release(&l);
}
END_TEST

/* The failing check cases of each build: listed for the terminal and sent
 * to open pages with the build's news; a rebuild that mends them sends
 * none. */
#define PAGE2_FAILS "part/02-second.md:16:1: error: HTTP request POST /dev/start: " \
	"the recorded output differs from the actual result [check/step]\n"

START_TEST(check_failures_announced)
{
	const struct diag_list *failed = serve_check_failed(sv);
	ck_assert_uint_eq(failed->nr, 1);
	char want[1200];
	snprintf(want, sizeof(want), "%s/" PAGE2_FAILS, course);
	char *text = diags_text(failed);
	ck_assert_str_eq(text, want);
	free(text);
	int fd = connect_local();
	send_request(fd, "GET", "/__stepbook/events");
	struct buf seen = BUF_INIT;
	snprintf(want, sizeof(want), "data: {\"generation\":1,\"check\":\"%s/"
		 "part/02-second.md:16:1: error: HTTP request POST /dev/start: the "
		 "recorded output differs from the actual result [check/step]\\n\"}\n\n",
		 course);
	ck_assert(stream_until(fd, &seen, want));
	/* a deploy on page 1 serves page 2's request: the check passes */
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	edit("part/01-first.md", "```bash\nexport STAGE=dev",
	     "Then [the API's step](saved-steps/02-second.yml):\n\n```bash\nexport STAGE=dev");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_uint_eq(serve_check_failed(sv)->nr, 0);
	ck_assert(stream_until(fd, &seen, "data: {\"generation\":2}\n\n"));
	/* a recorded output that no longer matches: failing again */
	edit("part/02-second.md", "\"startDate\"", "\"startedAt\"");
	ck_assert_int_eq(poll_until_built(&r, &l), 1);
	ck_assert_uint_eq(serve_check_failed(sv)->nr, 1);
	ck_assert(stream_until(fd, &seen, "data: {\"generation\":3,\"check\":"));
	close(fd);
	buf_release(&seen);
	diag_list_release(&l);
}
END_TEST

/* A long report is cut for the page on a character boundary: the event
 * stays one valid JSON message whatever the report holds. */
START_TEST(event_cut_on_character)
{
	struct buf text = BUF_INIT;
	buf_adds(&text, "x");
	for (int i = 0; i < 6000; i++)
		buf_adds(&text, "\xc3\xa9"); /* é: the cut falls inside one */
	size_t len;
	char *event = serve_http_event(7, text.ptr, "one\ntwo", &len);
	ck_assert_uint_eq(len, strlen(event));
	ck_assert_str_eq(event + len - 2, "\n\n");
	ck_assert(!strncmp(event, "data: {\"generation\":7,\"error\":\"x\xc3\xa9", 30));
	event[len - 2] = '\0';
	cJSON *m = cJSON_Parse(event + 6);
	ck_assert_ptr_nonnull(m);
	const char *error = cJSON_GetStringValue(cJSON_GetObjectItem(m, "error"));
	ck_assert_uint_eq(strlen(error), 7999); /* "x" and 3999 whole é */
	ck_assert_str_eq(error + 7997, "\xc3\xa9");
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(m, "check")), "one\ntwo");
	cJSON_Delete(m);
	free(event);
	buf_release(&text);
}
END_TEST

/* ---- load: many event streams while the course changes ------------------
 * libmicrohttpd answers each stream on a thread of its own while the main
 * thread rebuilds; `make check TSAN=1` runs this under ThreadSanitizer.
 * The clients read only what has arrived between edits, so the threads
 * writing one build's news overlap the next rebuild. */

/* Event streams open at once (SERVE_MAX_CONNECTIONS is 64). */
#define LOAD_STREAMS 24
/* Rebuilds, alternately breaking a page and fixing it. */
#define LOAD_EDITS 12
/* Builds announced back to back, alternately failed and good. */
#define LOAD_ANNOUNCES 2000

/* Adds to seen what the stream has sent so far, without waiting. */
static void drain(int fd, struct buf *seen)
{
	char chunk[4096];
	ssize_t n;
	while ((n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		buf_add(seen, chunk, (size_t)n);
}

START_TEST(streams_under_load)
{
	int fds[LOAD_STREAMS];
	struct buf seen[LOAD_STREAMS];
	for (int i = 0; i < LOAD_STREAMS; i++) {
		fds[i] = connect_local();
		send_request(fds[i], "GET", "/__stepbook/events");
		buf_init(&seen[i]);
	}
	for (int i = 0; i < LOAD_STREAMS; i++)
		ck_assert(stream_until(fds[i], &seen[i], "data: {\"generation\":1"));
	struct site_rebuild r;
	struct diag_list l = DIAG_LIST_INIT;
	unsigned long good = 1;
	for (int e = 0; e < LOAD_EDITS; e++) {
		int broken = e % 2 == 0;
		if (broken)
			edit("part/01-first.md", "then says hello.", "then [leaves](/etc/passwd).");
		else
			edit("part/01-first.md", "then [leaves](/etc/passwd).", "then says hello.");
		ck_assert_int_eq(poll_until_built(&r, &l), broken ? -1 : 1);
		good += !broken;
		diag_list_release(&l);
		struct reply rep;
		fetch("GET", "/part/01-first.html", &rep);
		ck_assert_int_eq(rep.status, 200);
		reply_release(&rep);
		for (int i = 0; i < LOAD_STREAMS; i++)
			drain(fds[i], &seen[i]);
	}
	/* news faster than the threads copy it: the swap and the copies of
	 * the event bytes only ever meet under the lock */
	struct diag_list bad = DIAG_LIST_INIT;
	struct pos at = { "part/01-first.md", 1, 1 };
	diag_error(&bad, at, "site/test", "a failed build");
	for (int i = 0; i < LOAD_ANNOUNCES; i++) {
		serve_announce_(sv, &bad, i % 2);
		good += i % 2;
		if (i % 64 == 0)
			for (int k = 0; k < LOAD_STREAMS; k++)
				drain(fds[k], &seen[k]);
	}
	diag_list_release(&bad);
	char want[64];
	snprintf(want, sizeof(want), "data: {\"generation\":%lu,", good);
	for (int i = 0; i < LOAD_STREAMS; i++) {
		ck_assert_msg(stream_until(fds[i], &seen[i], want),
			      "stream %d missed the last build", i);
		ck_assert_ptr_nonnull(strstr(seen[i].ptr, "\"error\":"));
		close(fds[i]);
		buf_release(&seen[i]);
	}
	ck_assert_uint_eq(serve_generation(sv), good);
}
END_TEST

/* The reload script is added while serving, never written to the site. */
START_TEST(built_files_have_no_script)
{
	char *page = served_file("part/01-first.html");
	ck_assert_ptr_null(strstr(page, "__stepbook"));
	free(page);
	char path[512];
	snprintf(path, sizeof(path), "%s/serve.js", serve_root(sv));
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* The command line: usage errors exit 2 before anything listens; the
 * binary serves and stops on SIGINT (skipped without $STEPBOOK). */
/* The watcher walks the course, not what its symbolic links point at: a
 * link to the course itself or to / is not entered (every poll would walk
 * the disk); a linked file is watched like any file. */
START_TEST(watch_stays_in_course)
{
	char link[400], target[400];
	snprintf(link, sizeof(link), "%s/loop", course);
	ck_assert_int_eq(symlink(".", link), 0);
	snprintf(link, sizeof(link), "%s/disk", course);
	ck_assert_int_eq(symlink("/", link), 0);
	snprintf(target, sizeof(target), "%s/notes.txt", work);
	ck_assert_int_eq(fileio_write_atomic(target, "x\n", 2), 0);
	snprintf(link, sizeof(link), "%s/notes.txt", course);
	ck_assert_int_eq(symlink(target, link), 0);
	struct serve_snapshot snap;
	serve_snapshot_take(sv, &snap);
	int linked_file = 0;
	for (size_t i = 0; i < snap.nr; i++) {
		const char *p = snap.files[i].path;
		ck_assert_msg(!strstr(p, "/loop/") && !strstr(p, "/disk/"),
			      "the watcher followed a link: %s", p);
		linked_file |= !strcmp(p, link);
	}
	ck_assert_int_eq(linked_file, 1);
	ck_assert_uint_lt(snap.nr, 100);
	serve_snapshot_release(&snap);
}
END_TEST

START_TEST(command_line)
{
	const char *bin = getenv("STEPBOOK");
	if (!bin)
		return;
	/* a sanitized binary: Graphviz's own leaks are known (lsan.supp) */
	setenv("LSAN_OPTIONS", "suppressions=tests/lsan.supp:print_suppressions=0:"
	       "fast_unwind_on_malloc=0", 1);
	char cmd[4000];
	snprintf(cmd, sizeof(cmd), "%s serve --port 70000 %s 2>/dev/null", bin, course);
	ck_assert_int_eq(WEXITSTATUS(system(cmd)), 2);
	snprintf(cmd, sizeof(cmd), "%s serve %s --bogus 2>/dev/null", bin, course);
	ck_assert_int_eq(WEXITSTATUS(system(cmd)), 2);
	snprintf(cmd, sizeof(cmd), "%s serve --help | grep -q -- --port", bin);
	ck_assert_int_eq(WEXITSTATUS(system(cmd)), 0);
	/* starts on a free port, says where, prints the failing check cases
	 * again after a rebuild, says once when a rebuild mended them (a
	 * deploy of the step page 2 calls), stops cleanly on Ctrl-C */
	snprintf(cmd, sizeof(cmd),
		 "%s serve %s --port 0 > %s/out 2>&1 & pid=$!; "
		 "i=0; until grep -qs 'http://127.0.0.1:' %s/out; do "
		 "i=$((i+1)); [ $i -lt 300 ] || { kill $pid; exit 3; }; sleep 0.1; done; "
		 "echo 'More.' >> %s/part/01-first.md; "
		 "i=0; until [ $(grep -cs 'the check failed' %s/out) -ge 2 ]; do "
		 "i=$((i+1)); [ $i -lt 300 ] || { kill $pid; exit 4; }; sleep 0.1; done; "
		 "sed -i '/^```bash$/i Then [the step](saved-steps/02-second.yml):' "
		 "%s/part/01-first.md; "
		 "i=0; until grep -qs 'the check passes again' %s/out; do "
		 "i=$((i+1)); [ $i -lt 300 ] || { kill $pid; exit 5; }; sleep 0.1; done; "
		 "echo 'Again.' >> %s/part/01-first.md; "
		 "i=0; until [ $(grep -cs '^rebuilt' %s/out) -ge 3 ]; do "
		 "i=$((i+1)); [ $i -lt 300 ] || { kill $pid; exit 6; }; sleep 0.1; done; "
		 "[ $(grep -c 'the check passes again' %s/out) = 1 ] || { kill $pid; exit 7; }; "
		 "kill -INT $pid; wait $pid",
		 bin, course, work, work, course, work, course, work, course, work, work);
	ck_assert_int_eq(WEXITSTATUS(system(cmd)), 0);
	/* the first build's failing check case, located, and the count */
	char want[1200];
	snprintf(want, sizeof(want), "%s/" PAGE2_FAILS "the check failed: 1 case "
		 "(`stepbook check %s` has the details)\n", course, course);
	snprintf(cmd, sizeof(cmd), "%s/out", work);
	struct buf out = BUF_INIT;
	const char *why;
	ck_assert_int_eq(fileio_read(cmd, &out, &why), 0);
	ck_assert_msg(strstr(out.ptr, want) != NULL, "%s", out.ptr);
	buf_release(&out);
}
END_TEST

Suite *serve_suite(void)
{
	Suite *s = suite_create("serve");
	TCase *t = tcase_create("serve");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 30);
	tcase_add_test(t, page_with_type);
	tcase_add_test(t, folders_and_head);
	tcase_add_test(t, missing_page_404);
	tcase_add_test(t, paths_out_refused);
	tcase_add_test(t, page_change_rebuilds_that_page);
	tcase_add_test(t, incremental_equals_full_build);
	tcase_add_test(t, check_change_redraws_other_pages);
	tcase_add_test(t, step_change_rebuilds_its_users);
	tcase_add_test(t, new_step_extends_the_pager);
	tcase_add_test(t, config_change_rebuilds_everything);
	tcase_add_test(t, failed_rebuild_keeps_last_good_site);
	tcase_add_test(t, events_announce_builds);
	tcase_add_test(t, check_failures_announced);
	tcase_add_test(t, event_cut_on_character);
	tcase_add_test(t, streams_under_load);
	tcase_add_test(t, built_files_have_no_script);
	tcase_add_test(t, watch_stays_in_course);
	tcase_add_test(t, command_line);
	suite_add_tcase(s, t);
	return s;
}
