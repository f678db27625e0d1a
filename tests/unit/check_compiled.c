/* check_compiled.c - the model compiles every expression of a machine when
 * it is built (asl_expr), and running the machine compiles nothing. */
#include <stdio.h>
#include <string.h>
#include <check.h>
#include "asl.h"
#include "buf.h"
#include "doc.h"
#include "exec.h"
#include "mock.h"
#include "payload.h"
#include "validate.h"
#include "xalloc.h"
#include <stdlib.h>
#include "banned.h"

/* One of each expression field, in every state type that takes one. */
static const char machine[] =
	"{\"StartAt\":\"P\",\"States\":{\n"
	"\"P\":{\"Type\":\"Pass\",\"InputPath\":\"$.in\",\n"
	"  \"Parameters\":{\"a.$\":\"$.a\",\"n.$\":\"States.MathAdd($.n, 1)\",\"c.$\":\"$$.State.Name\"},\n"
	"  \"Assign\":{\"v.$\":\"$.a\"},\"ResultPath\":\"$.in.x[0]\",\"OutputPath\":\"$.in\",\"Next\":\"C\"},\n"
	"\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.x[0].n\",\"NumericGreaterThanPath\":\"$.x[0].n\",\n"
	"  \"Next\":\"W\"},{\"Not\":{\"Variable\":\"$.x\",\"IsPresent\":false},\"Assign\":{\"w.$\":\"$v\"},\"Next\":\"W\"}],\"Default\":\"F\"},\n"
	"\"W\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.x[0].n\",\"Next\":\"M\"},\n"
	"\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.x\",\"ItemSelector\":{\"i.$\":\"$$.Map.Item.Value\"},\n"
	"  \"MaxConcurrencyPath\":\"$.x[0].n\",\"ResultSelector\":{\"all.$\":\"$\"},\n"
	"  \"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.err\",\"Next\":\"F\"}],\n"
	"  \"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{\"I\":{\"Type\":\"Pass\",\"End\":true}}},\"Next\":\"S\"},\n"
	"\"S\":{\"Type\":\"Succeed\"},\n"
	"\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"$.e\",\"CausePath\":\"States.Format('{}', $.c)\"}}}";

static struct asl_machine *build(struct doc **d, const char *text)
{
	struct diag_list diags = DIAG_LIST_INIT;
	*d = doc_new("compiled.json");
	ck_assert_int_eq(doc_parse(*d, text, strlen(text), DOC_JSON, &diags), 0);
	struct asl_machine *m = asl_build((*d)->root, *d, &diags);
	ck_assert_int_eq((int)diags.errors, 0);
	diag_list_release(&diags);
	return m;
}

START_TEST(forms_in_the_model)
{
	struct doc *d;
	struct asl_machine *m = build(&d, machine);
	const struct asl_state *p = asl_state_get(m, "P");
	ck_assert_int_eq(p->flow.compiled.input_path.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(p->flow.compiled.parameters.kind, ASL_EXPR_TEMPLATE);
	ck_assert_int_eq(p->flow.compiled.parameters.needs_context, 1);
	ck_assert_int_eq(p->flow.compiled.assign.kind, ASL_EXPR_TEMPLATE);
	ck_assert_int_eq(p->flow.compiled.result_path.kind, ASL_EXPR_PATH);
	ck_assert_uint_eq(jsonpath_ref_len(p->flow.compiled.result_path.path), 3);
	ck_assert_int_eq(p->flow.compiled.output_path.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(p->flow.compiled.result_selector.kind, ASL_EXPR_NONE);
	/* a state without Wait, Fail or Map fields shares the empty block;
	 * one with a field has its own */
	ck_assert_ptr_eq(p->compiled, &asl_no_state_exprs_);
	ck_assert_int_eq(p->compiled->seconds_path.kind, ASL_EXPR_NONE);
	ck_assert_ptr_ne(asl_state_get(m, "W")->compiled, &asl_no_state_exprs_);
	const struct asl_state *c = asl_state_get(m, "C");
	ck_assert_int_eq(c->choices[0].compiled.variable.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(c->choices[0].compiled.operand.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(c->choices[1].children[0].compiled.variable.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(c->choices[1].compiled.assign.kind, ASL_EXPR_TEMPLATE);
	ck_assert_int_eq(asl_state_get(m, "W")->compiled->seconds_path.kind, ASL_EXPR_PATH);
	const struct asl_state *map = asl_state_get(m, "M");
	ck_assert_int_eq(map->compiled->items_path.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(map->compiled->item_selector.kind, ASL_EXPR_TEMPLATE);
	ck_assert_int_eq(map->compiled->max_concurrency_path.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(map->flow.compiled.result_selector.kind, ASL_EXPR_TEMPLATE);
	ck_assert_int_eq(map->catchers[0].compiled.result_path.kind, ASL_EXPR_PATH);
	const struct asl_state *f = asl_state_get(m, "F");
	ck_assert_int_eq(f->compiled->error_path.kind, ASL_EXPR_PATH);
	ck_assert_int_eq(f->compiled->cause_path.kind, ASL_EXPR_CALL);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* What does not compile keeps its error, located in its own text. */
START_TEST(invalid_forms_keep_their_error)
{
	static const char bad[] =
		"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\","
		"\"InputPath\":\"$.a[\",\"ResultPath\":\"$.a[*]\","
		"\"Parameters\":{\"x.$\":\"States.Nope(1)\"},\"End\":true}}}";
	struct doc *d;
	struct asl_machine *m = build(&d, bad);
	const struct asl_dataflow *f = &m->states[0].flow;
	ck_assert_int_eq(f->compiled.input_path.kind, ASL_EXPR_INVALID);
	ck_assert_ptr_nonnull(f->compiled.input_path.error);
	ck_assert_uint_eq(f->compiled.input_path.error_offset, 4);
	ck_assert_int_eq(f->compiled.result_path.kind, ASL_EXPR_INVALID);
	ck_assert_int_eq(f->compiled.parameters.kind, ASL_EXPR_INVALID);
	ck_assert_str_eq(f->compiled.parameters.error_node->string, "x.$");
	asl_free(m);
	doc_free(d);
}
END_TEST

/* The validator words the error the model kept, rather than compiling the
 * path again: a marked message shows where the words came from. */
START_TEST(validate_reads_the_compiled_forms)
{
	static const char bad[] =
		"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\","
		"\"InputPath\":\"$.a[\",\"End\":true}}}";
	struct doc *d;
	struct diag_list diags = DIAG_LIST_INIT;
	struct asl_machine *m = build(&d, bad);
	struct asl_expr *e = &m->states[0].flow.compiled.input_path;
	ck_assert_ptr_eq(asl_expr_at(m, e->json), e);
	free(e->error);
	e->error = xstrdup("marked by the model");
	ck_assert_uint_eq(validate_machine(m, &diags), 1);
	ck_assert_ptr_nonnull(strstr(diags.items[0].message, "marked by the model"));
	diag_list_release(&diags);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* Build, then run with the count of compilations held still. */
START_TEST(running_compiles_nothing)
{
	struct doc *d;
	struct asl_machine *m = build(&d, machine);
	cJSON *input = cJSON_Parse("{\"in\":{\"a\":1,\"n\":0,\"x\":[{\"n\":0}]}}");
	struct exec_options o = { .start_ms = EXEC_DEFAULT_START_MS };
	struct exec_result r;
	unsigned long before = asl_expr_compilations();
	exec_run(m, input, &o, &r);
	ck_assert_uint_eq(asl_expr_compilations(), before);
	ck_assert_int_eq(r.status, EXEC_SUCCEEDED);
	ck_assert_uint_eq(r.transitions, 6);
	exec_result_release(&r);
	cJSON_Delete(input);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* A mocks file's Templates are compiled with the file, once: two runs
 * answering from it compile nothing. */
START_TEST(mock_templates_compile_with_the_file)
{
	static const char task[] =
		"{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\","
		"\"Resource\":\"arn:aws:states:::lambda:invoke\","
		"\"Parameters\":{\"FunctionName\":\"f\",\"Payload\":{\"n.$\":\"$.n\"}},"
		"\"End\":true}}}";
	struct doc *d;
	struct asl_machine *m = build(&d, task);
	struct mock_config mc;
	unsigned long before = asl_expr_compilations();
	mock_adopt(&mc, cJSON_Parse("{\"Defaults\":{\"f\":\"Twice\"},"
		"\"MockedResponses\":{\"Twice\":{\"0\":{\"Template\":"
		"{\"Payload\":{\"twice.$\":\"States.MathAdd($.Payload.n, $.Payload.n)\"}}}}}}"),
		"mocks.json");
	ck_assert_uint_eq(asl_expr_compilations(), before + 1);
	before = asl_expr_compilations();
	for (int i = 0; i < 2; i++) {
		cJSON *input = cJSON_Parse("{\"n\":21}");
		struct exec_options o = { .start_ms = EXEC_DEFAULT_START_MS,
					  .mocks = &mc };
		struct exec_result r;
		exec_run(m, input, &o, &r);
		ck_assert_int_eq(r.status, EXEC_SUCCEEDED);
		char *out = cJSON_PrintUnformatted(r.output);
		ck_assert_str_eq(out, "{\"Payload\":{\"twice\":42}}");
		cJSON_free(out);
		exec_result_release(&r);
		cJSON_Delete(input);
	}
	ck_assert_uint_eq(asl_expr_compilations(), before);
	mock_release(&mc);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* A JSONata machine: every JSONata field, in every state type that takes
 * one, and the branches of a Map inheriting the machine's language. */
static const char jsonata_machine[] =
	"{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\n"
	"\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\n"
	"  \"Arguments\":{\"Payload\":{\"id\":\"{% $states.input.id %}\",\"k\":[1,\"{%$x%}\"]}},\n"
	"  \"TimeoutSeconds\":\"{% 5 %}\",\"HeartbeatSeconds\":2,\n"
	"  \"Output\":\"{% $states.result %}\",\"Assign\":{\"x\":\"{% $states.context.State.Name %}\"},\n"
	"  \"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Output\":\"{% $states.errorOutput %}\",\n"
	"    \"Assign\":{\"e\":\"{% $states.errorOutput.Error %}\"},\"Next\":\"F\"}],\"Next\":\"C\"},\n"
	"\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Condition\":\"{% $x = 'T' %}\",\n"
	"  \"Assign\":{\"y\":1},\"Output\":{\"a\":\"{% 1 %}\"},\"Next\":\"W\"}],\"Default\":\"F\"},\n"
	"\"W\":{\"Type\":\"Wait\",\"Seconds\":\"{% $y %}\",\"Next\":\"M\"},\n"
	"\"M\":{\"Type\":\"Map\",\"Items\":\"{% [1,2] %}\",\"ItemSelector\":{\"v\":\"{% $states.context.Map.Item.Value %}\"},\n"
	"  \"MaxConcurrency\":\"{% 1 %}\",\"ToleratedFailureCount\":\"{% 0 %}\",\n"
	"  \"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{\"I\":{\"Type\":\"Pass\",\"Output\":\"{% $states.input.v %}\",\"End\":true}}},\"Next\":\"F\"},\n"
	"\"F\":{\"Type\":\"Fail\",\"Error\":\"{% 'E' %}\",\"Cause\":\"plain\"}}}";

START_TEST(jsonata_forms_in_the_model)
{
	struct doc *d;
	struct asl_machine *m = build(&d, jsonata_machine);
	const struct asl_state *t = asl_state_get(m, "T");
	const struct asl_expr *args = &t->flow.compiled.arguments;
	ck_assert_int_eq(args->kind, ASL_EXPR_JSONATA);
	ck_assert_uint_eq(args->nr_parts, 2);
	ck_assert_str_eq(args->parts[0].node->string, "id");
	ck_assert_uint_eq(args->parts[0].offset, 3); /* "{% $states..." */
	ck_assert_uint_eq(args->parts[0].len, strlen("$states.input.id"));
	ck_assert_uint_eq(args->parts[1].offset, 2); /* "{%$x%}" */
	ck_assert_uint_eq(args->parts[1].len, 2);
	ck_assert_int_eq(args->needs_context, 0);
	ck_assert_ptr_nonnull(args->parts[0].expr);
	ck_assert_ptr_eq(asl_expr_at(m, args->json), args);
	ck_assert_int_eq(t->compiled->timeout_seconds.kind, ASL_EXPR_JSONATA);
	ck_assert_uint_eq(t->compiled->timeout_seconds.nr_parts, 1);
	/* a literal compiles to a JSONata field without expressions */
	ck_assert_int_eq(t->compiled->heartbeat_seconds.kind, ASL_EXPR_JSONATA);
	ck_assert_uint_eq(t->compiled->heartbeat_seconds.nr_parts, 0);
	ck_assert_int_eq(t->flow.compiled.output.kind, ASL_EXPR_JSONATA);
	ck_assert_int_eq(t->flow.compiled.assign.needs_context, 1);
	ck_assert_int_eq(t->catchers[0].compiled.output.kind, ASL_EXPR_JSONATA);
	ck_assert_int_eq(t->catchers[0].compiled.assign.nr_parts, 1);
	/* no JSONPath slot of a JSONata state holds anything */
	ck_assert_int_eq(t->flow.compiled.parameters.kind, ASL_EXPR_NONE);
	const struct asl_state *c = asl_state_get(m, "C");
	ck_assert_int_eq(c->choices[0].kind, ASL_RULE_CONDITION);
	ck_assert_int_eq(c->choices[0].compiled.condition.kind, ASL_EXPR_JSONATA);
	ck_assert_uint_eq(c->choices[0].compiled.condition.nr_parts, 1);
	ck_assert_uint_eq(c->choices[0].compiled.assign.nr_parts, 0);
	ck_assert_uint_eq(c->choices[0].compiled.output.nr_parts, 1);
	ck_assert_uint_eq(asl_state_get(m, "W")->compiled->seconds.nr_parts, 1);
	const struct asl_state *map = asl_state_get(m, "M");
	ck_assert_uint_eq(map->compiled->items.nr_parts, 1);
	ck_assert_int_eq(map->compiled->item_selector.kind, ASL_EXPR_JSONATA);
	ck_assert_int_eq(map->compiled->item_selector.needs_context, 1);
	ck_assert_uint_eq(map->compiled->max_concurrency.nr_parts, 1);
	ck_assert_uint_eq(map->compiled->tolerated_failure_count.nr_parts, 1);
	const struct asl_state *inner = &map->branches[0]->states[0];
	ck_assert_int_eq(inner->flow.lang, ASL_QL_JSONATA);
	ck_assert_uint_eq(inner->flow.compiled.output.nr_parts, 1);
	const struct asl_state *f = asl_state_get(m, "F");
	ck_assert_uint_eq(f->compiled->error.nr_parts, 1);
	ck_assert_uint_eq(f->compiled->cause.nr_parts, 0);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* An expression that does not compile keeps the engine's error, located in
 * the string that holds it; the JSONPath-only machine of a JSONPath state
 * inside a JSONata one is not read as JSONata. */
START_TEST(jsonata_invalid_forms_keep_their_error)
{
	static const char bad[] =
		"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\","
		"\"QueryLanguage\":\"JSONata\",\"Output\":{\"a\":\"{% 1 %}\","
		"\"b\":\"{%  1 + %}\",\"c\":\"a {% 1 %}\",\"d\":\"{% ) %}\"},"
		"\"Next\":\"Q\"},\"Q\":{\"Type\":\"Pass\",\"Parameters\":"
		"{\"x\":\"{% 1 %}\"},\"End\":true}}}";
	struct doc *d;
	unsigned long before = asl_expr_compilations();
	struct asl_machine *m = build(&d, bad);
	const struct asl_expr *o = &m->states[0].flow.compiled.output;
	ck_assert_uint_eq(asl_expr_compilations() - before, 2);
	ck_assert_int_eq(o->kind, ASL_EXPR_INVALID);
	ck_assert_uint_eq(o->nr_parts, 3); /* "a {% 1 %}" is a plain string */
	ck_assert_ptr_nonnull(o->parts[0].expr);
	ck_assert_ptr_null(o->parts[1].expr);
	ck_assert_str_eq(o->parts[1].error->code, "S0207");
	ck_assert_ptr_eq(o->error_node, o->parts[1].node);
	ck_assert_str_eq(o->error_node->string, "b");
	ck_assert_uint_eq(o->error_offset, o->parts[1].error_offset);
	ck_assert_uint_ge(o->error_offset, 4);
	ck_assert_uint_le(o->error_offset, 8);
	ck_assert_ptr_nonnull(o->error);
	ck_assert_ptr_null(o->parts[2].expr);
	ck_assert_str_eq(o->parts[2].node->string, "d");
	ck_assert_int_eq(m->states[1].flow.compiled.parameters.kind, ASL_EXPR_TEMPLATE);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* A JSONata machine runs with the count of compilations held still. */
START_TEST(jsonata_running_compiles_nothing)
{
	static const char loop[] =
		"{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"I\",\"States\":{\n"
		"\"I\":{\"Type\":\"Pass\",\"Assign\":{\"n\":0},\"Next\":\"C\"},\n"
		"\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Condition\":\"{% $n < 3 %}\",\"Next\":\"P\"}],\"Default\":\"M\"},\n"
		"\"P\":{\"Type\":\"Pass\",\"Assign\":{\"n\":\"{% $n + 1 %}\"},\"Next\":\"C\"},\n"
		"\"M\":{\"Type\":\"Map\",\"Items\":\"{% [1..$n] %}\",\"ItemSelector\":{\"v\":\"{% $states.context.Map.Item.Value %}\"},\n"
		"  \"ItemProcessor\":{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":\"{% $states.input.v %}\",\n"
		"  \"Output\":\"{% $states.input.v * 2 %}\",\"End\":true}}},\"Output\":{\"sum\":\"{% $sum($states.result) %}\"},\"End\":true}}}";
	struct doc *d;
	struct asl_machine *m = build(&d, loop);
	cJSON *input = cJSON_CreateObject();
	struct exec_options o = { .start_ms = EXEC_DEFAULT_START_MS };
	struct exec_result r;
	unsigned long before = asl_expr_compilations();
	exec_run(m, input, &o, &r);
	ck_assert_uint_eq(asl_expr_compilations(), before);
	ck_assert_int_eq(r.status, EXEC_SUCCEEDED);
	char *out = cJSON_PrintUnformatted(r.output);
	ck_assert_str_eq(out, "{\"sum\":12}");
	cJSON_free(out);
	ck_assert_uint_eq(r.transitions, 12); /* I, 4 x C, 3 x P, M, 3 x W */
	exec_result_release(&r);
	cJSON_Delete(input);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* Runs a one-Pass JSONata machine whose Output is "{% expr %}"; returns
 * the status, *out the output or error printed; *quick whether the model
 * found the expression simple enough to answer without the engine. */
static enum exec_status run_output(const char *expr, const char *input,
				   char **out, int *quick)
{
	struct buf def = BUF_INIT;
	cJSON *e = cJSON_CreateString(expr);
	char *quoted = cJSON_PrintUnformatted(e);
	buf_addf(&def, "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"P\",\"States\":"
		 "{\"P\":{\"Type\":\"Pass\",\"Assign\":{\"v\":{\"k\":7},\"t\":true},"
		 "\"Next\":\"Q\"},\"Q\":{\"Type\":\"Pass\",\"Output\":%s,\"End\":true}}}",
		 quoted);
	struct doc *d;
	struct asl_machine *m = build(&d, def.ptr);
	*quick = m->states[1].flow.compiled.output.parts[0].quick != NULL;
	cJSON *in = cJSON_Parse(input);
	struct exec_options o = { .start_ms = EXEC_DEFAULT_START_MS };
	struct exec_result r;
	exec_run(m, in, &o, &r);
	enum exec_status st = r.status;
	char *printed = r.output ? cJSON_PrintUnformatted(r.output) : NULL;
	*out = xstrdup(printed ? printed : r.error);
	cJSON_free(printed);
	exec_result_release(&r);
	cJSON_Delete(in);
	cJSON_Delete(e);
	cJSON_free(quoted);
	buf_release(&def);
	asl_free(m);
	doc_free(d);
	return st;
}

/* The quick forms answer exactly as the engine does: each expression runs
 * as written (quick) and in parentheses (which only the engine reads). */
START_TEST(jsonata_quick_agrees_with_engine)
{
	static const char *const exprs[] = {
		"$states.input.a", "$states.input.o.b", "$states.input.arr",
		"$states.input.o", "$states.input.none", "$states.input.o.none",
		"$states.input.a + 1", "$states.input.a - 2.5",
		"$states.input.a * $states.input.a", "$states.input.a / 0",
		"$states.input.a / 4", "$states.input.s + 1", "$states.input.a < 3",
		"$states.input.a >= 2", "$states.input.s = 'x'",
		"$states.input.s != \"y\"", "$states.input.a = '2'",
		"$states.input.t = true", "$states.input.n = null",
		"$states.input.s < 'y'", "$v.k * 2", "$t = $t", "$v", "$nothing",
		"$states.input.big * $states.input.big", "1e2 + 1",
		"$states.input.arr = $states.input.arr", "'a' = 'a'",
		"$states.input.o = $states.input.o", "null", "false = $t",
		"$states.input.n != null", "$t",
	};
	static const char input[] =
		"{\"a\":2,\"s\":\"x\",\"t\":true,\"n\":null,\"arr\":[1,2],"
		"\"o\":{\"b\":[3]},\"big\":1e200}";
	for (size_t i = 0; i < sizeof(exprs) / sizeof(*exprs); i++) {
		char as_is[128], wrapped[128];
		snprintf(as_is, sizeof(as_is), "{%% %s %%}", exprs[i]);
		snprintf(wrapped, sizeof(wrapped), "{%% (%s) %%}", exprs[i]);
		char *q, *e;
		int quick_q, quick_e;
		enum exec_status sq = run_output(as_is, input, &q, &quick_q);
		enum exec_status se = run_output(wrapped, input, &e, &quick_e);
		ck_assert_msg(quick_q && !quick_e, "%s: quick form %d/%d", exprs[i],
			      quick_q, quick_e);
		ck_assert_msg(sq == se && !strcmp(q, e), "%s: quick %s, engine %s",
			      exprs[i], q, e);
		free(q);
		free(e);
	}
}
END_TEST

START_TEST(jsonata_span)
{
	size_t off, len;
	ck_assert_int_eq(asl_jsonata_span("{%%}", &off, &len), 1);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(asl_jsonata_span("{% a %}", &off, &len), 1);
	ck_assert_uint_eq(off, 3);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(asl_jsonata_span(" {% a %}", &off, &len), 0);
	ck_assert_int_eq(asl_jsonata_span("{% a %} ", &off, &len), 0);
	ck_assert_int_eq(asl_jsonata_span("{%}", &off, &len), 0);
	ck_assert_int_eq(asl_jsonata_span("$.a", &off, &len), 0);
}
END_TEST

/* A template keeps every member that does not compile, not only the
 * first, and the validator words each from the model's fault (a marked
 * message shows where the words came from) rather than compiling again. */
START_TEST(validate_reads_template_faults)
{
	static const char bad[] =
		"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\","
		"\"Parameters\":{\"a.$\":\"$.a[\",\"b\":{\"c.$\":\"States.Nope()\"},"
		"\"d.$\":5,\"e.$\":\"$.ok\"},\"End\":true}}}";
	struct doc *d;
	struct diag_list diags = DIAG_LIST_INIT;
	struct asl_machine *m = build(&d, bad);
	const struct asl_expr *e = &m->states[0].flow.compiled.parameters;
	ck_assert_int_eq(e->kind, ASL_EXPR_INVALID);
	ck_assert_uint_eq(payload_nr_faults(e->tmpl), 3);
	ck_assert_int_eq(payload_fault_at(e->tmpl, 0)->kind, PAYLOAD_FAULT_PATH);
	ck_assert_uint_eq(payload_fault_at(e->tmpl, 0)->offset, 4);
	ck_assert_int_eq(payload_fault_at(e->tmpl, 1)->kind, PAYLOAD_FAULT_CALL);
	ck_assert_int_eq(payload_fault_at(e->tmpl, 2)->kind, PAYLOAD_FAULT_NOT_STRING);
	ck_assert_ptr_null(payload_fault_at(e->tmpl, 3));
	struct payload_fault *f = (struct payload_fault *)payload_fault_at(e->tmpl, 1);
	snprintf(f->message, sizeof(f->message), "marked by the model");
	unsigned long before = asl_expr_compilations();
	ck_assert_uint_eq(validate_machine(m, &diags), 3);
	ck_assert_uint_eq(asl_expr_compilations(), before);
	ck_assert_uint_eq(diags.nr, 3);
	ck_assert_ptr_nonnull(strstr(diags.items[0].message, "at character 5"));
	ck_assert_ptr_nonnull(strstr(diags.items[1].message, "marked by the model"));
	diag_list_release(&diags);
	asl_free(m);
	doc_free(d);
}
END_TEST

/* The validator reads a JSONata expression's error from the model's part. */
START_TEST(validate_reads_jsonata_parts)
{
	static const char bad[] =
		"{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"P\",\"States\":{\"P\":"
		"{\"Type\":\"Pass\",\"Output\":{\"x\":[\"{% 1 + %}\"]},\"End\":true}}}";
	struct doc *d;
	struct diag_list diags = DIAG_LIST_INIT;
	struct asl_machine *m = build(&d, bad);
	const struct asl_expr *e = &m->states[0].flow.compiled.output;
	ck_assert_uint_eq(e->nr_parts, 1);
	snprintf(e->parts[0].error->message, sizeof(e->parts[0].error->message),
		 "marked by the model");
	ck_assert_uint_eq(validate_machine(m, &diags), 1);
	ck_assert_ptr_nonnull(strstr(diags.items[0].message, "marked by the model"));
	ck_assert_str_eq(diags.items[0].rule, "asl/jsonata-syntax");
	diag_list_release(&diags);
	asl_free(m);
	doc_free(d);
}
END_TEST

Suite *compiled_suite(void)
{
	Suite *s = suite_create("compiled");
	TCase *tc = tcase_create("model");
	tcase_add_test(tc, forms_in_the_model);
	tcase_add_test(tc, invalid_forms_keep_their_error);
	tcase_add_test(tc, running_compiles_nothing);
	tcase_add_test(tc, mock_templates_compile_with_the_file);
	tcase_add_test(tc, validate_reads_the_compiled_forms);
	tcase_add_test(tc, jsonata_forms_in_the_model);
	tcase_add_test(tc, jsonata_invalid_forms_keep_their_error);
	tcase_add_test(tc, jsonata_span);
	tcase_add_test(tc, validate_reads_template_faults);
	tcase_add_test(tc, validate_reads_jsonata_parts);
	tcase_add_test(tc, jsonata_running_compiles_nothing);
	tcase_add_test(tc, jsonata_quick_agrees_with_engine);
	suite_add_tcase(s, tc);
	return s;
}
