import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStraceDump, StraceParseError } from '../../src/netlink/strace.js';
import type { StraceDatagram } from '../../src/netlink/strace.js';

const samples = new URL('../fixtures/strace/', import.meta.url);
const kernelFixtures = new URL('../fixtures/kernel/', import.meta.url);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

function parseError(text: string): StraceParseError {
  try {
    parseStraceDump(text);
  } catch (e) {
    expect(e).toBeInstanceOf(StraceParseError);
    return e as StraceParseError;
  }
  throw new Error('expected parseStraceDump to throw');
}

// Shortened from a real `strace -f ... ip -n NS link show dev lo` run (iproute2 6.1): the probe
// iproute2 makes at start-up (an empty RTM_NEWLINK with NLM_F_ACK, answered with -ENODEV), then
// the peek with MSG_PEEK|MSG_TRUNC and a NULL buffer before the real read.
const SMALL = `2762  socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 3
2762  sendto(3, [{nlmsg_len=32, nlmsg_type=0x10 /* NLMSG_??? */, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK, nlmsg_seq=0, nlmsg_pid=0}, "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"], 32, 0, NULL, 0) = 32
 | 00000  20 00 00 00 10 00 05 00  00 00 00 00 00 00 00 00   ............... |
 | 00010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................ |
2762  recvmsg(3, {msg_name={sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base=NULL, iov_len=0}], msg_iovlen=1, msg_controllen=0, msg_flags=MSG_TRUNC}, MSG_PEEK|MSG_TRUNC) = 52
2762  recvmsg(3, {msg_name={sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base=[{nlmsg_len=52, nlmsg_type=NLMSG_ERROR, nlmsg_flags=0, nlmsg_seq=0, nlmsg_pid=2762}, {error=-ENODEV, msg=[{nlmsg_len=32, nlmsg_type=0x10 /* NLMSG_??? */, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK, nlmsg_seq=0, nlmsg_pid=0}, "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"]}], iov_len=16384}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 52
 * 52 bytes in buffer 0
 | 00000  34 00 00 00 02 00 00 00  00 00 00 00 ca 0a 00 00  4............... |
 | 00010  ed ff ff ff 20 00 00 00  10 00 05 00 00 00 00 00  .... ........... |
 | 00020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................ |
 | 00030  00 00 00 00                                       ....             |
2762  close(3)                          = 0
2762  +++ exited with 0 +++
`;

const REQUEST = '2000000010000500' + '00'.repeat(24);
const ERROR_REPLY = '3400000002000000' + '00000000ca0a0000' + 'edffffff20000000' + '1000050000000000' + '00'.repeat(20);

describe('parseStraceDump on literal excerpts', () => {
  it('reads a request and its reply, skipping the MSG_PEEK probe', () => {
    const out = parseStraceDump(SMALL);
    expect(out.map((d) => [d.syscall, d.direction, d.fd, d.pid, d.bytes.length])).toEqual([
      ['sendto', 'sent', 3, 2762, 32],
      ['recvmsg', 'received', 3, 2762, 52],
    ]);
    expect(hex(out[0].bytes)).toBe(REQUEST);
    expect(hex(out[1].bytes)).toBe(ERROR_REPLY);
    expect(out[0].socket).toEqual({ domain: 'AF_NETLINK', type: 'SOCK_RAW|SOCK_CLOEXEC', protocol: 'NETLINK_ROUTE' });
  });

  it('forgets an fd\'s socket after a traced close()', () => {
    const text = `${SMALL.replace(/2762 {2}\+\+\+.*\n/, '')}2762  sendto(3, "x", 32, 0, NULL, 0) = 32
 | 00000  20 00 00 00 10 00 05 00  00 00 00 00 00 00 00 00   ............... |
 | 00010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................ |
`;
    const out = parseStraceDump(text);
    expect(out).toHaveLength(3);
    expect(out[2].socket).toBeUndefined();
  });

  it('joins the iovecs of one call, and pairs <unfinished ...> with <... resumed> per pid', () => {
    const text = `[pid   101] recvmsg(5<NETLINK:[777]>,  <unfinished ...>
[pid   100] sendmsg(4, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\\x14...", iov_len=16}, {iov_base="\\x00...", iov_len=4}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 20
 * 16 bytes in buffer 0
 | 00000  14 00 00 00 03 00 02 00  01 00 00 00 02 00 00 00  ................ |
 * 4 bytes in buffer 1
 | 00000  00 00 00 00                                       ....             |
[pid   101] <... recvmsg resumed>{msg_name={sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base="...", iov_len=8}, {iov_base="...", iov_len=64}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 20 <0.000123>
 * 8 bytes in buffer 0
 | 00000  14 00 00 00 03 00 02 00                           ........         |
 * 12 bytes in buffer 1
 | 00000  01 00 00 00 02 00 00 00  00 00 00 00              ............     |
[pid   100] recvfrom(4, "...", 8192, MSG_DONTWAIT, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)
[pid   100] +++ exited with 0 +++
`;
    const out = parseStraceDump(text);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ syscall: 'sendmsg', direction: 'sent', fd: 4, pid: 100 });
    expect(out[1]).toMatchObject({ syscall: 'recvmsg', direction: 'received', fd: 5, pid: 101 });
    expect(hex(out[0].bytes)).toBe('1400000003000200010000000200000000000000');
    expect(hex(out[1].bytes)).toBe(hex(out[0].bytes));
  });

  it('accepts output without pids, with timestamps, and reads/writes', () => {
    const text = `12:00:00.000001 write(3, "\\x10\\x00", 16) = 16
 | 00000  10 00 00 00 03 00 00 00  00 00 00 00 00 00 00 00  ................ |
1700000000.000002 read(3, "\\x10\\x00", 32768) = 16
 | 00000  10 00 00 00 03 00 00 00  00 00 00 00 00 00 00 00  ................ |
--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---
`;
    const out = parseStraceDump(text);
    expect(out.map((d) => [d.syscall, d.direction, d.pid])).toEqual([
      ['write', 'sent', undefined],
      ['read', 'received', undefined],
    ]);
  });

  it('skips raw-flag peeks (-X raw), failed calls and unrelated syscalls with dumps', () => {
    const text = `recvfrom(3, "...", 4096, 0x22, NULL, NULL) = 16
 | 00000  10 00 00 00 03 00 00 00  00 00 00 00 00 00 00 00  ................ |
pwrite64(7, "abcd", 4, 0) = 4
 | 00000  61 62 63 64                                       abcd             |
sendto(3, "...", 16, 0, NULL, 0) = -1 ECONNREFUSED (Connection refused)
recvmsg(3, {msg_iov=[{iov_base="...", iov_len=8}], msg_iovlen=1, msg_flags=MSG_TRUNC}, 0) = 16
 * 8 bytes in buffer 0
 | 00000  10 00 00 00 03 00 00 00                           ........         |
`;
    const out = parseStraceDump(text);
    expect(out).toHaveLength(1); // the truncated receive, with the 8 bytes that arrived
    expect(hex(out[0].bytes)).toBe('1000000003000000');
  });

  it('returns nothing for empty input', () => {
    expect(parseStraceDump('')).toEqual([]);
  });
});

describe('parseStraceDump on malformed input', () => {
  const call = 'sendto(3, "...", 16, 0, NULL, 0) = 16';
  const line = ' | 00000  10 00 00 00 03 00 00 00  00 00 00 00 00 00 00 00  ................ |';

  it('rejects a dump line without a syscall', () => {
    expect(parseError(line).line).toBe(1);
  });
  it('rejects malformed hex', () => {
    const e = parseError(`${call}\n${line.replace('03 00', '0g 00')}`);
    expect(e.message).toMatch(/line 2: malformed hex byte "0g"/);
  });
  it('rejects a gap in the offsets', () => {
    const e = parseError(`${call.replace('= 16', '= 32')}\n${line}\n${line.replace('00000', '00020')}`);
    expect(e.message).toMatch(/line 3: hex dump offset 0x00020 where 0x10 was expected/);
  });
  it('rejects a dump shorter than the return value', () => {
    expect(parseError(`${call.replace('= 16', '= 20')}\n${line}`).message).toMatch(/returned 20 bytes but its hex dump holds 16/);
  });
  it('rejects a buffer shorter than announced', () => {
    const text = `sendmsg(3, {msg_iov=[...]}, 0) = 16\n * 20 bytes in buffer 0\n${line}`;
    expect(parseError(text).message).toMatch(/announced 20 bytes but its dump holds 16/);
  });
  it('rejects a successful send without any dump', () => {
    expect(parseError(call).message).toMatch(/no hex dump follows \(run strace with -e read=all -e write=all\)/);
  });
  it('rejects a resumed line without its unfinished line', () => {
    expect(parseError('42 <... recvmsg resumed>{}, 0) = 16').message).toMatch(/without a matching "<unfinished \.\.\.>"/);
  });
  it('rejects an unterminated call and unrecognised lines', () => {
    expect(parseError('sendto(3, "...", 16').message).toMatch(/unterminated argument list/);
    expect(parseError('hello world').message).toMatch(/line 1: unrecognised line/);
  });
  it('rejects a non-string', () => {
    expect(() => parseStraceDump(42 as unknown as string)).toThrow(StraceParseError);
  });

  it('never throws anything but StraceParseError, and never hangs, on shuffled fragments', () => {
    const fragments = [...SMALL.split('\n'), call, line, ' * 16 bytes in buffer 0', '1 recvmsg(3, <unfinished ...>',
      '1 <... recvmsg resumed>{}, 0) = 16', '(', '"', '/*', ' | ', ' | 0000', 'x(', '  '];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string()), { maxLength: 30 }), (parts) => {
        try {
          const out: StraceDatagram[] = parseStraceDump(parts.join('\n'));
          expect(Array.isArray(out)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(StraceParseError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseStraceDump on real captures', () => {
  it('ip -n NS link show dev lo: matches the link-lo fixture made from the same run', () => {
    const out = parseStraceDump(readFileSync(new URL('ip-link-lo.strace', samples), 'utf8'));
    const fixture = JSON.parse(readFileSync(new URL('link-lo.json', kernelFixtures), 'utf8')) as {
      datagrams: { direction: string; fd: number; hex: string }[];
    };
    expect(out.map((d) => ({ direction: d.direction, fd: d.fd, hex: hex(d.bytes) }))).toEqual(fixture.datagrams);
    // iproute2 6.1: probe on fd 3, name lookup on a second socket (fd 4), then the real request.
    expect(out.map((d) => `${d.syscall}:${d.fd}`)).toEqual([
      'sendto:3', 'recvmsg:3', 'sendmsg:4', 'recvmsg:4', 'sendmsg:3', 'recvmsg:3',
    ]);
    for (const d of out) {
      expect(u32(d.bytes, 0)).toBe(d.bytes.length); // one message per datagram here
      expect(d.socket?.protocol).toBe('NETLINK_ROUTE');
    }
  });

  it('python sendmsg/recvmsg_into with two iovecs, and a MSG_PEEK into a real buffer', () => {
    const out = parseStraceDump(readFileSync(new URL('python-iovecs.strace', samples), 'utf8'));
    expect(out.map((d) => [d.syscall, d.direction, d.bytes.length])).toEqual([
      ['sendmsg', 'sent', 32],
      ['recvmsg', 'received', 1468],
      ['sendto', 'sent', 32],
      ['recvfrom', 'received', 52],
    ]);
    expect(u32(out[0].bytes, 0)).toBe(32); // header from iovec 0, ifinfomsg from iovec 1
    expect(u32(out[0].bytes, 20)).toBe(1); // ifi_index = 1
    expect(u32(out[1].bytes, 0)).toBe(1468); // 16 bytes in iovec 0, 1452 in iovec 1
    expect(out[1].bytes.subarray(16, 20)).toEqual(new Uint8Array([0, 0, 4, 3])); // ifi_family, pad, ARPHRD_LOOPBACK
    expect(new DataView(out[3].bytes.buffer).getInt32(16, true)).toBe(-19); // -ENODEV, reported once
  });

  it('python threads: <unfinished ...> / <... resumed> around a multicast notification', () => {
    const out = parseStraceDump(readFileSync(new URL('python-threads.strace', samples), 'utf8'));
    expect(out.map((d) => [d.syscall, d.direction, d.fd])).toEqual([
      ['sendto', 'sent', 4],
      ['recvfrom', 'received', 3],
      ['recvfrom', 'received', 4],
    ]);
    expect(out[1].pid).not.toBe(out[0].pid);
    expect(new DataView(out[1].bytes.buffer).getUint16(4, true)).toBe(16); // RTM_NEWLINK event
    expect(new DataView(out[2].bytes.buffer).getInt32(16, true)).toBe(0); // the ACK
  });
});
