#!/bin/sh
# compile_once.sh - "parse once, evaluate many times": no file of the run
# layer calls a compiler of the model (jsonpath_compile*, payload_compile,
# intrinsic_compile, a future jsonata_compile).  The model compiles every
# expression of a machine when asl_build runs; the interpreter evaluates.
# The one call of asl_expr_init in src/run/ compiles the mocks file's
# Templates when the file is loaded (the mocks file is no part of the model).
set -eu
cd "$(dirname "$0")/../src"
status=0
if grep -n '[a-z_]*_compile[a-z_]*[[:space:]]*(' run/*.c run/*.h; then
	echo "compile-once: src/run/ must not call a compiler (see above)"
	status=1
fi
n=$(grep -c 'asl_expr_init[[:space:]]*(' run/*.c | awk -F: '{ s += $2 } END { print s + 0 }')
if [ "$n" -gt 1 ]; then
	grep -n 'asl_expr_init[[:space:]]*(' run/*.c
	echo "compile-once: src/run/ compiles only the mocks file's Templates"
	status=1
fi
[ $status -eq 0 ] && echo "compile-once: ok (src/run/ calls no compiler)"
exit $status
