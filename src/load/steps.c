/* steps.c - shell words, the command table, HTTP requests and recorded
 * outputs (see steps.h). */
#include "steps.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "jsobject.h"
#include "xalloc.h"
#include "banned.h"

/* ---- shell words -------------------------------------------------------- */

struct lexer {
	const char *s;
	size_t len, at;
};

static int lx_peek(const struct lexer *lx, size_t ahead)
{
	return lx->at + ahead < lx->len ? (unsigned char)lx->s[lx->at + ahead] : -1;
}

/* Skips blanks and backslash-newline continuations. */
static void skip_blanks(struct lexer *lx)
{
	for (;;) {
		int c = lx_peek(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r')
			lx->at++;
		else if (c == '\\' && lx_peek(lx, 1) == '\n')
			lx->at += 2;
		else if (c == '\\' && lx_peek(lx, 1) == '\r' && lx_peek(lx, 2) == '\n')
			lx->at += 3;
		else
			return;
	}
}

static int is_separator(int c)
{
	return c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == ';' || c == '|' || c == '&';
}

/* A double-quoted part; the lexer is past the opening quote. */
static int read_dquoted(struct lexer *lx, struct buf *b, int *has_var)
{
	for (;;) {
		int c = lx_peek(lx, 0);
		if (c < 0)
			return -1;
		lx->at++;
		if (c == '"')
			return 0;
		if (c == '\\' && lx_peek(lx, 0) > 0 && strchr("\"\\$`\n", lx_peek(lx, 0))) {
			int e = lx_peek(lx, 0);
			lx->at++;
			if (e != '\n')
				buf_addc(b, (char)e);
			continue;
		}
		if (c == '$')
			*has_var = 1;
		buf_addc(b, (char)c);
	}
}

/* One word; the lexer is on its first character. */
static int read_word(struct lexer *lx, struct steps_word *w, size_t *err_at)
{
	struct buf b = BUF_INIT;
	w->has_var = 0;
	w->at = lx->at;
	if (lx_peek(lx, 0) == '\'' || lx_peek(lx, 0) == '"')
		w->at++;
	while (!is_separator(lx_peek(lx, 0))) {
		int c = lx_peek(lx, 0);
		size_t q = lx->at++;
		if (c == '\'') {
			const char *e = memchr(lx->s + lx->at, '\'', lx->len - lx->at);
			if (!e)
				goto unterminated;
			buf_add(&b, lx->s + lx->at, (size_t)(e - lx->s) - lx->at);
			lx->at = (size_t)(e - lx->s) + 1;
		} else if (c == '"') {
			if (read_dquoted(lx, &b, &w->has_var)) {
				lx->at = q;
				goto unterminated;
			}
		} else if (c == '\\' && lx_peek(lx, 0) >= 0) {
			if (lx_peek(lx, 0) != '\n')
				buf_addc(&b, (char)lx_peek(lx, 0));
			lx->at++;
		} else {
			if (c == '$')
				w->has_var = 1;
			buf_addc(&b, (char)c);
		}
		continue;
unterminated:
		*err_at = q;
		buf_release(&b);
		return -1;
	}
	w->end = lx->at;
	w->text = buf_detach(&b, NULL);
	return 0;
}

/* Consumes the separator after a command; returns 1 at its end. */
static int end_of_command(struct lexer *lx)
{
	int c = lx_peek(lx, 0);
	if (c == '#') {
		const char *nl = memchr(lx->s + lx->at, '\n', lx->len - lx->at);
		lx->at = nl ? (size_t)(nl - lx->s) : lx->len;
		c = lx_peek(lx, 0);
	}
	if (c < 0)
		return 1;
	if (c == '\n' || c == ';') {
		lx->at++;
		return 1;
	}
	if (c == '|' || c == '&') {
		lx->at += lx_peek(lx, 1) == c ? 2 : 1;
		return 1;
	}
	return 0;
}

int steps_split(const char *text, size_t len, size_t *at,
		struct steps_word **words, size_t *nr, const char **why,
		size_t *err_at)
{
	struct lexer lx = { text, len, *at };
	size_t alloc = *nr, start = *nr;
	for (;;) {
		skip_blanks(&lx);
		if (end_of_command(&lx))
			break;
		if (*nr - start >= STEPS_MAX_WORDS) {
			*why = "too many words in one command";
			*err_at = lx.at;
			return -1;
		}
		struct steps_word w;
		if (read_word(&lx, &w, err_at)) {
			*why = "unterminated quote";
			*at = lx.len;
			return -1;
		}
		ARRAY_GROW(*words, *nr + 1, alloc);
		(*words)[(*nr)++] = w;
	}
	*at = lx.at;
	return (int)(*nr - start);
}

void steps_words_free(struct steps_word *words, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(words[i].text);
	free(words);
}

/* ---- located JSON ------------------------------------------------------- */

struct remap {
	const struct snippet *s;
	const char *text;
	size_t base;
};

/* Byte offset of (line, col) in text; columns count characters. */
static size_t offset_of(const char *text, unsigned line, unsigned col)
{
	size_t at = 0;
	for (unsigned l = 1; l < line && text[at]; at++)
		if (text[at] == '\n')
			l++;
	for (unsigned c = 1; c < col && text[at] && text[at] != '\n'; at++)
		if (((unsigned char)text[at + 1] & 0xC0) != 0x80)
			c++;
	return at;
}

static struct pos remap_pos(struct pos p, void *ctx)
{
	const struct remap *m = ctx;
	if (!p.line)
		return m->s->pos;
	return snippet_offset_pos(m->s, m->base + offset_of(m->text, p.line, p.col));
}

/* Parses text (which starts at offset 'base' of s->text) as JSON; errors
 * are moved into the page with 'what' in front.  Returns owned or NULL. */
static cJSON *located_json(const struct snippet *s, const char *text,
			   size_t len, size_t base, const char *what,
			   struct diag_list *diags)
{
	struct diag_list errs = DIAG_LIST_INIT;
	struct doc *d = doc_new(s->pos.file);
	cJSON *root = NULL;
	if (!doc_parse(d, text, len, DOC_JSON, &errs)) {
		root = d->root;
		d->root = NULL;
	}
	struct remap m = { s, d->text.ptr, base };
	for (size_t i = 0; i < errs.nr; i++)
		diag_error(diags, remap_pos(errs.items[i].pos, &m), "check/json",
			   "%s%s", what, errs.items[i].message);
	diag_list_release(&errs);
	doc_free(d);
	return root;
}

/* ---- the command table -------------------------------------------------- */

struct opt_spec {
	const char *names; /* spellings separated by '|' */
	enum step_arg arg;
};

struct command_spec {
	const char *pattern; /* words; '|' separates spellings of one word */
	enum step_kind kind;
	const char *what;
	const struct opt_spec *opts;
};

static const struct opt_spec template_opts[] = {
	{ "--template-file|--template|-t", ARG_PATH }, { "--stack-name", ARG_NAME },
	{ NULL, 0 },
};
static const struct opt_spec invoke_opts[] = {
	{ "--name|-n", ARG_NAME }, { "--data|-d", ARG_INPUT },
	{ "--path|-p", ARG_PATH }, { "--stage|-s", ARG_STAGE }, { NULL, 0 },
};
static const struct opt_spec deploy_opts[] = {
	{ "--stage|-s", ARG_STAGE }, { NULL, 0 },
};
static const struct opt_spec start_opts[] = {
	{ "--state-machine-arn", ARG_MACHINE_ARN }, { "--input", ARG_INPUT },
	{ "--name", ARG_NAME }, { NULL, 0 },
};
static const struct opt_spec execution_opts[] = {
	{ "--execution-arn", ARG_EXECUTION_ARN }, { "--error", ARG_ERROR },
	{ "--cause", ARG_CAUSE }, { NULL, 0 },
};
static const struct opt_spec task_opts[] = {
	{ "--task-token", ARG_TOKEN }, { "--task-output", ARG_INPUT },
	{ "--error", ARG_ERROR }, { "--cause", ARG_CAUSE }, { NULL, 0 },
};

#define SFN "aws stepfunctions "
static const struct command_spec commands[] = {
	{ "sls|serverless deploy", STEP_DEPLOY, "sls deploy", deploy_opts },
	{ "make deploy", STEP_DEPLOY, "make deploy", deploy_opts },
	{ "aws cloudformation deploy", STEP_DEPLOY, "aws cloudformation deploy", template_opts },
	{ "sam deploy", STEP_DEPLOY, "sam deploy", template_opts },
	{ "sls|serverless invoke stepf", STEP_INVOKE, "sls invoke stepf", invoke_opts },
	{ SFN "start-execution", STEP_START, SFN "start-execution", start_opts },
	{ SFN "start-sync-execution", STEP_START_SYNC, SFN "start-sync-execution", start_opts },
	{ SFN "describe-execution", STEP_DESCRIBE, SFN "describe-execution", execution_opts },
	{ SFN "stop-execution", STEP_STOP, SFN "stop-execution", execution_opts },
	{ SFN "send-task-success", STEP_TASK_SUCCESS, SFN "send-task-success", task_opts },
	{ SFN "send-task-failure", STEP_TASK_FAILURE, SFN "send-task-failure", task_opts },
	{ SFN "send-task-heartbeat", STEP_TASK_HEARTBEAT, SFN "send-task-heartbeat", task_opts },
	{ SFN "get-execution-history", STEP_HISTORY, SFN "get-execution-history", execution_opts },
};

/* Options that take no value (everything else unknown takes the next word
 * unless it is an option itself). */
static const char *const flag_options[] = {
	"--debug", "--no-cli-pager", "--verbose", "--conceal", "--force",
	"--no-paginate", "--include-execution-data", "--reverse-order",
	"--no-include-execution-data", "-v",
};

static int spelled(const char *names, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = names; *p;) {
		size_t k = strcspn(p, "|");
		if (k == n && !strncmp(p, word, n))
			return 1;
		p += k + (p[k] == '|');
	}
	return 0;
}

/* Number of words the pattern matches at the start of w, or 0. */
static size_t match_pattern(const char *pattern, const struct steps_word *w,
			    size_t n)
{
	size_t i = 0;
	char spell[64];
	for (const char *p = pattern; *p; i++) {
		size_t k = strcspn(p, " ");
		if (i >= n || k >= sizeof(spell))
			return 0;
		memcpy(spell, p, k);
		spell[k] = '\0';
		if (!spelled(spell, w[i].text))
			return 0;
		p += k + (p[k] == ' ');
	}
	return i;
}

static int is_flag(const char *w)
{
	for (size_t i = 0; i < sizeof(flag_options) / sizeof(*flag_options); i++)
		if (!strcmp(flag_options[i], w))
			return 1;
	return 0;
}

static void set_arg(struct step *st, const struct snippet *s, enum step_arg a,
		    const char *value, const struct steps_word *w, size_t skip)
{
	free(st->arg[a]);
	st->arg[a] = xstrdup(value);
	st->arg_at[a] = w->at + skip;
	st->arg_pos[a] = snippet_offset_pos(s, w->at + skip);
	if (w->has_var)
		st->arg_vars |= 1u << a;
	else
		st->arg_vars &= ~(1u << a);
}

/* --opt VALUE, --opt=VALUE, -o VALUE; unknown options are skipped. */
static void parse_options(struct step *st, const struct snippet *s,
			  const struct opt_spec *opts, const struct steps_word *w,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *word = w[i].text;
		if (word[0] != '-') {
			if (!strncmp(word, "STAGE=", 6))
				set_arg(st, s, ARG_STAGE, word + 6, &w[i], 6);
			continue;
		}
		char name[64];
		const char *eq = strchr(word, '=');
		size_t k = eq ? (size_t)(eq - word) : strlen(word);
		if (k >= sizeof(name))
			continue;
		memcpy(name, word, k);
		name[k] = '\0';
		const struct opt_spec *o = opts;
		while (o->names && !spelled(o->names, name))
			o++;
		if (eq && o->names)
			set_arg(st, s, o->arg, eq + 1, &w[i], k + 1);
		else if (!eq && !is_flag(name) && i + 1 < n &&
			 (w[i + 1].text[0] != '-' || !w[i + 1].text[1])) {
			i++;
			if (o->names)
				set_arg(st, s, o->arg, w[i].text, &w[i], 0);
		}
	}
}

static struct step *new_step(struct step_list *l, enum step_kind kind,
			     const char *what, const struct snippet *s,
			     size_t index, size_t at)
{
	ARRAY_GROW(l->items, l->nr + 1, l->alloc);
	struct step *st = &l->items[l->nr++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->what = what;
	st->snippet = index;
	st->pos = snippet_offset_pos(s, at);
	return st;
}

static void parse_input(struct step *st, const struct snippet *s,
			struct diag_list *diags)
{
	if (!st->arg[ARG_INPUT] || (st->arg_vars & (1u << ARG_INPUT)))
		return;
	st->input = located_json(s, st->arg[ARG_INPUT], strlen(st->arg[ARG_INPUT]),
				 st->arg_at[ARG_INPUT],
				 st->kind == STEP_HTTP ? "the body is not JSON: "
						       : "the input is not JSON: ", diags);
}

static void add_header(struct step *st, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	if (!colon)
		return;
	st->headers = xrealloc(st->headers,
			       size_mul(st->nr_headers + 1, sizeof(*st->headers)));
	struct step_header *h = &st->headers[st->nr_headers++];
	h->name = xstrndup(line, (size_t)(colon - line));
	const char *v = colon + 1;
	while (v < line + n && (*v == ' ' || *v == '\t'))
		v++;
	size_t vn = (size_t)(line + n - v);
	while (vn && isspace((unsigned char)v[vn - 1]))
		vn--;
	h->value = xstrndup(v, vn);
}

/* "https://host/dev/x" -> "/dev/x"; a path stays as it is. */
static const char *url_path(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return url;
	p = strchr(p + 3, '/');
	return p ? p : "/";
}

static void parse_curl(struct step *st, const struct snippet *s,
		       const struct steps_word *w, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const char *o = w[i].text;
		int has_value = i + 1 < n;
		if ((!strcmp(o, "-X") || !strcmp(o, "--request")) && has_value) {
			i++;
			set_arg(st, s, ARG_METHOD, w[i].text, &w[i], 0);
		} else if ((!strcmp(o, "-H") || !strcmp(o, "--header")) && has_value) {
			i++;
			add_header(st, w[i].text, strlen(w[i].text));
		} else if ((!strcmp(o, "-d") || !strncmp(o, "--data", 6) ||
			    !strcmp(o, "--json")) && has_value) {
			i++;
			set_arg(st, s, ARG_INPUT, w[i].text, &w[i], 0);
		} else if (o[0] != '-') {
			set_arg(st, s, ARG_TARGET, url_path(o), &w[i],
				(size_t)(url_path(o) - o));
			const char *host = strstr(o, "://");
			if (host) { /* curl sends the URL's host as Host */
				struct buf h = BUF_INIT;
				buf_addf(&h, "Host: %.*s", (int)(url_path(o) - host - 3), host + 3);
				add_header(st, h.ptr, h.len);
				buf_release(&h);
			}
		}
	}
	if (!st->arg[ARG_METHOD])
		st->arg[ARG_METHOD] = xstrdup(st->arg[ARG_INPUT] ? "POST" : "GET");
}

/* export NAME=VALUE */
static void parse_export(struct step *st, const struct snippet *s,
			 const struct steps_word *w, size_t n)
{
	const char *eq = n > 1 ? strchr(w[1].text, '=') : NULL;
	if (!eq) {
		st->kind = STEP_NONE;
		st->reason = xstrdup("export without a value");
		return;
	}
	st->arg[ARG_VAR] = xstrndup(w[1].text, (size_t)(eq - w[1].text));
	set_arg(st, s, ARG_VALUE, eq + 1, &w[1], (size_t)(eq - w[1].text) + 1);
}

/* Drops a "$ " prompt and NAME=value prefixes; returns the first word. */
static size_t command_start(const struct steps_word *w, size_t n)
{
	size_t i = 0;
	if (n && !strcmp(w[0].text, "$"))
		i++;
	while (i + 1 < n && strchr(w[i].text, '=') && w[i].text[0] != '=' &&
	       strcspn(w[i].text, "=") == strspn(w[i].text,
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789"))
		i++;
	return i;
}

/* Classifies one command of words w[0..n). */
static void add_command(struct step_list *l, const struct snippet *s,
			size_t index, const struct steps_word *w, size_t n,
			struct diag_list *diags)
{
	size_t i = command_start(w, n);
	w += i;
	n -= i;
	if (!n)
		return;
	for (size_t c = 0; c < sizeof(commands) / sizeof(*commands); c++) {
		size_t k = match_pattern(commands[c].pattern, w, n);
		if (!k)
			continue;
		struct step *st = new_step(l, commands[c].kind, commands[c].what,
					   s, index, w[0].at);
		parse_options(st, s, commands[c].opts, w + k, n - k);
		if (s->step && st->kind == STEP_DEPLOY) {
			free(st->arg[ARG_PATH]);
			st->arg[ARG_PATH] = xstrdup(s->step);
			st->arg_pos[ARG_PATH] = s->fence;
		}
		parse_input(st, s, diags);
		return;
	}
	if (!strcmp(w[0].text, "export") || !strcmp(w[0].text, "curl")) {
		int curl = w[0].text[0] == 'c';
		struct step *st = new_step(l, curl ? STEP_HTTP : STEP_EXPORT,
					   curl ? "curl" : "export", s, index, w[0].at);
		if (curl) {
			parse_curl(st, s, w, n);
			parse_input(st, s, diags);
		} else {
			parse_export(st, s, w, n);
		}
		return;
	}
	struct step *st = new_step(l, STEP_NONE, "command", s, index, w[0].at);
	struct buf why = BUF_INIT;
	buf_addf(&why, "'%s' is not a command stepbook runs", w[0].text);
	st->reason = buf_detach(&why, NULL);
}

/* End of the physical line at 'at', following backslash continuations. */
static size_t physical_end(const char *t, size_t len, size_t at)
{
	for (;;) {
		const char *nl = memchr(t + at, '\n', len - at);
		if (!nl)
			return len;
		size_t e = (size_t)(nl - t);
		if (e > at && t[e - 1] == '\\') {
			at = e + 1;
			continue;
		}
		return e;
	}
}

static int known_command(const struct steps_word *w, size_t n)
{
	size_t i = command_start(w, n);
	if (i >= n)
		return 0;
	static const char *const firsts[] = { "sls", "serverless", "make",
					      "aws", "export", "curl", "sam" };
	for (size_t k = 0; k < sizeof(firsts) / sizeof(*firsts); k++)
		if (!strcmp(w[i].text, firsts[k]))
			return 1;
	return 0;
}

/* One command at *at: split within the line first (so the ASCII art of
 * some tool's output never opens a quote for the rest of the block), then
 * across lines when a quote of a command we know spans them. */
static void parse_one(struct step_list *l, const struct snippet *s,
		      size_t index, size_t *at, struct diag_list *diags)
{
	struct steps_word *w = NULL;
	size_t n = 0, err_at = 0, start = *at;
	const char *why = NULL;
	size_t line_end = physical_end(s->text, s->len, start);
	int r = steps_split(s->text, line_end, at, &w, &n, &why, &err_at);
	if (r < 0 && known_command(w, n)) {
		steps_words_free(w, n);
		w = NULL;
		n = 0;
		*at = start;
		r = steps_split(s->text, s->len, at, &w, &n, &why, &err_at);
	}
	if (r < 0 && known_command(w, n)) {
		diag_error(diags, snippet_offset_pos(s, err_at), "check/shell",
			   "%s", why);
		*at = s->len;
	} else if (r < 0) {
		*at = line_end < s->len ? line_end + 1 : s->len;
		struct step *st = new_step(l, STEP_NONE, "text", s, index, start);
		st->reason = xstrdup("not a shell command");
	} else if (n) {
		add_command(l, s, index, w, n, diags);
	}
	if (r >= 0 && *at == line_end && line_end < s->len)
		(*at)++; /* the newline the line-bounded split stopped at */
	steps_words_free(w, n);
}

/* ---- HTTP requests ------------------------------------------------------ */

static int is_method(const char *p, size_t n)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "DELETE",
					       "PATCH", "HEAD", "OPTIONS" };
	for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (strlen(methods[i]) == n && !memcmp(methods[i], p, n))
			return 1;
	return 0;
}

/* The request line at the start of text (after blank lines), or NULL. */
static const char *request_line(const char *text, size_t *mlen)
{
	const char *p = text + strspn(text, " \t\r\n");
	size_t m = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (!is_method(p, m) || p[m] != ' ' || (p[m + 1] != '/' && strncmp(p + m + 1, "http", 4)))
		return NULL;
	*mlen = m;
	return p;
}

int steps_is_http_request(const struct snippet *s)
{
	size_t m;
	return request_line(s->text, &m) != NULL;
}

static void parse_http(struct step_list *l, const struct snippet *s,
		       size_t index, struct diag_list *diags)
{
	size_t m;
	const char *p = request_line(s->text, &m);
	size_t at = (size_t)(p - s->text);
	struct step *st = new_step(l, STEP_HTTP, "HTTP request", s, index, at);
	st->arg[ARG_METHOD] = xstrndup(p, m);
	const char *target = p + m + 1;
	size_t tn = strcspn(target, " \r\n");
	char *url = xstrndup(target, tn);
	const char *path = url_path(url);
	st->arg[ARG_TARGET] = xstrdup(path);
	st->arg_at[ARG_TARGET] = (size_t)(target - s->text) + (size_t)(path - url);
	st->arg_pos[ARG_TARGET] = snippet_offset_pos(s, st->arg_at[ARG_TARGET]);
	free(url);
	const char *line = strchr(p, '\n');
	while (line && line[1] && line[1] != '\n' && line[1] != '\r') {
		line++;
		size_t n = strcspn(line, "\n");
		add_header(st, line, n);
		line = line[n] ? line + n : NULL;
	}
	if (!line)
		return;
	const char *body = line + strspn(line, " \t\r\n");
	size_t bn = strlen(body);
	while (bn && isspace((unsigned char)body[bn - 1]))
		bn--;
	if (!bn)
		return;
	st->arg[ARG_INPUT] = xstrndup(body, bn);
	st->arg_at[ARG_INPUT] = (size_t)(body - s->text);
	parse_input(st, s, diags);
}

/* ---- a snippet ---------------------------------------------------------- */

static int is_shell(const char *lang)
{
	static const char *const shells[] = { "bash", "sh", "shell", "console",
					      "zsh", "shell-session", "" };
	for (size_t i = 0; i < sizeof(shells) / sizeof(*shells); i++)
		if (!strcmp(lang, shells[i]))
			return 1;
	return 0;
}

void steps_parse(struct step_list *l, const struct snippet *s, size_t index,
		 struct diag_list *diags)
{
	if (s->flags & (SNIPPET_SKIP | SNIPPET_OUTPUT))
		return;
	if (l->full)
		return;
	if (steps_is_http_request(s) && (is_shell(s->lang) || !strcmp(s->lang, "http")))
		return parse_http(l, s, index, diags);
	if (!is_shell(s->lang))
		return;
	size_t at = 0, count = 0;
	while (at < s->len && count++ < STEPS_MAX_COMMANDS) {
		if (l->nr >= STEPS_MAX_STEPS) {
			if (!l->full++)
				diag_error(diags, snippet_offset_pos(s, at), "check/too-many-steps",
					   "more than %d commands on one page; the rest is "
					   "not read", STEPS_MAX_STEPS);
			return;
		}
		parse_one(l, s, index, &at, diags);
	}
}

void steps_release(struct step_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		struct step *st = &l->items[i];
		for (int a = 0; a < ARG_COUNT; a++)
			free(st->arg[a]);
		for (size_t h = 0; h < st->nr_headers; h++) {
			free(st->headers[h].name);
			free(st->headers[h].value);
		}
		free(st->headers);
		free(st->reason);
		cJSON_Delete(st->input);
		cJSON_Delete(st->expect);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* ---- recorded outputs --------------------------------------------------- */

int steps_looks_like_output(const struct snippet *s)
{
	const char *p = s->text + strspn(s->text, " \t\r\n");
	return *p == '{' || *p == '[' || !strncmp(p, "HTTP/", 5);
}

/* HTTP/1.1 200 OK, headers, blank line, body -> {statusCode, body}. */
static cJSON *parse_response(const struct snippet *s, const char *p,
			     struct diag_list *diags)
{
	const char *sp = strchr(p, ' ');
	if (!sp || !isdigit((unsigned char)sp[1])) {
		diag_error(diags, snippet_offset_pos(s, (size_t)(p - s->text)),
			   "check/http", "an HTTP status line needs a status code");
		return NULL;
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "statusCode", atoi(sp + 1));
	const char *body = strstr(p, "\n\n");
	const char *crlf = strstr(p, "\r\n\r\n");
	if (crlf && (!body || crlf < body))
		body = crlf + 2;
	body = body ? body + strspn(body, " \t\r\n") : "";
	size_t bn = strlen(body);
	while (bn && isspace((unsigned char)body[bn - 1]))
		bn--;
	/* `openssl s_client` prints "closed" right after the body */
	if (bn >= 6 && !memcmp(body + bn - 6, "closed", 6))
		bn -= 6;
	cJSON *v;
	if (!bn) {
		v = cJSON_CreateNull();
	} else if (*body == '{' || *body == '[') {
		v = located_json(s, body, bn, (size_t)(body - s->text),
				 "the response body is not JSON: ", diags);
	} else {
		char *t = xstrndup(body, bn);
		v = cJSON_CreateString(t);
		free(t);
	}
	if (!v) {
		cJSON_Delete(out);
		return NULL;
	}
	cJSON_AddItemToObject(out, "body", v);
	return out;
}

cJSON *steps_parse_output(const struct snippet *s, struct diag_list *diags)
{
	const char *p = s->text + strspn(s->text, " \t\r\n");
	if (!strncmp(p, "HTTP/", 5))
		return parse_response(s, p, diags);
	struct diag_list errs = DIAG_LIST_INIT;
	cJSON *v = located_json(s, s->text, s->len, 0, "", &errs);
	if (!v && (*p == '{' || *p == '[') && strcmp(s->lang, "json")) {
		const char *why;
		size_t at;
		v = jsobject_parse(s->text, s->len, &why, &at);
		if (!v) {
			diag_list_release(&errs);
			diag_error(&errs, snippet_offset_pos(s, at), "check/output",
				   "recorded output: %s", why);
		}
	}
	for (size_t i = 0; !v && i < errs.nr; i++)
		diag_error(diags, errs.items[i].pos, errs.items[i].rule, "%s",
			   errs.items[i].message);
	diag_list_release(&errs);
	return v;
}

const char *steps_kind_name(enum step_kind kind)
{
	static const char *const names[] = {
		"none", "deploy", "invoke", "start-execution",
		"start-sync-execution", "describe-execution", "stop-execution",
		"send-task-success", "send-task-failure", "send-task-heartbeat",
		"get-execution-history", "export", "http",
	};
	return names[kind];
}
