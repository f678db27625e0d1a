// serve.test.mjs - `stepbook serve` in a real browser: a page open in
// headless Chromium reloads by itself when its chapter is edited, a broken
// edit shows the located error over the page (the last good page stays),
// and fixing it reloads again; a saved step whose Next names no state
// builds, and the page lists the failing check case over itself until
// closed.  Works on a copy of the course.
// Usage: node serve.test.mjs STEPBOOK COURSE_DIR
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [stepbook, course] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "stepbook-serve-"));
const copy = join(work, "course");
cpSync(course, copy, { recursive: true });
const chapter = join(copy, "101", "01-wait.md");
const original = readFileSync(chapter, "utf8");
const step = join(copy, "101", "saved-steps", "01-wait.yml");
const originalStep = readFileSync(step, "utf8");

const failures = [];
const fail = (m) => failures.push(m);
const server = spawn(stepbook, ["serve", copy, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
let out = "";
server.stdout.on("data", (d) => (out += d));
server.stderr.on("data", (d) => (out += d));
const url = await new Promise((done, reject) => {
  const timer = setTimeout(() => reject(new Error(`no address from stepbook serve: ${out}`)), 20000);
  const look = () => {
    const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) { clearTimeout(timer); done(m[0]); } else setTimeout(look, 50);
  };
  look();
});

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage();
page.on("pageerror", (e) => fail(`page error: ${e.message}`));
try {
  await page.goto(url + "101/01-wait.html");
  await page.evaluate(() => { window.notReloaded = true; });

  // An edit: the open page reloads and shows it.
  writeFileSync(chapter, original.replace("# A machine that waits", "# A machine that waits, live"));
  await page.waitForFunction(() => !window.notReloaded && /live/.test(document.querySelector("h1").textContent),
    null, { timeout: 10000 }).catch(() => fail("the page did not reload with the edited title"));

  // A broken edit: the report over the page, located; the page stays.
  await page.evaluate(() => { window.notReloaded = true; });
  writeFileSync(chapter, original + "\nSee [the secret](../../../etc/passwd).\n");
  const overlay = page.locator('[role="alert"] pre');
  await overlay.waitFor({ timeout: 10000 }).catch(() => fail("no error shown over the page"));
  const report = (await overlay.count()) ? await overlay.textContent() : "";
  if (!/01-wait\.md:\d+:\d+: error: /.test(report)) fail(`the error is not located: ${report}`);
  if (!(await page.evaluate(() => window.notReloaded))) fail("a failed build reloaded the page");

  // The fix: the report goes, the page reloads with the good text.
  writeFileSync(chapter, original);
  await page.waitForFunction(() => !window.notReloaded && !document.querySelector('[role="alert"]'),
    null, { timeout: 10000 }).catch(() => fail("the page did not recover after the fix"));

  // A broken Next in a saved step: the site builds, the page reloads and
  // lists the failing check case, located at the Next, over itself.
  await page.evaluate(() => { window.notReloaded = true; });
  writeFileSync(step, originalStep.replace("Next: PauseFromInput", "Next: PauseFromInptu"));
  const want = "101/saved-steps/01-wait.yml:28:19: error: the saved step is not valid ASL: " +
    "Next of state 'ShortPause' names no state: 'PauseFromInptu' [check/saved-step]";
  await page.waitForFunction((w) => {
    const pre = document.querySelector('[role="alert"] pre');
    return !window.notReloaded && pre && pre.textContent.includes(w);
  }, want, { timeout: 10000 }).catch(() => fail("the failing check case is not shown over the page"));
  const heading = (await page.locator('[role="alert"] h2').count())
    ? await page.locator('[role="alert"] h2').textContent() : "";
  if (!/^The check failed/.test(heading)) fail(`the overlay's heading: ${heading}`);
  await page.locator('[role="alert"] button').click().catch(() => fail("no Close button"));
  if (await page.locator('[role="alert"]').count()) fail("Close left the overlay");

  // The fix: the page reloads without it.
  await page.evaluate(() => { window.notReloaded = true; });
  writeFileSync(step, originalStep);
  await page.waitForFunction(() => !window.notReloaded && !document.querySelector('[role="alert"]'),
    null, { timeout: 10000 }).catch(() => fail("the page did not reload after the step was mended"));
} finally {
  await browser.close();
  server.kill("SIGINT");
  rmSync(work, { recursive: true, force: true });
}
for (const f of failures) console.error(`serve: ${f}`);
console.log(`serve: live reload, error overlay, recovery and failing check cases: ${failures.length} failure(s)`);
process.exit(failures.length ? 1 : 0);
