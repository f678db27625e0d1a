/* loader_sls.c - Serverless Framework files: stepFunctions.stateMachines.
 * Resolves the variables a course's files use (${opt:stage, self:...},
 * ${self:...}, ${sls:stage}, ${aws:region}) where the file itself gives the
 * value, and turns Fn::GetAtt [function, Arn] into the Lambda ARN that the
 * serverless-step-functions plugin would deploy.  ${env:...} is never read
 * from the environment: the same file must load the same way everywhere;
 * its fallback, when the reference gives one, is used instead.  Other
 * CloudFormation intrinsics go through loader_intrinsic.c. */
#include "loader_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonmem.h"
#include "xalloc.h"
#include "banned.h"

/* References inside references (${self:custom.${opt:stage}}), and
 * references whose value holds a reference: deeper is refused. */
#define SLS_MAX_DEPTH 16
/* Expansions in one file: bounds work against self-referencing values. */
#define SLS_MAX_EXPANSIONS 100000

struct sls {
	struct loaded_file *lf;
	const cJSON *root;
	const struct loader_options *opt;
	const char *stage, *region;
	size_t expansions;
	const cJSON *typed; /* the number or boolean the last source named */
	cJSON *literal;     /* owned: the last number or boolean literal */
	size_t skipped;     /* machines whose definition file is not there */
};

static const cJSON *get(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

static const char *get_str(const cJSON *obj, const char *name)
{
	const cJSON *v = get(obj, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void resolve_text(struct sls *s, const char *text, struct buf *out,
			 int depth);
static int whole_reference(struct sls *s, const char *text, int depth);

/* self:a.b.c -> the value at that path, as text (scalars only). */
static int self_value(struct sls *s, const char *path, struct buf *out,
		      int depth)
{
	const cJSON *v = s->root;
	struct buf part = BUF_INIT;
	for (const char *p = path; v && *p;) {
		size_t n = strcspn(p, ".");
		buf_reset(&part);
		buf_add(&part, p, n);
		v = cJSON_IsObject(v) ? get(v, part.ptr) : NULL;
		p += n + (p[n] == '.');
	}
	buf_release(&part);
	if (cJSON_IsString(v)) { /* typed only when it is itself one reference */
		int whole = whole_reference(s, v->valuestring, depth + 1);
		resolve_text(s, v->valuestring, out, depth + 1);
		if (!whole)
			s->typed = NULL;
		return 1;
	}
	s->typed = NULL;
	if (cJSON_IsNumber(v)) {
		buf_addf(out, "%.15g", v->valuedouble);
		s->typed = v;
		return 1;
	}
	if (cJSON_IsBool(v)) {
		buf_adds(out, cJSON_IsTrue(v) ? "true" : "false");
		s->typed = v;
		return 1;
	}
	return 0;
}

/* One source of a reference ("opt:stage", "self:x.y", "'dev'"). */
static int resolve_source(struct sls *s, const char *src, struct buf *out,
			  int depth)
{
	size_t len = strlen(src);
	s->typed = NULL;
	if (len >= 2 && (src[0] == '\'' || src[0] == '"') && src[len - 1] == src[0]) {
		buf_add(out, src + 1, len - 2);
		return 1;
	}
	/* a number or boolean literal (${env:WAIT, 10}) is typed as one */
	if ((len && strspn(src, "0123456789.-") == len) || !strcmp(src, "true") ||
	    !strcmp(src, "false")) {
		buf_adds(out, src);
		cJSON_Delete(s->literal);
		s->literal = src[0] == 't' || src[0] == 'f'
			? cJSON_CreateBool(src[0] == 't') : cJSON_CreateNumber(atof(src));
		s->typed = s->literal;
		return 1;
	}
	const char *v = NULL;
	if (!strcmp(src, "opt:stage"))
		v = s->opt ? s->opt->stage : NULL;
	else if (!strcmp(src, "opt:region"))
		v = s->opt ? s->opt->region : NULL;
	else if (!strcmp(src, "sls:stage"))
		v = s->stage;
	else if (!strcmp(src, "aws:region"))
		v = s->region;
	else if (!strcmp(src, "aws:accountId"))
		v = s->lf->account;
	else if (!strncmp(src, "self:", 5))
		return self_value(s, src + 5, out, depth);
	if (v)
		buf_adds(out, v);
	return v != NULL;
}

/* The text between ${ and }: comma-separated sources, first one wins. */
static int resolve_ref(struct sls *s, const char *expr, struct buf *out,
		       int depth)
{
	if (depth > SLS_MAX_DEPTH || ++s->expansions > SLS_MAX_EXPANSIONS)
		return 0;
	char *copy = xstrdup(expr);
	int found = 0;
	for (char *p = copy; *p && !found;) {
		size_t n = strcspn(p, ",");
		char *end = p + n;
		int last = !*end;
		*end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		for (char *t = end; t > p && isspace((unsigned char)t[-1]);)
			*--t = '\0';
		size_t before = out->len;
		found = resolve_source(s, p, out, depth);
		if (!found)
			buf_truncate(out, before);
		p = last ? end : end + 1;
	}
	free(copy);
	return found;
}

/* Copies text to out with every ${...} it can resolve replaced; nested
 * references resolve innermost first. */
static size_t resolve_from(struct sls *s, const char *t, size_t i,
			   struct buf *out, int depth, int in_ref)
{
	while (t[i]) {
		if (in_ref && t[i] == '}')
			return i;
		if (t[i] == '$' && t[i + 1] == '{' && depth < SLS_MAX_DEPTH) {
			struct buf inner = BUF_INIT;
			size_t end = resolve_from(s, t, i + 2, &inner, depth + 1, 1);
			if (!t[end]) { /* unterminated: keep as written */
				buf_add(out, t + i, end - i);
				buf_release(&inner);
				return end;
			}
			if (!resolve_ref(s, inner.ptr, out, depth))
				buf_addf(out, "${%s}", inner.ptr);
			buf_release(&inner);
			i = end + 1;
			continue;
		}
		buf_addc(out, t[i++]);
	}
	return i;
}

static void resolve_text(struct sls *s, const char *text, struct buf *out,
			 int depth)
{
	resolve_from(s, text, 0, out, depth, 0);
}

/* Whether text is one reference and nothing else ("${self:a}").  Finding
 * its end resolves what it holds, at the caller's depth: a value that
 * refers to itself stops at SLS_MAX_DEPTH (at 1 each time, it recursed
 * until the stack ran out). */
static int whole_reference(struct sls *s, const char *text, int depth)
{
	struct buf inner = BUF_INIT;
	size_t end = strncmp(text, "${", 2) ? 0
		     : resolve_from(s, text, 2, &inner, depth + 1, 1);
	buf_release(&inner);
	return end && text[end] == '}' && !text[end + 1];
}

/* Rewrites every string value in the tree.  A value that is one reference
 * to a number or a boolean takes that type, as Serverless does
 * (TimeoutSeconds: ${self:custom.timeout} is a number).  Depth is bounded
 * by DOC_MAX_DEPTH, so the recursion is too. */
static void resolve_tree(struct sls *s, cJSON *node)
{
	for (cJSON *c = node->child; c; c = c->next)
		resolve_tree(s, c);
	if (!cJSON_IsString(node) || !strstr(node->valuestring, "${"))
		return;
	struct buf out = BUF_INIT;
	int whole = whole_reference(s, node->valuestring, 0);
	s->typed = NULL;
	resolve_text(s, node->valuestring, &out, 0);
	const cJSON *t = whole ? s->typed : NULL;
	if (t) {
		cJSON_free(node->valuestring);
		node->valuestring = NULL;
		node->type = (node->type & cJSON_StringIsConst) | (t->type & 0xFF);
		node->valuedouble = t->valuedouble;
		node->valueint = t->valueint;
	} else {
		cJSON_SetValuestring(node, out.ptr);
	}
	buf_release(&out);
}

/* ---- Lambda ARNs -------------------------------------------------------- */

/* serverless names a function's CloudFormation resource "<Name>LambdaFunction",
 * with '-' spelt Dash and '_' Underscore and the first letter upper-cased. */
static char *function_logical_id(const char *key)
{
	struct buf b = BUF_INIT;
	for (const char *p = key; *p; p++) {
		if (*p == '-')
			buf_adds(&b, "Dash");
		else if (*p == '_')
			buf_adds(&b, "Underscore");
		else
			buf_addc(&b, p == key ? (char)toupper((unsigned char)*p) : *p);
	}
	buf_adds(&b, "LambdaFunction");
	return buf_detach(&b, NULL);
}

static const cJSON *find_function(struct sls *s, const char *ref)
{
	const cJSON *fns = s->lf->functions;
	for (const cJSON *f = fns ? fns->child : NULL; f; f = f->next) {
		char *id = function_logical_id(f->string);
		int match = !strcmp(f->string, ref) || !strcmp(id, ref);
		free(id);
		if (match)
			return f;
	}
	return NULL;
}

static char *function_arn(struct sls *s, const cJSON *fn)
{
	struct buf b = BUF_INIT;
	const char *name = get_str(fn, "name");
	buf_addf(&b, "arn:aws:lambda:%s:%s:function:", s->region, s->lf->account);
	if (name)
		buf_adds(&b, name);
	else
		buf_addf(&b, "%s-%s-%s", s->lf->service ? s->lf->service : "service",
			 s->stage, fn->string);
	return buf_detach(&b, NULL);
}

/* {"Fn::GetAtt": [fn, "Arn"]} -> the function's ARN, anywhere in a
 * definition.  Recursion bounded by DOC_MAX_DEPTH. */
static void resolve_getatt(struct sls *s, struct doc *d, cJSON *node)
{
	for (cJSON *c = node->child; c; c = c->next) {
		const cJSON *ga = cJSON_IsObject(c) ? get(c, "Fn::GetAtt") : NULL;
		const cJSON *res = cJSON_IsArray(ga) ? ga->child : NULL;
		const cJSON *fn = cJSON_IsString(res) ? find_function(s, res->valuestring) : NULL;
		if (!fn || !res->next || !cJSON_IsString(res->next) ||
		    strcmp(res->next->valuestring, "Arn")) {
			resolve_getatt(s, d, c);
			continue;
		}
		char *arn = function_arn(s, fn);
		cJSON *repl = cJSON_CreateString(arn);
		free(arn);
		doc_set_pos(d, repl, doc_pos(d, c), doc_key_pos(d, c));
		if (c->string) /* ReplaceItemViaPointer keeps no member name */
			repl->string = jsonmem_strdup(c->string);
		cJSON_ReplaceItemViaPointer(node, c, repl);
		c = repl;
	}
}

/* ---- machines ------------------------------------------------------------ */

static void add_route(struct loaded_file *lf, struct loaded_machine *m,
		      const cJSON *http)
{
	struct loader_route r = { 0 };
	r.pos = doc_pos(lf->doc, http);
	r.action = "StartExecution";
	if (cJSON_IsString(http)) { /* "POST action/start" */
		char *text = xstrdup(http->valuestring);
		char *sp = strchr(text, ' ');
		if (sp)
			*sp++ = '\0';
		r.method = loader_own_(lf, text);
		r.path = sp ? sp : "";
	} else {
		r.method = get_str(http, "method");
		r.path = get_str(http, "path");
		if (get_str(http, "action"))
			r.action = get_str(http, "action");
		r.api_key_required = cJSON_IsTrue(get(http, "private"));
	}
	if (!r.method || !r.path)
		return;
	while (*r.path == '/')
		r.path++;
	m->routes = xrealloc(m->routes, size_mul(m->nr_routes + 1, sizeof(r)));
	m->routes[m->nr_routes++] = r;
}

/* definition: ${file(path)} or ${file(path):a.b}, the definition kept in a
 * file beside this one (loader_local_doc_).  Returns its root or the member
 * the key names; NULL when it is not there (reported). */
static const cJSON *definition_file(struct sls *s, const cJSON *ref,
				    struct doc **where,
				    struct diag_list *diags)
{
	const char *t = ref->valuestring;
	size_t n = strlen(t);
	if (strncmp(t, "${file(", 7) || t[n - 1] != '}' || !strchr(t, ')'))
		return NULL;
	const char *close = strchr(t, ')');
	char *rel = xstrndup(t + 7, (size_t)(close - t - 7));
	char *key = close[1] == ':' ? xstrndup(close + 2, n - 1 - (size_t)(close + 2 - t))
				    : NULL;
	struct doc *d = loader_local_doc_(s->lf, rel, doc_pos(s->lf->doc, ref),
					  "definition file", diags);
	if (d)
		resolve_tree(s, d->root);
	const cJSON *v = d ? d->root : NULL;
	for (char *k = key; v && k && *k;) {
		size_t len = strcspn(k, ".");
		char save = k[len];
		k[len] = '\0';
		v = get(v, k);
		k += len + (save != '\0');
	}
	free(rel);
	free(key);
	if (d)
		*where = d;
	return v;
}

static void add_machine(struct sls *s, const cJSON *decl,
			struct diag_list *diags)
{
	struct loaded_file *lf = s->lf;
	const cJSON *def = get(decl, "definition");
	struct doc *where = lf->doc;
	if (cJSON_IsString(def)) {
		size_t errors = diags->errors, warnings = diags->warnings;
		def = definition_file(s, def, &where, diags);
		if (!def && (diags->errors != errors || diags->warnings != warnings)) {
			s->skipped++;
			return;
		}
	}
	if (!cJSON_IsObject(def)) {
		diag_error(diags, doc_key_pos(lf->doc, decl), "load/no-definition",
			   "state machine '%s' has no definition object",
			   decl->string);
		return;
	}
	struct loaded_machine *m = loader_add_machine_(lf);
	m->name = decl->string;
	m->deployed_name = get_str(decl, "name");
	if (get_str(decl, "type"))
		m->type = get_str(decl, "type");
	m->definition = def;
	m->doc = where;
	m->pos = doc_key_pos(lf->doc, decl);
	m->notifications = get(decl, "notifications");
	const cJSON *events = get(decl, "events");
	for (const cJSON *e = cJSON_IsArray(events) ? events->child : NULL; e; e = e->next)
		if (get(e, "http"))
			add_route(lf, m, get(e, "http"));
	resolve_getatt(s, where, (cJSON *)def);
	/* other intrinsics (Ref, Fn::Sub, Fn::Join...) the plugin passes to
	 * CloudFormation: resolved as a template's are */
	struct loader_cfn_env env = { lf, s->region, NULL, NULL };
	loader_intrinsics_(&env, (cJSON *)def);
}

static const char *provider_value(struct sls *s, const char *name,
				  const char *dflt)
{
	const char *v = get_str(get(s->root, "provider"), name);
	if (!v)
		return dflt;
	struct buf out = BUF_INIT;
	resolve_text(s, v, &out, 0);
	if (strstr(out.ptr, "${")) { /* e.g. ${env:STAGE} with no fallback */
		buf_release(&out);
		return dflt;
	}
	return loader_own_(s->lf, buf_detach(&out, NULL));
}

/* Moves src's members into dst as lodash's _.merge does: a mapping into a
 * mapping and a list into a list merge (lists index by index), anything
 * else replaces what dst held.  Consumes src.  Recursion bounded by the
 * document's depth (DOC_MAX_DEPTH). */
static void merge_into(cJSON *dst, cJSON *src)
{
	int lists = cJSON_IsArray(dst);
	cJSON *at = dst->child;
	while (src->child) {
		cJSON *v = cJSON_DetachItemViaPointer(src, src->child);
		cJSON *old = lists ? at : cJSON_GetObjectItemCaseSensitive(dst, v->string);
		at = at ? at->next : NULL;
		if (old && ((cJSON_IsObject(old) && cJSON_IsObject(v)) ||
			    (cJSON_IsArray(old) && cJSON_IsArray(v)))) {
			merge_into(old, v);
		} else if (old) {
			loader_become_(old, v);
		} else if (lists) {
			cJSON_AddItemToArray(dst, v);
		} else {
			cJSON_AddItemToObject(dst, v->string, v);
		}
	}
	cJSON_Delete(src);
}

/* What JavaScript takes for false: null, false, 0 and "". */
static int is_falsy(const cJSON *v)
{
	return cJSON_IsNull(v) || cJSON_IsFalse(v) ||
	       (cJSON_IsNumber(v) && v->valuedouble == 0) ||
	       (cJSON_IsString(v) && !v->valuestring[0]);
}

/* serverless also takes `functions` as a list of mappings (one per
 * included file: `- ${file(fns.yml)}`) and merges them in order
 * (Service.mergeArrays: lodash's _.merge; an empty item is passed over,
 * any other non-mapping refused).  The list becomes the merged mapping in
 * place, so every reader (ARNs here, the account's mocks) sees names.
 * Returns the mapping or NULL. */
static const cJSON *functions_map(struct doc *d, cJSON *fns, struct diag_list *diags)
{
	if (!cJSON_IsArray(fns))
		return cJSON_IsObject(fns) ? fns : NULL;
	cJSON *merged = cJSON_CreateObject();
	while (fns->child) {
		cJSON *part = fns->child;
		if (!cJSON_IsObject(part) && !is_falsy(part))
			diag_error(diags, doc_pos(d, part), "load/functions-item",
				   "an item of the functions list is not a mapping of "
				   "functions");
		part = cJSON_DetachItemViaPointer(fns, part);
		if (cJSON_IsObject(part))
			merge_into(merged, part);
		else
			cJSON_Delete(part);
	}
	loader_become_(fns, merged);
	return fns;
}

int loader_serverless_(struct loaded_file *lf, const struct loader_options *opt,
		       struct diag_list *diags)
{
	struct sls s = { lf, lf->doc->root, opt, NULL, NULL, 0, NULL, NULL, 0 };
	lf->kind = LOADER_SERVERLESS;
	s.stage = opt && opt->stage ? opt->stage : provider_value(&s, "stage", "dev");
	s.region = opt && opt->region ? opt->region :
					provider_value(&s, "region", "us-east-1");
	resolve_tree(&s, lf->doc->root);
	const cJSON *provider = get(s.root, "provider");
	lf->service = get_str(s.root, "service");
	lf->stage = s.stage;
	lf->region = s.region;
	lf->functions = functions_map(lf->doc, cJSON_GetObjectItemCaseSensitive(
					      lf->doc->root, "functions"), diags);
	/* Serverless v3 moved these under provider.apiGateway; v1/v2 files
	 * (the reference course) have them directly under provider. */
	const cJSON *apigw = get(provider, "apiGateway");
	lf->api_keys = get(apigw, "apiKeys") ? get(apigw, "apiKeys") :
						get(provider, "apiKeys");
	lf->usage_plan = get(apigw, "usagePlan") ? get(apigw, "usagePlan") :
						    get(provider, "usagePlan");
	const cJSON *machines = get(get(s.root, "stepFunctions"), "stateMachines");
	for (const cJSON *m = cJSON_IsObject(machines) ? machines->child : NULL; m;
	     m = m->next)
		add_machine(&s, m, diags);
	cJSON_Delete(s.literal);
	if (!lf->nr_machines && s.skipped)
		return diags->errors ? -1 : 0;
	if (!lf->nr_machines)
		return diag_error(diags, doc_pos(lf->doc, s.root), "load/no-machine",
				  "no state machine here: this serverless file "
				  "has no stepFunctions.stateMachines");
	return 0;
}
