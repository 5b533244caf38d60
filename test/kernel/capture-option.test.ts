// Rtnl.open({ capture }): any handle records its traffic to a pcap file that replays into the same objects.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readCapture } from '../../src/netlink/capture/pcap.js';
import { ReplayTransport } from '../../src/netlink/capture/replay.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-capture-option-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('records a handle with the capture option and replays it into equal objects', async () => {
  const file = path.join(dir, 'session.pcap');
  const rtnl = await Rtnl.open({ netns: ns.name, capture: file });
  await rtnl.links.add({ name: 'cap0', kind: 'veth', peer: { name: 'cap1' } });
  await rtnl.addresses.add({ link: 'cap0', address: '192.0.2.77/24' });
  const links = await rtnl.links.list();
  const addrs = await rtnl.addresses.list({ family: 'inet' });
  rtnl.close();

  const datagrams = readCapture(fs.readFileSync(file));
  expect(datagrams.filter((d) => d.direction === 'sent').length).toBeGreaterThanOrEqual(4);
  expect(datagrams.filter((d) => d.direction === 'received').length).toBeGreaterThanOrEqual(4);

  const replay = await Rtnl.open({ transport: ReplayTransport.fromFile(file) });
  expect(await replay.links.list()).toEqual(links);
  expect(await replay.addresses.list({ family: 'inet' })).toEqual(addrs);
  replay.close();
});
