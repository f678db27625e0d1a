#!/bin/sh
# serve_bench.sh - `stepbook serve`: how long a one-page rebuild takes.
# Generates a course of PAGES chapters (each with a table, code blocks and
# an inline diagram of its own saved step), starts `stepbook serve` on a
# free port, then edits one chapter ROUNDS times and one saved step ROUNDS
# times.  For each edit it reads the rebuild time the server reports
# (change detection + site_rebuild_paths + writing, "rebuilt N files in X
# ms") and the wall time until the new text is served over HTTP (that one
# also waits for the next poll, every 300 ms).  Target: a one-page rebuild
# under 100 ms.
# Usage: sh bench/serve_bench.sh [PAGES] [ROUNDS]   (from the repository root)
set -eu
PAGES=${1:-200}
ROUNDS=${2:-10}
ROOT=$(pwd)
WORK=$ROOT/bench/work/serve
STEPBOOK=${STEPBOOK:-$ROOT/stepbook}
TARGET_MS=100

rm -rf "$WORK"
mkdir -p "$WORK/course/saved-steps"
printf 'title: "Serve benchmark"\n' > "$WORK/course/stepbook.yml"
printf '# Summary\n\n- [Benchmark](README.md)\n' > "$WORK/course/SUMMARY.md"
printf '# Benchmark\n\n%s chapters.\n' "$PAGES" > "$WORK/course/README.md"
i=1
while [ "$i" -le "$PAGES" ]; do
	n=$(printf '%03d' "$i")
	cat > "$WORK/course/saved-steps/step-$n.yml" <<YAML
service: bench$n
provider:
  name: aws
stepFunctions:
  stateMachines:
    Machine$n:
      definition:
        StartAt: Validate
        States:
          Validate: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:v", Next: Route,
            Retry: [{ErrorEquals: [States.TaskFailed], MaxAttempts: 3}]}
          Route:
            Type: Choice
            Choices:
              - {Variable: "\$.kind", StringEquals: "express", Next: Express}
            Default: Standard
          Express: {Type: Pass, Next: Done}
          Standard: {Type: Wait, Seconds: 5, Next: Done}
          Done: {Type: Succeed}
YAML
	cat > "$WORK/course/chapter-$n.md" <<MD
# Chapter $n

A chapter with a [saved step](saved-steps/step-$n.yml).

| Field | Meaning |
|---|---|
| \`MaxAttempts\` | retries |

![Diagram](saved-steps/step-$n.yml#Machine$n)

\`\`\`json
{"n": $n, "ok": true}
\`\`\`
MD
	printf '  - [Chapter %s](chapter-%s.md)\n' "$n" "$n" >> "$WORK/course/SUMMARY.md"
	i=$((i + 1))
done

LOG=$WORK/serve.log
"$STEPBOOK" serve "$WORK/course" --port 0 -o "$WORK/site" > "$WORK/serve.out" 2> "$LOG" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT INT TERM
tries=0
until grep -q 'http://127.0.0.1:' "$WORK/serve.out" 2>/dev/null; do
	tries=$((tries + 1))
	[ "$tries" -lt 600 ] || { echo "serve did not start"; cat "$LOG"; exit 1; }
	sleep 0.1
done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.out")

now_ms() { date +%s%3N; }

# Edits file $1 (appending marker $2) and waits until URL $3 serves it.
# Prints "rebuild_ms wall_ms".
round() {
	before=$(grep -c '^rebuilt' "$LOG" || true)
	t0=$(now_ms)
	printf '\n%s\n' "$2" >> "$1"
	tries=0
	until curl -fs "http://127.0.0.1:$PORT/$3" | grep -q "$2"; do
		tries=$((tries + 1))
		[ "$tries" -lt 500 ] || { echo "no rebuild seen for $1" >&2; exit 1; }
		sleep 0.01
	done
	t1=$(now_ms)
	tries=0
	until [ "$(grep -c '^rebuilt' "$LOG" || true)" -gt "$before" ]; do
		tries=$((tries + 1))
		[ "$tries" -lt 500 ] || { echo "no rebuild line for $1" >&2; exit 1; }
		sleep 0.01
	done
	ms=$(grep '^rebuilt' "$LOG" | tail -1 | sed 's/.* in \([0-9.]*\) ms/\1/')
	echo "$ms $((t1 - t0))"
}

# Median and max of column $1 of the lines on stdin.
stats() {
	sort -n -k"$1" | awk -v c="$1" '{ v[NR] = $c } END { printf "%s %s", v[int((NR + 1) / 2)], v[NR] }'
}

: > "$WORK/page.txt"
: > "$WORK/step.txt"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	n=$(printf '%03d' $(( (r * 37) % PAGES + 1 )))
	round "$WORK/course/chapter-$n.md" "PAGE-EDIT-$r" "chapter-$n.html" >> "$WORK/page.txt"
	round "$WORK/course/saved-steps/step-$n.yml" "# STEP-EDIT-$r" \
		"saved-steps/step-$n.yml.html" >> "$WORK/step.txt"
	r=$((r + 1))
done

p=$(stats 1 < "$WORK/page.txt"); pw=$(stats 2 < "$WORK/page.txt")
s=$(stats 1 < "$WORK/step.txt"); sw=$(stats 2 < "$WORK/step.txt")
printf '%-34s %10s %8s  %s\n' "serve, $PAGES-page course" "median(ms)" "max(ms)" "what"
printf '%-34s %10s %8s  %s\n' "one-page rebuild" ${p% *} ${p#* } "a chapter edited: that page + search index (target < $TARGET_MS ms)"
printf '%-34s %10s %8s  %s\n' "saved-step rebuild" ${s% *} ${s#* } "a step edited: its page, the next step's, the chapter drawing it (Graphviz)"
printf '%-34s %10s %8s  %s\n' "edit -> served (page, wall)" ${pw% *} ${pw#* } "includes waiting for the next poll (every 300 ms)"
printf '%-34s %10s %8s  %s\n' "edit -> served (step, wall)" ${sw% *} ${sw#* } "same, for the saved step"
max=${p#* }
if awk -v m="$max" -v t="$TARGET_MS" 'BEGIN { exit !(m < t) }'; then
	echo "one-page rebuild: under the $TARGET_MS ms target"
else
	echo "one-page rebuild: OVER the $TARGET_MS ms target"
	exit 1
fi
