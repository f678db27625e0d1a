/* serve_mhd.h - libmicrohttpd, opened when `serve` starts listening.
 * Linked into the binary, the library and the TLS stack it brings along
 * (gnutls, p11-kit) would cost every stepbook process about 3 MB of
 * resident memory at start, though only serve uses them: build, check, run
 * and eval never map them now.  serve_http.c calls the library through the
 * table serve_mhd() returns, whose entries have the library's own types.
 * Not here: what the server does (serve_http.c). */
#ifndef STEPBOOK_SERVE_MHD_H
#define STEPBOOK_SERVE_MHD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

struct mhd_api {
	struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port,
					   MHD_AcceptPolicyCallback apc,
					   void *apc_cls,
					   MHD_AccessHandlerCallback dh,
					   void *dh_cls, ...);
	void (*stop_daemon)(struct MHD_Daemon *daemon);
	const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *daemon,
						       enum MHD_DaemonInfoType type,
						       ...);
	struct MHD_Response *(*create_response_from_buffer)(
		size_t size, void *buffer, enum MHD_ResponseMemoryMode mode);
	struct MHD_Response *(*create_response_from_callback)(
		uint64_t size, size_t block_size, MHD_ContentReaderCallback crc,
		void *crc_cls, MHD_ContentReaderFreeCallback crfc);
	enum MHD_Result (*add_response_header)(struct MHD_Response *response,
					       const char *header,
					       const char *content);
	enum MHD_Result (*queue_response)(struct MHD_Connection *connection,
					  unsigned int status_code,
					  struct MHD_Response *response);
	void (*destroy_response)(struct MHD_Response *response);
};

/* The library's functions, opened on the first call; NULL with *why (a
 * static text) when the library or one of its functions is missing. */
const struct mhd_api *serve_mhd(const char **why);

#endif
