/* exec_frame.c - what the code of every state type shares, below the run
 * loop and the data flow: runtime errors as values, Retry/Catch error
 * matching, the payload limit, the context object ($$), and values that
 * share the nodes of the execution input instead of copying them.
 * Not here: the run loop (exec.c), the data flow (dataflow*.c). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec_frame.h"
#include "timestamp.h"
#include "xalloc.h"
#include "banned.h"

/* ---- runtime errors --------------------------------------------------- */

void exec_err_release_(struct exec_err *e)
{
	free(e->error);
	free(e->cause);
	e->error = e->cause = NULL;
}

void exec_err_set_(struct exec_err *e, const char *error, const char *cause)
{
	exec_err_release_(e);
	e->error = xstrdup(error ? error : "");
	e->cause = cause ? xstrdup(cause) : NULL;
}

void exec_err_setf_(struct exec_err *e, const char *error, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	exec_err_set_(e, error, b.ptr);
	buf_release(&b);
}

void exec_err_state_(struct exec_err *e, const struct frame *fr,
		     const char *error, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	buf_addf(&b, "An error occurred while executing the state '%s' "
		     "(entered at the event id #%ld). ",
		 fr->state->name, fr->entered_event);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	exec_err_set_(e, error, b.ptr);
	buf_release(&b);
}

void exec_visit_(struct exec *x, const struct asl_state *s, enum exec_outcome o,
		 int branch)
{
	struct exec_result *r = x->res;
	ARRAY_GROW(r->visits, r->nr_visits + 1, r->alloc_visits);
	r->visits[r->nr_visits++] = (struct exec_visit){ s, o, branch, NULL, NULL, 0 };
}

/* Adds n to *size; 1 once the total passes limit (the walk stops). */
static int count_add(size_t *size, size_t n, size_t limit)
{
	*size += n;
	return *size > limit;
}

/* Bytes of a string as cJSON prints it, quotes and escapes included. */
static size_t string_size(const char *s)
{
	size_t n = 2;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p >= 32 && *p != '"' && *p != '\\')
			n++;
		else if (*p == '"' || *p == '\\' || *p == '\b' || *p == '\f' ||
		    *p == '\n' || *p == '\r' || *p == '\t')
			n += 2;
		else if (*p < 32)
			n += 6;
		else
			n++;
	}
	return n;
}

/* Bytes of a number as cJSON prints it ("%1.15g", or "%1.17g" when that
 * does not read back).  Integers below 1e15 print as their digits: counted
 * here, since printing floats is the costliest part of the measure. */
static size_t number_size(const cJSON *v, char *num, size_t len)
{
	double d = v->valuedouble;
	if (d == 0)
		return signbit(d) ? 2 : 1;
	if (d == floor(d) && fabs(d) < 1e15) {
		size_t n = d < 0;
		for (double a = fabs(d); a >= 1; a = floor(a / 10))
			n++;
		return n;
	}
	if (!cJSON_PrintPreallocated((cJSON *)v, num, (int)len, 0))
		return 24;
	return strlen(num);
}

/* The walk of exec_check_size_: the limit, and the sizes of the execution
 * input's containers met through a share or as the input's own members,
 * kept per execution (x->sizes) since those never change. */
struct sizer {
	struct exec *x;
	size_t limit;
};

static int json_size(struct sizer *z, const cJSON *v, size_t *size, int memo);

/* The members of container v, brackets included. */
static int members_size(struct sizer *z, const cJSON *v, size_t *size)
{
	int obj = (v->type & 0xFF) == cJSON_Object;
	if (count_add(size, 2, z->limit))
		return 1;
	for (const cJSON *c = v->child; c; c = c->next) {
		size_t sep = (c != v->child) + (obj ? string_size(c->string) + 1 : 0);
		int memo = (c->type & cJSON_IsReference) || v == z->x->borrowed_input;
		if (count_add(size, sep, z->limit) || json_size(z, c, size, memo))
			return 1;
	}
	return 0;
}

/* A container of the execution input: measured once, keyed by its first
 * member (shared by every share of it); stored as size + 1. */
static int input_size(struct sizer *z, const cJSON *v, size_t *size)
{
	const cJSON *key = v->child;
	uintptr_t known = (uintptr_t)strmap_get(&z->x->sizes, (const char *)&key,
						 sizeof(key));
	if (!known) {
		size_t n = 0;
		if (members_size(z, v, &n))
			return 1;
		known = (uintptr_t)n + 1;
		strmap_put(&z->x->sizes, (const char *)&key, sizeof(key),
			   (void *)known);
	}
	return count_add(size, (size_t)known - 1, z->limit);
}

/* Length of cJSON_PrintUnformatted(v) without printing it: 1 as soon as
 * it passes the limit.  memo: v is (a share of) a node of the execution
 * input.  Recursion is bounded by the nesting of values, which the parser
 * and PAYLOAD_MAX_DEPTH bound. */
static int json_size(struct sizer *z, const cJSON *v, size_t *size, int memo)
{
	char num[64];
	switch (v->type & 0xFF) {
	case cJSON_False:
		return count_add(size, 5, z->limit);
	case cJSON_True:
		return count_add(size, 4, z->limit);
	case cJSON_NULL:
		return count_add(size, 4, z->limit);
	case cJSON_Number:
		return count_add(size, number_size(v, num, sizeof(num)), z->limit);
	case cJSON_String:
		return count_add(size, string_size(v->valuestring), z->limit);
	case cJSON_Raw:
		return count_add(size, v->valuestring ? strlen(v->valuestring) : 0,
				z->limit);
	case cJSON_Array:
	case cJSON_Object:
		if (memo && v->child)
			return input_size(z, v, size);
		return members_size(z, v, size);
	default:
		return 0;
	}
}

int exec_check_size_(struct exec *x, const struct frame *fr, const cJSON *v,
		     const char *what)
{
	size_t n = 0;
	struct sizer z = { x, x->max_payload };
	if (!v || !json_size(&z, v, &n, v == x->borrowed_input))
		return 0;
	struct exec_err *e = (struct exec_err *)&fr->err;
	exec_err_setf_(e, "States.DataLimitExceeded",
		       "The state/task '%s' %s a result with a size exceeding "
		       "the maximum number of bytes service limit.",
		       fr->state->name, what);
	return -1;
}

/* ---- error matching (Retry and Catch) --------------------------------- */

/* States.Runtime is never retried nor caught; States.ALL and
 * States.TaskFailed match every other error except States.DataLimitExceeded
 * (terminal), and States.TaskFailed not the timeouts either.
 * States.Timeout also names a heartbeat timeout (AWS: "ran longer than
 * TimeoutSeconds, or failed to send a heartbeat..."). */
static int error_matches(const char *err, const char **names, size_t n)
{
	if (!err) /* a Fail state without Error: nothing matches it */
		return 0;
	int timeout = !strcmp(err, "States.Timeout") ||
		      !strcmp(err, "States.HeartbeatTimeout");
	if (!strcmp(err, "States.Runtime"))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], err) ||
		    (timeout && !strcmp(names[i], "States.Timeout")))
			return 1;
		if (!strcmp(err, "States.DataLimitExceeded"))
			continue;
		if (!strcmp(names[i], "States.ALL"))
			return 1;
		if (!strcmp(names[i], "States.TaskFailed") && !timeout)
			return 1;
	}
	return 0;
}

int exec_error_matches_(const char *err, const char **names, size_t n)
{
	return error_matches(err, names, n);
}

/* ---- the context object ----------------------------------------------- */

void exec_set_item_(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

/* AWS writes each assigned value as JSON text; a name assigned twice in
 * one visit (a Choice's Assign, then its rule's) shows its last value. */
static void log_assigned(struct frame *fr, const char *name, const cJSON *v)
{
	char *text = cJSON_PrintUnformatted(v);
	if (!fr->assigned_log)
		fr->assigned_log = cJSON_CreateObject();
	exec_set_item_(fr->assigned_log, name, cJSON_CreateString(text ? text : "null"));
	cJSON_free(text);
}

void exec_assign_(struct exec *x, struct frame *fr, cJSON *vals)
{
	while (vals->child) {
		cJSON *v = cJSON_DetachItemViaPointer(vals, vals->child);
		char *name = v->string;
		v->string = NULL;
		if (x->res->history)
			log_assigned(fr, name, v);
		exec_set_item_(fr->scope->vars, name, v);
		cJSON_free(name);
	}
	cJSON_Delete(vals);
}

static void merge_members(cJSON *o, const cJSON *over)
{
	for (const cJSON *c = cJSON_IsObject(over) ? over->child : NULL; c; c = c->next)
		exec_set_item_(o, c->string, cJSON_Duplicate(c, 1));
}

/* The context object is rebuilt only when what it shows changes: a new
 * visit, a retry, a task token, a Map item.  Map.Item is a reference to
 * the frame's item, dropped again by exec_context_forget_. */
static int context_current(const struct exec *x, const struct frame *fr)
{
	return fr->visit_id && x->ctx_visit == fr->visit_id &&
	       x->ctx_retry == fr->retry_count && x->ctx_token == fr->task_token;
}

/* $$.Map.Item: a reference node to the frame's item.  A Map's ItemSelector
 * moves it from item to item, so the node stays and only its target (the
 * item's members) changes. */
static void context_map(struct exec *x, struct frame *fr)
{
	x->ctx_item = fr->map_item;
	if (fr->map_item && x->ctx_map_item) {
		x->ctx_map_item->child = fr->map_item->child;
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(x->context, "Map");
	x->ctx_map_item = NULL;
	if (fr->map_item) {
		cJSON *map = cJSON_AddObjectToObject(x->context, "Map");
		cJSON_AddItemReferenceToObject(map, "Item", (cJSON *)fr->map_item);
		x->ctx_map_item = map->child;
	}
}

const cJSON *exec_context_(struct exec *x, struct frame *fr)
{
	if (context_current(x, fr)) {
		if (x->ctx_item != fr->map_item)
			context_map(x, fr);
		return x->context;
	}
	cJSON *state = cJSON_CreateObject();
	struct buf t = BUF_INIT;
	timestamp_format(fr->entered_ms, &t);
	cJSON_AddStringToObject(state, "EnteredTime", t.ptr);
	cJSON_AddStringToObject(state, "Name", fr->state->name);
	cJSON_AddNumberToObject(state, "RetryCount", fr->retry_count);
	buf_release(&t);
	if (fr->under_test) /* TestState: the request's $$.State wins */
		merge_members(state, cJSON_GetObjectItemCaseSensitive(x->test->context,
								      "State"));
	exec_set_item_(x->context, "State", state);
	cJSON_DeleteItemFromObjectCaseSensitive(x->context, "Task");
	if (fr->task_token) {
		cJSON *task = cJSON_AddObjectToObject(x->context, "Task");
		cJSON_AddStringToObject(task, "Token", fr->task_token);
	}
	context_map(x, fr);
	x->ctx_visit = fr->visit_id;
	x->ctx_retry = fr->retry_count;
	x->ctx_token = fr->task_token;
	return x->context;
}

void exec_context_forget_(struct exec *x)
{
	static const cJSON forgotten;
	if (x->ctx_map_item)
		x->ctx_map_item->child = NULL; /* the item is about to go */
	x->ctx_item = &forgotten; /* no frame's: the next $$ looks again */
}

void exec_json_(const cJSON *v, struct buf *out)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	buf_adds(out, s ? s : "null");
	cJSON_free(s);
}

/* ---- sharing the execution input ------------------------------------- */

/* The execution input never changes ($$.Execution.Input shows it) and
 * outlives the run, so a value derived from it may share its nodes instead
 * of copying them.  A share is a cJSON reference node (cJSON_IsReference):
 * read-only, freed without its target.  Only nodes of the execution input
 * are ever shared, so a share never outlives what it points to; a writer
 * (ResultPath) unshares the nodes on its way before it changes anything. */
int exec_is_shared_(const struct exec *x, const cJSON *v)
{
	return v == x->borrowed_input || (v->type & cJSON_IsReference);
}

/* One level of v (the execution input or a share): a new node of v's type
 * whose children share v's.  Returns owned; v's key is not copied. */
static cJSON *unshare(const cJSON *v)
{
	cJSON *n;
	if (cJSON_IsObject(v))
		n = cJSON_CreateObject();
	else if (cJSON_IsArray(v))
		n = cJSON_CreateArray();
	else {
		n = cJSON_Duplicate(v, 0);
		cJSON_free(n->string);
		n->string = NULL;
		return n;
	}
	for (cJSON *c = v->child; c; c = c->next) {
		if (cJSON_IsObject(v))
			cJSON_AddItemReferenceToObject(n, c->string, c);
		else
			cJSON_AddItemReferenceToArray(n, c);
	}
	return n;
}

cJSON *exec_copy_(const struct exec *x, const cJSON *v)
{
	if (!v)
		return NULL;
	if (exec_is_shared_(x, v))
		return unshare(v);
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return cJSON_Duplicate(v, 0);
	cJSON *n = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
	/* recursion bounded by the nesting of values, as cJSON_Duplicate's */
	for (const cJSON *c = v->child; c; c = c->next) {
		if (cJSON_IsObject(v))
			cJSON_AddItemToObject(n, c->string, exec_copy_(x, c));
		else
			cJSON_AddItemToArray(n, exec_copy_(x, c));
	}
	return n;
}

/* Replaces the share c, a child of parent, with an unshared node of its
 * own (whose children still share).  Returns the new child. */
cJSON *exec_unshare_child_(cJSON *parent, cJSON *c)
{
	cJSON *n = unshare(c);
	if (c->string) {
		size_t len = strlen(c->string) + 1;
		n->string = cJSON_malloc(len);
		memcpy(n->string, c->string, len);
	}
	cJSON_ReplaceItemViaPointer(parent, c, n);
	return n;
}

cJSON *exec_take_eff_(struct exec *x, struct frame *fr, int move_input)
{
	cJSON *v;
	if (fr->eff_owned) {
		v = fr->eff_owned;
		fr->eff_owned = NULL;
	} else if (!move_input || fr->input_borrowed || fr->eff != fr->input) {
		v = exec_copy_(x, fr->eff);
	} else { /* no InputPath: the input moves on as it is */
		v = fr->input;
		fr->input = NULL;
	}
	fr->eff = NULL;
	return v;
}
