/* loader_intrinsic.c - what CloudFormation resolves at deploy time, done
 * offline: ${Name} placeholders (Fn::Sub variables, DefinitionSubstitutions,
 * pseudo parameters) and intrinsic functions written inside a definition
 * ({"Ref": ...}, {"Fn::GetAtt": ...}, {"Fn::Join": ...}, !If, !Select...).
 * A value the template itself gives replaces the function (Fn::Join of
 * strings, Fn::Select of a literal list, Fn::FindInMap into Mappings, the
 * first branch of Fn::If); anything the deployment decides becomes a
 * placeholder string "${Logical.Attr}" that later checks treat as "filled at
 * deploy time".  Shared by loader_cfn.c and loader_sls.c (the
 * serverless-step-functions plugin passes intrinsics through to the stack).
 * Not here: reading templates (loader_cfn.c), serverless variables. */
#include "loader_impl.h"

#include <stdlib.h>
#include <string.h>

#include "jsonmem.h"
#include "xalloc.h"
#include "banned.h"

static const cJSON *get(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

static const char *pseudo_param(const struct loader_cfn_env *e, const char *name)
{
	if (!strcmp(name, "AWS::Region"))
		return e->region;
	if (!strcmp(name, "AWS::AccountId"))
		return e->lf->account;
	if (!strcmp(name, "AWS::Partition"))
		return "aws";
	if (!strcmp(name, "AWS::URLSuffix"))
		return "amazonaws.com";
	if (!strcmp(name, "AWS::NoValue"))
		return "";
	return NULL;
}

/* The intrinsic function an object is ("Ref", "Fn::Join"...): an object
 * with exactly one member named Ref or Fn::*.  NULL for anything else. */
const char *loader_intrinsic_name_(const cJSON *v)
{
	if (!cJSON_IsObject(v) || !v->child || v->child->next)
		return NULL;
	const char *k = v->child->string;
	return !strcmp(k, "Ref") || !strncmp(k, "Fn::", 4) ? k : NULL;
}

static int is_no_value(const cJSON *v)
{
	const cJSON *ref = get(v, "Ref");
	return loader_intrinsic_name_(v) && cJSON_IsString(ref) &&
	       !strcmp(ref->valuestring, "AWS::NoValue");
}

/* Fn::Select's index: a number or a numeric string. */
static int select_index(const cJSON *idx, long *out)
{
	char *end;
	if (cJSON_IsNumber(idx) && idx->valuedouble >= 0) {
		*out = (long)idx->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(idx) || !idx->valuestring[0])
		return -1;
	*out = strtol(idx->valuestring, &end, 10);
	return *end || *out < 0 ? -1 : 0;
}

/* The value Fn::FindInMap [Map, Top, Second] names when all three are
 * literal strings and the template's Mappings hold it; else NULL. */
static const cJSON *find_in_map(const struct loader_cfn_env *e, const cJSON *args)
{
	const cJSON *v = e->mappings;
	int n = 0;
	for (const cJSON *k = cJSON_IsArray(args) ? args->child : NULL; k && n < 3;
	     k = k->next, n++)
		v = cJSON_IsString(k) && cJSON_IsObject(v) ? get(v, k->valuestring) : NULL;
	return n == 3 ? v : NULL;
}

/* The branch Fn::If takes offline: the first one that is not AWS::NoValue
 * (a definition checked with the field present is checked more). */
static const cJSON *if_branch(const cJSON *args)
{
	const cJSON *a = cJSON_IsArray(args) && args->child ? args->child->next : NULL;
	if (!a)
		return NULL;
	return is_no_value(a) && a->next ? a->next : a;
}

static const cJSON *select_item(const cJSON *args)
{
	long i;
	const cJSON *list = cJSON_IsArray(args) && args->child ? args->child->next : NULL;
	if (!cJSON_IsArray(list) || select_index(args->child, &i) < 0)
		return NULL;
	return cJSON_GetArrayItem(list, i > 0x7fffffff ? -1 : (int)i);
}

static void sub_text(const struct loader_cfn_env *e, const cJSON *args,
		     struct buf *out, int depth);

/* ---- intrinsics as text ----------------------------------------------- */

/* Appends the text 'v' stands for: a scalar as CloudFormation stringifies
 * it, an intrinsic as far as the template decides it, a placeholder
 * "${...}" for what only the deployment knows.  Returns 0, or -1 for a
 * value that is no text (an object, a list).  Depth bounded by
 * DOC_MAX_DEPTH through the document, and by the counter. */
static int text_of(const struct loader_cfn_env *e, const cJSON *v,
		   struct buf *out, int depth)
{
	const char *fn = loader_intrinsic_name_(v);
	const cJSON *args = fn ? v->child : NULL;
	if (cJSON_IsString(v))
		buf_adds(out, v->valuestring);
	else if (cJSON_IsNumber(v))
		buf_addf(out, "%.17g", v->valuedouble);
	else if (cJSON_IsBool(v))
		buf_adds(out, cJSON_IsTrue(v) ? "true" : "false");
	else if (!fn || depth > DOC_MAX_DEPTH)
		return -1;
	else if (!strcmp(fn, "Ref") && cJSON_IsString(args) &&
		 pseudo_param(e, args->valuestring))
		buf_adds(out, pseudo_param(e, args->valuestring));
	else if (!strcmp(fn, "Ref") && cJSON_IsString(args))
		buf_addf(out, "${%s}", args->valuestring);
	else if (!strcmp(fn, "Fn::GetAtt") && cJSON_IsString(args))
		buf_addf(out, "${%s}", args->valuestring);
	else if (!strcmp(fn, "Fn::GetAtt") && cJSON_IsArray(args) &&
		 cJSON_IsString(args->child) && cJSON_IsString(args->child->next))
		buf_addf(out, "${%s.%s}", args->child->valuestring,
			 args->child->next->valuestring);
	else if (!strcmp(fn, "Fn::Sub"))
		sub_text(e, args, out, depth);
	else if (!strcmp(fn, "Fn::Join") && cJSON_IsArray(args) &&
		 cJSON_IsString(args->child) && cJSON_IsArray(args->child->next)) {
		const cJSON *list = args->child->next;
		for (const cJSON *p = list->child; p; p = p->next) {
			if (p != list->child)
				buf_adds(out, args->child->valuestring);
			if (text_of(e, p, out, depth + 1) < 0)
				buf_adds(out, "${Fn::Join}");
		}
	} else if (!strcmp(fn, "Fn::If") && if_branch(args))
		return is_no_value(if_branch(args)) ? 0
			: text_of(e, if_branch(args), out, depth + 1);
	else if (!strcmp(fn, "Fn::Select") && select_item(args))
		return text_of(e, select_item(args), out, depth + 1);
	else if (!strcmp(fn, "Fn::FindInMap") && find_in_map(e, args))
		return text_of(e, find_in_map(e, args), out, depth + 1);
	else if (cJSON_IsString(args))
		buf_addf(out, "${%s %s}", fn, args->valuestring);
	else
		buf_addf(out, "${%s}", fn);
	return 0;
}

/* Fills ${Name} from vars (values are text or intrinsics), the
 * DefinitionSubstitutions and the pseudo parameters; ${!Literal} becomes
 * ${Literal}, as Fn::Sub defines; anything else stays as written. */
static void substitute(const struct loader_cfn_env *e, const char *text,
		       const cJSON *vars, struct buf *out, int depth)
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
		const cJSON *v = name[0] == '!' ? NULL : get(vars, name);
		if (!v && name[0] != '!')
			v = get(e->subs, name);
		size_t before = out->len;
		if (name[0] == '!')
			buf_addf(out, "${%s}", name + 1);
		else if (v && text_of(e, v, out, depth + 1) == 0)
			;
		else if (pseudo_param(e, name))
			buf_adds(out, pseudo_param(e, name));
		else {
			buf_truncate(out, before);
			buf_add(out, open, (size_t)(close - open + 1));
		}
		free(name);
		p = close + 1;
	}
}

/* Fn::Sub: "text" or ["text", {vars}]. */
static void sub_text(const struct loader_cfn_env *e, const cJSON *args,
		     struct buf *out, int depth)
{
	if (cJSON_IsString(args))
		substitute(e, args->valuestring, NULL, out, depth);
	else if (cJSON_IsArray(args) && cJSON_IsString(args->child))
		substitute(e, args->child->valuestring, args->child->next, out, depth);
	else
		buf_adds(out, "${Fn::Sub}");
}

void loader_substitute_(const struct loader_cfn_env *e, const char *text,
			const cJSON *vars, struct buf *out)
{
	substitute(e, text, vars, out, 0);
}

int loader_intrinsic_text_(const struct loader_cfn_env *e, const cJSON *v,
			   struct buf *out)
{
	return text_of(e, v, out, 0);
}

/* The number or boolean a whole "${Name}" names in vars or the
 * substitutions (Timeout: 60), or NULL. */
static const cJSON *typed_value(const struct loader_cfn_env *e, const char *s,
				const cJSON *vars)
{
	size_t len = strlen(s);
	if (len < 4 || strncmp(s, "${", 2) || strcspn(s, "}") != len - 1)
		return NULL;
	char *name = xstrndup(s + 2, len - 3);
	const cJSON *v = get(vars, name) ? get(vars, name) : get(e->subs, name);
	free(name);
	return cJSON_IsNumber(v) || cJSON_IsBool(v) ? v : NULL;
}


/* A string that is one placeholder whose substitution is typed as a number
 * or a boolean takes that type: the substitution is textual, and
 * "TimeoutSeconds": ${Timeout} is how a template means it. */
void loader_substitute_tree_(const struct loader_cfn_env *e, cJSON *node,
			     const cJSON *vars)
{
	for (cJSON *k = node->child; k; k = k->next)
		loader_substitute_tree_(e, k, vars);
	if (!cJSON_IsString(node) || !strstr(node->valuestring, "${"))
		return;
	const cJSON *typed = typed_value(e, node->valuestring, vars);
	if (typed) {
		loader_become_(node, cJSON_Duplicate(typed, 0));
		return;
	}
	struct buf out = BUF_INIT;
	substitute(e, node->valuestring, vars, &out, 0);
	cJSON_SetValuestring(node, out.ptr);
	buf_release(&out);
}

/* ---- intrinsics resolved in place ------------------------------------- */

/* node takes the value of 'from' (detached from its parent; consumed).  The
 * node keeps its identity, so its recorded position stays where the
 * author wrote the function. */
void loader_become_(cJSON *node, cJSON *from)
{
	cJSON_Delete(node->child);
	if (!(node->type & cJSON_IsReference))
		cJSON_free(node->valuestring);
	node->child = from->child;
	node->valuestring = from->valuestring;
	node->valueint = from->valueint;
	node->valuedouble = from->valuedouble;
	node->type = (node->type & cJSON_StringIsConst) | (from->type & 0xFF);
	from->child = NULL;
	from->valuestring = NULL;
	cJSON_Delete(from);
}

static void become_text(cJSON *node, const char *text)
{
	cJSON *s = cJSON_CreateString(text);
	loader_become_(node, s);
}

/* Detaches 'item': a member of args (Fn::If's branch) or of one of its
 * members (Fn::Select's list). */
static cJSON *take(cJSON *args, const cJSON *item)
{
	for (cJSON *c = args->child; c; c = c->next) {
		if (c == item)
			return cJSON_DetachItemViaPointer(args, c);
		for (cJSON *g = c->child; g; g = g->next)
			if (g == item)
				return cJSON_DetachItemViaPointer(c, g);
	}
	return NULL;
}

/* Resolves node in place.  Returns 1 when it is AWS::NoValue, which
 * removes the member that holds it. */
static int resolve(const struct loader_cfn_env *e, cJSON *node, int depth)
{
	const char *fn = loader_intrinsic_name_(node);
	if (depth > DOC_MAX_DEPTH)
		return 0;
	if (!fn) {
		for (cJSON *c = node->child, *next; c; c = next) {
			next = c->next;
			if (resolve(e, c, depth + 1))
				cJSON_Delete(cJSON_DetachItemViaPointer(node, c));
		}
		return 0;
	}
	if (is_no_value(node))
		return 1;
	cJSON *args = node->child;
	const cJSON *pick = !strcmp(fn, "Fn::If") ? if_branch(args)
			  : !strcmp(fn, "Fn::Select") ? select_item(args) : NULL;
	if (pick) {
		cJSON *from = take(args, pick);
		loader_become_(node, from);
		return resolve(e, node, depth + 1);
	}
	const cJSON *mapped = !strcmp(fn, "Fn::FindInMap") ? find_in_map(e, args) : NULL;
	if (mapped) {
		loader_become_(node, cJSON_Duplicate(mapped, 1));
		return resolve(e, node, depth + 1);
	}
	struct buf text = BUF_INIT;
	if (text_of(e, node, &text, depth) < 0)
		buf_addf(&text, "${%s}", fn);
	become_text(node, text.ptr);
	buf_release(&text);
	return 0;
}

void loader_intrinsics_(const struct loader_cfn_env *e, cJSON *node)
{
	resolve(e, node, 0);
}
