#!/bin/sh
# site_bench.sh - stepbook build against Hugo on the same synthetic course.
# Generates a 200-page course (each page: a table, three code blocks and a
# link to its own saved step with one 15-state machine, drawn inline; the
# page deploys the step, starts an execution and records its output, and
# the course passes its own check: every build runs those 200 executions),
# then builds it with stepbook (markdown, highlighting, 200 diagrams, 200
# step pages, search index, the check's marks) and with Hugo (the same
# markdown, a minimal layout),
# and prints wall time, CPU time and peak RSS side by side with the ratios.
# Every machine has the same definition (as cumulative saved steps often
# do): stepbook lays it out once.  DISTINCT=1 makes each machine differ (a
# Wait of N seconds), so every one of the 200 diagrams is laid out.
# Usage: [RUNS=5] [DISTINCT=1] sh bench/site_bench.sh [PAGES]   (from the repository root)
set -eu
PAGES=${1:-200}
ROOT=$(pwd)
WORK=$ROOT/bench/work/site
STEPBOOK=${STEPBOOK:-$ROOT/stepbook}

# The peer, Debian's hugo, is installed when missing; without it stepbook's
# figures are printed alone, with no ratio.
HUGO="hugo --quiet -s $WORK/hugo -d $WORK/hugo-site"
sh tests/install-missing.sh hugo hugo || HUGO=
WAIT=5
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
          Validate: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:validate", Next: Route, ResultPath: "\$.validation",
            Retry: [{ErrorEquals: [States.TaskFailed], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2}],
            Catch: [{ErrorEquals: [States.ALL], Next: Failed}]}
          Route:
            Type: Choice
            Choices:
              - {Variable: "\$.kind", StringEquals: "express", Next: Express}
              - {Variable: "\$.amount", NumericGreaterThan: 100, Next: Review}
            Default: Standard
          Express: {Type: Pass, Next: Charge}
          Review: {Type: Task, Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", HeartbeatSeconds: 60, Next: Approved,
            Parameters: {QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/review", MessageBody: {"token.\$": "\$\$.Task.Token"}}}
          Approved: {Type: Choice, Choices: [{Variable: "\$.ok", BooleanEquals: true, Next: Charge}], Default: Rejected}
          Standard: {Type: Wait, Seconds: $WAIT, Next: Charge}
          Charge: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:charge", Next: Fanout, ResultPath: "\$.charge",
            Catch: [{ErrorEquals: [CardDeclined], Next: Failed}]}
          Fanout:
            Type: Parallel
            Next: Notify
            ResultPath: "\$.fanout"
            Branches:
              - {StartAt: Email, States: {Email: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:email", End: true}}}
              - {StartAt: Audit, States: {Audit: {Type: Pass, End: true}}}
          Notify: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:notify", ResultPath: null, Next: Archive}
          Archive: {Type: Task, Resource: "arn:aws:lambda:eu-west-1:123456789012:function:archive", ResultPath: null, Next: Done}
          Rejected: {Type: Fail, Error: Rejected, Cause: "Review said no"}
          Failed: {Type: Fail, Error: Failed}
          Done: {Type: Succeed}
YAML
}

page() { # $1 = page number (three digits), $2 = the same number
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
sls deploy
sls invoke stepf --name Machine$1 --data '{"kind": "express", "amount": $2}'
\`\`\`

\`\`\`json
{"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:Machine$1StepFunctionsStateMachine-ABCDEFGHIJKL:0f6b9c3e-5d2a-4c1b-9e8f-7a6b5c4d3e2f",
 "stateMachineArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:Machine$1StepFunctionsStateMachine-ABCDEFGHIJKL",
 "name": "0f6b9c3e-5d2a-4c1b-9e8f-7a6b5c4d3e2f", "status": "SUCCEEDED",
 "startDate": "2024-05-01T10:00:00.000Z", "stopDate": "2024-05-01T10:00:01.000Z",
 "input": "{\\"kind\\":\\"express\\",\\"amount\\":$2}",
 "output": "{\\"kind\\":\\"express\\",\\"amount\\":$2,\\"validation\\":{\\"ok\\":true},\\"charge\\":{\\"charged\\":true},\\"fanout\\":[{\\"sent\\":true},{\\"kind\\":\\"express\\",\\"amount\\":$2,\\"validation\\":{\\"ok\\":true},\\"charge\\":{\\"charged\\":true}}]}"}
\`\`\`
MD
}

printf 'title: "Benchmark course"\nregion: eu-west-1\nmocks:\n  validate: {return: {ok: true}}\n  charge: {return: {charged: true}}\n  email: {return: {sent: true}}\n  notify: {return: {}}\n  archive: {return: {}}\n' > "$WORK/course/stepbook.yml"
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
	page "$n" "$i" > "$WORK/course/chapter-$n.md"
	[ "${DISTINCT:-0}" = 1 ] && WAIT=$i
	machine "$n" > "$WORK/course/saved-steps/step-$n.yml"
	printf '  - [Chapter %s](chapter-%s.md)\n' "$n" "$n" >> "$WORK/course/SUMMARY.md"
	{ printf -- '---\ntitle: "Chapter %s"\n---\n' "$n"; page "$n" "$i"; } > "$WORK/hugo/content/chapter-$n.md"
	i=$((i + 1))
done

# ---- the race ---------------------------------------------------------------
# The two builds run in turn, RUNS times each (both see the same load on a
# shared machine).  Per tool: the best wall time; the CPU time (user +
# system, all its processes and threads) and the peak RSS (its largest
# process, ru_maxrss) of that run; then stepbook / hugo.
RUNS=${RUNS:-5}
python3 - "$RUNS" "$PAGES" \
	"$STEPBOOK build $WORK/course -o $WORK/stepbook-site --quiet" \
	$HUGO <<'PY'
import os, subprocess, sys, tempfile, time
runs, pages = int(sys.argv[1]), sys.argv[2]
cmds = [sys.argv[3]] + ([" ".join(sys.argv[4:])] if len(sys.argv) > 4 else [])
names = ["stepbook", "hugo"]
what = [f"{pages} pages + {pages} step pages, {pages} diagrams, highlighting, search index",
        f"{pages} pages, same markdown, minimal layout, no diagrams"]
best = [None] * len(cmds)
for _ in range(runs):
    for k, cmd in enumerate(cmds):
        with tempfile.TemporaryFile() as err:
            t = time.perf_counter()
            p = subprocess.Popen(cmd.split(), stdout=subprocess.DEVNULL, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t
            if status:
                err.seek(0)
                sys.stderr.write(err.read().decode())
                sys.exit(f"{names[k]} failed")
        run = (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024)
        if best[k] is None or run[0] < best[k][0]:
            best[k] = run
print(f"{'tool':<10} {'wall(s)':>8} {'cpu(s)':>8} {'RSS(MiB)':>9}  what (best of {runs})")
for k in range(len(cmds)):
    w, c, r = best[k]
    print(f"{names[k]:<10} {w:8.3f} {c:8.3f} {r:9.1f}  {what[k]}")
if len(cmds) < 2:
    print("hugo is not available: no ratio")
    sys.exit(0)
(sw, sc, sr), (hw, hc, hr) = best
print(f"{'ratio':<10} {sw / hw:8.2f} {sc / hc:8.2f} {sr / hr:9.2f}  stepbook / hugo (target: wall <= 0.80, RSS < 100 MiB)")
PY
