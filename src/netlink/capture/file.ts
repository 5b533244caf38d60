// Reading a capture file whatever its format (pcap, pcapng, or strace text), bounded: an endless
// or huge file (a device, a FIFO fed forever, a mistaken path) ends in a clear error instead of
// filling the memory.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidArgumentError, SystemError } from '../errors.js';
import { readCapture } from './pcap.js';
import { parseStraceCapture } from './strace.js';
import { CaptureFormatError, type CapturedDatagram } from './types.js';

/** How much {@link readCaptureFile} reads at most unless told otherwise: 1 GiB. */
export const MAX_CAPTURE_FILE_BYTES = 1024 * 1024 * 1024;

/** Options of {@link readCaptureFile}. */
export interface ReadCaptureFileOptions {
  /** strace captures: keep only this file descriptor's traffic. */
  fd?: number;
  /** Refuse a file longer than this many bytes. Default {@link MAX_CAPTURE_FILE_BYTES}. */
  maxBytes?: number;
}

/** The capture formats {@link readCaptureFile} recognises by their first bytes. */
export type CaptureFileFormat = 'pcap' | 'pcapng' | 'strace';

/** Bytes looked at to tell strace text from binary data. */
const SNIFF = 4096;

/** Whether the bytes look like text (strace output) rather than a binary capture. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SNIFF);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = bytes[i] as number;
    if (c === 0 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) return false;
  }
  return true;
}

/**
 * The format of a capture from its first bytes: a pcap magic (either byte order, microsecond or
 * nanosecond), the pcapng section header block type, or text; `undefined` for anything else.
 */
export function captureFormatOf(head: Uint8Array): CaptureFileFormat | undefined {
  if (head.length >= 4) {
    const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const be = v.getUint32(0, false);
    if (be === 0x0a0d0d0a) return 'pcapng';
    for (const magic of [0xa1b2c3d4, 0xa1b23c4d]) if (be === magic || v.getUint32(0, true) === magic) return 'pcap';
  }
  return looksLikeText(head) ? 'strace' : undefined;
}

function hexHead(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 8)).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/**
 * Reads a capture file: pcap, pcapng, or strace output with hex dumps. The format is told from the
 * first bytes, before the rest is read; at most `maxBytes` are read (a regular file's size is
 * checked first, anything else is read up to the bound), so `/dev/zero` or an endless FIFO fail
 * at once or at the bound.
 * @throws {@link CaptureFormatError} for a file that is not a capture, one longer than the bound,
 * or malformed content.
 * @throws SystemError `open`/`read` with the path when the file cannot be read.
 */
export function readCaptureFile(path: string, options: ReadCaptureFileOptions = {}): CapturedDatagram[] {
  const maxBytes = options.maxBytes ?? MAX_CAPTURE_FILE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new InvalidArgumentError('maxBytes', `expected a positive integer, got ${String(maxBytes)}`);
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('path', 'expected a file path');
  const tooLong = (): CaptureFormatError => new CaptureFormatError(`${path} holds more than ${maxBytes} bytes; a capture file is read up to that bound`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw systemError('open', path, err);
  }
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > maxBytes) throw tooLong();
    const chunks: Buffer[] = [];
    let total = 0;
    let format: CaptureFileFormat | undefined;
    for (;;) {
      const size = Math.min(total === 0 ? SNIFF : 1024 * 1024, maxBytes + 1 - total);
      const chunk = Buffer.allocUnsafe(Math.max(size, 1));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw systemError('read', path, err);
      }
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (format === undefined && total >= 4) {
        const head = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        format = captureFormatOf(head.subarray(0, SNIFF));
        if (format === undefined) throw new CaptureFormatError(`${path} is not a capture (pcap, pcapng or strace output): it starts with ${hexHead(head)}`, 0);
      }
      if (total > maxBytes) throw tooLong();
    }
    bytes = Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
  const format = captureFormatOf(bytes.subarray(0, SNIFF));
  if (format === undefined) {
    throw new CaptureFormatError(bytes.length === 0 ? `${path} is empty, not a capture` : `${path} is not a capture (pcap, pcapng or strace output): it starts with ${hexHead(bytes)}`, 0);
  }
  if (format === 'strace') return parseStraceCapture(bytes.toString('utf8'), options.fd === undefined ? {} : { fd: options.fd });
  // pcap and pcapng captures name no file descriptors: `fd` concerns strace captures only.
  return readCapture(bytes);
}

function systemError(syscall: string, path: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof e.errno !== 'number') return err;
  return new SystemError(syscall, Math.abs(e.errno), path, path);
}
