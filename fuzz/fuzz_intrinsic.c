/* fuzz_intrinsic.c - libFuzzer target: compiles the input as an intrinsic
 * call and evaluates it against a fixed document with a seeded RNG.
 * Not here: JSONPath on its own (fuzz_jsonpath.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonmem.h"
#include "intrinsic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_text[] =
	"{\"s\":\"a,b;c\",\"n\":5,\"f\":1.5,\"big\":3000000000,\"arr\":[1,2,2,\"x\","
	"{\"k\":1},[1]],\"obj\":{\"a\":1,\"b\":{\"c\":2}},\"json\":\"{\\\"a\\\":[1]}\","
	"\"b64\":\"SGVsbG8=\",\"t\":true,\"z\":null,\"tmpl\":\"{} and {}\"}";

static const cJSON *variable(void *ctx, const char *name)
{
	return strcmp(name, "v") == 0 ? (const cJSON *)ctx : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonmem_install();
	static cJSON *doc;
	if (!doc)
		doc = cJSON_Parse(doc_text);
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct intrinsic_error err;
	struct intrinsic *c = intrinsic_compile(text, &err);
	if (c) {
		struct jsonpath_env env = { doc, doc, variable, doc };
		struct rng rng;
		cJSON *out = NULL;
		const char *name = NULL;
		char *cause = NULL;
		rng_init(&rng, 1);
		if (intrinsic_eval(c, &env, &rng, &out, &name, &cause) < 0 &&
		    (!name || !cause))
			abort();
		cJSON_Delete(out);
		free(cause);
		intrinsic_free(c);
	} else if (err.offset > size || !err.message) {
		abort();
	}
	free(text);
	return 0;
}
