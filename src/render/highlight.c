/* highlight.c - per-language tokenizers producing escaped, classed HTML.
 * They only colour: a wrong guess changes a colour, never the text. */
#include "highlight.h"

#include <ctype.h>
#include <string.h>

#include "escape.h"
#include "banned.h"

struct lang {
	const char *name;
	const char *const *keywords;
	const char *line_comment; /* "//", "#" or NULL */
	int block_comment;        /* C-style comments */
	const char *quotes;       /* string delimiters */
	int shell;                /* $VAR, -options, # only at word start */
	int json_keys;            /* a string followed by ':' is a key */
	const char *const *literals; /* NULL: true, false, null, nil, undefined */
	int decorators;           /* @name is meta (Python) */
};

static const char *const go_kw[] = {
	"break", "case", "chan", "const", "continue", "default", "defer",
	"else", "fallthrough", "for", "func", "go", "goto", "if", "import",
	"interface", "map", "package", "range", "return", "select", "struct",
	"switch", "type", "var", "string", "int", "error", "bool", "byte",
	"float64", "int64", NULL };
static const char *const js_kw[] = {
	"async", "await", "break", "case", "catch", "class", "const",
	"continue", "default", "delete", "do", "else", "export", "extends",
	"finally", "for", "from", "function", "if", "import", "in", "instanceof",
	"let", "new", "of", "return", "static", "super", "switch", "this",
	"throw", "try", "typeof", "var", "void", "while", "yield", NULL };
static const char *const sh_kw[] = {
	"case", "do", "done", "elif", "else", "esac", "export", "fi", "for",
	"function", "if", "in", "local", "return", "then", "until", "while",
	NULL };
static const char *const ts_kw[] = {
	"abstract", "any", "as", "async", "await", "boolean", "break", "case",
	"catch", "class", "const", "continue", "declare", "default", "delete",
	"do", "else", "enum", "export", "extends", "finally", "for", "from",
	"function", "if", "implements", "import", "in", "instanceof",
	"interface", "keyof", "let", "namespace", "never", "new", "number",
	"of", "private", "protected", "public", "readonly", "return",
	"satisfies", "static", "string", "super", "switch", "this", "throw",
	"try", "type", "typeof", "unknown", "var", "void", "while", "yield",
	NULL };
static const char *const py_kw[] = {
	"and", "as", "assert", "async", "await", "break", "class", "continue",
	"def", "del", "elif", "else", "except", "finally", "for", "from",
	"global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
	"pass", "raise", "return", "try", "while", "with", "yield", NULL };
/* Dockerfile instructions, then the shell words of their RUN lines */
static const char *const docker_kw[] = {
	"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
	"HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
	"STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "AS",
	"case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in",
	"then", "while", NULL };
static const char *const lits[] = { "true", "false", "null", "nil",
				    "undefined", NULL };
static const char *const py_lits[] = { "True", "False", "None", NULL };

static const struct lang langs[] = {
	{ "json", NULL, NULL, 0, "\"", 0, 1, NULL, 0 },
	{ "go", go_kw, "//", 1, "\"'`", 0, 0, NULL, 0 },
	{ "javascript", js_kw, "//", 1, "\"'`", 0, 1, NULL, 0 },
	{ "typescript", ts_kw, "//", 1, "\"'`", 0, 1, NULL, 0 },
	{ "bash", sh_kw, "#", 0, "\"'", 1, 0, NULL, 0 },
	{ "python", py_kw, "#", 0, "\"'", 0, 0, py_lits, 1 },
	{ "dockerfile", docker_kw, "#", 0, "\"'", 1, 0, NULL, 0 },
};

static const struct { const char *alias, *name; } aliases[] = {
	{ "json", "json" }, { "jsonc", "json" }, { "yaml", "yaml" },
	{ "yml", "yaml" }, { "bash", "bash" }, { "sh", "bash" },
	{ "shell", "bash" }, { "console", "bash" }, { "zsh", "bash" },
	{ "go", "go" }, { "golang", "go" }, { "javascript", "javascript" },
	{ "js", "javascript" }, { "mjs", "javascript" }, { "node", "javascript" },
	{ "cjs", "javascript" }, { "jsx", "javascript" },
	{ "typescript", "typescript" }, { "ts", "typescript" },
	{ "tsx", "typescript" }, { "python", "python" }, { "py", "python" },
	{ "python3", "python" }, { "dockerfile", "dockerfile" },
	{ "docker", "dockerfile" }, { "containerfile", "dockerfile" },
	{ "http", "http" },
};

const char *highlight_language(const char *info)
{
	size_t n = strcspn(info, " \t{");
	for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++)
		if (strlen(aliases[i].alias) == n &&
		    !strncasecmp(info, aliases[i].alias, n))
			return aliases[i].name;
	return NULL;
}

static void span(struct buf *out, const char *kind, const char *s, size_t n)
{
	if (!n)
		return;
	if (!kind) {
		escape_html(out, s, n);
		return;
	}
	buf_adds(out, "<span class=\"tok-"); /* not buf_addf: 26,000 a build */
	buf_adds(out, kind);
	buf_adds(out, "\">");
	escape_html(out, s, n);
	buf_adds(out, "</span>");
}

static int in_list(const char *const *list, const char *s, size_t n)
{
	for (; list && *list; list++)
		if (strlen(*list) == n && !memcmp(*list, s, n))
			return 1;
	return 0;
}

static int is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Length of a quoted string at s (up to end), honouring backslashes
 * (except in shell and YAML single quotes, which have none). */
static size_t string_len(const char *s, const char *end, int raw_single)
{
	const char *p = s + 1;
	while (p < end && *p != *s) {
		if (*p == '\\' && p + 1 < end && !(raw_single && *s == '\''))
			p++;
		else if (*p == '\n' && *s != '`')
			break;
		p++;
	}
	return (size_t)((p < end ? p + 1 : end) - s);
}

static size_t number_len(const char *s, const char *end)
{
	const char *p = s;
	while (p < end && (isalnum((unsigned char)*p) || *p == '.' ||
			   ((*p == '-' || *p == '+') && p > s &&
			    (p[-1] == 'e' || p[-1] == 'E'))))
		p++;
	return (size_t)(p - s);
}

static size_t comment_len(const struct lang *l, const char *s, const char *end,
			  int word_start)
{
	size_t lc = l->line_comment ? strlen(l->line_comment) : 0;
	if (lc && (size_t)(end - s) >= lc && !memcmp(s, l->line_comment, lc) &&
	    (!l->shell || word_start)) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		return (size_t)((nl ? nl : end) - s);
	}
	if (l->block_comment && end - s >= 2 && s[0] == '/' && s[1] == '*') {
		const char *p = s + 2;
		while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
			p++;
		return (size_t)((p + 1 < end ? p + 2 : end) - s);
	}
	return 0;
}

static size_t shell_token(const char *s, const char *end, const char **kind,
			  int word_start)
{
	const char *p = s;
	if (*s == '$') {
		p++;
		if (p < end && *p == '{') {
			while (p < end && *p != '}' && *p != '\n')
				p++;
			if (p < end && *p == '}')
				p++;
		} else {
			while (p < end && (is_word(*p) || *p == '?' || *p == '@'))
				p++;
		}
		*kind = "var";
		return (size_t)(p - s);
	}
	if (*s == '-' && word_start && s + 1 < end && (s[1] == '-' || isalpha((unsigned char)s[1]))) {
		while (p < end && (is_word(*p) || *p == '-'))
			p++;
		*kind = "attr";
		return (size_t)(p - s);
	}
	return 0;
}

static const char *word_kind(const struct lang *l, const char *s, size_t n)
{
	if (in_list(l->keywords, s, n))
		return "kw";
	if (in_list(l->literals ? l->literals : lits, s, n))
		return "lit";
	return NULL;
}

/* A string followed by ':' (JSON and JS object keys). */
static int is_key(const char *after, const char *end)
{
	while (after < end && (*after == ' ' || *after == '\t'))
		after++;
	return after < end && *after == ':';
}

static size_t generic_token(const struct lang *l, const char *s,
			    const char *end, const char **kind, int word_start)
{
	size_t n;
	*kind = NULL;
	if ((n = comment_len(l, s, end, word_start))) {
		*kind = "com";
		return n;
	}
	if (strchr(l->quotes, *s)) {
		n = string_len(s, end, l->shell);
		*kind = l->json_keys && is_key(s + n, end) ? "key" : "str";
		return n;
	}
	if (l->shell && (n = shell_token(s, end, kind, word_start)))
		return n;
	if (l->decorators && *s == '@' && word_start && s + 1 < end &&
	    is_word(s[1])) {
		const char *p = s + 1;
		while (p < end && (is_word(*p) || *p == '.'))
			p++;
		*kind = "meta";
		return (size_t)(p - s);
	}
	if (isdigit((unsigned char)*s) && word_start) {
		*kind = "num";
		return number_len(s, end);
	}
	if (is_word(*s)) {
		const char *p = s;
		while (p < end && is_word(*p))
			p++;
		n = (size_t)(p - s);
		if (word_start)
			*kind = word_kind(l, s, n);
		return n;
	}
	return 1;
}

static void highlight_generic(const struct lang *l, const char *s,
			      const char *end, struct buf *out)
{
	const char *start = s;
	while (s < end) {
		const char *kind;
		int word_start = s == start ||
				 (l->shell ? isspace((unsigned char)s[-1]) ||
						     s[-1] == ';' || s[-1] == '('
					   : !is_word(s[-1]) && s[-1] != '.');
		size_t n = generic_token(l, s, end, &kind, word_start);
		span(out, kind, s, n);
		s += n;
	}
}

/* ---- YAML: line by line -------------------------------------------------- */

static const char *yaml_scalar_kind(const char *s, size_t n)
{
	if (!n)
		return NULL;
	if (*s == '"' || *s == '\'')
		return "str";
	if (*s == '!' || *s == '&' || *s == '*')
		return "kw";
	if (in_list(lits, s, n) || (n == 1 && *s == '~'))
		return "lit";
	if (isdigit((unsigned char)*s) || (*s == '-' && n > 1 && isdigit((unsigned char)s[1]))) {
		size_t m = number_len(*s == '-' ? s + 1 : s, s + n) + (*s == '-');
		if (m == n)
			return "num";
	}
	return NULL;
}

/* The end of a YAML plain scalar or quoted string starting at s. */
static const char *yaml_value_end(const char *s, const char *end)
{
	if (*s == '"' || *s == '\'')
		return s + string_len(s, end, 1);
	const char *p = s;
	while (p < end && !(*p == ' ' && p + 1 < end && p[1] == '#') &&
	       *p != ',' && *p != ']' && *p != '}' && *p != '[' && *p != '{')
		p++;
	if (p == s)
		p++;
	return p;
}

static void yaml_values(const char *line, const char *s, const char *end,
			struct buf *out)
{
	while (s < end) {
		if (*s == '#' && (s == line || s[-1] == ' ' || s[-1] == '\t')) {
			span(out, "com", s, (size_t)(end - s));
			return;
		}
		if (*s == ' ' || *s == ',' || *s == '[' || *s == ']' ||
		    *s == '{' || *s == '}' || *s == '-' || *s == '|' || *s == '>') {
			if (!(*s == '-' && s + 1 < end && s[1] != ' ')) {
				span(out, NULL, s, 1);
				s++;
				continue;
			}
		}
		const char *e = yaml_value_end(s, end);
		const char *colon = NULL;
		for (const char *p = s; p < e; p++)
			if (*p == ':' && (p + 1 == e || p[1] == ' ')) {
				colon = p;
				break;
			}
		if (colon && *s != '"' && *s != '\'') {
			span(out, "key", s, (size_t)(colon - s));
			span(out, NULL, colon, 1);
			s = colon + 1;
			continue;
		}
		size_t n = (size_t)(e - s);
		while (n && s[n - 1] == ' ')
			n--;
		span(out, yaml_scalar_kind(s, n), s, n);
		span(out, NULL, s + n, (size_t)(e - s) - n);
		s = e;
	}
}

static void yaml_line(const char *s, const char *end, struct buf *out)
{
	const char *p = s;
	while (p < end && *p == ' ')
		p++;
	span(out, NULL, s, (size_t)(p - s));
	if (p < end && *p == '#') {
		span(out, "com", p, (size_t)(end - p));
		return;
	}
	/* a quoted key: "a": ... */
	if (p < end && (*p == '"' || *p == '\'')) {
		size_t n = string_len(p, end, 1);
		if (p + n < end && p[n] == ':') {
			span(out, "key", p, n);
			p += n;
		}
	}
	yaml_values(s, p, end, out);
}

static void highlight_yaml(const char *s, const char *end, struct buf *out)
{
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		yaml_line(s, e, out);
		if (nl)
			buf_addc(out, '\n');
		s = nl ? nl + 1 : end;
	}
}

/* ---- HTTP: request or status line, headers, then a body ------------------ */

static void highlight_http(const char *s, const char *end, struct buf *out)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	const char *e = nl ? nl : end;
	span(out, "meta", s, (size_t)(e - s));
	s = e;
	while (s < end && *s == '\n') {
		buf_addc(out, '\n');
		s++;
		if (s < end && (*s == '\n' || *s == '\r'))
			break; /* blank line: the body follows */
		nl = memchr(s, '\n', (size_t)(end - s));
		e = nl ? nl : end;
		const char *colon = memchr(s, ':', (size_t)(e - s));
		if (!colon) {
			span(out, NULL, s, (size_t)(e - s));
		} else {
			span(out, "attr", s, (size_t)(colon - s));
			span(out, NULL, colon, (size_t)(e - colon));
		}
		s = e;
	}
	highlight_generic(&langs[0], s, end, out);
}

void highlight_code(const char *lang, const char *code, size_t len,
		    struct buf *out)
{
	const char *end = code + len;
	if (!lang) {
		escape_html(out, code, len);
		return;
	}
	if (!strcmp(lang, "yaml")) {
		highlight_yaml(code, end, out);
		return;
	}
	if (!strcmp(lang, "http")) {
		highlight_http(code, end, out);
		return;
	}
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++)
		if (!strcmp(langs[i].name, lang)) {
			highlight_generic(&langs[i], code, end, out);
			return;
		}
	escape_html(out, code, len);
}
