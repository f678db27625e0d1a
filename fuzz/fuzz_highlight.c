/* fuzz_highlight.c - libFuzzer target: the build-time highlighters.  The
 * first byte picks the language; the rest is the code. */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "highlight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const infos[] = { "json", "yaml", "bash", "go",
					     "javascript", "http", "text" };
	if (size < 1)
		return 0;
	const char *lang = highlight_language(infos[data[0] % 7]);
	struct buf out = BUF_INIT;
	highlight_code(lang, (const char *)data + 1, size - 1, &out);
	buf_release(&out);
	return 0;
}
