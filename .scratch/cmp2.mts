import { readFileSync } from 'node:fs';
import { splitMessages } from '../src/netlink/message.js';
import { Reader, Writer } from '../src/netlink/bytes.js';
import { tcMessage } from '../src/rtnl/generated/tc.js';
import { qdiscToWire } from '../src/rtnl/tc/qdisc/mapping.js';
import { parseRate, parseSize } from '../src/rtnl/tc/common/units.js';
const cases: [string, any][] = [
  ['qdisc-add-tbf-peak', { link: 3, kind: 'tbf', handle: '1:', options: { rate: parseRate('10gbit'), burst: parseSize('1mb'), limit: 3000000, peakrate: parseRate('12gbit'), mtu: 9000 } }],
];
for (const [name, spec] of cases) {
  const fx = JSON.parse(readFileSync(`test/fixtures/kernel/tc/${name}.json`, 'utf8'));
  for (const d of fx.datagrams) {
    const buf = Buffer.from(d.hex, 'hex');
    for (const m of splitMessages(buf)) if (d.direction === 'sent' && m.type === 36) {
      const out = new Writer(64); tcMessage.encode(out, qdiscToWire(spec));
      console.log(Buffer.from(out.take()).equals(buf.subarray(m.payloadOffset, m.end)) ? 'SAME' : 'DIFF');
    }
  }
}
