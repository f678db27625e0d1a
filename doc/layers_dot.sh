#!/bin/sh
# layers_dot.sh - the layers of src/ as a Graphviz graph, on stdout: one
# node per folder (its files and lines), placed on the rank that
# tests/layers.sh gives it, and an edge A -> B when a file of A includes a
# header of B (labelled with the number of such includes).  `make doc` pipes
# it through build/*/layers_svg into doc/layers.svg.
set -eu
cd "$(dirname "$0")/.."
eval "$(sed -n '/^rank_of()/,/^}/p' tests/layers.sh)"

echo 'digraph layers {'
echo '  rankdir=TB; nodesep=0.4; ranksep=0.5;
  label="src/ layers: a folder includes only its own rank and lower ones (tests/layers.sh); edges count includes"; labelloc=b; fontname="Helvetica"; fontsize=10;'
echo '  node [shape=box, style="rounded,filled", fillcolor="#eef3fa", color="#5a7aa8", fontname="Helvetica", fontsize=11];'
echo '  edge [color="#8899aa", fontname="Helvetica", fontsize=9, arrowsize=0.6];'
ranks=""
for d in src/*/; do
	d=${d%/}; d=${d#src/}
	r=$(rank_of "$d")
	[ -n "$r" ] || continue
	files=$(ls src/"$d"/*.[ch] | wc -l)
	lines=$(cat src/"$d"/*.[ch] | wc -l)
	printf '  "%s" [label="%s\\n%s files, %s lines"];\n' "$d" "$d" "$files" "$lines"
	ranks="$ranks $r:$d"
done
for r in $(echo "$ranks" | tr ' ' '\n' | cut -d: -f1 | sort -u); do
	printf '  { rank=same;'
	for e in $ranks; do
		[ "${e%%:*}" = "$r" ] && printf ' "%s";' "${e#*:}"
	done
	echo ' }'
done
for f in src/*/*.[ch]; do
	me=${f#src/}; me=${me%%/*}
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
		hit=$(ls src/*/"$inc" 2>/dev/null | head -1)
		[ -n "$hit" ] || continue
		them=${hit#src/}; them=${them%%/*}
		if [ "$me" != "$them" ]; then echo "$me $them"; fi
	done
done | sort | uniq -c | while read -r n a b; do
	printf '  "%s" -> "%s" [label="%s"];\n' "$a" "$b" "$n"
done
echo '}'
