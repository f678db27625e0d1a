/* serve_http.c - the site over HTTP with libmicrohttpd, on 127.0.0.1 only:
 * URL -> file in the site folder (index.html for folders, 404.html with
 * status 404, nothing outside the folder), the reload script added to HTML,
 * and the event stream that announces builds.  One thread per connection,
 * so an event stream may wait for news without holding anyone up.
 * The library is opened when the server starts (serve_mhd.h).
 * Not here: building (site.h), noticing changes (serve_watch.c). */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <cJSON.h>

#include "fileio.h"
#include "serve_impl.h"
#include "serve_mhd.h"
#include "xalloc.h"
#include "banned.h"

/* The library's functions, set before the first request can arrive. */
static const struct mhd_api *mhd;

#define EVENTS_URL "/__stepbook/events"
#define SCRIPT_URL "/__stepbook/serve.js"
/* An event stream says it is alive this often (proxies and browsers drop
 * silent connections), and notices a stopping server at once anyway. */
#define KEEPALIVE_S 15
/* Bytes of a failed build's report, and of the failing check cases, sent
 * to pages: a screenful each is enough (the terminal has it all) and keeps
 * one event in one write (JSON escapes at most 6 bytes per byte). */
#define MAX_ERROR_TEXT 8000
#define EVENT_BLOCK (2 * MAX_ERROR_TEXT * 6 + 256)
/* The longest a request waits for a site folder being swapped in: the two
 * renames take microseconds; with no site at all (the first build failed)
 * each request is this much slower, which nobody notices. */
#define SWAP_WAIT_MS 200

/* ---- content types --------------------------------------------------- */

static const struct {
	const char *ext, *type;
} types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "ico", "image/x-icon" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "yml", "text/plain; charset=utf-8" },
	{ "yaml", "text/plain; charset=utf-8" },
	{ "woff2", "font/woff2" },
	{ "pdf", "application/pdf" },
};

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (!strcmp(dot + 1, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static int is_html(const char *path)
{
	return !strncmp(content_type(path), "text/html", 9);
}

/* ---- responses --------------------------------------------------------- */

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status,
				  const char *type, struct buf *body)
{
	size_t len;
	char *data = buf_detach(body, &len);
	struct MHD_Response *r = mhd->create_response_from_buffer(
		len, data, MHD_RESPMEM_MUST_FREE);
	mhd->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd->add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	mhd->add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd->add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ok = mhd->queue_response(c, status, r);
	mhd->destroy_response(r);
	return ok;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status,
				 const char *text)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, text);
	return send_bytes(c, status, "text/plain; charset=utf-8", &b);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *url)
{
	struct buf to = BUF_INIT;
	buf_addf(&to, "%s/", url);
	struct MHD_Response *r = mhd->create_response_from_buffer(
		0, (void *)"", MHD_RESPMEM_PERSISTENT);
	mhd->add_response_header(r, MHD_HTTP_HEADER_LOCATION, to.ptr);
	enum MHD_Result ok = mhd->queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
	mhd->destroy_response(r);
	buf_release(&to);
	return ok;
}

/* The reload script before </body> (appended without one); a 404 page,
 * served at any depth, gets <base href="/"> for its root-relative links. */
static void inject(struct buf *html, unsigned long generation, int not_found)
{
	struct buf out = BUF_INIT;
	const char *head = not_found ? strstr(html->ptr, "<head>") : NULL;
	const char *body = NULL;
	for (const char *p = html->ptr; (p = strstr(p, "</body>")); p++)
		body = p;
	const char *rest = html->ptr;
	if (head) {
		buf_add(&out, rest, (size_t)(head + 6 - rest));
		buf_adds(&out, "<base href=\"/\">");
		rest = head + 6;
	}
	size_t upto = body ? (size_t)(body - rest) : html->len - (size_t)(rest - html->ptr);
	buf_add(&out, rest, upto);
	buf_addf(&out, "<script src=\"" SCRIPT_URL "\" data-generation=\"%lu\"></script>\n",
		 generation);
	buf_adds(&out, rest + upto);
	buf_release(html);
	*html = out;
}

static enum MHD_Result not_found(struct MHD_Connection *c, struct serve *sv)
{
	unsigned long g = serve_generation(sv);
	struct buf path = BUF_INIT, body = BUF_INIT;
	const char *why;
	buf_addf(&path, "%s/404.html", sv->out);
	if (fileio_read(path.ptr, &body, &why))
		buf_adds(&body, "<!doctype html><html><head><meta charset=\"utf-8\">"
				"<title>Not found</title></head><body>"
				"<h1>Not found</h1><p>No site has been built yet.</p>"
				"</body></html>\n");
	buf_release(&path);
	inject(&body, g, 1);
	return send_bytes(c, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", &body);
}

static enum MHD_Result send_file(struct MHD_Connection *c, struct serve *sv,
				 const char *path)
{
	unsigned long g = serve_generation(sv);
	struct buf body = BUF_INIT;
	const char *why;
	if (fileio_read(path, &body, &why)) {
		buf_release(&body);
		return not_found(c, sv);
	}
	if (is_html(path))
		inject(&body, g, 0);
	return send_bytes(c, MHD_HTTP_OK, content_type(path), &body);
}

/* ---- URL -> file ------------------------------------------------------- */

enum resolved { R_FILE, R_MISSING, R_FOLDER, R_REFUSED };

/* Refuses what could leave the folder: no leading '/', a '.' or '..'
 * segment, a backslash.  The URL arrives percent-decoded (%2e%2e is ..). */
static int safe_url(const char *url)
{
	if (url[0] != '/' || strchr(url, '\\'))
		return 0;
	for (const char *p = url; *p; p++) {
		if (*p != '/')
			continue;
		size_t n = strcspn(p + 1, "/");
		if ((n == 1 && p[1] == '.') || (n == 2 && p[1] == '.' && p[2] == '.'))
			return 0;
	}
	return 1;
}

/* The real file must be inside the real site folder (no symlink out). */
static int inside(const char *root, const char *path)
{
	char real_root[PATH_MAX], real[PATH_MAX];
	if (!realpath(root, real_root) || !realpath(path, real))
		return 0;
	size_t n = strlen(real_root);
	return !strncmp(real, real_root, n) && real[n] == '/';
}

/* A full rebuild swaps the new site in with two renames (site.h): a
 * request that falls between them waits for the folder, a little. */
static void wait_for_root(const struct serve *sv)
{
	struct stat st;
	struct timespec nap = { 0, 10 * 1000000L };
	for (int i = 0; i < SWAP_WAIT_MS / 10 && stat(sv->out, &st); i++)
		nanosleep(&nap, NULL);
}

static enum resolved resolve(const struct serve *sv, const char *url,
			     struct buf *path)
{
	if (!safe_url(url))
		return R_REFUSED;
	wait_for_root(sv);
	buf_addf(path, "%s%s", sv->out, url);
	if (url[strlen(url) - 1] == '/')
		buf_adds(path, "index.html");
	struct stat st;
	if (stat(path->ptr, &st))
		return R_MISSING;
	if (!inside(sv->out, path->ptr))
		return R_REFUSED;
	if (S_ISDIR(st.st_mode))
		return R_FOLDER;
	return S_ISREG(st.st_mode) ? R_FILE : R_MISSING;
}

static enum MHD_Result serve_url(struct MHD_Connection *c, struct serve *sv,
				 const char *url)
{
	struct buf path = BUF_INIT;
	enum MHD_Result ok;
	switch (resolve(sv, url, &path)) {
	case R_FILE:
		ok = send_file(c, sv, path.ptr);
		break;
	case R_FOLDER:
		ok = redirect(c, url);
		break;
	case R_REFUSED:
		ok = send_text(c, MHD_HTTP_FORBIDDEN, "Forbidden: outside the site\n");
		break;
	default:
		ok = not_found(c, sv);
		break;
	}
	buf_release(&path);
	return ok;
}

static enum MHD_Result send_script(struct MHD_Connection *c, struct serve *sv)
{
	struct buf path = BUF_INIT, body = BUF_INIT;
	const char *why;
	buf_addf(&path, "%s/serve.js", sv->theme ? sv->theme : ".");
	int missing = fileio_read(path.ptr, &body, &why);
	buf_release(&path);
	if (missing)
		buf_adds(&body, "/* no serve.js in the theme */\n");
	return send_bytes(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", &body);
}

/* ---- the event stream ---------------------------------------------------- */

struct stream {
	struct serve *sv;
	unsigned long seen; /* sv->events at the last event sent */
	int started;
};

/* Adds text to m as key, cut to MAX_ERROR_TEXT bytes (on a character
 * boundary: the event stays UTF-8). */
static void add_text(cJSON *m, const char *key, const char *text)
{
	size_t n = strlen(text);
	if (n > MAX_ERROR_TEXT)
		for (n = MAX_ERROR_TEXT; n && (text[n] & 0xC0) == 0x80; n--)
			;
	char *t = xstrndup(text, n);
	cJSON_AddStringToObject(m, key, t);
	free(t);
}

char *serve_http_event(unsigned long generation, const char *error,
		       const char *check, size_t *len)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "generation", (double)generation);
	if (error)
		add_text(m, "error", error);
	if (check)
		add_text(m, "check", check);
	char *j = cJSON_PrintUnformatted(m);
	struct buf out = BUF_INIT;
	buf_addf(&out, "data: %s\n\n", j);
	cJSON_free(j);
	cJSON_Delete(m);
	return buf_detach(&out, len);
}

static void wait_news(struct stream *s)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += KEEPALIVE_S;
	while (!s->sv->stopping && s->sv->events == s->seen)
		if (pthread_cond_timedwait(&s->sv->changed, &s->sv->lock, &until))
			break;
}

/* Copies n bytes of text to out (at most max). */
static size_t put(char *out, size_t max, const char *text, size_t n)
{
	n = n < max ? n : max;
	memcpy(out, text, n);
	return n;
}

/* A connection thread: copies the last build's news (made by the main
 * thread) under the lock, and nothing more. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	static const char alive[] = ": alive\n\n";
	struct stream *s = cls;
	size_t n = 0;
	pthread_mutex_lock(&s->sv->lock);
	if (s->started)
		wait_news(s);
	int stop = s->sv->stopping;
	if (!stop && (!s->started || s->sv->events != s->seen))
		n = put(out, max, s->sv->event, s->sv->event_len);
	else if (!stop)
		n = put(out, max, alive, sizeof(alive) - 1);
	s->seen = s->sv->events;
	s->started = 1;
	pthread_mutex_unlock(&s->sv->lock);
	return stop ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static enum MHD_Result send_events(struct MHD_Connection *c, struct serve *sv)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	s->sv = sv;
	struct MHD_Response *r = mhd->create_response_from_callback(
		MHD_SIZE_UNKNOWN, EVENT_BLOCK, stream_read, s, free);
	mhd->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	mhd->add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result ok = mhd->queue_response(c, MHD_HTTP_OK, r);
	mhd->destroy_response(r);
	return ok;
}

/* ---- the daemon ------------------------------------------------------------ */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	struct serve *sv = cls;
	int head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
	if (!head && strcmp(method, MHD_HTTP_METHOD_GET))
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Only GET and HEAD\n");
	if (!strcmp(url, EVENTS_URL))
		return head ? send_text(c, MHD_HTTP_OK, "") : send_events(c, sv);
	if (!strcmp(url, SCRIPT_URL))
		return send_script(c, sv);
	return serve_url(c, sv, url);
}

int serve_http_start(struct serve *sv, const char **why)
{
	if (!(mhd = serve_mhd(why)))
		return -1;
	*why = "is the port in use?";
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)sv->opt.port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never 0.0.0.0 */
	sv->daemon = mhd->start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
		(uint16_t)sv->opt.port, NULL, NULL, on_request, sv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(4 * KEEPALIVE_S),
		MHD_OPTION_END);
	if (!sv->daemon)
		return -1;
	const union MHD_DaemonInfo *info =
		mhd->get_daemon_info(sv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	sv->port = info ? info->port : sv->opt.port;
	return 0;
}

void serve_http_stop(struct serve *sv)
{
	if (sv->daemon)
		mhd->stop_daemon(sv->daemon);
	sv->daemon = NULL;
}
