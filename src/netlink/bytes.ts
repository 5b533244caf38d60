// Byte-level reading and writing shared by every codec. Netlink uses the host's byte order; this
// library supports little-endian hosts (x86-64, arm64), which the socket checks when it opens.

/** Rounds up to netlink's 4-byte alignment (NLMSG_ALIGN / NLA_ALIGN). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Views a byte array as a Node Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A read-only window on received bytes: the buffer and a DataView on the same memory. */
export class Reader {
  /** The bytes. */
  readonly buf: Buffer;
  /** A DataView over exactly {@link Reader.buf}. */
  readonly view: DataView;

  private copy?: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.buf = asBuffer(bytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /**
   * A copy of the bytes that stays valid after the receive buffer is reused, made once per
   * reader: lazily decoded attributes keep offsets into it instead of copies of their own.
   */
  stable(): Uint8Array {
    return (this.copy ??= copyBytes(this.buf, 0, this.buf.length));
  }
}

/** A growable output buffer for encoding messages. */
export class Writer {
  /** The underlying storage; only the first {@link Writer.length} bytes are written. */
  buf: Buffer;
  /** A DataView over {@link Writer.buf}. */
  view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.alloc(initialSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Makes room for `n` more bytes and returns the offset at which they start. */
  reserve(n: number): number {
    const at = this.length;
    const need = at + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = Buffer.alloc(size);
      this.buf.copy(next, 0, 0, at);
      this.buf = next;
      this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
    }
    this.length = need;
    return at;
  }

  /** Appends `n` zero bytes. */
  zeros(n: number): void {
    const at = this.reserve(n);
    this.buf.fill(0, at, at + n);
  }

  /** Appends zero bytes up to the next 4-byte boundary. */
  pad(): void {
    const n = align4(this.length) - this.length;
    if (n > 0) this.zeros(n);
  }

  /** Appends raw bytes. */
  bytes(data: Uint8Array): void {
    const at = this.reserve(data.length);
    this.buf.set(data, at);
  }

  /** Appends an unsigned 8-bit integer. */
  u8(v: number): void {
    const at = this.reserve(1); // reserve() may replace the buffer and its view: read the view after it
    this.view.setUint8(at, v);
  }

  /** Appends an unsigned 16-bit integer in host (little-endian) order. */
  u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }

  /** Appends an unsigned 32-bit integer in host (little-endian) order. */
  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }

  /** Starts an attribute: writes a header with a placeholder length and returns its offset. */
  beginAttr(typeField: number): number {
    const at = this.reserve(4);
    this.view.setUint16(at + 2, typeField, true);
    return at;
  }

  /** Ends the attribute begun at `at`: patches its length (without padding) and pads. */
  endAttr(at: number): void {
    const len = this.length - at;
    if (len > 0xffff) throw new RangeError(`attribute of ${len} bytes exceeds netlink's 65535-byte limit`);
    this.view.setUint16(at, len, true);
    this.pad();
  }

  /** Copies out the bytes written so far and resets the writer for reuse. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buf.copy(out, 0, 0, this.length);
    this.length = 0;
    return out;
  }
}

/** Copies `buf[start, end)` into a new plain Uint8Array (never a Buffer view of a pooled slab). */
export function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(buf.subarray(start, end));
  return out;
}
