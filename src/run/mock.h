/* mock.h - mocked task responses, in the AWS Step Functions Local
 * MockConfigFile format (StateMachines -> TestCases -> state -> response;
 * MockedResponses -> "0", "1-3" -> Return | Throw), plus stepbook's
 * extensions (doc/mocks.md): "Defaults" per resource or function name, a
 * "Template" response built like Parameters, an opt-in "Exec" handler.
 * Not here: running a task (exec_task.c). */
#ifndef STEPBOOK_MOCK_H
#define STEPBOOK_MOCK_H

#include <cJSON.h>

#include "asl.h"
#include "strmap.h"

struct mock_config {
	cJSON *root;       /* owned */
	const char *path;  /* borrowed, for messages */
	const cJSON *test_case; /* the selected state -> response map, or NULL */
	struct strmap templates; /* response entry -> its compiled Template
				    (struct asl_expr, owned): compiled once
				    with the file, as a model compiles its
				    expressions, never while a machine runs */
};

/* Reads and parses 'path'.  Returns 0, or -1 with *why owned (free()). */
int mock_load(struct mock_config *mc, const char *path, char **why);
/* Takes root (consumed), a MockConfigFile built in memory, and compiles its
 * Templates as mock_load does. */
void mock_adopt(struct mock_config *mc, cJSON *root, const char *path);
void mock_release(struct mock_config *mc);
/* Compiles the Templates of 'response' (a MockedResponses member the
 * caller added to mc->root after loading). */
void mock_adopt_response(struct mock_config *mc, const cJSON *response);

/* The compiled Template of response entry 'entry', or NULL.  Borrowed. */
const struct asl_expr *mock_template(const struct mock_config *mc,
				     const cJSON *entry);

/* Selects test case 'name' of machine 'machine' (NULL machine: the only
 * machine of the file).  Returns 0, or -1 with *why owned (free()). */
int mock_select(struct mock_config *mc, const char *machine, const char *name,
		char **why);

/* The response entry ({"Return"|"Throw"|"Template"|"Exec": ...}) for the
 * n-th (0-based) invocation of state 'state' whose resource is 'resource'
 * and function name 'function' (NULL when none).  Looks in the test case,
 * then in Defaults by resource, then by function.  A response used more
 * times than it lists keeps answering with its last entry.  Borrowed, or
 * NULL when nothing is mocked. */
const cJSON *mock_response(const struct mock_config *mc, const char *state,
			   const char *resource, const char *function,
			   unsigned n);

#endif
