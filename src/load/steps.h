/* steps.h - the commands a course page asks its reader to run.
 * Shell snippets are split into words by a real shell-words tokenizer
 * (quotes, backslashes, line continuations; $VAR and ${VAR} kept symbolic),
 * then matched against a command table: deploys (sls, make, aws
 * cloudformation, sam), `sls invoke stepf`,
 * `aws stepfunctions ...`, `export NAME=...`, `curl`.  HTTP requests written
 * as a request line and headers (typed into `openssl s_client`, or an .http
 * file) are steps too.  Anything else is "not a step", with a reason.
 * Recorded outputs (JSON, an HTTP response, util.inspect text) are read
 * into cJSON here as well.
 * Not here: running steps (account.h), comparing outputs (jsoncmp.h). */
#ifndef STEPBOOK_STEPS_H
#define STEPBOOK_STEPS_H

#include <stddef.h>

#include <cJSON.h>

#include "diag.h"
#include "snippet.h"

/* Words in one command, and commands in one snippet: real ones have a
 * handful; the bound keeps a hostile page linear. */
#define STEPS_MAX_WORDS 256
#define STEPS_MAX_COMMANDS 1000
/* Steps in one list (a page): a course page has tens; past this the rest
 * of the page is not read, with one error saying so. */
#define STEPS_MAX_STEPS 20000

enum step_kind {
	STEP_NONE,        /* not a step: 'reason' says why */
	STEP_DEPLOY,      /* sls|serverless deploy, make deploy, aws cloudformation
			   * deploy, sam deploy (--template-file is ARG_PATH) */
	STEP_INVOKE,      /* sls invoke stepf */
	STEP_START,       /* aws stepfunctions start-execution */
	STEP_START_SYNC,  /* ... start-sync-execution */
	STEP_DESCRIBE,    /* ... describe-execution */
	STEP_STOP,        /* ... stop-execution */
	STEP_TASK_SUCCESS,
	STEP_TASK_FAILURE,
	STEP_TASK_HEARTBEAT,
	STEP_HISTORY,     /* ... get-execution-history */
	STEP_EXPORT,      /* export NAME=VALUE */
	STEP_HTTP,        /* a request line + headers, or curl */
};

/* Command arguments, by meaning; the option spellings live in the table. */
enum step_arg {
	ARG_NAME,          /* --name: machine (sls) or execution name (aws) */
	ARG_INPUT,         /* --data / --input / --task-output / body */
	ARG_PATH,          /* --path FILE */
	ARG_STAGE,         /* --stage, STAGE= */
	ARG_MACHINE_ARN,
	ARG_EXECUTION_ARN,
	ARG_TOKEN,
	ARG_ERROR,
	ARG_CAUSE,
	ARG_VAR,           /* export: the name */
	ARG_VALUE,         /* export: the value */
	ARG_METHOD,        /* http */
	ARG_TARGET,        /* http: the path, without scheme and host */
	ARG_COUNT
};

struct step_header {
	char *name, *value; /* owned */
};

struct step {
	enum step_kind kind;
	const char *what;      /* static: "sls invoke stepf", "HTTP request" */
	size_t snippet;        /* index of the block in the page */
	struct pos pos;        /* the command's first word in the page */
	char *reason;          /* owned, STEP_NONE only */
	char *arg[ARG_COUNT];  /* owned or NULL, $VAR references as written */
	struct pos arg_pos[ARG_COUNT];
	size_t arg_at[ARG_COUNT]; /* byte offset in the snippet's text */
	unsigned arg_vars;     /* bit per arg: holds a $VAR reference */
	cJSON *input;          /* owned: ARG_INPUT parsed, when it is JSON */
	struct step_header *headers;
	size_t nr_headers;
	const struct snippet *output; /* the recorded output block, or NULL */
	cJSON *expect;         /* owned: that output, parsed */
};

struct step_list {
	struct step *items;
	size_t nr, alloc;
	int full; /* STEPS_MAX_STEPS reached (reported once) */
};

#define STEP_LIST_INIT { NULL, 0, 0, 0 }

/* One word of a command line.  'at' is the offset in the text of the
 * word's first character (inside its quote when it starts with one). */
struct steps_word {
	char *text; /* owned, quotes and escapes removed */
	size_t at, end;
	int has_var; /* an unquoted or double-quoted $ reference */
};

/* Splits one command starting at *at (advanced past it): stops at an
 * unquoted newline, ';', '&&', '||' or '|'.  Returns the number of words
 * (0 for a blank or comment line) or -1 with *why and *err_at set (an
 * unterminated quote).  Words are appended to *words (owned; free with
 * steps_words_free). */
int steps_split(const char *text, size_t len, size_t *at,
		struct steps_word **words, size_t *nr, const char **why,
		size_t *err_at);
void steps_words_free(struct steps_word *words, size_t nr);

/* Appends the steps in snippet s (block 'index' of its page) to l.
 * Bad arguments (a --data that is not JSON) are located errors in diags
 * and the step is kept with input NULL. */
void steps_parse(struct step_list *l, const struct snippet *s, size_t index,
		 struct diag_list *diags);
void steps_release(struct step_list *l);

/* Does this block hold nothing but an HTTP request? */
int steps_is_http_request(const struct snippet *s);

/* Reads a recorded output: JSON, an HTTP response (status line, headers,
 * blank line, body) as {"statusCode": N, "body": value}, or util.inspect
 * text.  Returns owned cJSON, or NULL with a located error in diags. */
cJSON *steps_parse_output(const struct snippet *s, struct diag_list *diags);

/* Does the block look like recorded data (starts with {, [ or HTTP/)? */
int steps_looks_like_output(const struct snippet *s);

const char *steps_kind_name(enum step_kind kind);

#endif
