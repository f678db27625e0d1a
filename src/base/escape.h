/* escape.h - the one place where text from input becomes markup.
 * Every string that reaches SVG, HTML or a Graphviz HTML-like label passes
 * through these functions: they escape markup characters and replace what
 * XML cannot carry at all (invalid UTF-8, C0 controls other than tab, LF and
 * CR) with U+FFFD, so no input can break the document around it.
 * Not here: JSON output (jsonout.h). */
#ifndef STEPBOOK_ESCAPE_H
#define STEPBOOK_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/* Appends s[0..len) as XML/HTML text content: & < > " ' become entities. */
void escape_html(struct buf *out, const char *s, size_t len);

/* Appends s[0..len) for a double- or single-quoted attribute value: as
 * escape_html, and tab, LF and CR become character references so attribute
 * normalisation cannot change them. */
void escape_attr(struct buf *out, const char *s, size_t len);

/* Appends s[0..len) as text inside a Graphviz HTML-like label: as
 * escape_html, and each '\' doubled, because Graphviz expands \N, \G, \L...
 * in label text even after decoding entities ("\\" gives one '\'). */
void escape_gv_label(struct buf *out, const char *s, size_t len);

/* Appends the stable element id of the state named name[0..len).
 * The rule (the site computes links with this same function):
 *  - a name of 1 to 64 bytes of [A-Za-z0-9-] gives "state-" + name, case
 *    kept (ASL names are CamelCase; HTML ids are case-sensitive), so
 *    "SendWait" -> "state-SendWait";
 *  - any other name gives "state-" + slug + "_" + 8 hex digits of the
 *    32-bit FNV-1a hash of the whole name, where slug keeps ASCII letters and
 *    digits, turns each run of other bytes into one '-', drops leading and
 *    trailing '-' and is cut to 32 bytes: "Send email!" ->
 *    "state-Send-email_b30ed49a".
 * Only plain ids lack '_', so the two forms never collide with each other;
 * the id depends on the name alone, so editing other states never changes
 * it.  The result is safe in HTML, SVG, URL fragments and CSS selectors. */
void escape_state_id(struct buf *out, const char *name, size_t len);

/* Appends s[0..len) reduced to [A-Za-z0-9_-] (every other byte dropped):
 * for caller-chosen id prefixes and class names. */
void escape_token(struct buf *out, const char *s, size_t len);

#endif
