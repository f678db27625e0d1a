/* fuzz_itemreader.c - libFuzzer target: the first byte picks a ReaderConfig
 * (JSON, JSON with ItemsPointer, JSONL, CSV with each delimiter, GIVEN
 * headers, MaxItems, MANIFEST over tests/data/s3), the rest is the object's
 * bytes; the same bytes also go through the gzip reader.  A result is either
 * an array or an error with a cause that names the object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonmem.h"
#include "itemreader_impl.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const configs[] = {
	"{\"InputType\":\"JSON\"}",
	"{\"InputType\":\"JSON\",\"ItemsPointer\":\"/a/0/b~1c\"}",
	"{\"InputType\":\"JSONL\"}",
	"{\"InputType\":\"JSONL\",\"MaxItems\":3}",
	"{\"InputType\":\"CSV\"}",
	"{\"InputType\":\"CSV\",\"CSVDelimiter\":\"PIPE\"}",
	"{\"InputType\":\"CSV\",\"CSVDelimiter\":\"SEMICOLON\",\"MaxItems\":5}",
	"{\"InputType\":\"CSV\",\"CSVDelimiter\":\"SPACE\"}",
	"{\"InputType\":\"CSV\",\"CSVDelimiter\":\"TAB\",\"CSVHeaderLocation\":\"GIVEN\",\"CSVHeaders\":[\"a\",\"b\",\"c\"]}",
	"{\"InputType\":\"MANIFEST\"}",
	"{\"InputType\":\"PARQUET\"}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonmem_install();
	static cJSON *parsed[sizeof(configs) / sizeof(configs[0])];
	size_t n = sizeof(configs) / sizeof(configs[0]);
	if (size < 1)
		return 0;
	size_t which = data[0] % n;
	if (!parsed[which])
		parsed[which] = cJSON_Parse(configs[which]);
	struct itemreader_request rq = { "tests/data/s3", "arn:aws:states:::s3:getObject",
					 "demo", "fuzz", NULL, parsed[which], 0 };
	cJSON *items = NULL;
	char *error = NULL, *cause = NULL;
	const char *body = (const char *)data + 1;
	if (itemreader_parse(&rq, body, size - 1, &items, &error, &cause) == 0) {
		if (!cJSON_IsArray(items))
			abort();
		cJSON_Delete(items);
	} else {
		if (items || !error || !cause || strncmp(cause, "s3://demo/fuzz: ", 16) != 0)
			abort();
		free(error);
		free(cause);
	}
	struct itemreader_fail f = { BUF_INIT, 0, 0 };
	struct buf out = BUF_INIT;
	(void)itemreader_gunzip(body, size - 1, &out, &f);
	buf_release(&out);
	buf_release(&f.msg);
	return 0;
}
