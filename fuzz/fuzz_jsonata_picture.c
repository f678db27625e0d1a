/* fuzz_jsonata_picture.c - libFuzzer target: arbitrary pictures, texts and
 * numbers into every JSONata picture function.  Input: one selector byte,
 * eight bytes of number (a raw double, or a small integer when the first
 * selector bit says so), then up to three strings separated by NUL bytes
 * (picture, second text, option value).  Checks: no crash or hang, a filled
 * error code on failure, output that is valid UTF-8 and bounded by the
 * input's size.  Not here: the language core. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonata_picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Output can grow with the picture (each marker may write a 1000-digit
 * padded year or 309 digits) but never beyond this per input byte. */
#define OUT_PER_BYTE 2200
#define OUT_BASE 4096

static int valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!len || i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

static double read_number(const uint8_t *p, int small)
{
	if (small) /* pictures mostly meet ordinary numbers */
		return (double)(int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
					 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) /
		       (p[4] & 1 ? 100.0 : 1.0);
	double v;
	memcpy(&v, p, sizeof(v));
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 9)
		return 0;
	uint8_t sel = data[0];
	double v = read_number(data + 1, sel & 1);
	char *text = malloc(size - 9 + 3);
	memcpy(text, data + 9, size - 9);
	text[size - 9] = text[size - 8] = text[size - 7] = '\0';
	const char *s1 = text, *s2 = s1 + strlen(s1) + 1;
	const char *s3 = s2 <= text + size - 9 ? s2 + strlen(s2) + 1 : s2;
	if (s2 > text + size - 9)
		s2 = "";
	if (s3 > text + size - 9)
		s3 = "";
	struct buf out = BUF_INIT;
	struct jsonata_picture_error err;
	memset(&err, 0, sizeof(err));
	int rc = 0, undefined = 0;
	double r = 0;
	switch ((sel >> 1) % 9) {
	case 0: {
		struct jsonata_picture_number_options o;
		jsonata_picture_number_options_init(&o);
		static const char *const names[] = { "decimal-separator", "grouping-separator",
			"exponent-separator", "percent", "per-mille", "zero-digit", "digit",
			"pattern-separator", "minus-sign" };
		if (sel & 0x40)
			jsonata_picture_number_option_set(&o, names[(sel >> 4) % 9], s2);
		rc = jsonata_picture_format_number(v, s1, &o, &out, &err);
		break;
	}
	case 1: rc = jsonata_picture_format_integer(v, s1, &out, &err); break;
	case 2: rc = jsonata_picture_parse_integer(s2, s1, &r, &undefined, &err); break;
	case 3: rc = jsonata_picture_format_base(v, (double)(sel >> 3), &out, &err); break;
	case 4: rc = jsonata_picture_from_millis(v, s1, sel & 0x40 ? s2 : NULL, &out, &err); break;
	case 5: rc = jsonata_picture_to_millis(s2, s1, 1592224496789.0, &r, &undefined, &err); break;
	case 6: rc = jsonata_picture_to_millis(s1, NULL, 0, &r, &undefined, &err); break;
	case 7: jsonata_picture_js_number(v, &out); jsonata_picture_string_number(v, &out); break;
	case 8: jsonata_picture_to_precision(v, sel >> 4 ? sel >> 4 : 1, &out); break;
	}
	if (rc != 0 && (rc != -1 || !err.code[0] || !memchr(err.code, 0, sizeof(err.code)) ||
			!memchr(err.message, 0, sizeof(err.message))))
		abort();
	if (out.len > OUT_BASE + OUT_PER_BYTE * size || !valid_utf8((unsigned char *)out.ptr, out.len))
		abort();
	buf_release(&out);
	free(text);
	return 0;
}
