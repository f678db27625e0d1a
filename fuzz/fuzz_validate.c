/* fuzz_validate.c - libFuzzer target: bytes -> located document -> ASL
 * model -> validator.  The first byte picks JSON or YAML and whether the
 * input is also tried as each kind of fragment; everything must end
 * without a crash, a leak or undefined behaviour, whatever the input. */
#include <stddef.h>
#include <stdint.h>

#include "jsonmem.h"
#include "diag.h"
#include "doc.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonmem_install();
	if (size < 1)
		return 0;
	struct diag_list diags = DIAG_LIST_INIT;
	struct doc *d = doc_new(data[0] & 1 ? "fuzz.yaml" : "fuzz.json");
	if (!doc_parse(d, (const char *)data + 1, size - 1,
		       data[0] & 1 ? DOC_YAML : DOC_JSON, &diags)) {
		validate_definition(d->root, d, &diags);
		if (data[0] & 2)
			validate_fragment((enum validate_fragment)((data[0] >> 2) % 3),
					  d->root, d, &diags);
		diag_sort(&diags);
	}
	doc_free(d);
	diag_list_release(&diags);
	return 0;
}
