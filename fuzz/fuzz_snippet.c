/* fuzz_snippet.c - libFuzzer target: markdown -> snippets (fences, info
 * strings, links, headings) -> steps (shell words, the command table, HTTP
 * requests) -> recorded outputs (JSON, HTTP responses, util.inspect text).
 * Every position handed out must map back inside the page. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "snippet.h"
#include "steps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snippet_page p;
	struct diag_list diags = DIAG_LIST_INIT;
	snippet_page_parse(&p, "fuzz.md", (const char *)data, size, &diags);
	struct step_list steps = STEP_LIST_INIT;
	for (size_t i = 0; i < p.nr; i++) {
		const struct snippet *s = &p.snippets[i];
		if (s->start > s->end || s->end > p.text.len)
			abort();
		steps_parse(&steps, s, i, &diags);
		if (steps_looks_like_output(s))
			cJSON_Delete(steps_parse_output(s, &diags));
		(void)snippet_offset_pos(s, s->len);
	}
	steps_release(&steps);
	snippet_page_release(&p);
	diag_list_release(&diags);
	return 0;
}
