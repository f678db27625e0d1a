/* report.c - diagnostic printers (see report.h). */
#include "report.h"
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "buf.h"
#include "fileio.h"
#include "jsonout.h"
#include "xalloc.h"
#include "banned.h"

int report_format_parse(const char *name, enum report_format *out)
{
	static const char *const names[] = { "text", "json", "github", "junit" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	return -1;
}

/* The source line 'line' of the file, from a one-file cache. */
struct source_cache {
	char *path;
	struct buf text;
};

static const char *source_line(struct source_cache *c, const char *path,
			       unsigned line, size_t *len)
{
	if (!c->path || strcmp(c->path, path)) {
		free(c->path);
		c->path = xstrdup(path);
		buf_reset(&c->text);
		const char *why;
		if (fileio_read(path, &c->text, &why))
			buf_reset(&c->text);
	}
	const char *p = c->text.ptr;
	for (unsigned i = 1; i < line && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p || !*p)
		return NULL;
	*len = strcspn(p, "\r\n");
	return p;
}

/* The quoted line and a caret under the column (columns count characters). */
static void print_caret(FILE *out, struct source_cache *c, const struct diag *d)
{
	size_t len;
	const char *line = d->pos.line ? source_line(c, d->pos.file, d->pos.line, &len) : NULL;
	if (!line)
		return;
	fprintf(out, "%5u | %.*s\n      | ", d->pos.line, (int)len, line);
	unsigned col = 1;
	for (size_t i = 0; i < len && col < d->pos.col; i++) {
		if (((unsigned char)line[i] & 0xC0) == 0x80)
			continue;
		fputc(line[i] == '\t' ? '\t' : ' ', out);
		col++;
	}
	fputs("^\n", out);
}

static void print_text(FILE *out, const struct diag_list *l, int show_source)
{
	struct source_cache cache = { NULL, BUF_INIT };
	for (size_t i = 0; i < l->nr; i++) {
		const struct diag *d = &l->items[i];
		fputs(d->pos.file, out);
		if (d->pos.line)
			fprintf(out, ":%u:%u", d->pos.line, d->pos.col);
		fprintf(out, ": %s: %s", severity_name(d->severity), d->message);
		if (d->rule)
			fprintf(out, " [%s]", d->rule);
		fputc('\n', out);
		if (show_source)
			print_caret(out, &cache, d);
	}
	free(cache.path);
	buf_release(&cache.text);
}

cJSON *report_diags_json_(const struct diag_list *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < l->nr; i++) {
		const struct diag *d = &l->items[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "file", d->pos.file);
		cJSON_AddNumberToObject(o, "line", d->pos.line);
		cJSON_AddNumberToObject(o, "column", d->pos.col);
		cJSON_AddStringToObject(o, "severity", severity_name(d->severity));
		if (d->rule)
			cJSON_AddStringToObject(o, "rule", d->rule);
		else
			cJSON_AddNullToObject(o, "rule");
		cJSON_AddStringToObject(o, "message", d->message);
		if (d->pointer)
			cJSON_AddStringToObject(o, "pointer", d->pointer);
		else
			cJSON_AddNullToObject(o, "pointer");
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void print_json(FILE *out, const struct diag_list *l, int compact)
{
	cJSON *arr = report_diags_json_(l);
	jsonout_print(out, arr, compact ? JSONOUT_COMPACT : JSONOUT_PRETTY);
	cJSON_Delete(arr);
}

/* GitHub workflow commands escape %, CR and LF in data, and also : and ,
 * in properties. */
void report_github_escape_(FILE *out, const char *s, int property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

static void print_github(FILE *out, const struct diag_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		const struct diag *d = &l->items[i];
		const char *kind = d->severity == SEV_ERROR ? "error" :
				   d->severity == SEV_WARNING ? "warning" : "notice";
		fprintf(out, "::%s file=", kind);
		report_github_escape_(out, d->pos.file, 1);
		if (d->pos.line)
			fprintf(out, ",line=%u,col=%u", d->pos.line, d->pos.col);
		if (d->rule) {
			fputs(",title=", out);
			report_github_escape_(out, d->rule, 1);
		}
		fputs("::", out);
		report_github_escape_(out, d->message, 0);
		fputc('\n', out);
	}
}

void report_print(FILE *out, const struct diag_list *l,
		  const struct report_options *opt)
{
	switch (opt->format) {
	case REPORT_TEXT:
		print_text(out, l, opt->show_source);
		break;
	case REPORT_JSON:
		print_json(out, l, opt->compact);
		break;
	case REPORT_GITHUB:
	case REPORT_JUNIT:
		print_github(out, l);
		break;
	}
}
