/* gate_exec.c - runs a page's commands in the simulated account and holds
 * each result against the recorded output after it (see gate.h).
 * Literal values in a page are illustrative: an ARN or token that a
 * recorded output showed earlier stands for the one the simulation made
 * (the aliases map), `export token=...` binds the task token issued last. */
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "gate_impl.h"
#include "fileio.h"
#include "jsobject.h"
#include "jsoncmp.h"
#include "xalloc.h"
#include "banned.h"

/* ---- which block records which step ------------------------------------- */

static int has_result(enum step_kind k)
{
	return k == STEP_INVOKE || k == STEP_START || k == STEP_START_SYNC ||
	       k == STEP_DESCRIBE || k == STEP_STOP || k == STEP_HISTORY ||
	       k == STEP_HTTP;
}

static int starts_execution(enum step_kind k)
{
	return k == STEP_INVOKE || k == STEP_START || k == STEP_START_SYNC ||
	       k == STEP_HTTP;
}

static int page_is_annotated(const struct snippet_page *p)
{
	for (size_t i = 0; i < p->nr; i++)
		if (p->snippets[i].flags & SNIPPET_OUTPUT)
			return 1;
	return 0;
}

/* The output block of snippet i: the next block when it is marked output,
 * or, on a page with no annotations at all, when it looks like data. */
static const struct snippet *output_after(const struct snippet_page *p, size_t i,
					  int annotated)
{
	if (i + 1 >= p->nr)
		return NULL;
	const struct snippet *n = &p->snippets[i + 1];
	if (n->flags & SNIPPET_OUTPUT)
		return n;
	if (annotated || n->flags || n->input || n->expect || !steps_looks_like_output(n))
		return NULL;
	return n;
}

static void collect_steps(struct gate_ctx *c, struct gate_page *p)
{
	int annotated = page_is_annotated(&p->page);
	const struct snippet *consumed = NULL;
	for (size_t i = 0; i < p->page.nr; i++) {
		const struct snippet *s = &p->page.snippets[i];
		size_t first = p->steps.nr;
		if (s == consumed)
			continue; /* the recorded output of the block before */
		if (s->flags & SNIPPET_OUTPUT) {
			gate_add_(c->run, GATE_STEP, GATE_FAIL, "recorded output", s->fence,
				  "a recorded output must follow the block of a command "
				  "that prints a result")->block_line = s->fence.line;
			continue;
		}
		if (p->as_data[i])
			continue; /* a document under a shell label: not commands */
		struct diag_list errs = DIAG_LIST_INIT;
		steps_parse(&p->steps, s, i, &errs);
		if (errs.errors && p->steps.nr == first) {
			struct gate_case *k = gate_add_(c->run, GATE_STEP, GATE_FAIL,
							  "command", errs.items[0].pos, "%s",
							  errs.items[0].message);
			k->diags = errs;
			continue;
		}
		for (size_t e = 0; e < errs.nr; e++) { /* a bad argument: its step fails */
			struct step *bad = NULL;
			for (size_t k = first; k < p->steps.nr; k++)
				if (p->steps.items[k].pos.line <= errs.items[e].pos.line)
					bad = &p->steps.items[k];
			if (bad && !bad->reason) {
				bad->reason = xstrdup(errs.items[e].message);
				bad->pos.line = errs.items[e].pos.line;
				bad->pos.col = errs.items[e].pos.col;
			}
		}
		diag_list_release(&errs);
		const struct snippet *out = output_after(&p->page, i, annotated);
		for (size_t k = p->steps.nr; out && k-- > first;)
			if (has_result(p->steps.items[k].kind)) {
				p->steps.items[k].output = out;
				consumed = out;
				break;
			}
	}
}

/* ---- arguments ---------------------------------------------------------- */

/* $VAR and ${VAR} replaced from the exported variables.  Returns owned, or
 * NULL with the unknown name in *missing (static storage). */
static char *expand(struct gate_ctx *c, const char *s, const char **missing)
{
	static char name[128];
	struct buf b = BUF_INIT;
	while (*s) {
		if (*s != '$') {
			buf_addc(&b, *s++);
			continue;
		}
		int braced = s[1] == '{';
		const char *v = s + 1 + braced;
		size_t n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789");
		if (!n || n >= sizeof(name)) {
			buf_addc(&b, *s++);
			continue;
		}
		memcpy(name, v, n);
		name[n] = '\0';
		const char *val = strmap_get(&c->env, name, n);
		if (!val) {
			*missing = name;
			buf_release(&b);
			return NULL;
		}
		buf_adds(&b, val);
		s = v + n + (braced && v[n] == '}');
	}
	return buf_detach(&b, NULL);
}

static const char *alias(struct gate_ctx *c, const char *v)
{
	const char *a = v ? strmap_get(&c->aliases, v, strlen(v)) : NULL;
	return a ? a : v;
}

/* Replaces aliased strings inside a JSON value (an HTTP body). */
static void alias_json(struct gate_ctx *c, cJSON *v)
{
	for (cJSON *k = v ? v->child : NULL; k; k = k->next) {
		if (cJSON_IsString(k) && alias(c, k->valuestring) != k->valuestring)
			cJSON_SetValuestring(k, alias(c, k->valuestring));
		alias_json(c, k);
	}
}

/* Remembers which recorded volatile value stands for which actual one. */
static void learn(struct gate_ctx *c, const cJSON *e, const cJSON *a)
{
	if (cJSON_IsString(e) && cJSON_IsString(a)) {
		if (strcmp(e->valuestring, a->valuestring) &&
		    jsoncmp_shape(e->valuestring) != JSONCMP_PLAIN &&
		    jsoncmp_shape(e->valuestring) == jsoncmp_shape(a->valuestring)) {
			char *old = strmap_put(&c->aliases, e->valuestring, strlen(e->valuestring),
					       xstrdup(a->valuestring));
			free(old);
		}
		return;
	}
	if (cJSON_IsObject(e) && cJSON_IsObject(a))
		for (const cJSON *k = e->child; k; k = k->next)
			learn(c, k, cJSON_GetObjectItemCaseSensitive(a, k->string));
	else if (cJSON_IsArray(e) && cJSON_IsArray(a))
		for (const cJSON *k = e->child, *l = a->child; k && l; k = k->next, l = l->next)
			learn(c, k, l);
}

/* ---- one step ----------------------------------------------------------- */

struct run_step {
	struct gate_ctx *c;
	struct gate_page *p;
	struct step *st;
	size_t index;
	size_t kase;           /* index of the case in run->cases (which grows) */
	char *args[ARG_COUNT]; /* expanded */
	cJSON *input;          /* owned, aliased */
};

/* The step's case; never kept across gate_add_, which may move it. */
static struct gate_case *kase(const struct run_step *r)
{
	return &r->c->run->cases[r->kase];
}

static void case_fail(struct run_step *r, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void case_fail(struct run_step *r, struct pos pos, const char *fmt, ...)
{
	kase(r)->status = GATE_FAIL;
	free(kase(r)->message);
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&m, fmt, ap);
	va_end(ap);
	kase(r)->message = buf_detach(&m, NULL);
	if (pos.line) {
		kase(r)->pos.line = pos.line;
		kase(r)->pos.col = pos.col;
	}
}

static int expand_args(struct run_step *r)
{
	for (int a = 0; a < ARG_COUNT; a++) {
		const char *v = r->st->arg[a];
		if (!v)
			continue;
		if (!(r->st->arg_vars & (1u << a))) {
			r->args[a] = xstrdup(alias(r->c, v));
			continue;
		}
		const char *missing = NULL;
		r->args[a] = expand(r->c, v, &missing);
		if (!r->args[a]) {
			case_fail(r, r->st->arg_pos[a], "the variable '$%s' is not set", missing);
			return -1;
		}
	}
	if (r->st->input)
		r->input = cJSON_Duplicate(r->st->input, 1);
	else if (r->args[ARG_INPUT] && (r->st->arg_vars & (1u << ARG_INPUT))) {
		r->input = cJSON_Parse(r->args[ARG_INPUT]);
		if (!r->input) {
			case_fail(r, r->st->arg_pos[ARG_INPUT], "the input is not JSON once "
				  "variables are expanded: %s", r->args[ARG_INPUT]);
			return -1;
		}
	}
	alias_json(r->c, r->input);
	return 0;
}

/* --path FILE of sls invoke, read from inside the course. */
static int read_input_file(struct run_step *r)
{
	struct buf rel = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	const char *why = NULL;
	int rc = -1;
	if (gate_resolve_(r->p->dir, r->args[ARG_PATH], &rel))
		why = "leaves the course folder";
	else if (gate_path_(r->c, rel.ptr, &path))
		why = "leaves the course folder through a symbolic link";
	else {
		if (!fileio_read(path.ptr, &text, &why)) {
			r->input = cJSON_ParseWithLength(text.ptr, text.len);
			why = r->input ? NULL : "is not JSON";
			rc = r->input ? 0 : -1;
		}
	}
	if (rc) {
		struct buf m = BUF_INIT;
		buf_addf(&m, "the input file '%s' %s", r->args[ARG_PATH], why);
		case_fail(r, r->st->arg_pos[ARG_PATH], "%s", m.ptr);
		buf_release(&m);
	}
	buf_release(&rel);
	buf_release(&path);
	buf_release(&text);
	return rc;
}

/* The saved step a deploy deploys: step=..., else the last step file
 * linked above the command on the page. */
static int is_step_link(const char *url)
{
	size_t n = strcspn(url, "#?");
	return !strchr(url, ':') && ((n > 4 && !strncmp(url + n - 4, ".yml", 4)) ||
				     (n > 5 && !strncmp(url + n - 5, ".yaml", 5)) ||
				     (n > 5 && !strncmp(url + n - 5, ".json", 5)));
}

/* Does the file a link names have this base name? */
static int same_base(const char *url, const char *file)
{
	size_t n = strcspn(url, "#?");
	const char *b = url;
	for (size_t i = 0; i < n; i++)
		if (url[i] == '/')
			b = url + i + 1;
	const char *fb = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	return (size_t)(url + n - b) == strlen(fb) && !strncmp(b, fb, strlen(fb));
}

/* A --template-file names the file in the reader's project; on the page it
 * is the saved step of the same name. */
static const char *template_step(struct run_step *r, const char *file)
{
	struct buf rel = BUF_INIT, path = BUF_INIT;
	int exists = !gate_resolve_(r->p->dir, file, &rel) && !gate_path_(r->c, rel.ptr, &path);
	struct stat st;
	exists = exists && !stat(path.ptr, &st) && S_ISREG(st.st_mode);
	buf_release(&rel);
	buf_release(&path);
	if (exists)
		return file;
	for (size_t i = r->p->page.nr_links; i-- > 0;) {
		const struct snippet_link *l = &r->p->page.links[i];
		if (l->pos.line < r->st->pos.line && is_step_link(l->url) && same_base(l->url, file))
			return l->url;
	}
	return NULL;
}

static int exists_in_course(const struct gate_ctx *c, const char *rel)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int ok = !gate_path_(c, rel, &path) && !stat(path.ptr, &st) && S_ISREG(st.st_mode);
	buf_release(&path);
	return ok;
}

static int deploy(struct run_step *r)
{
	struct buf path = BUF_INIT;
	const char *url = r->args[ARG_PATH];
	if (url && !r->p->page.snippets[r->st->snippet].step)
		url = template_step(r, url);
	for (size_t i = r->p->page.nr_links; !url && i-- > 0;) {
		const struct snippet_link *l = &r->p->page.links[i];
		if (l->pos.line < r->st->pos.line && is_step_link(l->url))
			url = l->url;
	}
	if (!url) {
		case_fail(r, (struct pos){ 0 }, "no saved step to deploy: link one above the "
			  "command, or name it with step=PATH on the block");
		return -1;
	}
	struct buf rel = BUF_INIT;
	int rc = -1;
	if (gate_resolve_(r->p->dir, url, &rel))
		case_fail(r, (struct pos){ 0 }, "the saved step '%s' leaves the course folder", url);
	else if (!exists_in_course(r->c, rel.ptr))
		case_fail(r, (struct pos){ 0 }, gate_path_(r->c, rel.ptr, &path)
			  ? "the saved step '%s' leaves the course folder through a symbolic link"
			  : "the saved step '%s' does not exist", rel.ptr);
	else {
		struct loaded_file *lf = gate_saved_step_(r->c, rel.ptr);
		gate_use_step_(r->p, rel.ptr, r->st->pos.line);
		if (!lf)
			case_fail(r, (struct pos){ 0 }, "the saved step '%s' does not load or validate", rel.ptr);
		else if (account_deploy(r->c->account, lf, gate_models_(r->c, lf),
					&kase(r)->diags))
			case_fail(r, (struct pos){ 0 }, "the saved step '%s' does not deploy", rel.ptr);
		else {
			r->c->last_deployed = lf;
			rc = 0;
		}
		free(kase(r)->name);
		struct buf name = BUF_INIT;
		buf_addf(&name, "%s (%s)", r->st->what, rel.ptr);
		kase(r)->name = buf_detach(&name, NULL);
	}
	buf_release(&rel);
	buf_release(&path);
	return rc;
}

static void export_var(struct run_step *r)
{
	const char *name = r->args[ARG_VAR], *value = r->args[ARG_VALUE];
	if (!strcasecmp(name, "token") || jsoncmp_shape(value) == JSONCMP_TOKEN) {
		value = account_last_token(r->c->account);
		if (!value) {
			case_fail(r, (struct pos){ 0 }, "no task token has been issued yet");
			return;
		}
	}
	char *old = strmap_put(&r->c->env, name, strlen(name), xstrdup(value));
	free(old);
}

static const char *action_name(enum step_kind k)
{
	switch (k) {
	case STEP_TASK_SUCCESS: return "SendTaskSuccess";
	case STEP_TASK_FAILURE: return "SendTaskFailure";
	case STEP_TASK_HEARTBEAT: return "SendTaskHeartbeat";
	case STEP_STOP: return "StopExecution";
	default: return NULL;
	}
}

/* The callbacks the page sends after step i, before the next start or
 * deploy, as the interpreter's scenario (one second per request). */
static cJSON *scenario_after(const struct gate_page *p, size_t i)
{
	cJSON *sc = cJSON_CreateArray();
	unsigned at = 0;
	for (size_t j = i + 1; j < p->steps.nr; j++) {
		const struct step *st = &p->steps.items[j];
		if (st->kind == STEP_NONE || st->kind == STEP_EXPORT)
			continue;
		if (starts_execution(st->kind) || st->kind == STEP_DEPLOY)
			break;
		at++;
		const char *action = action_name(st->kind);
		if (!action)
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "action", action);
		cJSON_AddNumberToObject(e, "at", at);
		if (st->input)
			cJSON_AddItemToObject(e, "output", cJSON_Duplicate(st->input, 1));
		if (st->arg[ARG_ERROR])
			cJSON_AddStringToObject(e, "error", st->arg[ARG_ERROR]);
		if (st->arg[ARG_CAUSE])
			cJSON_AddStringToObject(e, "cause", st->arg[ARG_CAUSE]);
		cJSON_AddItemToArray(sc, e);
	}
	return sc;
}

static const char *header(const struct step *st, const char *name)
{
	for (size_t i = 0; i < st->nr_headers; i++)
		if (!strcasecmp(st->headers[i].name, name))
			return st->headers[i].value;
	return NULL;
}

static enum account_op op_of(enum step_kind k)
{
	switch (k) {
	case STEP_INVOKE: return ACCOUNT_INVOKE;
	case STEP_START: return ACCOUNT_START;
	case STEP_START_SYNC: return ACCOUNT_START_SYNC;
	case STEP_DESCRIBE: return ACCOUNT_DESCRIBE;
	case STEP_STOP: return ACCOUNT_STOP;
	case STEP_TASK_SUCCESS: return ACCOUNT_TASK_SUCCESS;
	case STEP_TASK_FAILURE: return ACCOUNT_TASK_FAILURE;
	case STEP_TASK_HEARTBEAT: return ACCOUNT_TASK_HEARTBEAT;
	case STEP_HISTORY: return ACCOUNT_HISTORY;
	default: return ACCOUNT_HTTP;
	}
}

/* The machine a start names: sls --name, or the ARN (falling back on the
 * name inside an illustrative ARN). */
static const char *machine_of(struct run_step *r)
{
	const char *m = r->st->kind == STEP_INVOKE ? r->args[ARG_NAME] : r->args[ARG_MACHINE_ARN];
	return m;
}

static void call(struct run_step *r, struct account_response *rs)
{
	struct account_request rq;
	memset(&rq, 0, sizeof(rq));
	rq.op = op_of(r->st->kind);
	rq.machine = machine_of(r);
	rq.name = r->st->kind == STEP_INVOKE ? NULL : r->args[ARG_NAME];
	rq.input = r->input;
	rq.execution_arn = r->args[ARG_EXECUTION_ARN];
	rq.token = r->args[ARG_TOKEN];
	rq.error = r->args[ARG_ERROR];
	rq.cause = r->args[ARG_CAUSE];
	rq.method = r->args[ARG_METHOD];
	rq.path = r->args[ARG_TARGET];
	rq.api_key = header(r->st, "x-api-key");
	cJSON *sc = starts_execution(r->st->kind) ? scenario_after(r->p, r->index) : NULL;
	rq.scenario = sc;
	/* a literal token is illustrative: it stands for the one issued last */
	if (rq.token && !(r->st->arg_vars & (1u << ARG_TOKEN)) && account_last_token(r->c->account))
		rq.token = account_last_token(r->c->account);
	/* the machine's ARN in a page is illustrative: its name part decides */
	if (rq.machine && !strncmp(rq.machine, "arn:", 4) && strstr(rq.machine, ":stateMachine:"))
		rq.machine = strstr(rq.machine, ":stateMachine:") + 14;
	account_call(r->c->account, &rq, rs);
	if (rq.machine && starts_execution(r->st->kind) && r->st->kind != STEP_HTTP) {
		free(r->c->last_machine);
		r->c->last_machine = xstrdup(rq.machine);
	}
	cJSON_Delete(sc);
}

/* ---- recorded outputs --------------------------------------------------- */

static void add_edit(struct gate_page *p, const struct snippet *s, const char *text)
{
	ARRAY_GROW(p->edits, p->nr_edits + 1, p->alloc_edits);
	struct gate_edit *e = &p->edits[p->nr_edits++];
	struct buf b = BUF_INIT;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		if (n)
			buf_adds(&b, s->prefix);
		buf_add(&b, l, n);
		buf_addc(&b, '\n');
		l += n + (l[n] == '\n');
	}
	e->start = s->start;
	e->end = s->end;
	e->text = buf_detach(&b, NULL);
}

static const char *reason_phrase(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 429: return "Too Many Requests";
	default: return code < 400 ? "OK" : "Error";
	}
}

/* The text --update writes for a recorded output: JSON, or util.inspect's
 * layout when the recording was in it (what `sls invoke` prints), or for an
 * HTTP response its status line and headers as recorded, then the new body. */
static char *updated_text(const struct snippet *s, const cJSON *actual, int http)
{
	struct buf b = BUF_INIT;
	const cJSON *body = http ? cJSON_GetObjectItemCaseSensitive(actual, "body") : actual;
	if (http) {
		const char *t = s->text + strspn(s->text, " \t\r\n");
		const char *sp = strchr(t, ' ');
		const char *blank = strstr(t, "\n\n");
		int code = cJSON_GetObjectItemCaseSensitive(actual, "statusCode")->valueint;
		const char *eol = t + strcspn(t, "\r\n");
		buf_add(&b, t, sp ? (size_t)(sp - t) : 0);
		buf_addf(&b, " %d %s", code, reason_phrase(code));
		buf_add(&b, eol, blank ? (size_t)(blank - eol) : strlen(eol));
		buf_adds(&b, "\n\n");
		char *compact = cJSON_PrintUnformatted(body);
		buf_adds(&b, compact);
		buf_addc(&b, '\n');
		cJSON_free(compact);
		return buf_detach(&b, NULL);
	}
	cJSON *as_json = cJSON_ParseWithLength(s->text, s->len);
	if (as_json || !strcmp(s->lang, "json"))
		jsoncmp_print(body, &b);
	else
		jsobject_print(body, jsobject_style_of(s->text, s->len), &b);
	cJSON_Delete(as_json);
	buf_addc(&b, '\n');
	return buf_detach(&b, NULL);
}

static void compare_output(struct run_step *r, const cJSON *actual)
{
	const struct snippet *out = r->st->output;
	cJSON *expected = steps_parse_output(out, &kase(r)->diags);
	if (!expected) {
		case_fail(r, kase(r)->diags.nr ? kase(r)->diags.items[0].pos : out->pos,
			  "the recorded output does not parse");
		return;
	}
	int http = cJSON_GetObjectItemCaseSensitive(expected, "statusCode") &&
		   !strncmp(out->text + strspn(out->text, " \t\r\n"), "HTTP/", 5);
	if (r->st->kind == STEP_HTTP && !http)
		actual = cJSON_GetObjectItemCaseSensitive(actual, "body");
	cJSON *norm = NULL;
	int ok = actual && jsoncmp_match(expected, actual, &norm);
	if (actual)
		learn(r->c, expected, actual);
	if (!ok && r->c->opt->update && out->prefix && actual) {
		char *text = updated_text(out, norm, http);
		add_edit(r->p, out, text);
		free(text);
	} else if (!ok) {
		struct buf a = BUF_INIT, b = BUF_INIT, d = BUF_INIT, from = BUF_INIT;
		jsoncmp_print(expected, &a);
		buf_addc(&a, '\n');
		if (norm)
			jsoncmp_print(norm, &b);
		buf_addc(&b, '\n');
		buf_addf(&from, "recorded (%s:%u)", out->pos.file, out->pos.line);
		jsoncmp_diff(a.ptr, b.ptr, from.ptr, "actual", &d);
		case_fail(r, out->pos, "the recorded output differs from the actual result");
		kase(r)->diff = buf_detach(&d, NULL);
		buf_release(&a);
		buf_release(&b);
		buf_release(&from);
	}
	cJSON_Delete(norm);
	cJSON_Delete(expected);
}

/* Where an AWS error points: at the argument it is about. */
static struct pos error_pos(const struct run_step *r, const char *code)
{
	enum step_arg a = ARG_COUNT;
	if (strstr(code, "StateMachine"))
		a = r->st->arg[ARG_MACHINE_ARN] ? ARG_MACHINE_ARN : ARG_NAME;
	else if (strstr(code, "Execution") && strcmp(code, "ExecutionFailed"))
		a = ARG_EXECUTION_ARN;
	else if (strstr(code, "Token") || strstr(code, "Task"))
		a = ARG_TOKEN;
	if (a == ARG_COUNT || !r->st->arg[a] || !r->st->arg_pos[a].line)
		return (struct pos){ 0 };
	return r->st->arg_pos[a];
}

static void run_request(struct run_step *r)
{
	if (r->st->kind == STEP_INVOKE && r->args[ARG_PATH] && !r->input &&
	    read_input_file(r))
		return;
	struct account_response rs;
	call(r, &rs);
	int expect_fail = (r->p->page.snippets[r->st->snippet].flags & SNIPPET_FAIL) != 0;
	int http_recorded = r->st->kind == STEP_HTTP && r->st->output;
	if (rs.error && !expect_fail && !http_recorded) {
		struct buf m = BUF_INIT;
		/* a failed execution's message names its status itself */
		if (strcmp(rs.error, "ExecutionFailed"))
			buf_addf(&m, "%s: ", rs.error);
		buf_adds(&m, rs.message ? rs.message : "");
		case_fail(r, error_pos(r, rs.error), "%s", m.ptr);
		buf_release(&m);
		kase(r)->detail = rs.detail;
		rs.detail = NULL;
	} else if (!rs.error && expect_fail) {
		case_fail(r, (struct pos){ 0 }, "the command was expected to fail, "
			  "but it succeeded");
	}
	if (r->st->output && (!rs.error || http_recorded || expect_fail))
		compare_output(r, rs.result);
	account_response_release(&rs);
}

/* One skipped case for a run of lines of one block that are not steps
 * (a tool's output, setup commands): named by their first words. */
/* Records on case k the blocks of step st: its command's, its output's. */
static void step_blocks(struct gate_case *k, const struct gate_page *p,
			const struct step *st)
{
	k->block_line = p->page.snippets[st->snippet].fence.line;
	k->output_line = st->output ? st->output->fence.line : 0;
}

static void skip_non_steps(struct gate_ctx *c, struct gate_page *p, size_t i)
{
	const struct step *st = &p->steps.items[i];
	if (i && p->steps.items[i - 1].kind == STEP_NONE &&
	    p->steps.items[i - 1].snippet == st->snippet)
		return; /* counted with the first of the run */
	struct buf why = BUF_INIT;
	size_t n = 0;
	for (size_t j = i; j < p->steps.nr && p->steps.items[j].kind == STEP_NONE &&
			   p->steps.items[j].snippet == st->snippet; j++, n++)
		if (n < 3)
			buf_addf(&why, "%s%s", n ? "; " : "", p->steps.items[j].reason);
	if (n > 3)
		buf_addf(&why, "; and %zu more line%s", n - 3, n - 3 == 1 ? "" : "s");
	step_blocks(gate_add_(c->run, GATE_STEP, GATE_SKIP,
			      n == 1 ? "command" : "commands", st->pos,
			      "not a step: %s", why.ptr), p, st);
	buf_release(&why);
}

static void run_step(struct gate_ctx *c, struct gate_page *p, size_t i)
{
	struct step *st = &p->steps.items[i];
	struct run_step r = { c, p, st, i, 0, { NULL }, NULL };
	struct buf name = BUF_INIT;
	buf_adds(&name, st->what);
	if (st->kind == STEP_INVOKE && st->arg[ARG_NAME])
		buf_addf(&name, " --name %s", st->arg[ARG_NAME]);
	else if (st->kind == STEP_HTTP)
		buf_addf(&name, " %s %s", st->arg[ARG_METHOD] ? st->arg[ARG_METHOD] : "",
			 st->arg[ARG_TARGET] ? st->arg[ARG_TARGET] : "");
	if (st->kind == STEP_NONE) {
		skip_non_steps(c, p, i);
		buf_release(&name);
		return;
	}
	const char *host = header(st, "host");
	if (st->kind == STEP_HTTP && host && !strstr(host, "execute-api") &&
	    strncmp(host, "localhost", 9)) {
		step_blocks(gate_add_(c->run, GATE_STEP, GATE_SKIP, name.ptr, st->pos,
				      "not a request to the course's API (host '%s')",
				      host), p, st);
		buf_release(&name);
		return;
	}
	step_blocks(gate_add_(c->run, GATE_STEP, GATE_PASS, name.ptr, st->pos, NULL),
		    p, st);
	r.kase = c->run->nr - 1;
	buf_release(&name);
	if (st->reason) /* a bad argument found while parsing */
		case_fail(&r, (struct pos){ 0 }, "%s", st->reason);
	else if (!expand_args(&r)) {
		if (st->kind == STEP_DEPLOY)
			deploy(&r);
		else if (st->kind == STEP_EXPORT)
			export_var(&r);
		else
			run_request(&r);
	}
	for (int a = 0; a < ARG_COUNT; a++)
		free(r.args[a]);
	cJSON_Delete(r.input);
}

/* ---- hand-written examples: input=NAME, expect=NAME -------------------- */

static const struct snippet *find_named(const struct snippet_page *p, int expect,
					const char *name)
{
	for (size_t i = 0; i < p->nr; i++) {
		const char *n = expect ? p->snippets[i].expect : p->snippets[i].input;
		if (n && !strcmp(n, name))
			return &p->snippets[i];
	}
	return NULL;
}

/* Deploys the definition block s (format f) as machine definition-LINE
 * when it loads and validates; returns its name (owned by c->files) or
 * NULL. */
static const char *deploy_block(struct gate_ctx *c, const struct gate_page *p,
				 const struct snippet *s, enum doc_format f)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s%sdefinition-%u.asl.%s", p->dir, p->dir[0] ? "/" : "",
		 s->fence.line, f == DOC_JSON ? "json" : "yml");
	struct loaded_file *lf = xcalloc(1, sizeof(*lf));
	struct diag_list diags = DIAG_LIST_INIT;
	int rc = loader_load_buffer(lf, path.ptr, s->text, s->len, NULL, &diags);
	struct asl_machine **models = !rc && lf->nr_machines == 1
		? gate_build_models_(lf, &diags) : NULL;
	ARRAY_GROW(c->files, c->nr_files + 1, c->alloc_files);
	c->files[c->nr_files++] = (struct gate_file){ lf, models }; /* lent */
	rc = rc || lf->nr_machines != 1 || diags.errors ||
	     account_deploy(c->account, lf, models, &diags);
	diag_list_release(&diags);
	buf_release(&path);
	return rc ? NULL : lf->machines[0].name;
}

/* The last whole definition above block 'before', whatever its label. */
static const struct snippet *definition_above(const struct gate_page *p,
					      const struct snippet *before,
					      enum doc_format *f)
{
	for (size_t i = (size_t)(before - p->page.snippets); i-- > 0;) {
		const struct snippet *s = &p->page.snippets[i];
		if (!s->input && !s->expect && !(s->flags & (SNIPPET_SKIP | SNIPPET_FAIL |
				SNIPPET_OUTPUT | SNIPPET_FRAGMENT | SNIPPET_NOTIFICATION)) &&
		    gate_block_format_(p, i, f) && gate_is_definition_(s, *f))
			return s;
	}
	return NULL;
}

/* The example's machine: the definition block above it on a page that
 * runs no command (a machine an earlier page ran is not what the reader
 * sees), else the one a command ran last, else the only one of the saved
 * step deployed last, else the definition block above it. */
static int page_runs_commands(const struct gate_page *p)
{
	for (size_t i = 0; i < p->steps.nr; i++)
		if (p->steps.items[i].kind != STEP_NONE)
			return 1;
	return 0;
}

static const char *example_machine(struct gate_ctx *c, const struct gate_page *p,
				   const struct snippet *in)
{
	enum doc_format f;
	const struct snippet *def = definition_above(p, in, &f);
	if (def && !page_runs_commands(p))
		return deploy_block(c, p, def, f);
	if (c->last_machine)
		return c->last_machine;
	if (c->last_deployed && c->last_deployed->nr_machines == 1)
		return c->last_deployed->machines[0].name;
	return def ? deploy_block(c, p, def, f) : NULL;
}

static cJSON *example_json(const struct snippet *s, struct diag_list *diags)
{
	struct snippet tmp = *s;
	tmp.lang = (char *)"json"; /* strict JSON, located */
	return steps_parse_output(&tmp, diags);
}

/* Runs example 'in' on 'machine' and holds its output against 'expect'. */
static void execute_example(struct run_step *r, const char *machine, const cJSON *input,
			    const struct snippet *in, const struct snippet *ex,
			    const cJSON *expect)
{
	struct account_request rq;
	struct account_response rs;
	memset(&rq, 0, sizeof(rq));
	rq.op = ACCOUNT_INVOKE;
	rq.machine = machine;
	rq.input = input;
	rq.inspect = (in->flags & SNIPPET_DATAFLOW) != 0 && r->c->opt->on_example;
	size_t started = account_nr_executions(r->c->account);
	account_call(r->c->account, &rq, &rs);
	const struct gate_options *opt = r->c->opt;
	if (opt->on_example && account_nr_executions(r->c->account) > started) {
		struct gate_example ge = {
			r->p->rel, in->input,
			account_execution(r->c->account, started),
		};
		opt->on_example(opt->ctx, &ge);
	}
	const cJSON *out = cJSON_GetObjectItemCaseSensitive(rs.result, "output");
	cJSON *actual = cJSON_IsString(out) ? cJSON_Parse(out->valuestring) : NULL;
	int failed = rs.error != NULL;
	if (failed != ((in->flags & SNIPPET_FAIL) != 0)) {
		case_fail(r, (struct pos){ 0 }, failed ? "the example failed: %s"
			  : "the example was expected to fail%s",
			  rs.message ? rs.message : "");
	} else if (expect && (!actual || !jsoncmp_match(expect, actual, NULL))) {
		struct buf a = BUF_INIT, b = BUF_INIT, d = BUF_INIT;
		jsoncmp_print(expect, &a);
		buf_addc(&a, '\n');
		if (actual)
			jsoncmp_print(actual, &b);
		buf_addc(&b, '\n');
		jsoncmp_diff(a.ptr, b.ptr, "expected", "actual", &d);
		case_fail(r, ex->pos, "the example's output differs from expect=%s",
			  in->input ? in->input : "");
		kase(r)->diff = buf_detach(&d, NULL);
		buf_release(&a);
		buf_release(&b);
	}
	cJSON_Delete(actual);
	account_response_release(&rs);
}

static void run_example(struct gate_ctx *c, struct gate_page *p, const struct snippet *in)
{
	struct buf name = BUF_INIT;
	buf_addf(&name, "example %s", in->input);
	struct gate_case *k = gate_add_(c->run, GATE_STEP, GATE_PASS, name.ptr,
					  in->fence, NULL);
	buf_release(&name);
	struct run_step r = { c, p, NULL, 0, c->run->nr - 1, { NULL }, NULL };
	const struct snippet *ex = find_named(&p->page, 1, in->input);
	k->block_line = in->fence.line;
	k->output_line = ex ? ex->fence.line : 0;
	const char *machine = example_machine(c, p, in);
	cJSON *input = example_json(in, &kase(&r)->diags);
	cJSON *expect = ex ? example_json(ex, &kase(&r)->diags) : NULL;
	if (!machine) {
		kase(&r)->status = GATE_SKIP;
		kase(&r)->message = xstrdup("no machine to run the example on: deploy or "
					    "run one earlier on the page");
	} else if (!input || (ex && !expect)) {
		case_fail(&r, (struct pos){ 0 }, "the example does not parse");
	} else {
		execute_example(&r, machine, input, in, ex, expect);
	}
	cJSON_Delete(input);
	cJSON_Delete(expect);
}

static void run_examples(struct gate_ctx *c, struct gate_page *p)
{
	for (size_t i = 0; i < p->page.nr; i++) {
		const struct snippet *s = &p->page.snippets[i];
		if (s->input && !(s->flags & SNIPPET_SKIP))
			run_example(c, p, s);
		else if (s->expect && !find_named(&p->page, 0, s->expect))
			gate_add_(c->run, GATE_STEP, GATE_FAIL, "example", s->fence,
				  "expect=%s has no input=%s block on the page", s->expect,
				  s->expect);
	}
}

/* ---- notification events: a block marked notification ------------------ */

/* The block must describe (as a recorded output does) one of the events the
 * account delivered so far; the diff is against the last one. */
static void check_notification(struct gate_ctx *c, struct gate_page *p,
			       const struct snippet *s)
{
	struct gate_case *k = gate_add_(c->run, GATE_STEP, GATE_PASS, "notification",
					  s->fence, NULL);
	k->block_line = s->fence.line;
	struct run_step r = { c, p, NULL, 0, c->run->nr - 1, { NULL }, NULL };
	cJSON *want = example_json(s, &kase(&r)->diags);
	const cJSON *sent = account_notifications(c->account), *d, *last = NULL;
	int found = 0;
	cJSON_ArrayForEach(d, sent) {
		last = cJSON_GetObjectItemCaseSensitive(d, "event");
		found |= want && jsoncmp_match(want, last, NULL);
	}
	if (!want) {
		case_fail(&r, (struct pos){ 0 }, "the event does not parse");
	} else if (!last) {
		case_fail(&r, s->pos, "no notification was delivered before this "
			  "block");
	} else if (!found) {
		struct buf a = BUF_INIT, b = BUF_INIT, diff = BUF_INIT;
		cJSON *norm = NULL;
		jsoncmp_match(want, last, &norm);
		jsoncmp_print(want, &a);
		buf_addc(&a, '\n');
		jsoncmp_print(norm ? norm : last, &b);
		buf_addc(&b, '\n');
		jsoncmp_diff(a.ptr, b.ptr, "recorded", "last delivered", &diff);
		case_fail(&r, s->pos, "no delivered notification matches this event "
			  "(%d delivered)", cJSON_GetArraySize(sent));
		kase(&r)->diff = buf_detach(&diff, NULL);
		cJSON_Delete(norm);
		buf_release(&a);
		buf_release(&b);
	}
	cJSON_Delete(want);
}

/* Checks the notification blocks from *next up to (not including) block
 * 'before': in page order, each against what the commands above it sent. */
static void check_notifications(struct gate_ctx *c, struct gate_page *p,
				size_t before, size_t *next)
{
	for (; *next < p->page.nr && *next < before; ++*next) {
		const struct snippet *s = &p->page.snippets[*next];
		if ((s->flags & SNIPPET_NOTIFICATION) && !(s->flags & SNIPPET_SKIP))
			check_notification(c, p, s);
	}
}

void gate_exec_page_(struct gate_ctx *c, struct gate_page *p)
{
	size_t next = 0;
	collect_steps(c, p);
	for (size_t i = 0; i < p->steps.nr; i++) {
		check_notifications(c, p, p->steps.items[i].snippet, &next);
		run_step(c, p, i);
	}
	check_notifications(c, p, SIZE_MAX, &next);
	run_examples(c, p);
}
