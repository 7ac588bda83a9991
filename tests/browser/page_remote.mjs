// A page in Debian's chromium (driven by playwright-core), remote-controlled
// by a test over stdin and stdout: one JSON command a line in,
// {"ok":true,"value":…} or {"ok":false,"error":…} a line out. The test
// keeps the assertions; this only acts and reads (test_inspector.py).
//
//   node page_remote.mjs
//
// Commands: {"op":"goto","url"}, {"op":"reload"}, {"op":"fill","selector","value"},
// {"op":"click","selector"}, {"op":"press","selector","key"},
// {"op":"wait_count","selector","count","timeout_ms"},
// {"op":"wait_text","selector","text","timeout_ms"}, {"op":"texts","selector"},
// {"op":"value","selector"}, {"op":"attribute","selector","name"},
// {"op":"viewport","width","height"}, {"op":"screenshot","path"},
// {"op":"problems"} (uncaught errors and Content-Security-Policy refusals
// seen so far). It exits when stdin closes.
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const browser = await chromium.launch({
  executablePath: process.env.HOOKBOT_CHROMIUM || "/usr/bin/chromium",
  // CI runs as root, where chromium's sandbox cannot start.
  args: ["--no-sandbox"],
});
const page = await browser.newPage();
const problems = [];
page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
page.on("console", (message) => {
  if (/Content Security Policy/i.test(message.text())) problems.push(`csp: ${message.text()}`);
});

const ops = {
  goto: ({ url }) => page.goto(url).then(() => null),
  reload: () => page.reload().then(() => null),
  fill: ({ selector, value }) => page.fill(selector, value),
  click: ({ selector }) => page.click(selector),
  press: ({ selector, key }) => page.press(selector, key),
  wait_count: ({ selector, count, timeout_ms }) =>
    page.waitForFunction(([s, n]) => document.querySelectorAll(s).length === n,
                         [selector, count], { timeout: timeout_ms }).then(() => null),
  wait_text: ({ selector, text, timeout_ms }) =>
    page.waitForFunction(([s, t]) => [...document.querySelectorAll(s)]
                           .some((e) => e.textContent.includes(t)),
                         [selector, text], { timeout: timeout_ms }).then(() => null),
  texts: ({ selector }) => page.$$eval(selector, (es) => es.map((e) => e.textContent)),
  value: ({ selector }) => page.inputValue(selector),
  attribute: ({ selector, name }) => page.getAttribute(selector, name),
  viewport: ({ width, height }) => page.setViewportSize({ width, height }),
  screenshot: ({ path }) => page.screenshot({ path, fullPage: true }).then(() => null),
  problems: () => problems,
};

try {
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line);
    try {
      const value = await ops[command.op](command);
      console.log(JSON.stringify({ ok: true, value: value ?? null }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, error: String(error.message || error) }));
    }
  }
} finally {
  await browser.close();
}
