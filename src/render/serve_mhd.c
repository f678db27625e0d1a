/* serve_mhd.c - libmicrohttpd opened with dlopen (serve_mhd.h says why). */
#include "serve_mhd.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "banned.h"

/* The library's run-time name: the package libmicrohttpd12 (Debian and
 * Ubuntu), then the development link as a fallback. */
static const char *const names[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };

static struct mhd_api api;
static const char *failure;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* dlsym's object pointer into a function pointer of any type: POSIX
 * guarantees the representation, C does not allow the cast. */
static int bind_symbol(void *lib, const char *name, void *fn, size_t size)
{
	void *p = dlsym(lib, name);
	if (!p)
		return -1;
	memcpy(fn, &p, size);
	return 0;
}

#define BIND(lib, field, symbol)                                         \
	(/* checks the entry's type against the header's, never evaluated */ \
	 (void)sizeof(api.field = symbol),                                 \
	 bind_symbol(lib, #symbol, &api.field, sizeof(api.field)))

static void open_library(void)
{
	void *lib = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names) && !lib; i++)
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		failure = "libmicrohttpd is not installed (Debian: libmicrohttpd12)";
		return;
	}
	if (BIND(lib, start_daemon, MHD_start_daemon) ||
	    BIND(lib, stop_daemon, MHD_stop_daemon) ||
	    BIND(lib, get_daemon_info, MHD_get_daemon_info) ||
	    BIND(lib, create_response_from_buffer, MHD_create_response_from_buffer) ||
	    BIND(lib, create_response_from_callback, MHD_create_response_from_callback) ||
	    BIND(lib, add_response_header, MHD_add_response_header) ||
	    BIND(lib, queue_response, MHD_queue_response) ||
	    BIND(lib, destroy_response, MHD_destroy_response))
		failure = "libmicrohttpd lacks a function serve needs";
	/* the library stays open until the process ends */
}

const struct mhd_api *serve_mhd(const char **why)
{
	pthread_once(&once, open_library);
	*why = failure;
	return failure ? NULL : &api;
}
