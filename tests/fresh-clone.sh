#!/bin/sh
# fresh-clone.sh - the README's two commands, `make course` then `make check`,
# in a fresh clone of the committed tree, with chromium hidden from PATH so
# that the install steps really run: what a new machine (and CI) does.  Run
# it before resolving anything that touches the build; not part of
# `make check` (it runs `make check`).
# usage: sh tests/fresh-clone.sh [REF]        (default HEAD; exit status of
#        the two commands; the clone is removed afterwards, KEEP=1 keeps it)
set -eu
top=$(git rev-parse --show-toplevel)
ref=${1:-HEAD}

# Beside the project, so that ../shared resolves as it does in CI.
dest=$(mktemp -d "$(dirname "$top")/fresh-clone.XXXXXX")
hide=$(mktemp -d)
cleanup() {
	rm -rf "$hide"
	if [ "${KEEP:-0}" = 1 ]; then echo "kept: $dest"; else rm -rf "$dest"; fi
}
trap cleanup EXIT

git clone -q "$top" "$dest"
git -C "$dest" checkout -q "$ref"

# PATH with every folder that holds chromium replaced by a copy of links to
# everything else in it.
path=
old_ifs=$IFS
IFS=:
for d in $PATH; do
	if [ -e "$d/chromium" ] || [ -e "$d/chromium-browser" ]; then
		shadow="$hide/$(echo "$d" | tr / _)"
		mkdir -p "$shadow"
		for f in "$d"/*; do
			case "${f##*/}" in
			chromium|chromium-browser) ;;
			*) ln -s "$f" "$shadow/" ;;
			esac
		done
		d=$shadow
	fi
	path="${path:+$path:}$d"
done
IFS=$old_ifs
if PATH=$path command -v chromium >/dev/null 2>&1; then
	echo "fresh-clone: could not hide chromium from PATH" >&2
	exit 1
fi

cd "$dest"
echo "== fresh clone of $ref in $dest, chromium hidden from PATH"
echo "== make course"
PATH=$path make course
echo "== make check"
PATH=$path make check
echo "== fresh clone: both commands passed"
