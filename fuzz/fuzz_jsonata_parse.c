/* fuzz_jsonata_parse.c - libFuzzer target: compiles the input as a JSONata
 * expression.  Every input must either compile or fail with an error whose
 * code is a JSONata syntax code and whose position lies within the text.
 * Not here: evaluation (fuzz_jsonata_eval.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata.h"
#include "jsonmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonmem_install();
	struct jsonata_error err;
	struct jsonata *j = jsonata_compile((const char *)data, size, &err);
	if (j)
		jsonata_free(j);
	else if (err.code[0] != 'S' || err.position > size + 1 || !err.message[0])
		abort();
	return 0;
}
