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
	struct loader_cfn_env env;
	size_t skipped; /* machines whose definition is on S3: noted, not loaded */
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

/* ---- embedded JSON text --------------------------------------------------- */

/* Where the bytes of a definition text came from in the template: traced
 * byte by byte (doc_string_map) when the scalar's source rebuilds its
 * value, else estimated from where the scalar starts. */
struct origin {
	const char *text;  /* borrowed: the text parsed */
	struct pos *at;    /* owned; one per byte of text and its end, or NULL */
	size_t *lines;     /* owned; where each line of text starts */
	size_t nlines, len;
	struct pos start;  /* the scalar's start (its quote or block indicator) */
	int block;         /* a YAML block scalar: text starts on the next line */
	unsigned indent;   /* columns of block indentation */
};

static struct pos map_pos(struct pos p, void *ctx)
{
	const struct origin *o = ctx;
	if (!p.line)
		return p;
	if (o->at && p.line <= o->nlines) {
		size_t i = o->lines[p.line - 1];
		for (unsigned col = 1; i < o->len && col < p.col; col++)
			for (i++; i < o->len && ((unsigned char)o->text[i] & 0xC0) == 0x80;)
				i++;
		return o->at[i];
	}
	if (o->block)
		return (struct pos){ o->start.file, o->start.line + p.line, o->indent + p.col };
	if (p.line == 1)
		return (struct pos){ o->start.file, o->start.line, o->start.col + p.col };
	return (struct pos){ o->start.file, o->start.line + p.line - 1, p.col };
}

/* The estimate: reads the template at the scalar to tell a block scalar
 * (| or >) and its indentation. */
static void origin_estimate(struct origin *o, const struct doc *d, const cJSON *str)
{
	o->start = doc_pos(d, str);
	const char *t = d->text.ptr;
	unsigned line = 1;
	size_t i = 0;
	while (t[i] && line < o->start.line)
		line += t[i++] == '\n';
	size_t start = i + (o->start.col ? o->start.col - 1 : 0);
	/* a tag (!Sub) or anchor may stand before the block indicator */
	while (start < d->text.len && (t[start] == '!' || t[start] == '&')) {
		start += strcspn(t + start, " \t\n");
		start += strspn(t + start, " \t");
	}
	if (start < d->text.len && (t[start] == '|' || t[start] == '>')) {
		o->block = 1;
		const char *next = strchr(t + start, '\n');
		while (next && next[1] == '\n')
			next++;
		o->indent = next ? (unsigned)strspn(next + 1, " ") : 0;
	}
}

static void origin_lines(struct origin *o, const char *text)
{
	size_t alloc = 0;
	o->text = text;
	o->len = strlen(text);
	ARRAY_GROW(o->lines, 1, alloc);
	o->lines[o->nlines++] = 0;
	for (size_t i = 0; i < o->len; i++)
		if (text[i] == '\n') {
			ARRAY_GROW(o->lines, o->nlines + 1, alloc);
			o->lines[o->nlines++] = i + 1;
		}
}

static void origin_release(struct origin *o)
{
	free(o->at);
	free(o->lines);
}

/* Appends to a joined text's map the n bytes that 'from' wrote (a part,
 * or the separator): traced when they are a string's own text, else the
 * node's place (an intrinsic's placeholder).  A string's map holds one
 * place per byte of its text and no more, so it serves only for exactly
 * those bytes. */
static void map_part(const struct doc *d, const cJSON *from, size_t n,
		     struct pos **at, size_t *len, size_t *alloc)
{
	struct pos *m = cJSON_IsString(from) && strlen(from->valuestring) == n
		? doc_string_map(d, from) : NULL;
	ARRAY_GROW(*at, *len + n + 1, *alloc);
	for (size_t k = 0; k < n; k++)
		(*at)[*len + k] = m ? m[k] : doc_pos(d, from);
	*len += n;
	free(m);
}

/* JSON text may hold a placeholder where a value goes ("Seconds": ${Wait}),
 * which Fn::Sub or DefinitionSubstitutions fill before anything parses it.
 * Each becomes a string of the same length, "\001Wait", so positions stay
 * put; fill_bare() turns it into the value once the text is parsed. */
static char *mark_bare(const char *text)
{
	char *s = xstrdup(text);
	int in_string = 0;
	for (char *p = s; *p; p++) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_string = 0;
		} else if (*p == '"') {
			in_string = 1;
		} else if (p[0] == '$' && p[1] == '{') {
			size_t n = strcspn(p + 2, "}\"\n");
			if (p[2 + n] != '}' || !n)
				continue;
			p[0] = '"';
			p[1] = '\001';
			p[2 + n] = '"';
			p += 2 + n;
		}
	}
	return s;
}

/* The bare placeholders of mark_bare, filled as the text substitution
 * would: the JSON value the substitution spells ("30", "true", "\"x\"",
 * "{...}"), else the text itself.  Depth bounded by DOC_MAX_DEPTH. */
static void fill_bare(struct cfn *c, cJSON *node, const cJSON *vars)
{
	for (cJSON *k = node->child; k; k = k->next)
		fill_bare(c, k, vars);
	if (!cJSON_IsString(node) || node->valuestring[0] != '\001')
		return;
	struct buf name = BUF_INIT, out = BUF_INIT;
	buf_addf(&name, "${%s}", node->valuestring + 1);
	loader_substitute_(&c->env, name.ptr, vars, &out);
	cJSON *v = cJSON_Parse(out.ptr);
	if (v)
		loader_become_(node, v);
	else
		cJSON_SetValuestring(node, out.ptr);
	buf_release(&name);
	buf_release(&out);
}

/* Parses definition text that came from the template (o says from where). */
static struct doc *parse_embedded(struct cfn *c, struct origin *o,
				  const char *text, const cJSON *vars)
{
	struct loaded_file *lf = c->lf;
	struct doc *d = loader_add_doc_(lf, doc_new(lf->doc->path));
	struct diag_list local = DIAG_LIST_INIT;
	char *marked = mark_bare(text);
	origin_lines(o, marked);
	int r = doc_parse(d, marked, strlen(marked), DOC_JSON, &local);
	doc_remap(d, map_pos, o);
	for (size_t i = 0; i < local.nr; i++) {
		struct diag *g = &local.items[i];
		diag_error(c->diags, map_pos(g->pos, o), g->rule,
			   "in the definition text: %s", g->message);
	}
	diag_list_release(&local);
	free(marked);
	if (r)
		return NULL;
	fill_bare(c, d->root, vars);
	if (o->at) { /* traced exactly: strings of d can be traced to the template */
		d->origin = o->at;
		o->at = NULL;
	}
	return d;
}

/* The text of DefinitionString and where its bytes come from: a string,
 * Fn::Sub (string or [string, vars]) or Fn::Join (of strings and
 * intrinsics, as CDK writes it).  Sets *vars to Fn::Sub's variables.
 * Returns 0, or -1 when it is none of these. */
static int definition_text(struct cfn *c, const cJSON *ds, const cJSON **vars,
			   struct buf *text, struct origin *o)
{
	const struct doc *d = c->lf->doc;
	const cJSON *sub = get(ds, "Fn::Sub"), *str = ds;
	*vars = NULL;
	if (cJSON_IsArray(sub) && cJSON_IsString(sub->child)) {
		*vars = sub->child->next;
		str = sub->child;
	} else if (sub) {
		str = sub;
	}
	if (cJSON_IsString(str)) {
		buf_adds(text, str->valuestring);
		o->at = doc_string_map(d, str);
		origin_estimate(o, d, str);
		return 0;
	}
	const cJSON *join = get(ds, "Fn::Join");
	if (!cJSON_IsArray(join) || !cJSON_IsString(join->child) ||
	    !cJSON_IsArray(join->child->next))
		return -1;
	const cJSON *sep = join->child, *parts = join->child->next;
	size_t len = 0, alloc = 0;
	for (const cJSON *p = parts->child; p; p = p->next) {
		size_t before = text->len;
		if (p != parts->child) {
			buf_adds(text, sep->valuestring);
			map_part(d, sep, text->len - before, &o->at, &len, &alloc);
			before = text->len;
		}
		if (loader_intrinsic_text_(&c->env, p, text) < 0)
			buf_adds(text, "${Fn::Join}");
		map_part(d, p, text->len - before, &o->at, &len, &alloc);
	}
	if (!o->at)
		return -1;
	o->at[len] = doc_pos(d, join);
	o->start = o->at[0];
	return 0;
}

static const cJSON *load_definition_string(struct cfn *c, const cJSON *ds,
					   const struct doc **where)
{
	const cJSON *vars;
	struct buf text = BUF_INIT;
	struct origin o = { 0 };
	if (definition_text(c, ds, &vars, &text, &o) < 0) {
		buf_release(&text);
		origin_release(&o);
		diag_error(c->diags, doc_pos(c->lf->doc, ds), "load/definition-string",
			   "DefinitionString must be a string, Fn::Sub or Fn::Join");
		return NULL;
	}
	struct doc *d = parse_embedded(c, &o, text.ptr, vars);
	buf_release(&text);
	origin_release(&o);
	if (!d)
		return NULL;
	loader_substitute_tree_(&c->env, d->root, vars);
	*where = d;
	return d->root;
}

/* A definition on S3 (DefinitionS3Location, a DefinitionUri object or
 * s3:// URI): a note, since only the deployment can read it. */
static void note_s3(struct cfn *c, const cJSON *res, const cJSON *where,
		    const char *field)
{
	diag_add(c->diags, doc_pos(c->lf->doc, where), SEV_NOTE, "load/definition-s3",
		 "the %s of state machine '%s' is on S3: not checked offline",
		 field, res->string);
	c->skipped++;
}

/* DefinitionUri: a local file beside the template (loader_local_doc_), or
 * S3. */
static const cJSON *load_definition_uri(struct cfn *c, const cJSON *res,
					const cJSON *uri, const struct doc **where)
{
	const char *rel = cJSON_IsString(uri) ? uri->valuestring : NULL;
	if (!rel || !strncmp(rel, "s3://", 5) || !strncmp(rel, "https://", 8)) {
		note_s3(c, res, uri, "DefinitionUri");
		return NULL;
	}
	size_t errors = c->diags->errors;
	struct doc *d = loader_local_doc_(c->lf, rel, doc_pos(c->lf->doc, uri),
					  "DefinitionUri", c->diags);
	if (!d) {
		c->skipped += c->diags->errors == errors; /* not there: warned */
		return NULL;
	}
	loader_substitute_tree_(&c->env, d->root, NULL);
	*where = d;
	return d->root;
}

/* ---- resources ------------------------------------------------------------- */

static void add_machine(struct cfn *c, const cJSON *res, int sam)
{
	const cJSON *props = get(res, "Properties");
	const struct doc *where = c->lf->doc;
	cJSON *def = (cJSON *)get(props, "Definition");
	c->env.subs = get(props, "DefinitionSubstitutions");
	/* AWS::LanguageExtensions: DefinitionString: !ToJsonString {...} is the
	 * object itself, written as text at deploy time */
	if (!def && cJSON_IsObject(get(get(props, "DefinitionString"), "Fn::ToJsonString")))
		def = (cJSON *)get(get(props, "DefinitionString"), "Fn::ToJsonString");
	if (def) {
		loader_intrinsics_(&c->env, def);
		loader_substitute_tree_(&c->env, def, NULL);
	} else if (get(props, "DefinitionString")) {
		def = (cJSON *)load_definition_string(c, get(props, "DefinitionString"), &where);
	} else if (sam && get(props, "DefinitionUri")) {
		def = (cJSON *)load_definition_uri(c, res, get(props, "DefinitionUri"), &where);
	} else if (get(props, "DefinitionS3Location")) {
		note_s3(c, res, get(props, "DefinitionS3Location"), "DefinitionS3Location");
	} else {
		diag_error(c->diags, doc_key_pos(c->lf->doc, res), "load/no-definition",
			   "state machine '%s' has no %s", res->string,
			   sam ? "Definition or DefinitionUri" :
				 "Definition, DefinitionString or DefinitionS3Location");
	}
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
	struct cfn c = { lf, opt, diags, { lf, opt && opt->region ? opt->region : "us-east-1",
					  NULL, get(lf->doc->root, "Mappings") }, 0 };
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
	if (!lf->nr_machines && diags->errors == errors && !c.skipped)
		return diag_error(diags, doc_pos(lf->doc, lf->doc->root),
				  "load/no-machine",
				  "no state machine here: this template has no "
				  "AWS::StepFunctions::StateMachine or "
				  "AWS::Serverless::StateMachine resource");
	return lf->nr_machines || (c.skipped && diags->errors == errors) ? 0 : -1;
}
