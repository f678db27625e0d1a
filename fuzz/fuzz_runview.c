/* fuzz_runview.c - libFuzzer target: bytes -> the runs a site build reads
 * back from its check process (diagram_run_read), one after the other;
 * each view read must write back to the very bytes it came from.
 * Not here: building a view from an execution (fuzz_run.c runs those). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diagram_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct diagram_run *v;
	while (p < end) {
		if (!(v = diagram_run_read(&p, end)))
			break;
		struct buf again = BUF_INIT;
		diagram_run_write(v, &again);
		/* numbers may be written with leading zeros, names repeated:
		 * the bytes read again must give the same view */
		const char *q = again.ptr;
		struct diagram_run *w = diagram_run_read(&q, again.ptr + again.len);
		if (!w || q != again.ptr + again.len)
			abort();
		struct buf thrice = BUF_INIT;
		diagram_run_write(w, &thrice);
		if (thrice.len != again.len || memcmp(thrice.ptr, again.ptr, again.len))
			abort();
		buf_release(&again);
		buf_release(&thrice);
		diagram_run_free(v);
		diagram_run_free(w);
	}
	return 0;
}
