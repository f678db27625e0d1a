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

#endif
