/* check_loader.c - located documents and the state-machine loader:
 * positions, hostile input, Serverless variables, CloudFormation templates,
 * and every file of the reference course. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "asl.h"
#include "buf.h"
#include "diagram.h"
#include "doc.h"
#include "fileio.h"
#include "helpers.h"
#include "loader.h"
#include "banned.h"

/* Parses text as 'format' and returns the diagnostics as text (owned). */
static char *parse_errors(const char *name, const char *text, size_t len,
			  enum doc_format format)
{
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new(name);
	doc_parse(d, text, len, format, &l);
	char *out = diags_text(&l);
	doc_free(d);
	diag_list_release(&l);
	return out;
}

#define ck_errors(name, text, format, expected)                                \
	do {                                                                   \
		char *got_ = parse_errors(name, text, strlen(text), format);   \
		ck_assert_str_eq(got_, expected);                              \
		free(got_);                                                    \
	} while (0)

START_TEST(yaml_positions)
{
	const char *text = "a: 1\nb:\n  c: [x, \"y\"]\n  d:\n    - e: true\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	const cJSON *b = cJSON_GetObjectItem(d->root, "b");
	const cJSON *c = cJSON_GetObjectItem(b, "c");
	struct pos p = doc_pos(d, c->child->next);
	ck_assert_uint_eq(p.line, 3);
	ck_assert_uint_eq(p.col, 10);
	p = doc_key_pos(d, c);
	ck_assert_uint_eq(p.line, 3);
	ck_assert_uint_eq(p.col, 3);
	const cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(b, "d")->child, "e");
	ck_assert(cJSON_IsTrue(e));
	p = doc_pos(d, e);
	ck_assert_uint_eq(p.line, 5);
	ck_assert_uint_eq(p.col, 10);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

START_TEST(json_positions)
{
	const char *text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": null\n}";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.json");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_JSON, &l), 0);
	const cJSON *a = cJSON_GetObjectItem(d->root, "a");
	const cJSON *b = cJSON_GetObjectItem(a->child->next, "b");
	struct pos p = doc_pos(d, b);
	ck_assert_uint_eq(p.line, 2);
	ck_assert_uint_eq(p.col, 18);
	p = doc_key_pos(d, b);
	ck_assert_uint_eq(p.col, 13);
	p = doc_key_pos(d, cJSON_GetObjectItem(d->root, "c"));
	ck_assert_uint_eq(p.line, 3);
	ck_assert_uint_eq(p.col, 3);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

START_TEST(yaml_scalars_follow_core_schema)
{
	const char *text = "a: yes\nb: 0x1F\nc: 1e3\nd: ~\ne: '5'\nf: .inf\ng: 01\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	char *s = cJSON_PrintUnformatted(d->root);
	ck_assert_str_eq(s, "{\"a\":\"yes\",\"b\":31,\"c\":1000,\"d\":null,"
			    "\"e\":\"5\",\"f\":null,\"g\":1}");
	cJSON_free(s);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

START_TEST(yaml_short_form_tags)
{
	const char *text = "a: !GetAtt Fn.Arn\nb: !Sub 'x-${AWS::Region}'\n"
			   "c: !If [Cond, !Ref A, !Ref B]\nd: !Join\n  - ''\n  - [a, b]\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	char *s = cJSON_PrintUnformatted(d->root);
	ck_assert_str_eq(s, "{\"a\":{\"Fn::GetAtt\":[\"Fn\",\"Arn\"]},"
			    "\"b\":{\"Fn::Sub\":\"x-${AWS::Region}\"},"
			    "\"c\":{\"Fn::If\":[\"Cond\",{\"Ref\":\"A\"},{\"Ref\":\"B\"}]},"
			    "\"d\":{\"Fn::Join\":[\"\",[\"a\",\"b\"]]}}");
	cJSON_free(s);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

START_TEST(yaml_merge_keys_and_aliases)
{
	const char *text = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist: [*b]\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(d->root, "use"));
	ck_assert_str_eq(s, "{\"y\":3,\"x\":1}");
	cJSON_free(s);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

/* A value anchored under a merge key (<<: &d {...}) lives past the mapping
 * that merged it: a later alias copies it (it used to be freed with the
 * merge list: use after free, found by fuzz_loader).  Scalars too. */
START_TEST(yaml_anchor_under_a_merge_key)
{
	const char *text = "a:\n  <<: &d {x: 1, y: 2}\n  y: 3\nb:\n  <<: *d\n"
			   "c: *d\nd:\n  <<: [&e {z: 0}]\ne: *e\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	char *s = cJSON_PrintUnformatted(d->root);
	ck_assert_str_eq(s, "{\"a\":{\"y\":3,\"x\":1},\"b\":{\"x\":1,\"y\":2},"
			    "\"c\":{\"x\":1,\"y\":2},\"d\":{\"z\":0},\"e\":{\"z\":0}}");
	cJSON_free(s);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

START_TEST(bad_input_is_located)
{
	ck_errors("f.yml", "a: 1\nb:\n  c: 2\n  c: 3\n", DOC_YAML,
		  "f.yml:4:3: error: duplicate key 'c' [load/duplicate-key]\n");
	ck_errors("f.json", "{\"a\": 1,\n \"a\": 2}", DOC_JSON,
		  "f.json:2:2: error: duplicate key 'a' [load/duplicate-key]\n");
	ck_errors("f.json", "{\"a\": 1,\n \"b\": [1,2,],\n}", DOC_JSON,
		  "f.json:2:11: error: trailing comma is not allowed in JSON [load/json]\n");
	ck_errors("f.json", "{'a': 1}", DOC_JSON,
		  "f.json:1:2: error: JSON strings take double quotes, not single [load/json]\n");
	ck_errors("f.json", "{\"a\": ", DOC_JSON,
		  "f.json:1:7: error: unexpected end of file in JSON [load/json]\n");
	ck_errors("f.yml", "a: !Foo x\n", DOC_YAML,
		  "f.yml:1:4: error: unknown YAML tag '!Foo' [load/yaml-tag]\n");
	ck_errors("f.yml", "a: *nope\n", DOC_YAML,
		  "f.yml:1:4: error: unknown alias 'nope' [load/yaml-alias]\n");
	ck_errors("f.yml", "a: b: c\n", DOC_YAML,
		  "f.yml:1:5: error: mapping values are not allowed in this context [load/yaml]\n");
	ck_errors("f.yml", "a:\n  - 1\n - 2\n", DOC_YAML,
		  "f.yml:3:2: error: did not find expected key while parsing a block mapping [load/yaml]\n");
	ck_errors("f.yml", "a: 1\n---\nb: 2\n", DOC_YAML,
		  "f.yml:2:1: error: more than one YAML document in the file [load/yaml]\n");
	ck_errors("f.yml", "a: \xff\n", DOC_YAML,
		  "f.yml:1:4: error: invalid UTF-8: the file must be UTF-8 text [load/encoding]\n");
	ck_errors("f.yml", " \n\n", DOC_YAML,
		  "f.yml:1:1: error: the file is empty [load/empty]\n");
}
END_TEST

START_TEST(binary_file)
{
	char *got = parse_errors("f.yml", "ab\0cd", 5, DOC_YAML);
	ck_assert_str_eq(got, "f.yml:1:3: error: binary data (NUL byte): the file "
			      "must be UTF-8 text [load/encoding]\n");
	free(got);
}
END_TEST

static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

START_TEST(deep_nesting_is_refused)
{
	char *deep = repeat("[", 200000);
	ck_errors("f.json", deep, DOC_JSON,
		  "f.json:1:257: error: nesting deeper than 256 levels [load/depth]\n");
	ck_errors("f.yml", deep, DOC_YAML,
		  "f.yml:1:257: error: nesting deeper than 256 levels [load/depth]\n");
	free(deep);
	deep = repeat("- ", 20000);
	char *got = parse_errors("f.yml", deep, strlen(deep), DOC_YAML);
	ck_assert_msg(strstr(got, "nesting deeper than 256 levels"), "%s", got);
	free(got);
	free(deep);
}
END_TEST

START_TEST(alias_bomb_is_refused)
{
	const char *bomb =
		"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	ck_errors("f.yml", bomb, DOC_YAML,
		  "f.yml:6:11: error: too many values (aliases expand past the "
		  "limit of 200000) [load/too-large]\n");
}
END_TEST

/* ---- the loader -------------------------------------------------------- */

static const char *sls_text =
	"service: demo\n"
	"provider:\n"
	"  name: aws\n"
	"  stage: ${opt:stage, 'dev'}\n"
	"  region: eu-west-1\n"
	"  apiKeys:\n"
	"    - ${opt:stage, self:provider.stage}-myFirstKey\n"
	"functions:\n"
	"  hello:\n"
	"    handler: bin/hello\n"
	"stepFunctions:\n"
	"  stateMachines:\n"
	"    helloMachine:\n"
	"      name: hello-${sls:stage}\n"
	"      events:\n"
	"        - http:\n"
	"            path: /action/start\n"
	"            method: POST\n"
	"            private: true\n"
	"        - http:\n"
	"            path: action/status\n"
	"            method: POST\n"
	"            action: DescribeExecution\n"
	"      definition:\n"
	"        StartAt: Hello\n"
	"        States:\n"
	"          Hello:\n"
	"            Type: Task\n"
	"            Resource:\n"
	"              Fn::GetAtt: [hello, Arn]\n"
	"            Parameters:\n"
	"              env: ${env:HOME, 'none'}\n"
	"              other: ${cf:stack.output}\n"
	"            End: true\n";

START_TEST(serverless_file)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("serverless.yml", sls_text);
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	ck_assert_int_eq(lf.kind, LOADER_SERVERLESS);
	ck_assert_str_eq(lf.stage, "dev");
	ck_assert_str_eq(lf.api_keys->child->valuestring, "dev-myFirstKey");
	ck_assert_uint_eq(lf.nr_machines, 1);
	const struct loaded_machine *m = &lf.machines[0];
	ck_assert_str_eq(m->name, "helloMachine");
	ck_assert_str_eq(m->deployed_name, "hello-dev");
	ck_assert_ptr_eq(loader_find(&lf, "hello-dev"), m);
	ck_assert_uint_eq(m->nr_routes, 2);
	ck_assert_str_eq(m->routes[0].path, "action/start");
	ck_assert_int_eq(m->routes[0].api_key_required, 1);
	ck_assert_str_eq(m->routes[1].action, "DescribeExecution");
	const cJSON *hello = cJSON_GetObjectItem(cJSON_GetObjectItem(m->definition, "States"), "Hello");
	ck_assert_str_eq(cJSON_GetObjectItem(hello, "Resource")->valuestring,
			 "arn:aws:lambda:eu-west-1:123456789012:function:demo-dev-hello");
	struct pos p = doc_pos(m->doc, cJSON_GetObjectItem(hello, "Resource"));
	ck_assert_uint_eq(p.line, 30);
	const cJSON *params = cJSON_GetObjectItem(hello, "Parameters");
	ck_assert_str_eq(cJSON_GetObjectItem(params, "env")->valuestring, "none");
	ck_assert_str_eq(cJSON_GetObjectItem(params, "other")->valuestring,
			 "${cf:stack.output}");
	loader_release(&lf);
	ck_assert_uint_eq(l.nr, 0);

	struct loader_options opt = { "prod", NULL, NULL };
	ck_assert_int_eq(loader_load(&lf, path, &opt, &l), 0);
	ck_assert_str_eq(lf.machines[0].deployed_name, "hello-prod");
	ck_assert_str_eq(lf.api_keys->child->valuestring, "prod-myFirstKey");
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

static const char *cfn_text =
	"AWSTemplateFormatVersion: '2010-09-09'\n"
	"Resources:\n"
	"  HelloMachine:\n"
	"    Type: AWS::StepFunctions::StateMachine\n"
	"    Properties:\n"
	"      StateMachineType: EXPRESS\n"
	"      DefinitionString: !Sub |\n"
	"        {\n"
	"          \"StartAt\": \"Hello\",\n"
	"          \"States\": {\n"
	"            \"Hello\": {\"Type\": \"Pass\", \"Result\": \"${AWS::Region}\",\n"
	"                      \"Next\": \"${Target}\"}\n"
	"          }\n"
	"        }\n"
	"      DefinitionSubstitutions:\n"
	"        Target: Done\n";

/* A value that refers to itself, inside a reference left open: finding
 * where the outer one ends resolved the inner one, which is the value
 * again, from depth 1 each time, until the stack ran out (fuzz_loader: a
 * segmentation fault on four lines).  The depth carries over now; what
 * cannot resolve stays as written. */
START_TEST(serverless_self_reference_ends)
{
	static const char text[] =
		"service: loop\n"
		"provider:\n"
		"  name: aws\n"
		"  stage: ${selfX${self:provider.stage}\n"
		"custom:\n"
		"  a: ${self:custom.b}\n"
		"  b: x-${self:custom.a}\n"
		"stepFunctions:\n"
		"  stateMachines:\n"
		"    Loop:\n"
		"      definition:\n"
		"        Comment: ${self:custom.a}\n"
		"        StartAt: P\n"
		"        States:\n"
		"          P: {Type: Pass, End: true}\n";
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("serverless.yml", text);
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	ck_assert_uint_eq(lf.nr_machines, 1);
	const char *comment = cJSON_GetObjectItem(lf.machines[0].definition,
						  "Comment")->valuestring;
	ck_assert_ptr_nonnull(strstr(comment, "${self:custom."));
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

START_TEST(cloudformation_definition_string)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("template.yml", cfn_text);
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	ck_assert_int_eq(lf.kind, LOADER_CLOUDFORMATION);
	const struct loaded_machine *m = &lf.machines[0];
	ck_assert_str_eq(m->name, "HelloMachine");
	ck_assert_str_eq(m->type, "EXPRESS");
	const cJSON *hello = cJSON_GetObjectItem(cJSON_GetObjectItem(m->definition, "States"), "Hello");
	ck_assert_str_eq(cJSON_GetObjectItem(hello, "Result")->valuestring, "us-east-1");
	ck_assert_str_eq(cJSON_GetObjectItem(hello, "Next")->valuestring, "Done");
	/* positions inside the JSON text point into the template's lines */
	struct pos p = doc_pos(m->doc, cJSON_GetObjectItem(hello, "Next"));
	ck_assert_uint_eq(p.line, 12);
	ck_assert_uint_eq(p.col, 31);
	p = doc_key_pos(m->doc, hello);
	ck_assert_uint_eq(p.line, 11);
	ck_assert_uint_eq(p.col, 13);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* Two machines, an API whose methods start and describe them: each method
 * becomes a route of the machine its request template names. */
static const char cfn_api_text[] =
	"Resources:\n"
	"  FirstMachine:\n"
	"    Type: AWS::StepFunctions::StateMachine\n"
	"    Properties:\n"
	"      Definition: {StartAt: A, States: {A: {Type: Succeed}}}\n"
	"  SecondMachine:\n"
	"    Type: AWS::StepFunctions::StateMachine\n"
	"    Properties:\n"
	"      Definition: {StartAt: B, States: {B: {Type: Succeed}}}\n"
	"  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: api}}\n"
	"  Orders:\n"
	"    Type: AWS::ApiGateway::Resource\n"
	"    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: orders}\n"
	"  Status:\n"
	"    Type: AWS::ApiGateway::Resource\n"
	"    Properties: {RestApiId: !Ref Api, ParentId: !Ref Orders, PathPart: status}\n"
	"  StartOrder:\n"
	"    Type: AWS::ApiGateway::Method\n"
	"    Properties:\n"
	"      HttpMethod: POST\n"
	"      ResourceId: !Ref Orders\n"
	"      ApiKeyRequired: true\n"
	"      Integration:\n"
	"        Type: AWS\n"
	"        Uri: !Sub arn:aws:apigateway:${AWS::Region}:states:action/StartExecution\n"
	"        RequestTemplates:\n"
	"          application/json: !Sub '{\"stateMachineArn\": \"${SecondMachine}\"}'\n"
	"  OrderStatus:\n"
	"    Type: AWS::ApiGateway::Method\n"
	"    Properties:\n"
	"      HttpMethod: POST\n"
	"      ResourceId: !Ref Status\n"
	"      Integration:\n"
	"        Uri: arn:aws:apigateway:eu-west-1:states:action/DescribeExecution\n"
	"        RequestTemplates:\n"
	"          application/json: '{\"executionArn\": \"$input.path(''$.arn'')\"}'\n"
	"  Lambda:\n"
	"    Type: AWS::ApiGateway::Method\n"
	"    Properties:\n"
	"      HttpMethod: GET\n"
	"      ResourceId: !Ref Orders\n"
	"      Integration: {Uri: arn:aws:apigateway:eu-west-1:lambda:path/fn}\n"
	"  Deployment:\n"
	"    Type: AWS::ApiGateway::Deployment\n"
	"    Properties: {RestApiId: !Ref Api, StageName: prod}\n";

START_TEST(cloudformation_api_routes)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("api.yml", cfn_api_text);
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	ck_assert_uint_eq(lf.nr_machines, 2);
	ck_assert_str_eq(lf.stage, "prod");
	/* no template names FirstMachine, and there are two machines: the
	 * describe method belongs to neither */
	ck_assert_uint_eq(lf.machines[0].nr_routes, 0);
	const struct loaded_machine *m = &lf.machines[1];
	ck_assert_uint_eq(m->nr_routes, 1);
	ck_assert_str_eq(m->routes[0].method, "POST");
	ck_assert_str_eq(m->routes[0].path, "orders");
	ck_assert_str_eq(m->routes[0].action, "StartExecution");
	ck_assert_int_eq(m->routes[0].api_key_required, 1);
	ck_assert_uint_eq(m->routes[0].pos.line, 17);
	ck_assert_uint_eq(m->routes[0].pos.col, 3);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* With one machine, every Step Functions method is its route; nested
 * resources give the whole path. */
START_TEST(cloudformation_api_one_machine)
{
	struct buf text = BUF_INIT;
	const char *second = strstr(cfn_api_text, "  SecondMachine:");
	const char *api = strstr(cfn_api_text, "  Api:");
	buf_add(&text, cfn_api_text, (size_t)(second - cfn_api_text));
	buf_adds(&text, api);
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("api1.yml", text.ptr);
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	const struct loaded_machine *m = &lf.machines[0];
	ck_assert_uint_eq(m->nr_routes, 2);
	ck_assert_str_eq(m->routes[0].path, "orders");
	ck_assert_str_eq(m->routes[1].path, "orders/status");
	ck_assert_str_eq(m->routes[1].action, "DescribeExecution");
	ck_assert_int_eq(m->routes[1].api_key_required, 0);
	loader_release(&lf);
	diag_list_release(&l);
	buf_release(&text);
}
END_TEST

START_TEST(cloudformation_error_in_definition_string)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("bad.yml",
		"Resources:\n"
		"  M:\n"
		"    Type: AWS::StepFunctions::StateMachine\n"
		"    Properties:\n"
		"      DefinitionString:\n"
		"        Fn::Sub: |\n"
		"          {\"StartAt\": \"A\",\n"
		"           \"States\": {\"A\": {\"Type\": \"Pass\",, \"End\": true}}}\n");
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), -1);
	char *got = diags_text(&l);
	ck_assert_str_eq(got, "bad.yml:8:44: error: in the definition text: "
			      "unexpected ',' in JSON [load/json]\n");
	free(got);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

START_TEST(sam_definition_uri_stays_in_folder)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	tmp_file("machine.asl.json", "{\"StartAt\": \"A\", \"States\": {\"A\": "
				     "{\"Type\": \"Succeed\"}}}");
	const char *path = tmp_file("sam.yml",
		"Transform: AWS::Serverless-2016-10-31\n"
		"Resources:\n"
		"  Good:\n"
		"    Type: AWS::Serverless::StateMachine\n"
		"    Properties:\n"
		"      DefinitionUri: machine.asl.json\n"
		"  Bad:\n"
		"    Type: AWS::Serverless::StateMachine\n"
		"    Properties:\n"
		"      DefinitionUri: ../../etc/passwd\n");
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	ck_assert_uint_eq(lf.nr_machines, 1);
	ck_assert_str_eq(lf.machines[0].name, "Good");
	char *got = diags_text(&l);
	ck_assert_str_eq(got, "sam.yml:10:22: error: DefinitionUri '../../etc/passwd' "
			      "must be a relative path inside the template's folder "
			      "[load/definition-uri]\n");
	free(got);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* More of the core schema: True is a boolean, an empty value null, and
 * a lone dot or an exponent without digits a string. */
START_TEST(yaml_scalars_edges)
{
	const char *text = "a: True\nb:\nc: .\nd: 1e\ne: 1.5e+3\nf: FALSE\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	char *s = cJSON_PrintUnformatted(d->root);
	ck_assert_str_eq(s, "{\"a\":true,\"b\":null,\"c\":\".\",\"d\":\"1e\",\"e\":1500,\"f\":false}");
	cJSON_free(s);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

/* A file whose name starts with a dot keeps its whole name as the machine's. */
START_TEST(asl_machine_named_after_file)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *asl = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}";
	ck_assert_int_eq(loader_load(&lf, tmp_file(".hidden.json", asl), NULL, &l), 0);
	ck_assert_str_eq(lf.machines[0].name, ".hidden.json");
	loader_release(&lf);
	ck_assert_int_eq(loader_load(&lf, tmp_file("order-flow.asl.json", asl), NULL, &l), 0);
	ck_assert_str_eq(lf.machines[0].name, "order-flow");
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* The sign of YAML's infinities survives (-.inf is not .inf). */
START_TEST(yaml_infinity_sign)
{
	const char *text = "a: -.inf\nb: .inf\nc: +.Inf\nd: -.INF\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("f.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	double a = cJSON_GetObjectItem(d->root, "a")->valuedouble;
	double b = cJSON_GetObjectItem(d->root, "b")->valuedouble;
	double c = cJSON_GetObjectItem(d->root, "c")->valuedouble;
	double dd = cJSON_GetObjectItem(d->root, "d")->valuedouble;
	ck_assert(a < 0 && a * 0 != a * 0);
	ck_assert(b > 0 && b * 0 != b * 0);
	ck_assert(c > 0 && dd < 0);
	doc_free(d);
	diag_list_release(&l);
}
END_TEST

static const char *state_str(const struct loaded_machine *m, const char *state,
			     const char *field)
{
	const cJSON *s = cJSON_GetObjectItem(cJSON_GetObjectItem(m->definition, "States"), state);
	const cJSON *v = cJSON_GetObjectItem(s, field);
	return cJSON_IsString(v) ? v->valuestring : "(not a string)";
}

/* Intrinsics written inside a template's Definition: what the template
 * gives is resolved, the rest becomes a ${...} placeholder located where the
 * function was written, AWS::NoValue removes its member. */
START_TEST(cloudformation_intrinsics_resolved)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	ck_assert_int_eq(loader_load(&lf, "tests/cases/validate/cfn-intrinsics.yml",
				     NULL, &l), 0);
	const struct loaded_machine *m = &lf.machines[0];
	ck_assert_str_eq(state_str(m, "Invoke", "Resource"), "${Worker.Arn}");
	ck_assert_str_eq(state_str(m, "Invoke", "TimeoutSeconds"), "${Timeout}");
	ck_assert_str_eq(state_str(m, "Join", "Resource"),
			 "arn:aws:lambda:us-east-1:123456789012:function:x");
	ck_assert_str_eq(state_str(m, "Pick", "Resource"), "${Worker.Arn}");
	ck_assert_str_eq(state_str(m, "Sel", "Resource"), "${Worker.Arn}");
	ck_assert_str_eq(state_str(m, "Map", "Resource"),
			 "arn:aws:lambda:us-east-1:123456789012:function:prod");
	const cJSON *states = cJSON_GetObjectItem(m->definition, "States");
	char *params = cJSON_PrintUnformatted(cJSON_GetObjectItem(
		cJSON_GetObjectItem(states, "Notify"), "Parameters"));
	ck_assert_str_eq(params, "{\"TopicArn\":\"${Topic}\",\"Message\":\"done in us-east-1\","
				 "\"Target\":\"${Fn::FindInMap}\",\"Listed\":\"${Worker.Arn}:3\","
				 "\"Partition\":\"aws\",\"Suffix\":\"amazonaws.com\","
				 "\"Partial\":\"${Fn::FindInMap}\"}");
	cJSON_free(params);
	char *result = cJSON_PrintUnformatted(cJSON_GetObjectItem(
		cJSON_GetObjectItem(states, "Done"), "Result"));
	ck_assert_str_eq(result, "{\"region\":\"us-east-1\",\"optional\":\"kept\"}");
	cJSON_free(result);
	/* the placeholder stands where !GetAtt was written */
	struct pos p = doc_pos(m->doc, cJSON_GetObjectItem(cJSON_GetObjectItem(states, "Invoke"),
							    "Resource"));
	ck_assert_uint_eq(p.line, 21);
	ck_assert_uint_eq(p.col, 23);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* A placeholder where a value goes in DefinitionString's JSON text is
 * filled before parsing would see it, as CloudFormation does: a number
 * stays a number, an unknown name stays a placeholder string. */
START_TEST(cloudformation_bare_placeholders)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("bare.yml",
		"Resources:\n"
		"  M:\n"
		"    Type: AWS::StepFunctions::StateMachine\n"
		"    Properties:\n"
		"      DefinitionSubstitutions:\n"
		"        Conc: 5\n"
		"      DefinitionString: !Sub\n"
		"        - |\n"
		"          {\"StartAt\": \"W\", \"States\": {\n"
		"            \"W\": {\"Type\": \"Wait\", \"Seconds\": ${Wait}, \"Next\": \"M\"},\n"
		"            \"M\": {\"Type\": \"Map\", \"MaxConcurrency\": ${Conc},\n"
		"                  \"Comment\": \"${Wait} ${!Literal}\", \"End\": ${Flag},\n"
		"                  \"TimeoutSeconds\": ${Unknown},\n"
		"                  \"ItemSelector\": ${Obj}, \"Label\": ${Quoted}}}}\n"
		"        - Wait: 30\n"
		"          Flag: 'true'\n"
		"          Obj: '{\"a\": [1]}'\n"
		"          Quoted: '\"hi\"'\n");
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	ck_assert_uint_eq(l.nr, 0);
	const struct loaded_machine *m = &lf.machines[0];
	const cJSON *states = cJSON_GetObjectItem(m->definition, "States");
	char *got = cJSON_PrintUnformatted(states);
	ck_assert_str_eq(got, "{\"W\":{\"Type\":\"Wait\",\"Seconds\":30,\"Next\":\"M\"},"
			      "\"M\":{\"Type\":\"Map\",\"MaxConcurrency\":5,"
			      "\"Comment\":\"30 ${Literal}\",\"End\":true,"
			      "\"TimeoutSeconds\":\"${Unknown}\",\"ItemSelector\":{\"a\":[1]},"
			      "\"Label\":\"hi\"}}");
	cJSON_free(got);
	struct pos p = doc_pos(m->doc, cJSON_GetObjectItem(cJSON_GetObjectItem(states, "W"),
							    "Seconds"));
	ck_assert_uint_eq(p.line, 10);
	ck_assert_uint_eq(p.col, 46);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* A definition on S3 cannot be read offline: a note, not an error, and a
 * template whose only machines are there still loads. */
START_TEST(cloudformation_s3_definitions_noted)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("s3.yml",
		"Transform: AWS::Serverless-2016-10-31\n"
		"Resources:\n"
		"  Sam:\n"
		"    Type: AWS::Serverless::StateMachine\n"
		"    Properties:\n"
		"      DefinitionUri:\n"
		"        Bucket: my-bucket\n"
		"        Key: machine.json\n"
		"  SamUri:\n"
		"    Type: AWS::Serverless::StateMachine\n"
		"    Properties:\n"
		"      DefinitionUri: s3://my-bucket/machine.json\n"
		"  Plain:\n"
		"    Type: AWS::StepFunctions::StateMachine\n"
		"    Properties:\n"
		"      DefinitionS3Location: {Bucket: b, Key: k}\n");
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), 0);
	ck_assert_uint_eq(lf.nr_machines, 0);
	ck_assert_uint_eq(l.errors, 0);
	char *got = diags_text(&l);
	ck_assert_str_eq(got,
		"s3.yml:7:9: note: the DefinitionUri of state machine 'Sam' is on S3: "
		"not checked offline [load/definition-s3]\n"
		"s3.yml:12:22: note: the DefinitionUri of state machine 'SamUri' is on S3: "
		"not checked offline [load/definition-s3]\n"
		"s3.yml:16:29: note: the DefinitionS3Location of state machine 'Plain' is on S3: "
		"not checked offline [load/definition-s3]\n");
	free(got);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* A serverless value that is one ${self:} reference to a number keeps the
 * type; Ref and Fn::Join pass to CloudFormation and are resolved as a
 * template's are. */
/* functions as a list of mappings (serverless's mergeArrays: lodash's
 * _.merge, in order): a later item's name wins, a name only the first item
 * gives stays, the function's logical id finds it too; an empty item is
 * passed over and a string refused.  The list used to reach the ARN lookup
 * as it was, whose items have no names (fuzz_loader: NULL read). */
START_TEST(serverless_functions_list_merges)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	ck_assert_int_eq(loader_load(&lf, "tests/cases/validate/sls-functions-list.yml",
				     NULL, &l), 0);
	const struct loaded_machine *m = &lf.machines[0];
	ck_assert_str_eq(state_str(m, "Check", "Resource"),
			 "arn:aws:lambda:us-east-1:123456789012:function:second-check");
	ck_assert_str_eq(state_str(m, "Pay", "Resource"),
			 "arn:aws:lambda:us-east-1:123456789012:function:payments");
	ck_assert_int_eq(cJSON_GetArraySize(lf.functions), 2);
	const cJSON *pay = cJSON_GetObjectItem(lf.functions, "pay");
	ck_assert_int_eq(cJSON_GetObjectItem(pay, "memorySize")->valueint, 256);
	ck_assert_str_eq(cJSON_GetObjectItem(pay, "handler")->valuestring, "pay.handler");
	ck_assert_uint_eq(l.nr, 1);
	ck_assert_str_eq(l.items[0].rule, "load/functions-item");
	ck_assert_uint_eq(l.items[0].pos.line, 19);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

START_TEST(serverless_typed_references_and_intrinsics)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	ck_assert_int_eq(loader_load(&lf, "tests/cases/validate/sls-intrinsics.yml",
				     NULL, &l), 0);
	const struct loaded_machine *m = &lf.machines[0];
	const cJSON *states = cJSON_GetObjectItem(m->definition, "States");
	const cJSON *check = cJSON_GetObjectItem(states, "Check");
	ck_assert_uint_eq(l.nr, 0);
	const cJSON *t = cJSON_GetObjectItem(check, "TimeoutSeconds");
	ck_assert(cJSON_IsNumber(t) && t->valuedouble == 30);
	const cJSON *retry = cJSON_GetArrayItem(cJSON_GetObjectItem(check, "Retry"), 0);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(retry, "MaxAttempts")));
	ck_assert_str_eq(state_str(m, "Check", "Resource"),
			 "arn:aws:lambda:us-east-1:123456789012:function:orders-dev-check");
	ck_assert_str_eq(state_str(m, "Other", "Resource"),
			 "arn:aws:lambda:us-east-1:123456789012:function:${env:OTHER_FN}");
	ck_assert_str_eq(state_str(m, "Other", "TimeoutSeconds"), "${env:OTHER_TIMEOUT}");
	ck_assert_str_eq(state_str(m, "Other", "Comment"), "30s");
	ck_assert_str_eq(state_str(m, "Order", "Comment"), "30s");
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetObjectItem(states, "Order"),
						     "TimeoutSeconds")));
	ck_assert_str_eq(state_str(m, "Order", "Resource"),
			 "arn:aws:lambda:us-east-1:123456789012:function:orders-dev-check-order");
	const cJSON *ver = cJSON_GetObjectItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(states, "Order"), "Parameters"), "Version");
	ck_assert_str_eq(ver->valuestring, "${check.Version}");
	char *p = cJSON_PrintUnformatted(cJSON_GetObjectItem(
		cJSON_GetObjectItem(states, "Notify"), "Parameters"));
	ck_assert_str_eq(p, "{\"TopicArn\":\"${Topic}\",\"Message.$\":\"$.message\"}");
	cJSON_free(p);
	p = cJSON_PrintUnformatted(cJSON_GetObjectItem(
		cJSON_GetObjectItem(states, "Store"), "Parameters"));
	ck_assert_str_eq(p, "{\"TableName\":\"orders-dev\",\"Item\":{\"id\":{\"S.$\":\"$.id\"}}}");
	cJSON_free(p);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* A copy holds the same tree and positions, its own: changing the loaded
 * original (as the loader does) leaves the copy as written. */
START_TEST(doc_copy_is_independent)
{
	const char *text = "service: s\nitems:\n  - a: 1\n    b: ${self:service}\n";
	struct diag_list l = DIAG_LIST_INIT;
	struct doc *d = doc_new("copy.yml");
	ck_assert_int_eq(doc_parse(d, text, strlen(text), DOC_YAML, &l), 0);
	struct doc *c = doc_copy(d);
	ck_assert(cJSON_Compare(d->root, c->root, 1));
	ck_assert_ptr_ne(d->root, c->root);
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c->root, "items"), 0), "b");
	struct pos v = doc_pos(c, b), k = doc_key_pos(c, b);
	ck_assert_ptr_eq(v.file, c->path); /* not the original's path */
	ck_assert_uint_eq(v.line, 4);
	ck_assert_uint_eq(v.col, 8);
	ck_assert_uint_eq(k.line, 4);
	ck_assert_uint_eq(k.col, 5);
	ck_assert_str_eq(c->text.ptr, text);
	cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(d->root, "service"), "t");
	doc_free(d); /* the copy outlives it */
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(c->root, "service")->valuestring, "s");
	ck_assert_str_eq(b->valuestring, "${self:service}");
	doc_free(c);
	diag_list_release(&l);
}
END_TEST

/* fileio_inside answers as realpath(3) would: folders and files that are
 * symbolic links are followed, a missing path passes (the lexical check
 * came first), and a folder resolved once stays resolved. */
START_TEST(inside_follows_links)
{
	char dir[] = "/tmp/stepbook-inside-XXXXXX", out[] = "/tmp/stepbook-outside-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(mkdtemp(out));
	char root[PATH_MAX], p[600];
	ck_assert_ptr_nonnull(realpath(dir, root));
	snprintf(p, sizeof(p), "%s/steps", dir);
	ck_assert_int_eq(fileio_mkdirs(p), 0);
	snprintf(p, sizeof(p), "%s/steps/a.yml", dir);
	ck_assert_int_eq(fileio_write_atomic(p, "x", 1), 0);
	snprintf(p, sizeof(p), "%s/secret.yml", out);
	ck_assert_int_eq(fileio_write_atomic(p, "x", 1), 0);
	snprintf(p, sizeof(p), "%s/away", dir);
	ck_assert_int_eq(symlink(out, p), 0);          /* a folder leading out */
	snprintf(p, sizeof(p), "%s/steps/b.yml", dir);
	ck_assert_int_eq(symlink("../../" , p), 0);    /* a file link leading out */
	snprintf(p, sizeof(p), "%s/here", dir);
	ck_assert_int_eq(symlink("steps", p), 0);      /* a folder link inside */

	struct fileio_realdirs r = FILEIO_REALDIRS_INIT;
	static const struct { const char *rel; int in; } cases[] = {
		{ "steps/a.yml", 1 }, { "steps/a.yml", 1 }, /* cached folder */
		{ "here/a.yml", 1 }, { "away/secret.yml", 0 }, { "away", 0 },
		{ "steps/b.yml", 0 }, { "steps/missing.yml", 1 }, { "steps", 1 },
		{ "steps/.", 1 }, { "steps/..", 1 }, { "steps/../..", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, cases[i].rel);
		ck_assert_msg(fileio_inside(root, p, &r) == cases[i].in, "%s", cases[i].rel);
	}
	ck_assert_int_eq(fileio_inside(NULL, "/etc/hostname", &r), 1);
	fileio_realdirs_release(&r);
	static const char *const rm[] = { "steps/a.yml", "steps/b.yml", "away", "here", "steps" };
	for (size_t i = 0; i < sizeof(rm) / sizeof(*rm); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, rm[i]);
		remove(p);
	}
	snprintf(p, sizeof(p), "%s/secret.yml", out);
	remove(p);
	remove(dir);
	remove(out);
}
END_TEST

START_TEST(no_machine)
{
	struct loaded_file lf;
	struct diag_list l = DIAG_LIST_INIT;
	const char *path = tmp_file("plain.yml", "service: x\nprovider: {name: aws}\n");
	ck_assert_int_eq(loader_load(&lf, path, NULL, &l), -1);
	char *got = diags_text(&l);
	ck_assert_str_eq(got, "plain.yml:1:1: error: no state machine here: this "
			      "serverless file has no stepFunctions.stateMachines "
			      "[load/no-machine]\n");
	free(got);
	loader_release(&lf);
	diag_list_release(&l);
}
END_TEST

/* Every saved step of the reference course loads; those that declare state
 * machines build models and render without a warning. */
START_TEST(upstream_course_loads)
{
	const char *root = shared_dir();
	if (!root) {
		fprintf(stderr, "upstream_course_loads: ../shared/upstream-course "
				"not found, skipped\n");
		return;
	}
	static const char *const dirs[] = { "101", "101/saved-steps", "102",
					    "102/saved-steps" };
	size_t files = 0, machines = 0;
	for (size_t i = 0; i < 4; i++) {
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s/%s", root, dirs[i]);
		DIR *dp = opendir(dir);
		ck_assert_ptr_nonnull(dp);
		struct dirent *e;
		while ((e = readdir(dp))) {
			if (strncmp(e->d_name, "serverless", 10) ||
			    !strstr(e->d_name, ".yml"))
				continue;
			char path[2048];
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			struct loaded_file lf;
			struct diag_list l = DIAG_LIST_INIT;
			int r = loader_load(&lf, path, NULL, &l);
			char *text = diags_text(&l);
			if (r) /* the generated example and the cut-down file */
				ck_assert_msg(strstr(text, "[load/no-machine]"), "%s", text);
			for (size_t k = 0; k < lf.nr_machines; k++) {
				struct asl_machine *m = asl_build(lf.machines[k].definition,
								  lf.machines[k].doc, &l);
				ck_assert_msg(l.errors == 0, "%s: %s", path, text);
				ck_assert_int_ge(m->start_index, 0);
				struct diagram_options opt = DIAGRAM_OPTIONS_INIT;
				struct buf svg = BUF_INIT;
				ck_assert_int_eq(diagram_render(m, &opt, &svg, &l), 0);
				ck_assert_msg(l.nr == 0 && strstr(svg.ptr, "</svg>"),
					      "%s", path);
				buf_release(&svg);
				asl_free(m);
				machines++;
			}
			files++;
			free(text);
			loader_release(&lf);
			diag_list_release(&l);
		}
		closedir(dp);
	}
	ck_assert_uint_eq(files, 16);
	ck_assert_uint_eq(machines, 12);
}
END_TEST

/* Every saved step of the bundled course loads and builds without errors. */
START_TEST(bundled_course_loads)
{
	static const char *const dirs[] = { "course/101/saved-steps",
					    "course/102/saved-steps",
					    "course/103/saved-steps" };
	size_t machines = 0;
	for (size_t i = 0; i < 3; i++) {
		DIR *dp = opendir(dirs[i]);
		ck_assert_ptr_nonnull(dp);
		struct dirent *e;
		while ((e = readdir(dp))) {
			if (e->d_name[0] == '.')
				continue;
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
			struct loaded_file lf;
			struct diag_list l = DIAG_LIST_INIT;
			int r = loader_load(&lf, path, NULL, &l);
			char *text = diags_text(&l);
			ck_assert_msg(r == 0 && l.nr == 0, "%s: %s", path, text);
			for (size_t k = 0; k < lf.nr_machines; k++, machines++) {
				struct asl_machine *m = asl_build(lf.machines[k].definition,
								  lf.machines[k].doc, &l);
				ck_assert_msg(l.errors == 0 && m->start_index >= 0, "%s", path);
				asl_free(m);
			}
			free(text);
			loader_release(&lf);
			diag_list_release(&l);
		}
		closedir(dp);
	}
	ck_assert_uint_ge(machines, 17);
}
END_TEST

Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("doc");
	tcase_add_test(tc, yaml_positions);
	tcase_add_test(tc, json_positions);
	tcase_add_test(tc, yaml_scalars_follow_core_schema);
	tcase_add_test(tc, yaml_short_form_tags);
	tcase_add_test(tc, yaml_merge_keys_and_aliases);
	tcase_add_test(tc, yaml_anchor_under_a_merge_key);
	tcase_add_test(tc, bad_input_is_located);
	tcase_add_test(tc, binary_file);
	suite_add_tcase(s, tc);
	/* Hostile input: each must be refused well under a second. */
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 2);
	tcase_add_test(tc, deep_nesting_is_refused);
	tcase_add_test(tc, alias_bomb_is_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("loader");
	tcase_add_test(tc, serverless_file);
	tcase_add_test(tc, serverless_self_reference_ends);
	tcase_add_test(tc, cloudformation_definition_string);
	tcase_add_test(tc, cloudformation_api_routes);
	tcase_add_test(tc, cloudformation_api_one_machine);
	tcase_add_test(tc, cloudformation_error_in_definition_string);
	tcase_add_test(tc, sam_definition_uri_stays_in_folder);
	tcase_add_test(tc, yaml_infinity_sign);
	tcase_add_test(tc, yaml_scalars_edges);
	tcase_add_test(tc, asl_machine_named_after_file);
	tcase_add_test(tc, cloudformation_intrinsics_resolved);
	tcase_add_test(tc, cloudformation_bare_placeholders);
	tcase_add_test(tc, cloudformation_s3_definitions_noted);
	tcase_add_test(tc, serverless_typed_references_and_intrinsics);
	tcase_add_test(tc, serverless_functions_list_merges);
	tcase_add_test(tc, no_machine);
	tcase_add_test(tc, doc_copy_is_independent);
	tcase_add_test(tc, inside_follows_links);
	tcase_add_test(tc, upstream_course_loads);
	tcase_add_test(tc, bundled_course_loads);
	suite_add_tcase(s, tc);
	return s;
}
