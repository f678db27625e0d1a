/* cmd_run.c - `stepbook run`: execute a state machine offline.
 * Exit status: 0 the execution SUCCEEDED, 1 it FAILED, TIMED_OUT or was
 * ABORTED (or the input could not be loaded), 2 usage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asl.h"
#include "cmd.h"
#include "diagram.h"
#include "diagram_run.h"
#include "report.h"
#include "exec.h"
#include "fileio.h"
#include "jsonout.h"
#include "loader.h"
#include "mock.h"
#include "strmap.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

struct run_args {
	const char *file, *machine, *input, *input_file, *mock_file, *test_case;
	const char *scenario_file, *format, *start_time, *name, *diagram;
	int compact;
	struct exec_options opt;
};

static const char usage_text[] =
	"usage: stepbook run FILE [--machine NAME] [--input JSON | --input-file FILE]\n"
	"         [--mock-config FILE [--test-case NAME]] [--scenario FILE]\n"
	"         [--allow-exec] [--format text|json|history|events] [--compact]\n"
	"         [--start-time ISO] [--seed N] [--max-events N]\n"
	"         [--max-payload BYTES] [--name NAME] [--diagram OUT.svg]\n"
	"         [--s3-dir DIR]\n\n"
	"Executes one state machine of FILE (ASL JSON/YAML, serverless.yml,\n"
	"CloudFormation/SAM template) offline: tasks answer from mocks and time is\n"
	"virtual, so the same command always prints the same bytes.\n\n"
	"  --machine NAME       the machine to run when FILE declares several (its key,\n"
	"                       logical id or deployed name)\n"
	"  --input JSON         the execution input (default: {})\n"
	"  --input-file FILE    the execution input, read from FILE\n"
	"  --mock-config FILE   task responses, in the Step Functions Local\n"
	"                       MockConfigFile format with stepbook's extensions\n"
	"                       (doc/mocks.md)\n"
	"  --test-case NAME     the test case of the mock file (default: the machine's\n"
	"                       only one; with none, the file's Defaults answer alone)\n"
	"  --scenario FILE      callbacks, heartbeats and stops on the virtual clock\n"
	"  --allow-exec         let mocks run local commands (\"Exec\" responses)\n"
	"  --format FORMAT      text (default): status, path, output or error and cause\n"
	"                       json: {status, output, error, cause}\n"
	"                       history: {events}, as get-execution-history prints them\n"
	"                       events: the EventBridge status-change events\n"
	"  --compact            JSON on one line (jq -c), not indented by two spaces\n"
	"  --start-time ISO     when the virtual clock starts\n"
	"                       (default 2024-01-01T00:00:00Z)\n"
	"  --seed N             seeds execution names, task tokens and States.MathRandom\n"
	"                       (default 0)\n"
	"  --max-events N       fail with States.Runtime past N history events\n"
	"                       (default 25000, AWS's quota)\n"
	"  --max-payload BYTES  fail with States.DataLimitExceeded past BYTES of state\n"
	"                       input or output (default 262144, AWS's quota)\n"
	"  --name NAME          the machine's name in ARNs, $$.StateMachine and the mock\n"
	"                       file (default: the machine's own name)\n"
	"  --diagram OUT.svg    also draw the machine with the path the run took\n"
	"  --s3-dir DIR         the folder that stands for S3 (object KEY of bucket\n"
	"                       BUCKET is DIR/BUCKET/KEY): where a Distributed Map's\n"
	"                       ItemReader reads and its ResultWriter writes\n\n"
	"Exit status: 0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED or bad input, 2 usage.\n";

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || !*s || v == 0 || v > (1ull << 40))
		return -1;
	*out = (size_t)v;
	return 0;
}

/* The options that take a value, and where it goes (NULL: parsed below). */
static const char *const value_options[] = { "--machine", "--input",
	"--input-file", "--mock-config", "--test-case", "--scenario", "--format",
	"--start-time", "--name", "--diagram", "--s3-dir", "--seed", "--max-events",
	"--max-payload" };
#define NR_VALUE_OPTIONS (sizeof(value_options) / sizeof(*value_options))

static const char **option_slot(struct run_args *a, size_t i)
{
	const char **slots[] = { &a->machine, &a->input, &a->input_file,
		&a->mock_file, &a->test_case, &a->scenario_file, &a->format,
		&a->start_time, &a->name, &a->diagram, &a->opt.s3_dir };
	return i < sizeof(slots) / sizeof(*slots) ? slots[i] : NULL;
}

/* Option value_options[i] with value v.  Returns 0, or -1 when v is bad. */
static int option(struct run_args *a, size_t i, const char *v)
{
	const char **slot = option_slot(a, i);
	if (slot) {
		*slot = v;
		return 0;
	}
	if (!strcmp(value_options[i], "--seed")) {
		char *end;
		a->opt.seed = strtoull(v, &end, 10);
		return *end || !*v ? -1 : 0;
	}
	return parse_size(v, !strcmp(value_options[i], "--max-events")
			  ? &a->opt.max_events : &a->opt.max_payload);
}

/* The option at argv[*i] (and its value).  Returns 0, or EXIT_USAGE after
 * saying what is wrong. */
static int parse_option(struct run_args *a, int argc, char **argv, int *i)
{
	const char *k = argv[*i];
	if (!strcmp(k, "--allow-exec")) {
		a->opt.allow_exec = 1;
		return 0;
	}
	if (!strcmp(k, "--compact")) {
		a->compact = 1;
		return 0;
	}
	for (size_t o = 0; o < NR_VALUE_OPTIONS; o++) {
		if (strcmp(k, value_options[o]))
			continue;
		if (*i + 1 >= argc)
			return cmd_usage("run", "%s needs a value", k);
		if (option(a, o, argv[++*i]))
			return cmd_usage("run", "bad value for %s: '%s'", k, argv[*i]);
		return 0;
	}
	return cmd_usage("run", "unknown option '%s'; 'stepbook run --help' lists them", k);
}

static int parse_args(struct run_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i];
		if (k[0] == '-' && k[1]) {
			if (parse_option(a, argc, argv, &i))
				return EXIT_USAGE;
		} else if (a->file) {
			return cmd_usage("run", "one FILE at a time");
		} else {
			a->file = k;
		}
	}
	if (!a->file)
		return cmd_usage("run", "no FILE to run; 'stepbook run --help' describes the options");
	if (!a->format)
		a->format = "text";
	if (strcmp(a->format, "text") && strcmp(a->format, "json") &&
	    strcmp(a->format, "history") && strcmp(a->format, "events"))
		return cmd_usage("run", "--format is text, json, history or events, not '%s'",
			     a->format);
	if (a->input && a->input_file)
		return cmd_usage("run", "--input and --input-file exclude each other");
	if (a->test_case && !a->mock_file)
		return cmd_usage("run", "--test-case needs --mock-config");
	if (a->start_time && timestamp_parse(a->start_time, &a->opt.start_ms))
		return cmd_usage("run", "--start-time '%s' is not an RFC 3339 timestamp",
			     a->start_time);
	return 0;
}

static cJSON *read_json(const char *path, const char *what)
{
	struct buf b = BUF_INIT;
	const char *why;
	if (fileio_read(path, &b, &why)) {
		fprintf(stderr, "stepbook run: cannot read %s '%s': %s\n", what, path, why);
		return NULL;
	}
	cJSON *v = cJSON_ParseWithLength(b.ptr, b.len);
	if (!v)
		fprintf(stderr, "stepbook run: %s '%s' is not JSON\n", what, path);
	buf_release(&b);
	return v;
}

static void print_diags(struct diag_list *d)
{
	struct report_options ro = { REPORT_TEXT, isatty(2), 0 };
	diag_sort(d);
	report_print(stderr, d, &ro);
}

static const struct loaded_machine *pick_machine(const struct loaded_file *lf,
						 const char *name)
{
	if (name) {
		const struct loaded_machine *m = loader_find(lf, name);
		if (!m)
			fprintf(stderr, "stepbook run: no state machine named '%s'\n", name);
		return m;
	}
	if (lf->nr_machines == 1)
		return &lf->machines[0];
	fprintf(stderr, "stepbook run: the file declares %zu state machines; "
			"choose one with --machine:\n", lf->nr_machines);
	for (size_t i = 0; i < lf->nr_machines; i++)
		fprintf(stderr, "  %s\n", lf->machines[i].name);
	return NULL;
}

static unsigned json_flags(const struct run_args *a)
{
	return a->compact ? JSONOUT_COMPACT : JSONOUT_PRETTY;
}

static void print_text(const struct run_args *a, const struct exec_result *r)
{
	static const char *const what[] = { "ok", "failed", "caught", "retried" };
	printf("%s\n", exec_status_name(r->status));
	printf("path:");
	for (size_t i = 0; i < r->nr_visits && i < 200; i++)
		printf(" %s%s%s%s", i ? "-> " : "", r->visits[i].state->name,
		       r->visits[i].outcome ? " " : "",
		       r->visits[i].outcome ? what[r->visits[i].outcome] : "");
	printf("%s\n", r->nr_visits > 200 ? " ..." : "");
	if (r->output) {
		fputs("output: ", stdout);
		jsonout_print(stdout, r->output, json_flags(a));
	}
	if (r->error && *r->error)
		printf("error: %s\n", r->error);
	if (r->cause && *r->cause)
		printf("cause: %s\n", r->cause);
}

/* The history as the AWS CLI v2 prints get-execution-history: timestamps
 * as ISO 8601 text, not the epoch seconds of the API. */
static cJSON *cli_history(const cJSON *history)
{
	cJSON *events = cJSON_Duplicate(history, 1);
	struct buf t = BUF_INIT;
	cJSON *e;
	cJSON_ArrayForEach(e, events) {
		cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "timestamp");
		if (!cJSON_IsNumber(ts))
			continue;
		buf_reset(&t);
		timestamp_format_cli(llround(ts->valuedouble * 1000.0), &t);
		cJSON_ReplaceItemInObjectCaseSensitive(e, "timestamp",
						       cJSON_CreateString(t.ptr));
	}
	buf_release(&t);
	return events ? events : cJSON_CreateArray();
}

static void print_result(const struct run_args *a, const struct exec_result *r)
{
	if (!strcmp(a->format, "text")) {
		print_text(a, r);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	if (!strcmp(a->format, "json")) {
		cJSON_AddStringToObject(o, "status", exec_status_name(r->status));
		cJSON_AddItemToObject(o, "output", r->output ? cJSON_Duplicate(r->output, 1)
							      : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "error", r->error ? cJSON_CreateString(r->error)
							   : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "cause", r->cause ? cJSON_CreateString(r->cause)
							   : cJSON_CreateNull());
	} else if (!strcmp(a->format, "history")) {
		cJSON_AddItemToObject(o, "events", cli_history(r->history));
	} else {
		cJSON_Delete(o);
		o = cJSON_CreateArray();
		exec_status_events(r, &a->opt, o);
	}
	jsonout_print(stdout, o, json_flags(a));
	cJSON_Delete(o);
}

/* ---- --diagram: the executed path on the machine's picture ----------- */

/* Writes the machine with the run's path to a->diagram.  0 or -1. */
static int write_diagram(const struct run_args *a, const struct asl_machine *m,
			 const struct exec_result *r)
{
	struct diagram_run *v = diagram_run_new(r);
	struct diagram_highlight hl = diagram_run_highlight(v);
	struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf svg = BUF_INIT;
	int rc = diagram_format_from_name("svg", &opt.format);
	opt.highlight = &hl;
	if (rc == 0 && diagram_render(m, &opt, &svg, &diags) == 0) {
		rc = fileio_write_atomic(a->diagram, svg.ptr, svg.len);
		if (rc)
			fprintf(stderr, "stepbook run: cannot write %s: %m\n",
				a->diagram);
	} else {
		print_diags(&diags);
		rc = -1;
	}
	diagram_run_free(v);
	buf_release(&svg);
	diag_list_release(&diags);
	return rc;
}

/* The machine's entry in the mock file, found as mock_select finds it:
 * by name, by deployed name, or the file's only entry.  Borrowed or NULL. */
static const cJSON *mock_machine(const struct mock_config *mc, const char *name,
				 const char *deployed)
{
	const cJSON *sms = cJSON_GetObjectItemCaseSensitive(mc->root, "StateMachines");
	const cJSON *m = name ? cJSON_GetObjectItemCaseSensitive(sms, name) : NULL;
	if (!m && deployed)
		m = cJSON_GetObjectItemCaseSensitive(sms, deployed);
	if (!m && sms && sms->child && !sms->child->next)
		m = sms->child;
	return m;
}

/* --mock-config without --test-case: the machine's only test case.  With
 * none the file's Defaults answer alone; with several, says which exist.
 * Returns 0 or -1. */
static int default_test_case(struct run_args *a, const struct loaded_machine *lm,
			     const struct mock_config *mc)
{
	const cJSON *m = mock_machine(mc, a->name, lm->deployed_name);
	const cJSON *tcs = cJSON_GetObjectItemCaseSensitive(m, "TestCases");
	int n = cJSON_GetArraySize(tcs);
	if (n <= 1) {
		a->test_case = n ? tcs->child->string : NULL;
		return 0;
	}
	fprintf(stderr, "stepbook run: mock file '%s' has %d test cases for '%s'; "
			"choose one with --test-case:", a->mock_file, n, m->string);
	for (const cJSON *t = tcs->child; t; t = t->next)
		fprintf(stderr, "%s %s", t == tcs->child ? "" : ",", t->string);
	fputc('\n', stderr);
	return -1;
}

/* Loads --mock-config and selects the test case.  Returns 0, or -1 after
 * saying what is wrong. */
static int load_mocks(struct run_args *a, const struct loaded_machine *lm,
		      struct mock_config *mc)
{
	char *why = NULL;
	if (!a->mock_file)
		return 0;
	if (mock_load(mc, a->mock_file, &why))
		goto fail;
	if (!a->test_case) {
		if (default_test_case(a, lm, mc))
			return -1;
		if (!a->test_case)
			return 0; /* no test case: the file's Defaults alone */
	}
	if (mock_select(mc, a->name, a->test_case, &why) == 0)
		return 0;
	if (lm->deployed_name) {
		free(why);
		why = NULL;
		if (mock_select(mc, lm->deployed_name, a->test_case, &why) == 0)
			return 0;
	}
fail:
	fprintf(stderr, "stepbook run: %s\n", why);
	free(why);
	return -1;
}

static int execute(struct run_args *a, const struct loaded_machine *lm,
		   const struct asl_machine *m, cJSON *input)
{
	struct mock_config mc = { 0 };
	int status = EXIT_ERRORS;
	cJSON *scenario = NULL;
	if (load_mocks(a, lm, &mc) ||
	    (a->scenario_file && !(scenario = read_json(a->scenario_file, "scenario"))))
		goto out;
	a->opt.mocks = a->mock_file ? &mc : NULL;
	a->opt.scenario = scenario;
	a->opt.keep_history = !strcmp(a->format, "history");
	struct exec_result r;
	exec_run(m, input, &a->opt, &r);
	print_result(a, &r);
	status = r.status == EXEC_SUCCEEDED ? EXIT_OK : EXIT_ERRORS;
	if (a->diagram && write_diagram(a, m, &r))
		status = EXIT_ERRORS;
	exec_result_release(&r);
out:
	cJSON_Delete(scenario);
	mock_release(&mc);
	return status;
}

static int run_loaded(struct run_args *a, const struct loaded_file *lf)
{
	const struct loaded_machine *lm = pick_machine(lf, a->machine);
	if (!lm)
		return EXIT_ERRORS;
	struct diag_list diags = DIAG_LIST_INIT;
	struct asl_machine *m = asl_build(lm->definition, lm->doc, &diags);
	int status = EXIT_ERRORS;
	cJSON *input = a->input_file ? read_json(a->input_file, "input")
		     : cJSON_Parse(a->input ? a->input : "{}");
	if (!input)
		fprintf(stderr, "stepbook run: the input is not JSON\n");
	else if (diags.errors) {
		print_diags(&diags);
	} else {
		if (!a->name)
			a->name = lm->name;
		a->opt.name = a->name;
		a->opt.region = lf->region;
		a->opt.account = lf->account;
		status = execute(a, lm, m, input);
	}
	cJSON_Delete(input);
	asl_free(m);
	diag_list_release(&diags);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	memset(&a, 0, sizeof(a));
	a.opt.start_ms = EXEC_DEFAULT_START_MS;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
	int rc = parse_args(&a, argc, argv);
	if (rc)
		return rc;
	struct loaded_file lf;
	struct diag_list diags = DIAG_LIST_INIT;
	struct loader_options lo = { NULL, NULL, NULL };
	if (loader_load(&lf, a.file, &lo, &diags)) {
		print_diags(&diags);
		rc = EXIT_ERRORS;
	} else
		rc = run_loaded(&a, &lf);
	loader_release(&lf);
	diag_list_release(&diags);
	return rc;
}
