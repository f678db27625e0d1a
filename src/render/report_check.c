/* report_check.c - the cases of `stepbook check` as text, JSON, GitHub
 * workflow annotations and JUnit XML (see report.h). */
#include "report.h"
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "buf.h"
#include "jsonout.h"
#include "strmap.h"
#include "banned.h"

static void print_diag_lines(FILE *out, const struct diag_list *l, const char *indent)
{
	for (size_t i = 0; i < l->nr; i++) {
		const struct diag *d = &l->items[i];
		fprintf(out, "%s%s", indent, d->pos.file);
		if (d->pos.line)
			fprintf(out, ":%u:%u", d->pos.line, d->pos.col);
		fprintf(out, ": %s: %s", severity_name(d->severity), d->message);
		if (d->rule)
			fprintf(out, " [%s]", d->rule);
		fputc('\n', out);
	}
}

/* Each line of text, after indent. */
static void print_indented(FILE *out, const char *text, const char *indent)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		fprintf(out, "%s%.*s\n", indent, (int)n, text);
		text += n + (text[n] == '\n');
	}
}

static void text_case(FILE *out, const struct gate_case *k, int verbose)
{
	if (k->status == GATE_PASS && !verbose)
		return;
	if (k->status == GATE_SKIP && !verbose)
		return;
	const char *what = k->status == GATE_FAIL ? "error" :
			   k->status == GATE_SKIP ? "skipped" : "ok";
	fputs(k->file, out);
	if (k->pos.line)
		fprintf(out, ":%u:%u", k->pos.line, k->pos.col);
	fprintf(out, ": %s: %s", what, k->name);
	if (k->message)
		fprintf(out, ": %s", k->message);
	fputc('\n', out);
	if (k->status == GATE_FAIL) {
		print_diag_lines(out, &k->diags, "  ");
		if (k->diff)
			fputs(k->diff, out);
		if (k->detail && verbose)
			print_indented(out, k->detail, "  ");
	}
}

static void print_text(FILE *out, const struct gate_run *run, int verbose)
{
	print_diag_lines(out, &run->notes, "");
	for (size_t i = 0; i < run->nr; i++)
		text_case(out, &run->cases[i], verbose);
	if (run->updated)
		fprintf(out, "%zu recorded output%s updated\n", run->updated,
			run->updated == 1 ? "" : "s");
	fprintf(out, "%zu passed, %zu failed, %zu skipped\n", run->passed,
		run->failed, run->skipped);
}

static void print_json(FILE *out, const struct gate_run *run, int compact)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *cases = cJSON_AddArrayToObject(root, "cases");
	for (size_t i = 0; i < run->nr; i++) {
		const struct gate_case *k = &run->cases[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", gate_kind_name(k->kind));
		cJSON_AddStringToObject(o, "name", k->name);
		cJSON_AddStringToObject(o, "status", gate_status_name(k->status));
		cJSON_AddStringToObject(o, "file", k->file);
		cJSON_AddNumberToObject(o, "line", k->pos.line);
		cJSON_AddNumberToObject(o, "column", k->pos.col);
		if (k->message)
			cJSON_AddStringToObject(o, "message", k->message);
		if (k->diff)
			cJSON_AddStringToObject(o, "diff", k->diff);
		if (k->detail)
			cJSON_AddStringToObject(o, "detail", k->detail);
		if (k->diags.nr)
			cJSON_AddItemToObject(o, "diagnostics", report_diags_json_(&k->diags));
		cJSON_AddItemToArray(cases, o);
	}
	cJSON_AddItemToObject(root, "notes", report_diags_json_(&run->notes));
	cJSON_AddNumberToObject(root, "passed", (double)run->passed);
	cJSON_AddNumberToObject(root, "failed", (double)run->failed);
	cJSON_AddNumberToObject(root, "skipped", (double)run->skipped);
	jsonout_print(out, root, compact ? JSONOUT_COMPACT : JSONOUT_PRETTY);
	cJSON_Delete(root);
}

static void gh_command(FILE *out, const char *kind, struct pos pos, const char *title)
{
	fprintf(out, "::%s file=", kind);
	report_github_escape_(out, pos.file, 1);
	if (pos.line)
		fprintf(out, ",line=%u,col=%u", pos.line, pos.col);
	fputs(",title=", out);
	report_github_escape_(out, title, 1);
	fputs("::", out);
}

/* One annotation per failure, at the located errors behind it when it has
 * some (a malformed block is marked where it breaks, not at its fence). */
static void print_github(FILE *out, const struct gate_run *run)
{
	for (size_t i = 0; i < run->nr; i++) {
		const struct gate_case *k = &run->cases[i];
		if (k->status != GATE_FAIL)
			continue;
		for (size_t d = 0; d < k->diags.nr; d++) {
			const struct diag *g = &k->diags.items[d];
			gh_command(out, g->severity == SEV_ERROR ? "error" : "warning", g->pos, k->name);
			report_github_escape_(out, g->message, 0);
			fputc('\n', out);
		}
		if (k->diags.nr && !k->diff)
			continue;
		gh_command(out, "error", k->pos, k->name);
		report_github_escape_(out, k->message ? k->message : "failed", 0);
		if (k->diff) {
			report_github_escape_(out, "\n", 0);
			report_github_escape_(out, k->diff, 0);
		}
		fputc('\n', out);
	}
	fprintf(out, "%zu passed, %zu failed, %zu skipped\n", run->passed,
		run->failed, run->skipped);
}

/* XML text and attribute values: & < > " and control characters. */
static void xml_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&')
			fputs("&amp;", out);
		else if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '"')
			fputs("&quot;", out);
		else if (c < 0x20 && c != '\n' && c != '\t')
			fputc(' ', out); /* not allowed in XML 1.0 */
		else if (c == '\n' || c == '\t')
			fprintf(out, "&#%d;", c);
		else
			fputc(*s, out);
	}
}

static void junit_case(FILE *out, const struct gate_case *k)
{
	fputs("    <testcase classname=\"", out);
	xml_escape(out, k->file);
	fprintf(out, "\" name=\"%u: ", k->pos.line);
	xml_escape(out, k->name);
	fputs("\" file=\"", out);
	xml_escape(out, k->file);
	fprintf(out, "\" line=\"%u\"", k->pos.line);
	if (k->status == GATE_PASS) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	fputs(k->status == GATE_SKIP ? "      <skipped message=\"" : "      <failure message=\"", out);
	xml_escape(out, k->message ? k->message : "");
	if (k->status == GATE_SKIP) {
		fputs("\"/>\n    </testcase>\n", out);
		return;
	}
	fputs("\">", out);
	for (size_t d = 0; d < k->diags.nr; d++) {
		const struct diag *g = &k->diags.items[d];
		fprintf(out, "%s:%u:%u: ", g->pos.file, g->pos.line, g->pos.col);
		xml_escape(out, g->message);
		fputs("&#10;", out);
	}
	if (k->diff)
		xml_escape(out, k->diff);
	fputs("</failure>\n    </testcase>\n", out);
}

static void print_junit(FILE *out, const struct gate_run *run)
{
	struct strmap files = STRMAP_INIT;
	strmap_init(&files);
	for (size_t i = 0; i < run->nr; i++)
		strmap_put(&files, run->cases[i].file, strlen(run->cases[i].file), (void *)1);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<testsuites name=\"stepbook check\" tests=\"%zu\" failures=\"%zu\" "
		     "skipped=\"%zu\">\n", run->nr, run->failed, run->skipped);
	for (size_t f = 0; f < files.nr; f++) {
		const char *file = files.entries[f].key;
		size_t n = 0, failed = 0, skipped = 0;
		for (size_t i = 0; i < run->nr; i++)
			if (!strcmp(run->cases[i].file, file)) {
				n++;
				failed += run->cases[i].status == GATE_FAIL;
				skipped += run->cases[i].status == GATE_SKIP;
			}
		fputs("  <testsuite name=\"", out);
		xml_escape(out, file);
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", n,
			failed, skipped);
		for (size_t i = 0; i < run->nr; i++)
			if (!strcmp(run->cases[i].file, file))
				junit_case(out, &run->cases[i]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	strmap_release(&files);
}

void report_check(FILE *out, const struct gate_run *run,
		  const struct report_options *opt, int verbose)
{
	switch (opt->format) {
	case REPORT_TEXT:
		print_text(out, run, verbose);
		break;
	case REPORT_JSON:
		print_json(out, run, opt->compact);
		break;
	case REPORT_GITHUB:
		print_github(out, run);
		break;
	case REPORT_JUNIT:
		print_junit(out, run);
		break;
	}
}
