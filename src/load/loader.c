/* loader.c - the loader's front door: read the file, tell what kind of file
 * it is from its content, and hand it to the reader for that kind.  Bare ASL
 * is read here; Serverless and CloudFormation have files of their own. */
#include "loader_impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

#define DEFAULT_ACCOUNT "123456789012"

struct loaded_machine *loader_add_machine_(struct loaded_file *lf)
{
	ARRAY_GROW(lf->machines, lf->nr_machines + 1, lf->alloc_machines);
	struct loaded_machine *m = &lf->machines[lf->nr_machines++];
	memset(m, 0, sizeof(*m));
	m->type = "STANDARD";
	m->doc = lf->doc;
	return m;
}

const char *loader_own_(struct loaded_file *lf, char *s)
{
	ARRAY_GROW(lf->owned, lf->nr_owned + 1, lf->alloc_owned);
	lf->owned[lf->nr_owned++] = s;
	return s;
}

struct doc *loader_add_doc_(struct loaded_file *lf, struct doc *d)
{
	ARRAY_GROW(lf->extra, lf->nr_extra + 1, lf->alloc_extra);
	lf->extra[lf->nr_extra++] = d;
	return d;
}

struct doc *loader_local_doc_(struct loaded_file *lf, const char *rel,
			      struct pos at, const char *what,
			      struct diag_list *diags)
{
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	if (rel[0] == '/' || strstr(rel, "..") || strstr(rel, "://")) {
		diag_error(diags, at, "load/definition-uri",
			   "%s '%s' must be a relative path inside the %s's folder",
			   what, rel, lf->kind == LOADER_SERVERLESS ? "file" : "template");
		return NULL;
	}
	const char *self = lf->doc->path, *slash = strrchr(self, '/');
	struct buf path = BUF_INIT;
	if (slash)
		buf_add(&path, self, (size_t)(slash - self + 1));
	buf_adds(&path, rel);
	if (access(path.ptr, F_OK) != 0) {
		diag_add(diags, at, SEV_WARNING, "load/definition-missing",
			 "%s '%s' is not there: that machine is not checked", what, rel);
		buf_release(&path);
		return NULL;
	}
	struct doc *d = loader_add_doc_(lf, doc_new(path.ptr));
	buf_release(&path);
	return doc_load(d, diags) ? NULL : d;
}

void loader_release(struct loaded_file *lf)
{
	for (size_t i = 0; i < lf->nr_machines; i++)
		free(lf->machines[i].routes);
	free(lf->machines);
	for (size_t i = 0; i < lf->nr_extra; i++)
		doc_free(lf->extra[i]);
	free(lf->extra);
	for (size_t i = 0; i < lf->nr_owned; i++)
		free(lf->owned[i]);
	free(lf->owned);
	doc_free(lf->doc);
	memset(lf, 0, sizeof(*lf));
}

const struct loaded_machine *loader_find(const struct loaded_file *lf,
					 const char *name)
{
	for (size_t i = 0; i < lf->nr_machines; i++) {
		const struct loaded_machine *m = &lf->machines[i];
		if (!strcmp(m->name, name) ||
		    (m->deployed_name && !strcmp(m->deployed_name, name)))
			return m;
	}
	return NULL;
}

const char *loader_kind_name(enum loader_kind kind)
{
	switch (kind) {
	case LOADER_ASL:
		return "ASL definition";
	case LOADER_SERVERLESS:
		return "Serverless Framework file";
	case LOADER_CLOUDFORMATION:
		return "CloudFormation template";
	}
	return "file";
}

/* "dir/hello.asl.json" -> "hello" */
static char *file_stem(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strcspn(base, ".");
	return xstrndup(base, len ? len : strlen(base));
}

static int load_asl(struct loaded_file *lf)
{
	lf->kind = LOADER_ASL;
	struct loaded_machine *m = loader_add_machine_(lf);
	m->name = loader_own_(lf, file_stem(lf->doc->path));
	m->definition = lf->doc->root;
	m->pos = doc_pos(lf->doc, lf->doc->root);
	return 0;
}

static int looks_like_cloudformation(const cJSON *root)
{
	return cJSON_GetObjectItemCaseSensitive(root, "AWSTemplateFormatVersion") ||
	       cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "Resources"));
}

static int looks_like_serverless(const cJSON *root)
{
	return cJSON_GetObjectItemCaseSensitive(root, "stepFunctions") ||
	       (cJSON_GetObjectItemCaseSensitive(root, "service") &&
		cJSON_GetObjectItemCaseSensitive(root, "provider"));
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int load_parsed(struct loaded_file *lf, const struct loader_options *opt,
		       struct diag_list *diags);

int loader_load(struct loaded_file *lf, const char *path,
		const struct loader_options *opt, struct diag_list *diags)
{
	memset(lf, 0, sizeof(*lf));
	lf->doc = doc_new(path);
	if (doc_load(lf->doc, diags))
		return -1;
	return load_parsed(lf, opt, diags);
}

int loader_load_doc(struct loaded_file *lf, struct doc *d,
		    const struct loader_options *opt, struct diag_list *diags)
{
	memset(lf, 0, sizeof(*lf));
	lf->doc = d;
	return load_parsed(lf, opt, diags);
}

int loader_load_buffer(struct loaded_file *lf, const char *path,
		       const char *text, size_t len,
		       const struct loader_options *opt, struct diag_list *diags)
{
	memset(lf, 0, sizeof(*lf));
	lf->doc = doc_new(path);
	enum doc_format f = has_suffix(path, ".json") ? DOC_JSON : DOC_YAML;
	if (doc_parse(lf->doc, text, len, f, diags))
		return -1;
	return load_parsed(lf, opt, diags);
}

static int load_parsed(struct loaded_file *lf, const struct loader_options *opt,
		       struct diag_list *diags)
{
	const cJSON *root = lf->doc->root;
	lf->account = opt && opt->account ? opt->account : DEFAULT_ACCOUNT;
	if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "States"))
		return load_asl(lf);
	if (cJSON_IsObject(root) && looks_like_cloudformation(root))
		return loader_cloudformation_(lf, opt, diags);
	if (cJSON_IsObject(root) && looks_like_serverless(root))
		return loader_serverless_(lf, opt, diags);
	return diag_error(diags, doc_pos(lf->doc, root), "load/no-machine",
			  "no state machine here: expected an ASL definition "
			  "(StartAt, States), a serverless.yml with "
			  "stepFunctions.stateMachines, or a CloudFormation "
			  "template with AWS::StepFunctions::StateMachine");
}
