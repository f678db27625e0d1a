/* jsonata_fns_picture.c - the built-ins that format and read numbers and
 * dates through picture strings ($formatNumber, $formatBase,
 * $formatInteger, $parseInteger, $fromMillis, $toMillis, $now): argument
 * plumbing between the evaluator's values and jsonata_picture.h, which does
 * the work on plain C values.
 * Not here: the pictures themselves (jsonata_picture_*.c). */
#include "jsonata_impl.h"

#include <stdio.h>
#include <string.h>

#include "jsonata_picture.h"
#include "banned.h"

#define ARG(i) ((i) < argc ? argv[i] : NULL)

static int picture_failed(struct jsonata_eval *ev,
			  const struct jsonata_picture_error *pe)
{
	return jsonata_failf(ev, pe->code, JSONATA_NOPOS, "", "%s", pe->message);
}

static int done_text(struct jsonata_eval *ev, int rc, struct buf *b,
		     const struct jsonata_picture_error *pe, jv **out)
{
	if (rc == 0)
		*out = jv_str_buf(ev, b);
	buf_release(b);
	return rc < 0 ? picture_failed(ev, pe) : 0;
}

static const char *cstr(const jv *v)
{
	return v && v->type == JV_STR ? v->u.s.p : NULL;
}

static int format_number(struct jsonata_eval *ev, jv **argv, size_t argc,
			 jv **out)
{
	struct jsonata_picture_number_options o;
	jsonata_picture_number_options_init(&o);
	const jv *opts = ARG(2);
	for (size_t i = 0; opts && opts->type == JV_OBJ && i < opts->u.o->n; i++)
		if (jv_is_str(opts->u.o->vals[i]))
			jsonata_picture_number_option_set(&o, opts->u.o->keys[i].key,
							  opts->u.o->vals[i]->u.s.p);
	struct buf b = BUF_INIT;
	struct jsonata_picture_error pe;
	int rc = jsonata_picture_format_number(argv[0]->u.n, cstr(ARG(1)) ? cstr(ARG(1)) : "",
					       &o, &b, &pe);
	return done_text(ev, rc, &b, &pe, out);
}

static int read_number(struct jsonata_eval *ev, int rc, double d, int undef,
		       const struct jsonata_picture_error *pe, jv **out)
{
	if (rc < 0)
		return picture_failed(ev, pe);
	*out = undef ? NULL : jv_num(ev, d);
	return 0;
}

static int dispatch(struct jsonata_eval *ev, const char *name, jv **argv,
		    size_t argc, jv **out)
{
	struct buf b = BUF_INIT;
	struct jsonata_picture_error pe;
	double d = 0;
	int undef = 0, rc;
	if (strcmp(name, "formatNumber") == 0)
		return format_number(ev, argv, argc, out);
	if (strcmp(name, "formatBase") == 0) {
		rc = jsonata_picture_format_base(argv[0]->u.n, ARG(1) ? ARG(1)->u.n
						 : JSONATA_PICTURE_DEFAULT_RADIX, &b, &pe);
		return done_text(ev, rc, &b, &pe, out);
	}
	if (strcmp(name, "formatInteger") == 0) {
		rc = jsonata_picture_format_integer(argv[0]->u.n, cstr(ARG(1)) ? cstr(ARG(1)) : "",
						    &b, &pe);
		return done_text(ev, rc, &b, &pe, out);
	}
	if (strcmp(name, "fromMillis") == 0) {
		rc = jsonata_picture_from_millis(argv[0]->u.n, cstr(ARG(1)), cstr(ARG(2)),
						 &b, &pe);
		return done_text(ev, rc, &b, &pe, out);
	}
	buf_release(&b);
	if (strcmp(name, "parseInteger") == 0) {
		rc = jsonata_picture_parse_integer(argv[0]->u.s.p, cstr(ARG(1)) ? cstr(ARG(1)) : "",
						   &d, &undef, &pe);
		return read_number(ev, rc, d, undef, &pe, out);
	}
	rc = jsonata_picture_to_millis(argv[0]->u.s.p, cstr(ARG(1)), (double)ev->now_ms,
				       &d, &undef, &pe);
	return read_number(ev, rc, d, undef, &pe, out);
}

int jsonata_fns_picture(struct jsonata_eval *ev, const char *name, jv **argv,
			size_t argc, jv *input, jv **out)
{
	(void)input;
	*out = NULL;
	if (argc == 0 || !argv[0])
		return 0;
	return dispatch(ev, name, argv, argc, out);
}

int jsonata_fns_now(struct jsonata_eval *ev, jv **argv, size_t argc, jv *input,
		    jv **out)
{
	jv *args[3] = { jv_num(ev, (double)ev->now_ms), ARG(0), ARG(1) };
	return jsonata_fns_picture(ev, "fromMillis", args, 3, input, out);
}
