// What the user typed into "Subscribe URL, path or topic" (and "Token"), as
// the subscription this page opens: a path on this page's own server, a
// token, and a starting point. Accepted: a URL as `hookbot make-tokens`
// prints it (ws://TOKEN@host/sub/topic, or with ?access_token=), a path
// (/sub/topic), or a bare topic (my/topic, subscribed as /sub/my/topic).

// Paths that are not subscriptions, with what to say about them.
const refusals = [
  [/^\/(unsafe\/)?pub\//, "that is a publish URL: paste the subscribe URL (/sub/…) instead"],
  [/^\/unsafe\/sub\//,
    "unsafe subscriptions need the X-Hookbot-Unsafe-Is-Ok header, which a browser's " +
    "EventSource cannot send; subscribe with hookbot listen or curl"],
  [/^\/(status|metrics)$/, "that path is not a subscription"],
  [/^\/ui(\/|$)/, "that is this page, not a subscription"],
];

function topicPath(topic) {
  return "/sub/" + topic.split("/").map(encodeURIComponent).join("/");
}

// ws: and wss: name the same server as http: and https:.
function httpOrigin(url) {
  const scheme = { "ws:": "http:", "wss:": "https:" }[url.protocol] || url.protocol;
  return `${scheme}//${url.host}`;
}

// Returns { path, token, since, note } or throws an Error whose message says
// what is wrong. `origin` is this page's (location.origin): the page only
// ever connects there (its Content-Security-Policy allows nothing else).
export function parseTarget(text, tokenField, origin) {
  const input = text.trim();
  if (!input) throw new Error("paste a subscribe URL, a path or a topic");
  let path;
  let token = "";
  let since = "";
  let note = "";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) || input.startsWith("/")) {
    let url;
    try {
      url = new URL(input, origin);
    } catch {
      throw new Error("that is not a URL this page can read");
    }
    if (httpOrigin(url) !== origin) {
      note = `This page watches its own server, ${origin}: the URL's ${url.host} is not used.`;
    }
    path = url.pathname;
    token = decodeURIComponent(url.username) || url.searchParams.get("access_token") || "";
    since = url.searchParams.get("since") || "";
  } else {
    path = topicPath(input);
  }
  token = token || tokenField.trim();
  for (const [pattern, why] of refusals) {
    if (pattern.test(path)) throw new Error(why);
  }
  if (!token) {
    throw new Error("a token is needed: paste a URL that carries one " +
                    "(hookbot make-tokens prints them), or fill in Token");
  }
  return { path, token, since, note };
}

// The event-stream URL of a subscription (docs/PROTOCOL.md, "Tokens in the
// URL" and "Resume"): EventSource cannot set headers, so the token goes in
// the query. It is never put in this page's own address.
export function streamUrl({ path, token }, since) {
  let url = `${path}?access_token=${encodeURIComponent(token)}`;
  if (since) url += `&since=${encodeURIComponent(since)}`;
  return url;
}
