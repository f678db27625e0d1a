#!/bin/sh
# site_bench.sh - stepbook build against Hugo on the same synthetic course.
# Generates a 200-page course (each page: a table, three code blocks and a
# link to its own saved step with one 15-state machine, drawn inline), then
# builds it with stepbook (markdown, highlighting, 200 diagrams, 200 step
# pages, search index) and with Hugo (the same markdown, a minimal layout),
# and prints wall time and peak RSS side by side.
# Usage: sh bench/site_bench.sh [PAGES]   (from the repository root)
set -eu
PAGES=${1:-200}
ROOT=$(pwd)
WORK=$ROOT/bench/work/site
STEPBOOK=${STEPBOOK:-$ROOT/stepbook}

if ! command -v hugo >/dev/null 2>&1; then
	SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get install -y -qq hugo >/dev/null
fi
rm -rf "$WORK"
mkdir -p "$WORK/course/saved-steps" "$WORK/hugo/content" "$WORK/hugo/layouts/_default"

# ---- the synthetic course -------------------------------------------------
machine() { # $1 = page number: a 15-state machine with a Choice, a Parallel, Retry and Catch
	cat <<YAML
service: bench$1
provider:
  name: aws
stepFunctions:
  stateMachines:
    Machine$1:
      definition:
        StartAt: Validate
        States:
          Validate: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:validate", Next: Route,
            Retry: [{ErrorEquals: [States.TaskFailed], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2}],
            Catch: [{ErrorEquals: [States.ALL], Next: Failed}]}
          Route:
            Type: Choice
            Choices:
              - {Variable: "\$.kind", StringEquals: "express", Next: Express}
              - {Variable: "\$.amount", NumericGreaterThan: 100, Next: Review}
            Default: Standard
          Express: {Type: Pass, Next: Charge}
          Review: {Type: Task, Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", HeartbeatSeconds: 60, Next: Approved}
          Approved: {Type: Choice, Choices: [{Variable: "\$.ok", BooleanEquals: true, Next: Charge}], Default: Rejected}
          Standard: {Type: Wait, Seconds: 5, Next: Charge}
          Charge: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:charge", Next: Fanout,
            Catch: [{ErrorEquals: [CardDeclined], Next: Failed}]}
          Fanout:
            Type: Parallel
            Next: Notify
            Branches:
              - {StartAt: Email, States: {Email: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:email", End: true}}}
              - {StartAt: Audit, States: {Audit: {Type: Pass, End: true}}}
          Notify: {Type: Task, Resource: "arn:aws:states:::sns:publish", Next: Archive}
          Archive: {Type: Task, Resource: "arn:aws:states:::dynamodb:putItem", Next: Done}
          Rejected: {Type: Fail, Error: Rejected, Cause: "Review said no"}
          Failed: {Type: Fail, Error: Failed}
          Done: {Type: Succeed}
YAML
}

page() { # $1 = page number
	cat <<MD
# Chapter $1: orders, step $1

This chapter adds step $1 to the order machine. It explains retries, choices and
parallel branches with a **worked example** and a [saved step](saved-steps/step-$1.yml).

## The fields

| Field | Meaning | Default |
|---|---|---|
| \`IntervalSeconds\` | wait before the first retry | 1 |
| \`MaxAttempts\` | retries after the first attempt | 3 |
| \`BackoffRate\` | multiplier between retries | 2.0 |

## The machine

![Diagram of Machine$1](saved-steps/step-$1.yml#Machine$1)

\`\`\`yaml
Validate:
  Type: Task
  Resource: arn:aws:lambda:eu-west-1:123456789012:function:validate
  Retry:
    - ErrorEquals: [States.TaskFailed]
      IntervalSeconds: 2   # first wait
      MaxAttempts: 3
\`\`\`

## Run it

\`\`\`bash
sls invoke stepf --name Machine$1 --data '{"kind": "express", "amount": $1}'
\`\`\`

\`\`\`json
{"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:Machine$1:run-$1", "status": "SUCCEEDED", "n": $1}
\`\`\`
MD
}

printf 'title: "Benchmark course"\n' > "$WORK/course/stepbook.yml"
printf '# Summary\n\n- [Benchmark](README.md)\n' > "$WORK/course/SUMMARY.md"
printf '# Benchmark\n\n%s synthetic chapters.\n' "$PAGES" > "$WORK/course/README.md"
printf 'baseURL = "http://example.org/"\ntitle = "Benchmark course"\ndisableKinds = ["taxonomy", "term", "RSS"]\n[markup.goldmark.renderer]\nunsafe = false\n[markup.highlight]\nnoClasses = false\n' > "$WORK/hugo/hugo.toml"
cat > "$WORK/hugo/layouts/_default/single.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><nav>{{ range .Site.RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ .TableOfContents }}{{ .Content }}</main></body></html>
HTML
cp "$WORK/hugo/layouts/_default/single.html" "$WORK/hugo/layouts/_default/list.html"
i=1
while [ "$i" -le "$PAGES" ]; do
	n=$(printf '%03d' "$i")
	page "$n" > "$WORK/course/chapter-$n.md"
	machine "$n" > "$WORK/course/saved-steps/step-$n.yml"
	printf '  - [Chapter %s](chapter-%s.md)\n' "$n" "$n" >> "$WORK/course/SUMMARY.md"
	{ printf -- '---\ntitle: "Chapter %s"\n---\n' "$n"; page "$n"; } > "$WORK/hugo/content/chapter-$n.md"
	i=$((i + 1))
done

# ---- the race ---------------------------------------------------------------
# Wall time and peak RSS of a command, best of 3 runs.
measure() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
best = None
for _ in range(3):
    t = time.perf_counter()
    r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if r.returncode:
        sys.stderr.write(r.stderr.decode()); sys.exit(r.returncode)
    best = dt if best is None else min(best, dt)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{best:.3f} {rss:.1f}")
PY
}
sb=$(measure "$STEPBOOK" build "$WORK/course" -o "$WORK/stepbook-site" --quiet)
hg=$(measure hugo --quiet -s "$WORK/hugo" -d "$WORK/hugo-site")
printf '%-10s %8s %10s  %s\n' tool "time(s)" "RSS(MiB)" "what"
printf '%-10s %8s %10s  %s\n' stepbook ${sb% *} ${sb#* } "$PAGES pages + $PAGES step pages, $PAGES diagrams (Graphviz), highlighting, search index"
printf '%-10s %8s %10s  %s\n' hugo ${hg% *} ${hg#* } "$PAGES pages, same markdown, minimal layout, no diagrams"
