/* serve.c - the server's life: a folder to build into, the first build,
 * the daemon, and each poll's rebuild with its news for open pages.
 * Not here: HTTP (serve_http.c), walking folders (serve_watch.c). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "report.h"
#include "serve_impl.h"
#include "xalloc.h"
#include "banned.h"

static struct pos no_pos(const char *file)
{
	struct pos p = { file, 0, 0 };
	return p;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The site folder: -o DIR, or DIR/site in a fresh private folder. */
static int make_out(struct serve *sv, struct diag_list *diags)
{
	if (sv->opt.out) {
		sv->out = xstrdup(sv->opt.out);
		return 0;
	}
	const char *tmpdir = getenv("TMPDIR");
	struct buf t = BUF_INIT;
	buf_addf(&t, "%s/stepbook-serve-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(t.ptr)) {
		diag_error(diags, no_pos(t.ptr), "serve/folder",
			   "cannot create a private folder: %s", strerror(errno));
		buf_release(&t);
		return -1;
	}
	sv->tmp = buf_detach(&t, NULL);
	struct buf o = BUF_INIT;
	buf_addf(&o, "%s/site", sv->tmp);
	sv->out = buf_detach(&o, NULL);
	return 0;
}

/* Errors as the terminal shows them, with their source lines or one line
 * each.  Returns owned; NULL for an empty list. */
static char *report_text(const struct diag_list *diags, int show_source)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = diags->nr ? open_memstream(&text, &len) : NULL;
	if (!f)
		return NULL;
	struct report_options ro = { REPORT_TEXT, show_source, 0 };
	report_print(f, diags, &ro);
	fclose(f);
	return text;
}

/* The event's bytes are made here, on the main thread (the only writer of
 * generation), and swapped in under the lock. */
void serve_announce_(struct serve *sv, const struct diag_list *diags, int ok)
{
	char *text = ok ? NULL : report_text(diags, 1);
	char *check = ok ? report_text(serve_check_failed(sv), 0) : NULL;
	if (!ok && !text)
		text = xstrdup("the build failed");
	size_t len;
	unsigned long generation = sv->generation + (ok != 0);
	char *event = serve_http_event(generation, text, check, &len);
	free(text);
	free(check);
	pthread_mutex_lock(&sv->lock);
	sv->generation = generation;
	sv->events++;
	char *old = sv->event;
	sv->event = event;
	sv->event_len = len;
	pthread_cond_broadcast(&sv->changed);
	pthread_mutex_unlock(&sv->lock);
	free(old);
}

static void init_sync(struct serve *sv)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sv->changed, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&sv->lock, NULL);
}

struct serve *serve_new(const struct serve_options *opt, struct diag_list *diags)
{
	struct serve *sv = xcalloc(1, sizeof(*sv));
	sv->opt = *opt;
	init_sync(sv);
	sv->theme = opt->templates ? opt->templates : site_default_templates();
	if (make_out(sv, diags)) {
		serve_free(sv);
		return NULL;
	}
	struct site_options so = { .course = opt->course, .out = sv->out, .templates = sv->theme };
	sv->site = so;
	sv->session = site_session_new(&sv->site);
	serve_snapshot_take(sv, &sv->seen);
	struct site_rebuild r;
	serve_announce_(sv, diags, site_rebuild_paths(sv->session, NULL, 0, diags, &r) == 0);
	const char *why;
	if (serve_http_start(sv, &why)) {
		diag_error(diags, no_pos(opt->course), "serve/listen",
			   "cannot listen on 127.0.0.1:%u (%s)", opt->port, why);
		serve_free(sv);
		return NULL;
	}
	return sv;
}

void serve_free(struct serve *sv)
{
	if (!sv)
		return;
	pthread_mutex_lock(&sv->lock);
	sv->stopping = 1;
	pthread_cond_broadcast(&sv->changed);
	pthread_mutex_unlock(&sv->lock);
	serve_http_stop(sv);
	site_session_free(sv->session);
	serve_snapshot_release(&sv->seen);
	if (sv->tmp)
		nftw(sv->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(sv->tmp);
	free(sv->out);
	free(sv->event);
	pthread_cond_destroy(&sv->changed);
	pthread_mutex_destroy(&sv->lock);
	free(sv);
}

unsigned serve_port(const struct serve *sv)
{
	return sv->port;
}

const char *serve_root(const struct serve *sv)
{
	return sv->out;
}

const struct diag_list *serve_check_failed(const struct serve *sv)
{
	return site_session_check_failed(sv->session);
}

unsigned long serve_generation(const struct serve *sv)
{
	pthread_mutex_t *lock = (pthread_mutex_t *)&sv->lock;
	pthread_mutex_lock(lock);
	unsigned long g = sv->generation;
	pthread_mutex_unlock(lock);
	return g;
}

int serve_poll(struct serve *sv, struct diag_list *diags, struct site_rebuild *r)
{
	struct serve_snapshot now;
	const char **paths;
	memset(r, 0, sizeof(*r));
	serve_snapshot_take(sv, &now);
	size_t n = serve_snapshot_diff(&sv->seen, &now, &paths);
	int status = 0;
	if (n) {
		status = site_rebuild_paths(sv->session, paths, n, diags, r) ? -1 : 1;
		if (status > 0 && !r->written && !r->full)
			status = 0; /* files the site does not show: no reload */
		else
			serve_announce_(sv, diags, status > 0);
	}
	free(paths);
	serve_snapshot_release(&sv->seen);
	sv->seen = now;
	return status;
}
