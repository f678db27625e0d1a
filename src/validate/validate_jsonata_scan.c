/* validate_jsonata_scan.c - reads the tokens of a JSONata expression that
 * the engine has already parsed, and finds what Step Functions refuses in
 * it (see validate_jsonata_impl.h): the engine keeps its syntax tree to
 * itself, and the tokens with their brackets tell enough.
 *
 * "Top level" is the context an expression starts in: outside predicates
 * and group-by ('[' or '{' after a value), path steps ('.(' '.[' '.{') and
 * function bodies.  A name or a bare $ there would read the input, which
 * Step Functions does not bind ($states.input does).
 * Not here: wording the findings (validate_jsonata.c). */
#include "validate_jsonata_impl.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* Brackets open at once: the engine refuses expressions nested deeper
 * than JSONATA_MAX_PARSE_DEPTH (500) before this runs, so this only keeps
 * the stack's bound explicit (the scan stops there). */
#define MAX_OPEN 512
/* Variables an expression binds (:=, function parameters, @ and #) that
 * are remembered; past this, no call is reported as unknown (the golden
 * jsonata-many-bindings hits it). */
#define MAX_BOUND 256

enum tk { TK_NAME, TK_KEYWORD, TK_VAR, TK_VALUE, TK_OP, TK_OPEN, TK_CLOSE };

struct token {
	enum tk kind;
	size_t at, len;
	int ends_operand; /* a value ends here: what follows is an operator */
};

struct tokens {
	struct token *t;
	size_t n, alloc;
};

/* ---- lexing ------------------------------------------------------------ */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_char(char c)
{
	return !is_space(c) && !strchr(".[]{}(),@#;:?+-*/%|=<>^&!~\"'`$", c);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_quoted(const char *s, size_t n, size_t i)
{
	char q = s[i++];
	while (i < n && s[i] != q)
		i += s[i] == '\\' ? 2 : 1;
	return i < n ? i + 1 : n;
}

static size_t skip_number(const char *s, size_t n, size_t i)
{
	while (i < n && is_digit(s[i]))
		i++;
	if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1]))
		for (i++; i < n && is_digit(s[i]); i++)
			;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < n && is_digit(s[j]))
			for (i = j; i < n && is_digit(s[i]); i++)
				;
	}
	return i;
}

static size_t skip_regex(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '/'; i++)
		if (s[i] == '\\')
			i++;
	for (i++; i < n && (s[i] == 'i' || s[i] == 'm'); i++)
		;
	return i > n ? n : i;
}

static size_t op_len(const char *s, size_t n, size_t i)
{
	static const char *const two[] = { ":=", "~>", "!=", ">=", "<=", "**",
					   "..", "?:", "??" };
	for (size_t k = 0; k < sizeof(two) / sizeof(*two); k++)
		if (i + 1 < n && s[i] == two[k][0] && s[i + 1] == two[k][1])
			return 2;
	return 1;
}

static int is_word(const char *s, const struct token *t, const char *w)
{
	return t->len == strlen(w) && !strncmp(s + t->at, w, t->len);
}

/* A name that is an operator after a value, or a literal or keyword. */
static enum tk classify_name(const char *s, struct token *t, int after_operand)
{
	static const char *const ops[] = { "and", "or", "in" };
	static const char *const words[] = { "true", "false", "null", "function",
					     "\xce\xbb" /* λ */ };
	for (size_t k = 0; k < 3 && after_operand; k++)
		if (is_word(s, t, ops[k]))
			return TK_OP;
	for (size_t k = 0; k < sizeof(words) / sizeof(*words); k++)
		if (is_word(s, t, words[k]))
			return k < 3 ? TK_VALUE : TK_KEYWORD;
	return TK_NAME;
}

/* The token at s[i] (i past blanks and comments); returns its end. */
static size_t lex_one(const char *s, size_t n, size_t i, int after_operand,
		      struct token *t)
{
	char c = s[i];
	size_t e;
	t->at = i;
	if (c == '"' || c == '\'') {
		t->kind = TK_VALUE, e = skip_quoted(s, n, i);
	} else if (c == '`') {
		t->kind = TK_NAME, e = skip_quoted(s, n, i);
	} else if (is_digit(c)) {
		t->kind = TK_VALUE, e = skip_number(s, n, i);
	} else if (c == '/' && !after_operand) {
		t->kind = TK_VALUE, e = skip_regex(s, n, i);
	} else if (c == '$') {
		e = i + 1;
		if (e < n && s[e] == '$')
			e++;
		else
			while (e < n && is_name_char(s[e]))
				e++;
		t->kind = TK_VAR;
	} else if (strchr("([{", c)) {
		t->kind = TK_OPEN, e = i + 1;
	} else if (strchr(")]}", c)) {
		t->kind = TK_CLOSE, e = i + 1;
	} else if (is_name_char(c)) {
		for (e = i; e < n && is_name_char(s[e]); e++)
			;
		t->len = e - i;
		t->kind = classify_name(s, t, after_operand);
	} else {
		t->kind = TK_OP, e = i + op_len(s, n, i);
	}
	t->len = e - i;
	t->ends_operand = t->kind == TK_NAME || t->kind == TK_VAR ||
			  t->kind == TK_VALUE || t->kind == TK_CLOSE;
	return e;
}

static size_t skip_blank(const char *s, size_t n, size_t i)
{
	for (;;) {
		while (i < n && is_space(s[i]))
			i++;
		if (i + 1 >= n || s[i] != '/' || s[i + 1] != '*')
			return i;
		const char *end = NULL;
		for (size_t k = i + 2; k + 1 < n && !end; k++)
			if (s[k] == '*' && s[k + 1] == '/')
				end = s + k;
		i = end ? (size_t)(end - s) + 2 : n;
	}
}

static void lex(const char *s, size_t n, struct tokens *out)
{
	int after_operand = 0;
	for (size_t i = skip_blank(s, n, 0); i < n; i = skip_blank(s, n, i)) {
		ARRAY_GROW(out->t, out->n + 1, out->alloc);
		struct token *t = &out->t[out->n++];
		i = lex_one(s, n, i, after_operand, t);
		after_operand = t->ends_operand;
	}
}

/* ---- bindings ---------------------------------------------------------- */

struct bound {
	const struct token *t[MAX_BOUND];
	size_t n;
	int overflow;
};

static int is_op(const char *s, const struct token *t, const char *op)
{
	return t->kind == TK_OP && is_word(s, t, op);
}

static void bind(struct bound *b, const struct token *t)
{
	if (b->n == MAX_BOUND)
		b->overflow = 1;
	else
		b->t[b->n++] = t;
}

/* Variables the expression binds anywhere: a scope-blind over-approximation,
 * so that no call of a bound name is reported. */
static void collect_bound(const char *s, const struct tokens *k, struct bound *b)
{
	int params = 0;
	for (size_t i = 0; i < k->n; i++) {
		const struct token *t = &k->t[i];
		if (t->kind == TK_KEYWORD && i + 1 < k->n && k->t[i + 1].kind == TK_OPEN)
			params = 1, i++;
		else if (params && t->kind == TK_CLOSE)
			params = 0;
		else if (t->kind == TK_VAR &&
			 (params || (i + 1 < k->n && is_op(s, &k->t[i + 1], ":=")) ||
			  (i > 0 && (is_op(s, &k->t[i - 1], "@") ||
				     is_op(s, &k->t[i - 1], "#")))))
			bind(b, t);
	}
}

static int is_bound(const char *s, const struct bound *b, const struct token *t)
{
	if (b->overflow)
		return 1;
	for (size_t i = 0; i < b->n; i++)
		if (b->t[i]->len == t->len && !strncmp(s + b->t[i]->at, s + t->at, t->len))
			return 1;
	return 0;
}

/* ---- the walk ---------------------------------------------------------- */

struct frame {
	int inner;     /* not the top level */
	long callee;   /* token index of the called $name, or -1 */
	size_t commas;
	int nonempty;
	int chained;   /* called on the right of ~> */
	int pipes;     /* a transform | location | update |: the '|' read */
};

struct walk {
	const char *s;
	const struct tokens *k;
	struct bound bound;
	struct frame stack[MAX_OPEN + 1];
	size_t depth; /* stack[0] is the top level */
	ja_found_fn *fn;
	void *ctx;
};

static void found(struct walk *w, enum ja_found_kind kind, size_t at, size_t len)
{
	struct ja_finding f = { kind, at, len, { 0, 0, 0 } };
	w->fn(w->ctx, &f);
}

static const struct token *tok(const struct walk *w, size_t i)
{
	return i < w->k->n ? &w->k->t[i] : NULL;
}

static int after_dot(const struct walk *w, size_t i)
{
	return i > 0 && is_op(w->s, tok(w, i - 1), ".");
}

/* Whether token i stands where a value starts, at the top level. */
static int top_operand(const struct walk *w, size_t i)
{
	return !w->stack[w->depth].inner && !after_dot(w, i) &&
	       !(i > 0 && tok(w, i - 1)->ends_operand);
}

static int open_bracket(struct walk *w, size_t i)
{
	const struct token *t = tok(w, i), *prev = i ? tok(w, i - 1) : NULL;
	if (w->depth == MAX_OPEN)
		return -1;
	struct frame *up = &w->stack[w->depth], *f = &w->stack[++w->depth];
	char c = w->s[t->at];
	memset(f, 0, sizeof(*f));
	f->callee = -1;
	f->inner = up->inner || after_dot(w, i) ||
		   (c != '(' && prev && prev->ends_operand);
	if (c == '(' && prev && prev->kind == TK_VAR &&
	    !is_bound(w->s, &w->bound, prev)) {
		f->callee = (long)i - 1;
		f->chained = i >= 2 && is_op(w->s, tok(w, i - 2), "~>");
	}
	return 0;
}

static void close_bracket(struct walk *w)
{
	if (!w->depth)
		return;
	struct frame *f = &w->stack[w->depth--];
	if (f->callee < 0)
		return;
	const struct token *c = tok(w, (size_t)f->callee);
	struct ja_finding fd = { JA_FOUND_CALL, c->at, c->len, { c->at, c->len, 0 } };
	fd.call.args = (f->nonempty ? f->commas + 1 : 0) + (size_t)f->chained;
	w->fn(w->ctx, &fd);
}

/* The transform operator | location | update [, delete] | reads its
 * location and update against the object it copies: not the top level. */
static int on_pipe(struct walk *w)
{
	struct frame *f = &w->stack[w->depth];
	if (f->pipes) {
		if (++f->pipes == 3)
			w->depth--;
		return 0;
	}
	if (w->depth == MAX_OPEN)
		return -1;
	f = &w->stack[++w->depth];
	memset(f, 0, sizeof(*f));
	f->callee = -1;
	f->inner = 1;
	f->pipes = 1;
	return 0;
}

static void on_var(struct walk *w, size_t i)
{
	const struct token *t = tok(w, i), *n1 = tok(w, i + 1), *n2 = tok(w, i + 2);
	if (is_word(w->s, t, "$$") ||
	    (is_word(w->s, t, "$eval") && !is_bound(w->s, &w->bound, t)))
		found(w, JA_FOUND_VARIABLE, t->at, t->len);
	else if (is_word(w->s, t, "$") && top_operand(w, i))
		found(w, JA_FOUND_TOP_DOLLAR, t->at, t->len);
	else if (is_word(w->s, t, "$states") && n1 && is_op(w->s, n1, ".") && n2 &&
		 n2->kind == TK_NAME)
		found(w, JA_FOUND_STATES_MEMBER, n2->at, n2->len);
}

/* States.Name( is an intrinsic call written as a path and a call. */
static int on_intrinsic(struct walk *w, size_t i)
{
	const struct token *t = tok(w, i), *n1 = tok(w, i + 1), *n2 = tok(w, i + 2),
			   *n3 = tok(w, i + 3);
	if (!is_word(w->s, t, "States") || !n1 || !is_op(w->s, n1, ".") || !n2 ||
	    n2->kind != TK_NAME || !n3 || w->s[n3->at] != '(')
		return 0;
	found(w, JA_FOUND_INTRINSIC, t->at, n2->at + n2->len - t->at);
	return 1;
}

void v_ja_scan(const char *text, size_t len, ja_found_fn *fn, void *ctx)
{
	struct tokens k = { NULL, 0, 0 };
	lex(text, len, &k);
	struct walk *w = xcalloc(1, sizeof(*w));
	w->s = text, w->k = &k, w->fn = fn, w->ctx = ctx;
	w->stack[0].callee = -1;
	collect_bound(text, &k, &w->bound);
	for (size_t i = 0; i < k.n; i++) {
		const struct token *t = &k.t[i];
		if (t->kind != TK_CLOSE)
			w->stack[w->depth].nonempty = 1;
		if (t->kind == TK_OPEN && open_bracket(w, i) < 0)
			break;
		else if (t->kind == TK_CLOSE)
			close_bracket(w);
		else if (is_op(text, t, ",") && !w->stack[w->depth].pipes)
			w->stack[w->depth].commas++;
		else if (is_op(text, t, "|") && on_pipe(w) < 0)
			break;
		else if (t->kind == TK_VAR)
			on_var(w, i);
		else if (t->kind == TK_NAME && !on_intrinsic(w, i) && top_operand(w, i))
			found(w, JA_FOUND_TOP_NAME, t->at, t->len);
	}
	free(w);
	free(k.t);
}
