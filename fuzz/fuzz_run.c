/* fuzz_run.c - libFuzzer target: a fuzzed definition (JSON) run on a fixed
 * input with a small event limit, no mocks, and a short scenario. */
#include <stddef.h>
#include <stdint.h>

#include "jsonmem.h"
#include "asl.h"
#include "doc.h"
#include "exec.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonmem_install();
	struct diag_list diags = DIAG_LIST_INIT;
	struct doc *d = doc_new("fuzz.json");
	if (doc_parse(d, (const char *)data, size, DOC_JSON, &diags) == 0 && d->root) {
		struct asl_machine *m = asl_build(d->root, d, &diags);
		cJSON *input = cJSON_Parse("{\"a\":1,\"l\":[1,2,3],\"s\":\"x\"}");
		cJSON *scenario = cJSON_Parse("[{\"at\":5,\"action\":\"SendTaskSuccess\",\"output\":1}]");
		struct exec_options o = { 0 };
		o.start_ms = EXEC_DEFAULT_START_MS;
		o.max_events = 500;
		o.max_payload = 65536;
		o.scenario = scenario;
		o.keep_history = 1;
		struct exec_result r;
		exec_run(m, input, &o, &r);
		exec_result_release(&r);
		cJSON_Delete(input);
		cJSON_Delete(scenario);
		asl_free(m);
	}
	doc_free(d);
	diag_list_release(&diags);
	return 0;
}
