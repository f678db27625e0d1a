/* account.c - the simulated account (see account.h): deployments, the
 * Step Functions API, and API Gateway in front of it. */
#include "account.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asl.h"
#include "buf.h"
#include "exec.h"
#include "mock.h"
#include "rng.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

/* Machines, routes and API keys in one account: a course deploys tens. */
#define ACCOUNT_MAX_THINGS 1000

struct machine {
	char *key, *deployed, *arn; /* owned */
	const char *type;
	const struct loaded_machine *lm; /* borrowed from the deployed file */
	const struct asl_machine *model; /* built here (own_model) or lent */
	struct asl_machine *own_model;
	cJSON *test_case;                /* owned: state name -> mocked response */
	int stale;                       /* replaced by a later deploy */
};

struct route {
	char *method, *path, *action; /* owned; path without slashes around */
	int private_;
	size_t machine;
};

struct api_key {
	char *name, *value; /* owned */
	unsigned long used;  /* requests counted against the quota */
};

struct execution {
	struct exec_result r;
	cJSON *input;     /* owned: r.input borrows it for DescribeExecution */
	size_t machine;
	char *arn, *name; /* owned; the ARN and name the API shows */
	int stopped;      /* StopExecution arrived before the end */
	int64_t stop_ms;
};

struct account {
	struct account_options opt;
	const char *region, *acct;
	int64_t now;
	struct rng rng;
	struct mock_config mocks;
	struct machine *machines;
	size_t nr_machines, alloc_machines;
	struct route *routes;
	size_t nr_routes, alloc_routes;
	struct api_key *keys;
	size_t nr_keys, alloc_keys;
	struct execution *execs;
	size_t nr_execs, alloc_execs;
	char *stage;
	char *last_token;
	cJSON *deliveries;    /* owned: [{"target", "event"}] notifications sent */
	/* usage plan: a quota per key, and a token bucket for the throttle */
	double quota_limit, burst_limit, rate_limit;
	double tokens;        /* requests the bucket allows now */
	int64_t filled_ms;    /* when tokens was last topped up */
};

/* ---- mocks: stepbook.yml `mocks:` -> MockConfigFile --------------------- */

static cJSON *mock_entry(const cJSON *m)
{
	cJSON *e = cJSON_CreateObject();
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(m, "return")))
		cJSON_AddItemToObject(e, "Return", cJSON_Duplicate(v, 1));
	else if ((v = cJSON_GetObjectItemCaseSensitive(m, "template")))
		cJSON_AddItemToObject(e, "Template", cJSON_Duplicate(v, 1));
	else if ((v = cJSON_GetObjectItemCaseSensitive(m, "throw"))) {
		cJSON *t = cJSON_AddObjectToObject(e, "Throw");
		const cJSON *er = cJSON_GetObjectItemCaseSensitive(v, "error");
		const cJSON *ca = cJSON_GetObjectItemCaseSensitive(v, "cause");
		cJSON_AddStringToObject(t, "Error", cJSON_IsString(er) ? er->valuestring : "Error");
		if (cJSON_IsString(ca))
			cJSON_AddStringToObject(t, "Cause", ca->valuestring);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(m, "delay")) && cJSON_IsNumber(v))
		cJSON_AddNumberToObject(e, "DelaySeconds", v->valuedouble);
	return e;
}

static void build_mocks(struct account *a)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddObjectToObject(root, "Defaults");
	cJSON *responses = cJSON_AddObjectToObject(root, "MockedResponses");
	const cJSON *m;
	cJSON_ArrayForEach(m, a->opt.mocks) {
		cJSON *r = cJSON_AddObjectToObject(responses, m->string);
		const cJSON *seq = cJSON_GetObjectItemCaseSensitive(m, "sequence");
		int i = 0;
		char n[16];
		const cJSON *e;
		if (cJSON_IsArray(seq)) {
			cJSON_ArrayForEach(e, seq) {
				snprintf(n, sizeof(n), "%d", i++);
				cJSON_AddItemToObject(r, n, mock_entry(e));
			}
		} else {
			cJSON_AddItemToObject(r, "0", mock_entry(m));
		}
	}
	mock_adopt(&a->mocks, root, "the course's mocks");
}

/* Points function 'fn' (as the ARN names it) at mock 'mock' if it exists. */
static void mock_default(struct account *a, const char *fn, const char *mock)
{
	cJSON *defaults = cJSON_GetObjectItemCaseSensitive(a->mocks.root, "Defaults");
	cJSON *responses = cJSON_GetObjectItemCaseSensitive(a->mocks.root, "MockedResponses");
	if (!cJSON_GetObjectItemCaseSensitive(responses, mock) ||
	    cJSON_GetObjectItemCaseSensitive(defaults, fn))
		return;
	cJSON_AddStringToObject(defaults, fn, mock);
}

/* ---- the account -------------------------------------------------------- */

struct account *account_new(const struct account_options *opt)
{
	struct account *a = xcalloc(1, sizeof(*a));
	a->opt = *opt;
	a->now = opt->start_ms;
	rng_init(&a->rng, opt->seed);
	build_mocks(a);
	a->deliveries = cJSON_CreateArray();
	return a;
}

static void release_machine(struct machine *m)
{
	free(m->key);
	free(m->deployed);
	free(m->arn);
	asl_free(m->own_model);
	cJSON_Delete(m->test_case);
}

void account_free(struct account *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nr_machines; i++)
		release_machine(&a->machines[i]);
	for (size_t i = 0; i < a->nr_routes; i++) {
		free(a->routes[i].method);
		free(a->routes[i].path);
		free(a->routes[i].action);
	}
	for (size_t i = 0; i < a->nr_keys; i++) {
		free(a->keys[i].name);
		free(a->keys[i].value);
	}
	for (size_t i = 0; i < a->nr_execs; i++) {
		exec_result_release(&a->execs[i].r);
		cJSON_Delete(a->execs[i].input);
		free(a->execs[i].arn);
		free(a->execs[i].name);
	}
	free(a->machines);
	free(a->routes);
	free(a->keys);
	free(a->execs);
	free(a->stage);
	free(a->last_token);
	cJSON_Delete(a->deliveries);
	mock_release(&a->mocks);
	free(a);
}

/* ---- deploying ---------------------------------------------------------- */

/* The name AWS gives a machine the file does not name: the plugin's logical
 * id and a CloudFormation suffix (deterministic here). */
static char *generated_name(struct account *a, const char *key)
{
	static const char alnum[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct buf b = BUF_INIT;
	buf_addc(&b, (char)toupper((unsigned char)key[0]));
	buf_adds(&b, key[0] ? key + 1 : "");
	buf_adds(&b, "StepFunctionsStateMachine-");
	for (int i = 0; i < 12; i++)
		buf_addc(&b, alnum[rng_next(&a->rng) % 62]);
	return buf_detach(&b, NULL);
}

static size_t find_machine(const struct account *a, const char *name)
{
	for (size_t i = 0; i < a->nr_machines; i++) {
		const struct machine *m = &a->machines[i];
		if (!m->stale && (!strcmp(m->key, name) || !strcmp(m->deployed, name) ||
				  !strcmp(m->arn, name)))
			return i;
	}
	return (size_t)-1;
}

/* The function a Lambda ARN or name designates; owned. */
static char *function_of(const char *s)
{
	if (!strncmp(s, "${", 2)) /* ${Logical.Arn} a template left as written */
		return xstrndup(s + 2, strcspn(s + 2, ".}"));
	const char *f = strstr(s, ":function:");
	if (f)
		s = f + 10;
	return xstrndup(s, strcspn(s, ":"));
}

/* The mock key of function 'fn': its Defaults entry, or itself. */
static const char *mock_key(const struct account *a, const char *fn)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(a->mocks.root, "Defaults"), fn);
	if (cJSON_IsString(d))
		return d->valuestring;
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(a->mocks.root, "MockedResponses");
	return cJSON_GetObjectItemCaseSensitive(r, fn) ? fn : NULL;
}

/* Mock 'key' as the optimised integration answers: each entry marked
 * "Integration": "lambda:invoke", which the interpreter answers with the
 * Lambda Invoke response (its Template reads the function's event, the
 * Payload).  Returns the response's name. */
static const char *invoke_response(struct account *a, const char *key, struct buf *name)
{
	cJSON *responses = cJSON_GetObjectItemCaseSensitive(a->mocks.root, "MockedResponses");
	buf_reset(name);
	buf_addf(name, "%s@lambda:invoke", key);
	if (cJSON_GetObjectItemCaseSensitive(responses, name->ptr))
		return name->ptr;
	cJSON *wrapped = cJSON_AddObjectToObject(responses, name->ptr);
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(responses, key)) {
		cJSON *w = cJSON_Duplicate(e, 1);
		cJSON_AddStringToObject(w, "Integration", "lambda:invoke");
		cJSON_AddItemToObject(wrapped, e->string, w);
	}
	mock_adopt_response(&a->mocks, wrapped);
	return name->ptr;
}

/* Which mocked response each Task state of the machine gets: the mock of
 * its function (wrapped for arn:aws:states:::lambda:invoke); none for a
 * .waitForTaskToken task, whose result is the page's callback.  States of
 * branches and processors first, as they nest; recursion is bounded by
 * ASL_MAX_NESTING. */
static void task_mocks(struct account *a, const struct asl_machine *m, cJSON *tc,
		       struct buf *name)
{
	for (size_t i = 0; i < m->nr_states; i++) {
		const struct asl_state *s = &m->states[i];
		for (size_t b = 0; b < s->nr_branches; b++)
			task_mocks(a, s->branches[b], tc, name);
		if (s->type != ASL_TASK || !s->resource ||
		    cJSON_GetObjectItemCaseSensitive(tc, s->name))
			continue;
		const char *r = s->resource;
		size_t n = strlen(r);
		if (n > 17 && !strcmp(r + n - 17, ".waitForTaskToken")) {
			cJSON_AddStringToObject(tc, s->name, "(the page's callback)");
			continue;
		}
		/* Parameters (JSONPath) or Arguments (JSONata) name it */
		const cJSON *fn = cJSON_GetObjectItemCaseSensitive(
			s->flow.parameters ? s->flow.parameters : s->flow.arguments,
			"FunctionName");
		char *f = function_of(cJSON_IsString(fn) ? fn->valuestring : r);
		const char *key = mock_key(a, f);
		if (key && !strcmp(r, "arn:aws:states:::lambda:invoke"))
			cJSON_AddStringToObject(tc, s->name, invoke_response(a, key, name));
		else if (key)
			cJSON_AddStringToObject(tc, s->name, key);
		free(f);
	}
}

static void deploy_machine(struct account *a, const struct loaded_machine *lm,
			   const struct asl_machine *model, struct diag_list *diags)
{
	size_t old = find_machine(a, lm->name);
	if (old != (size_t)-1)
		a->machines[old].stale = 1;
	if (a->nr_machines >= ACCOUNT_MAX_THINGS)
		return;
	ARRAY_GROW(a->machines, a->nr_machines + 1, a->alloc_machines);
	struct machine *m = &a->machines[a->nr_machines++];
	memset(m, 0, sizeof(*m));
	m->key = xstrdup(lm->name);
	m->deployed = lm->deployed_name ? xstrdup(lm->deployed_name)
					: generated_name(a, lm->name);
	struct buf arn = BUF_INIT;
	buf_addf(&arn, "arn:aws:states:%s:%s:stateMachine:%s", a->region, a->acct,
		 m->deployed);
	m->arn = buf_detach(&arn, NULL);
	m->type = lm->type ? lm->type : "STANDARD";
	m->lm = lm;
	m->model = model ? model
			 : (m->own_model = asl_build(lm->definition, lm->doc, diags));
}

static void deploy_routes(struct account *a, const struct loaded_machine *lm)
{
	size_t mi = a->nr_machines - 1;
	for (size_t i = 0; i < lm->nr_routes && a->nr_routes < ACCOUNT_MAX_THINGS; i++) {
		const struct loader_route *lr = &lm->routes[i];
		for (size_t k = 0; k < a->nr_routes; k++) /* a redeploy moves it */
			if (!strcasecmp(a->routes[k].method, lr->method) &&
			    !strcmp(a->routes[k].path, lr->path))
				a->routes[k].method[0] = '\0';
		ARRAY_GROW(a->routes, a->nr_routes + 1, a->alloc_routes);
		struct route *r = &a->routes[a->nr_routes++];
		r->method = xstrdup(lr->method ? lr->method : "GET");
		const char *p = lr->path ? lr->path : "";
		p += strspn(p, "/");
		r->path = xstrndup(p, strlen(p) - (strlen(p) && p[strlen(p) - 1] == '/'));
		r->action = xstrdup(lr->action ? lr->action : "StartExecution");
		r->private_ = lr->api_key_required;
		r->machine = mi;
	}
}

static void add_key(struct account *a, const char *name)
{
	if (account_api_key(a, name) || a->nr_keys >= ACCOUNT_MAX_THINGS)
		return;
	ARRAY_GROW(a->keys, a->nr_keys + 1, a->alloc_keys);
	struct api_key *k = &a->keys[a->nr_keys++];
	k->name = xstrdup(name);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a->opt.api_keys, name);
	if (cJSON_IsString(v)) {
		k->value = xstrdup(v->valuestring);
	} else {
		struct buf b = BUF_INIT;
		for (int i = 0; i < 40; i++)
			buf_addc(&b, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				     [rng_next(&a->rng) % 62]);
		k->value = buf_detach(&b, NULL);
	}
	k->used = 0;
}

static void deploy_keys(struct account *a, const struct loaded_file *lf)
{
	const cJSON *k;
	cJSON_ArrayForEach(k, lf->api_keys) {
		if (cJSON_IsString(k))
			add_key(a, k->valuestring);
		else if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(k, "name")))
			add_key(a, cJSON_GetObjectItemCaseSensitive(k, "name")->valuestring);
	}
	const cJSON *quota = cJSON_GetObjectItemCaseSensitive(lf->usage_plan, "quota");
	const cJSON *throttle = cJSON_GetObjectItemCaseSensitive(lf->usage_plan, "throttle");
	const cJSON *limit = cJSON_GetObjectItemCaseSensitive(quota, "limit");
	const cJSON *burst = cJSON_GetObjectItemCaseSensitive(throttle, "burstLimit");
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(throttle, "rateLimit");
	a->quota_limit = cJSON_IsNumber(limit) ? limit->valuedouble : 0;
	a->burst_limit = cJSON_IsNumber(burst) ? burst->valuedouble : 0;
	a->rate_limit = cJSON_IsNumber(rate) ? rate->valuedouble : 0;
	a->tokens = a->burst_limit;
	a->filled_ms = a->now;
}

/* Every serverless function the file declares answers with the mock of the
 * same key: the ARN names it SERVICE-STAGE-KEY, or its own `name`. */
static void deploy_functions(struct account *a, const struct loaded_file *lf)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, lf->functions) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
		struct buf fn = BUF_INIT;
		if (cJSON_IsString(name))
			buf_adds(&fn, name->valuestring);
		else
			buf_addf(&fn, "%s-%s-%s", lf->service ? lf->service : "service",
				 a->stage, f->string);
		mock_default(a, fn.ptr, f->string);
		mock_default(a, f->string, f->string);
		buf_release(&fn);
	}
}

int account_deploy(struct account *a, const struct loaded_file *lf,
		   struct asl_machine *const *models, struct diag_list *diags)
{
	size_t errors = diags->errors;
	a->region = a->opt.region ? a->opt.region : lf->region ? lf->region : "us-east-1";
	a->acct = a->opt.account ? a->opt.account : lf->account ? lf->account : "123456789012";
	free(a->stage);
	a->stage = xstrdup(lf->stage ? lf->stage : "dev");
	for (size_t i = 0; i < lf->nr_machines; i++) {
		deploy_machine(a, &lf->machines[i], models ? models[i] : NULL, diags);
		deploy_routes(a, &lf->machines[i]);
	}
	deploy_keys(a, lf);
	deploy_functions(a, lf);
	/* mocks named after a function's deployed name, or a CloudFormation
	 * logical id, stay reachable under their own key */
	const cJSON *m;
	cJSON_ArrayForEach(m, a->opt.mocks)
		mock_default(a, m->string, m->string);
	for (size_t i = a->nr_machines - lf->nr_machines; i < a->nr_machines; i++) {
		struct machine *mm = &a->machines[i];
		struct buf name = BUF_INIT;
		mm->test_case = cJSON_CreateObject();
		if (mm->model)
			task_mocks(a, mm->model, mm->test_case, &name);
		buf_release(&name);
	}
	return diags->errors > errors ? -1 : 0;
}

/* ---- answers ------------------------------------------------------------ */

static int fail(struct account_response *rs, int status, const char *code,
		const char *fmt, const char *arg)
{
	struct buf m = BUF_INIT;
	buf_addf(&m, fmt, arg ? arg : "");
	rs->status = status;
	rs->error = xstrdup(code);
	rs->message = buf_detach(&m, NULL);
	return -1;
}

enum date_style { DATES_ISO_Z, DATES_ISO_OFFSET, DATES_EPOCH };

static void add_date(cJSON *o, const char *key, int64_t ms, enum date_style st)
{
	if (st == DATES_EPOCH) {
		cJSON_AddNumberToObject(o, key, (double)ms / 1000.0);
		return;
	}
	struct buf b = BUF_INIT;
	timestamp_format(ms, &b);
	if (st == DATES_ISO_OFFSET) { /* 2024-01-01T00:00:00.000000+00:00 */
		buf_truncate(&b, b.len - 1);
		buf_adds(&b, "000+00:00");
	}
	cJSON_AddStringToObject(o, key, b.ptr);
	buf_release(&b);
}

static void add_json_string(cJSON *o, const char *key, const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);
	cJSON_AddStringToObject(o, key, s ? s : "null");
	cJSON_free(s);
}

static const char *status_at(const struct account *a, const struct execution *e)
{
	if (e->stopped)
		return "ABORTED";
	if (a->now < e->stop_ms)
		return "RUNNING";
	return exec_status_name(e->r.status);
}

/* The DescribeExecution answer as of now. */
static cJSON *describe(const struct account *a, const struct execution *e,
		       enum date_style st)
{
	const struct machine *m = &a->machines[e->machine];
	const char *status = status_at(a, e);
	int done = strcmp(status, "RUNNING") != 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "executionArn", e->arn);
	cJSON_AddStringToObject(o, "stateMachineArn", m->arn);
	cJSON_AddStringToObject(o, "name", e->name);
	cJSON_AddStringToObject(o, "status", status);
	add_date(o, "startDate", e->r.start_ms, st);
	if (done)
		add_date(o, "stopDate", e->stop_ms, st);
	add_json_string(o, "input", e->r.input);
	if (done && !strcmp(status, "SUCCEEDED") && e->r.output)
		add_json_string(o, "output", e->r.output);
	if (done && e->r.error)
		cJSON_AddStringToObject(o, "error", e->r.error);
	if (done && e->r.cause)
		cJSON_AddStringToObject(o, "cause", e->r.cause);
	return o;
}

/* Sorted keys, as the raw API (and so API Gateway) returns them. */
static cJSON *sorted(cJSON *o)
{
	cJSON *out = cJSON_CreateObject();
	while (o->child) {
		cJSON *min = o->child;
		for (cJSON *c = o->child; c; c = c->next)
			if (strcmp(c->string, min->string) < 0)
				min = c;
		cJSON_AddItemToObject(out, min->string, cJSON_DetachItemViaPointer(o, min));
	}
	cJSON_Delete(o);
	return out;
}

static struct execution *find_execution(struct account *a, const char *arn)
{
	for (size_t i = 0; arn && i < a->nr_execs; i++)
		if (!strcmp(a->execs[i].arn, arn))
			return &a->execs[i];
	return NULL;
}

/* Deliveries one account records: bounds memory on a course that runs
 * thousands of notified executions. */
#define ACCOUNT_MAX_DELIVERIES 10000

/* EventBridge's status-change events for the execution, delivered to every
 * target the machine's `notifications` lists for that status. */
static void notify(struct account *a, const struct machine *m, const struct exec_result *r,
		   const struct exec_options *o)
{
	const cJSON *n = m->lm->notifications;
	if (!n)
		return;
	cJSON *events = cJSON_CreateArray();
	exec_status_events(r, o, events);
	const cJSON *ev;
	cJSON_ArrayForEach(ev, events) {
		const cJSON *detail = cJSON_GetObjectItemCaseSensitive(ev, "detail");
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(detail, "status");
		const cJSON *targets = cJSON_IsString(status)
			? cJSON_GetObjectItemCaseSensitive(n, status->valuestring) : NULL;
		const cJSON *t;
		cJSON_ArrayForEach(t, targets) {
			if (cJSON_GetArraySize(a->deliveries) >= ACCOUNT_MAX_DELIVERIES)
				break;
			cJSON *d = cJSON_CreateObject();
			cJSON_AddItemToObject(d, "target", cJSON_Duplicate(t, 1));
			cJSON_AddItemToObject(d, "event", cJSON_Duplicate(ev, 1));
			cJSON_AddItemToArray(a->deliveries, d);
		}
	}
	cJSON_Delete(events);
}

const cJSON *account_notifications(const struct account *a)
{
	return a->deliveries;
}

/* Runs machine mi on input to its end (callbacks from the scenario). */
static struct execution *start(struct account *a, size_t mi, const char *name,
			       const cJSON *input, const cJSON *scenario, int inspect)
{
	if (a->nr_execs >= ACCOUNT_MAX_EXECUTIONS)
		return NULL;
	struct machine *m = &a->machines[mi];
	ARRAY_GROW(a->execs, a->nr_execs + 1, a->alloc_execs);
	struct execution *e = &a->execs[a->nr_execs++];
	memset(e, 0, sizeof(*e));
	e->machine = mi;
	struct exec_options o = { 0 };
	o.name = m->deployed;
	o.region = a->region;
	o.account = a->acct;
	o.start_ms = a->now;
	o.seed = rng_next(&a->rng);
	a->mocks.test_case = m->test_case;
	o.mocks = &a->mocks;
	o.scenario = scenario;
	o.keep_history = 1;
	o.inspect = inspect;
	o.s3_dir = a->opt.s3_dir;
	e->input = input ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
	exec_run(m->model, e->input, &o, &e->r);
	e->stop_ms = e->r.stop_ms;
	e->name = xstrdup(name ? name : e->r.name);
	struct buf arn = BUF_INIT;
	buf_addf(&arn, "arn:aws:states:%s:%s:execution:%s:%s", a->region, a->acct,
		 m->deployed, e->name);
	e->arn = buf_detach(&arn, NULL);
	notify(a, m, &e->r, &o);
	if (e->r.nr_tokens) { /* the first task token the execution issued */
		free(a->last_token);
		a->last_token = xstrdup(e->r.tokens[0]);
	}
	return e;
}

static size_t machine_for(struct account *a, const char *name,
			  struct account_response *rs)
{
	size_t mi = name ? find_machine(a, name) : (size_t)-1;
	if (mi == (size_t)-1)
		fail(rs, 400, !name || strncmp(name, "arn:", 4) ? "StateMachineNotDefined"
							: "StateMachineDoesNotExist",
		     !name || strncmp(name, "arn:", 4) ? "no state machine named '%s' is deployed"
						       : "State Machine Does Not Exist: '%s'",
		     name ? name : "(none)");
	return mi;
}

/* "execution FAILED in state 'Greet': HelloBroke: the service is down",
 * with the path taken and the failing state's input as the detail. */
static int fail_execution(struct account_response *rs, const struct exec_result *r)
{
	const struct exec_visit *v = exec_failed_visit(r);
	struct buf m = BUF_INIT, d = BUF_INIT;
	buf_addf(&m, "execution %s", exec_status_name(r->status));
	if (v)
		buf_addf(&m, " in state '%s'", v->state->name);
	if (r->error)
		buf_addf(&m, ": %s", r->error);
	if (r->cause && *r->cause)
		buf_addf(&m, ": %s", r->cause);
	buf_adds(&d, "path:");
	for (size_t i = 0; i < r->nr_visits; i++) {
		const struct exec_visit *w = &r->visits[i];
		buf_addf(&d, "%s %s", i ? " ->" : "", w->state->name);
		if (w->outcome == EXEC_VISIT_RETRIED || w->outcome == EXEC_VISIT_CAUGHT)
			buf_adds(&d, w->outcome == EXEC_VISIT_RETRIED ? " (retried)" : " (caught)");
	}
	if (v && v->input) {
		char *in = cJSON_PrintUnformatted(v->input);
		buf_addf(&d, "\ninput of '%s': %s", v->state->name, in);
		cJSON_free(in);
	}
	fail(rs, 200, "ExecutionFailed", "%s", m.ptr);
	rs->detail = buf_detach(&d, NULL);
	buf_release(&m);
	return -1;
}

static int op_start(struct account *a, const struct account_request *rq,
		    struct account_response *rs)
{
	size_t mi = machine_for(a, rq->machine, rs);
	if (mi == (size_t)-1)
		return -1;
	if (rq->op == ACCOUNT_START_SYNC && strcmp(a->machines[mi].type, "EXPRESS"))
		return fail(rs, 400, "StateMachineTypeNotSupported",
			    "This operation is not supported by this type of state machine: '%s'",
			    a->machines[mi].arn);
	if (rq->name && find_execution(a, rq->name))
		return fail(rs, 400, "ExecutionAlreadyExists", "Execution Already Exists: '%s'", rq->name);
	struct execution *e = start(a, mi, rq->name, rq->input, rq->scenario, rq->inspect);
	if (!e)
		return fail(rs, 400, "ExecutionLimitExceeded", "too many executions%s", NULL);
	rs->status = 200;
	if (rq->op == ACCOUNT_START) {
		rs->result = cJSON_CreateObject();
		cJSON_AddStringToObject(rs->result, "executionArn", e->arn);
		add_date(rs->result, "startDate", e->r.start_ms, DATES_ISO_OFFSET);
		return 0;
	}
	if (e->stop_ms > a->now)
		a->now = e->stop_ms; /* synchronous: the reader waits for the end */
	rs->result = describe(a, e, rq->op == ACCOUNT_INVOKE ? DATES_ISO_Z : DATES_ISO_OFFSET);
	if (e->r.status != EXEC_SUCCEEDED)
		return fail_execution(rs, &e->r);
	return 0;
}

static int op_execution(struct account *a, const struct account_request *rq,
			struct account_response *rs, enum date_style st)
{
	struct execution *e = find_execution(a, rq->execution_arn);
	if (!e)
		return fail(rs, 400, "ExecutionDoesNotExist", "Execution Does Not Exist: '%s'",
			    rq->execution_arn ? rq->execution_arn : "(none)");
	rs->status = 200;
	if (rq->op == ACCOUNT_DESCRIBE) {
		rs->result = describe(a, e, st);
		if (st == DATES_EPOCH)
			rs->result = sorted(rs->result);
	} else if (rq->op == ACCOUNT_STOP) {
		/* the page's stop was in the execution's scenario: it ended now */
		int by_scenario = e->r.status == EXEC_ABORTED && e->stop_ms == a->now;
		if (!by_scenario && strcmp(status_at(a, e), "RUNNING"))
			return fail(rs, 400, "ExecutionDoesNotExist",
				    "Execution is not running: '%s'", e->arn);
		e->stopped = !by_scenario;
		e->stop_ms = a->now;
		rs->result = cJSON_CreateObject();
		add_date(rs->result, "stopDate", a->now, st);
	} else {
		rs->result = cJSON_CreateObject();
		cJSON_AddItemToObject(rs->result, "events",
				      e->r.history ? cJSON_Duplicate(e->r.history, 1)
						   : cJSON_CreateArray());
	}
	return 0;
}

/* The callback itself was applied when the execution ran (the page's later
 * commands are its scenario); here the token and the timing are checked. */
static int op_task(struct account *a, const struct account_request *rq,
		   struct account_response *rs)
{
	if (!rq->token || !a->last_token || strcmp(rq->token, a->last_token))
		return fail(rs, 400, "InvalidToken", "Invalid Token: '%.40s...'",
			    rq->token ? rq->token : "");
	const struct execution *e = a->nr_execs ? &a->execs[a->nr_execs - 1] : NULL;
	if (e && e->stop_ms < a->now && e->r.status == EXEC_TIMED_OUT)
		return fail(rs, 400, "TaskTimedOut", "Task Timed Out: '%s'", e->arn);
	rs->status = 200;
	return 0;
}

size_t account_nr_executions(const struct account *a)
{
	return a->nr_execs;
}

const struct exec_result *account_execution(const struct account *a, size_t i)
{
	return i < a->nr_execs ? &a->execs[i].r : NULL;
}

const char *account_last_token(const struct account *a)
{
	return a->last_token;
}

const char *account_api_key(const struct account *a, const char *name)
{
	for (size_t i = 0; i < a->nr_keys; i++)
		if (!strcmp(a->keys[i].name, name))
			return a->keys[i].value;
	return NULL;
}

int64_t account_now(const struct account *a)
{
	return a->now;
}

void account_response_release(struct account_response *rs)
{
	cJSON_Delete(rs->result);
	free(rs->error);
	free(rs->message);
	free(rs->detail);
	memset(rs, 0, sizeof(*rs));
}

/* ---- API Gateway -------------------------------------------------------- */

static int http_answer(struct account_response *rs, int status, const char *message)
{
	rs->status = status;
	rs->result = cJSON_CreateObject();
	cJSON_AddNumberToObject(rs->result, "statusCode", status);
	cJSON *body = cJSON_AddObjectToObject(rs->result, "body");
	cJSON_AddStringToObject(body, "message", message);
	if (status >= 400) {
		rs->error = xstrdup(status == 403 ? "Forbidden" : "HttpError");
		rs->message = xstrdup(message);
		return -1;
	}
	return 0;
}

static const struct route *find_route(const struct account *a, const char *method,
				      const char *path)
{
	path += strspn(path, "/");
	size_t sn = strlen(a->stage ? a->stage : "");
	if (sn && !strncmp(path, a->stage, sn) && (path[sn] == '/' || !path[sn]))
		path += sn + (path[sn] == '/');
	size_t pn = strcspn(path, "?#");
	while (pn && path[pn - 1] == '/')
		pn--;
	for (size_t i = 0; i < a->nr_routes; i++) {
		const struct route *r = &a->routes[i];
		if (!strcasecmp(r->method, method) && strlen(r->path) == pn &&
		    !strncmp(r->path, path, pn))
			return r;
	}
	return NULL;
}

/* 403 for a private route without a valid key, with a message naming the
 * keys the service declares and where their values come from. */
static int refuse_key(const struct account *a, const char *key, struct account_response *rs)
{
	http_answer(rs, 403, "Forbidden");
	struct buf m = BUF_INIT;
	buf_adds(&m, key ? "the x-api-key header matches no API key of the service"
			 : "the route is private and the request sends no x-api-key header");
	if (!a->nr_keys)
		buf_adds(&m, ", and the service declares no API key (apiKeys)");
	else
		buf_adds(&m, "; the route expects the value of one of the service's keys, "
			     "set by api_keys in stepbook.yml:");
	for (size_t i = 0; i < a->nr_keys; i++) {
		const char *name = a->keys[i].name;
		buf_addf(&m, "%s '%s'", i ? "," : "", name);
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(a->opt.api_keys, name)))
			buf_adds(&m, " (not set)");
	}
	free(rs->message);
	rs->message = buf_detach(&m, NULL);
	return -1;
}

/* API keys and the usage plan: 403 without a valid key, 429 over limits. */
static int http_guard(struct account *a, const struct route *r, const char *key,
		      struct account_response *rs)
{
	if (!r->private_)
		return 0;
	struct api_key *k = NULL;
	for (size_t i = 0; key && i < a->nr_keys; i++)
		if (!strcmp(a->keys[i].value, key))
			k = &a->keys[i];
	if (!k)
		return refuse_key(a, key, rs);
	if (a->burst_limit > 0) { /* refill at rateLimit per second, up to burstLimit */
		a->tokens += a->rate_limit * (double)(a->now - a->filled_ms) / 1000.0;
		if (a->tokens > a->burst_limit)
			a->tokens = a->burst_limit;
		a->filled_ms = a->now;
		if (a->tokens < 1)
			return http_answer(rs, 429, "Too Many Requests");
		a->tokens -= 1;
	}
	if (a->quota_limit > 0 && (double)++k->used > a->quota_limit)
		return http_answer(rs, 429, "Limit Exceeded");
	return 0;
}

static int http_action(struct account *a, const struct route *r,
		       const struct account_request *rq, struct account_response *rs)
{
	struct account_request sub = *rq;
	struct account_response inner = { 0 };
	const cJSON *arn = cJSON_GetObjectItemCaseSensitive(rq->input, "executionArn");
	sub.machine = a->machines[r->machine].arn;
	sub.execution_arn = cJSON_IsString(arn) ? arn->valuestring : NULL;
	int rc;
	if (!strcmp(r->action, "DescribeExecution") || !strcmp(r->action, "StopExecution")) {
		sub.op = r->action[0] == 'D' ? ACCOUNT_DESCRIBE : ACCOUNT_STOP;
		rc = op_execution(a, &sub, &inner, DATES_EPOCH);
	} else {
		char uuid[37];
		rng_uuid(&a->rng, uuid); /* API Gateway names it after the request id */
		sub.op = ACCOUNT_START;
		sub.name = uuid;
		rc = op_start(a, &sub, &inner);
		if (!rc) {
			cJSON_DeleteItemFromObject(inner.result, "startDate");
			add_date(inner.result, "startDate", a->now, DATES_EPOCH);
		}
	}
	rs->status = rc ? 400 : 200;
	rs->result = cJSON_CreateObject();
	cJSON_AddNumberToObject(rs->result, "statusCode", rs->status);
	if (rc) {
		cJSON *body = cJSON_AddObjectToObject(rs->result, "body");
		cJSON_AddStringToObject(body, "__type", inner.error);
		cJSON_AddStringToObject(body, "message", inner.message);
		rs->error = inner.error;
		rs->message = inner.message;
		inner.error = inner.message = NULL;
	} else {
		cJSON_AddItemToObject(rs->result, "body", inner.result);
		inner.result = NULL;
	}
	account_response_release(&inner);
	return rc ? -1 : 0;
}

static int op_http(struct account *a, const struct account_request *rq,
		   struct account_response *rs)
{
	const struct route *r = find_route(a, rq->method ? rq->method : "GET",
					   rq->path ? rq->path : "/");
	if (!r || !r->method[0])
		return http_answer(rs, 403, "Missing Authentication Token");
	if (http_guard(a, r, rq->api_key, rs))
		return -1;
	return http_action(a, r, rq, rs);
}

int account_call(struct account *a, const struct account_request *rq,
		 struct account_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	a->now += 1000; /* the reader types the next command */
	switch (rq->op) {
	case ACCOUNT_INVOKE:
	case ACCOUNT_START:
	case ACCOUNT_START_SYNC:
		return op_start(a, rq, rs);
	case ACCOUNT_DESCRIBE:
	case ACCOUNT_STOP:
	case ACCOUNT_HISTORY:
		return op_execution(a, rq, rs, DATES_ISO_OFFSET);
	case ACCOUNT_TASK_SUCCESS:
	case ACCOUNT_TASK_FAILURE:
	case ACCOUNT_TASK_HEARTBEAT:
		return op_task(a, rq, rs);
	case ACCOUNT_HTTP:
		return op_http(a, rq, rs);
	}
	return fail(rs, 400, "UnknownOperation", "unknown operation%s", NULL);
}
