// Opens a page in Debian's chromium (driven by playwright-core) that
// subscribes with the browser's own EventSource, and reports on stdout, one
// JSON object per line, what the page sees: {"open":true}, each message
// {"id":…,"body":…}, gap notices {"gap":…} and errors {"error":readyState}.
// The page is served on the server's own origin (intercepted, never fetched),
// as a page of hookbot's would be: EventSource then needs no CORS.
//
//   node event_source_page.mjs BASE_URL SUB_PATH TOKEN SCREENSHOT_PNG
//
// It runs until its stdin closes, then saves a screenshot and exits.
import { chromium } from "playwright-core";

const [base, path, token, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error("usage: event_source_page.mjs BASE_URL SUB_PATH TOKEN SCREENSHOT_PNG");
  process.exit(2);
}

const page_html = `<!doctype html>
<meta charset="utf-8">
<title>hookbot EventSource test</title>
<h1>Messages</h1>
<ol id="messages"></ol>
<script>
  const list = document.getElementById("messages");
  const source = new EventSource(${JSON.stringify(path)} + "?access_token=" +
                                 encodeURIComponent(${JSON.stringify(token)}));
  source.onopen = () => report(JSON.stringify({ open: true }));
  source.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const item = document.createElement("li");
    item.textContent = event.lastEventId + " " + message.body;
    list.append(item);
    report(JSON.stringify({ id: event.lastEventId, body: message.body }));
  };
  source.addEventListener("gap", (event) => report(JSON.stringify({ gap: JSON.parse(event.data) })));
  source.onerror = () => report(JSON.stringify({ error: source.readyState }));
</script>`;

const browser = await chromium.launch({
  executablePath: process.env.HOOKBOT_CHROMIUM || "/usr/bin/chromium",
  // CI runs as root, where chromium's sandbox cannot start.
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage();
  const page_url = `${base}/browser-test/event-source.html`;
  await page.route(page_url, (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: page_html }));
  await page.exposeFunction("report", (line) => console.log(line));
  await page.goto(page_url);
  await new Promise((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.resume();
  });
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
