/* jsonata_sig.c - function signatures such as "<s-nn?:s>": parsing, and
 * checking a call's arguments against them as jsonata-js does (each value
 * becomes a type letter, the letters must match the parameter list; '-'
 * takes the context value when the argument is missing; a<T> checks array
 * items and wraps a single value in an array).  Errors T0410, T0411, T0412.
 * Not here: the built-ins' bodies (jsonata_fns.c). */
#include "jsonata_impl.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

/* A signature lists at most this many parameters (built-ins use 4). */
#define SIG_MAX_PARAMS 16

struct jparam {
	char set[12];  /* type letters accepted, 'm' for missing included */
	char mod;      /* 0, '?', '+' */
	int context;   /* '-': the context value stands in when missing */
	char ctxset[12];
	char subtype;  /* a<X>: item letter, 0 for none */
};

struct jsig {
	struct jparam p[SIG_MAX_PARAMS];
	size_t n;
};

static void set_param(struct jparam *pa, const char *set)
{
	snprintf(pa->set, sizeof(pa->set), "%s", set);
}

/* Skips a <...> type parameter starting at s[*i] == '<'. */
static void skip_angle(const char *s, size_t len, size_t *i)
{
	int depth = 0;
	for (; *i < len; (*i)++) {
		if (s[*i] == '<')
			depth++;
		else if (s[*i] == '>' && --depth == 0)
			return;
	}
}

static int parse_choice(const char *s, size_t len, size_t *i,
			struct jparam *pa, size_t *err, const char **code)
{
	char set[12] = { 0 };
	size_t k = 0;
	for ((*i)++; *i < len && s[*i] != ')'; (*i)++) {
		if (s[*i] == '<') {
			*err = *i;
			*code = "S0402";
			return -1;
		}
		if (k < 10 && strchr("bnsloafjx", s[*i]))
			set[k++] = s[*i];
	}
	set[k++] = 'm';
	set_param(pa, set);
	return 0;
}

struct jsig *jsonata_sig_parse(struct jsonata_arena *a, const char *s,
			       size_t len, size_t *err_offset,
			       const char **err_code)
{
	struct jsig *sig = jsonata_arena_alloc(a, sizeof(*sig));
	size_t i = 1; /* after '<' */
	struct jparam *prev = NULL;
	for (; i < len && s[i] != ':' && s[i] != '>'; i++) {
		char c = s[i];
		struct jparam *pa = sig->n < SIG_MAX_PARAMS ? &sig->p[sig->n] : NULL;
		switch (c) {
		case 'b': case 'n': case 's': case 'l': case 'o': {
			char set[3] = { c, 'm', 0 };
			if (!pa)
				break;
			set_param(pa, set);
			prev = pa;
			sig->n++;
			break;
		}
		case 'a': case 'x':
			if (!pa)
				break;
			set_param(pa, "asnblfom");
			pa->subtype = c == 'a' ? 0 : 0;
			if (c == 'a')
				pa->mod = 0;
			prev = pa;
			sig->n++;
			if (c == 'a')
				pa->ctxset[0] = 'A'; /* marks an array parameter */
			break;
		case 'j':
			if (!pa)
				break;
			set_param(pa, "asnblom");
			prev = pa;
			sig->n++;
			break;
		case 'f':
			if (!pa)
				break;
			set_param(pa, "f");
			prev = pa;
			sig->n++;
			break;
		case '(':
			if (!pa)
				break;
			if (parse_choice(s, len, &i, pa, err_offset, err_code) < 0)
				return NULL;
			prev = pa;
			sig->n++;
			break;
		case '<':
			if (!prev || (prev->ctxset[0] != 'A' && strcmp(prev->set, "f") != 0)) {
				*err_offset = i;
				*err_code = "S0401";
				return NULL;
			}
			if (prev->ctxset[0] == 'A' && i + 1 < len && s[i + 1] != '>')
				prev->subtype = s[i + 1];
			skip_angle(s, len, &i);
			break;
		case '?': case '+':
			if (prev)
				prev->mod = c;
			break;
		case '-':
			if (prev) {
				prev->context = 1;
				prev->mod = '?';
			}
			break;
		default:
			break;
		}
	}
	for (size_t k = 0; k < sig->n; k++)
		if (sig->p[k].context) {
			snprintf(sig->p[k].ctxset, sizeof(sig->p[k].ctxset), "%s",
				 sig->p[k].set);
		}
	return sig;
}

size_t jsonata_sig_arity(const struct jsig *sig)
{
	return sig ? sig->n : 0;
}

static char symbol(const jv *v)
{
	if (!v)
		return 'm';
	switch (v->type) {
	case JV_FUNC: return 'f';
	case JV_STR: return 's';
	case JV_NUM: return 'n';
	case JV_BOOL: return 'b';
	case JV_NULL: return 'l';
	case JV_ARR: return 'a';
	default: return 'o';
	}
}

/* Matches params [pi..] against letters [k..]; records each param's match
 * length in lens.  Greedy with backtracking, as the regex would. */
static int match_from(const struct jsig *sig, size_t pi, const char *syms,
		      size_t k, size_t n, size_t *lens)
{
	if (pi == sig->n)
		return k == n;
	const struct jparam *pa = &sig->p[pi];
	size_t max = 0;
	while (k + max < n && strchr(pa->set, syms[k + max]) &&
	       (pa->mod == '+' || max < 1))
		max++;
	size_t min = pa->mod == '?' ? 0 : 1;
	for (size_t take = max + 1; take-- > min;) {
		lens[pi] = take;
		if (match_from(sig, pi + 1, syms, k + take, n, lens))
			return 1;
	}
	return 0;
}

/* The common call, one argument per leading parameter, the parameters
 * left over optional, none of them '+': each leading one takes its own
 * argument when its type fits, the others none, which is the match the
 * greedy search finds first (no parameter takes more than one).  0 when
 * the call is not of that kind or does not fit. */
static int match_one_each(const struct jsig *sig, const char *syms, size_t n,
			  size_t *lens)
{
	if (n > sig->n)
		return 0;
	for (size_t i = 0; i < sig->n; i++) {
		const struct jparam *pa = &sig->p[i];
		if (pa->mod == '+' || (i < n ? !strchr(pa->set, syms[i]) : pa->mod != '?'))
			return 0;
		lens[i] = i < n;
	}
	return 1;
}

/* Length of the longest prefix of syms matched by params [0..upto]. */
static size_t good_to(const struct jsig *sig, const char *syms, size_t n)
{
	size_t lens[SIG_MAX_PARAMS];
	size_t best = 0;
	for (size_t upto = 1; upto <= sig->n; upto++) {
		struct jsig part = *sig;
		part.n = upto;
		size_t found = SIZE_MAX;
		for (size_t len = n + 1; len-- > 0;)
			if (match_from(&part, 0, syms, 0, len, lens)) {
				found = len;
				break;
			}
		if (found == SIZE_MAX)
			return best;
		best = found;
	}
	return best;
}

static int array_ok(const struct jparam *pa, char single, const jv *arg)
{
	if (!pa->subtype)
		return 1;
	if (single != 'a')
		return single == pa->subtype;
	if (arg->len == 0)
		return 1;
	char first = symbol(arg->u.a.items[0]);
	if (first != pa->subtype)
		return 0;
	for (size_t i = 1; i < arg->len; i++)
		if (symbol(arg->u.a.items[i]) != first)
			return 0;
	return 1;
}

int jsonata_sig_validate(struct jsonata_eval *ev, const struct jsig *sig,
			 jv **argv, size_t argc, jv *input, jv ***outv,
			 size_t *outc, size_t pos, const char *token)
{
	char syms[64];
	size_t lens[SIG_MAX_PARAMS];
	if (argc >= sizeof(syms))
		return jsonata_failf(ev, "T0410", pos, token,
				     "Too many arguments (%zu) for function %s", argc, token);
	for (size_t i = 0; i < argc; i++)
		syms[i] = symbol(argv[i]);
	syms[argc] = '\0';
	if (!match_one_each(sig, syms, argc, lens) &&
	    !match_from(sig, 0, syms, 0, argc, lens)) {
		size_t g = good_to(sig, syms, argc);
		return jsonata_failf(ev, "T0410", pos, token,
				     "Argument %zu of function %s does not match function signature",
				     g + 1, token);
	}
	jv **out = jsonata_arena_alloc(&ev->arena, (sig->n + argc + 1) * sizeof(jv *));
	size_t no = 0, ai = 0;
	for (size_t pi = 0; pi < sig->n; pi++) {
		const struct jparam *pa = &sig->p[pi];
		if (lens[pi] == 0) {
			if (pa->context) {
				if (!strchr(pa->ctxset, symbol(input)))
					return jsonata_failf(ev, "T0411", pos, token,
							     "Context value is not a compatible type with argument %zu of function %s",
							     ai + 1, token);
				out[no++] = input;
			} else {
				out[no++] = ai < argc ? argv[ai] : NULL;
				ai++;
			}
			continue;
		}
		for (size_t m = 0; m < lens[pi]; m++, ai++) {
			jv *arg = argv[ai];
			char single = syms[ai];
			if (pa->ctxset[0] == 'A' || (pa->subtype && !pa->context)) {
				if (single != 'm') {
					if (!array_ok(pa, single, arg))
						return jsonata_failf(ev, "T0412", pos, token,
								     "Argument %zu of function %s must be an array of %s",
								     ai + 1, token,
								     pa->subtype == 'n' ? "numbers" :
								     pa->subtype == 's' ? "strings" :
								     pa->subtype == 'o' ? "objects" : "values");
					if (single != 'a') {
						jv *w = jv_arr(ev, 1);
						jv_push(ev, w, arg);
						arg = w;
					}
				}
			}
			out[no++] = arg;
		}
	}
	*outv = out;
	*outc = no;
	return 0;
}
