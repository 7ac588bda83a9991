// Message ids are "<epoch>-<sequence>": the bus epoch in 16 hex digits and
// the message's bus-wide sequence in decimal (docs/PROTOCOL.md, "Message
// ids"). A resume with ?since=<id> starts after that id, so replaying a
// message itself means starting after the sequence before it, which need not
// be a message of this topic: the server skips what the subscription does
// not match.

const pattern = /^([0-9a-f]{16})-(0|[1-9][0-9]{0,19})$/;

// The id just before `id`, or "" when `id` is not one the server writes.
// BigInt: sequences run to 2^64, past a Number's exact integers.
export function idBefore(id) {
  const match = pattern.exec(id);
  if (!match) return "";
  const sequence = BigInt(match[2]);
  return sequence === 0n ? "" : `${match[1]}-${sequence - 1n}`;
}
