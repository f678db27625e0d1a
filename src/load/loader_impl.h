/* loader_impl.h - what loader.c, loader_sls.c and loader_cfn.c share:
 * the lists a loaded_file owns, and the two file kinds' readers.
 * Not here: the public front door (loader.h). */
#ifndef STEPBOOK_LOADER_IMPL_H
#define STEPBOOK_LOADER_IMPL_H

#include "loader.h"

/* A new zeroed machine appended to lf; borrowed, lf owns it. */
struct loaded_machine *loader_add_machine_(struct loaded_file *lf);
/* Consumes s (lf frees it with itself); returns it. */
const char *loader_own_(struct loaded_file *lf, char *s);
/* Consumes d (lf frees it with itself); returns it. */
struct doc *loader_add_doc_(struct loaded_file *lf, struct doc *d);
/* The machines of a Serverless file / a CloudFormation or SAM template;
 * same contract as loader_load. */
int loader_serverless_(struct loaded_file *lf, const struct loader_options *opt,
		       struct diag_list *diags);
int loader_cloudformation_(struct loaded_file *lf,
			   const struct loader_options *opt,
			   struct diag_list *diags);

/* Loads the file 'rel' names beside lf's own (never an absolute path or
 * "..": an error at 'at'); a file that is not there is a warning, not an
 * error (a published template travels without its side files).  Returns
 * the parsed document (owned by lf) or NULL. */
struct doc *loader_local_doc_(struct loaded_file *lf, const char *rel,
			      struct pos at, const char *what,
			      struct diag_list *diags);

/* loader_intrinsic.c: what CloudFormation resolves at deploy time. */
struct loader_cfn_env {
	struct loaded_file *lf;  /* its account */
	const char *region;
	const cJSON *subs;       /* DefinitionSubstitutions, or NULL */
	const cJSON *mappings;   /* the template's Mappings, or NULL */
};
/* "Ref", "Fn::Join"... when v is an intrinsic function object, else NULL. */
const char *loader_intrinsic_name_(const cJSON *v);
/* Appends text with ${Name} filled from vars, env->subs and the pseudo
 * parameters (unknown names stay as written). */
void loader_substitute_(const struct loader_cfn_env *env, const char *text,
			const cJSON *vars, struct buf *out);
/* Substitutes every string of the tree in place. */
void loader_substitute_tree_(const struct loader_cfn_env *env, cJSON *node,
			     const cJSON *vars);
/* Appends the text v stands for (a scalar, or an intrinsic with "${...}"
 * placeholders for what only the deployment knows).  Returns 0, or -1 when
 * v is an object or a list that is no intrinsic. */
int loader_intrinsic_text_(const struct loader_cfn_env *env, const cJSON *v,
			   struct buf *out);
/* Replaces every intrinsic function in the tree, in place, by the value
 * the template gives it or by a "${...}" placeholder string; a member whose
 * value is AWS::NoValue is removed.  Nodes keep their recorded positions. */
void loader_intrinsics_(const struct loader_cfn_env *env, cJSON *node);
/* node takes the value of 'from' (detached; consumed) and keeps its own
 * identity, hence its recorded position. */
void loader_become_(cJSON *node, cJSON *from);

#endif
