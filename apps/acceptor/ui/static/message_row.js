// One entry of the list as a <li>: a message is a <details> whose summary
// is its row (time, id, topic, size, and GitHub's event, repository,
// delivery and signature status) and whose content, built when first
// opened, is its body with its metadata beside it. Gap notices and replay
// marks are one line each.

import { readBody, formatSize } from "./message_body.js";
import { readEnvelope, checkSignature, signatureHeader, signatureWords } from "./github_envelope.js";
import { bodyView, element, jsonView, textView, hexView } from "./body_view.js";

const gapReasons = {
  overwritten: "the server no longer retains some of them",
  unknown: "the server does not know that id",
  other_epoch: "that id is from an earlier run of the server (a new bus)",
};

// The envelope behind each signature cell, for updateSignatures().
const envelopes = new WeakMap();

function clock(date) {
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
         pad(date.getMilliseconds(), 3);
}

function definitions(pairs) {
  const list = element("dl", "meta-list");
  for (const [term, value, className] of pairs) {
    list.append(element("dt", "", term), element("dd", className || "", value));
  }
  return list;
}

function summaryRow(entry, body, envelope) {
  const { message } = entry;
  const arrived = new Date(entry.arrived);
  const time = element("time", "arrived", clock(arrived));
  time.dateTime = arrived.toISOString();
  time.title = "received by this browser";
  const summary = element("summary", "row");
  summary.append(time, element("span", "id", message.id), element("span", "topic", message.topic),
                 element("span", "size", formatSize(body.size)),
                 element("span", "kind", envelope ? "github" : body.kind));
  if (envelope) {
    const signature = element("span", "signature", signatureWords.unchecked);
    signature.dataset.status = "unchecked";
    envelopes.set(signature, envelope);
    summary.append(element("span", "github-event", envelope.event || "(no event)"),
                   element("span", "github-repo", envelope.repository || "(no repository)"),
                   element("span", "github-delivery", envelope.delivery), signature);
  }
  return summary;
}

function envelopeBody(envelope) {
  if (envelope.payloadJson !== null) return jsonView(envelope.payloadJson);
  return hexView(envelope.payload);
}

function hint(message, envelope) {
  if (message.request) {
    return "Published with ?extra-metadata=request: the body is as sent, with the request's " +
           "method, query and provider headers kept beside it (never its credentials).";
  }
  if (envelope) {
    return "Published with ?extra-metadata=github: the body is the webhook's payload, and " +
           "these headers came with it. Its other headers are not kept.";
  }
  return "hookbot delivers the body alone: the publisher's headers are not kept.";
}

function metadata(entry, body, envelope) {
  const { message } = entry;
  const aside = element("aside", "meta");
  aside.append(element("h3", "", "Message"), definitions([
    ["id", message.id],
    ["topic", message.topic],
    ["size", `${body.size} bytes`],
    ["body", { json: "JSON", text: "text (UTF-8)", binary: "binary (not UTF-8)" }[body.kind]],
    ["received", new Date(entry.arrived).toISOString()],
  ]));
  if (envelope) {
    aside.append(element("h3", "", "GitHub headers"), definitions([
      ["X-GitHub-Event", envelope.event],
      ["X-GitHub-Delivery", envelope.delivery],
      [envelope.signature ? signatureHeader(envelope.signature) : "signature",
        envelope.signature || "(none)"],
      ["repository", envelope.repository || "(none)"],
    ]));
  }
  if (message.request) {
    // ?extra-metadata=request (docs/PROTOCOL.md, "The original request").
    const { method, query, headers } = message.request;
    aside.append(element("h3", "", "Original request"), definitions([
      ["method", method],
      ["query", query || "(none)"],
      ...Object.entries(headers),
    ]));
  }
  aside.append(element("p", "hint", hint(message, envelope)));
  return aside;
}

function actions(entry, envelope, context) {
  const box = element("div", "actions");
  const replay = element("button", "replay", "Replay from here");
  replay.type = "button";
  replay.title = "Subscribe again from this message: it and every later one come again";
  replay.addEventListener("click", () => context.onReplay(entry.message));
  const copy = element("button", "copy-curl", "Copy as curl");
  copy.type = "button";
  const command = element("textarea", "curl");
  command.readOnly = true;
  command.rows = 3;
  command.hidden = true;
  command.setAttribute("aria-label", "curl command that publishes this message again");
  copy.addEventListener("click", async () => {
    command.value = context.curlFor(entry.message, envelope);
    command.hidden = false;
    command.select();
    try {
      await navigator.clipboard.writeText(command.value);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Select and copy below";  // no clipboard without https
    }
  });
  box.append(replay, copy);
  return [box, command];
}

function detail(entry, body, envelope, context) {
  const content = element("div", "detail");
  const main = element("div", "body");
  main.append(envelope ? envelopeBody(envelope) : bodyView(body));
  if (envelope) {
    const raw = element("details", "raw");
    raw.append(element("summary", "", "the envelope as published"), textView(entry.message.body));
    main.append(raw);
  }
  const aside = metadata(entry, body, envelope);
  aside.append(...actions(entry, envelope, context));
  content.append(main, aside);
  return content;
}

function messageItem(entry, context) {
  const body = readBody(entry.message);
  const envelope = readEnvelope(body);
  const item = element("li", "entry message");
  item.dataset.id = entry.message.id;
  item.dataset.kind = envelope ? "github" : body.kind;
  const fold = element("details");
  fold.append(summaryRow(entry, body, envelope));
  fold.addEventListener("toggle", () => {
    if (fold.open && fold.childElementCount === 1) fold.append(detail(entry, body, envelope, context));
  });
  item.append(fold);
  return item;
}

export function renderEntry(entry, context) {
  if (entry.kind === "message") return messageItem(entry, context);
  const item = element("li", `entry ${entry.kind}`);
  if (entry.kind === "gap") {
    item.setAttribute("role", "note");
    item.textContent = `gap: messages after ${entry.gap.since} may be missing: ` +
                       `${gapReasons[entry.gap.reason] || entry.gap.reason} ` +
                       `(${entry.gap.reason})`;
    item.dataset.reason = entry.gap.reason;
  } else {
    item.textContent = `replay from ${entry.from}`;
  }
  return item;
}

// Checks (again) every GitHub signature under `root` against `secret`. A
// check that finishes after a newer one of the same cell began (the secret
// was typed on meanwhile) is not shown.
const latestCheck = new WeakMap();
let checks = 0;
export async function updateSignatures(root, secret) {
  await Promise.all([...root.querySelectorAll(".signature")].map(async (cell) => {
    const check = ++checks;
    latestCheck.set(cell, check);
    const status = await checkSignature(envelopes.get(cell), secret);
    if (latestCheck.get(cell) !== check) return;
    cell.dataset.status = status;
    cell.textContent = signatureWords[status];
  }));
}
