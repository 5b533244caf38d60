// The command's standard output (src/cli/process.ts): written with write(2) on fd 1 while the
// descriptor takes each text, then through process.stdout, in order; a reader that went away ends
// the command instead of failing it.

import { describe, expect, it } from 'vitest';
import { stdoutSink, type WriteFd } from '../../src/cli/process.js';

/** A stream that records what it was given. */
function recorder(isTTY?: boolean): { chunks: string[]; made: number; stream: () => NodeJS.WritableStream & { isTTY?: boolean } } {
  const r = {
    chunks: [] as string[],
    made: 0,
    stream: () => {
      r.made++;
      return { isTTY, write: (c: string | Uint8Array) => (r.chunks.push(Buffer.from(c).toString('utf8')), true) } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
    },
  };
  return r;
}

const errno = (code: string): Error => Object.assign(new Error(code), { code });

describe('stdoutSink', () => {
  it('writes each text whole, over as many write calls as the descriptor needs', () => {
    const written: string[] = [];
    // At most 3 bytes a call: a 2-byte character is split across calls and comes out whole.
    const write: WriteFd = (buffer, offset) => {
      const n = Math.min(3, buffer.length - offset);
      written.push(Buffer.from(buffer.subarray(offset, offset + n)).toString('latin1'));
      return n;
    };
    const r = recorder();
    const sink = stdoutSink(write, r.stream, () => expect.unreachable());
    expect(sink.write('eth0 ü\n')).toBe(true);
    expect(sink.write('')).toBe(true);
    expect(Buffer.from(written.join(''), 'latin1').toString('utf8')).toBe('eth0 ü\n');
    expect(written.length).toBe(3);
    expect(r.made).toBe(0);
  });

  it('goes on through the stream from the first EAGAIN, in order', () => {
    const written: string[] = [];
    let room = 5;
    const write: WriteFd = (buffer, offset) => {
      if (room === 0) throw errno('EAGAIN');
      const n = Math.min(room, buffer.length - offset);
      room -= n;
      written.push(Buffer.from(buffer.subarray(offset, offset + n)).toString('utf8'));
      return n;
    };
    const r = recorder();
    const sink = stdoutSink(write, r.stream, () => expect.unreachable());
    sink.write('abc\n');
    sink.write('defgh\n');
    room = 100; // the descriptor has room again: the stream keeps the order all the same
    sink.write('ijk\n');
    expect(written).toEqual(['abc\n', 'd']);
    expect(r.chunks).toEqual(['efgh\n', 'ijk\n']);
    expect(written.join('') + r.chunks.join('')).toBe('abc\ndefgh\nijk\n');
    expect(r.made).toBe(1);
  });

  it('reports a reader that went away (EPIPE) and drops the text; other errors are thrown', () => {
    let closed = 0;
    const sink = stdoutSink(() => {
      throw errno('EPIPE');
    }, recorder().stream, () => closed++);
    expect(sink.write('x\n')).toBe(false);
    expect(closed).toBe(1);
    const failing = stdoutSink(() => {
      throw errno('EIO');
    }, recorder().stream, () => closed++);
    expect(() => failing.write('x\n')).toThrow('EIO');
    expect(closed).toBe(1);
  });

  it('asks the stream whether it is a terminal only when asked', () => {
    const tty = recorder(true);
    const sink = stdoutSink(() => 0, tty.stream, () => {});
    expect(tty.made).toBe(0);
    expect(sink.isTTY).toBe(true);
    expect(stdoutSink(() => 0, recorder().stream, () => {}).isTTY).toBe(false);
  });
});
