/* loader.h - the state machines a file declares, wherever they are written.
 * One front door for bare ASL (JSON or YAML), Serverless Framework files
 * (stepFunctions.stateMachines) and CloudFormation/SAM templates
 * (AWS::StepFunctions::StateMachine, AWS::Serverless::StateMachine).  Every
 * definition comes back as located JSON: errors later point at the line the
 * author wrote, even inside a DefinitionString.
 * Not here: what a definition means (asl.h), whether it is valid (validate.h). */
#ifndef STEPBOOK_LOADER_H
#define STEPBOOK_LOADER_H

#include <stddef.h>

#include <cJSON.h>

#include "diag.h"
#include "doc.h"

enum loader_kind { LOADER_ASL, LOADER_SERVERLESS, LOADER_CLOUDFORMATION };

/* Values stepbook substitutes where a file leaves them to the deployment. */
struct loader_options {
	const char *stage;   /* --stage; NULL: the file's provider.stage, else "dev" */
	const char *region;  /* NULL: the file's provider.region, else "us-east-1" */
	const char *account; /* NULL: "123456789012" */
};

/* An HTTP route that reaches a state machine: a serverless `http` event,
 * or a CloudFormation AWS::ApiGateway::Method integrated with
 * arn:aws:apigateway:REGION:states:action/ACTION. */
struct loader_route {
	const char *method;  /* as written: GET, POST ... */
	const char *path;    /* as written, without a leading slash */
	const char *action;  /* StartExecution (default), DescribeExecution, StopExecution */
	int api_key_required; /* private: true / ApiKeyRequired: true */
	struct pos pos;
};

struct loaded_machine {
	const char *name;      /* serverless key, CloudFormation logical id, or file stem */
	const char *deployed_name; /* serverless `name` / StateMachineName, or NULL */
	const char *type;      /* "STANDARD" or "EXPRESS" */
	const cJSON *definition;
	const struct doc *doc; /* where the definition's positions come from */
	struct pos pos;        /* where the machine is declared */
	struct loader_route *routes;
	size_t nr_routes;
	const cJSON *notifications; /* serverless `notifications`, or NULL */
};

struct loaded_file {
	enum loader_kind kind;
	struct doc *doc;       /* the file itself */
	struct doc **extra;    /* documents parsed from strings or DefinitionUri */
	size_t nr_extra, alloc_extra;
	struct loaded_machine *machines;
	size_t nr_machines, alloc_machines;
	char **owned;          /* strings the loader made (names, ARNs) */
	size_t nr_owned, alloc_owned;
	/* Serverless only (NULL otherwise), but for stage, which a template's
	 * AWS::ApiGateway::Deployment StageName also gives */
	const char *service, *stage, *region, *account;
	const cJSON *functions, *api_keys, *usage_plan;
};

/* Loads every state machine declared in 'path'.  Returns 0, or -1 when the
 * file cannot be read or parsed, or declares no state machine (errors
 * appended to diags).  Problems in one machine (an unreadable
 * DefinitionString) are reported and that machine left out; the others load.
 * Free with loader_release whatever it returned. */
int loader_load(struct loaded_file *lf, const char *path,
		const struct loader_options *opt, struct diag_list *diags);
/* As loader_load, from bytes already in memory that came from 'path'
 * (format chosen by its name, relative DefinitionUri resolved beside it). */
int loader_load_buffer(struct loaded_file *lf, const char *path,
		       const char *text, size_t len,
		       const struct loader_options *opt, struct diag_list *diags);
/* As loader_load, from a document already parsed from its file (taken
 * over: lf->doc, released by loader_release whatever this returns). */
int loader_load_doc(struct loaded_file *lf, struct doc *d,
		    const struct loader_options *opt, struct diag_list *diags);
void loader_release(struct loaded_file *lf);

/* The machine whose name or deployed name is 'name', or NULL. */
const struct loaded_machine *loader_find(const struct loaded_file *lf,
					 const char *name);

const char *loader_kind_name(enum loader_kind kind);

#endif
