/* fuzz_tmpl.c - libFuzzer target: template text -> parsed template ->
 * rendered against a fixed page-shaped data object. */
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "buf.h"
#include "diag.h"
#include "tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char data_text[] =
	"{\"title\":\"<T>\",\"pages\":[{\"title\":\"a\",\"current\":true},"
	"{\"title\":\"b\",\"items\":[1,2]}],\"empty\":[],\"no\":false,"
	"\"obj\":{\"k\":\"v&\"},\"n\":3}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cJSON *page;
	if (!page)
		page = cJSON_Parse(data_text);
	struct diag_list diags = DIAG_LIST_INIT;
	struct tmpl *t = tmpl_parse("fuzz.html", (const char *)data, size, &diags);
	if (t) {
		struct buf out = BUF_INIT;
		tmpl_render(t, page, &out);
		buf_release(&out);
		tmpl_free(t);
	}
	diag_list_release(&diags);
	return 0;
}
