/* intrinsic_fns.c - the registry table and one short function per States.*
 * intrinsic.  Argument checks follow the AWS documentation: integer rules,
 * size limits (INTRINSIC_MAX_*), shallow-only JsonMerge.  Hashes and Base64
 * come from libcrypto.
 * Not here: parsing calls and evaluating arguments (intrinsic_parse.c). */
#include "intrinsic_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "strmap.h"
#include "xalloc.h"
#include "banned.h"

/* ---- argument checks --------------------------------------------------- */

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "null";
}

static int bad_type(struct intrinsic_run *run, cJSON **argv, size_t i,
		    const char *want)
{
	return intrinsic_fail(run, "%s expects argument %zu to be %s, but it is %s",
			      run->call->def->name, i + 1, want,
			      type_name(argv[i]));
}

static int want_string(struct intrinsic_run *run, cJSON **argv, size_t i)
{
	return cJSON_IsString(argv[i]) ? 0 : bad_type(run, argv, i, "a string");
}

static int want_array(struct intrinsic_run *run, cJSON **argv, size_t i)
{
	return cJSON_IsArray(argv[i]) ? 0 : bad_type(run, argv, i, "an array");
}

static int want_object(struct intrinsic_run *run, cJSON **argv, size_t i)
{
	return cJSON_IsObject(argv[i]) ? 0 : bad_type(run, argv, i, "an object");
}

/* An argument that must be a whole number in Java's int range (AWS runs
 * on the JVM).  With 'round', fractions are rounded the way Java's
 * Math.round does (half up); without, a fraction is an error. */
static int want_int(struct intrinsic_run *run, cJSON **argv, size_t i,
		    int round, long long *out)
{
	if (!cJSON_IsNumber(argv[i]))
		return bad_type(run, argv, i, "an integer");
	double v = argv[i]->valuedouble;
	if (round)
		v = floor(v + 0.5);
	if (v != floor(v))
		return bad_type(run, argv, i, "an integer");
	if (v < -2147483648.0 || v > 2147483647.0)
		return intrinsic_fail(run, "%s expects argument %zu to be between "
				      "-2147483648 and 2147483647",
				      run->call->def->name, i + 1);
	*out = (long long)v;
	return 0;
}

/* Characters (code points) in UTF-8 text: what AWS's limits count. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int want_short_string(struct intrinsic_run *run, cJSON **argv,
			     size_t i)
{
	if (want_string(run, argv, i) < 0)
		return -1;
	if (utf8_chars(argv[i]->valuestring) <= INTRINSIC_MAX_STRING)
		return 0;
	return intrinsic_fail(run, "%s cannot take a string with more than "
			      "%d characters", run->call->def->name,
			      INTRINSIC_MAX_STRING);
}

static cJSON *take(cJSON **argv, size_t i)
{
	cJSON *v = argv[i];
	argv[i] = NULL;
	return v;
}

/* ---- States.Format ----------------------------------------------------- */

static void add_json(struct buf *b, const cJSON *v)
{
	/* cJSON prints an integer below 1e15 as its digits ("%1.15g"): say so
	 * directly, printing floats is the slow part of a Format. */
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 1e15 && !(v->valuedouble == 0 &&
					     signbit(v->valuedouble))) {
		char d[24];
		size_t i = sizeof(d);
		long long n = (long long)v->valuedouble;
		unsigned long long u = n < 0 ? 0ull - (unsigned long long)n
					     : (unsigned long long)n;
		do
			d[--i] = (char)('0' + u % 10);
		while (u /= 10);
		if (n < 0)
			d[--i] = '-';
		buf_add(b, d + i, sizeof(d) - i);
		return;
	}
	char *text = cJSON_PrintUnformatted(v);
	buf_adds(b, text ? text : "null");
	cJSON_free(text);
}

/* Values print the way Java's toString prints the parsed JSON: strings
 * bare, arrays as [a, b], objects as {k=v, k2=v2}. */
static int render(struct buf *b, const cJSON *v, int depth)
{
	if (depth > INTRINSIC_MAX_VALUE_DEPTH)
		return -1;
	if (cJSON_IsString(v)) {
		buf_adds(b, v->valuestring);
		return 0;
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v)) {
		add_json(b, v);
		return 0;
	}
	buf_addc(b, cJSON_IsArray(v) ? '[' : '{');
	for (const cJSON *c = v->child; c; c = c->next) {
		if (c != v->child)
			buf_adds(b, ", ");
		if (cJSON_IsObject(v)) {
			buf_adds(b, c->string);
			buf_addc(b, '=');
		}
		if (render(b, c, depth + 1) < 0)
			return -1;
	}
	buf_addc(b, cJSON_IsArray(v) ? ']' : '}');
	return 0;
}

/* One pass over the template: counts the '{}' placeholders and, when b is
 * given, writes the text with each placeholder replaced.  In a literal
 * template (escapes kept) '\x' stands for a plain x. */
static long format_pass(const char *t, int escapes, struct buf *b,
			cJSON **vals)
{
	long n = 0;
	for (; *t; t++) {
		if (escapes && t[0] == '\\' && t[1]) {
			t++;
		} else if (t[0] == '{' && t[1] == '}') {
			if (b && render(b, vals[n], 0) < 0)
				return -1;
			n++;
			t++;
			continue;
		}
		if (b)
			buf_addc(b, *t);
	}
	return n;
}

static int fn_format(struct intrinsic_run *run, cJSON **argv, size_t argc,
		     cJSON **out)
{
	if (want_string(run, argv, 0) < 0)
		return -1;
	const char *raw = run->call->args[0].raw;
	const char *t = raw ? raw : argv[0]->valuestring;
	long holes = format_pass(t, raw != NULL, NULL, NULL);
	if ((size_t)holes != argc - 1)
		return intrinsic_fail(run, "The number of arguments (%zu) does not "
				      "match the number of placeholders '{}' (%ld)",
				      argc - 1, holes);
	struct buf b = BUF_INIT;
	if (format_pass(t, raw != NULL, &b, argv + 1) < 0) {
		buf_release(&b);
		return intrinsic_fail(run, "a value is nested too deeply");
	}
	*out = cJSON_CreateString(b.ptr);
	buf_release(&b);
	return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

static int blank_only(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Blank text parses to null; anything else must be exactly one JSON value
 * (cJSON bounds its nesting at CJSON_NESTING_LIMIT). */
static int fn_string_to_json(struct intrinsic_run *run, cJSON **argv,
			     size_t argc, cJSON **out)
{
	(void)argc;
	if (want_string(run, argv, 0) < 0)
		return -1;
	if (blank_only(argv[0]->valuestring)) {
		*out = cJSON_CreateNull();
		return 0;
	}
	*out = cJSON_ParseWithOpts(argv[0]->valuestring, NULL, 1);
	if (*out)
		return 0;
	return intrinsic_fail(run, "%s expects argument 1 to be a valid JSON "
			      "text", run->call->def->name);
}

static int fn_json_to_string(struct intrinsic_run *run, cJSON **argv,
			     size_t argc, cJSON **out)
{
	(void)run, (void)argc;
	char *text = cJSON_PrintUnformatted(argv[0]);
	*out = cJSON_CreateString(text ? text : "null");
	cJSON_free(text);
	return 0;
}

/* Shallow: members of the second object replace those of the first; AWS
 * accepts only false for the deep-merge flag. */
static int fn_json_merge(struct intrinsic_run *run, cJSON **argv, size_t argc,
			 cJSON **out)
{
	(void)argc;
	if (want_object(run, argv, 0) < 0 || want_object(run, argv, 1) < 0)
		return -1;
	if (!cJSON_IsBool(argv[2]))
		return bad_type(run, argv, 2, "a boolean");
	if (cJSON_IsTrue(argv[2]))
		return intrinsic_fail(run, "%s supports only shallow merging: the "
				      "third argument must be false",
				      run->call->def->name);
	cJSON *merged = take(argv, 0);
	cJSON *v;
	while ((v = argv[1]->child) != NULL) {
		cJSON_DetachItemViaPointer(argv[1], v);
		cJSON *old = cJSON_GetObjectItemCaseSensitive(merged, v->string);
		if (old)
			cJSON_ReplaceItemViaPointer(merged, old, v);
		else
			cJSON_AddItemToObject(merged, v->string, v);
	}
	*out = merged;
	return 0;
}

/* ---- arrays -------------------------------------------------------------- */

static int fn_array(struct intrinsic_run *run, cJSON **argv, size_t argc,
		    cJSON **out)
{
	(void)run;
	*out = cJSON_CreateArray();
	for (size_t i = 0; i < argc; i++)
		cJSON_AddItemToArray(*out, take(argv, i));
	return 0;
}

static int fn_array_partition(struct intrinsic_run *run, cJSON **argv,
			      size_t argc, cJSON **out)
{
	long long size;
	(void)argc;
	if (want_array(run, argv, 0) < 0 || want_int(run, argv, 1, 0, &size) < 0)
		return -1;
	if (size <= 0)
		return intrinsic_fail(run, "%s expects argument 2 to be a positive "
				      "integer", run->call->def->name);
	*out = cJSON_CreateArray();
	while (argv[0]->child) {
		cJSON *chunk = cJSON_CreateArray();
		for (long long i = 0; i < size && argv[0]->child; i++)
			cJSON_AddItemToArray(chunk,
					     cJSON_DetachItemFromArray(argv[0], 0));
		cJSON_AddItemToArray(*out, chunk);
	}
	return 0;
}

static int fn_array_contains(struct intrinsic_run *run, cJSON **argv,
			     size_t argc, cJSON **out)
{
	int found = 0;
	(void)argc;
	if (want_array(run, argv, 0) < 0)
		return -1;
	for (const cJSON *c = argv[0]->child; c && !found; c = c->next)
		found = cJSON_Compare(c, argv[1], 1);
	*out = cJSON_CreateBool(found);
	return 0;
}

static int fn_array_range(struct intrinsic_run *run, cJSON **argv, size_t argc,
			  cJSON **out)
{
	long long from, to, step;
	(void)argc;
	if (want_int(run, argv, 0, 0, &from) < 0 ||
	    want_int(run, argv, 1, 0, &to) < 0 ||
	    want_int(run, argv, 2, 0, &step) < 0)
		return -1;
	if (step == 0)
		return intrinsic_fail(run, "%s expects a step other than 0",
				      run->call->def->name);
	long long count = (to - from) / step + 1;
	if ((step > 0 && to < from) || (step < 0 && to > from))
		count = 0;
	if (count > INTRINSIC_MAX_RANGE)
		return intrinsic_fail(run, "%s cannot produce more than %d items",
				      run->call->def->name, INTRINSIC_MAX_RANGE);
	*out = cJSON_CreateArray();
	for (long long i = 0; i < count; i++)
		cJSON_AddItemToArray(*out, cJSON_CreateNumber((double)(from + i * step)));
	return 0;
}

static int fn_array_get_item(struct intrinsic_run *run, cJSON **argv,
			     size_t argc, cJSON **out)
{
	long long at;
	(void)argc;
	if (want_array(run, argv, 0) < 0 || want_int(run, argv, 1, 0, &at) < 0)
		return -1;
	int n = cJSON_GetArraySize(argv[0]);
	if (at < 0 || at >= n)
		return intrinsic_fail(run, "%s index %lld is out of bounds for an "
				      "array of %d items", run->call->def->name,
				      at, n);
	*out = cJSON_DetachItemFromArray(argv[0], (int)at);
	return 0;
}

static int fn_array_length(struct intrinsic_run *run, cJSON **argv,
			   size_t argc, cJSON **out)
{
	(void)argc;
	if (want_array(run, argv, 0) < 0)
		return -1;
	*out = cJSON_CreateNumber(cJSON_GetArraySize(argv[0]));
	return 0;
}

/* Keeps the first of equal values, in order; values are keyed by their
 * compact JSON text so the pass stays linear. */
static int fn_array_unique(struct intrinsic_run *run, cJSON **argv,
			   size_t argc, cJSON **out)
{
	struct strmap seen = STRMAP_INIT;
	(void)argc;
	if (want_array(run, argv, 0) < 0)
		return -1;
	*out = cJSON_CreateArray();
	while (argv[0]->child) {
		cJSON *v = cJSON_DetachItemFromArray(argv[0], 0);
		char *key = cJSON_PrintUnformatted(v);
		if (!strmap_put(&seen, key, strlen(key), &seen))
			cJSON_AddItemToArray(*out, v);
		else
			cJSON_Delete(v);
		cJSON_free(key);
	}
	strmap_release(&seen);
	return 0;
}

/* ---- encoding and hashing ------------------------------------------------ */

static int fn_base64_encode(struct intrinsic_run *run, cJSON **argv,
			    size_t argc, cJSON **out)
{
	(void)argc;
	if (want_short_string(run, argv, 0) < 0)
		return -1;
	size_t n = strlen(argv[0]->valuestring);
	unsigned char *enc = xmalloc(size_add(size_mul(n / 3 + 1, 4), 1));
	EVP_EncodeBlock(enc, (const unsigned char *)argv[0]->valuestring, (int)n);
	*out = cJSON_CreateString((const char *)enc);
	free(enc);
	return 0;
}

/* Canonical Base64 only: the standard alphabet, length a multiple of 4,
 * at most two '=' and only at the end. */
static int base64_valid(const char *s, size_t n, size_t *pad)
{
	*pad = 0;
	while (*pad < 2 && *pad < n && s[n - 1 - *pad] == '=')
		(*pad)++;
	if (n % 4)
		return 0;
	for (size_t i = 0; i < n - *pad; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789+/", s[i]))
			return 0;
	return 1;
}

static int fn_base64_decode(struct intrinsic_run *run, cJSON **argv,
			    size_t argc, cJSON **out)
{
	size_t pad;
	(void)argc;
	if (want_short_string(run, argv, 0) < 0)
		return -1;
	const char *s = argv[0]->valuestring;
	size_t n = strlen(s);
	if (!base64_valid(s, n, &pad))
		return intrinsic_fail(run, "%s expects argument 1 to be valid "
				      "Base64", run->call->def->name);
	unsigned char *dec = xmalloc(n / 4 * 3 + 1);
	int len = n ? EVP_DecodeBlock(dec, (const unsigned char *)s, (int)n) : 0;
	size_t got = len > 0 ? (size_t)len - pad : 0;
	dec[got] = '\0';
	int ok = len >= 0 && memchr(dec, '\0', got) == NULL;
	if (ok)
		*out = cJSON_CreateString((const char *)dec);
	free(dec);
	if (ok)
		return 0;
	return intrinsic_fail(run, "%s decoded data that is not a string",
			      run->call->def->name);
}

static const EVP_MD *hash_algorithm(const char *name)
{
	static const struct { const char *name; const EVP_MD *(*md)(void); } algs[] = {
		{ "MD5", EVP_md5 },       { "SHA-1", EVP_sha1 },
		{ "SHA-256", EVP_sha256 }, { "SHA-384", EVP_sha384 },
		{ "SHA-512", EVP_sha512 },
	};
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(name, algs[i].name) == 0)
			return algs[i].md();
	return NULL;
}

static int fn_hash(struct intrinsic_run *run, cJSON **argv, size_t argc,
		   cJSON **out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char text[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int n = 0;
	(void)argc;
	if (want_short_string(run, argv, 0) < 0 || want_string(run, argv, 1) < 0)
		return -1;
	const EVP_MD *alg = hash_algorithm(argv[1]->valuestring);
	if (!alg)
		return intrinsic_fail(run, "%s does not support the algorithm '%s'; "
				      "use MD5, SHA-1, SHA-256, SHA-384 or SHA-512",
				      run->call->def->name, argv[1]->valuestring);
	const char *s = argv[0]->valuestring;
	if (!EVP_Digest(s, strlen(s), md, &n, alg, NULL))
		return intrinsic_fail(run, "%s failed", run->call->def->name);
	for (unsigned int i = 0; i < n; i++) {
		text[2 * i] = hex[md[i] >> 4];
		text[2 * i + 1] = hex[md[i] & 15];
	}
	text[2 * n] = '\0';
	*out = cJSON_CreateString(text);
	return 0;
}

/* ---- math ---------------------------------------------------------------- */

/* A number from [start, end], both rounded; with a seed the draw comes from
 * a generator seeded by it, so the same seed always gives the same number. */
static int fn_math_random(struct intrinsic_run *run, cJSON **argv,
			  size_t argc, cJSON **out)
{
	long long from, to, seed;
	struct rng seeded;
	struct rng *r = run->rng;
	if (want_int(run, argv, 0, 1, &from) < 0 ||
	    want_int(run, argv, 1, 1, &to) < 0)
		return -1;
	if (argc == 3) {
		if (want_int(run, argv, 2, 1, &seed) < 0)
			return -1;
		rng_init(&seeded, (uint64_t)seed);
		r = &seeded;
	}
	if (from > to)
		return intrinsic_fail(run, "%s expects the start (%lld) not to be "
				      "greater than the end (%lld)",
				      run->call->def->name, from, to);
	*out = cJSON_CreateNumber((double)rng_range(r, from, to));
	return 0;
}

static int fn_math_add(struct intrinsic_run *run, cJSON **argv, size_t argc,
		       cJSON **out)
{
	long long a, b;
	(void)argc;
	if (want_int(run, argv, 0, 1, &a) < 0 || want_int(run, argv, 1, 1, &b) < 0)
		return -1;
	*out = cJSON_CreateNumber((double)(a + b));
	return 0;
}

/* ---- strings and ids ------------------------------------------------------- */

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* A truncated sequence at the end of the text counts as the bytes left. */
static size_t char_len(const char *s)
{
	return strnlen(s, utf8_len((unsigned char)*s));
}

/* 1 when the n-byte character at s is one of the delimiter characters. */
static int is_delim(const char *s, size_t n, const char *delims)
{
	for (const char *d = delims; *d; d += char_len(d))
		if (char_len(d) == n && memcmp(s, d, n) == 0)
			return 1;
	return 0;
}

static void add_piece(cJSON *arr, const char *s, size_t n)
{
	if (n == 0)
		return;
	char *piece = xstrndup(s, n);
	cJSON_AddItemToArray(arr, cJSON_CreateString(piece));
	free(piece);
}

/* Splits at every delimiter character; empty pieces are dropped. */
static int fn_string_split(struct intrinsic_run *run, cJSON **argv,
			   size_t argc, cJSON **out)
{
	(void)argc;
	if (want_string(run, argv, 0) < 0 || want_string(run, argv, 1) < 0)
		return -1;
	const char *s = argv[0]->valuestring, *start = s;
	*out = cJSON_CreateArray();
	while (*s) {
		size_t n = char_len(s);
		if (is_delim(s, n, argv[1]->valuestring)) {
			add_piece(*out, start, (size_t)(s - start));
			start = s + n;
		}
		s += n;
	}
	add_piece(*out, start, (size_t)(s - start));
	return 0;
}

static int fn_uuid(struct intrinsic_run *run, cJSON **argv, size_t argc,
		   cJSON **out)
{
	char text[37];
	(void)argv, (void)argc;
	rng_uuid(run->rng, text);
	*out = cJSON_CreateString(text);
	return 0;
}

/* ---- the registry ---------------------------------------------------------- */

const struct intrinsic_def intrinsic_table[] = {
	{ "States.Format", 1, INTRINSIC_VARIADIC, fn_format,
	  "a string with each {} replaced by the next argument", 1 },
	{ "States.StringToJson", 1, 1, fn_string_to_json,
	  "parses a JSON text into a value", 1 },
	{ "States.JsonToString", 1, 1, fn_json_to_string,
	  "a value as compact JSON text", 1 },
	{ "States.Array", 0, INTRINSIC_VARIADIC, fn_array,
	  "an array of the arguments", 0 },
	{ "States.ArrayPartition", 2, 2, fn_array_partition,
	  "an array cut into chunks of the given size", 0 },
	{ "States.ArrayContains", 2, 2, fn_array_contains,
	  "whether an array holds a value", 1 },
	{ "States.ArrayRange", 3, 3, fn_array_range,
	  "integers from start to end by step (at most 1000)", 1 },
	{ "States.ArrayGetItem", 2, 2, fn_array_get_item,
	  "the array element at an index", 0 },
	{ "States.ArrayLength", 1, 1, fn_array_length,
	  "the number of elements of an array", 1 },
	{ "States.ArrayUnique", 1, 1, fn_array_unique,
	  "an array without its duplicate values", 0 },
	{ "States.Base64Encode", 1, 1, fn_base64_encode,
	  "a string encoded as Base64", 1 },
	{ "States.Base64Decode", 1, 1, fn_base64_decode,
	  "a Base64 text decoded into a string", 1 },
	{ "States.Hash", 2, 2, fn_hash,
	  "the hex digest of a string (MD5, SHA-1, SHA-256, SHA-384, SHA-512)", 1 },
	{ "States.JsonMerge", 3, 3, fn_json_merge,
	  "two objects merged shallowly", 0 },
	{ "States.MathRandom", 2, 3, fn_math_random,
	  "a random integer between start and end, optionally seeded", 1 },
	{ "States.MathAdd", 2, 2, fn_math_add,
	  "the sum of two integers", 1 },
	{ "States.StringSplit", 2, 2, fn_string_split,
	  "a string split at any of the delimiter characters", 1 },
	{ "States.UUID", 0, 0, fn_uuid,
	  "a random version-4 UUID", 0 },
};
const size_t intrinsic_table_size =
	sizeof(intrinsic_table) / sizeof(intrinsic_table[0]);

const struct intrinsic_def *intrinsic_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < intrinsic_table_size; i++)
		if (strlen(intrinsic_table[i].name) == len &&
		    memcmp(intrinsic_table[i].name, name, len) == 0)
			return &intrinsic_table[i];
	return NULL;
}
