/* jsonata_fns_time.c - $now() and the picture-string built-ins' entry point
 * while the picture module (jsonata_picture.h) is not linked in: $now()
 * without arguments writes the injected clock as ISO 8601; the picture
 * functions fail with D3150.
 * Not here: the picture functions themselves (jsonata_picture_*.c). */
#include "jsonata_impl.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static jv *iso(struct jsonata_eval *ev, int64_t ms)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rem = ms - days * 86400000;
	int64_t y;
	int mo, d;
	civil(days, &y, &mo, &d);
	char t[64];
	int n = snprintf(t, sizeof(t), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 (long long)y, mo, d, (int)(rem / 3600000),
			 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
			 (int)(rem % 1000));
	return jv_str(ev, t, (size_t)n);
}

int jsonata_fns_now(struct jsonata_eval *ev, jv **argv, size_t argc, jv *input,
		    jv **out)
{
	if (argc > 0 && argv[0]) {
		jv *args[3] = { jv_num(ev, (double)ev->now_ms), argv[0],
				argc > 1 ? argv[1] : NULL };
		return jsonata_fns_picture(ev, "fromMillis", args, 3, input, out);
	}
	*out = iso(ev, ev->now_ms);
	return 0;
}

int jsonata_fns_picture(struct jsonata_eval *ev, const char *name, jv **argv,
			size_t argc, jv *input, jv **out)
{
	(void)input;
	*out = NULL;
	if (strcmp(name, "fromMillis") == 0 && argc > 0 && argv[0] &&
	    (argc < 2 || !argv[1]) && (argc < 3 || !argv[2])) {
		*out = iso(ev, (int64_t)argv[0]->u.n);
		return 0;
	}
	if (argc == 0 || !argv[0])
		return 0;
	return jsonata_failf(ev, "D3150", JSONATA_NOPOS, "",
			     "$%s is not available in this build", name);
}
