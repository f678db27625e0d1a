/* jsonpath_ref.c - reading a compiled reference path step by step, for
 * the one caller that writes through a path (ResultPath).
 * Not here: compiling (jsonpath_parse.c), evaluating (jsonpath_eval.c). */
#include "jsonpath_impl.h"

#include "banned.h"

size_t jsonpath_ref_len(const struct jsonpath *p)
{
	return p->nsteps;
}

int jsonpath_ref_step(const struct jsonpath *p, size_t i, const char **name,
		      long long *index)
{
	if (i >= p->nsteps)
		return 0;
	const struct jp_step *st = &p->steps[i];
	*name = st->kind == JP_NAME ? st->names[0] : NULL;
	*index = st->kind == JP_INDEX ? st->indexes[0] : -1;
	return 1;
}
