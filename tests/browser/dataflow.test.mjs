// dataflow.test.mjs - the data-flow panels of the site fixture
// (tests/cases/site/course) in headless Chromium over file://: example
// "one" of part/01-first.html (panels beside its path diagram) and example
// "ada" of part/03-third.html (panels after its input block, beside the
// path on the definition block it ran on).  Every state visited has a
// closed <details> whose stages are a definition list; one opens by click,
// "Open all" opens the rest; the panels print open; light and dark
// screenshots of an open panel.
// Usage: node dataflow.test.mjs SITE_DIR [SCREENSHOT_DIR]
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

// The states example "ada" visits (the fixture's ```java definition), and
// what its first state did: Parameters made the greeting, ResultPath put it
// under "message" beside the input.
const ADA_STATES = ["Greet", "Done"];

async function checkPanels(page, scheme, where, states) {
  const box = page.locator(".dataflow").first();
  if (!(await box.count())) { fail(`${where} (${scheme}): no .dataflow`); return null; }
  if (!(await box.locator("figure.diagram-run svg").count()))
    fail(`${where} (${scheme}): no path diagram beside the panels`);
  const panels = box.locator("details.df-state");
  const names = await panels.locator(".df-name").allTextContents();
  if (states && names.join(",") !== states.join(","))
    fail(`${where} (${scheme}): panels for ${names.join(",")}, not ${states.join(",")}`);
  const open = await panels.evaluateAll((ds) => ds.filter((d) => d.open).length);
  if (open) fail(`${where} (${scheme}): ${open} panel(s) open before any click`);
  const layout = await box.evaluate((el) => {
    const fig = el.querySelector("figure").getBoundingClientRect();
    const sec = el.querySelector(".dataflow-panels").getBoundingClientRect();
    return { side: sec.left >= fig.right - 1, figW: fig.width, secW: sec.width };
  });
  if (!layout.side) fail(`${where} (${scheme}): the panels are not beside the diagram at 1366 px`);
  return box;
}

for (const scheme of ["light", "dark"]) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: scheme });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => fail(`dataflow (${scheme}): page error: ${e.message}`));
  page.on("requestfailed", (r) => fail(`dataflow (${scheme}): request failed ${r.url()}`));

  // ---- beside an image titled input=one -------------------------------------
  await page.goto(url("part/01-first.html"));
  const beside = await checkPanels(page, scheme, "01-first", null);
  if (beside) {
    // a closed panel still says it can open: the marker is drawn, not colour
    const marker = await beside.locator("details.df-state > summary").first().evaluate((el) =>
      getComputedStyle(el, "::before").content);
    if (!/\u25B8|▸/.test(marker)) fail(`01-first (${scheme}): no open marker on a closed panel (${marker})`);
    await beside.scrollIntoViewIfNeeded();
    await beside.screenshot({ path: join(shots, `dataflow-beside-${scheme}.png`) });
  }

  // ---- after the input block of example ada --------------------------------
  await page.goto(url("part/03-third.html"));
  const box = await checkPanels(page, scheme, "03-third", ADA_STATES);
  if (box) {
    const first = box.locator("details.df-state").first();
    await first.locator("summary").click();
    if (!(await first.evaluate((d) => d.open))) fail(`ada (${scheme}): a click does not open the panel`);
    const terms = (await first.locator("dl.df-stages > dt").allTextContents()).map((t) => t.trim());
    for (const t of ["Input", "After Parameters", "Result", "After ResultPath $.message", "Output"])
      if (!terms.includes(t)) fail(`ada (${scheme}): no stage '${t}' (stages: ${terms.join(" | ")})`);
    const text = await first.locator("dl.df-stages").innerText();
    // the input is escaped text, never markup
    if (!text.includes("Ada <b>&amp;</b>")) fail(`ada (${scheme}): the input does not show as written`);
    if (await first.locator("dl b").count()) fail(`ada (${scheme}): input markup became HTML`);
    if (!text.includes("Hello Ada")) fail(`ada (${scheme}): the greeting is not in the panel`);
    const outcome = await first.locator(".df-outcome").innerText();
    if (outcome.trim().toLowerCase() !== "succeeded") fail(`ada (${scheme}): outcome '${outcome}'`);
    // the stage values differ from the page background: readable in both themes
    const c = await first.evaluate((d) => ({ panel: getComputedStyle(d).backgroundColor,
      pre: getComputedStyle(d.querySelector("dd pre")).backgroundColor,
      fg: getComputedStyle(d.querySelector("dd pre")).color,
      page: getComputedStyle(document.body).backgroundColor }));
    if (c.fg === c.pre) fail(`ada (${scheme}): stage text and background are both ${c.fg}`);
    await box.scrollIntoViewIfNeeded();
    await box.screenshot({ path: join(shots, `dataflow-${scheme}.png`) });

    const toggle = box.locator(".df-toggle");
    if (!(await toggle.isVisible())) fail(`ada (${scheme}): no Open all button`);
    else {
      await toggle.click();
      const closed = await box.locator("details.df-state").evaluateAll((ds) => ds.filter((d) => !d.open).length);
      if (closed) fail(`ada (${scheme}): Open all left ${closed} panel(s) closed`);
      if ((await toggle.innerText()).trim() !== "Close all") fail(`ada (${scheme}): the button does not say Close all`);
      await toggle.click();
    }
  }

  // ---- print: every panel open ----------------------------------------------
  if (scheme === "light") {
    await page.emulateMedia({ media: "print" });
    const hidden = await page.locator("details.df-state dl").evaluateAll((ls) =>
      ls.filter((l) => l.getBoundingClientRect().height === 0).length);
    if (hidden) fail(`print: ${hidden} panel(s) print closed`);
    await page.emulateMedia({ media: "screen" });
  }
  await ctx.close();
}

await browser.close();
console.log(`dataflow browser test: ${failures.length} failure(s); screenshots in ${shots}`);
process.exit(failures.length ? 1 : 0);
