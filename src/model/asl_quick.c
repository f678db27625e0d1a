/* asl_quick.c - recognising the JSONata expressions simple enough to answer
 * without the engine (struct asl_quick in asl.h), once, when the model is
 * built.  The engine compiled the text already, so it is valid JSONata;
 * anything this small grammar does not cover is simply not quick:
 *
 *   quick   := operand [op operand]
 *   operand := number | 'string' | "string" | true | false | null |
 *              root ('.' name)*
 *   root    := $states.input | $states.result | $states.errorOutput | $name
 *   op      := + - * / < <= > >= = !=
 *
 * Not here: evaluating it (run/dataflow_jsonata.c). */
#include "asl.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* Steps of a path: Step Functions' field names are rarely longer. */
#define QUICK_MAX_NAMES 16

struct lexer {
	const char *p, *end;
};

static void skip_blanks(struct lexer *l)
{
	while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' ||
				 *l->p == '\n' || *l->p == '\r'))
		l->p++;
}

static int name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* A plain name; NULL when none, or a word JSONata reads otherwise. */
static char *name(struct lexer *l)
{
	static const char *const words[] = { "and", "or", "in", "true",
					     "false", "null", "function" };
	const char *s = l->p;
	if (l->p >= l->end || !name_start(*l->p))
		return NULL;
	while (l->p < l->end && name_char(*l->p))
		l->p++;
	size_t n = (size_t)(l->p - s);
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && !strncmp(words[i], s, n))
			return NULL;
	return xstrndup(s, n);
}

static int accept(struct lexer *l, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(l->end - l->p) < n || strncmp(l->p, word, n))
		return 0;
	if (name_char(word[n - 1]) && l->p + n < l->end && name_char(l->p[n]))
		return 0;
	l->p += n;
	return 1;
}

static int path(struct lexer *l, struct asl_quick_operand *o)
{
	o->names = xcalloc(QUICK_MAX_NAMES, sizeof(*o->names));
	while (l->p < l->end && *l->p == '.') {
		l->p++;
		if (o->nr_names == QUICK_MAX_NAMES ||
		    !(o->names[o->nr_names] = name(l)))
			return -1;
		o->nr_names++;
	}
	return 0;
}

static int root(struct lexer *l, struct asl_quick_operand *o)
{
	static const struct { const char *text; enum asl_quick_root root; } roots[] = {
		{ "$states.input", ASL_QUICK_INPUT },
		{ "$states.result", ASL_QUICK_RESULT },
		{ "$states.errorOutput", ASL_QUICK_ERROR_OUTPUT },
	};
	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++)
		if (accept(l, roots[i].text)) {
			o->root = roots[i].root;
			return path(l, o);
		}
	l->p++; /* '$' */
	o->root = ASL_QUICK_VARIABLE;
	if (!(o->variable = name(l)) || !strcmp(o->variable, "states"))
		return -1;
	return path(l, o);
}

/* A string without escapes: anything else is the engine's. */
static int string(struct lexer *l, struct asl_quick_operand *o)
{
	char q = *l->p++;
	const char *s = l->p;
	while (l->p < l->end && *l->p != q && *l->p != '\\')
		l->p++;
	if (l->p >= l->end || *l->p != q)
		return -1;
	o->root = ASL_QUICK_STRING;
	o->string = xstrndup(s, (size_t)(l->p - s));
	l->p++;
	return 0;
}

/* A number as JSONata writes one: digits, a fraction, an exponent. */
static int number(struct lexer *l, struct asl_quick_operand *o)
{
	const char *s = l->p;
	while (l->p < l->end && ((*l->p >= '0' && *l->p <= '9') || *l->p == '.' ||
				 *l->p == 'e' || *l->p == 'E' ||
				 ((*l->p == '+' || *l->p == '-') &&
				  (l->p[-1] == 'e' || l->p[-1] == 'E'))))
		l->p++;
	char buf[64];
	size_t n = (size_t)(l->p - s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	o->root = ASL_QUICK_NUMBER;
	o->number = strtod(buf, &end);
	return *end ? -1 : 0;
}

static int operand(struct lexer *l, struct asl_quick_operand *o)
{
	skip_blanks(l);
	if (l->p >= l->end)
		return -1;
	if (*l->p == '$')
		return root(l, o);
	if (*l->p == '\'' || *l->p == '"')
		return string(l, o);
	if (*l->p >= '0' && *l->p <= '9')
		return number(l, o);
	if (accept(l, "true"))
		o->root = ASL_QUICK_TRUE;
	else if (accept(l, "false"))
		o->root = ASL_QUICK_FALSE;
	else if (accept(l, "null"))
		o->root = ASL_QUICK_NULL;
	else
		return -1;
	return 0;
}

static char op(struct lexer *l)
{
	static const struct { const char *text; char op; } ops[] = {
		{ "<=", 'l' }, { ">=", 'g' }, { "!=", 'n' }, { "+", '+' },
		{ "-", '-' }, { "*", '*' }, { "/", '/' }, { "<", '<' },
		{ ">", '>' }, { "=", '=' },
	};
	skip_blanks(l);
	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++)
		if (accept(l, ops[i].text))
			return ops[i].op;
	return 0;
}

static void operand_release(struct asl_quick_operand *o)
{
	for (size_t i = 0; i < o->nr_names; i++)
		free(o->names[i]);
	free(o->names);
	free(o->variable);
	free(o->string);
}

void asl_quick_free(struct asl_quick *q)
{
	if (!q)
		return;
	operand_release(&q->a);
	operand_release(&q->b);
	free(q);
}

struct asl_quick *asl_quick_compile(const char *text, size_t len)
{
	struct lexer l = { text, text + len };
	struct asl_quick *q = xcalloc(1, sizeof(*q));
	if (operand(&l, &q->a))
		goto not_quick;
	skip_blanks(&l);
	if (l.p < l.end && (!(q->op = op(&l)) || operand(&l, &q->b)))
		goto not_quick;
	skip_blanks(&l);
	if (l.p == l.end)
		return q;
not_quick:
	asl_quick_free(q);
	return NULL;
}
