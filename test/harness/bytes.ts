// Byte helpers for tests that build netlink datagrams by hand (independently of the library's
// encoder, so that they test it rather than mirror it).

/** Lowercase hex of some bytes. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** The bytes of several arrays, one after the other. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}

/** An nlmsghdr followed by `body`, in host (little-endian) order, padded to 4 bytes. */
export function nlmsg(type: number, flags: number, seq: number, pid: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const len = 16 + body.length;
  const out = new Uint8Array((len + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq, true);
  v.setUint32(12, pid, true);
  out.set(body, 16);
  return out;
}
