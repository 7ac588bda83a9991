// Messages published with ?extra-metadata=github (docs/PROTOCOL.md X1): the
// body is {"Delivery","Event","Payload","Signature"}, Payload the webhook's
// body in base64 and Signature GitHub's X-Hub-Signature-256 (or the legacy
// X-Hub-Signature). The server does not know the webhook's secret, so the
// signature is checked here, with WebCrypto, against a secret the user types
// into the page; the secret never leaves it.

import { base64Bytes } from "./message_body.js";

const keys = ["Delivery", "Event", "Payload", "Signature"];

// The envelope of a body read by readBody(), or null when it is not one.
// { delivery, event, signature, payload (bytes), payloadJson, repository }
export function readEnvelope(body) {
  if (body.kind !== "json") return null;
  const json = body.json;
  if (json === null || typeof json !== "object" || Array.isArray(json)) return null;
  if (!keys.every((key) => typeof json[key] === "string")) return null;
  let payload;
  try {
    payload = base64Bytes(json.Payload);
  } catch {
    return null;
  }
  let payloadJson = null;
  try {
    payloadJson = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    // A payload that is not JSON (GitHub's form encoding): shown as bytes.
  }
  const repository = payloadJson?.repository?.full_name;
  return {
    delivery: json.Delivery,
    event: json.Event,
    signature: json.Signature,
    payload,
    payloadJson,
    repository: typeof repository === "string" ? repository : "",
  };
}

// The header a signature came in, from its algorithm prefix.
export function signatureHeader(signature) {
  return signature.startsWith("sha1=") ? "X-Hub-Signature" : "X-Hub-Signature-256";
}

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// "unchecked" (no secret), "unsigned" (no signature), "verified",
// "mismatch", or "unavailable" (no WebCrypto: it needs https or localhost).
export async function checkSignature(envelope, secret) {
  if (!secret) return "unchecked";
  if (!envelope.signature) return "unsigned";
  const [algorithm, expected] = envelope.signature.split("=", 2);
  const hash = { sha256: "SHA-256", sha1: "SHA-1" }[algorithm];
  if (!hash || !expected) return "mismatch";
  if (!globalThis.crypto?.subtle) return "unavailable";
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret),
                                            { name: "HMAC", hash }, false, ["sign"]);
  const actual = hex(await crypto.subtle.sign("HMAC", key, envelope.payload));
  return actual === expected.toLowerCase() ? "verified" : "mismatch";
}

export const signatureWords = {
  unchecked: "unchecked: no secret given",
  unsigned: "unsigned: no signature header",
  verified: "verified",
  mismatch: "mismatch: not signed with this secret",
  unavailable: "unchecked: WebCrypto needs https or localhost",
};
