// fixture.test.mjs - the site fixture (tests/cases/site/course) built and
// opened in headless Chromium over file://: GitHub alerts as callouts in
// the light and the dark theme, a diagram with long names (wrapped, whole,
// hover texts with the full names), the pager of saved-step pages, no
// pager on 404.html.  Saves screenshots.
// Usage: node fixture.test.mjs SITE_DIR [SCREENSHOT_DIR]
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const site = resolve(process.argv[2] || "build/browser-fixture");
const shots = resolve(process.argv[3] || join(dirname(fileURLToPath(import.meta.url)), "screenshots"));
const failures = [];
const fail = (msg) => { failures.push(msg); console.error("FAIL " + msg); };
const url = (rel) => pathToFileURL(join(site, rel)).href;
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});

// ---- alerts, light and dark --------------------------------------------------
const colours = {};
for (const scheme of ["light", "dark"]) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 }, colorScheme: scheme });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => fail(`01-first (${scheme}): page error: ${e.message}`));
  await page.goto(url("part/01-first.html"));
  const note = page.locator(".admonition-note");
  const warning = page.locator(".admonition-warning");
  if (!(await note.isVisible())) fail(`${scheme}: the NOTE alert is not shown`);
  if (!(await warning.isVisible())) fail(`${scheme}: the WARNING alert is not shown`);
  const title = await note.locator(".admonition-title").innerText();
  if (title.trim() !== "Note") fail(`${scheme}: NOTE alert titled '${title}'`);
  if (/\[!NOTE\]/.test(await page.locator("article").innerText())) fail(`${scheme}: [!NOTE] shows literally`);
  if ((await page.locator("blockquote", { hasText: "[!tip] not an alert" }).count()) !== 1)
    fail(`${scheme}: a quote with text after the marker is no longer a quote`);
  const c = await note.evaluate((el) => ({ border: getComputedStyle(el).borderLeftColor,
                                            bg: getComputedStyle(el).backgroundColor,
                                            warn: getComputedStyle(el.nextElementSibling).borderLeftColor }));
  if (c.border === c.warn) fail(`${scheme}: NOTE and WARNING have the same colour ${c.border}`);
  colours[scheme] = c;
  await note.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, `alerts-${scheme}.png`) });
  await ctx.close();
}
if (colours.light && colours.dark && colours.light.bg === colours.dark.bg)
  fail(`alerts: the same background in light and dark (${colours.light.bg})`);

// ---- a diagram with long names -------------------------------------------------
const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: "light" });
const page = await ctx.newPage();
page.on("pageerror", (e) => fail(`page error: ${e.message}`));
await page.goto(url("part/03-third.html"));
const svg = page.locator(".diagram svg").first();
const texts = await svg.locator("text").allTextContents();
for (const line of ["Wait For Other Processes", "Out (first)", "Out (second)"])
  if (!texts.includes(line)) fail(`long names: no label line '${line}' (lines: ${texts.join(" | ")})`);
if (texts.some((t) => t.endsWith("…") && /Wait For|Time/.test(t))) fail("long names: a state name is cut");
const titles = await svg.locator("g > title").allTextContents();
if (titles.some((t) => t.startsWith("~") || /->/.test(t))) fail(`hover: Graphviz names in titles: ${titles.filter((t) => /^~|->/.test(t)).join(", ")}`);
const second = titles.find((t) => t.startsWith("Wait For Other Processes to Complete or For Time Out (second)\n"));
if (!second) fail("hover: no full-name title for the second long state");
else if (!/\nWait 5 s/.test(second)) fail(`hover: the title has no detail: ${JSON.stringify(second)}`);
if (!titles.some((t) => t.includes("States.HeartbeatTimeout, Lambda.TooManyRequestsException → Gave Up")
                       || t.includes("→ Gave Up on States.HeartbeatTimeout, Lambda.TooManyRequestsException")))
  fail("hover: the Catch edge does not list its errors");
// a Fail inside a branch does not flow into the join bar
if (titles.some((t) => t.startsWith("Orders Still Pending →"))) fail("a Fail in a branch has an edge out");
// the hover text is what the browser shows: the nearest <title> of the node
const node = svg.locator("g.node", { has: page.locator("text", { hasText: "Out (second)" }) });
const shown = await node.evaluate((g) => g.querySelector(":scope > title").textContent);
if (!shown.startsWith("Wait For Other Processes to Complete or For Time Out (second)"))
  fail(`hover over the node shows ${JSON.stringify(shown)}`);
await svg.scrollIntoViewIfNeeded();
await page.screenshot({ path: join(shots, "diagram-long-names.png") });

// ---- the pager of saved-step pages ---------------------------------------------
await page.goto(url("part/saved-steps/02-second.yml.html"));
const prev = page.locator(".pager a.prev"), next = page.locator(".pager a.next");
if ((await prev.getAttribute("href")) !== "01-first.yml.html") fail(`step pager: prev is ${await prev.getAttribute("href")}`);
if ((await next.getAttribute("href")) !== "03-third.asl.json.html") fail(`step pager: next is ${await next.getAttribute("href")}`);
await next.scrollIntoViewIfNeeded();
await page.screenshot({ path: join(shots, "step-pager.png") });
await next.click();
await page.waitForLoadState();
if (!page.url().endsWith("03-third.asl.json.html")) fail(`step pager: next led to ${page.url()}`);
if (await page.locator(".pager a.next").count()) fail("step pager: the last step has a next link");
if (!(await page.locator("text=This is the first saved step").count()))
  fail("step diff: the JSON step is compared with a YAML one");

// ---- no pager on 404.html ---------------------------------------------------------
await page.goto(url("404.html"));
if (await page.locator(".pager").count()) fail("404.html has a pager");

await browser.close();
console.log(`fixture browser test: ${failures.length} failure(s); screenshots in ${shots}`);
process.exit(failures.length ? 1 : 0);
