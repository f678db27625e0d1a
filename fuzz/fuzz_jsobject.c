/* fuzz_jsobject.c - libFuzzer target: util.inspect text -> cJSON.  The
 * reader must refuse or accept every input in bounded time and depth, and
 * report an error offset inside the text; what it accepts, written back in
 * either layout (--update), must read back to the same text again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsobject.h"
#include "jsoncmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	size_t at = 0;
	cJSON *v = jsobject_parse((const char *)data, size, &why, &at);
	if (!v && (!why || at > size))
		abort();
	if (v) { /* a value always matches itself, and prints */
		struct buf b = BUF_INIT;
		if (!jsoncmp_match(v, v, NULL))
			abort();
		jsoncmp_print(v, &b);
		buf_release(&b);
		for (int style = JSOBJECT_NODE10; style <= JSOBJECT_NODE12; style++) {
			struct buf once = BUF_INIT, twice = BUF_INIT;
			jsobject_print(v, (enum jsobject_style)style, &once);
			cJSON *back = jsobject_parse(once.ptr, once.len, &why, &at);
			if (!back)
				abort();
			jsobject_print(back, (enum jsobject_style)style, &twice);
			if (once.len != twice.len || memcmp(once.ptr, twice.ptr, once.len))
				abort();
			cJSON_Delete(back);
			buf_release(&once);
			buf_release(&twice);
		}
	}
	cJSON_Delete(v);
	return 0;
}
