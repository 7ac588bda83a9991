// The page's one event stream (docs/PROTOCOL.md, "Server-Sent Events").
// EventSource would reconnect by itself, but with the URL it was opened
// with: after a replay that URL still says since=<the replay's start>, and
// every reconnect would replay again. So this closes it on any error and
// reconnects itself, from the last id the page shows.
//
// Each connection is preceded by a fetch() of the same URL, cut off as soon
// as its status is known, because an EventSource cannot tell why it failed,
// and worse: a 401 carries WWW-Authenticate (D2.4), on which a browser holds
// the EventSource's request and asks the user for a password. The fetch
// omits credentials, so it gets the status instead (401: the token was
// refused), and the page shows that.

import { streamUrl } from "./subscribe_target.js";

const firstRetryMs = 1000;
const longestRetryMs = 30000;

export class Subscription {
  // handlers: onState(state, text), onMessage(message), onGap(gap), and
  // resumeFrom(): the id to continue after when reconnecting.
  constructor(handlers) {
    this.handlers = handlers;
    this.target = null;
    this.source = null;
    this.retryMs = firstRetryMs;
    this.timer = 0;
    this.generation = 0;  // bumps on open and close: late callbacks of old streams are ignored
  }

  open(target, since) {
    this.close();
    this.target = target;
    this.retryMs = firstRetryMs;
    this.connect(since);
  }

  close() {
    this.generation++;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
    this.target = null;
  }

  async connect(since) {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    const url = streamUrl(this.target, since);
    this.handlers.onState("connecting", since ? `resuming after ${since}` : "connecting");
    const answer = await probe(url);
    if (!current()) return;
    if (answer.status !== 200) return this.failed(answer);
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => {
      if (!current()) return;
      this.retryMs = firstRetryMs;
      this.handlers.onState("live", `watching ${readablePath(this.target.path)}`);
    };
    source.onmessage = (event) => {
      if (current()) this.handlers.onMessage(JSON.parse(event.data));
    };
    source.addEventListener("gap", (event) => {
      if (current()) this.handlers.onGap(JSON.parse(event.data));
    });
    source.onerror = () => {
      if (!current()) return;
      source.close();
      this.failed({ status: 0, text: "" });
    };
  }

  // Refused (a 4xx: shown, not tried again), or down (the server or the
  // network: tried again after a delay that doubles up to 30 s).
  failed(answer) {
    if (answer.status >= 400 && answer.status < 500) {
      const target = this.target;
      this.close();
      this.handlers.onState("refused", refusalText(answer, target));
      return;
    }
    const generation = this.generation;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, longestRetryMs);
    const why = answer.status ? `${answer.status} ${answer.text}` : "the stream broke";
    this.handlers.onState("retrying", `${why}; reconnecting in ${delay / 1000} s`);
    this.timer = setTimeout(() => {
      if (generation === this.generation) this.connect(this.handlers.resumeFrom());
    }, delay);
  }
}

// The status and first line of the body the server answers `url` with;
// status 0 when it cannot be reached. A 200 is an event stream that would
// run on: it is cut off once its head is in.
async function probe(url) {
  const abort = new AbortController();
  try {
    const response = await fetch(url, {
      headers: { Accept: "text/event-stream" },
      cache: "no-store",
      credentials: "omit",
      signal: abort.signal,
    });
    if (response.ok) return { status: response.status, text: "" };
    const text = (await response.text()).split("\n")[0].slice(0, 200);
    return { status: response.status, text };
  } catch {
    return { status: 0, text: "" };
  } finally {
    abort.abort();
  }
}

function refusalText({ status, text }, target) {
  const path = readablePath(target.path);
  if (status === 401) return `401: token rejected; the server did not accept it for ${path}`;
  if (status === 404) return `404: nothing to subscribe to at ${path}`;
  return `${status}: ${text || "refused"} (${path})`;
}

export function readablePath(path) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
