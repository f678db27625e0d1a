/* teststate.h - AWS's TestState API request and response, for `stepbook
 * test-state`: reads a request as `aws stepfunctions test-state
 * --cli-input-json` takes it (JSON text fields may also be written as JSON
 * values), checks it the way the API does (a located error per problem,
 * rule test-state/...), builds the machine, and turns exec_test_state's
 * outcome into the API's response.
 * Not here: running the state (exec_test.c), validating the definition
 * against the States Language (validate/, the CLI calls it). */
#ifndef STEPBOOK_TESTSTATE_H
#define STEPBOOK_TESTSTATE_H

#include <cJSON.h>

#include "asl.h"
#include "diag.h"
#include "doc.h"
#include "exec.h"

/* The name a single-state definition's state runs under ($$.State.Name). */
#define TESTSTATE_STATE_NAME "TestState"

enum teststate_level { TESTSTATE_INFO, TESTSTATE_DEBUG, TESTSTATE_TRACE };

struct teststate {
	const struct doc *doc;     /* the request's (borrowed) */
	struct doc *def_doc;       /* owned: a definition given as JSON text */
	const struct doc *mdoc;    /* where the machine's nodes are located */
	cJSON *wrapper;            /* owned: the machine around a single state */
	struct asl_machine *m;     /* owned */
	struct exec_test test;     /* its pointers borrow the fields below */
	cJSON *input, *variables, *context, *mock_result, *map_item; /* owned */
	char *input_text;          /* owned: the input as the request wrote it */
	enum teststate_level level;
	int mocked;                /* the request has a mock */
};

/* Reads 'request' (an object located in doc; borrowed, and doc must outlive
 * t).  'definition' (located in def_doc), when not NULL, stands for the
 * request's own.  Returns 0, or -1 with located errors in diags (t is still
 * to be released). */
int teststate_parse(struct teststate *t, const cJSON *request,
		    struct doc *doc, const cJSON *definition,
		    const struct doc *def_doc, struct diag_list *diags);
void teststate_release(struct teststate *t);

/* Whether a Task under test needs an answer the request does not give
 * (no mock): offline nothing else answers unless a mocks file does. */
int teststate_needs_mock(const struct teststate *t);

/* The API's response for r.  Returns owned (cJSON_Delete). */
cJSON *teststate_response(const struct teststate *t,
			  const struct exec_test_result *r);

#endif
