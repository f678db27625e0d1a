/* validate_exprs.c - what is inside strings: JSONPath paths and reference
 * paths, context paths ($$), variables ($name), intrinsic function calls
 * (States.Format(...)), RFC 3339 timestamps and JSONata "{% ... %}" strings.
 *
 * PENDING SWITCH-OVER: the path and intrinsic grammars here are a small
 * syntax checker of our own, behind v_expr_check().  When jsonpath.h and
 * intrinsic.h land (branch 'paths'), v_expr_check() calls their compile
 * functions instead and this parser goes.
 * Not here: evaluating anything (that is the interpreter's). */
#include "validate_impl.h"

#include <ctype.h>
#include <string.h>

#include "buf.h"
#include "banned.h"

/* Intrinsic calls nested deeper than this are refused: bounds the
 * recursion of the parser on hostile strings. */
#define VX_MAX_CALL_DEPTH 16

struct cursor {
	const char *s;
	size_t i;
	struct buf *why;
	int depth;
	int is_call_error; /* the error is about a call, not a path */
};

static int fail(struct cursor *c, const char *fmt, const char *arg)
{
	if (!c->why->len)
		buf_addf(c->why, fmt, arg);
	return -1;
}

/* ---- paths ------------------------------------------------------------- */

static int name_char(char ch)
{
	return ch && !strchr(".[]()',\" \t\r\n", ch);
}

/* Inside [...]: an index, a quoted name, '*', a slice, a union, a filter. */
static int bracket(struct cursor *c, enum vpath kind)
{
	const char *p = c->s + c->i;
	if (*p == '\'' || *p == '"') {
		const char *q = strchr(p + 1, *p);
		if (!q)
			return fail(c, "unterminated quoted name%s", "");
		c->i += (size_t)(q - p) + 1;
	} else if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)c->s[c->i]))
			c->i++;
	} else if (kind == VPATH_REFERENCE) {
		return fail(c, "a reference path takes only names and indexes%s", "");
	} else if (*p == '?' && p[1] == '(') {
		int depth = 0;
		for (; c->s[c->i]; c->i++) {
			depth += c->s[c->i] == '(' ? 1 : c->s[c->i] == ')' ? -1 : 0;
			if (!depth && c->s[c->i] == ')')
				break;
		}
		if (!c->s[c->i])
			return fail(c, "unterminated filter expression%s", "");
		c->i++;
	} else {
		while (c->s[c->i] && strchr("0123456789*:,- '\"abcdefghijklmnopqrstuvwxyz"
					    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_", c->s[c->i]))
			c->i++;
	}
	if (kind == VPATH_PATH) /* the rest of a union or a slice */
		while (c->s[c->i] && strchr("0123456789*:,- '\"", c->s[c->i]))
			c->i++;
	if (c->s[c->i] != ']')
		return fail(c, "missing ']'%s", "");
	c->i++;
	return 0;
}

/* The root: $, $$ (context) or $name (a variable). */
static int path_root(struct cursor *c, enum vpath kind, int allow_ctx)
{
	if (c->s[c->i] != '$')
		return fail(c, "a path starts with '$'%s", "");
	c->i++;
	if (c->s[c->i] == '$') {
		if (!allow_ctx)
			return fail(c, "the context object ($$) cannot be used here%s", "");
		c->i++;
	} else if (isalpha((unsigned char)c->s[c->i]) || c->s[c->i] == '_') {
		if (kind == VPATH_REFERENCE && !allow_ctx)
			return fail(c, "a variable cannot be used here%s", "");
		while (isalnum((unsigned char)c->s[c->i]) || c->s[c->i] == '_')
			c->i++;
	}
	return 0;
}

/* A path at c->i up to the end of its text, or to 'stop' chars at depth 0
 * when inside an intrinsic call. */
static int path(struct cursor *c, enum vpath kind, int allow_ctx, const char *stop)
{
	if (path_root(c, kind, allow_ctx))
		return -1;
	while (c->s[c->i] && !strchr(stop, c->s[c->i])) {
		char ch = c->s[c->i];
		if (ch == '[') {
			c->i++;
			if (bracket(c, kind))
				return -1;
		} else if (ch == '.') {
			c->i++;
			if (c->s[c->i] == '.' || c->s[c->i] == '*') {
				if (kind == VPATH_REFERENCE)
					return fail(c, "a reference path takes only names and "
						       "indexes (no '..' or '*')%s", "");
				c->i++;
				continue;
			}
			if (!name_char(c->s[c->i]))
				return fail(c, "a name must follow '.'%s", "");
			while (name_char(c->s[c->i]))
				c->i++;
		} else {
			return fail(c, "unexpected '%.1s'", c->s + c->i);
		}
	}
	return 0;
}

/* ---- intrinsic functions ----------------------------------------------- */

/* The intrinsic registry: name, least and most arguments (-1: no limit). */
static const struct { const char *name; int min, max; } intrinsics[] = {
	{ "States.Format", 1, -1 },	    { "States.StringToJson", 1, 1 },
	{ "States.JsonToString", 1, 1 },    { "States.Array", 0, -1 },
	{ "States.ArrayPartition", 2, 2 },  { "States.ArrayContains", 2, 2 },
	{ "States.ArrayRange", 3, 3 },	    { "States.ArrayGetItem", 2, 2 },
	{ "States.ArrayLength", 1, 1 },     { "States.ArrayUnique", 1, 1 },
	{ "States.Base64Encode", 1, 1 },    { "States.Base64Decode", 1, 1 },
	{ "States.Hash", 2, 2 },	    { "States.JsonMerge", 3, 3 },
	{ "States.MathRandom", 2, 3 },	    { "States.MathAdd", 2, 2 },
	{ "States.StringSplit", 2, 2 },     { "States.UUID", 0, 0 },
};
#define NR_INTRINSICS (sizeof(intrinsics) / sizeof(*intrinsics))

static int call(struct cursor *c);

static void skip_ws(struct cursor *c)
{
	while (c->s[c->i] == ' ' || c->s[c->i] == '\t')
		c->i++;
}

/* A quoted literal; counts its unescaped {} placeholders. */
static int string_arg(struct cursor *c, int *placeholders)
{
	c->i++;
	for (; c->s[c->i] && c->s[c->i] != '\''; c->i++) {
		if (c->s[c->i] == '\\') {
			char e = c->s[++c->i];
			if (!e || !strchr("'{}\\", e))
				return fail(c, "unknown escape '\\%.1s' in a string literal "
					       "(use \\', \\{, \\} or \\\\)", c->s + c->i);
		} else if (c->s[c->i] == '{' && c->s[c->i + 1] == '}') {
			(*placeholders)++;
		}
	}
	if (!c->s[c->i])
		return fail(c, "unterminated string literal%s", "");
	c->i++;
	return 0;
}

static int literal_arg(struct cursor *c)
{
	static const char *const words[] = { "true", "false", "null" };
	for (size_t k = 0; k < 3; k++)
		if (!strncmp(c->s + c->i, words[k], strlen(words[k]))) {
			c->i += strlen(words[k]);
			return 0;
		}
	size_t start = c->i;
	if (c->s[c->i] == '-')
		c->i++;
	while (isdigit((unsigned char)c->s[c->i]) || c->s[c->i] == '.' ||
	       c->s[c->i] == 'e' || c->s[c->i] == 'E')
		c->i++;
	if (c->i == start || !isdigit((unsigned char)c->s[c->i - 1]))
		return fail(c, "unexpected '%.1s' in the arguments", c->s + start);
	return 0;
}

/* One argument; *placeholders is set for a leading string literal. */
static int argument(struct cursor *c, int *placeholders)
{
	skip_ws(c);
	char ch = c->s[c->i];
	if (ch == '\'')
		return string_arg(c, placeholders);
	if (ch == '$')
		return path(c, VPATH_PATH, 1, ",) \t");
	if (!strncmp(c->s + c->i, "States.", 7))
		return call(c);
	return literal_arg(c);
}

static int check_arity(struct cursor *c, size_t fn, int nargs, int placeholders)
{
	int min = intrinsics[fn].min, max = intrinsics[fn].max;
	struct buf *w = c->why;
	if (nargs < min || (max >= 0 && nargs > max)) {
		if (!w->len)
			buf_addf(w, "%s takes %s%d argument%s, not %d", intrinsics[fn].name,
				 max < 0 ? "at least " : max != min ? "up to " : "",
				 max < 0 || max == min ? min : max,
				 (max < 0 ? min : max) == 1 ? "" : "s", nargs);
		return -1;
	}
	if (!strcmp(intrinsics[fn].name, "States.Format") && placeholders >= 0 &&
	    placeholders != nargs - 1) {
		if (!w->len)
			buf_addf(w, "States.Format template has %d placeholder%s but %d "
				    "value%s follow", placeholders, placeholders == 1 ? "" : "s",
				 nargs - 1, nargs == 2 ? "" : "s");
		return -1;
	}
	return 0;
}

static int find_intrinsic(struct cursor *c, size_t *fn)
{
	size_t start = c->i;
	while (isalnum((unsigned char)c->s[c->i]) || c->s[c->i] == '.')
		c->i++;
	for (*fn = 0; *fn < NR_INTRINSICS; (*fn)++)
		if (strlen(intrinsics[*fn].name) == c->i - start &&
		    !strncmp(intrinsics[*fn].name, c->s + start, c->i - start))
			return 0;
	c->is_call_error = 1;
	if (!c->why->len)
		buf_addf(c->why, "unknown intrinsic function '%.*s'", (int)(c->i - start),
			 c->s + start);
	return -1;
}

/* Recursion is bounded by VX_MAX_CALL_DEPTH. */
static int call(struct cursor *c)
{
	size_t fn;
	if (++c->depth > VX_MAX_CALL_DEPTH)
		return fail(c, "intrinsic calls nested too deeply%s", "");
	if (find_intrinsic(c, &fn))
		return -1;
	c->is_call_error = 1;
	if (c->s[c->i] != '(')
		return fail(c, "'(' must follow %s", intrinsics[fn].name);
	c->i++;
	skip_ws(c);
	int nargs = 0, placeholders = -1;
	while (c->s[c->i] != ')') {
		int ph = 0, first_is_string = c->s[c->i] == '\'';
		if (argument(c, &ph))
			return -1;
		if (nargs++ == 0)
			placeholders = first_is_string ? ph : -1;
		skip_ws(c);
		if (c->s[c->i] == ',')
			c->i++;
		else if (c->s[c->i] != ')')
			return fail(c, "missing ')' after the arguments of %s",
				    intrinsics[fn].name);
	}
	c->i++;
	c->depth--;
	return check_arity(c, fn, nargs, placeholders);
}

/* ---- entry points ------------------------------------------------------ */

int v_expr_check(const char *s, enum vpath kind, int allow_fn, int allow_ctx,
		 struct buf *why, enum vrule *rule)
{
	struct cursor c = { s, 0, why, 0, 0 };
	int r;
	if (allow_fn && !strncmp(s, "States.", 7)) {
		r = call(&c);
		if (!r && s[c.i])
			r = fail(&c, "unexpected text after the call: '%s'", s + c.i);
	} else {
		r = path(&c, kind, allow_ctx, "");
	}
	*rule = c.is_call_error ? R_INTRINSIC : R_PATH;
	return r;
}

void v_path_field(struct vctx *v, const cJSON *node, enum vpath kind,
		  int allow_null, const char *what)
{
	if (cJSON_IsNull(node) && allow_null > 0)
		return;
	if (!cJSON_IsString(node))
		return v_report(v, R_FIELD_TYPE, node, AT_VALUE, "%s must be a %s%s",
				what, kind == VPATH_REFERENCE ? "reference path" : "path",
				allow_null > 0 ? " or null" : "");
	struct buf why = BUF_INIT;
	enum vrule rule;
	int is_result = !strcmp(what, "ResultPath");
	if (v_expr_check(node->valuestring, kind, allow_null < 0, !is_result, &why, &rule))
		v_report(v, rule, node, AT_VALUE, "%s '%s' is not a valid %s: %s", what,
			 node->valuestring, kind == VPATH_REFERENCE ? "reference path" : "path",
			 why.ptr);
	buf_release(&why);
}

static int ends_with_dollar(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	return n >= 2 && key[n - 2] == '.' && key[n - 1] == '$';
}

static void template_member(struct vctx *v, const cJSON *m)
{
	if (!cJSON_IsString(m))
		return v_report(v, R_TEMPLATE_NOT_STRING, m, AT_VALUE,
				"the value of '%s' must be a string (a path or an "
				"intrinsic call), because its key ends in .$", m->string);
	struct buf why = BUF_INIT;
	enum vrule rule;
	if (v_expr_check(m->valuestring, VPATH_PATH, 1, 1, &why, &rule))
		v_report(v, rule == R_INTRINSIC ? R_INTRINSIC : R_TEMPLATE_PATH, m,
			 AT_VALUE, "'%s' (key '%s') is not a valid %s: %s", m->valuestring,
			 m->string, rule == R_INTRINSIC ? "intrinsic call" : "path", why.ptr);
	buf_release(&why);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
void v_template(struct vctx *v, const cJSON *tmpl)
{
	for (const cJSON *m = tmpl ? tmpl->child : NULL; m; m = m->next) {
		if (cJSON_IsObject(tmpl) && ends_with_dollar(m->string))
			template_member(v, m);
		else
			v_template(v, m);
	}
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
void v_jsonata(struct vctx *v, const cJSON *value)
{
	if (cJSON_IsString(value)) {
		const char *s = value->valuestring;
		size_t n = strlen(s);
		if (!strncmp(s, "{%", 2) && (n < 4 || strcmp(s + n - 2, "%}")))
			v_report(v, R_JSONATA, value, AT_VALUE,
				 "a JSONata expression that opens with {%% must close with %%}");
		return;
	}
	for (const cJSON *m = value ? value->child : NULL; m; m = m->next)
		v_jsonata(v, m);
}

/* Recursion is bounded by the document's nesting limit (DOC_MAX_DEPTH). */
int v_template_has_token(const cJSON *tmpl)
{
	if (cJSON_IsString(tmpl))
		return strstr(tmpl->valuestring, "$$.Task.Token") ||
		       strstr(tmpl->valuestring, "$states.context.Task.Token");
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
