/* doc_yaml.c - YAML files: libyaml's event stream -> cJSON tree + positions.
 * One loop over events with an explicit stack, so input depth never becomes C
 * stack depth.  Scalars resolve as YAML 1.2's core schema does (what the
 * Serverless Framework's js-yaml does); CloudFormation's short-form tags
 * (!Ref, !GetAtt, !Sub ...) become their long {"Fn::...": ...} form; merge
 * keys (<<) and aliases are expanded under the DOC_MAX_NODES budget. */
#include "doc.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

struct yframe {
	cJSON *node;      /* the object or array being filled */
	struct strmap keys; /* objects: member names seen so far */
	char *key;        /* objects: the key waiting for its value */
	struct pos key_pos;
	cJSON *merges;    /* objects: values of '<<' keys, applied at the end */
};

struct yparse {
	struct doc *d;
	struct diag_list *diags;
	struct yframe *stack;
	size_t depth, alloc;
	struct strmap anchors; /* name -> cJSON node */
	/* owns what an anchor may name outside the tree: anchored keys, and
	 * '<<' values once merged (a later alias still copies them) */
	cJSON *kept;
	size_t nodes;
	int failed;
};

static struct pos mark_pos(const struct yparse *y, yaml_mark_t m)
{
	return (struct pos){ y->d->path, (unsigned)m.line + 1,
			     (unsigned)m.column + 1 };
}

static int fail(struct yparse *y, struct pos p, const char *rule,
		const char *msg, const char *subject)
{
	if (!y->failed)
		diag_error(y->diags, p, rule, "%s%s%s%s", msg,
			   subject ? " '" : "", subject ? subject : "",
			   subject ? "'" : "");
	y->failed = 1;
	return -1;
}

static int count_node(struct yparse *y, struct pos p)
{
	if (++y->nodes <= DOC_MAX_NODES)
		return 0;
	if (!y->failed)
		diag_error(y->diags, p, "load/too-large",
			   "too many values (aliases expand past the limit of %d)",
			   DOC_MAX_NODES);
	y->failed = 1;
	return -1;
}

/* ---- scalars ---------------------------------------------------------- */

static int is_null_word(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int bool_word(const char *s)
{
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return 1;
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return 0;
	return -1;
}

/* YAML 1.2 core-schema numbers: decimal, 0o octal, 0x hex, floats, .inf,
 * .nan.  Returns 1 and sets *out when s is one. */
static int number_word(const char *s, double *out)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return 1;
	}
	if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
		*out = NAN;
		return 1;
	}
	char *end;
	if (p == s && (!strncmp(s, "0o", 2) || !strncmp(s, "0x", 2)) && s[2]) {
		errno = 0;
		unsigned long long v = strtoull(s + 2, &end, s[1] == 'o' ? 8 : 16);
		if (*end || errno)
			return 0;
		*out = (double)v;
		return 1;
	}
	/* digits [. digits] [e[+-]digits], or . digits: nothing else */
	const char *q = p;
	size_t int_digits = strspn(q, "0123456789");
	q += int_digits;
	size_t frac_digits = 0;
	if (*q == '.') {
		frac_digits = strspn(q + 1, "0123456789");
		q += 1 + frac_digits;
	}
	if (!int_digits && !frac_digits)
		return 0;
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		size_t exp_digits = strspn(q, "0123456789");
		if (!exp_digits)
			return 0;
		q += exp_digits;
	}
	if (*q)
		return 0;
	*out = strtod(s, &end);
	return 1;
}

static cJSON *resolve_plain(const char *s)
{
	double num;
	int b;
	if (is_null_word(s))
		return cJSON_CreateNull();
	if ((b = bool_word(s)) >= 0)
		return cJSON_CreateBool(b);
	if (number_word(s, &num))
		return cJSON_CreateNumber(num);
	return cJSON_CreateString(s);
}

/* CloudFormation short forms and the intrinsic each stands for. */
static const struct {
	const char *tag, *key;
} cfn_tags[] = {
	{ "!Ref", "Ref" },
	{ "!Condition", "Condition" },
	{ "!Base64", "Fn::Base64" },
	{ "!Cidr", "Fn::Cidr" },
	{ "!FindInMap", "Fn::FindInMap" },
	{ "!GetAtt", "Fn::GetAtt" },
	{ "!GetAZs", "Fn::GetAZs" },
	{ "!ImportValue", "Fn::ImportValue" },
	{ "!Join", "Fn::Join" },
	{ "!Select", "Fn::Select" },
	{ "!Split", "Fn::Split" },
	{ "!Sub", "Fn::Sub" },
	{ "!Transform", "Fn::Transform" },
	{ "!And", "Fn::And" },
	{ "!Equals", "Fn::Equals" },
	{ "!If", "Fn::If" },
	{ "!Not", "Fn::Not" },
	{ "!Or", "Fn::Or" },
	{ "!Length", "Fn::Length" },
	{ "!ToJsonString", "Fn::ToJsonString" },
};

static const char *cfn_key(const char *tag)
{
	for (size_t i = 0; i < sizeof(cfn_tags) / sizeof(*cfn_tags); i++)
		if (!strcmp(tag, cfn_tags[i].tag))
			return cfn_tags[i].key;
	return NULL;
}

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* Converts a scalar event.  Returns a new node, or NULL after reporting. */
static cJSON *make_scalar(struct yparse *y, const yaml_event_t *ev)
{
	const char *text = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	struct pos p = mark_pos(y, ev->start_mark);
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (!tag || !strcmp(tag, "!"))
		return plain && !tag ? resolve_plain(text) : cJSON_CreateString(text);
	if (!strncmp(tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX))) {
		const char *t = tag + strlen(YAML_TAG_PREFIX);
		double num;
		if (!strcmp(t, "str"))
			return cJSON_CreateString(text);
		if (!strcmp(t, "null") && is_null_word(text))
			return cJSON_CreateNull();
		if (!strcmp(t, "bool") && bool_word(text) >= 0)
			return cJSON_CreateBool(bool_word(text));
		if ((!strcmp(t, "int") || !strcmp(t, "float")) &&
		    number_word(text, &num))
			return cJSON_CreateNumber(num);
		fail(y, p, "load/yaml-tag", "value does not fit its tag", tag);
		return NULL;
	}
	const char *key = cfn_key(tag);
	if (!key) {
		fail(y, p, "load/yaml-tag", "unknown YAML tag", tag);
		return NULL;
	}
	cJSON *wrap = cJSON_CreateObject();
	cJSON *inner;
	const char *dot = strchr(text, '.');
	if (!strcmp(key, "Fn::GetAtt") && dot) {
		/* !GetAtt Resource.Attribute is the list [Resource, Attribute] */
		inner = cJSON_CreateArray();
		char *res = xstrndup(text, (size_t)(dot - text));
		cJSON_AddItemToArray(inner, cJSON_CreateString(res));
		cJSON_AddItemToArray(inner, cJSON_CreateString(dot + 1));
		free(res);
	} else {
		inner = plain ? resolve_plain(text) : cJSON_CreateString(text);
	}
	cJSON_AddItemToObject(wrap, key, inner);
	doc_set_pos(y->d, inner, p, p);
	return wrap;
}

/* ---- building the tree ------------------------------------------------ */

/* Deep copy of an anchored node for an alias; every copy counts against
 * DOC_MAX_NODES and is located at the alias.  Depth is bounded by
 * DOC_MAX_DEPTH, so recursion here is bounded too. */
static cJSON *copy_node(struct yparse *y, const cJSON *src, struct pos at)
{
	if (count_node(y, at))
		return NULL;
	cJSON *dst;
	if (cJSON_IsObject(src) || cJSON_IsArray(src)) {
		dst = cJSON_IsObject(src) ? cJSON_CreateObject() : cJSON_CreateArray();
		for (const cJSON *c = src->child; c; c = c->next) {
			cJSON *cc = copy_node(y, c, at);
			if (!cc) {
				cJSON_Delete(dst);
				return NULL;
			}
			if (cJSON_IsObject(src))
				cJSON_AddItemToObject(dst, c->string, cc);
			else
				cJSON_AddItemToArray(dst, cc);
		}
	} else {
		dst = cJSON_Duplicate(src, 0);
	}
	doc_set_pos(y->d, dst, at, at);
	return dst;
}

/* Adds node to the innermost container (or makes it the root).  Takes
 * ownership of node. */
static int attach(struct yparse *y, cJSON *node, struct pos p)
{
	if (!y->depth) {
		cJSON_Delete(y->d->root);
		y->d->root = node;
		doc_set_pos(y->d, node, p, (struct pos){ 0 });
		return 0;
	}
	struct yframe *f = &y->stack[y->depth - 1];
	if (cJSON_IsArray(f->node)) {
		cJSON_AddItemToArray(f->node, node);
		doc_set_pos(y->d, node, p, (struct pos){ 0 });
		return 0;
	}
	assert(f->key); /* key slots are handled before attach */
	char *key = f->key;
	f->key = NULL;
	if (!strcmp(key, "<<")) {
		if (!f->merges)
			f->merges = cJSON_CreateArray();
		cJSON_AddItemToArray(f->merges, node);
		free(key);
		return 0;
	}
	if (strmap_put(&f->keys, key, strlen(key), node)) {
		fail(y, f->key_pos, "load/duplicate-key", "duplicate key", key);
		free(key);
		cJSON_Delete(node);
		return -1;
	}
	cJSON_AddItemToObject(f->node, key, node);
	doc_set_pos(y->d, node, p, f->key_pos);
	free(key);
	return 0;
}

/* Sets the pending key of the innermost object from scalar text. */
static void set_key(struct yparse *y, const char *text, struct pos p)
{
	struct yframe *f = &y->stack[y->depth - 1];
	f->key = xstrdup(text);
	f->key_pos = p;
}

static int is_key_slot(const struct yparse *y)
{
	if (!y->depth)
		return 0;
	const struct yframe *f = &y->stack[y->depth - 1];
	return cJSON_IsObject(f->node) && !f->key;
}

static void remember_anchor(struct yparse *y, const yaml_char_t *anchor,
			    cJSON *node)
{
	if (anchor)
		strmap_put(&y->anchors, (const char *)anchor,
			   strlen((const char *)anchor), node);
}

static int on_scalar(struct yparse *y, const yaml_event_t *ev)
{
	struct pos p = mark_pos(y, ev->start_mark);
	if (count_node(y, p))
		return -1;
	if (is_key_slot(y)) {
		if (ev->data.scalar.tag && cfn_key((const char *)ev->data.scalar.tag))
			return fail(y, p, "load/yaml-key",
				    "a mapping key cannot carry a tag", NULL);
		set_key(y, (const char *)ev->data.scalar.value, p);
		if (ev->data.scalar.anchor) {
			cJSON *k = cJSON_CreateString(
				(const char *)ev->data.scalar.value);
			cJSON_AddItemToArray(y->kept, k);
			remember_anchor(y, ev->data.scalar.anchor, k);
		}
		return 0;
	}
	cJSON *node = make_scalar(y, ev);
	if (!node)
		return -1;
	remember_anchor(y, ev->data.scalar.anchor, node);
	return attach(y, node, p);
}

static int on_alias(struct yparse *y, const yaml_event_t *ev)
{
	struct pos p = mark_pos(y, ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	cJSON *target = strmap_get(&y->anchors, name, strlen(name));
	if (!target)
		return fail(y, p, "load/yaml-alias", "unknown alias", name);
	if (is_key_slot(y)) {
		if (!cJSON_IsString(target))
			return fail(y, p, "load/yaml-key",
				    "a mapping key must be plain text", NULL);
		set_key(y, target->valuestring, p);
		return 0;
	}
	cJSON *copy = copy_node(y, target, p);
	return copy ? attach(y, copy, p) : -1;
}

static int on_start(struct yparse *y, const yaml_event_t *ev, int is_map)
{
	struct pos p = mark_pos(y, ev->start_mark);
	if (count_node(y, p))
		return -1;
	if (is_key_slot(y))
		return fail(y, p, "load/yaml-key",
			    "a mapping key must be plain text", NULL);
	if (y->depth >= DOC_MAX_DEPTH)
		return fail(y, p, "load/depth",
			    "nesting deeper than 256 levels", NULL);
	const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag :
					  ev->data.sequence_start.tag;
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor :
					     ev->data.sequence_start.anchor;
	cJSON *node = is_map ? cJSON_CreateObject() : cJSON_CreateArray();
	cJSON *outer = node;
	if (tag && strncmp((const char *)tag, YAML_TAG_PREFIX,
			   strlen(YAML_TAG_PREFIX)) && strcmp((const char *)tag, "!")) {
		const char *key = cfn_key((const char *)tag);
		if (!key) {
			cJSON_Delete(node);
			return fail(y, p, "load/yaml-tag", "unknown YAML tag",
				    (const char *)tag);
		}
		outer = cJSON_CreateObject();
		cJSON_AddItemToObject(outer, key, node);
		doc_set_pos(y->d, node, p, p);
	}
	if (attach(y, outer, p))
		return -1;
	remember_anchor(y, anchor, node);
	ARRAY_GROW(y->stack, y->depth + 1, y->alloc);
	struct yframe *f = &y->stack[y->depth++];
	memset(f, 0, sizeof(*f));
	f->node = node;
	return 0;
}

/* Applies '<<' merge keys: members of the merged mappings that the mapping
 * does not set itself, earlier sources first. */
static void apply_merges(struct yparse *y, struct yframe *f)
{
	for (cJSON *src = f->merges ? f->merges->child : NULL; src; src = src->next) {
		cJSON *list = cJSON_IsArray(src) ? src->child : src;
		for (; list; list = cJSON_IsArray(src) ? list->next : NULL) {
			if (!cJSON_IsObject(list))
				continue;
			for (cJSON *m = list->child; m; m = m->next) {
				size_t klen = strlen(m->string);
				if (strmap_get(&f->keys, m->string, klen))
					continue;
				struct pos at = doc_pos(y->d, m);
				cJSON *copy = copy_node(y, m, at);
				if (!copy)
					return;
				strmap_put(&f->keys, m->string, klen, copy);
				cJSON_AddItemToObject(f->node, m->string, copy);
			}
		}
	}
}

static void pop_frame(struct yparse *y)
{
	struct yframe *f = &y->stack[--y->depth];
	if (f->merges && !y->failed)
		apply_merges(y, f);
	if (f->merges)
		cJSON_AddItemToArray(y->kept, f->merges);
	free(f->key);
	strmap_release(&f->keys);
}

/* ---- the event loop --------------------------------------------------- */

static int report_parser_error(struct yparse *y, const yaml_parser_t *parser)
{
	struct pos p = mark_pos(y, parser->problem_mark);
	if (parser->error == YAML_READER_ERROR)
		p = doc_offset_pos(y->d, parser->problem_offset);
	if (parser->context)
		diag_error(y->diags, p, "load/yaml", "%s %s",
			   parser->problem ? parser->problem : "syntax error",
			   parser->context);
	else
		diag_error(y->diags, p, "load/yaml", "%s",
			   parser->problem ? parser->problem : "syntax error");
	y->failed = 1;
	return -1;
}

static int on_event(struct yparse *y, const yaml_event_t *ev, int *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1)
			return fail(y, mark_pos(y, ev->start_mark), "load/yaml",
				    "more than one YAML document in the file", NULL);
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(y, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(y, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(y, ev, 0);
	case YAML_MAPPING_START_EVENT:
		return on_start(y, ev, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		pop_frame(y);
		return 0;
	default:
		return 0;
	}
}

int doc_parse_yaml_(struct doc *d, struct diag_list *diags)
{
	struct yparse y = { d, diags, NULL, 0, 0, STRMAP_INIT,
			     cJSON_CreateArray(), 0, 0 };
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)d->text.ptr,
				     d->text.len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	int docs = 0, done = 0;
	while (!done && !y.failed) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_parser_error(&y, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		on_event(&y, &ev, &docs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	while (y.depth)
		pop_frame(&y);
	cJSON_Delete(y.kept);
	free(y.stack);
	strmap_release(&y.anchors);
	if (y.failed) {
		cJSON_Delete(d->root);
		d->root = NULL;
		return -1;
	}
	return 0;
}
