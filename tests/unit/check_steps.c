/* check_steps.c - shell words, each recognised command, HTTP requests,
 * recorded outputs (JSON, HTTP responses, util.inspect text) and the
 * located errors for bad arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "helpers.h"
#include "jsobject.h"
#include "snippet.h"
#include "steps.h"
#include "xalloc.h"
#include "banned.h"

/* The words of the first command of text, joined with '|'. */
static char *split(const char *text)
{
	struct steps_word *w = NULL;
	size_t n = 0, at = 0, err_at = 0;
	const char *why = NULL;
	struct buf b = BUF_INIT;
	if (steps_split(text, strlen(text), &at, &w, &n, &why, &err_at) < 0)
		buf_addf(&b, "error at %zu: %s", err_at, why);
	for (size_t i = 0; !why && i < n; i++)
		buf_addf(&b, "%s%s%s", i ? "|" : "", w[i].text, w[i].has_var ? "$" : "");
	steps_words_free(w, n);
	return buf_detach(&b, NULL);
}

#define ck_split(text, expected)                   \
	do {                                       \
		char *got_ = split(text);          \
		ck_assert_str_eq(got_, expected);  \
		free(got_);                        \
	} while (0)

START_TEST(shell_words)
{
	ck_split("sls invoke stepf --name N", "sls|invoke|stepf|--name|N");
	ck_split("a 'b c' \"d \\\"e\\\"\" f\\ g", "a|b c|d \"e\"|f g");
	ck_split("a \\\n  b\n c", "a|b");
	ck_split("echo $token ${x} '$y'", "echo|$token$|${x}$|$y");
	ck_split("a 'b\nc'", "a|b\nc");
	ck_split("a # comment\nb", "a");
	ck_split("a && b", "a");
	ck_split("a 'open", "error at 2: unterminated quote");
	ck_split("", "");
}
END_TEST

/* One page with one block; the steps described one a line. */
static char *steps_of(const char *page, struct diag_list *l)
{
	struct snippet_page p;
	snippet_page_parse(&p, "p.md", page, strlen(page), l);
	struct step_list sl = STEP_LIST_INIT;
	for (size_t i = 0; i < p.nr; i++)
		steps_parse(&sl, &p.snippets[i], i, l);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sl.nr; i++) {
		const struct step *st = &sl.items[i];
		buf_addf(&b, "%u:%u %s", st->pos.line, st->pos.col,
			 steps_kind_name(st->kind));
		static const char *const names[] = { "name", "input", "path", "stage",
			"machine", "execution", "token", "error", "cause", "var",
			"value", "method", "target" };
		for (int a = 0; a < ARG_COUNT; a++)
			if (st->arg[a])
				buf_addf(&b, " %s=%s%s", names[a], st->arg[a],
					 st->arg_vars & (1u << a) ? "($)" : "");
		for (size_t h = 0; h < st->nr_headers; h++)
			buf_addf(&b, " [%s: %s]", st->headers[h].name, st->headers[h].value);
		if (st->input) {
			char *j = cJSON_PrintUnformatted(st->input);
			buf_addf(&b, " json=%s", j);
			cJSON_free(j);
		}
		if (st->reason)
			buf_addf(&b, " (%s)", st->reason);
		buf_addc(&b, '\n');
	}
	steps_release(&sl);
	snippet_page_release(&p);
	return buf_detach(&b, NULL);
}

#define ck_steps(page, expected)                                    \
	do {                                                        \
		struct diag_list l_ = DIAG_LIST_INIT;               \
		char *got_ = steps_of(page, &l_);                   \
		ck_assert_str_eq(got_, expected);                   \
		ck_assert_uint_eq(l_.nr, 0);                        \
		free(got_);                                         \
		diag_list_release(&l_);                             \
	} while (0)

START_TEST(deploys)
{
	ck_steps("```bash\nnpm install\nmake deploy STAGE=dev\n```\n",
		 "2:1 none ('npm' is not a command stepbook runs)\n"
		 "3:1 deploy stage=dev\n");
	ck_steps("```sh step=saved-steps/02.yml\n$ sls deploy --stage prod\n```\n",
		 "2:3 deploy path=saved-steps/02.yml stage=prod\n");
	ck_steps("```bash\nserverless deploy -s dev --conceal\n```\n",
		 "2:1 deploy stage=dev\n");
	ck_steps("```bash\naws cloudformation deploy --template-file t.yml --stack-name s "
		 "--capabilities CAPABILITY_IAM\nsam deploy -t sam.yml --resolve-s3\n```\n",
		 "2:1 deploy name=s path=t.yml\n3:1 deploy path=sam.yml\n");
}
END_TEST

START_TEST(invoke)
{
	ck_steps("```bash\nsls invoke stepf --name M --data '{\"a\":1}'\n```\n",
		 "2:1 invoke name=M input={\"a\":1} json={\"a\":1}\n");
	ck_steps("```bash\nsls invoke stepf -n M -p input.json -s dev\n```\n",
		 "2:1 invoke name=M path=input.json stage=dev\n");
	ck_steps("```bash\nserverless invoke stepf --name=M \\\n  --data=\"{}\"\n```\n",
		 "2:1 invoke name=M input={} json={}\n");
}
END_TEST

START_TEST(aws_commands)
{
	ck_steps("```bash\naws stepfunctions start-execution --state-machine-arn arn:x "
		 "--input '{}' --name run1 --region eu-west-1\n```\n",
		 "2:1 start-execution name=run1 input={} machine=arn:x json={}\n");
	ck_steps("```bash\naws stepfunctions start-sync-execution --state-machine-arn A\n"
		 "aws stepfunctions describe-execution --execution-arn E\n"
		 "aws stepfunctions stop-execution --execution-arn E --error X --cause Y\n"
		 "aws stepfunctions get-execution-history --execution-arn E --reverse-order\n```\n",
		 "2:1 start-sync-execution machine=A\n"
		 "3:1 describe-execution execution=E\n"
		 "4:1 stop-execution execution=E error=X cause=Y\n"
		 "5:1 get-execution-history execution=E\n");
	ck_steps("```bash\naws stepfunctions send-task-heartbeat --task-token $token --profile p\n"
		 "aws stepfunctions send-task-success --task-token \"${token}\" --task-output '{\"s\": 1}'\n"
		 "aws stepfunctions send-task-failure --task-token $token --error E\n```\n",
		 "2:1 send-task-heartbeat token=$token($)\n"
		 "3:1 send-task-success input={\"s\": 1} token=${token}($) json={\"s\":1}\n"
		 "4:1 send-task-failure token=$token($) error=E\n");
}
END_TEST

START_TEST(export_and_curl)
{
	ck_steps("```bash\nexport token=AAAA+/==\nexport SLS_DEBUG=*\n```\n",
		 "2:1 export var=token value=AAAA+/==\n"
		 "3:1 export var=SLS_DEBUG value=*\n");
	ck_steps("```bash\ncurl -X POST -H 'X-API-Key: k1' -d '{\"a\":2}' "
		 "https://h.example.com/dev/action/start\n```\n",
		 "2:1 http input={\"a\":2} method=POST target=/dev/action/start "
		 "[X-API-Key: k1] [Host: h.example.com] json={\"a\":2}\n");
	ck_steps("```bash\ncurl https://h/dev/hello\n```\n",
		 "2:1 http method=GET target=/dev/hello [Host: h]\n");
}
END_TEST

START_TEST(http_request_blocks)
{
	ck_steps("```bash\nGET /dev/hello HTTP/1.1\nhost: h\nX-API-Key: k\nconnection: close\n\n```\n",
		 "2:1 http method=GET target=/dev/hello [host: h] [X-API-Key: k] "
		 "[connection: close]\n");
	ck_steps("```http\nPOST https://h/dev/action/status\nContent-Type: application/json\n\n"
		 "{\"executionArn\": \"arn:e\"}\n```\n",
		 "2:1 http input={\"executionArn\": \"arn:e\"} method=POST "
		 "target=/dev/action/status [Content-Type: application/json] "
		 "json={\"executionArn\":\"arn:e\"}\n");
}
END_TEST

START_TEST(not_steps)
{
	ck_steps("```bash\nServerless: Generating boilerplate...\n |   _   .--'--.\n```\n",
		 "2:1 none ('Serverless:' is not a command stepbook runs)\n"
		 "3:3 none (not a shell command)\n");
	ck_steps("```json\n{}\n```\n```bash skip\nsls deploy\n```\n", "");
	ck_steps("```golang\nfunc main() {}\n```\n", "");
}
END_TEST

START_TEST(bad_json_argument_is_located)
{
	struct diag_list l = DIAG_LIST_INIT;
	char *got = steps_of("text\n\n```bash\nsls invoke stepf --name M --data '{\"a\":}'\n```\n", &l);
	ck_assert_str_eq(got, "4:1 invoke name=M input={\"a\":}\n");
	free(got);
	got = diags_text(&l);
	ck_assert_str_eq(got, "p.md:4:40: error: the input is not JSON: "
			      "unexpected '}' in JSON [check/json]\n");
	free(got);
	diag_list_release(&l);
	got = steps_of("```bash\nsls invoke stepf --name M --data '{\n```\n", &l);
	free(got);
	got = diags_text(&l);
	ck_assert_str_eq(got, "p.md:2:34: error: unterminated quote [check/shell]\n");
	free(got);
	diag_list_release(&l);
}
END_TEST

static char *js(const char *text)
{
	const char *why = NULL;
	size_t at = 0;
	cJSON *v = jsobject_parse(text, strlen(text), &why, &at);
	struct buf b = BUF_INIT;
	if (!v) {
		buf_addf(&b, "%zu: %s", at, why);
		return buf_detach(&b, NULL);
	}
	char *p = cJSON_PrintUnformatted(v); /* cJSON's memory: cJSON_free */
	buf_adds(&b, p);
	cJSON_free(p);
	cJSON_Delete(v);
	return buf_detach(&b, NULL);
}

#define ck_js(text, expected)                     \
	do {                                      \
		char *got_ = js(text);            \
		ck_assert_str_eq(got_, expected); \
		free(got_);                       \
	} while (0)

START_TEST(js_objects)
{
	ck_js("{ executionArn: 'arn:a', n: 1.5E9, ok: true, u: undefined, }",
	      "{\"executionArn\":\"arn:a\",\"n\":1500000000,\"ok\":true,\"u\":null}");
	ck_js("{ startDate: 2019-11-12T11:39:26.081Z,\n  output: '{\"a\":\"it\\'s\"}' }",
	      "{\"startDate\":\"2019-11-12T11:39:26.081Z\",\"output\":\"{\\\"a\\\":\\\"it's\\\"}\"}");
	ck_js("[1, 'a', [ ], {}, \"b\\u00e9\", -2,]", "[1,\"a\",[],{},\"bé\",-2]");
	ck_js("{ 'quoted key': null }", "{\"quoted key\":null}");
	ck_js("{ b: 1, a: 2, b: 3 }", "{\"b\":3,\"a\":2}"); /* fuzz finding */
	ck_js("{ a: 'x' ", "9: expected ',' or '}'");
	ck_js("{ a 'x' }", "4: expected ':' after the key");
	ck_js("{ a: 'x }", "5: unterminated string");
	ck_js("{ a: nope }", "5: expected a value");
	ck_js("{} x", "3: unexpected text after the value");
	ck_js("", "0: unexpected end of text");
	char deep[200];
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	ck_js(deep, "64: nested too deeply");
}
END_TEST

/* What --update writes for an `sls invoke` recording: util.inspect's two
 * layouts, exactly, and text the reader gives back as the same value. */
static char *inspect(const char *json, enum jsobject_style style)
{
	cJSON *v = cJSON_Parse(json);
	struct buf b = BUF_INIT;
	jsobject_print(v, style, &b);
	const char *why = NULL;
	size_t at = 0;
	cJSON *back = jsobject_parse(b.ptr, b.len, &why, &at);
	ck_assert_msg(back && cJSON_Compare(v, back, 1), "%s does not read back", b.ptr);
	cJSON_Delete(back);
	cJSON_Delete(v);
	return buf_detach(&b, NULL);
}

#define ck_inspect(json, style, expected)                 \
	do {                                              \
		char *got_ = inspect(json, style);        \
		ck_assert_str_eq(got_, expected);         \
		free(got_);                               \
	} while (0)

START_TEST(js_objects_written)
{
	static const char result[] =
		"{\"executionArn\": \"arn:aws:states:eu-west-1:123456789012:execution:M:1\","
		"\"status\": \"SUCCEEDED\", \"startDate\": \"2019-11-12T11:39:26.081Z\","
		"\"output\": \"{\\\"a\\\":1}\"}";
	ck_inspect(result, JSOBJECT_NODE10,
		   "{ executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:M:1',\n"
		   "  status: 'SUCCEEDED',\n"
		   "  startDate: 2019-11-12T11:39:26.081Z,\n"
		   "  output: '{\"a\":1}' }");
	ck_inspect(result, JSOBJECT_NODE12,
		   "{\n"
		   "  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:M:1',\n"
		   "  status: 'SUCCEEDED',\n"
		   "  startDate: 2019-11-12T11:39:26.081Z,\n"
		   "  output: '{\"a\":1}'\n"
		   "}");
	/* short values stay on one line; keys that are not identifiers, and
	 * quotes chosen to need no escape */
	ck_inspect("{\"detail-type\": \"x\", \"n\": [1, 2.5, -3e-7, 0.000001], \"ok\": true}",
		   JSOBJECT_NODE12,
		   "{ 'detail-type': 'x', n: [ 1, 2.5, -3e-7, 0.000001 ], ok: true }");
	ck_inspect("[1e21, 123456789012345680000, 1704067200000, 0.1, null]", JSOBJECT_NODE12,
		   "[ 1e+21, 123456789012345680000, 1704067200000, 0.1, null ]");
	ck_inspect("[\"it's\", \"say \\\"it's\\\"\", \"tab\\there\", \"2019-11-12\", {}, []]",
		   JSOBJECT_NODE10,
		   "[ \"it's\", `say \"it's\"`, 'tab\\there', '2019-11-12', {}, [] ]");
	/* a nested object that does not fit is laid out at its depth */
	ck_inspect("{\"a\": {\"long\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"b\": 1}}",
		   JSOBJECT_NODE12,
		   "{\n  a: {\n    long: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',\n"
		   "    b: 1\n  }\n}");
	ck_assert_int_eq(jsobject_style_of("{ a: 1,\n  b: 2 }", 15), JSOBJECT_NODE10);
	ck_assert_int_eq(jsobject_style_of("{\n  a: 1\n}", 10), JSOBJECT_NODE12);
}
END_TEST

static char *output_of(const char *page, struct diag_list *l)
{
	struct snippet_page p;
	snippet_page_parse(&p, "p.md", page, strlen(page), l);
	cJSON *v = steps_parse_output(&p.snippets[0], l);
	char *j = v ? cJSON_PrintUnformatted(v) : NULL;
	char *s = j ? xstrdup(j) : NULL; /* callers free() it */
	cJSON_free(j);
	cJSON_Delete(v);
	snippet_page_release(&p);
	return s;
}

#define ck_output(page, expected)                                   \
	do {                                                        \
		struct diag_list l_ = DIAG_LIST_INIT;               \
		char *got_ = output_of(page, &l_);                  \
		ck_assert_ptr_nonnull(got_);                        \
		ck_assert_str_eq(got_, expected);                   \
		free(got_);                                         \
		diag_list_release(&l_);                             \
	} while (0)

START_TEST(recorded_outputs)
{
	ck_output("```json output\n{\"a\": [1, 2]}\n```\n", "{\"a\":[1,2]}");
	ck_output("```bash\n{ status: 'SUCCEEDED',\n  startDate: 2019-11-12T11:39:26.081Z }\n```\n",
		  "{\"status\":\"SUCCEEDED\",\"startDate\":\"2019-11-12T11:39:26.081Z\"}");
	ck_output("```bash\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n"
		  "{\"startDate\":1.573573209347E9}closed\n```\n",
		  "{\"statusCode\":200,\"body\":{\"startDate\":1573573209.347}}");
	ck_output("```http\nHTTP/1.1 403 Forbidden\r\nx: y\r\n\r\n{\"message\":\"Forbidden\"}\n```\n",
		  "{\"statusCode\":403,\"body\":{\"message\":\"Forbidden\"}}");
	ck_output("```text\nHTTP/1.1 204 No Content\n```\n", "{\"statusCode\":204,\"body\":null}");
}
END_TEST

START_TEST(bad_outputs_are_located)
{
	struct diag_list l = DIAG_LIST_INIT;
	char *got = output_of("x\n\n```json output\n{\n  \"a\": tru\n}\n```\n", &l);
	ck_assert_ptr_null(got);
	got = diags_text(&l);
	ck_assert_str_eq(got, "p.md:5:8: error: unexpected 't' in JSON [check/json]\n");
	free(got);
	diag_list_release(&l);
	got = output_of("```bash output\n{ a: 'x',\n  b: 'y }\n```\n", &l);
	ck_assert_ptr_null(got);
	got = diags_text(&l);
	ck_assert_str_eq(got, "p.md:3:6: error: recorded output: unterminated string [check/output]\n");
	free(got);
	diag_list_release(&l);
}
END_TEST

START_TEST(upstream_steps)
{
	const char *dir = shared_dir();
	if (!dir)
		return;
	char path[1024];
	snprintf(path, sizeof(path), "%s/102/README.md", dir);
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	ck_assert_int_eq(snippet_page_load(&p, path, &l), 0);
	struct step_list sl = STEP_LIST_INIT;
	for (size_t i = 0; i < p.nr; i++)
		steps_parse(&sl, &p.snippets[i], i, &l);
	unsigned count[STEP_HTTP + 1] = { 0 };
	for (size_t i = 0; i < sl.nr; i++)
		count[sl.items[i].kind]++;
	ck_assert_uint_eq(count[STEP_DEPLOY], 8);
	ck_assert_uint_eq(count[STEP_INVOKE], 1);
	ck_assert_uint_eq(count[STEP_HTTP], 6);
	ck_assert_uint_eq(count[STEP_EXPORT], 2);
	ck_assert_uint_eq(count[STEP_TASK_SUCCESS], 1);
	ck_assert_uint_eq(count[STEP_TASK_FAILURE], 1);
	ck_assert_uint_eq(count[STEP_TASK_HEARTBEAT], 1);
	ck_assert_uint_eq(l.nr, 0);
	steps_release(&sl);
	snippet_page_release(&p);
	diag_list_release(&l);
}
END_TEST

START_TEST(limits)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i <= STEPS_MAX_WORDS; i++)
		buf_adds(&b, "w ");
	char *got = split(b.ptr);
	ck_assert_str_eq(got, "error at 512: too many words in one command");
	free(got);
	buf_reset(&b);
	int blocks = STEPS_MAX_STEPS / STEPS_MAX_COMMANDS + 1;
	for (int k = 0; k < blocks; k++) {
		buf_adds(&b, "```bash\n");
		for (int i = 0; i < STEPS_MAX_COMMANDS; i++)
			buf_adds(&b, "x\n");
		buf_adds(&b, "```\n");
	}
	struct snippet_page p;
	struct diag_list l = DIAG_LIST_INIT;
	snippet_page_parse(&p, "p.md", b.ptr, b.len, &l);
	struct step_list sl = STEP_LIST_INIT;
	for (size_t i = 0; i < p.nr; i++)
		steps_parse(&sl, &p.snippets[i], i, &l);
	ck_assert_uint_eq(sl.nr, STEPS_MAX_STEPS);
	ck_assert_uint_eq(l.errors, 1);
	steps_release(&sl);
	snippet_page_release(&p);
	diag_list_release(&l);
	buf_release(&b);
}
END_TEST

Suite *steps_suite(void)
{
	Suite *s = suite_create("steps");
	TCase *t = tcase_create("steps");
	tcase_add_test(t, shell_words);
	tcase_add_test(t, deploys);
	tcase_add_test(t, invoke);
	tcase_add_test(t, aws_commands);
	tcase_add_test(t, export_and_curl);
	tcase_add_test(t, http_request_blocks);
	tcase_add_test(t, not_steps);
	tcase_add_test(t, bad_json_argument_is_located);
	tcase_add_test(t, js_objects);
	tcase_add_test(t, js_objects_written);
	tcase_add_test(t, recorded_outputs);
	tcase_add_test(t, bad_outputs_are_located);
	tcase_add_test(t, upstream_steps);
	tcase_add_test(t, limits);
	suite_add_tcase(s, t);
	return s;
}
