/* highlight.h - code highlighting at build time, so pages need no script to
 * be read.  One small tokenizer per language (json, yaml, bash/shell, go,
 * javascript, typescript, python, Dockerfile, http); tokens become <span class="tok-KIND"> where KIND is
 * com (comment), str, num, kw (keyword), lit (true/false/null), key (a
 * mapping key), var (shell variable), attr (option or header name), meta
 * (HTTP method and status line).  Every byte of the code is escaped.
 * Not here: the <pre> around it and the copy button (html.c). */
#ifndef STEPBOOK_HIGHLIGHT_H
#define STEPBOOK_HIGHLIGHT_H

#include <stddef.h>

#include "buf.h"

/* The canonical language for a fence info string ("yml" -> "yaml",
 * "sh" -> "bash", "js" -> "javascript"...; only the first word counts),
 * or NULL when stepbook does not highlight it. */
const char *highlight_language(const char *info);

/* Appends code as escaped HTML, highlighted when lang (canonical, or
 * NULL) is known. */
void highlight_code(const char *lang, const char *code, size_t len,
		    struct buf *out);

#endif
