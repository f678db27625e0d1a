/* jsoncmp.h - does a recorded output still describe the actual one?
 * Structural comparison of two JSON values with one normalisation: values
 * that differ on every run match by shape, not by value.
 *
 *   ARN        arn:PARTITION:SERVICE:REGION:ACCOUNT:TYPE:NAME[:SUB]
 *              partition, service, region and resource type must be equal,
 *              the account is any 12 digits, a state machine name must be
 *              equal once a CloudFormation suffix (-XXXXXXXXXXXX) is
 *              dropped from both, the execution name is any name
 *   UUID       8-4-4-4-12 hex digits (execution names, request ids)
 *   date       ISO 8601 / RFC 3339 text (2019-11-12T11:39:26.081Z)
 *   epoch      a number of seconds (1e9..1e10) or milliseconds (1e12..1e13)
 *              matches another number of the same unit
 *   token      a task token: 100+ characters of base64
 * A string holding JSON ("input", "output" of describe-execution) is
 * compared as the JSON it holds.  Objects compare by key set (order does
 * not matter), arrays element by element, everything else must be equal.
 * Not here: parsing outputs (steps.h). */
#ifndef STEPBOOK_JSONCMP_H
#define STEPBOOK_JSONCMP_H

#include <cJSON.h>

#include "buf.h"

enum jsoncmp_shape {
	JSONCMP_PLAIN,
	JSONCMP_ARN,
	JSONCMP_UUID,
	JSONCMP_DATE,
	JSONCMP_TOKEN,
};

/* The volatile shape of a string, or JSONCMP_PLAIN. */
enum jsoncmp_shape jsoncmp_shape(const char *s);

/* Compares recorded 'expected' with 'actual'.  Returns 1 when they match.
 * When normalized is not NULL it receives an owned copy of actual in which
 * every value that matched by shape is replaced by the expected one (what
 * --update writes, and what the diff shows: only real differences). */
int jsoncmp_match(const cJSON *expected, const cJSON *actual,
		  cJSON **normalized);

/* Appends v as JSON indented by two spaces: jsonout.h's layout, which is
 * also JSON.stringify(v, null, 2)'s. */
void jsoncmp_print(const cJSON *v, struct buf *out);

/* Appends a unified diff (3 lines of context) of two texts, headed by
 * "--- from" and "+++ to"; nothing when they are equal. */
void jsoncmp_diff(const char *a, const char *b, const char *from,
		  const char *to, struct buf *out);

#endif
