/* fuzz_jsonata_eval.c - libFuzzer target: compiles the input as a JSONata
 * expression and evaluates it against a fixed document with one binding,
 * under small bounds (depth, time, memory) so a hostile expression ends in
 * an error quickly.  Every failure must carry a code and a message; every
 * result must convert back to JSON text.  Input "EXPR\n\nJSON" evaluates
 * EXPR against the JSON text instead (jsonata_evaluate_text's own parser).
 * Inputs of odd size run with Step Functions' own functions switched on.
 * Not here: the parser alone (fuzz_jsonata_parse.c). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonata.h"
#include "jsonmem.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_text[] =
	"{\"Account\":{\"Name\":\"Firefly\",\"Order\":[{\"OrderID\":\"order103\","
	"\"Product\":[{\"Name\":\"Bowler Hat\",\"Price\":34.45,\"Quantity\":2,"
	"\"Tags\":[\"a\",\"b\"]},{\"Name\":\"Trilby\",\"Price\":21.67,\"Quantity\":1}]},"
	"{\"OrderID\":\"order104\",\"Product\":[{\"Name\":\"Cloak\",\"Price\":107.99,"
	"\"Quantity\":1,\"n\":null,\"t\":true}]}]},\"nums\":[1,2,3,[4,[5]]],"
	"\"s\":\"h\\u00e9llo w\\u00f6rld \\ud83d\\ude00\",\"\":0}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonmem_install();
	static cJSON *doc, *bindings;
	if (!doc) {
		doc = cJSON_Parse(doc_text);
		bindings = cJSON_Parse("{\"v\":[1,\"two\",{\"three\":3}]}");
	}
	struct jsonata_error err;
	const char *text = NULL;
	size_t tlen = 0, elen = size;
	const uint8_t *sep = size > 1 ? memmem(data, size, "\n\n", 2) : NULL;
	if (sep) {
		elen = (size_t)(sep - data);
		text = (const char *)sep + 2;
		tlen = size - elen - 2;
	}
	struct jsonata *j = jsonata_compile((const char *)data, elen, &err);
	if (!j)
		return 0;
	struct jsonata_options opt = { 0 };
	opt.max_depth = 200;
	opt.time_ms = 1000;
	opt.max_memory = (size_t)64 << 20;
	opt.allow_eval = 1;
	/* odd sizes: Step Functions' functions ($partition, $hash, ...) too */
	opt.step_functions = (int)(size & 1);
	cJSON *result = NULL;
	if (text) {
		/* a copy of its own, exactly as long as the text: reading
		 * past it (there is no terminator) is an ASan report */
		char *copy = xmalloc(tlen ? tlen : 1);
		memcpy(copy, text, tlen);
		struct jsonata_text in = { copy, tlen, 1 };
		struct buf out = BUF_INIT;
		int defined;
		if (jsonata_evaluate_text(j, &in, bindings, &opt, 2, &out, &defined,
					  &err) < 0 && (!err.code[0] || !err.message[0]))
			abort();
		free(copy);
		buf_release(&out);
	} else if (jsonata_evaluate(j, doc, bindings, &opt, &result, &err) < 0) {
		if (!err.code[0] || !err.message[0])
			abort();
	} else if (result) {
		struct buf b = BUF_INIT;
		jsonata_write_json(result, 2, &b);
		buf_release(&b);
		cJSON_Delete(result);
	}
	jsonata_free(j);
	return 0;
}
