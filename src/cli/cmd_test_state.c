/* cmd_test_state.c - `stepbook test-state`: one state run as AWS's
 * TestState API runs it, offline.  The request comes from a file
 * (--request, the JSON `aws stepfunctions test-state --cli-input-json`
 * takes) or from options over a machine FILE; the response is the API's.
 * Exit status: 0 a response was printed (whatever its status), 1 the
 * request or its definition is invalid (what the API refuses with
 * ValidationException or InvalidDefinition), 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "exec.h"
#include "jsonout.h"
#include "loader.h"
#include "mock.h"
#include "report.h"
#include "teststate.h"
#include "validate.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] =
	"usage: stepbook test-state --request FILE [--mock-config FILE\n"
	"         [--test-case NAME]] [--compact]\n"
	"       stepbook test-state FILE [--machine NAME] [--state NAME]\n"
	"         [--input JSON] [--mock-result JSON | --mock-error ERROR\n"
	"         [--mock-cause CAUSE]] [--variables JSON] [--context JSON]\n"
	"         [--retry-count N] [--error-caused-by-state NAME]\n"
	"         [--map-failures N] [--inspection-level INFO|DEBUG|TRACE]\n"
	"         [--mock-config FILE [--test-case NAME]] [--compact]\n\n"
	"Runs one state the way the Step Functions TestState API does, offline,\n"
	"and prints the API's response: output, error, cause, nextState, status\n"
	"(SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR) and, at DEBUG, inspectionData\n"
	"(the data after InputPath, Parameters, ResultSelector, ResultPath...).\n\n"
	"  --request FILE       the request, as `aws stepfunctions test-state\n"
	"                       --cli-input-json` takes it: definition (one state, or a\n"
	"                       machine with stateName), input, inspectionLevel,\n"
	"                       variables, context, mock, stateConfiguration; roleArn\n"
	"                       and revealSecrets are accepted and ignored\n"
	"  FILE                 a machine (ASL JSON/YAML, serverless.yml, CloudFormation)\n"
	"  --machine NAME       the machine of FILE when it declares several\n"
	"  --state NAME         the state to test (default: the machine's StartAt)\n"
	"  --input JSON         the state input (default: {})\n"
	"  --mock-result JSON   the Task's (Map's, Parallel's) result, in place of the call\n"
	"  --mock-error ERROR   or the error it raises, with --mock-cause CAUSE\n"
	"  --variables JSON     an object: the variables the state sees\n"
	"  --context JSON       an object laid over the context object ($$)\n"
	"  --retry-count N      retries already made (stateConfiguration.retrierRetryCount)\n"
	"  --error-caused-by-state NAME  the state inside a Map or Parallel whose error\n"
	"                       is mocked\n"
	"  --map-failures N     failed Map iterations (mapIterationFailureCount)\n"
	"  --inspection-level L INFO (default), DEBUG (with inspectionData) or TRACE\n"
	"  --mock-config FILE   answers a Task with no mock from a mocks file, as\n"
	"                       `stepbook run` does (doc/mocks.md)\n"
	"  --test-case NAME     the mocks file's test case\n"
	"  --compact            JSON on one line, not indented by two spaces\n\n"
	"A Task with no mock would call its service: offline that is an error unless\n"
	"--mock-config answers it.  Map and Parallel states need a mock, as in AWS.\n"
	"Exit status: 0 a response was printed, 1 the request is invalid, 2 usage.\n";

struct ts_args {
	const char *request, *file, *machine, *state, *input, *mock_result;
	const char *mock_error, *mock_cause, *variables, *context, *retry_count;
	const char *caused_by, *map_failures, *level, *mock_file, *test_case;
	int compact;
};

static const char **slot(struct ts_args *a, const char *k)
{
	static const char *const names[] = { "--request", "--machine", "--state",
		"--input", "--mock-result", "--mock-error", "--mock-cause",
		"--variables", "--context", "--retry-count",
		"--error-caused-by-state", "--map-failures", "--inspection-level",
		"--mock-config", "--test-case" };
	const char **slots[] = { &a->request, &a->machine, &a->state, &a->input,
		&a->mock_result, &a->mock_error, &a->mock_cause, &a->variables,
		&a->context, &a->retry_count, &a->caused_by, &a->map_failures,
		&a->level, &a->mock_file, &a->test_case };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(k, names[i]))
			return slots[i];
	return NULL;
}

static int parse_args(struct ts_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i];
		const char **s = k[0] == '-' && k[1] ? slot(a, k) : NULL;
		if (!strcmp(k, "--compact"))
			a->compact = 1;
		else if (k[0] == '-' && k[1] && !s)
			return cmd_usage("test-state", "unknown option '%s'; 'stepbook test-state "
				     "--help' lists them", k);
		else if (s && i + 1 >= argc)
			return cmd_usage("test-state", "%s needs a value", k);
		else if (s)
			*s = argv[++i];
		else if (a->file)
			return cmd_usage("test-state", "one FILE at a time");
		else
			a->file = k;
	}
	if (!a->request == !a->file)
		return cmd_usage("test-state", "give either --request FILE or a machine FILE; "
			     "'stepbook test-state --help' describes both");
	if (a->request && (a->machine || a->state || a->input || a->mock_result ||
			   a->mock_error || a->variables || a->context ||
			   a->retry_count || a->caused_by || a->map_failures ||
			   a->level || a->mock_cause))
		return cmd_usage("test-state", "--request holds the whole request: the state's "
			     "options go with a machine FILE");
	if (a->mock_result && a->mock_error)
		return cmd_usage("test-state", "--mock-result and --mock-error exclude each other");
	if (a->mock_cause && !a->mock_error)
		return cmd_usage("test-state", "--mock-cause needs --mock-error");
	if (a->test_case && !a->mock_file)
		return cmd_usage("test-state", "--test-case needs --mock-config");
	return 0;
}

static void print_diags(struct diag_list *d)
{
	struct report_options ro = { REPORT_TEXT, isatty(2), 0 };
	diag_sort(d);
	report_print(stderr, d, &ro);
}

/* ---- the request from options ----------------------------------------- */

static int add_count(cJSON *o, const char *key, const char *v, const char *opt)
{
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v)
		return 0;
	if (*end || !*v || n < 0)
		return cmd_usage("test-state", "%s is a whole number, 0 or more, not '%s'", opt, v);
	cJSON_AddNumberToObject(o, key, (double)n);
	return 0;
}

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
}

static cJSON *options_mock(const struct ts_args *a)
{
	cJSON *m = cJSON_CreateObject();
	if (a->mock_result)
		cJSON_AddStringToObject(m, "result", a->mock_result);
	else {
		cJSON *e = cJSON_AddObjectToObject(m, "errorOutput");
		cJSON_AddStringToObject(e, "error", a->mock_error);
		add_str(e, "cause", a->mock_cause);
	}
	return m;
}

/* The JSON options hold JSON text: a wrong one is a wrong command line. */
static int json_options_ok(const struct ts_args *a)
{
	const char *const vals[] = { a->input, a->mock_result, a->variables,
				     a->context };
	const char *const names[] = { "--input", "--mock-result", "--variables",
				      "--context" };
	for (size_t i = 0; i < sizeof(vals) / sizeof(*vals); i++) {
		cJSON *v = vals[i] ? cJSON_Parse(vals[i]) : NULL;
		if (vals[i] && !v)
			return cmd_usage("test-state", "%s is not JSON text: '%s'", names[i], vals[i]);
		cJSON_Delete(v);
	}
	return 0;
}

/* The request the options spell (JSON text fields stay text, as the API
 * takes them).  Returns owned, or NULL after a usage message. */
static cJSON *options_request(const struct ts_args *a, const char *state)
{
	if (json_options_ok(a))
		return NULL;
	cJSON *r = cJSON_CreateObject();
	cJSON *cfg = cJSON_CreateObject();
	add_str(r, "stateName", state);
	add_str(r, "input", a->input);
	add_str(r, "inspectionLevel", a->level);
	add_str(r, "variables", a->variables);
	add_str(r, "context", a->context);
	if (a->mock_result || a->mock_error)
		cJSON_AddItemToObject(r, "mock", options_mock(a));
	add_str(cfg, "errorCausedByState", a->caused_by);
	if (add_count(cfg, "retrierRetryCount", a->retry_count, "--retry-count") ||
	    add_count(cfg, "mapIterationFailureCount", a->map_failures,
		      "--map-failures")) {
		cJSON_Delete(cfg);
		cJSON_Delete(r);
		return NULL;
	}
	if (cfg->child)
		cJSON_AddItemToObject(r, "stateConfiguration", cfg);
	else
		cJSON_Delete(cfg);
	return r;
}

/* ---- running it --------------------------------------------------------- */

static int load_mocks(const struct ts_args *a, struct mock_config *mc)
{
	char *why = NULL;
	if (!a->mock_file)
		return 0;
	if (mock_load(mc, a->mock_file, &why) == 0 &&
	    (!a->test_case || mock_select(mc, NULL, a->test_case, &why) == 0))
		return 0;
	fprintf(stderr, "stepbook test-state: %s\n", why);
	free(why);
	return -1;
}

/* What the API would refuse, and what offline cannot answer: a state whose
 * work calls a service with nothing to answer for it. */
static void offline_checks(const struct teststate *t, int have_mocks,
			   struct diag_list *diags)
{
	const struct asl_state *s = t->test.state;
	if (t->mocked)
		return;
	if (s->type == ASL_MAP || s->type == ASL_PARALLEL)
		diag_error(diags, s->pos, "test-state/no-mock",
			   "state '%s' is a %s state: TestState runs it only with "
			   "a mock of its result or error (\"mock\", --mock-result, "
			   "--mock-error)", s->name, asl_type_name(s->type));
	else if (s->type == ASL_TASK && !have_mocks)
		diag_error(diags, s->pos, "test-state/no-mock",
			   "state '%s' is a Task: TestState would call '%s'; "
			   "offline it needs a mock (\"mock\" in the request, "
			   "--mock-result, --mock-error, or --mock-config)",
			   s->name, s->resource ? s->resource : "its resource");
}

static int respond(const struct ts_args *a, struct teststate *t)
{
	struct mock_config mc = { 0 };
	struct exec_options opt;
	struct exec_test_result r;
	if (load_mocks(a, &mc))
		return EXIT_ERRORS;
	memset(&opt, 0, sizeof(opt));
	opt.start_ms = EXEC_DEFAULT_START_MS;
	opt.name = "TestStateMachine";
	opt.mocks = a->mock_file ? &mc : NULL;
	opt.inspect = t->level != TESTSTATE_INFO;
	exec_test_state(t->m, t->input, &opt, &t->test, &r);
	cJSON *resp = teststate_response(t, &r);
	jsonout_print(stdout, resp, a->compact ? JSONOUT_COMPACT : JSONOUT_PRETTY);
	cJSON_Delete(resp);
	exec_test_result_release(&r);
	mock_release(&mc);
	return EXIT_OK;
}

static int test(const struct ts_args *a, const cJSON *req, struct doc *doc,
		const cJSON *def, const struct doc *def_doc)
{
	struct teststate t;
	struct diag_list diags = DIAG_LIST_INIT;
	int rc = EXIT_ERRORS;
	if (teststate_parse(&t, req, doc, def, def_doc, &diags) == 0) {
		validate_machine(t.m, &diags);
		if (!diags.errors)
			offline_checks(&t, a->mock_file != NULL, &diags);
	}
	if (diags.errors)
		print_diags(&diags);
	else
		rc = respond(a, &t);
	teststate_release(&t);
	diag_list_release(&diags);
	return rc;
}

static int from_request(const struct ts_args *a)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct doc *d = doc_new(a->request);
	int rc = EXIT_ERRORS;
	if (doc_load(d, &diags) == 0)
		rc = test(a, d->root, d, NULL, NULL);
	else
		print_diags(&diags);
	doc_free(d);
	diag_list_release(&diags);
	return rc;
}

static const struct loaded_machine *pick(const struct loaded_file *lf,
					 const char *name)
{
	const struct loaded_machine *m = name ? loader_find(lf, name)
				       : lf->nr_machines == 1 ? &lf->machines[0] : NULL;
	if (!m && name)
		fprintf(stderr, "stepbook test-state: no state machine named '%s'\n", name);
	else if (!m)
		fprintf(stderr, "stepbook test-state: the file declares %zu state "
				"machines; choose one with --machine\n", lf->nr_machines);
	return m;
}

static int from_file(const struct ts_args *a)
{
	struct loaded_file lf;
	struct diag_list diags = DIAG_LIST_INIT;
	struct loader_options lo = { NULL, NULL, NULL };
	int rc = EXIT_ERRORS;
	if (loader_load(&lf, a->file, &lo, &diags)) {
		print_diags(&diags);
	} else {
		const struct loaded_machine *lm = pick(&lf, a->machine);
		const cJSON *start = cJSON_GetObjectItemCaseSensitive(
			lm ? lm->definition : NULL, "StartAt");
		const char *state = a->state ? a->state
				  : cJSON_IsString(start) ? start->valuestring : "";
		cJSON *req = lm ? options_request(a, state) : NULL;
		struct doc *cl = doc_new("<command line>");
		if (req)
			rc = test(a, req, cl, lm->definition, lm->doc);
		else if (lm)
			rc = EXIT_USAGE;
		doc_free(cl);
		cJSON_Delete(req);
	}
	loader_release(&lf);
	diag_list_release(&diags);
	return rc;
}

int cmd_test_state(int argc, char **argv)
{
	struct ts_args a;
	memset(&a, 0, sizeof(a));
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
	int rc = parse_args(&a, argc, argv);
	if (rc)
		return rc;
	return a.request ? from_request(&a) : from_file(&a);
}
