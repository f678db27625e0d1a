/* jsonout.c - jq's JSON layout over cJSON values (see jsonout.h).
 * One loop walks the tree with an explicit stack of open containers:
 * entering a non-empty container pushes it, leaving its last member pops
 * and closes it.  Scalars are written by value(); numbers go through
 * cJSON's own number printer so their digits never change. */
#include "jsonout.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* Appends s[0..len) as a quoted JSON string. */
static void string(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t plain = 0;
	buf_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(out, s + plain, i - plain);
		plain = i + 1;
		buf_addc(out, '\\');
		switch (c) {
		case '"': buf_addc(out, '"'); break;
		case '\\': buf_addc(out, '\\'); break;
		case '\b': buf_addc(out, 'b'); break;
		case '\f': buf_addc(out, 'f'); break;
		case '\n': buf_addc(out, 'n'); break;
		case '\r': buf_addc(out, 'r'); break;
		case '\t': buf_addc(out, 't'); break;
		default:
			buf_adds(out, "u00");
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
	buf_add(out, s + plain, len - plain);
	buf_addc(out, '"');
}

static void number(struct buf *out, const cJSON *v)
{
	char num[64]; /* cJSON needs 26 bytes and a margin of 5 */
	if (!cJSON_PrintPreallocated((cJSON *)v, num, (int)sizeof(num), 0))
		buf_adds(out, "null");
	else
		buf_adds(out, num);
}

/* Writes a scalar or an empty container.  Returns 1 when v is a container
 * with members: then only its opening bracket is written. */
static int value(struct buf *out, const cJSON *v)
{
	switch (v->type & 0xFF) {
	case cJSON_Object:
	case cJSON_Array: {
		int obj = cJSON_IsObject(v);
		if (v->child) {
			buf_addc(out, obj ? '{' : '[');
			return 1;
		}
		buf_adds(out, obj ? "{}" : "[]");
		return 0;
	}
	case cJSON_String:
		if (v->valuestring)
			string(out, v->valuestring, strlen(v->valuestring));
		else
			buf_adds(out, "\"\"");
		return 0;
	case cJSON_Number:
		number(out, v);
		return 0;
	case cJSON_True:
		buf_adds(out, "true");
		return 0;
	case cJSON_False:
		buf_adds(out, "false");
		return 0;
	case cJSON_Raw:
		buf_adds(out, v->valuestring ? v->valuestring : "null");
		return 0;
	default: /* cJSON_NULL, cJSON_Invalid */
		buf_adds(out, "null");
		return 0;
	}
}

static void newline(struct buf *out, size_t depth, unsigned flags)
{
	if (flags & JSONOUT_COMPACT)
		return;
	size_t n = size_mul(depth, 2);
	buf_grow(out, size_add(n, 1));
	out->ptr[out->len++] = '\n';
	memset(out->ptr + out->len, ' ', n);
	out->len += n;
	out->ptr[out->len] = '\0';
}

/* Starts member m of container c at depth: its line and, in an object,
 * its key. */
static void member(struct buf *out, const cJSON *c, const cJSON *m,
		   size_t depth, unsigned flags)
{
	newline(out, depth, flags);
	if (!cJSON_IsObject(c))
		return;
	const char *k = m->string ? m->string : "";
	string(out, k, strlen(k));
	buf_adds(out, flags & JSONOUT_COMPACT ? ":" : ": ");
}

void jsonout_write(struct buf *out, const cJSON *v, unsigned flags)
{
	const cJSON **open = NULL; /* the containers around node */
	size_t nr = 0, alloc = 0;
	const cJSON *node = v;
	if (!v) {
		buf_adds(out, "null");
		return;
	}
	for (;;) {
		if (value(out, node)) {
			ARRAY_GROW(open, nr + 1, alloc);
			open[nr++] = node;
			node = node->child;
			member(out, open[nr - 1], node, nr, flags);
			continue;
		}
		while (nr && !node->next) {
			node = open[--nr];
			newline(out, nr, flags);
			buf_addc(out, cJSON_IsObject(node) ? '}' : ']');
		}
		if (!nr)
			break;
		buf_addc(out, ',');
		node = node->next;
		member(out, open[nr - 1], node, nr, flags);
	}
	free(open);
}

int jsonout_print(FILE *f, const cJSON *v, unsigned flags)
{
	struct buf b = BUF_INIT;
	jsonout_write(&b, v, flags);
	buf_addc(&b, '\n');
	size_t n = fwrite(b.ptr, 1, b.len, f);
	int rc = n == b.len ? 0 : -1;
	buf_release(&b);
	return rc;
}
