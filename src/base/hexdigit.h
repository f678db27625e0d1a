/* hexdigit.h - the value of one hexadecimal digit, for the readers of
 * escapes and colours (JSON's \uXXXX, JavaScript's, "#rrggbb").
 * Not here: writing hex (each writer formats its own). */
#ifndef STEPBOOK_HEXDIGIT_H
#define STEPBOOK_HEXDIGIT_H

/* 0..15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for anything else (EOF and
 * bytes above 127 included). */
static inline int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
