/* fuzz_gate.c - libFuzzer target: one hostile page through the whole of
 * `stepbook check` (snippets, links, commands run in the simulated account
 * on the interpreter, recorded outputs compared, every report format).
 * The page is written into a scratch course beside a fixed saved step and
 * configuration, so deploys, invokes and HTTP requests have something to
 * reach. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "gate.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char step[] =
	"service: fuzz\nprovider:\n  name: aws\n  apiKeys: [k]\n"
	"functions:\n  greet:\n    handler: h\n"
	"stepFunctions:\n  stateMachines:\n    Greeter:\n      name: Greeter-dev\n"
	"      events:\n        - http: {path: go, method: POST, private: true}\n"
	"      definition:\n        StartAt: W\n        States:\n"
	"          W: {Type: Wait, Seconds: 3, Next: T}\n"
	"          T: {Type: Task, Resource: {\"Fn::GetAtt\": [greet, Arn]}, End: true}\n";
static const char config[] =
	"mocks:\n  greet:\n    return: {\"ok\": true}\napi_keys:\n  k: key\n";

static char root[64];

static void scratch(void)
{
	if (root[0])
		return;
	snprintf(root, sizeof(root), "/tmp/fuzz-gate-%d", (int)getpid());
	char path[128];
	snprintf(path, sizeof(path), "%s/saved-steps", root);
	fileio_mkdirs(path);
	snprintf(path, sizeof(path), "%s/saved-steps/step.yml", root);
	fileio_write_atomic(path, step, sizeof(step) - 1);
	snprintf(path, sizeof(path), "%s/stepbook.yml", root);
	fileio_write_atomic(path, config, sizeof(config) - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scratch();
	char path[128];
	snprintf(path, sizeof(path), "%s/README.md", root);
	if (fileio_write_atomic(path, data, size))
		return 0;
	struct gate_options opt = { .root = root };
	struct gate_run run = GATE_RUN_INIT;
	gate_course(&run, &opt);
	FILE *null = fopen("/dev/null", "w");
	for (int f = REPORT_TEXT; null && f <= REPORT_JUNIT; f++) {
		struct report_options ro = { .format = (enum report_format)f };
		report_check(null, &run, &ro, 1);
	}
	if (null)
		fclose(null);
	gate_run_release(&run);
	return 0;
}
