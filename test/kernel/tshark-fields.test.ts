// A session recorded with Rtnl.open({ capture }), decoded by Wireshark's netlink-route dissector
// (tshark) and by this library: the same message types and the same key fields, message by message.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Reader } from '../../src/netlink/bytes.js';
import { readCapture } from '../../src/netlink/capture/pcap.js';
import { forEachMessage } from '../../src/netlink/message.js';
import { RTM_NEWADDR, addrMessage } from '../../src/rtnl/generated/addr.js';
import { RTM_NEWLINK, linkMessage } from '../../src/rtnl/generated/link.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-tshark-'));
const file = path.join(dir, 'session.pcap');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
  } catch {
    // As in .ci/run: install it where it is missing (root, Debian).
    execFileSync('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark'], { stdio: 'ignore', timeout: 600_000 });
  }
}, 620_000);

it('tshark and the library decode the same links and addresses from a capture', async () => {
  const rtnl = await Rtnl.open({ netns: ns.name, capture: file });
  await rtnl.links.add({ name: 'wsk0', kind: 'veth', peer: { name: 'wsk1' }, mtu: 1400 });
  await rtnl.addresses.add({ link: 'wsk0', address: '192.0.2.9/24', label: 'wsk0:x' });
  await rtnl.addresses.add({ link: 'wsk0', address: '198.51.100.9/24', label: 'wsk0:y' });
  await rtnl.links.list();
  await rtnl.addresses.list({ family: 'inet' });
  rtnl.close();

  // Ours, per packet: the links and addresses in each received datagram.
  const ours = readCapture(fs.readFileSync(file)).map((d) => {
    const links: string[] = [];
    const addrs: string[] = [];
    const types: number[] = [];
    const r = new Reader(d.bytes);
    forEachMessage(r, (m) => {
      types.push(m.type);
      if (d.direction !== 'received') return;
      if (m.type === RTM_NEWLINK) {
        const l = linkMessage.decode(r, m.payloadOffset, m.end);
        links.push(`${l.index}|${l.name}|${l.mtu}`);
      } else if (m.type === RTM_NEWADDR) {
        const a = addrMessage.decode(r, m.payloadOffset, m.end);
        addrs.push(`${a.index}|${a.prefixlen}|${a.address}|${a.label ?? ''}`);
      }
    });
    return { links, addrs, types };
  });

  // tshark's, per packet, from the same file.
  const fields = ['netlink.hdr_type', 'netlink-route.nltype', 'netlink-route.ifi_index', 'netlink-route.ifla_ifname', 'netlink-route.ifla_mtu', 'netlink-route.ifa_index', 'netlink-route.ifa_prefixlen', 'netlink-route.ifa_address.ipv4', 'netlink-route.ifa_label'];
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  const rows = out.trimEnd().split('\n').map((line) => line.split('|').map((c) => (c === '' ? [] : c.split(','))));
  expect(rows.length).toBe(ours.length);

  let linksSeen = 0;
  let addrsSeen = 0;
  rows.forEach(([, , ifiIndex, ifname, mtu, ifaIndex, prefixlen, address, label], i) => {
    const mine = ours[i];
    if (mine.links.length > 0 && ifname.length === ifiIndex.length) {
      expect(ifiIndex.map((x, j) => `${x}|${ifname[j]}|${mtu[j]}`)).toEqual(mine.links);
      linksSeen += mine.links.length;
    }
    if (mine.addrs.length > 0) {
      // Every IPv4 address message carries IFA_ADDRESS and IFA_LOCAL: tshark lists both.
      const addrOnly = address.filter((_, j) => j % 2 === 0);
      expect(ifaIndex.map((x, j) => `${x}|${prefixlen[j]}|${addrOnly[j]}|${label[j] ?? ''}`)).toEqual(mine.addrs);
      addrsSeen += mine.addrs.length;
    }
  });
  expect(linksSeen).toBeGreaterThanOrEqual(3);
  expect(addrsSeen).toBeGreaterThanOrEqual(2);
});
