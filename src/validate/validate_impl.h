/* validate_impl.h - private to validate*.c: the rule list, the checking
 * context and the helpers every check uses to report and to read fields.
 * Not here: the checks themselves (validate_fields.c, validate_graph.c,
 * validate_choice.c, validate_states.c, validate_exprs.c). */
#ifndef STEPBOOK_VALIDATE_IMPL_H
#define STEPBOOK_VALIDATE_IMPL_H

#include "validate.h"

/* X(enum, id, severity, summary): the one list; validate.c turns it into
 * validate_rules[], everything else names a rule by its enum. */
#define VALIDATE_RULE_LIST(X) \
	X(R_NOT_OBJECT, "asl/not-object", SEV_ERROR, "a definition, branch or processor is a JSON object (model builder)") \
	X(R_STATE_NOT_OBJECT, "asl/state-not-object", SEV_ERROR, "every state is a JSON object (model builder)") \
	X(R_TOO_DEEP, "asl/too-deep", SEV_ERROR, "Parallel/Map nesting stays within 32 levels (model builder)") \
	X(R_TOO_MANY_STATES, "asl/too-many-states", SEV_ERROR, "at most 20000 states in one machine (model builder)") \
	X(R_START_AT_MISSING, "asl/start-at-missing", SEV_ERROR, "StartAt is present and a string") \
	X(R_START_AT_UNKNOWN, "asl/start-at-unknown", SEV_ERROR, "StartAt names a state of the same scope") \
	X(R_STATES_EMPTY, "asl/states-empty", SEV_ERROR, "States is a non-empty object") \
	X(R_TYPE, "asl/type", SEV_ERROR, "every state has a known Type") \
	X(R_FIELD_UNKNOWN, "asl/field-unknown", SEV_ERROR, "no unknown fields (a misspelt one gets a suggestion)") \
	X(R_FIELD_NOT_ALLOWED, "asl/field-not-allowed", SEV_ERROR, "a known field only where its state type and query language take it") \
	X(R_FIELD_REQUIRED, "asl/field-required", SEV_ERROR, "required fields are present (Resource, Choices, Branches, ItemProcessor, ErrorEquals, Catch Next)") \
	X(R_FIELD_TYPE, "asl/field-type", SEV_ERROR, "field values have the right JSON type") \
	X(R_FIELD_CONFLICT, "asl/field-conflict", SEV_ERROR, "mutually exclusive fields are not both present (X and XPath, Iterator and ItemProcessor...)") \
	X(R_ENUM_VALUE, "asl/enum-value", SEV_ERROR, "QueryLanguage, JitterStrategy, ProcessorConfig Mode and ExecutionType take one of their values") \
	X(R_QUERY_LANGUAGE, "asl/query-language", SEV_ERROR, "a JSONata machine has no JSONPath states") \
	X(R_NAME_TOO_LONG, "asl/name-too-long", SEV_ERROR, "state names are at most 80 characters") \
	X(R_NEXT_AND_END, "asl/next-and-end", SEV_ERROR, "a state has Next or End, not both") \
	X(R_NEXT_MISSING, "asl/next-missing", SEV_ERROR, "Task, Pass, Wait, Parallel and Map states have Next or End: true") \
	X(R_NEXT_UNKNOWN, "asl/next-unknown", SEV_ERROR, "every Next, Default and Catch Next names a state") \
	X(R_NEXT_OUT_OF_SCOPE, "asl/next-out-of-scope", SEV_ERROR, "branches and Map processors do not jump to states outside them") \
	X(R_UNREACHABLE, "asl/unreachable", SEV_WARNING, "every state is reachable from StartAt") \
	X(R_NO_TERMINAL, "asl/no-terminal", SEV_WARNING, "from every reachable state a terminal state (Succeed, Fail, End) is reachable") \
	X(R_CHOICES_EMPTY, "asl/choices-empty", SEV_ERROR, "Choices is a non-empty array of rule objects") \
	X(R_CHOICE_COMPARISON, "asl/choice-comparison", SEV_ERROR, "each Choice rule has exactly one comparison, or one of And/Or/Not") \
	X(R_CHOICE_VARIABLE, "asl/choice-variable", SEV_ERROR, "JSONPath comparisons have a Variable that is a valid path") \
	X(R_CHOICE_OPERAND, "asl/choice-operand", SEV_ERROR, "comparison values have the operator's type (string, number, boolean, timestamp, path)") \
	X(R_CHOICE_AND_OR, "asl/choice-and-or", SEV_ERROR, "And and Or hold non-empty arrays of rules") \
	X(R_CHOICE_NOT, "asl/choice-not", SEV_ERROR, "Not holds a single rule object") \
	X(R_CHOICE_NEXT, "asl/choice-next", SEV_ERROR, "top-level Choice rules have Next, nested rules do not") \
	X(R_CHOICE_CONDITION, "asl/choice-condition", SEV_ERROR, "JSONata Choice rules have a Condition and no JSONPath comparison") \
	X(R_CHOICE_NO_DEFAULT, "asl/choice-no-default", SEV_NOTE, "a Choice without Default fails with States.NoChoiceMatched when no rule matches") \
	X(R_ERROR_EQUALS, "asl/error-equals", SEV_ERROR, "ErrorEquals is a non-empty array of strings") \
	X(R_STATES_ALL, "asl/states-all", SEV_ERROR, "States.ALL is alone in its ErrorEquals and in the last retrier/catcher") \
	X(R_ERROR_NAME, "asl/error-name", SEV_WARNING, "error names starting with States. are predefined ones") \
	X(R_RETRY_MAX_ATTEMPTS, "asl/retry-max-attempts", SEV_ERROR, "MaxAttempts is an integer >= 0") \
	X(R_RETRY_INTERVAL, "asl/retry-interval", SEV_ERROR, "IntervalSeconds is an integer >= 1") \
	X(R_RETRY_BACKOFF, "asl/retry-backoff", SEV_ERROR, "BackoffRate is a number >= 1.0") \
	X(R_RETRY_MAX_DELAY, "asl/retry-max-delay", SEV_ERROR, "MaxDelaySeconds is an integer >= 1") \
	X(R_WAIT_DURATION, "asl/wait-duration", SEV_ERROR, "a Wait has exactly one of Seconds, Timestamp, SecondsPath, TimestampPath") \
	X(R_HEARTBEAT_TIMEOUT, "asl/heartbeat-timeout", SEV_ERROR, "HeartbeatSeconds is less than TimeoutSeconds") \
	X(R_INTEGER_RANGE, "asl/integer-range", SEV_ERROR, "seconds, counts and percentages are integers (numbers) in their range") \
	X(R_TIMESTAMP, "asl/timestamp", SEV_ERROR, "timestamps are RFC 3339 (uppercase T and Z)") \
	X(R_PATH, "asl/path", SEV_ERROR, "InputPath, OutputPath are paths; ResultPath, ItemsPath and *Path fields are reference paths") \
	X(R_TEMPLATE_PATH, "asl/template-path", SEV_ERROR, "a key ending in .$ holds a path, a context path or an intrinsic call") \
	X(R_TEMPLATE_DUPLICATE, "asl/template-duplicate", SEV_ERROR, "a payload template does not have both 'x' and 'x.$'") \
	X(R_TEMPLATE_NOT_STRING, "asl/template-not-string", SEV_ERROR, "a key ending in .$ holds a string") \
	X(R_INTRINSIC, "asl/intrinsic", SEV_ERROR, "intrinsic calls name a known function with the right number of arguments and well-formed quoting") \
	X(R_JSONATA, "asl/jsonata-expression", SEV_ERROR, "a JSONata string that opens with {% closes with %}") \
	X(R_JSONATA_SYNTAX, "asl/jsonata-syntax", SEV_ERROR, "a {% %} expression parses as JSONata (the engine's error code and message, at the offending token)") \
	X(R_JSONATA_FUNCTION, "asl/jsonata-function", SEV_ERROR, "JSONata calls name a built-in function, a Step Functions one ($partition, $range, $hash, $random, $uuid, $parse) or one the expression binds") \
	X(R_JSONATA_ARITY, "asl/jsonata-arity", SEV_ERROR, "a JSONata function gets a number of arguments it takes (with ~> and context arguments counted)") \
	X(R_JSONATA_EVAL, "asl/jsonata-eval", SEV_ERROR, "$eval is not available in Step Functions (use $parse)") \
	X(R_JSONATA_ROOT, "asl/jsonata-root", SEV_ERROR, "expressions read the input as $states.input: no $$, no $ or bare field name at the top level") \
	X(R_JSONATA_STATES, "asl/jsonata-states", SEV_ERROR, "$states.result only in Output and Assign of Task, Parallel and Map; $states.errorOutput only in a Catcher's Output and Assign") \
	X(R_JSONATA_INTRINSIC, "asl/jsonata-intrinsic", SEV_ERROR, "no States.* intrinsic functions in JSONata states (JSONata has its own functions)") \
	X(R_VARIABLE_NAME, "asl/variable-name", SEV_ERROR, "Assign names variables with identifiers of at most 80 characters") \
	X(R_BRANCHES_EMPTY, "asl/branches-empty", SEV_ERROR, "Parallel Branches is a non-empty array") \
	X(R_DISTRIBUTED_ONLY, "asl/distributed-only", SEV_ERROR, "ItemReader, ItemBatcher, ResultWriter, ToleratedFailure*, Label only in DISTRIBUTED mode") \
	X(R_PROCESSOR_CONFIG, "asl/processor-config", SEV_ERROR, "a DISTRIBUTED processor has an ExecutionType; processors have only StartAt, States, ProcessorConfig, Comment") \
	X(R_TASK_TOKEN, "asl/task-token", SEV_ERROR, "a .waitForTaskToken task passes $$.Task.Token in its parameters") \
	X(R_TASK_HEARTBEAT, "asl/task-heartbeat", SEV_NOTE, "a callback task should set HeartbeatSeconds") \
	X(R_PLACEHOLDER, "asl/placeholder", SEV_NOTE, "a ${Name} placeholder where a number, boolean or timestamp goes is filled at deploy time (DefinitionSubstitutions, Fn::Sub, an intrinsic): not checked offline") \
	X(R_TOO_MANY_DIAGS, "asl/too-many-diagnostics", SEV_NOTE, "validation stops reporting after 500 diagnostics per definition")

#define VALIDATE_RULE_ENUM(e, id, sev, summary) e,
enum vrule { VALIDATE_RULE_LIST(VALIDATE_RULE_ENUM) R_COUNT };
#undef VALIDATE_RULE_ENUM

/* The state of one validation run. */
struct vctx {
	const struct doc *doc;
	struct diag_list *diags;
	const cJSON *root;  /* JSON pointers are relative to this */
	size_t count;       /* diagnostics added, capped at VALIDATE_MAX_DIAGS */
	size_t errors;
	int fragment;       /* a snippet: no StartAt, no graph checks */
	const struct asl_machine *model; /* its compiled forms (asl_expr_at) */
};

/* Where a diagnostic points: a value, or the key naming it. */
enum vat { AT_VALUE, AT_KEY };

/* Reports 'rule' at node (its value or its key).  The message is printf
 * style; the JSON pointer is computed from v->root to node. */
void v_report(struct vctx *v, enum vrule rule, const cJSON *node, enum vat at,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The member 'name' of obj, or NULL. */
const cJSON *v_field(const cJSON *obj, const char *name);

/* When n is a deploy-time placeholder string ("${Timeout}") standing where
 * a number or boolean goes: reports the note and returns 1.  Else 0. */
int v_placeholder(struct vctx *v, const cJSON *n);

/* Whether n is a number with an integral value. */
int v_is_integer(const cJSON *n);

/* ---- the checks, one entry per file ---------------------------------- */
void v_machine(struct vctx *v, const struct asl_machine *m);
void v_state(struct vctx *v, const struct asl_machine *m,
	     const struct asl_state *s);
void v_fields_machine(struct vctx *v, const struct asl_machine *m);
void v_fields_state(struct vctx *v, const struct asl_machine *m,
		    const struct asl_state *s);
void v_graph(struct vctx *v, const struct asl_machine *m);
void v_choice_state(struct vctx *v, const struct asl_machine *m,
		    const struct asl_state *s);
void v_retry(struct vctx *v, const struct asl_state *s);
void v_catch(struct vctx *v, const struct asl_state *s);
void v_wait(struct vctx *v, const struct asl_state *s);
void v_task(struct vctx *v, const struct asl_state *s);
void v_map(struct vctx *v, const struct asl_state *s);
void v_parallel(struct vctx *v, const struct asl_state *s);

/* validate_exprs.c: expressions inside strings. */
enum vpath { VPATH_PATH, VPATH_REFERENCE };
/* Checks a path field ('null' allowed where allow_null). */
void v_path_field(struct vctx *v, const cJSON *node, enum vpath kind,
		  int allow_null, const char *what);
/* Walks a payload template (Parameters, ResultSelector, ItemSelector,
 * Assign in JSONPath mode) checking every key ending in .$. */
void v_template(struct vctx *v, const cJSON *tmpl);
/* Reports at byte 'offset' of str's value, located inside the string in
 * the author's file (the value's start when its source cannot be traced). */
void v_report_in(struct vctx *v, enum vrule rule, const cJSON *str,
		 size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* validate_jsonata.c: JSONata expressions.  What a field's expressions may
 * read of $states besides input and context. */
enum ja_allow { JA_INPUT = 0, JA_RESULT = 1, JA_ERROR_OUTPUT = 2 };
/* Walks a JSONata value (Arguments, Output, Assign...) checking every
 * "{% ... %}" string in it. */
void v_jsonata(struct vctx *v, const cJSON *value, enum ja_allow allow);
/* The variable names of an Assign object (either query language). */
void v_assign_names(struct vctx *v, const cJSON *assign);
/* 1 if s is an RFC 3339 timestamp as ASL takes them. */
int v_timestamp_ok(const char *s);
/* Checks s as a path (kind) or, when allow_fn, an intrinsic call.  Returns 0,
 * or -1 with the reason in why (set rule to R_INTRINSIC for call errors). */
struct buf;
int v_expr_check(const char *s, enum vpath kind, int allow_fn, int allow_ctx,
		 struct buf *why, enum vrule *rule);
/* Whether a JSONPath template passes $$.Task.Token somewhere. */
int v_template_has_token(const cJSON *tmpl);

#endif
