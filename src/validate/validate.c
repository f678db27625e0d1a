/* validate.c - the rule registry, the reporting helper and the driver that
 * walks a machine and its nested branches (see validate.h).  The checks
 * live in validate_fields.c (what fields a state may have), validate_graph.c
 * (transitions), validate_choice.c, validate_states.c (per-type rules) and
 * validate_exprs.c (paths, intrinsics, timestamps inside strings). */
#include "validate_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "jsonget.h"
#include "banned.h"

#define VALIDATE_RULE_ROW(e, id, sev, summary) { id, sev, summary },
const struct validate_rule validate_rules[] = {
	VALIDATE_RULE_LIST(VALIDATE_RULE_ROW)
};
#undef VALIDATE_RULE_ROW
const size_t validate_nr_rules = sizeof(validate_rules) / sizeof(*validate_rules);

const cJSON *v_field(const cJSON *obj, const char *name)
{
	return cJSON_IsObject(obj) ? json_get(obj, name) : NULL;
}

int v_is_integer(const cJSON *n)
{
	return cJSON_IsNumber(n) && isfinite(n->valuedouble) &&
	       floor(n->valuedouble) == n->valuedouble;
}

/* "${Name}" and nothing else: what DefinitionSubstitutions, Fn::Sub and the
 * loader's unresolved intrinsics leave for the deployment to fill. */
int v_placeholder(struct vctx *v, const cJSON *n)
{
	const char *s = cJSON_IsString(n) ? n->valuestring : NULL;
	size_t len = s ? strlen(s) : 0;
	if (len < 4 || strncmp(s, "${", 2) || s[len - 1] != '}' ||
	    strcspn(s + 2, "{}") != len - 3)
		return 0;
	v_report(v, R_PLACEHOLDER, n, AT_VALUE,
		 "%s is '%s', filled at deploy time: not checked offline",
		 n->string ? n->string : "the value", s);
	return 1;
}

/* ---- JSON pointers ----------------------------------------------------- */

static void pointer_token(struct buf *b, const char *s)
{
	buf_addc(b, '/');
	for (; *s; s++)
		if (*s == '~')
			buf_adds(b, "~0");
		else if (*s == '/')
			buf_adds(b, "~1");
		else
			buf_addc(b, *s);
}

/* Appends the pointer from 'from' to 'target'; returns 1 if found.
 * Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
static int find_pointer(const cJSON *from, const cJSON *target, struct buf *b)
{
	if (from == target)
		return 1;
	size_t mark = b->len, i = 0;
	for (const cJSON *c = from ? from->child : NULL; c; c = c->next, i++) {
		if (cJSON_IsObject(from))
			pointer_token(b, c->string ? c->string : "");
		else
			buf_addf(b, "/%zu", i);
		if (find_pointer(c, target, b))
			return 1;
		buf_truncate(b, mark);
	}
	return 0;
}

/* ---- reporting --------------------------------------------------------- */

/* Adds the diagnostic at pos; the JSON pointer names node. */
static void report_at(struct vctx *v, enum vrule rule, const cJSON *node,
		      struct pos pos, const char *fmt, va_list ap)
{
	if (v->count >= VALIDATE_MAX_DIAGS) {
		if (v->count++ == VALIDATE_MAX_DIAGS)
			diag_add(v->diags, doc_pos(v->doc, v->root), SEV_NOTE,
				 validate_rules[R_TOO_MANY_DIAGS].id,
				 "more than %d problems; the rest are not shown",
				 VALIDATE_MAX_DIAGS);
		return;
	}
	v->count++;
	const struct validate_rule *r = &validate_rules[rule];
	struct buf msg = BUF_INIT;
	buf_vaddf(&msg, fmt, ap);
	diag_add(v->diags, pos, r->severity, r->id, "%s", msg.ptr);
	buf_release(&msg);
	if (r->severity == SEV_ERROR)
		v->errors++;
	struct buf ptr = BUF_INIT;
	if (find_pointer(v->root, node, &ptr))
		diag_set_pointer(v->diags, ptr.len ? ptr.ptr : "");
	buf_release(&ptr);
}

void v_report(struct vctx *v, enum vrule rule, const cJSON *node, enum vat at,
	      const char *fmt, ...)
{
	struct pos pos = at == AT_KEY ? doc_key_pos(v->doc, node) : doc_pos(v->doc, node);
	if (!pos.line) /* a root has no key; a made-up node no place */
		pos = doc_pos(v->doc, node);
	va_list ap;
	va_start(ap, fmt);
	report_at(v, rule, node, pos, fmt, ap);
	va_end(ap);
}

/* The place of byte 'offset' of str's value in the author's file, traced
 * through its quoting (doc_string_map); the value's start when the source
 * does not rebuild it. */
static struct pos string_pos(const struct vctx *v, const cJSON *str, size_t offset)
{
	struct pos pos = doc_pos(v->doc, str);
	struct pos *map = doc_string_map(v->doc, str);
	if (map && offset <= strlen(str->valuestring))
		pos = map[offset];
	free(map);
	return pos;
}

void v_report_in(struct vctx *v, enum vrule rule, const cJSON *str,
		 size_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_at(v, rule, str, string_pos(v, str, offset), fmt, ap);
	va_end(ap);
}

/* ---- the walk ---------------------------------------------------------- */

static void v_start_at(struct vctx *v, const struct asl_machine *m)
{
	const cJSON *start = v_field(m->json, "StartAt");
	if (!start)
		v_report(v, R_START_AT_MISSING, m->json, AT_VALUE,
			 m->parent ? "branch has no StartAt" : "definition has no StartAt");
	else if (!cJSON_IsString(start))
		v_report(v, R_START_AT_MISSING, start, AT_VALUE, "StartAt must be a string");
	else if (m->start_index < 0 && m->nr_states)
		v_report(v, R_START_AT_UNKNOWN, start, AT_VALUE,
			 "StartAt names no state: '%s'", start->valuestring);
}

static void v_states_present(struct vctx *v, const struct asl_machine *m)
{
	const cJSON *states = v_field(m->json, "States");
	if (!states)
		v_report(v, R_STATES_EMPTY, m->json, AT_VALUE,
			 m->parent ? "branch has no States" : "definition has no States");
	else if (!cJSON_IsObject(states))
		v_report(v, R_STATES_EMPTY, states, AT_VALUE, "States must be an object");
	else if (!states->child)
		v_report(v, R_STATES_EMPTY, states, AT_VALUE, "States is empty");
}

/* Recursion through branches is bounded by ASL_MAX_NESTING: the builder
 * leaves a machine nested deeper without states. */
void v_machine(struct vctx *v, const struct asl_machine *m)
{
	if (!cJSON_IsObject(m->json))
		return; /* the builder reported it */
	if (m->depth > ASL_MAX_NESTING)
		return;
	v_fields_machine(v, m);
	if (!v->fragment)
		v_start_at(v, m);
	v_states_present(v, m);
	for (size_t i = 0; i < m->nr_states; i++)
		v_state(v, m, &m->states[i]);
	if (!v->fragment)
		v_graph(v, m);
}

void v_state(struct vctx *v, const struct asl_machine *m,
	     const struct asl_state *s)
{
	if (!cJSON_IsObject(s->json))
		return; /* the builder reported it */
	if (strlen(s->name) > 80)
		v_report(v, R_NAME_TOO_LONG, s->json, AT_KEY,
			 "state name is %zu characters long; the limit is 80",
			 strlen(s->name));
	v_fields_state(v, m, s);
	switch (s->type) {
	case ASL_CHOICE: v_choice_state(v, m, s); break;
	case ASL_WAIT: v_wait(v, s); break;
	case ASL_TASK: v_task(v, s); break;
	case ASL_MAP: v_map(v, s); break;
	case ASL_PARALLEL: v_parallel(v, s); break;
	default: break;
	}
	if (s->type == ASL_TASK || s->type == ASL_MAP || s->type == ASL_PARALLEL) {
		v_retry(v, s);
		v_catch(v, s);
	}
	for (size_t i = 0; i < s->nr_branches; i++)
		v_machine(v, s->branches[i]);
}

/* ---- entry points ------------------------------------------------------ */

size_t validate_machine(const struct asl_machine *m, struct diag_list *diags)
{
	struct vctx v = { m->doc, diags, m->json, 0, 0, 0, m };
	v_machine(&v, m);
	return v.errors;
}

size_t validate_definition(const cJSON *definition, const struct doc *doc,
			   struct diag_list *diags)
{
	size_t before = diags->errors;
	struct asl_machine *m = asl_build(definition, doc, diags);
	validate_machine(m, diags);
	asl_free(m);
	return diags->errors - before;
}

/* A snippet is wrapped into a one-state machine whose members are
 * references to the author's nodes, so positions stay the author's. */
static cJSON *wrap_fragment(enum validate_fragment kind, const cJSON *json)
{
	cJSON *def = cJSON_CreateObject();
	if (kind == VALIDATE_STATES) {
		cJSON_AddItemToObject(def, "States", cJSON_CreateObjectReference(json->child));
		return def;
	}
	cJSON *state = cJSON_CreateObject();
	cJSON_AddStringToObject(state, "Type", kind == VALIDATE_CHOICES ? "Choice" : "Task");
	cJSON_AddItemToObject(state, kind == VALIDATE_CHOICES ? "Choices" : "Catch",
			      cJSON_CreateArrayReference(json->child));
	cJSON *states = cJSON_CreateObject();
	cJSON_AddItemToObject(states, "Snippet", state);
	cJSON_AddItemToObject(def, "States", states);
	return def;
}

size_t validate_fragment(enum validate_fragment kind, const cJSON *json,
			 const struct doc *doc, struct diag_list *diags)
{
	struct vctx v = { doc, diags, json, 0, 0, 1, NULL };
	int want_object = kind == VALIDATE_STATES;
	if (want_object ? !cJSON_IsObject(json) : !cJSON_IsArray(json)) {
		v_report(&v, R_FIELD_TYPE, json, AT_VALUE, "the snippet must be %s",
			 want_object ? "an object of states" : "an array");
		return v.errors;
	}
	cJSON *def = wrap_fragment(kind, json);
	struct asl_machine *m = asl_build(def, doc, diags);
	v.model = m;
	if (kind == VALIDATE_STATES) {
		for (size_t i = 0; i < m->nr_states; i++)
			v_state(&v, m, &m->states[i]);
	} else if (m->nr_states == 1 && kind == VALIDATE_CHOICES) {
		v_choice_state(&v, m, &m->states[0]);
	} else if (m->nr_states == 1) {
		v_catch(&v, &m->states[0]);
	}
	asl_free(m);
	cJSON_Delete(def);
	return v.errors;
}
