/* fuzz_jsonpath.c - libFuzzer target: compiles the input as a JSONPath and
 * evaluates it against a fixed document, context object and variable.
 * Not here: intrinsic calls (fuzz_intrinsic.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonmem.h"
#include "jsonpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_text[] =
	"{\"store\":{\"book\":[{\"category\":\"reference\",\"price\":8.95,"
	"\"title\":\"A\"},{\"category\":\"fiction\",\"price\":12.99,\"isbn\":\"x\","
	"\"tags\":[\"a\",\"b\"]},{\"price\":\"9\",\"n\":null,\"t\":true}],"
	"\"bicycle\":{\"color\":\"red\",\"price\":19.95}},\"expensive\":10,"
	"\"a b\":[[1,2,[3,[4,[5]]]],{\"x\":{\"y\":{\"z\":[]}}}],\"\":0}";

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
	struct jsonpath_error err;
	struct jsonpath *p = jsonpath_compile(text, &err);
	if (p) {
		struct jsonpath_env env = { doc, doc, variable, doc };
		cJSON_Delete(jsonpath_eval(p, &env));
		(void)jsonpath_is_reference(p);
		jsonpath_free(p);
	} else if (err.offset > size || !err.message) {
		abort();
	}
	free(text);
	return 0;
}
