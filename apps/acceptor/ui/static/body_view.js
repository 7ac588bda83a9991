// The body of an opened message: JSON as a tree of <details> (pretty-printed,
// the outer levels open and the deeper ones folded), other text as text,
// binary as a hex dump. Built with textContent only: a body is never markup.

// Past these, the view stops and says how much it left out.
const maxTextChars = 1 << 20;
const maxDumpBytes = 64 * 1024;
const openLevels = 2;

// A new element, with a class and its text when given (as text, never as
// markup).
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function leaf(value) {
  const type = value === null ? "null" : typeof value;
  return element("span", `json-${type}`, JSON.stringify(value));
}

function jsonNode(key, value, depth) {
  const isArray = Array.isArray(value);
  const line = element("div", "json-line");
  if (key !== null) line.append(element("span", "json-key", isArray ? "" : JSON.stringify(key)),
                                element("span", "json-colon", isArray ? "" : ": "));
  if (value === null || typeof value !== "object") {
    line.append(leaf(value));
    return line;
  }
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const fold = element("details", "json-fold");
  fold.open = depth < openLevels;
  const summary = element("summary");
  if (key !== null) summary.append(...line.childNodes);
  const noun = isArray ? "item" : "key";
  const count = `${entries.length} ${noun}${entries.length === 1 ? "" : "s"}`;
  summary.append(element("span", "json-bracket", isArray ? "[" : "{"),
                 element("span", "json-count", ` ${count} `),
                 element("span", "json-bracket json-closing", isArray ? "]" : "}"));
  fold.append(summary);
  const children = element("div", "json-children");
  for (const [childKey, childValue] of entries) {
    children.append(jsonNode(isArray ? null : childKey, childValue, depth + 1));
  }
  fold.append(children, element("div", "json-bracket", isArray ? "]" : "}"));
  return fold;
}

export function jsonView(value) {
  const view = element("div", "json-view");
  view.append(jsonNode(null, value, 0));
  return view;
}

export function textView(text) {
  const view = element("pre", "text-view");
  view.textContent = text.length > maxTextChars
    ? `${text.slice(0, maxTextChars)}\n… ${text.length - maxTextChars} more characters`
    : text;
  return view;
}

function hex(byte) {
  return byte.toString(16).padStart(2, "0");
}

// "00000000  00 01 … 07  08 … 0f  |........|", as hexdump -C writes it.
export function hexDumpText(bytes) {
  const lines = [];
  const shown = Math.min(bytes.length, maxDumpBytes);
  for (let offset = 0; offset < shown; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, shown));
    const cells = [...row].map(hex);
    const left = cells.slice(0, 8).join(" ");
    const right = cells.slice(8).join(" ");
    const printable = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "."));
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${left.padEnd(23)}  ` +
               `${right.padEnd(23)}  |${printable.join("")}|`);
  }
  if (bytes.length > shown) lines.push(`… ${bytes.length - shown} more bytes`);
  return lines.join("\n");
}

export function hexView(bytes) {
  return element("pre", "hex-dump", hexDumpText(bytes));
}

// The view for a body read by message_body.js's readBody().
export function bodyView(body) {
  if (body.kind === "json") return jsonView(body.json);
  if (body.kind === "binary") return hexView(body.bytes);
  return textView(body.text);
}
