#!/bin/sh
# install-missing.sh - installs from Debian only what is missing, one
# concern at a time, and never what would fight a package already there.
#
#   sh tests/install-missing.sh browser
#       chromium when `chromium` is absent; Node.js with npm when `node` is
#       absent.  A Node.js that did not come from Debian (nodesource's, say)
#       brings its own npm: Debian's npm would conflict with it, so it is
#       never installed beside one.
#   sh tests/install-missing.sh node
#       Node.js with npm, under the same rule (the npm peers of `make bench`).
#   sh tests/install-missing.sh COMMAND PACKAGE
#       Debian's PACKAGE when COMMAND is absent (a benchmark's peer:
#       `dot graphviz`, `hugo hugo`).
#
# Exit status 0 when what was asked for is there afterwards, 1 otherwise
# (with a line saying what is missing and why).
set -u

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

updated=0
apt_install() { # PACKAGE...: apt-get install, after one update per run
	if [ "$updated" = 0 ]; then
		as_root apt-get update -qq || return 1
		updated=1
	fi
	echo "installing from Debian: $*"
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

have() { command -v "$1" >/dev/null 2>&1; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# `node` present: npm must come with it.  `node` absent: Debian's pair.
need_node() {
	if ! have node; then
		apt_install nodejs npm || return 1
	elif ! have npm; then
		if dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -q 'deb\|dfsg'; then
			apt_install npm || return 1
		else
			echo "npm is missing beside a Node.js that is not Debian's ($(node --version));" \
			     "install npm with that Node.js: Debian's npm would conflict with it" >&2
			return 1
		fi
	fi
}

need() { # COMMAND PACKAGE
	have "$1" && return 0
	apt_install "$2" && installed "$2" && return 0
	echo "$1 is not available (Debian package $2 did not install)" >&2
	return 1
}

case "${1:-}" in
browser)
	status=0
	need chromium chromium || status=1
	need_node || status=1
	exit $status ;;
node)
	need_node ;;
'')
	sed -n '2,18p' "$0" >&2
	exit 2 ;;
*)
	[ $# = 2 ] || { echo "usage: sh tests/install-missing.sh browser | COMMAND PACKAGE" >&2; exit 2; }
	need "$1" "$2" ;;
esac
