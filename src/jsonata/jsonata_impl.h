/* jsonata_impl.h - the JSONata engine's internals: values, the arena they
 * live in, the syntax tree, environments and the evaluation context.
 *
 * Memory: one arena per compiled expression (the tree, literal strings,
 * compiled regexes) and one arena per evaluation (every value made while
 * evaluating, the converted input included).  Values never own anything:
 * they are freed in bulk when the evaluation ends, so sharing a value between
 * two arrays costs nothing and nothing is ever freed item by item (no
 * recursion on input depth when freeing).  The one exception is a tail
 * loop: between two turns it holds only its next call, so it compacts what
 * it allocated since it began (jsonata_gc.c) and runs in the memory its live
 * values need.  The evaluation arena counts its bytes; the evaluator stops
 * with an error past the memory bound.
 *
 * Undefined is the NULL value pointer.  Arrays carry jsonata-js's flags
 * (sequence, keep-singleton, constructed, outer wrapper, tuple stream).
 * Not here: the public API (jsonata.h). */
#ifndef STEPBOOK_JSONATA_IMPL_H
#define STEPBOOK_JSONATA_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "buf.h"
#include "jsonata.h"
#include "rng.h"

/* ---- arena -------------------------------------------------------------- */

struct jsonata_chunk;
struct jsonata_arena {
	struct jsonata_chunk *head;
	char *next, *end; /* free room in the head chunk */
	size_t bytes;     /* everything allocated so far */
	size_t chunk;     /* size of the next chunk (0: the first) */
	/* the head chunk when the innermost mark was set: a big allocation
	 * goes below the head only while the head lies above it */
	struct jsonata_chunk *floor;
	struct jsonata_chunk *spare; /* a rewound chunk kept for reuse */
	void (**cleanups)(void *);
	void **cleanup_args;
	size_t ncleanups, alloc_cleanups;
};
void jsonata_arena_init(struct jsonata_arena *a);
/* Frees every chunk and runs the cleanups (regexes). */
void jsonata_arena_release(struct jsonata_arena *a);
/* Returns zeroed memory owned by the arena.  Inline: a document's parse
 * and an evaluation make millions of small values, and the common case is
 * a bump of a pointer. */
void *jsonata_arena_alloc_slow(struct jsonata_arena *a, size_t size);
static inline void *jsonata_arena_alloc(struct jsonata_arena *a, size_t size)
{
	/* values hold pointers and doubles only: 8-byte alignment */
	size_t rounded = (size + 7) & ~(size_t)7;
	if (rounded - 1 < (size_t)(a->end - a->next)) { /* 0 < rounded <= room */
		void *p = a->next; /* chunks come zeroed, rewound room is cleared */
		a->next += rounded;
		a->bytes += rounded;
		return p;
	}
	return jsonata_arena_alloc_slow(a, size);
}
char *jsonata_arena_strndup(struct jsonata_arena *a, const char *s, size_t n);
/* Runs fn(arg) when the arena is released. */
void jsonata_arena_cleanup(struct jsonata_arena *a, void (*fn)(void *),
			   void *arg);

/* A point in an arena's life: what was allocated after it can be given
 * back (jsonata_arena_rewind) while what was allocated before stays put.
 * Marks nest, innermost last. */
struct jsonata_mark {
	struct jsonata_chunk *head, *floor;
	char *next, *end;
	size_t bytes;
};
void jsonata_arena_mark(struct jsonata_arena *a, struct jsonata_mark *m);
/* Ends mark m (the innermost), keeping everything allocated since. */
void jsonata_arena_unmark(struct jsonata_arena *a, const struct jsonata_mark *m);
/* Frees everything allocated since m (its memory is reused) and, when
 * 'from' is not NULL, takes over its chunks (it is left empty; it has no
 * cleanups): what was copied into 'from' lives in a as if allocated since
 * m. */
void jsonata_arena_rewind(struct jsonata_arena *a, const struct jsonata_mark *m,
			  struct jsonata_arena *from);
/* 1 when p lies in memory allocated since m. */
int jsonata_arena_since_has(const struct jsonata_arena *a,
			    const struct jsonata_mark *m, const void *p);
/* The memory allocated since m, as [lo, hi) byte ranges: returns owned
 * (free), *n ranges, sorted by address. */
struct jsonata_range {
	uintptr_t lo, hi;
};
struct jsonata_range *jsonata_arena_since(const struct jsonata_arena *a,
					  const struct jsonata_mark *m,
					  size_t *n);

/* ---- values ------------------------------------------------------------- */

enum jv_type { JV_NULL = 1, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ, JV_FUNC,
	       JV_TUPLE };

enum jv_flag {
	JV_SEQ = 1,      /* a sequence: flattens, singleton unwraps */
	JV_KEEP = 2,     /* keep a singleton sequence as an array ([]) */
	JV_CONS = 4,     /* built by an array constructor: never flattened */
	JV_OUTER = 8,    /* the input array wrapped as one item */
	JV_TUPLES = 16,  /* a stream of tuples (@, #, % bindings) */
};

struct jv;
struct jkv { /* a member as the JSON parser collects it */
	const char *key;
	size_t klen;
	struct jv *val;
};
struct jkey {
	const char *key;
	size_t klen;
};
/* 32 bytes: a document's records are most of its objects. */
struct jobj {
	struct jkey *keys; /* insertion order */
	struct jv **vals;  /* vals[i] belongs to keys[i] */
	/* hash index (index+1), built past a few keys; its size, a power of
	 * two, in the word before it (slots[-1]) */
	uint32_t *slots;
	/* 32-bit counts, as arrays': the memory bound keeps them far below.
	 * cap below n: keys is a shape shared with other objects of the same
	 * keys (the JSON parser's), copied before a key is added or deleted
	 * (JOBJ_SHARED) */
	uint32_t n, cap;
};
#define JOBJ_SHARED(o) ((o)->cap < (o)->n)
struct jbind; /* tuple bindings */
struct jfunc;

/* 16 bytes: a document's values are most of an evaluation's memory.  An
 * array is a struct jarr and a tuple a struct jtuple: the same header with
 * one more field behind it (never copy a jv by value). */
typedef struct jv {
	uint8_t type;
	uint8_t flags;
	/* a string's bytes, an array's items: 32 bits, as the memory bound
	 * and the JSON parser keep them far below 2^32 */
	uint32_t len;
	union {
		int b;
		double n;
		struct {
			const char *p; /* NUL-terminated UTF-8 */
		} s;
		struct {
			struct jv **items;
		} a;
		struct jobj *o;
		struct jfunc *f;
		struct {
			struct jv *at;
		} t;
	} u;
} jv;

struct jarr {
	jv v;
	uint32_t cap; /* room in v.u.a.items */
};
#define JV_CAP(v) (((struct jarr *)(v))->cap)

struct jtuple {
	jv v;
	struct jbind *binds;
};
#define JV_BINDS(v) (((struct jtuple *)(v))->binds)

/* A tuple's variable bindings: a persistent list, newest first. */
struct jbind {
	const char *name;
	jv *val;
	struct jbind *next;
};

/* Bytes a value of this type takes (jarr, jtuple or jv). */
size_t jv_size(uint8_t type);

extern jv jsonata_null_, jsonata_true_, jsonata_false_;
#define JV_NULLV (&jsonata_null_)
#define JV_BOOLV(x) ((x) ? &jsonata_true_ : &jsonata_false_)

struct jsonata_eval; /* the evaluation context, below */
jv *jv_num(struct jsonata_eval *ev, double n);
jv *jv_str(struct jsonata_eval *ev, const char *p, size_t len); /* copies */
jv *jv_str_borrow(struct jsonata_eval *ev, const char *p, size_t len);
jv *jv_str_buf(struct jsonata_eval *ev, struct buf *b); /* copies b */
jv *jv_arr(struct jsonata_eval *ev, size_t cap);
jv *jv_seq(struct jsonata_eval *ev);
void jv_push(struct jsonata_eval *ev, jv *arr, jv *item);
/* Makes room for 'extra' more items at once. */
void jv_reserve(struct jsonata_eval *ev, jv *arr, size_t extra);
jv *jv_obj(struct jsonata_eval *ev);
jv *jv_get(const jv *obj, const char *key, size_t klen);
/* As jv_get, trying the member at *hint first and leaving there the
 * index it found: a path over records finds each one's field where the
 * previous one had it.  Any hint is safe (it is checked). */
jv *jv_get_hinted(const jv *obj, const char *key, size_t klen, uint32_t *hint);
void jv_set(struct jsonata_eval *ev, jv *obj, const char *key, size_t klen,
	    jv *val);
void jv_del(struct jsonata_eval *ev, jv *obj, const char *key, size_t klen);
/* Makes room for n members in all. */
void jv_obj_reserve(struct jsonata_eval *ev, jv *obj, size_t n);
/* An object of n members whose keys array is shared (borrowed: never
 * changed, copied before the object gains or loses a key), the keys
 * distinct; its n values, in v->u.o->vals, are the caller's to fill.  One
 * allocation: a document's records are most of its values. */
jv *jv_obj_shaped(struct jsonata_eval *ev, struct jkey *keys, size_t n);
jv *jv_tuple(struct jsonata_eval *ev, jv *at, struct jbind *b);
struct jbind *jv_bind(struct jsonata_eval *ev, struct jbind *next,
		      const char *name, jv *val);

/* Asks for item i + 8's first two cache lines (a record's header and
 * values) while item i is worked on: a pass over a large document's
 * records otherwise waits on memory for each one. */
static inline void jv_prefetch(jv *const *items, size_t i, size_t n)
{
	const jv *ahead = i + 8 < n ? items[i + 8] : NULL;
	if (ahead) {
		__builtin_prefetch(ahead);
		__builtin_prefetch((const char *)ahead + 64);
	}
}

/* Inline: the evaluator asks these of every value it passes on. */
static inline int jv_is_array(const jv *v) { return v && v->type == JV_ARR; }
static inline int jv_is_seq(const jv *v)
{
	return v && v->type == JV_ARR && (v->flags & JV_SEQ);
}
static inline int jv_is_num(const jv *v) { return v && v->type == JV_NUM; }
static inline int jv_is_str(const jv *v) { return v && v->type == JV_STR; }
static inline int jv_is_func(const jv *v) { return v && v->type == JV_FUNC; }
int jv_is_int(const jv *v);
/* Deep equality as jsonata-js's isDeepEqual. */
int jv_equal(const jv *a, const jv *b);
/* Truthiness ($boolean); undefined gives 0 with *undef set. */
int jv_truthy(const jv *v);
/* Compares two strings by UTF-16 code units, as JavaScript does. */
int jv_strcmp(const jv *a, const jv *b);

/* UTF-16 view of UTF-8 text. */
size_t jsonata_utf16_len(const char *s, size_t len);
/* Byte offset of UTF-16 unit 'u' (clamped to len). */
size_t jsonata_utf16_offset(const char *s, size_t len, size_t u);
/* Appends code point cp as UTF-8. */
void jsonata_utf8_put(struct buf *b, uint32_t cp);

/* Writes d as JavaScript's Number.prototype.toString does. */
void jsonata_num_js(double d, char out[32]);
/* Number(d.toPrecision(15)): the value $string and '&' write. */
double jsonata_num_15(double d);

/* ---- syntax tree ------------------------------------------------------- */

enum jn_type {
	/* final node types */
	JN_PATH = 1, JN_BINARY, JN_NEG, JN_ARRAY, JN_OBJECT, JN_NAME, JN_STRING,
	JN_NUMBER, JN_VALUE, JN_WILDCARD, JN_DESCENDANT, JN_PARENT,
	JN_CONDITION, JN_BLOCK, JN_BIND, JN_REGEX, JN_FUNCTION, JN_PARTIAL,
	JN_VARIABLE, JN_LAMBDA, JN_APPLY, JN_SORT, JN_TRANSFORM, JN_HOLE,
	JN_FILTER, JN_INDEX,
	/* parser-only node types, gone after the post-parse pass */
	JN_DOT, JN_PRED, JN_GROUP, JN_ORDER, JN_FOCUS, JN_POS, JN_OPNAME,
};

enum jn_op {
	OP_NONE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_EQ, OP_NE, OP_LT,
	OP_LE, OP_GT, OP_GE, OP_CONCAT, OP_AND, OP_OR, OP_IN, OP_RANGE,
};

struct jslot {
	char label[24];
	int level;
	size_t index;
};

struct jsig;
struct jsonata_builtin;
struct jnode {
	uint8_t type;
	uint8_t op;
	uint8_t keep_array, consarray, tuple, thunk, keep_singleton, descending;
	uint8_t no_frame;    /* JN_BLOCK: binds nothing, runs in its parent's frame */
	/* evaluating it binds no variable in the frame it runs in (0 when not
	 * known): what it allocates is its own, for scopes to give back */
	uint8_t frame_safe;
	size_t pos;          /* jsonata-js position: offset just past the token */
	const char *str;     /* name, string, variable, operator text */
	size_t len;
	double num;
	int value;           /* JN_VALUE: 0 false, 1 true, 2 null */
	struct jnode *lhs, *rhs, *third; /* operands; condition/then/else */
	struct jnode **items; /* steps, expressions, arguments, pairs, terms */
	size_t n, nalloc;
	struct jnode **stages; /* filter and index stages of a step */
	size_t nstages, stalloc;
	struct jnode **preds;  /* predicates of a node outside a path */
	size_t npreds, pralloc;
	struct jnode *group;  /* an object node: the step's group-by */
	const char *focus, *index; /* @$v and #$i names */
	struct jslot *ancestor, *slot;
	struct jslot **seeking;
	size_t nseeking, skalloc;
	struct jsig *sig;
	/* JN_VARIABLE: the built-in function of its name, found when parsed,
	 * without ([0]) and with ([1]) Step Functions' own: what it means
	 * when no variable of the name is bound (calls look up every time) */
	const struct jsonata_builtin *builtin[2];
	void *regex;         /* pcre2_code * */
	uint32_t regex_flags;
};

struct jsonata {
	struct jsonata_arena arena;
	struct jnode *root;
	char *text;
	size_t ancestors;
};

/* Parses text into j->root.  Returns 0, or -1 with *err filled. */
int jsonata_parse(struct jsonata *j, const char *text, size_t len,
		  struct jsonata_error *err, size_t max_depth);

/* ---- signatures ---------------------------------------------------------- */

/* Parses a signature such as "<n-n:n>".  Returns NULL with *err filled. */
struct jsig *jsonata_sig_parse(struct jsonata_arena *a, const char *s,
			       size_t len, size_t *err_offset,
			       const char **err_code);
size_t jsonata_sig_arity(const struct jsig *sig);

/* ---- functions and environments ----------------------------------------- */

struct jsonata_builtin;
enum jfunc_kind { JF_LAMBDA = 1, JF_BUILTIN, JF_PARTIAL, JF_CHAIN,
		  JF_TRANSFORM, JF_REGEX };

struct jenv;
struct jfunc {
	uint8_t kind;
	uint8_t thunk;
	const struct jnode *node;  /* lambda, transform or thunk node */
	const struct jnode *const *params; /* lambda parameters */
	size_t nparams;
	const struct jnode *body;
	jv *input;
	struct jenv *env;
	const struct jsonata_builtin *bi;
	const struct jsig *sig;
	jv *f1, *f2;               /* partial target; chain members */
	jv **args;                 /* partial arguments, NULL for a hole */
	uint8_t *holes;
	size_t nargs;
	void *regex;               /* JF_REGEX: pcre2_code * (borrowed) */
};

struct jenv_entry {
	const char *name;
	size_t len;
	jv *val;
};
struct jenv {
	struct jenv *parent;
	struct jenv_entry *e;
	size_t n, cap;
	struct jbind *tb; /* a tuple's bindings, looked up after e */
};

typedef int (*jsonata_fn)(struct jsonata_eval *ev, jv **argv, size_t argc,
			  jv *input, jv **out);
struct jsonata_builtin {
	const char *name;
	const char *sig;
	jsonata_fn fn;
	int arity; /* declared parameters, as jsonata-js's Function.length */
};
extern const struct jsonata_builtin jsonata_builtins[];
extern const size_t jsonata_nbuiltins;
/* AWS Step Functions' own functions (jsonata_fns_aws.c). */
extern const struct jsonata_builtin jsonata_aws_builtins[];
extern const size_t jsonata_aws_nbuiltins;
/* The built-in called name[0..len): with step_functions, AWS's functions
 * first (its $random takes a seed).  NULL when there is none. */
const struct jsonata_builtin *jsonata_builtin_find(const char *name,
						   size_t len,
						   int step_functions);
/* A slot for b in per-evaluation caches of jsonata_nbuiltins +
 * jsonata_aws_nbuiltins entries. */
size_t jsonata_builtin_index(const struct jsonata_builtin *b);
/* The parsed signature of builtin b (parsed once per evaluation). */
const struct jsig *jsonata_builtin_sig(struct jsonata_eval *ev,
				       const struct jsonata_builtin *b);

struct jsonata_eval {
	struct jsonata_arena arena;
	/* what must outlive a tail loop's compaction, made lazily but
	 * pointed at from ev itself: the built-ins' signatures and values */
	struct jsonata_arena perm;
	int no_compact; /* $eval ran: the global frame may hold any value */
	const struct jsonata *expr;
	const struct jsonata_options *opt;
	struct jenv *global;
	jv *input;
	struct rng rng;
	size_t depth, max_depth;
	size_t max_memory; /* opt->max_memory or JSONATA_MAX_MEMORY */
	/* where a name step last found its field (jv_get_hinted), by the
	 * step node's address */
	uint32_t name_hints[64];
	uint64_t steps;
	int64_t deadline_ns;
	int failed;
	struct jsonata_error *err;
	const struct jsig **bsigs; /* builtin signatures, parsed lazily */
	jv **bvals;                /* builtin function values, made lazily */
	int64_t now_ms;
	int eval_depth; /* nested $eval calls */
	const jv *err_value; /* the error's {{value}}, for a late re-render */
	int err_templated;
};

jv *jsonata_env_lookup(const struct jenv *env, const char *name, size_t len);
void jsonata_env_bind(struct jsonata_eval *ev, struct jenv *env,
		      const char *name, size_t len, jv *val);
struct jenv *jsonata_env_new(struct jsonata_eval *ev, struct jenv *parent);

/* Position meaning "not known yet": the caller fills it in. */
#define JSONATA_NOPOS ((size_t)-1)
/* Records an error (the first one wins) and returns -1.  'value' may be
 * NULL; it fills the message's {{value}}. */
int jsonata_fail(struct jsonata_eval *ev, const char *code, size_t pos,
		 const char *token, const jv *value);
int jsonata_failf(struct jsonata_eval *ev, const char *code, size_t pos,
		  const char *token, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The message template of an error code. */
const char *jsonata_message(const char *code);

int jsonata_eval_node(struct jsonata_eval *ev, const struct jnode *n, jv *input,
		      struct jenv *env, jv **out);
/* Applies a function value to arguments (argv borrowed). */
int jsonata_apply(struct jsonata_eval *ev, jv *fn, jv **argv, size_t argc,
		  jv *input, jv **out);
size_t jsonata_func_arity(const jv *f);
/* Checks args against sig, filling the context argument; returns the
 * validated argument vector in *outv (arena) and count in *outc. */
int jsonata_sig_validate(struct jsonata_eval *ev, const struct jsig *sig,
			 jv **argv, size_t argc, jv *input, jv ***outv,
			 size_t *outc, size_t pos, const char *token);

/* Converts at the boundary. */
jv *jsonata_from_cjson(struct jsonata_eval *ev, const cJSON *c);
/* Returns owned cJSON (cJSON_Delete), NULL for undefined; -1 if too deep. */
int jsonata_to_cjson(struct jsonata_eval *ev, const jv *v, cJSON **out);

/* JSON text to values: text is only read (it may be a read-only mapping,
 * with no terminator), the values do not point into it.  With give_back,
 * the caller needs the text no more: its pages behind the parse go back to
 * the system as the parse moves on (it is then garbage, though still
 * there).  Returns 0, or -1 with the byte offset of the fault in
 * *err_offset. */
int jsonata_parse_json(struct jsonata_eval *ev, const char *text, size_t len,
		       int give_back, jv **out, size_t *err_offset);
/* Appends v as JSON.stringify(v, null, indent) would; nothing for undefined
 * or a function.  -1 (error recorded) past JSONATA_MAX_VALUE_DEPTH. */
int jsonata_write_value(struct jsonata_eval *ev, const jv *v, int indent,
			struct buf *out);

/* String form as $string: JSON for objects/arrays, numbers at 15 digits. */
int jsonata_stringify(struct jsonata_eval *ev, const jv *v, int pretty,
		      struct buf *out);

/* Regexes (jsonata_regex.c). */
void *jsonata_regex_compile(struct jsonata_arena *a, const char *pat,
			    size_t len, uint32_t flags, const char **errmsg);
struct jsonata_match {
	size_t start, end;      /* bytes */
	size_t ngroups;
	size_t gs[16], ge[16];  /* group byte offsets, SIZE_MAX unmatched */
};
/* Finds the first match at or after byte 'from'.  1 found, 0 none, -1 error
 * (match limit: the evaluation fails with D1004-like resource error). */
int jsonata_regex_exec(struct jsonata_eval *ev, void *re, const char *s,
		       size_t len, size_t from, struct jsonata_match *m);
jv *jsonata_regex_value(struct jsonata_eval *ev, void *re);

/* Appends as jsonata-js's fn.append (arrays concatenate into a new plain
 * array; undefined on either side gives the other). */
jv *jsonata_append(struct jsonata_eval *ev, jv *a, jv *b);
/* A deep copy ($clone); -1 past JSONATA_MAX_VALUE_DEPTH. */
int jsonata_clone(struct jsonata_eval *ev, const jv *v, jv **out);
/* Fills an error's position and token when the thrower left them unset. */
void jsonata_fill_pos(struct jsonata_eval *ev, size_t pos, const char *token);
/* $now(), and the picture built-ins by name (jsonata_fns_time.c). */
int jsonata_fns_now(struct jsonata_eval *ev, jv **argv, size_t argc, jv *input,
		    jv **out);
int jsonata_fns_picture(struct jsonata_eval *ev, const char *name, jv **argv,
			size_t argc, jv *input, jv **out);
/* Fails (D1099) when 'bytes' more would pass the memory bound: for loops
 * that allocate many values between two ticks. */
int jsonata_room(struct jsonata_eval *ev, size_t bytes, size_t pos);
/* Compacts what the innermost tail loop allocated since m (jsonata_gc.c):
 * the values reachable from roots[0..n) move to fresh chunks and the roots
 * are updated to them, and the rest is freed.  Everything else made since m
 * must be dead: the loop holds nothing but its next call. */
void jsonata_gc_compact(struct jsonata_eval *ev, const struct jsonata_mark *m,
			jv **roots, size_t n);
/* Counts one evaluation step; -1 when a bound is passed.  The common
 * case (no error, memory under its bound, not the 1024th step: time is
 * read then) inline. */
int jsonata_tick_slow(struct jsonata_eval *ev, size_t pos);
static inline int jsonata_tick(struct jsonata_eval *ev, size_t pos)
{
	if (!ev->failed && ev->arena.bytes <= ev->max_memory &&
	    (++ev->steps & 1023) != 0)
		return 0;
	return jsonata_tick_slow(ev, pos);
}

#endif
