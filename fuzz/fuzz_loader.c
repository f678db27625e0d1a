/* fuzz_loader.c - libFuzzer target: bytes -> located document -> state
 * machines -> ASL model.  The first byte picks how the bytes are read: as
 * JSON, as a YAML definition, or as a serverless/CloudFormation file. */
#include <stddef.h>
#include <stdint.h>

#include "jsonmem.h"
#include "asl.h"
#include "loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonmem_install();
	if (size < 1)
		return 0;
	static const char *const names[] = { "fuzz.asl.json", "fuzz.asl.yaml",
					     "fuzz-serverless.yml" };
	const char *name = names[data[0] % 3];
	struct loaded_file lf;
	struct diag_list diags = DIAG_LIST_INIT;
	loader_load_buffer(&lf, name, (const char *)data + 1, size - 1, NULL, &diags);
	for (size_t i = 0; i < lf.nr_machines; i++) {
		struct asl_machine *m = asl_build(lf.machines[i].definition,
						  lf.machines[i].doc, &diags);
		asl_free(m);
	}
	loader_release(&lf);
	diag_list_release(&diags);
	return 0;
}
