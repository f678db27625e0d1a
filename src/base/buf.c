/* buf.c - growable byte buffer (see buf.h). */
#include "buf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

char buf_empty_[1];

void buf_init(struct buf *b)
{
	b->ptr = buf_empty_;
	b->len = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = size_add(size_add(b->len, extra), 1);
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 32;
	while (cap < need)
		cap = size_mul(cap, 2);
	if (b->cap) {
		b->ptr = xrealloc(b->ptr, cap);
	} else {
		b->ptr = xmalloc(cap);
		b->ptr[0] = '\0';
	}
	b->cap = cap;
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	/* short appends to a buffer with room are most calls: no size checks
	 * (len < cap whenever cap != 0) */
	if (len >= b->cap - b->len)
		buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap) /* len < cap whenever cap != 0 */
		buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

/* Room buf_vaddf makes before formatting: most formats fit, and are then
 * formatted once rather than measured first (vsnprintf twice was a tenth
 * of the instructions of drawing a diagram's labels). */
#define BUF_FORMAT_ROOM 64

/* Whether every conversion of fmt is one fast_vaddf writes: %s %c %d %u
 * %% and %d or %u after 'l' or 'z', with no flag, width or precision. */
static int fast_format(const char *fmt)
{
	for (const char *p = fmt; (p = strchr(p, '%')); p++) {
		p++;
		if (*p == 'l' || *p == 'z')
			p++;
		if (*p == 'd' || *p == 'u')
			continue;
		if ((*p == 's' || *p == 'c' || *p == '%') && p[-1] == '%')
			continue;
		return 0;
	}
	return 1;
}

static void add_unsigned(struct buf *b, unsigned long long n)
{
	char digits[24];
	size_t k = sizeof(digits);
	do {
		digits[--k] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	buf_add(b, digits + k, sizeof(digits) - k);
}

static void add_signed(struct buf *b, long long n)
{
	if (n < 0)
		buf_addc(b, '-');
	add_unsigned(b, n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n);
}

/* What vsnprintf writes for a format fast_format accepted: its FILE set-up
 * made each call cost about 1,500 instructions, the conversions tens. */
static void fast_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	for (const char *p = fmt, *pct;; p = pct + 1) {
		if (!(pct = strchr(p, '%'))) {
			buf_adds(b, p);
			return;
		}
		buf_add(b, p, (size_t)(pct - p));
		char size = *++pct == 'l' || *pct == 'z' ? *pct++ : 0;
		switch (*pct) {
		case '%':
			buf_addc(b, '%');
			break;
		case 'c':
			buf_addc(b, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			buf_adds(b, str ? str : "(null)");
			break;
		}
		case 'd':
			add_signed(b, size == 'l' ? va_arg(ap, long) :
				      size == 'z' ? (long long)va_arg(ap, ptrdiff_t) :
				      va_arg(ap, int));
			break;
		default: /* 'u' */
			add_unsigned(b, size == 'l' ? va_arg(ap, unsigned long) :
					size == 'z' ? va_arg(ap, size_t) :
					va_arg(ap, unsigned));
		}
	}
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	if (fast_format(fmt))
		return fast_vaddf(b, fmt, ap);
	va_list copy;
	va_copy(copy, ap);
	buf_grow(b, BUF_FORMAT_ROOM);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->ptr + b->len, room, fmt, copy);
	va_end(copy);
	if (n > 0 && (size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	}
	if (n > 0)
		b->len += (size_t)n;
	else
		b->ptr[b->len] = '\0'; /* an error may have written some bytes */
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->cap ? b->ptr : xstrdup("");
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}
