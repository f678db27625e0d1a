/* cmd_run.c - `stepbook run`: execute a state machine offline.
 * Exit status: 0 the execution SUCCEEDED, 1 it FAILED, TIMED_OUT or was
 * ABORTED (or the input could not be loaded), 2 usage. */
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
#include "loader.h"
#include "mock.h"
#include "strmap.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

struct run_args {
	const char *file, *machine, *input, *input_file, *mock_file, *test_case;
	const char *scenario_file, *format, *start_time, *name, *diagram;
	struct exec_options opt;
};

static const char usage_text[] =
	"usage: stepbook run FILE [--machine NAME] [--input JSON | --input-file FILE]\n"
	"         [--mock-config FILE --test-case NAME] [--scenario FILE] [--allow-exec]\n"
	"         [--format text|json|history|events] [--start-time ISO] [--seed N]\n"
	"         [--max-events N] [--max-payload BYTES] [--name NAME]\n"
	"         [--diagram OUT.svg]\n"
	"Exit status: 0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED or bad input, 2 usage.\n";

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "stepbook run: %s\n", why);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || !*s || v == 0 || v > (1ull << 40))
		return -1;
	*out = (size_t)v;
	return 0;
}

/* One option with a value; returns 1 if consumed, 0 if unknown, -1 bad. */
static int option(struct run_args *a, const char *k, const char *v)
{
	const char *const names[] = { "--machine", "--input", "--input-file",
		"--mock-config", "--test-case", "--scenario", "--format",
		"--start-time", "--name", "--diagram" };
	const char **slots[] = { &a->machine, &a->input, &a->input_file,
		&a->mock_file, &a->test_case, &a->scenario_file, &a->format,
		&a->start_time, &a->name, &a->diagram };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(k, names[i])) {
			*slots[i] = v;
			return 1;
		}
	if (!strcmp(k, "--seed")) {
		char *end;
		a->opt.seed = strtoull(v, &end, 10);
		return *end ? -1 : 1;
	}
	if (!strcmp(k, "--max-events"))
		return parse_size(v, &a->opt.max_events) ? -1 : 1;
	if (!strcmp(k, "--max-payload"))
		return parse_size(v, &a->opt.max_payload) ? -1 : 1;
	return 0;
}

static int parse_args(struct run_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i];
		if (!strcmp(k, "--allow-exec")) {
			a->opt.allow_exec = 1;
			continue;
		}
		if (k[0] != '-' || !k[1]) {
			if (a->file)
				return usage("only one FILE");
			a->file = k;
			continue;
		}
		if (i + 1 >= argc)
			return usage("option needs a value");
		int r = option(a, k, argv[++i]);
		if (r <= 0) {
			fprintf(stderr, "stepbook run: %s option '%s'\n",
				r ? "bad value for" : "unknown", k);
			return usage(NULL);
		}
	}
	if (!a->file)
		return usage("missing FILE");
	if (!a->format)
		a->format = "text";
	if (strcmp(a->format, "text") && strcmp(a->format, "json") &&
	    strcmp(a->format, "history") && strcmp(a->format, "events"))
		return usage("--format is text, json, history or events");
	if (a->input && a->input_file)
		return usage("--input and --input-file exclude each other");
	if (!a->mock_file != !a->test_case && !(a->mock_file && !a->test_case))
		return usage("--test-case needs --mock-config");
	if (a->start_time && timestamp_parse(a->start_time, &a->opt.start_ms))
		return usage("--start-time is not an RFC 3339 timestamp");
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
	struct report_options ro = { REPORT_TEXT, isatty(2) };
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

static void print_json(cJSON *v)
{
	char *s = cJSON_Print(v);
	puts(s ? s : "null");
	cJSON_free(s);
}

static void print_text(const struct exec_result *r)
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
		char *s = cJSON_Print(r->output);
		printf("output: %s\n", s);
		cJSON_free(s);
	}
	if (r->error)
		printf("error: %s\n", r->error);
	if (r->cause)
		printf("cause: %s\n", r->cause);
}

static void print_result(const struct run_args *a, const struct exec_result *r)
{
	if (!strcmp(a->format, "text")) {
		print_text(r);
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
		cJSON_AddItemToObject(o, "events", cJSON_Duplicate(r->history, 1));
	} else {
		cJSON_Delete(o);
		o = cJSON_CreateArray();
		exec_status_events(r, &a->opt, o);
	}
	print_json(o);
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

static int execute(struct run_args *a, const struct loaded_machine *lm,
		   const struct asl_machine *m, cJSON *input)
{
	struct mock_config mc = { 0 };
	char *why = NULL;
	int status = EXIT_ERRORS;
	cJSON *scenario = NULL;
	if (a->mock_file && (mock_load(&mc, a->mock_file, &why) ||
			     (a->test_case && mock_select(&mc, a->name, a->test_case, &why) &&
			      (!lm->deployed_name || (free(why), why = NULL,
				mock_select(&mc, lm->deployed_name, a->test_case, &why)))))) {
		fprintf(stderr, "stepbook run: %s\n", why);
		goto out;
	}
	if (a->scenario_file && !(scenario = read_json(a->scenario_file, "scenario")))
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
	free(why);
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
	if (!diags.errors)
		exec_check_supported(m, &diags);
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
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
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
