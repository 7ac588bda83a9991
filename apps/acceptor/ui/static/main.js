// The inspector page's wiring: the form, the one subscription, the list and
// its storage, the chart. Each part lives in its own module; this one only
// connects them to the page's elements (index.html).

import { parseTarget } from "./subscribe_target.js";
import { Subscription } from "./subscription.js";
import { MessageStore } from "./message_store.js";
import { renderEntry, updateSignatures } from "./message_row.js";
import { curlCommand } from "./republish_command.js";
import { idBefore } from "./message_id.js";
import { MetricsChart } from "./metrics_chart.js";

const $ = (id) => document.getElementById(id);
const form = $("watch-form");
const list = $("messages");
const secret = $("github-secret");
const store = new MessageStore();

function say(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function showState(state, text) {
  const connection = $("connection");
  connection.dataset.state = state;
  connection.textContent = state === "refused" ? "not watching: refused" : text;
  $("stop").disabled = state === "idle" || state === "refused";
  if (state === "refused") {
    say($("problem"), text);
    store.subscription = null;  // a refused token is not tried again after a reload
  } else if (state === "live") say($("problem"), "");
}

function updateCount() {
  const count = list.querySelectorAll(".entry.message").length;
  $("message-count").textContent = count ? `(${count})` : "";
  $("empty").hidden = list.childElementCount > 0;
}

const rowContext = {
  onReplay: (message) => replayFrom(message),
  curlFor: (message, envelope) =>
    curlCommand(message, envelope, { publishUrl: $("publish-url").value.trim(),
                                     origin: location.origin }),
};

function show(entry) {
  const item = renderEntry(entry, rowContext);
  list.append(item);
  if (entry.kind === "message") updateSignatures(item, secret.value);
  updateCount();
}

function add(entry) {
  for (const _ of store.add(entry)) list.firstElementChild?.remove();
  show(entry);
}

const subscription = new Subscription({
  onState: showState,
  onMessage: (message) => add({ kind: "message", arrived: Date.now(), message }),
  onGap: (gap) => add({ kind: "gap", arrived: Date.now(), gap }),
  resumeFrom: () => store.lastMessageId(),
});

function watch(target, since) {
  store.subscription = target;
  subscription.open(target, since);
}

// Every message from `message` on, again: the stream restarts after the id
// before it (message_id.js).
function replayFrom(message) {
  const target = store.subscription;
  if (!target) return say($("problem"), "Watch a topic first: replay needs its token.");
  add({ kind: "replay", arrived: Date.now(), from: message.id });
  watch(target, idBefore(message.id) || "all");
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  say($("problem"), "");
  say($("notice"), "");
  let target;
  try {
    target = parseTarget($("target").value, $("token").value, location.origin);
  } catch (error) {
    return say($("problem"), error.message);
  }
  say($("notice"), target.note);
  // The token goes to the (masked) token field: the form shows no secret.
  $("target").value = target.path + (target.since ? `?since=${target.since}` : "");
  $("token").value = target.token;
  // Live from now, unless the URL names a starting point (?since=).
  watch({ path: target.path, token: target.token }, target.since);
});

$("stop").addEventListener("click", () => {
  subscription.close();
  store.subscription = null;  // forgets the token
  showState("idle", "not watching");
});

$("clear").addEventListener("click", () => {
  store.clear();
  list.replaceChildren();
  updateCount();
});

let secretTimer = 0;
secret.addEventListener("input", () => {
  clearTimeout(secretTimer);
  secretTimer = setTimeout(() => updateSignatures(list, secret.value), 150);
});

// What the last 200 ms added is saved before the page goes.
addEventListener("pagehide", () => store.save());

// A reload: the list as it was, and the subscription resumed after its last id.
for (const entry of store.entries) show(entry);
const saved = store.subscription;
if (saved) {
  $("target").value = saved.path;
  $("token").value = saved.token;
  subscription.open(saved, store.lastMessageId());
}
updateCount();
new MetricsChart($("chart-panel"), $("chart-note"), () => store.subscription?.token).start();
