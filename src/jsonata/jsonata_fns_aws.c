/* jsonata_fns_aws.c - the functions AWS Step Functions adds to JSONata:
 * $partition, $range, $hash, $random([seed]), $uuid and $parse.  They exist
 * only when jsonata_options.step_functions is set, so the jsonata-js suite
 * sees the language unchanged; there $random takes AWS's optional seed.
 * AWS documents what each returns but not its error codes, so the failures
 * here carry stepbook's own codes (D3200-D3203), listed in jsonata.c.
 * Not here: the JSONata 2.0.6 built-ins (jsonata_fns.c). */
#include "jsonata_impl.h"

#include <math.h>
#include <string.h>

#include <openssl/evp.h>

#include "banned.h"

#define FN(name) static int name(struct jsonata_eval *ev, jv **argv, \
				 size_t argc, jv *input, jv **out)
#define ARG(i) ((i) < argc ? argv[i] : NULL)

/* $partition(array, size): consecutive chunks of 'size' items, the last one
 * shorter when the items run out. */
FN(fn_partition)
{
	(void)input;
	jv *a = ARG(0), *size = ARG(1);
	*out = NULL;
	if (!a || !size)
		return 0;
	double k = size->u.n;
	if (k < 1 || k != floor(k))
		return jsonata_failf(ev, "D3200", JSONATA_NOPOS, "",
				     "The chunk size of $partition must be a positive integer");
	size_t n = a->len;
	size_t chunk = k > (double)n ? (n ? n : 1) : (size_t)k;
	jv *r = jv_arr(ev, (n + chunk - 1) / chunk);
	r->flags = JV_CONS;
	for (size_t i = 0; i < n; i += chunk) {
		size_t m = n - i < chunk ? n - i : chunk;
		jv *part = jv_arr(ev, m);
		part->flags = JV_CONS;
		memcpy(part->u.a.items, a->u.a.items + i, m * sizeof(jv *));
		part->len = (uint32_t)m;
		jv_push(ev, r, part);
	}
	*out = r;
	return 0;
}

/* $range(start, end, step): start, start+step, ... up to end, end included
 * when a step lands on it; a step away from end gives []. */
FN(fn_range)
{
	(void)input;
	jv *from = ARG(0), *to = ARG(1), *step = ARG(2);
	*out = NULL;
	if (!from || !to || !step)
		return 0;
	double s = step->u.n, a = from->u.n, b = to->u.n;
	if (s == 0)
		return jsonata_failf(ev, "D3201", JSONATA_NOPOS, "",
				     "The step of $range must not be zero");
	double count = (b - a) / s;
	count = count < 0 ? 0 : floor(count) + 1;
	if (count > JSONATA_MAX_RANGE)
		return jsonata_failf(ev, "D2014", JSONATA_NOPOS, "",
				     "The size of the sequence allocated by $range must not exceed 1e7.  Attempted to allocate %.0f.",
				     count);
	if (jsonata_room(ev, (size_t)count * (sizeof(jv) + sizeof(jv *)), JSONATA_NOPOS) < 0)
		return -1;
	jv *r = jv_arr(ev, (size_t)count);
	r->flags = JV_CONS;
	/* start + i*step, not a running sum: no drift over many steps */
	for (size_t i = 0; i < (size_t)count; i++)
		r->u.a.items[i] = jv_num(ev, a + (double)i * s);
	r->len = (uint32_t)count;
	*out = r;
	return 0;
}

static const EVP_MD *hash_algorithm(const char *name, size_t len)
{
	static const struct {
		const char *name;
		const EVP_MD *(*md)(void);
	} algs[] = {
		{ "MD5", EVP_md5 },        { "SHA-1", EVP_sha1 },
		{ "SHA-256", EVP_sha256 }, { "SHA-384", EVP_sha384 },
		{ "SHA-512", EVP_sha512 },
	};
	for (size_t i = 0; i < sizeof(algs) / sizeof(*algs); i++)
		if (strlen(algs[i].name) == len && memcmp(algs[i].name, name, len) == 0)
			return algs[i].md();
	return NULL;
}

/* $hash(data, algorithm): the digest of data's UTF-8 bytes, lower-case
 * hex, as States.Hash computes it. */
FN(fn_hash)
{
	(void)input;
	jv *data = ARG(0), *alg = ARG(1);
	*out = NULL;
	if (!data || !alg)
		return 0;
	const EVP_MD *md = hash_algorithm(alg->u.s.p, alg->len);
	if (!md)
		return jsonata_failf(ev, "D3202", JSONATA_NOPOS, "",
				     "The algorithm of $hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, not '%.64s'",
				     alg->u.s.p);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_Digest(data->u.s.p, data->len, digest, &n, md, NULL))
		return jsonata_failf(ev, "D3202", JSONATA_NOPOS, "",
				     "The $hash digest could not be computed");
	static const char hex[] = "0123456789abcdef";
	char text[2 * EVP_MAX_MD_SIZE];
	for (unsigned int i = 0; i < n; i++) {
		text[2 * i] = hex[digest[i] >> 4];
		text[2 * i + 1] = hex[digest[i] & 15];
	}
	*out = jv_str(ev, text, 2 * (size_t)n);
	return 0;
}

/* java.util.Random's first nextDouble() for a seed: AWS documents that a
 * seeded $random draws as Java's generator does. */
static double java_random_double(int64_t seed)
{
	const uint64_t mult = 0x5DEECE66DULL, mask = (1ULL << 48) - 1;
	uint64_t s = ((uint64_t)seed ^ mult) & mask;
	s = (s * mult + 0xB) & mask;
	uint64_t hi = s >> (48 - 26);
	s = (s * mult + 0xB) & mask;
	uint64_t lo = s >> (48 - 27);
	return (double)((hi << 27) + lo) * 0x1.0p-53;
}

/* $random([seed]): the evaluation's seeded generator, or Java's for an
 * explicit seed (truncated to an integer, as Java's long cast does). */
FN(fn_random)
{
	(void)input;
	jv *seed = ARG(0);
	if (!seed) {
		*out = jv_num(ev, rng_double(&ev->rng));
		return 0;
	}
	double d = seed->u.n;
	int64_t s = d >= 0x1p63 ? INT64_MAX : d <= -0x1p63 ? INT64_MIN : (int64_t)d;
	*out = jv_num(ev, java_random_double(s));
	return 0;
}

FN(fn_uuid)
{
	(void)argv; (void)argc; (void)input;
	char text[37];
	rng_uuid(&ev->rng, text);
	*out = jv_str(ev, text, 36);
	return 0;
}

/* $parse(text): the JSON value text holds. */
FN(fn_parse)
{
	(void)input;
	jv *s = ARG(0);
	*out = NULL;
	if (!s)
		return 0;
	size_t off = 0;
	if (jsonata_parse_json(ev, s->u.s.p, s->len, 0, out, &off) < 0) {
		*out = NULL;
		if (ev->failed)
			return -1;
		return jsonata_failf(ev, "D3203", JSONATA_NOPOS, "",
				     "The argument of $parse is not valid JSON (at character %zu)",
				     jsonata_utf16_len(s->u.s.p, off < s->len ? off : s->len));
	}
	return 0;
}

/* Sorted by name: looked up by binary search. */
const struct jsonata_builtin jsonata_aws_builtins[] = {
	{ "hash", "<s-s:s>", fn_hash, 2 },
	{ "parse", "<s-:j>", fn_parse, 1 },
	{ "partition", "<an:a>", fn_partition, 2 },
	{ "random", "<n?:n>", fn_random, 1 },
	{ "range", "<nnn:a<n>>", fn_range, 3 },
	{ "uuid", "<:s>", fn_uuid, 0 },
};
const size_t jsonata_aws_nbuiltins =
	sizeof(jsonata_aws_builtins) / sizeof(*jsonata_aws_builtins);
