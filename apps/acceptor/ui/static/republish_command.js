// "Copy as curl": a shell command that publishes a message again. The
// publish URL is the one the user pasted, else this server's /pub/<topic>
// with the token left to an environment variable (the command stops with a
// message when it is unset); a GitHub envelope is published as GitHub sent
// it (the payload, its headers, ?extra-metadata=github), so that the server
// wraps it again and routers see what they saw the first time.

import { bodyBytes, bytesBase64 } from "./message_body.js";
import { signatureHeader } from "./github_envelope.js";

const tokenVariable = "HOOKBOT_PUBLISH_TOKEN";

// POSIX shell single quotes: nothing inside is special but the quote itself.
export function shellQuote(text) {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

// docs/PROTOCOL.md D3: /unsafe/<topic> came from /unsafe/pub/<topic>, which
// takes no token; any other topic from /pub/<topic>.
function publishPath(topic) {
  const unsafe = topic.startsWith("/unsafe/");
  const rest = unsafe ? topic.slice("/unsafe/".length) : topic;
  const encoded = rest.split("/").map(encodeURIComponent).join("/");
  return { path: (unsafe ? "/unsafe/pub/" : "/pub/") + encoded, needsToken: !unsafe };
}

function target(message, publishUrl, origin, query) {
  if (publishUrl) {
    const url = new URL(publishUrl, origin);
    if (query) url.searchParams.set("extra-metadata", "github");
    return { url: url.href, auth: [] };
  }
  const { path, needsToken } = publishPath(message.topic);
  const auth = needsToken
    ? ["-H", `"Authorization: Bearer \${${tokenVariable}:?set it to a publish token}"`]
    : [];
  return { url: `${origin}${path}${query ? "?extra-metadata=github" : ""}`, auth };
}

// The body on curl's stdin: printf for text without NUL bytes, base64
// otherwise (a shell argument cannot hold a NUL).
function bodySource(bytes, text) {
  if (text !== null && !text.includes("\0")) return `printf %s ${shellQuote(text)}`;
  return `printf %s ${shellQuote(bytesBase64(bytes))} | base64 -d`;
}

export function curlCommand(message, envelope, { publishUrl, origin }) {
  const headers = [];
  let source;
  if (envelope) {
    source = bodySource(envelope.payload, null);
    headers.push("-H", shellQuote("Content-Type: application/json"),
                 "-H", shellQuote(`X-GitHub-Event: ${envelope.event}`),
                 "-H", shellQuote(`X-GitHub-Delivery: ${envelope.delivery}`));
    if (envelope.signature) {
      headers.push("-H", shellQuote(`${signatureHeader(envelope.signature)}: ${envelope.signature}`));
    }
  } else {
    source = bodySource(bodyBytes(message), "body" in message ? message.body : null);
  }
  const { url, auth } = target(message, publishUrl, origin, Boolean(envelope));
  return [source, "|", "curl", "-sS", "--data-binary", "@-", ...auth, ...headers,
          shellQuote(url)].join(" ");
}
