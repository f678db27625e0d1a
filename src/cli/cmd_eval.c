/* cmd_eval.c - `stepbook eval`: one expression against one JSON input, as a
 * state's Arguments/Output (JSONata, the default) or its Parameters
 * (JSONPath: a path, a payload template or an intrinsic call) would see it.
 * Options, reading the input and printing only; the engines are jsonata.h,
 * jsonpath.h, payload.h and intrinsic.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "buf.h"
#include "cmd.h"
#include "fileio.h"
#include "intrinsic.h"
#include "jsonata.h"
#include "jsonpath.h"
#include "payload.h"
#include "rng.h"
#include "banned.h"

struct options {
	const char *expr, *input, *bindings;
	int jsonpath; /* --lang jsonpath */
	int json;     /* --format json */
	int no_aws;   /* --no-aws: plain JSONata, as jsonata-js runs it */
};

/* What one evaluation gave: a value, undefined, or an error. */
struct outcome {
	cJSON *result; /* owned, NULL for undefined (JSONPath) */
	struct buf text; /* the result as JSON (JSONata writes it directly) */
	int defined;
	int failed;
	struct jsonata_error err;
	char code[48]; /* the error's code: err.code, or an ASL error name */
};

static void usage(FILE *out)
{
	fputs("usage: stepbook eval EXPR [--input FILE|-] [--bindings JSON]\n"
	      "                      [--lang jsonata|jsonpath] [--format text|json]\n"
	      "                      [--no-aws]\n\n"
	      "Evaluates EXPR against the JSON of FILE ('-' reads standard input; no\n"
	      "--input means no input: undefined in JSONata, null in JSONPath).\n\n"
	      "  --bindings JSON  an object of variables: {\"x\": 1} makes $x\n"
	      "  --lang LANG      jsonata (default), or jsonpath: a path ($.a), a payload\n"
	      "                   template ({\"a.$\": \"$.b\"}) or a States.* call\n"
	      "  --format FORMAT  text (default): the result as JSON, nothing when it is\n"
	      "                   undefined; json: one object, {\"result\": V},\n"
	      "                   {\"undefined\": true} or {\"error\": {...}}\n"
	      "  --no-aws         plain JSONata 2.0.6, as jsonata-js runs it: without\n"
	      "                   Step Functions' own functions, and with $eval\n\n"
	      "JSONata is evaluated as Step Functions does: with AWS's $partition,\n"
	      "$range, $hash, $random([seed]), $uuid and $parse, and without $eval.\n"
	      "$now() and $millis() read a clock at 0 (1970-01-01T00:00:00.000Z) and\n"
	      "$random() a generator seeded with 0: the same command prints the same.\n\n"
	      "Exit status: 0 a result (or undefined), 1 an error, 2 usage.\n",
	      out);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--input") && val) {
			o->input = val;
			i++;
		} else if (!strcmp(a, "--bindings") && val) {
			o->bindings = val;
			i++;
		} else if (!strcmp(a, "--lang") && val &&
			   (!strcmp(val, "jsonata") || !strcmp(val, "jsonpath"))) {
			o->jsonpath = !strcmp(val, "jsonpath");
			i++;
		} else if (!strcmp(a, "--no-aws")) {
			o->no_aws = 1;
		} else if (!strcmp(a, "--format") && val &&
			   (!strcmp(val, "text") || !strcmp(val, "json"))) {
			o->json = !strcmp(val, "json");
			i++;
		} else if (a[0] == '-' && a[1] && !o->expr) {
			fprintf(stderr, "stepbook eval: unknown or incomplete option '%s'\n", a);
			return -1;
		} else if (!o->expr) {
			o->expr = a;
		} else {
			fprintf(stderr, "stepbook eval: one expression only ('%s')\n", a);
			return -1;
		}
	}
	if (!o->expr) {
		fprintf(stderr, "stepbook eval: no expression\n");
		return -1;
	}
	return 0;
}

static const char *input_name(const char *path)
{
	return strcmp(path, "-") ? path : "standard input";
}

/* The input document's text: a file mapped (JSONata, which only reads
 * it) or read into a buffer (standard input, and JSONPath's cJSON). */
struct input {
	struct buf buf;
	struct fileio_map map;
	const char *ptr;
	size_t len;
};

/* Reads or maps the input document's text.  Returns 0, or -1 after
 * printing why. */
static int read_input(const char *path, int map, struct input *in)
{
	const char *why = NULL;
	int rc;
	if (map && strcmp(path, "-")) {
		rc = fileio_map(path, &in->map, &why);
		in->ptr = in->map.ptr ? in->map.ptr : "";
		in->len = in->map.len;
	} else {
		rc = strcmp(path, "-") ? fileio_read(path, &in->buf, &why)
				       : fileio_read_fd(0, &in->buf, &why);
		in->ptr = in->buf.ptr;
		in->len = in->buf.len;
	}
	if (rc) {
		fprintf(stderr, "stepbook eval: %s: %s\n", input_name(path),
			why ? why : "cannot read");
		return -1;
	}
	return 0;
}

/* ---- JSONata ---------------------------------------------------------- */

/* The engine gives the text of input back as it parses: it is garbage
 * afterwards. */
static void eval_jsonata(const struct options *o, const struct input *input,
			 const cJSON *bindings, struct outcome *r)
{
	struct jsonata *j = jsonata_compile(o->expr, strlen(o->expr), &r->err);
	if (!j) {
		r->failed = 1;
		return;
	}
	struct jsonata_options opt = { 0 };
	opt.step_functions = !o->no_aws;
	opt.allow_eval = o->no_aws;
	struct jsonata_text text = { input->ptr, input->len, 1 };
	r->failed = jsonata_evaluate_text(j, o->input ? &text : NULL,
					  bindings, &opt, o->json ? 0 : 2, &r->text,
					  &r->defined, &r->err) < 0;
	jsonata_free(j);
}

static void take_code(struct outcome *r)
{
	if (r->failed && !r->code[0])
		snprintf(r->code, sizeof(r->code), "%s", r->err.code);
}

/* ---- JSONPath, payload templates, intrinsics ------------------------------ */

static const cJSON *variable(void *ctx, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive((const cJSON *)ctx, name);
}

static void fail_with(struct outcome *r, const char *code, size_t pos,
		      const char *message)
{
	r->failed = 1;
	snprintf(r->code, sizeof(r->code), "%s", code);
	r->err.position = pos;
	snprintf(r->err.message, sizeof(r->err.message), "%s", message);
}

static void eval_template(const char *text, const struct jsonpath_env *env,
			  struct rng *rng, struct outcome *r)
{
	cJSON *tmpl = cJSON_Parse(text);
	if (!tmpl) {
		fail_with(r, "syntax", 0, "the payload template is not valid JSON");
		return;
	}
	struct payload_error perr;
	struct payload *p = payload_compile(tmpl, &perr);
	if (!p) {
		fail_with(r, "syntax", 0, perr.message);
	} else {
		const char *name;
		char *cause = NULL;
		if (payload_eval(p, env, rng, &r->result, &name, &cause) < 0)
			fail_with(r, "States.Runtime", 0, cause ? cause : name);
		free(cause);
		payload_free(p);
	}
	cJSON_Delete(tmpl);
}

static void eval_intrinsic(const char *text, const struct jsonpath_env *env,
			   struct rng *rng, struct outcome *r)
{
	struct intrinsic_error ierr;
	struct intrinsic *c = intrinsic_compile(text, &ierr);
	if (!c) {
		fail_with(r, "syntax", ierr.offset, ierr.message);
		return;
	}
	const char *name;
	char *cause = NULL;
	if (intrinsic_eval(c, env, rng, &r->result, &name, &cause) < 0)
		fail_with(r, name, 0, cause ? cause : name);
	free(cause);
	intrinsic_free(c);
}

static void eval_path(const char *text, const struct jsonpath_env *env,
		      struct outcome *r)
{
	struct jsonpath_error perr;
	struct jsonpath *p = jsonpath_compile(text, &perr);
	if (!p) {
		fail_with(r, "syntax", perr.offset, perr.message);
		return;
	}
	r->result = jsonpath_eval(p, env);
	if (!r->result)
		fail_with(r, "States.Runtime", 0,
			  "The JSONPath selects nothing in the input");
	jsonpath_free(p);
}

static void eval_jsonpath(const struct options *o, const struct input *text,
			  const cJSON *bindings, struct outcome *r)
{
	cJSON *input = NULL;
	if (o->input && !(input = cJSON_ParseWithLength(text->ptr, text->len))) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= text->ptr && at <= text->ptr + text->len
			? (size_t)(at - text->ptr) : 0;
		fail_with(r, "D1100", off, "The input is not valid JSON");
		return;
	}
	cJSON *null_doc = cJSON_CreateNull(), *context = cJSON_CreateObject();
	struct jsonpath_env env = { input ? input : null_doc, context,
				    bindings ? variable : NULL, (void *)bindings };
	struct rng rng;
	rng_init(&rng, 0);
	const char *t = o->expr + strspn(o->expr, " \t\n\r");
	if (*t == '{' || *t == '[')
		eval_template(t, &env, &rng, r);
	else if (intrinsic_is_call(t))
		eval_intrinsic(t, &env, &rng, r);
	else
		eval_path(t, &env, r);
	cJSON_Delete(null_doc);
	cJSON_Delete(context);
	cJSON_Delete(input);
	if (r->result)
		jsonata_write_json(r->result, o->json ? 0 : 2, &r->text);
	r->defined = r->result != NULL;
}

/* ---- printing ------------------------------------------------------------ */

/* The line and column (1-based) of the error's token in the expression. */
static void locate(const char *expr, const struct jsonata_error *e,
		   size_t *line, size_t *col, size_t *line_start)
{
	size_t len = strlen(expr), pos = e->position > len ? len : e->position;
	size_t tok = strcmp(e->token, "(end)") ? strlen(e->token) : 0;
	size_t at = pos >= tok && tok ? pos - tok : pos;
	if (!e->token[0] && at > 0 && e->code[0] != 'S')
		at = pos - 1;
	*line = 1;
	*line_start = 0;
	for (size_t i = 0; i < at; i++)
		if (expr[i] == '\n') {
			(*line)++;
			*line_start = i + 1;
		}
	*col = at - *line_start + 1;
}

static void print_error_text(const char *expr, const struct outcome *r)
{
	const struct jsonata_error *e = &r->err;
	size_t line, col, start;
	locate(expr, e, &line, &col, &start);
	fprintf(stderr, "expr:%zu:%zu: error: %s [%s]\n", line, col, e->message, r->code);
	size_t n = strcspn(expr + start, "\n");
	fprintf(stderr, "%.*s\n%*s^\n", (int)n, expr + start, (int)(col - 1), "");
}

static void print_json(const struct outcome *r)
{
	struct buf b = BUF_INIT;
	if (r->failed) {
		cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddStringToObject(e, "code", r->code);
		cJSON_AddNumberToObject(e, "position", (double)r->err.position);
		cJSON_AddStringToObject(e, "token", r->err.token);
		cJSON_AddStringToObject(e, "message", r->err.message);
		jsonata_write_json(o, 0, &b);
		cJSON_Delete(o);
	} else if (!r->defined) {
		buf_adds(&b, "{\"undefined\":true}");
	} else {
		buf_adds(&b, "{\"result\":");
		buf_add(&b, r->text.ptr, r->text.len);
		buf_addc(&b, '}');
	}
	printf("%s\n", b.ptr);
	buf_release(&b);
}

/* Where input that is not JSON goes wrong, as FILE:LINE:COL.  The file is
 * read again: the engine gave its text back as it parsed.  Standard input
 * cannot be read again, and keeps the byte offset of the message.
 * Returns 0 when it printed. */
static int print_input_error(const char *path, const struct jsonata_error *e)
{
	struct buf text = BUF_INIT;
	const char *why;
	if (!strcmp(path, "-") || fileio_read(path, &text, &why)) {
		buf_release(&text);
		return -1;
	}
	size_t at = e->position < text.len ? e->position : text.len;
	size_t line = 1, start = 0;
	for (size_t i = 0; i < at; i++)
		if (text.ptr[i] == '\n') {
			line++;
			start = i + 1;
		}
	fprintf(stderr, "%s:%zu:%zu: error: the input is not valid JSON [D1100]\n",
		path, line, at - start + 1);
	buf_release(&text);
	return 0;
}

static int report(const struct options *o, const struct outcome *r)
{
	if (r->failed && !strcmp(r->code, "D1100")) {
		if (print_input_error(o->input, &r->err))
			fprintf(stderr, "stepbook eval: %s: %s\n", input_name(o->input),
				r->err.message);
		return EXIT_ERRORS;
	}
	if (o->json) {
		print_json(r);
	} else if (r->failed) {
		print_error_text(o->expr, r);
	} else if (r->defined) {
		fwrite(r->text.ptr, 1, r->text.len, stdout);
		putchar('\n');
	}
	return r->failed ? EXIT_ERRORS : EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
	struct options o = { 0 };
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	cJSON *bindings = NULL;
	if (o.bindings) {
		bindings = cJSON_Parse(o.bindings);
		if (!cJSON_IsObject(bindings)) {
			fprintf(stderr, "stepbook eval: --bindings must be a JSON object\n");
			cJSON_Delete(bindings);
			return EXIT_USAGE;
		}
	}
	struct input input = { 0 };
	buf_init(&input.buf);
	if (o.input && read_input(o.input, !o.jsonpath, &input) < 0) {
		cJSON_Delete(bindings);
		return EXIT_ERRORS;
	}
	struct outcome r = { 0 };
	buf_init(&r.text);
	if (o.jsonpath)
		eval_jsonpath(&o, &input, bindings, &r);
	else
		eval_jsonata(&o, &input, bindings, &r);
	take_code(&r);
	rc = report(&o, &r);
	cJSON_Delete(r.result);
	buf_release(&r.text);
	buf_release(&input.buf);
	fileio_unmap(&input.map);
	cJSON_Delete(bindings);
	fflush(stdout);
	return rc;
}
