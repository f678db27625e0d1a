/* fuzz_course.c - libFuzzer target: a course folder's stepbook.yml and
 * SUMMARY.md.  The input is split at the first NUL byte: config before it,
 * summary after; both are written into one private temporary folder. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "diag.h"
#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/stepbook-fuzz-course-XXXXXX";

static void put(const char *name, const void *bytes, size_t len)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fileio_write_atomic(path, bytes, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (!mkdtemp(dir))
			abort();
		put("README.md", "# Home\n", 7);
		put("a.md", "# A\n", 4);
		ready = 1;
	}
	const uint8_t *nul = memchr(data, 0, size);
	size_t cfg = nul ? (size_t)(nul - data) : size;
	put("stepbook.yml", data, cfg);
	put("SUMMARY.md", nul ? nul + 1 : data, nul ? size - cfg - 1 : 0);
	struct course c;
	struct diag_list diags = DIAG_LIST_INIT;
	course_load(&c, dir, &diags);
	course_release(&c);
	diag_list_release(&diags);
	return 0;
}
