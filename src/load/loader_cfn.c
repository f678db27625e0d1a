/* loader_cfn.c - CloudFormation and SAM templates.
 * AWS::StepFunctions::StateMachine takes Definition (an object) or
 * DefinitionString (JSON text, often inside Fn::Sub or Fn::Join);
 * AWS::Serverless::StateMachine takes Definition or DefinitionUri (a file
 * beside the template).  JSON text embedded in the template is parsed with
 * positions mapped back onto the template's own lines, and ${Name}
 * placeholders are filled from Fn::Sub variables, DefinitionSubstitutions and
 * the pseudo parameters; anything else (${Resource.Arn}) stays as written.
 * API Gateway methods integrated with Step Functions become the routes of
 * the machines they start, as serverless `http` events do. */
#include "loader_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

struct cfn {
	struct loaded_file *lf;
	const struct loader_options *opt;
	struct diag_list *diags;
	const char *region;
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

/* ---- ${Name} substitution ------------------------------------------------ */

static const char *pseudo_param(struct cfn *c, const char *name)
{
	if (!strcmp(name, "AWS::Region"))
		return c->region;
	if (!strcmp(name, "AWS::AccountId"))
		return c->lf->account;
	if (!strcmp(name, "AWS::Partition"))
		return "aws";
	if (!strcmp(name, "AWS::URLSuffix"))
		return "amazonaws.com";
	return NULL;
}

/* Fills ${Name} from vars (an object of strings), subs (idem) and pseudo
 * parameters; ${!Literal} becomes ${Literal}, as Fn::Sub defines. */
static void substitute(struct cfn *c, const char *text, const cJSON *vars,
		       const cJSON *subs, struct buf *out)
{
	for (const char *p = text; *p;) {
		const char *open = strstr(p, "${");
		const char *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			buf_adds(out, p);
			return;
		}
		buf_add(out, p, (size_t)(open - p));
		char *name = xstrndup(open + 2, (size_t)(close - open - 2));
		const char *v = name[0] == '!' ? NULL : get_str(vars, name);
		if (!v && name[0] != '!')
			v = get_str(subs, name);
		if (!v && name[0] != '!')
			v = pseudo_param(c, name);
		if (v)
			buf_adds(out, v);
		else if (name[0] == '!')
			buf_addf(out, "${%s}", name + 1);
		else
			buf_add(out, open, (size_t)(close - open + 1));
		free(name);
		p = close + 1;
	}
}

static void substitute_tree(struct cfn *c, cJSON *node, const cJSON *vars,
			    const cJSON *subs)
{
	for (cJSON *k = node->child; k; k = k->next)
		substitute_tree(c, k, vars, subs);
	if (!cJSON_IsString(node) || !strstr(node->valuestring, "${"))
		return;
	struct buf out = BUF_INIT;
	substitute(c, node->valuestring, vars, subs, &out);
	cJSON_SetValuestring(node, out.ptr);
	buf_release(&out);
}

/* ---- embedded JSON text --------------------------------------------------- */

/* Where the text of a string value starts in the template. */
struct origin {
	struct pos at; /* the scalar's start (its quote or block indicator) */
	int block;     /* a YAML block scalar: text starts on the next line */
	unsigned indent; /* columns of block indentation */
};

static struct pos map_pos(struct pos p, void *ctx)
{
	const struct origin *o = ctx;
	if (!p.line)
		return p;
	if (o->block)
		return (struct pos){ o->at.file, o->at.line + p.line, o->indent + p.col };
	if (p.line == 1)
		return (struct pos){ o->at.file, o->at.line, o->at.col + p.col };
	return (struct pos){ o->at.file, o->at.line + p.line - 1, p.col };
}

/* Reads the template text at the scalar to tell a block scalar (| or >)
 * and its indentation. */
static struct origin origin_of(const struct doc *d, const cJSON *str)
{
	struct origin o = { doc_pos(d, str), 0, 0 };
	const char *t = d->text.ptr;
	unsigned line = 1;
	size_t i = 0;
	while (t[i] && line < o.at.line)
		line += t[i++] == '\n';
	size_t start = i + (o.at.col ? o.at.col - 1 : 0);
	/* a tag (!Sub) or anchor may stand before the block indicator */
	while (start < d->text.len && (t[start] == '!' || t[start] == '&')) {
		start += strcspn(t + start, " \t\n");
		start += strspn(t + start, " \t");
	}
	if (start < d->text.len && (t[start] == '|' || t[start] == '>')) {
		o.block = 1;
		const char *next = strchr(t + start, '\n');
		while (next && next[1] == '\n')
			next++;
		o.indent = next ? (unsigned)strspn(next + 1, " ") : 0;
	}
	return o;
}

/* Parses JSON text that came from string 'str' of the template. */
static struct doc *parse_embedded(struct cfn *c, const cJSON *str,
				  const char *text)
{
	struct loaded_file *lf = c->lf;
	struct doc *d = loader_add_doc_(lf, doc_new(lf->doc->path));
	struct origin o = origin_of(lf->doc, str);
	struct diag_list local = DIAG_LIST_INIT;
	int r = doc_parse(d, text, strlen(text), DOC_JSON, &local);
	doc_remap(d, map_pos, &o);
	for (size_t i = 0; i < local.nr; i++) {
		struct diag *g = &local.items[i];
		diag_error(c->diags, map_pos(g->pos, &o), g->rule,
			   "in the definition text: %s", g->message);
	}
	diag_list_release(&local);
	return r ? NULL : d;
}

/* The text of DefinitionString: a string, Fn::Sub (string or [string,
 * vars]) or Fn::Join of strings.  Sets *vars to Fn::Sub's variables. */
static const cJSON *definition_text(const cJSON *ds, const cJSON **vars,
				    struct buf *joined)
{
	*vars = NULL;
	if (cJSON_IsString(ds))
		return ds;
	const cJSON *sub = get(ds, "Fn::Sub");
	if (cJSON_IsString(sub))
		return sub;
	if (cJSON_IsArray(sub) && cJSON_IsString(sub->child)) {
		*vars = sub->child->next;
		return sub->child;
	}
	const cJSON *join = get(ds, "Fn::Join");
	if (!cJSON_IsArray(join) || !cJSON_IsString(join->child) ||
	    !cJSON_IsArray(join->child->next))
		return NULL;
	const char *sep = join->child->valuestring;
	const cJSON *parts = join->child->next, *first = NULL;
	for (const cJSON *p = parts->child; p; p = p->next) {
		if (p != parts->child)
			buf_adds(joined, sep);
		if (cJSON_IsString(p))
			buf_adds(joined, p->valuestring);
		else if (get_str(p, "Ref"))
			buf_addf(joined, "${%s}", get_str(p, "Ref"));
		if (!first)
			first = p;
	}
	return first;
}

static const cJSON *load_definition_string(struct cfn *c, const cJSON *ds,
					   const cJSON *subs,
					   const struct doc **where)
{
	const cJSON *vars;
	struct buf joined = BUF_INIT;
	const cJSON *str = definition_text(ds, &vars, &joined);
	if (!str) {
		buf_release(&joined);
		diag_error(c->diags, doc_pos(c->lf->doc, ds), "load/definition-string",
			   "DefinitionString must be a string, Fn::Sub or Fn::Join");
		return NULL;
	}
	struct doc *d = parse_embedded(c, str, joined.len ? joined.ptr : str->valuestring);
	buf_release(&joined);
	if (!d)
		return NULL;
	substitute_tree(c, d->root, vars, subs);
	*where = d;
	return d->root;
}

/* DefinitionUri: a local file beside the template, never outside its
 * folder (no absolute path, no "..").  S3 locations cannot be read offline. */
static const cJSON *load_definition_uri(struct cfn *c, const cJSON *uri,
					const cJSON *subs,
					const struct doc **where)
{
	const char *rel = cJSON_IsString(uri) ? uri->valuestring : NULL;
	struct pos at = doc_pos(c->lf->doc, uri);
	if (!rel) {
		diag_error(c->diags, at, "load/definition-uri",
			   "DefinitionUri points at S3, which stepbook cannot "
			   "read offline: use a local file");
		return NULL;
	}
	if (rel[0] == '/' || strstr(rel, "..") || strstr(rel, "://")) {
		diag_error(c->diags, at, "load/definition-uri",
			   "DefinitionUri '%s' must be a relative path inside "
			   "the template's folder", rel);
		return NULL;
	}
	const char *tpl = c->lf->doc->path, *slash = strrchr(tpl, '/');
	struct buf path = BUF_INIT;
	if (slash)
		buf_add(&path, tpl, (size_t)(slash - tpl + 1));
	buf_adds(&path, rel);
	struct doc *d = loader_add_doc_(c->lf, doc_new(path.ptr));
	buf_release(&path);
	if (doc_load(d, c->diags))
		return NULL;
	substitute_tree(c, d->root, NULL, subs);
	*where = d;
	return d->root;
}

/* ---- resources ------------------------------------------------------------- */

static void add_machine(struct cfn *c, const cJSON *res, int sam)
{
	const cJSON *props = get(res, "Properties");
	const cJSON *subs = get(props, "DefinitionSubstitutions");
	const struct doc *where = c->lf->doc;
	const cJSON *def = get(props, "Definition");
	if (def)
		substitute_tree(c, (cJSON *)def, NULL, subs);
	else if (!sam && get(props, "DefinitionString"))
		def = load_definition_string(c, get(props, "DefinitionString"), subs, &where);
	else if (sam && get(props, "DefinitionUri"))
		def = load_definition_uri(c, get(props, "DefinitionUri"), subs, &where);
	else
		diag_error(c->diags, doc_key_pos(c->lf->doc, res), "load/no-definition",
			   "state machine '%s' has no %s", res->string,
			   sam ? "Definition or DefinitionUri" :
				 "Definition or DefinitionString");
	if (!def)
		return;
	struct loaded_machine *m = loader_add_machine_(c->lf);
	m->name = res->string;
	m->deployed_name = get_str(props, sam ? "Name" : "StateMachineName");
	const char *type = get_str(props, sam ? "Type" : "StateMachineType");
	if (type)
		m->type = type;
	m->definition = def;
	m->doc = where;
	m->pos = doc_key_pos(c->lf->doc, res);
}

/* ---- API Gateway methods that call Step Functions ----------------------- */

/* The text of a string, or of Fn::Sub's string (its variables left). */
static const char *sub_text(const cJSON *v)
{
	const cJSON *sub = get(v, "Fn::Sub");
	if (cJSON_IsArray(sub))
		sub = sub->child;
	v = sub ? sub : v;
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The URL path of the AWS::ApiGateway::Resource 'id' refers to, following
 * ParentId up to the API's root (a reference to anything else, such as
 * RootResourceId).  A cycle ends at the bound. */
static void resource_path(const cJSON *resources, const cJSON *id,
			  struct buf *out, int depth)
{
	const cJSON *ref = get(id, "Ref");
	const cJSON *props = cJSON_IsString(ref)
		? get(get(resources, ref->valuestring), "Properties") : NULL;
	const char *part = get_str(props, "PathPart");
	if (!part || depth > 32)
		return;
	resource_path(resources, get(props, "ParentId"), out, depth + 1);
	if (out->len)
		buf_addc(out, '/');
	buf_adds(out, part);
}

/* The machine a method starts: the one its request template names as
 * ${Logical} (or ${Logical.Name}...), else the template's only machine. */
static struct loaded_machine *method_machine(struct loaded_file *lf,
					     const cJSON *integration)
{
	const cJSON *tmpl;
	cJSON_ArrayForEach(tmpl, get(integration, "RequestTemplates")) {
		const char *text = sub_text(tmpl);
		for (size_t i = 0; i < lf->nr_machines; i++) {
			size_t n = strlen(lf->machines[i].name);
			for (const char *p = strstr(text, "${"); p; p = strstr(p + 2, "${"))
				if (!strncmp(p + 2, lf->machines[i].name, n) &&
				    (p[2 + n] == '}' || p[2 + n] == '.'))
					return &lf->machines[i];
		}
	}
	return lf->nr_machines == 1 ? &lf->machines[0] : NULL;
}

/* An AWS::ApiGateway::Method whose integration is a Step Functions action
 * (arn:aws:apigateway:REGION:states:action/StartExecution) is a route of
 * the machine it names, as a serverless `http` event is. */
static void add_method_route(struct cfn *c, const cJSON *resources,
			     const cJSON *res)
{
	static const char marker[] = ":states:action/";
	const cJSON *props = get(res, "Properties");
	const cJSON *integration = get(props, "Integration");
	const char *action = strstr(sub_text(get(integration, "Uri")), marker);
	const char *method = get_str(props, "HttpMethod");
	struct loaded_machine *m = method_machine(c->lf, integration);
	if (!action || !method || !m)
		return;
	struct buf path = BUF_INIT;
	resource_path(resources, get(props, "ResourceId"), &path, 0);
	struct loader_route r = { 0 };
	r.method = method;
	r.path = loader_own_(c->lf, buf_detach(&path, NULL));
	r.action = action + sizeof(marker) - 1;
	r.api_key_required = cJSON_IsTrue(get(props, "ApiKeyRequired"));
	r.pos = doc_key_pos(c->lf->doc, res);
	m->routes = xrealloc(m->routes, size_mul(m->nr_routes + 1, sizeof(r)));
	m->routes[m->nr_routes++] = r;
}

/* Routes of every method, and the stage their deployment names. */
static void add_api(struct cfn *c, const cJSON *resources)
{
	for (const cJSON *r = resources->child; r; r = r->next) {
		const char *type = get_str(r, "Type");
		const char *stage = get_str(get(r, "Properties"), "StageName");
		if (type && !strcmp(type, "AWS::ApiGateway::Method"))
			add_method_route(c, resources, r);
		else if (type && !strcmp(type, "AWS::ApiGateway::Deployment") && stage)
			c->lf->stage = stage;
	}
}

int loader_cloudformation_(struct loaded_file *lf,
			   const struct loader_options *opt,
			   struct diag_list *diags)
{
	struct cfn c = { lf, opt, diags, opt && opt->region ? opt->region : "us-east-1" };
	lf->kind = LOADER_CLOUDFORMATION;
	const cJSON *resources = get(lf->doc->root, "Resources");
	size_t errors = diags->errors;
	for (const cJSON *r = cJSON_IsObject(resources) ? resources->child : NULL; r;
	     r = r->next) {
		const char *type = get_str(r, "Type");
		if (type && !strcmp(type, "AWS::StepFunctions::StateMachine"))
			add_machine(&c, r, 0);
		else if (type && !strcmp(type, "AWS::Serverless::StateMachine"))
			add_machine(&c, r, 1);
	}
	if (lf->nr_machines)
		add_api(&c, resources);
	if (!lf->nr_machines && diags->errors == errors)
		return diag_error(diags, doc_pos(lf->doc, lf->doc->root),
				  "load/no-machine",
				  "no state machine here: this template has no "
				  "AWS::StepFunctions::StateMachine or "
				  "AWS::Serverless::StateMachine resource");
	return lf->nr_machines ? 0 : -1;
}
