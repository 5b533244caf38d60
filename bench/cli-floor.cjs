// The floor of `rtnl -n NS link show` (npm run bench -- cli): the least a node command doing the
// same costs here. It opens ffi-rs's platform binary with process.dlopen (the library finds the
// same file in node_modules without Node's resolver), enters the namespace (setns on
// /run/netns/NS), opens a netlink socket, dumps the links through fs.writeSync/readSync (as the
// library does), and writes each link's index and name to fd 1 with write(2) (as the command
// does): no library, no checks, no model, no formatting.
//
//   node bench/cli-floor.cjs NS
'use strict';
const { openSync, closeSync, readSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const ns = process.argv[2];
const ffi = { exports: {} };
process.dlopen(ffi, join(__dirname, '..', 'node_modules', '@yuuang', `ffi-rs-linux-${process.arch}-gnu`, `ffi-rs.linux-${process.arch}-gnu.node`));
const { open, load, DataType } = ffi.exports;
open({ library: 'libc', path: '' });
const call = (funcName, paramsValue) =>
  load({ library: 'libc', funcName, retType: DataType.I32, paramsType: paramsValue.map(() => DataType.I32), paramsValue, freeResultMemory: false });

const nsFd = openSync(`/run/netns/${ns}`, 'r');
if (call('setns', [nsFd, 0x40000000]) !== 0) throw new Error('setns failed'); // CLONE_NEWNET
closeSync(nsFd);
const fd = call('socket', [16, 3 | 0x80000, 0]); // AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE
if (fd < 0) throw new Error('socket failed');

const req = Buffer.alloc(32);
req.writeUInt32LE(32, 0);
req.writeUInt16LE(18, 4); // RTM_GETLINK
req.writeUInt16LE(0x301, 6); // NLM_F_REQUEST | NLM_F_DUMP
req.writeUInt32LE(1, 8);
writeSync(fd, req);

const buf = Buffer.allocUnsafe(1 << 20);
let out = '';
for (let done = false; !done; ) {
  const n = readSync(fd, buf, 0, buf.length, null);
  for (let off = 0; off + 16 <= n; ) {
    const len = buf.readUInt32LE(off);
    const type = buf.readUInt16LE(off + 4);
    if (type === 3 || type === 2) done = true; // NLMSG_DONE, NLMSG_ERROR
    if (type === 16) {
      const index = buf.readInt32LE(off + 20);
      for (let p = off + 32; p + 4 <= off + len; ) {
        const alen = buf.readUInt16LE(p);
        if (buf.readUInt16LE(p + 2) === 3) out += `${index}: ${buf.toString('latin1', p + 4, p + alen - 1)}\n`; // IFLA_IFNAME
        p += (alen + 3) & ~3;
      }
    }
    off += (len + 3) & ~3;
  }
}
closeSync(fd);
writeSync(1, out);
