/* serve.h - `stepbook serve`: the course website on http://127.0.0.1:PORT/,
 * rebuilt as its files change, with the open page reloading itself.
 * libmicrohttpd speaks HTTP; this module maps URLs to the built site (GET
 * and HEAD only, nothing outside the site folder), polls the course and
 * the theme for changes, rebuilds what they touch (site_rebuild_paths) and
 * tells browsers over Server-Sent Events at /__stepbook/events.  The
 * reload script (templates/serve.js) is added to HTML as it is served:
 * files on disk are exactly what `stepbook build` writes.
 * Not here: building pages (site.h), the command line (cmd_serve.c). */
#ifndef STEPBOOK_SERVE_H
#define STEPBOOK_SERVE_H

#include "diag.h"
#include "site.h"

#define SERVE_DEFAULT_PORT 3000
/* How often the course is looked at: a saved file shows within a third of
 * a second, and walking a course folder costs well under a millisecond. */
#define SERVE_POLL_MS 300
/* Files watched under the course and the theme: far above any course
 * (COURSE_MAX_PAGES pages plus their steps and images); bounds each poll. */
#define SERVE_MAX_FILES 50000
/* Folder levels walked (a course nests a few). */
#define SERVE_MAX_DEPTH 16
/* Simultaneous connections (each has a thread): a few browser tabs. */
#define SERVE_MAX_CONNECTIONS 64

struct serve_options {
	const char *course;    /* the course folder */
	const char *out;       /* the site folder; NULL: a private temporary
				* folder, removed by serve_free */
	const char *templates; /* the theme; NULL: site_default_templates() */
	unsigned port;         /* 0: any free port (see serve_port) */
};

struct serve;

/* Builds the site and starts serving it.  Build errors go to diags and the
 * server runs anyway (it shows them until a change fixes the build).
 * Returns owned, free with serve_free; NULL with an error in diags when it
 * cannot listen or has no folder to build into.  opt's strings are
 * borrowed for the server's lifetime. */
struct serve *serve_new(const struct serve_options *opt, struct diag_list *diags);
/* Stops the server (open event streams end) and removes a private folder. */
void serve_free(struct serve *sv);

unsigned serve_port(const struct serve *sv);
/* The folder being served.  Borrowed. */
const char *serve_root(const struct serve *sv);
/* The cases the course's check failed at the last build (site.h,
 * site_session_check_failed); open pages show them too.  Main thread only;
 * borrowed until the next serve_poll. */
const struct diag_list *serve_check_failed(const struct serve *sv);
/* Successful builds so far (the first is 1). */
unsigned long serve_generation(const struct serve *sv);

/* Looks for changed files once and rebuilds what they touch.  Returns 0
 * when nothing the site shows changed, 1 after a rebuild (r says what;
 * open pages reload), -1 when it failed:
 * located errors in diags, the last good site still served and the error
 * shown in open pages. */
int serve_poll(struct serve *sv, struct diag_list *diags, struct site_rebuild *r);

#endif
