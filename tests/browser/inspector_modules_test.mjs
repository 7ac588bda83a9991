// The inspector page's modules that need no page (apps/acceptor/ui/static),
// under Node's own test runner: message ids, what a pasted URL means, the
// hex dump, GitHub envelopes and their signatures, and "Copy as curl", whose
// commands are run by bash (with curl replaced by a recorder) to check that
// the bytes they publish are the message's, whatever it holds.
//
//   node inspector_modules_test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";

const dir = new URL("../../apps/acceptor/ui/static/", import.meta.url);
const load = (name) => import(new URL(name, dir));
const { idBefore } = await load("message_id.js");
const { parseTarget, streamUrl } = await load("subscribe_target.js");
const { readBody } = await load("message_body.js");
const { hexDumpText } = await load("body_view.js");
const { readEnvelope, checkSignature } = await load("github_envelope.js");
const { curlCommand } = await load("republish_command.js");

const origin = "http://127.0.0.1:8080";
const token = "4818b2b10c2fd6de08ae7ba4140860aea56820e6d086d822595b8a6429bc991f";

test("the id before an id is its sequence less one, in the same epoch", () => {
  assert.equal(idBefore("9c4f0e2a71d3b605-1042"), "9c4f0e2a71d3b605-1041");
  assert.equal(idBefore("9c4f0e2a71d3b605-1"), "9c4f0e2a71d3b605-0");
  assert.equal(idBefore("9c4f0e2a71d3b605-18446744073709551615"),
               "9c4f0e2a71d3b605-18446744073709551614");
  for (const notAnId of ["9c4f0e2a71d3b605-0", "9c4f0e2a71d3b605-01", "9C4F0E2A71D3B605-5",
                         "9c4f-5", "latest", ""]) {
    assert.equal(idBefore(notAnId), "", notAnId);
  }
});

test("a make-tokens URL gives its path and token; its host is this server", () => {
  assert.deepEqual(parseTarget(`ws://${token}@127.0.0.1:8080/sub/foo/bar`, "", origin),
                   { path: "/sub/foo/bar", token, since: "", note: "" });
  const elsewhere = parseTarget(`wss://${token}@hooks.example.com/sub/x?since=all`, "", origin);
  assert.equal(elsewhere.since, "all");
  assert.match(elsewhere.note, /hooks\.example\.com is not used/);
  assert.equal(parseTarget(`/sub/x?access_token=${token}`, "", origin).token, token);
});

test("a bare topic is subscribed below /sub/, encoded; the token field fills in", () => {
  assert.deepEqual(parseTarget("a b/c?", "t", origin),
                   { path: "/sub/a%20b/c%3F", token: "t", since: "", note: "" });
});

test("what cannot be watched from a page is refused with a reason", () => {
  const refusals = {
    [`http://${token}@127.0.0.1:8080/pub/x`]: /publish URL/,
    "/unsafe/sub/x": /X-Hookbot-Unsafe-Is-Ok/,
    "/metrics": /not a subscription/,
    "/ui/": /this page/,
    "/sub/x": /token is needed/,
    "  ": /paste/,
  };
  for (const [input, why] of Object.entries(refusals)) {
    assert.throws(() => parseTarget(input, input === "/sub/x" ? "" : "t", origin), why, input);
  }
});

test("the stream URL carries the token and the starting point, encoded", () => {
  assert.equal(streamUrl({ path: "/sub/x", token: "a&b" }, "9c4f0e2a71d3b605-3"),
               "/sub/x?access_token=a%26b&since=9c4f0e2a71d3b605-3");
  assert.equal(streamUrl({ path: "/sub/x", token: "t" }, ""), "/sub/x?access_token=t");
});

test("the hex dump is hexdump -C's", () => {
  const lines = hexDumpText(Uint8Array.from({ length: 20 }, (_, i) => i + 60)).split("\n");
  assert.deepEqual(lines, [
    "00000000  3c 3d 3e 3f 40 41 42 43  44 45 46 47 48 49 4a 4b  |<=>?@ABCDEFGHIJK|",
    "00000010  4c 4d 4e 4f                                       |LMNO|",
  ]);
});

function envelopeMessage(payload, signature) {
  const body = JSON.stringify({ Delivery: "d-1", Event: "push",
                                Payload: Buffer.from(payload).toString("base64"),
                                Signature: signature });
  return { id: "9c4f0e2a71d3b605-7", topic: "/unsafe/github.com/x", body };
}

test("a GitHub envelope's signature checks out with its secret only", async () => {
  const payload = JSON.stringify({ repository: { full_name: "octo/hello" } });
  const sha256 = createHmac("sha256", "s3cret").update(payload).digest("hex");
  const sha1 = createHmac("sha1", "s3cret").update(payload).digest("hex");
  const envelope = readEnvelope(readBody(envelopeMessage(payload, `sha256=${sha256}`)));
  assert.equal(envelope.repository, "octo/hello");
  assert.equal(await checkSignature(envelope, "s3cret"), "verified");
  assert.equal(await checkSignature(envelope, "other"), "mismatch");
  assert.equal(await checkSignature(envelope, ""), "unchecked");
  const legacy = readEnvelope(readBody(envelopeMessage(payload, `sha1=${sha1}`)));
  assert.equal(await checkSignature(legacy, "s3cret"), "verified");
  const unsigned = readEnvelope(readBody(envelopeMessage(payload, "")));
  assert.equal(await checkSignature(unsigned, "s3cret"), "unsigned");
  assert.equal(readEnvelope(readBody({ body: '{"Event":"push"}' })), null);
});

// Runs `command` with curl replaced: what curl would send (stdin, base64)
// and its arguments, one a line.
function runCurl(command) {
  const recorder = 'curl() { base64 -w0; echo; printf "%s\\n" "$@"; }; ';
  const out = execFileSync("bash", ["-c", recorder + command],
                           { env: { ...process.env, HOOKBOT_PUBLISH_TOKEN: "tok" } });
  const [stdin, ...args] = out.toString().trimEnd().split("\n");
  return { bytes: Buffer.from(stdin, "base64"), args };
}

test("copy as curl publishes the body's exact bytes, text or binary", () => {
  const texts = ["it's \"quoted\" $HOME `id` \\n %s !", "line\nline\n", "nul\0inside", "é✓"];
  for (const text of texts) {
    const message = { id: "x-1", topic: "a b/c", body: text };
    const sent = runCurl(curlCommand(message, null, { publishUrl: "", origin }));
    assert.deepEqual(sent.bytes, Buffer.from(text), JSON.stringify(text));
    assert.deepEqual(sent.args.slice(-3), ["-H", "Authorization: Bearer tok",
                                           `${origin}/pub/a%20b/c`]);
  }
  const binary = Buffer.from([0, 255, 1, 128, 39]);
  const message = { id: "x-2", topic: "/unsafe/raw", body_b64: binary.toString("base64") };
  const sent = runCurl(curlCommand(message, null, { publishUrl: "", origin }));
  assert.deepEqual(sent.bytes, binary);
  assert.equal(sent.args.at(-1), `${origin}/unsafe/pub/raw`);
  assert.ok(!sent.args.includes("-H"), "an unsafe publish takes no token");
});

test("copy as curl sends a GitHub envelope as GitHub did, to the pasted URL", () => {
  const payload = '{"zen":"Keep it logically awesome."}';
  const message = envelopeMessage(payload, "sha256=abc");
  const envelope = readEnvelope(readBody(message));
  const sent = runCurl(curlCommand(message, envelope,
                                   { publishUrl: "https://T@hooks.example.com/pub/gh", origin }));
  assert.equal(sent.bytes.toString(), payload);
  for (const header of ["X-GitHub-Event: push", "X-GitHub-Delivery: d-1",
                        "X-Hub-Signature-256: sha256=abc"]) {
    assert.ok(sent.args.includes(header), header);
  }
  assert.equal(sent.args.at(-1), "https://T@hooks.example.com/pub/gh?extra-metadata=github");
});
