/* fuzz_jsobject.c - libFuzzer target: util.inspect text -> cJSON.  The
 * reader must refuse or accept every input in bounded time and depth, and
 * report an error offset inside the text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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
	}
	cJSON_Delete(v);
	return 0;
}
