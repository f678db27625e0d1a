/* validate.h - the ASL linter: is a state machine valid Amazon States
 * Language, and if not, where exactly (line and column in the author's file)?
 * Runs on the model (asl.h) and appends diagnostics {pos, severity, rule,
 * message, JSON pointer}; it never prints and never stops at the first
 * problem.  Every check has a stable rule id in validate_rules[], which
 * `stepbook validate --list-rules` and the README read.
 * Not here: loading files (loader.h), printing (report.h). */
#ifndef STEPBOOK_VALIDATE_H
#define STEPBOOK_VALIDATE_H

#include <stddef.h>

#include <cJSON.h>

#include "asl.h"
#include "diag.h"
#include "doc.h"

/* A definition with more diagnostics than this gets one note and no more:
 * bounds output and time on hostile input (a pointer is computed per
 * diagnostic by walking the definition). */
#define VALIDATE_MAX_DIAGS 500

struct validate_rule {
	const char *id;         /* "asl/next-missing" */
	enum severity severity;
	const char *summary;    /* what a valid machine satisfies */
};

/* The registry of rules, in README order. */
extern const struct validate_rule validate_rules[];
extern const size_t validate_nr_rules;

/* Validates a built machine (and its branches and processors) and appends
 * what is wrong to diags.  Borrows m.  Returns the number of errors added. */
size_t validate_machine(const struct asl_machine *m, struct diag_list *diags);

/* Builds the model of 'definition' (located in doc), validates it, frees the
 * model.  The builder's own diagnostics are included.  Returns the number of
 * errors added. */
size_t validate_definition(const cJSON *definition, const struct doc *doc,
			   struct diag_list *diags);

/* Partial snippets, for `stepbook check` on a lesson's fragments:
 * STATES: an object of states (targets outside the snippet are not errors,
 * reachability is not checked); CHOICES: an array of top-level Choice rules;
 * CATCHERS: an array of Catch entries (their Next is not resolved). */
enum validate_fragment { VALIDATE_STATES, VALIDATE_CHOICES, VALIDATE_CATCHERS };

/* Validates a fragment located in doc.  Borrows both; JSON pointers are
 * relative to 'json'.  Returns the number of errors added. */
size_t validate_fragment(enum validate_fragment kind, const cJSON *json,
			 const struct doc *doc, struct diag_list *diags);

#endif
