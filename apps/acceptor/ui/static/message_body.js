// A message's body as the page shows it. The event stream carries it as
// "body" (a JSON string, when the bytes are UTF-8) or "body_b64" (base64,
// when they are not): docs/PROTOCOL.md, "Delivery formats".

const utf8 = new TextEncoder();

export function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function bodyBytes(message) {
  return "body_b64" in message ? base64Bytes(message.body_b64) : utf8.encode(message.body);
}

// { kind: "json" | "text" | "binary", size, json?, text?, bytes? }
export function readBody(message) {
  if ("body_b64" in message) {
    const bytes = base64Bytes(message.body_b64);
    return { kind: "binary", size: bytes.length, bytes };
  }
  const text = message.body;
  const size = utf8.encode(text).length;
  const start = text.trimStart()[0];
  if (start === "{" || start === "[") {
    try {
      return { kind: "json", size, text, json: JSON.parse(text) };
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  return { kind: "text", size, text };
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
