import { readFileSync } from 'node:fs';
import { splitMessages } from '../src/netlink/message.js';
import { Reader, Writer } from '../src/netlink/bytes.js';
import { tcMessage } from '../src/rtnl/generated/tc.js';
import { qdiscFromWire, qdiscToWire } from '../src/rtnl/tc/qdisc/mapping.js';
for (const name of process.argv.slice(2)) {
  const fx = JSON.parse(readFileSync(`test/fixtures/kernel/tc/${name}.json`, 'utf8'));
  for (const d of fx.datagrams) {
    const buf = Buffer.from(d.hex, 'hex');
    for (const m of splitMessages(buf)) {
      console.log(name, d.direction, m.type, m.flags.toString(16), m.end - m.payloadOffset);
      if (d.direction === 'sent' && m.type === 36) {
        const w = tcMessage.decode(new Reader(buf), m.payloadOffset, m.end);
        const q = qdiscFromWire(w);
        console.dir(w, { depth: 5 }); console.log(JSON.stringify(q));
        const w2 = qdiscToWire(q as any);
        const out = new Writer(64); tcMessage.encode(out, w2);
        const a = Buffer.from(out.take()), b = buf.subarray(m.payloadOffset, m.end);
        console.log(a.equals(b) ? 'SAME BYTES' : `DIFF\n${a.toString('hex')}\n${b.toString('hex')}`);
      }
    }
  }
}
