/* validate_exprs.c - what is inside strings: JSONPath paths and reference
 * paths, context paths ($$), variables ($name), intrinsic function calls
 * (States.Format(...)), RFC 3339 timestamps and JSONata "{% ... %}" strings.
 * Path fields are read in the forms the model compiled (asl_expr_at), the
 * ones the interpreter evaluates; what the model did not compile the way a
 * field reads it (template members, a call where none is allowed) is
 * compiled here with the same compilers.  This file only says which kind
 * each field allows and words the diagnostics.
 * Not here: evaluating anything (that is the interpreter's). */
#include "validate_impl.h"

#include <ctype.h>
#include <string.h>

#include "buf.h"
#include "intrinsic.h"
#include "jsonpath.h"
#include "payload.h"
#include "banned.h"

/* What an intrinsic takes, for arity messages: "2", "1 to 3", "at least 1". */
static void describe_arity(struct buf *b, const char *text)
{
	size_t len = strcspn(text, "(");
	const struct intrinsic_def *d = intrinsic_lookup(text, len);
	if (!d)
		return;
	int variadic = d->max_args >= INTRINSIC_VARIADIC;
	unsigned shown = variadic || d->min_args == d->max_args ? d->min_args : d->max_args;
	buf_addf(b, "; %s takes ", d->name);
	if (variadic)
		buf_addf(b, "at least %u", d->min_args);
	else if (d->min_args == d->max_args)
		buf_addf(b, "%u", d->min_args);
	else
		buf_addf(b, "%u to %u", d->min_args, d->max_args);
	buf_addf(b, " argument%s", shown == 1 ? "" : "s");
}

static int check_call(const char *s, struct buf *why)
{
	struct intrinsic_error err;
	struct intrinsic *c = intrinsic_compile(s, &err);
	if (c) {
		intrinsic_free(c);
		return 0;
	}
	buf_addf(why, "%s at character %zu", err.message, err.offset + 1);
	if (strstr(err.message, "arguments"))
		describe_arity(why, s);
	return -1;
}

/* What the field allows, asked of a compiled path. */
static int path_allowed(const struct jsonpath *p, enum vpath kind, int allow_ctx,
			struct buf *why)
{
	const char *bad = NULL;
	if (kind == VPATH_REFERENCE && !jsonpath_is_reference(p))
		bad = "a reference path takes only names and indexes (no '..', '*', "
		      "filters, slices or unions)";
	else if (!allow_ctx && jsonpath_root(p) == JSONPATH_ROOT_CONTEXT)
		bad = "the context object ($$) cannot be used here";
	else if (!allow_ctx && jsonpath_root(p) == JSONPATH_ROOT_VARIABLE)
		bad = "a variable cannot be used here";
	if (bad)
		buf_adds(why, bad);
	return bad ? -1 : 0;
}

/* Compiles with jsonpath.h, then applies what the field allows. */
static int check_path(const char *s, enum vpath kind, int allow_ctx,
		      struct buf *why)
{
	struct jsonpath_error err;
	struct jsonpath *p = jsonpath_compile(s, &err);
	if (!p) {
		buf_addf(why, "%s at character %zu", err.message, err.offset + 1);
		return -1;
	}
	int rc = path_allowed(p, kind, allow_ctx, why);
	jsonpath_free(p);
	return rc;
}

/* v_expr_check on the form the model compiled from node, when the model
 * compiled it the way this field reads it (a call where calls are allowed,
 * a path otherwise); 1 when it has no such form. */
static int check_compiled(const struct vctx *v, const cJSON *node, enum vpath kind,
			  int allow_fn, int allow_ctx, struct buf *why,
			  enum vrule *rule)
{
	const struct asl_expr *e = v->model ? asl_expr_at(v->model, node) : NULL;
	int call = intrinsic_is_call(node->valuestring);
	if (!e || e->kind == ASL_EXPR_NONE || e->kind == ASL_EXPR_TEMPLATE ||
	    (call && !allow_fn && (e->call || e->kind == ASL_EXPR_INVALID)))
		return 1;
	*rule = call && allow_fn ? R_INTRINSIC : R_PATH;
	if (e->kind == ASL_EXPR_CALL)
		return 0;
	if (e->path)
		return path_allowed(e->path, kind, allow_ctx, why);
	buf_addf(why, "%s at character %zu", e->error, e->error_offset + 1);
	if (call && strstr(e->error, "arguments"))
		describe_arity(why, node->valuestring);
	return -1;
}

int v_expr_check(const char *s, enum vpath kind, int allow_fn, int allow_ctx,
		 struct buf *why, enum vrule *rule)
{
	if (allow_fn && intrinsic_is_call(s)) {
		*rule = R_INTRINSIC;
		return check_call(s, why);
	}
	*rule = R_PATH;
	return check_path(s, kind, allow_ctx, why);
}

void v_path_field(struct vctx *v, const cJSON *node, enum vpath kind,
		  int allow_null, const char *what)
{
	if (cJSON_IsNull(node) && allow_null > 0)
		return;
	const char *want = kind == VPATH_REFERENCE ? "reference path" : "path";
	if (!cJSON_IsString(node))
		return v_report(v, R_FIELD_TYPE, node, AT_VALUE, "%s must be a %s%s",
				what, want, allow_null > 0 ? " or null" :
				allow_null < 0 ? " or an intrinsic call" : "");
	struct buf why = BUF_INIT;
	enum vrule rule;
	int is_result = !strcmp(what, "ResultPath");
	int rc = check_compiled(v, node, kind, allow_null < 0, !is_result, &why, &rule);
	if (rc == 1)
		rc = v_expr_check(node->valuestring, kind, allow_null < 0, !is_result,
				  &why, &rule);
	if (rc)
		v_report(v, rule, node, AT_VALUE, "%s '%s' is not a valid %s: %s", what,
			 node->valuestring, rule == R_INTRINSIC ? "intrinsic call" : want,
			 why.ptr);
	buf_release(&why);
}

static int ends_with_dollar(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	return n >= 2 && key[n - 2] == '.' && key[n - 1] == '$';
}

/* A ".$" member the model could not compile, worded from its fault. */
static void template_fault(struct vctx *v, const struct payload_fault *f)
{
	const cJSON *m = f->node;
	if (f->kind == PAYLOAD_FAULT_NOT_STRING)
		return v_report(v, R_TEMPLATE_NOT_STRING, m, AT_VALUE,
				"the value of '%s' must be a string (a path or an "
				"intrinsic call), because its key ends in .$", m->string);
	if (f->kind != PAYLOAD_FAULT_CALL && f->kind != PAYLOAD_FAULT_PATH &&
	    f->kind != PAYLOAD_FAULT_NOT_PATH)
		return; /* duplicates: template_duplicate; depth: the loader's */
	int call = f->kind == PAYLOAD_FAULT_CALL;
	struct buf why = BUF_INIT;
	buf_addf(&why, "%s at character %zu", f->message, f->offset + 1);
	if (call && strstr(f->message, "arguments"))
		describe_arity(&why, m->valuestring);
	v_report(v, call ? R_INTRINSIC : R_TEMPLATE_PATH, m, AT_VALUE,
		 "'%s' (key '%s') is not a valid %s: %s", m->valuestring, m->string,
		 call ? "intrinsic call" : "path", why.ptr);
	buf_release(&why);
}

/* 'x.$' next to 'x': both would produce the field x. */
static void template_duplicate(struct vctx *v, const cJSON *tmpl, const cJSON *m)
{
	size_t n = strlen(m->string) - 2;
	for (const cJSON *o = tmpl->child; o; o = o->next)
		if (strlen(o->string) == n && !strncmp(o->string, m->string, n))
			v_report(v, R_TEMPLATE_DUPLICATE, m, AT_KEY,
				 "'%s' and '%s' would both produce the field '%s'",
				 o->string, m->string, o->string);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
static void template_duplicates(struct vctx *v, const cJSON *tmpl)
{
	for (const cJSON *m = tmpl ? tmpl->child : NULL; m; m = m->next) {
		if (cJSON_IsObject(tmpl) && ends_with_dollar(m->string))
			template_duplicate(v, tmpl, m);
		else
			template_duplicates(v, m);
	}
}

/* The members are read as the model compiled them (every fault of the
 * template, not only the first); a template the model holds no form of
 * (none is known) is not compiled here. */
void v_template(struct vctx *v, const cJSON *tmpl)
{
	const struct asl_expr *e = v->model && tmpl ? asl_expr_at(v->model, tmpl) : NULL;
	if (e && e->kind != ASL_EXPR_TEMPLATE && e->kind != ASL_EXPR_INVALID)
		e = NULL;
	for (size_t i = 0; e && i < payload_nr_faults(e->tmpl); i++)
		template_fault(v, payload_fault_at(e->tmpl, i));
	template_duplicates(v, tmpl);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
/* Whether text names the task token or a node that holds it: $$.Task.Token,
 * $$.Task, the whole context $$ (and the same under $states.context). */
static int names_token(const char *text)
{
	static const char *const roots[] = { "$$", "$states.context" };
	for (size_t r = 0; r < 2; r++)
		for (const char *p = strstr(text, roots[r]); p; p = strstr(p + 1, roots[r])) {
			const char *q = p + strlen(roots[r]);
			if (!strncmp(q, ".Task", 5))
				q += 5;
			if (!strncmp(q, ".Token", 6))
				q += 6;
			if (*q != '.' && *q != '[' && *q != '$' && *q != '_' &&
			    !isalnum((unsigned char)*q))
				return 1;
		}
	return 0;
}

int v_template_has_token(const cJSON *tmpl)
{
	if (cJSON_IsString(tmpl))
		return names_token(tmpl->valuestring);
	for (const cJSON *m = tmpl ? tmpl->child : NULL; m; m = m->next)
		if ((!cJSON_IsString(m) || ends_with_dollar(m->string) ||
		     strstr(m->valuestring, "{%")) && v_template_has_token(m))
			return 1;
	return 0;
}

/* ---- timestamps -------------------------------------------------------- */

static int digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

static int days_in(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

static int zone_ok(const char *p)
{
	int h, m;
	if (*p == 'Z')
		return p[1] == '\0';
	if ((*p != '+' && *p != '-') || digits(p + 1, 2, &h) || p[3] != ':' ||
	    digits(p + 4, 2, &m) || p[6])
		return 0;
	return h < 24 && m < 60;
}

int v_timestamp_ok(const char *s)
{
	int y, mo, d, h, mi, se;
	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || s[10] != 'T' || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 || mi > 59 || se > 60)
		return 0;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return zone_ok(p);
}
