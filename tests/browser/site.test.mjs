// site.test.mjs - opens every page of a built stepbook site in headless
// Chromium (from Debian's chromium package) over file://, the hardest place
// for a static site to work.  Fails on any console error, broken link,
// missing image or anchor; checks search, the dark toggle and diagrams;
// saves screenshots.  Usage: node site.test.mjs SITE_DIR [SCREENSHOT_DIR]
import { chromium } from "playwright-core";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const site = resolve(process.argv[2] || "site");
const shots = resolve(process.argv[3] || join(dirname(fileURLToPath(import.meta.url)), "screenshots"));
const failures = [];
const fail = (msg) => { failures.push(msg); console.error("FAIL " + msg); };

function htmlFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return htmlFiles(p);
    return name.endsWith(".html") ? [p] : [];
  });
}

const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const ids = new Set();
    for (const m of readFileSync(file, "utf8").matchAll(/\sid="([^"]*)"/g)) ids.add(m[1]);
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

function checkTarget(from, href) {
  const url = new URL(href, pathToFileURL(from));
  if (url.protocol !== "file:") return; // external links are the author's
  const file = fileURLToPath(url);
  if (!file.startsWith(site)) return fail(`${relative(site, from)}: link leaves the site: ${href}`);
  if (!existsSync(file)) return fail(`${relative(site, from)}: broken link ${href}`);
  const hash = decodeURIComponent(url.hash.slice(1));
  if (hash && file.endsWith(".html") && !idsOf(file).has(hash))
    fail(`${relative(site, from)}: missing anchor ${href}`);
}

const started = Date.now();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
// The site must not need the network: anything but file:// is refused.
await context.route(/^(?!file:).*/, (route) => { fail(`network request: ${route.request().url()}`); route.abort(); });
const page = await context.newPage();
let current = "";
page.on("console", (m) => { if (m.type() === "error") fail(`${current}: console error: ${m.text()}`); });
page.on("pageerror", (e) => fail(`${current}: page error: ${e.message}`));

const pages = htmlFiles(site);
if (pages.length < 2) fail(`only ${pages.length} pages in ${site}`);
let diagrams = 0;
for (const file of pages) {
  current = relative(site, file);
  await page.goto(pathToFileURL(file).href);
  const { links, images } = await page.evaluate(() => ({
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
    images: [...document.querySelectorAll("img")].map((i) => ({ src: i.getAttribute("src"), ok: i.complete && i.naturalWidth > 0, alt: i.getAttribute("alt") })),
  }));
  for (const href of links) checkTarget(file, href);
  for (const img of images) {
    if (!img.ok) fail(`${current}: missing image ${img.src}`);
    if (!img.alt) fail(`${current}: image without alt text ${img.src}`);
  }
  const svgs = page.locator(".diagram svg");
  const n = await svgs.count();
  for (let i = 0; i < n; i++) {
    const svg = svgs.nth(i);
    const box = await svg.boundingBox();
    if (!box || box.width < 20 || box.height < 20) fail(`${current}: diagram ${i} is not visible`);
    const label = await svg.getAttribute("aria-label");
    if (!label || !/state/i.test(label)) fail(`${current}: diagram ${i} has no text alternative`);
  }
  diagrams += n;
  for (const sel of ["header", "nav", "main", "a.skip"])
    if (!(await page.locator(sel).count())) fail(`${current}: no ${sel}`);
}
if (!diagrams) fail("no diagram on any page");

// What check made of the course: marks on code blocks, none failing (the
// bundled course passes), and an example's path drawn with its states lit.
let marked = 0, runs = 0;
for (const f of pages) {
  const html = readFileSync(f, "utf8");
  marked += (html.match(/data-check="passed"/g) || []).length;
  runs += (html.match(/class="diagram diagram-run"/g) || []).length;
  if (/data-check="failed"/.test(html)) fail(`${relative(site, f)}: a code block fails its check`);
}
if (marked < 50) fail(`only ${marked} code blocks marked as checked`);
if (!runs) fail("no diagram of an example's path");
const runPage = pages.find((f) => /class="diagram diagram-run"/.test(readFileSync(f, "utf8")));
if (runPage) {
  current = relative(site, runPage);
  await page.goto(pathToFileURL(runPage).href);
  const lit = page.locator(".diagram-run svg .run-succeeded");
  if ((await lit.count()) < 2) fail(`${current}: the example's path is not highlighted`);
  const mark = page.locator('[data-check="passed"] > .code-check').first();
  if (!(await mark.isVisible())) fail(`${current}: the check mark of a code block is not visible`);
}

// Search: the index loads from file:// and finds "heartbeat".
current = "index.html";
await page.goto(pathToFileURL(join(site, "index.html")).href);
await page.fill("#search-input", "heartbeat");
const hits = page.locator("#search-results a");
await hits.first().waitFor({ timeout: 5000 }).catch(() => {});
if (!(await hits.count())) fail("search finds nothing for 'heartbeat'");
else {
  const text = await hits.first().innerText();
  if (!/heartbeat/i.test(text)) fail(`first search result does not mention heartbeat: ${text}`);
  const href = await hits.first().getAttribute("href");
  checkTarget(join(site, "index.html"), href);
}
await page.keyboard.press("Escape");

// Search ranking on the bundled course: titles and headings first, one hit
// per section, the saved steps that repeat a line merged into one hit,
// snippets without table pipes, "more results".
async function results(q) {
  await page.fill("#search-input", "");
  await page.fill("#search-input", q);
  await page.locator("#search-results a").first().waitFor({ timeout: 5000 }).catch(() => {});
  return page.locator("#search-results a").evaluateAll((as) => as.map((a) => ({
    href: a.getAttribute("href"), page: a.querySelector(".r-page").textContent,
    section: (a.querySelector(".r-section") || { textContent: "" }).textContent.replace(/^ › /, ""),
    snippet: a.querySelector(".r-snippet").textContent,
    also: (a.querySelector(".r-also") || { textContent: "" }).textContent })));
}
let r = await results("retries");
if (!r.length || r[0].page !== "Retrying a flaky task" || r[0].section)
  fail(`search 'retries': first hit is ${JSON.stringify(r[0])}, not the page on retrying`);
if (r.slice(0, 3).some((h) => h.section === "Deploy")) fail("search 'retries': 'Deploy' ranks in the first three");
if (!r.slice(0, 4).some((h) => h.section === "Retrying well")) fail("search 'retries': the heading 'Retrying well' is not in the first four");
if (new Set(r.map((h) => h.href)).size !== r.length) fail("search 'retries': a section shows twice");
if (r.length > 10) fail(`search 'retries': ${r.length} hits shown before "more results"`);
await page.screenshot({ path: join(shots, "search-retries.png") });
r = await results("heartbeat");
const texts = r.map((h) => h.page + "\n" + h.section + "\n" + h.snippet);
if (new Set(texts).size !== texts.length) fail("search 'heartbeat': identical hits");
if (!r.some((h) => /\.yml$/.test(h.page) && /also in/.test(h.also)))
  fail("search 'heartbeat': the saved steps repeating the line are not merged");
if (r.some((h) => /\|\s*---|\| \|/.test(h.snippet))) fail("search: a snippet shows table pipes");
await page.screenshot({ path: join(shots, "search-heartbeat.png") });
r = await results("state");
const more = page.locator("#search-results .r-more");
if (!(await more.count())) fail("search 'state': no 'more results' button");
else {
  const before = r.length;
  await more.click();
  const after = await page.locator("#search-results a").count();
  if (after <= before) fail(`search 'state': 'more results' showed ${after} hits (had ${before})`);
}
await page.keyboard.press("Escape");

// Dark toggle: flips the theme, changes the colours, survives a reload.
const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const before = await bg();
await page.click(".theme-toggle");
const theme = await page.evaluate(() => document.documentElement.dataset.theme);
const after = await bg();
if (!theme || before === after) fail(`dark toggle: theme=${theme} background ${before} -> ${after}`);
await page.reload();
if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) fail("theme not kept after reload");

// Screenshots: a chapter with diagrams, a saved step, the home page (dark),
// and the chapter on a phone.
mkdirSync(shots, { recursive: true });
const withDiagram = [];
for (const f of pages) if (/class="diagram"/.test(readFileSync(f, "utf8"))) withDiagram.push(f);
const chapter = withDiagram.find((f) => !f.endsWith(".yml.html") && !f.endsWith(".json.html")) || pages[0];
// The last saved step: it has a diff against the one before.
const step = withDiagram.filter((f) => f.endsWith(".yml.html")).pop() || pages[1];
await page.evaluate(() => localStorage.removeItem("stepbook-theme"));
await context.clearCookies();
const light = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: "light" });
const p2 = await light.newPage();
p2.on("pageerror", (e) => fail(`screenshot page error: ${e.message}`));
await p2.goto(pathToFileURL(chapter).href);
await p2.locator(".diagram").first().scrollIntoViewIfNeeded().catch(() => {});
await p2.screenshot({ path: join(shots, "chapter.png") });
await p2.goto(pathToFileURL(step).href);
await p2.screenshot({ path: join(shots, "step.png"), fullPage: true });
const dark = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: "dark" });
const p3 = await dark.newPage();
await p3.goto(pathToFileURL(join(site, "index.html")).href);
await p3.screenshot({ path: join(shots, "home-dark.png") });
await p3.goto(pathToFileURL(step).href);
await p3.locator(".diagram").first().scrollIntoViewIfNeeded().catch(() => {});
await p3.screenshot({ path: join(shots, "step-dark.png") });
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
const p4 = await phone.newPage();
await p4.goto(pathToFileURL(chapter).href);
await p4.screenshot({ path: join(shots, "chapter-phone.png") });
await p4.click(".nav-toggle");
await p4.screenshot({ path: join(shots, "chapter-phone-menu.png") });
const overflow = await p4.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
if (overflow > 2) fail(`phone: page is ${overflow}px wider than the screen`);

await browser.close();
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`browser: ${pages.length} pages, ${diagrams} diagrams, ${failures.length} failure(s), ${secs}s; screenshots in ${shots}`);
process.exit(failures.length ? 1 : 0);
