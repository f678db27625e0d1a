/* doc.h - a located document: a cJSON tree plus where each value came from.
 * YAML (libyaml) and JSON (cJSON) files load into the same shape, so every
 * later stage (model, validator, diagrams) can point at the author's own file
 * and line.  Positions live in a side table keyed by node, so the tree stays a
 * plain cJSON tree that the rest of the code (and cJSON's printer) can use.
 * Not here: what a document means (loader.h), ASL (asl.h). */
#ifndef STEPBOOK_DOC_H
#define STEPBOOK_DOC_H

#include <stddef.h>

#include <cJSON.h>

#include "buf.h"
#include "diag.h"

/* Nesting deeper than this is refused: no real definition comes near it,
 * and every later tree walk may then recurse safely. */
#define DOC_MAX_DEPTH 256
/* Values in one document, counting each expansion of a YAML alias: bounds
 * memory and time against alias bombs ("billion laughs").  A definition at
 * AWS's 1 MiB cap holds some tens of thousands of values. */
#define DOC_MAX_NODES 200000

enum doc_format { DOC_YAML, DOC_JSON };

struct doc_loc {
	const cJSON *node;
	struct pos value; /* where the value starts */
	struct pos key;   /* where its key starts, when it is a member */
};

struct doc {
	char *path;     /* owned; every pos.file in this doc points here */
	struct buf text; /* the bytes parsed */
	cJSON *root;    /* owned; NULL when parsing failed */
	struct doc_loc *locs; /* open-addressed table keyed by node */
	size_t nlocs, nslots;
	int remapped;    /* positions were rewritten (doc_remap) */
	/* owned, may be NULL: for text taken from a string of another file,
	 * where each byte of text (and its end) is in that file, so that
	 * doc_string_map can trace a string of this document there */
	struct pos *origin;
};

/* Returns an empty document named 'path'; owned, free with doc_free. */
struct doc *doc_new(const char *path);
void doc_free(struct doc *d);
/* A deep copy of a document as parsed from its file (tree, text and
 * positions, which point at the copy's path; not the origin of a document
 * parsed from another file's string): cheaper than parsing the text again,
 * for a caller that needs the document as written once a loader changed
 * it. */
struct doc *doc_copy(const struct doc *d);

/* Parses text[0..len) (copied into d->text) as 'format' into d->root.
 * Returns 0, or -1 with located errors appended to diags (d->root NULL). */
int doc_parse(struct doc *d, const char *text, size_t len,
	      enum doc_format format, struct diag_list *diags);

/* Reads d->path and parses it; the format follows the file name (.json is
 * JSON, anything else YAML).  Returns 0 or -1 as doc_parse. */
int doc_load(struct doc *d, struct diag_list *diags);

/* Where node's value starts / where its member key starts.  A node the doc
 * does not know (built later by code) gets {path, 0, 0}. */
struct pos doc_pos(const struct doc *d, const cJSON *node);
struct pos doc_key_pos(const struct doc *d, const cJSON *node);

/* Records positions for a node (used by the parsers and by loaders that
 * build nodes of their own, e.g. an expanded !GetAtt). */
void doc_set_pos(struct doc *d, const cJSON *node, struct pos value,
		 struct pos key);

/* Rewrites every recorded position through fn (used when a document was
 * parsed from a string embedded in another file). */
void doc_remap(struct doc *d, struct pos (*fn)(struct pos, void *), void *ctx);

/* Checks that text is UTF-8 without NUL bytes.  Returns 0, or -1 and the
 * offending byte offset in *at. */
int doc_check_text(const char *text, size_t len, size_t *at);

/* Where each byte of the string value 'str' came from in d's text, traced
 * through its quoting (YAML block, quoted and plain scalars with their
 * escapes and line folding; JSON strings): map[i] is the position of the
 * source character that gave byte i, map[strlen] the scalar's end.
 * Returns owned (free with free), or NULL when the source does not rebuild
 * the value exactly (then callers estimate). */
struct pos *doc_string_map(const struct doc *d, const cJSON *str);

/* Line and column (from 1) of byte offset 'at' in text. */
struct pos doc_offset_pos(const struct doc *d, size_t at);

/* Internal to doc_json.c / doc_yaml.c. */
int doc_parse_json_(struct doc *d, struct diag_list *diags);
int doc_parse_yaml_(struct doc *d, struct diag_list *diags);

#endif
