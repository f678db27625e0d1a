/* jsonget.h - a member of a cJSON object by name, inline.
 * A machine's model is built and validated by asking each state for every
 * field a state may have, most of them absent: through the library's
 * cJSON_GetObjectItemCaseSensitive (a call, then a strcmp call per member)
 * that was 1.4% of a site build's instructions.  Same answers: the first
 * member of that name, NULL for NULL arguments, and NULL once a member
 * without a name is met (an array's elements), as cJSON does.
 * Not here: cJSON's memory (jsonmem.h), printing (jsonout.h). */
#ifndef STEPBOOK_JSONGET_H
#define STEPBOOK_JSONGET_H

#include <string.h>

#include <cJSON.h>

static inline const cJSON *json_get(const cJSON *obj, const char *name)
{
	if (!obj || !name)
		return NULL;
	for (const cJSON *c = obj->child; c && c->string; c = c->next)
		if (c->string[0] == name[0] && !strcmp(c->string, name))
			return c;
	return NULL;
}

#endif
