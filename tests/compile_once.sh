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
# The validator reports what the model compiled: payload templates (every
# '.$' member) and JSONata fields are read from the model, never compiled
# again (a JSONata string outside the model's fields is the one exception,
# in validate_jsonata.c).
if grep -n 'payload_compile[a-z_]*[[:space:]]*(' validate/*.c; then
	echo "compile-once: src/validate/ must read templates from the model"
	status=1
fi
n=$(grep -c 'jsonata_compile[[:space:]]*(' validate/*.c | awk -F: '{ s += $2 } END { print s + 0 }')
if [ "$n" -gt 1 ]; then
	grep -n 'jsonata_compile[[:space:]]*(' validate/*.c
	echo "compile-once: src/validate/ compiles JSONata only outside the model's fields"
	status=1
fi
if sed -n '/^void v_template/,/^}/p' validate/validate_exprs.c | grep -n 'v_expr_check\|_compile'; then
	echo "compile-once: v_template must not compile template members"
	status=1
fi
[ $status -eq 0 ] && echo "compile-once: ok (src/run/ calls no compiler; src/validate/ reads the model's templates)"
exit $status
