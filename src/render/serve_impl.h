/* serve_impl.h - shared by the files of the serve module (serve*.c). */
#ifndef STEPBOOK_SERVE_IMPL_H
#define STEPBOOK_SERVE_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include "buf.h"
#include "serve.h"

/* One file as last seen. */
struct serve_file {
	char *path;      /* owned */
	int64_t mtime_ns;
	int64_t size;
};

/* Every file under the watched folders, sorted by path. */
struct serve_snapshot {
	struct serve_file *files;
	size_t nr, alloc;
};

struct serve {
	struct serve_options opt;
	char *tmp;                 /* owned: private folder, or NULL */
	char *out;                 /* owned: the folder served */
	const char *theme;         /* borrowed */
	struct site_options site;
	struct site_session *session;
	struct serve_snapshot seen;
	struct MHD_Daemon *daemon;
	unsigned port;
	/* Shared with the connection threads, under 'lock'.  Everything else
	 * is written before the daemon starts or after it stopped, or is the
	 * main thread's alone.  The connection threads never touch cJSON (its
	 * allocator, jsonmem.h, is the main thread's): the main thread writes
	 * each build's news as bytes ready to send, and they copy them. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned long generation;  /* successful builds */
	unsigned long events;      /* builds, good or failed */
	char *event;               /* owned: the last build's news, one whole
				      Server-Sent Event ("data: {...}\n\n") */
	size_t event_len;
	int stopping;
};

/* serve.c: tells the connection threads a build ended (ok: it worked;
 * otherwise diags has its errors).  Main thread only. */
void serve_announce_(struct serve *sv, const struct diag_list *diags, int ok);

/* serve_watch.c: fills snap with the files under the course and the theme
 * (hidden names and the site folder skipped). */
void serve_snapshot_take(const struct serve *sv, struct serve_snapshot *snap);
void serve_snapshot_release(struct serve_snapshot *snap);
/* The files that differ between a and b (changed, added or removed) in
 * *paths: the array owned (free with free()), the strings borrowed from a
 * and b.  Returns their number. */
size_t serve_snapshot_diff(const struct serve_snapshot *a,
			   const struct serve_snapshot *b, const char ***paths);

/* serve_http.c: the news of a build for open pages, as one Server-Sent
 * Event: {"generation": N}, with "error": the report when the build
 * failed, "check": the failing check cases when they are any (each NULL:
 * absent).  Main thread only (cJSON).  Returns owned (malloc), its length
 * in *len. */
char *serve_http_event(unsigned long generation, const char *error,
		       const char *check, size_t *len);
/* Starts the daemon on 127.0.0.1:opt.port.  Returns 0, or -1 with *why
 * (a static text: the library is missing, or the port in use?). */
int serve_http_start(struct serve *sv, const char **why);
void serve_http_stop(struct serve *sv);

#endif
