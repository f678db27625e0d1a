/* timestamp.h - RFC 3339 timestamps on integer epoch milliseconds.
 * Pure arithmetic on the proleptic Gregorian calendar: no libc time zone
 * functions (gmtime/localtime are banned), so results never depend on the
 * machine's TZ.  Not here: what "now" is (clock.h). */
#ifndef STEPBOOK_TIMESTAMP_H
#define STEPBOOK_TIMESTAMP_H

#include <stdint.h>

#include "buf.h"

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)" (the form AWS
 * accepts in Wait Timestamp and Timestamp* comparisons; 't'/'z' allowed).
 * Fractions beyond milliseconds are truncated.  Returns 0, or -1 when s is
 * not such a timestamp. */
int timestamp_parse(const char *s, int64_t *ms);

/* Appends ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" (the form of $$ timestamps). */
void timestamp_format(int64_t ms, struct buf *out);
/* Appends ms as "YYYY-MM-DDTHH:MM:SSZ", or with ".mmm" when not whole. */
void timestamp_format_short(int64_t ms, struct buf *out);
/* Appends ms as the AWS CLI v2 prints a response's timestamps (Python's
 * datetime.isoformat() in UTC): "2024-01-01T00:00:02.500000+00:00", and
 * "2024-01-01T00:00:02+00:00" when the second is whole. */
void timestamp_format_cli(int64_t ms, struct buf *out);

#endif
