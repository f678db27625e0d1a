/* jsonata_regex.c - JSONata's regular expressions through PCRE2, set up to
 * behave as JavaScript's RegExp: \uXXXX escapes (ALT_BSUX), '$' only at the
 * very end unless 'm', unset back-references match empty, UTF-8 text.
 * Every match runs under PCRE2's match and depth limits, so a catastrophic
 * pattern ends with an error instead of a hang.
 * Not here: what $match/$replace/$split do with the matches (jsonata_fns.c). */
#include "jsonata_impl.h"

#include <stdint.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "banned.h"

/* Backtracking steps one match may take: enough for any sane pattern on a
 * 256 KiB string, and a catastrophic one stops within milliseconds. */
#define REGEX_MATCH_LIMIT 10000000
/* Nested backtracking frames (heap, in KiB for PCRE2 10.30+). */
#define REGEX_HEAP_LIMIT_KB 65536

static void regex_free(void *re)
{
	pcre2_code_free(re);
}

void *jsonata_regex_compile(struct jsonata_arena *a, const char *pat,
			    size_t len, uint32_t flags, const char **errmsg)
{
	static char msg[128];
	int code;
	PCRE2_SIZE off;
	uint32_t opts = PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_MATCH_UNSET_BACKREF |
			PCRE2_DOLLAR_ENDONLY | PCRE2_NO_UTF_CHECK;
	if (flags & 1)
		opts |= PCRE2_CASELESS;
	if (flags & 2) {
		opts |= PCRE2_MULTILINE;
		opts &= ~(uint32_t)PCRE2_DOLLAR_ENDONLY;
	}
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
	pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, opts & ~(uint32_t)PCRE2_NO_UTF_CHECK,
				       &code, &off, cc);
	pcre2_compile_context_free(cc);
	if (!re) {
		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		*errmsg = msg;
		return NULL;
	}
	jsonata_arena_cleanup(a, regex_free, re);
	return re;
}

int jsonata_regex_exec(struct jsonata_eval *ev, void *re, const char *s,
		       size_t len, size_t from, struct jsonata_match *m)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, REGEX_MATCH_LIMIT);
	pcre2_set_heap_limit(mc, REGEX_HEAP_LIMIT_KB);
	int rc = pcre2_match(re, (PCRE2_SPTR)s, len, from, 0, md, mc);
	int result = 0;
	if (rc > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		m->start = ov[0];
		m->end = ov[1];
		uint32_t ncap = 0;
		pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
		m->ngroups = ncap > 16 ? 16 : ncap;
		for (size_t g = 0; g < m->ngroups; g++) {
			if ((int)(g + 1) < rc && ov[2 * (g + 1)] != PCRE2_UNSET) {
				m->gs[g] = ov[2 * (g + 1)];
				m->ge[g] = ov[2 * (g + 1) + 1];
			} else {
				m->gs[g] = m->ge[g] = SIZE_MAX;
			}
		}
		result = 1;
	} else if (rc != PCRE2_ERROR_NOMATCH) {
		result = jsonata_failf(ev, "D1005", JSONATA_NOPOS, "",
				       "The regular expression was stopped: it exceeded its match limit (error %d)",
				       rc);
	}
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	return result;
}
