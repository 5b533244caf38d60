// Save, delete, restore: what links.list() returns is what links.add() takes. The saved links
// go through JSON (64-bit counters print as decimal strings; add() ignores counters anyway).
import { Rtnl, type Link } from 'rtnetlink';

const rtnl = await Rtnl.open({ netns: 'blue' });
try {
  await rtnl.links.add({ name: 'br0', kind: 'bridge', data: { stpState: 0, forwardDelay: 0 }, mtu: 1400 });
  await rtnl.links.add({ name: 'mv0', kind: 'macvlan', link: 'br0', data: { mode: 'bridge' }, alias: 'uplink' });

  // Save: plain JSON.
  const saved = JSON.stringify((await rtnl.links.list()).filter((l) => l.name === 'br0' || l.name === 'mv0'));

  // Delete by the listed objects themselves (their index is used); mv0 goes first.
  const listed = JSON.parse(saved) as Link[];
  for (const link of [...listed].reverse()) await rtnl.links.delete(link);

  // Restore in the saved order: a lower link before the links on it. A listed link names its
  // lower link (and master) by index, and indexes change when links are re-created: map them.
  const newIndex = new Map<number, number>();
  for (const link of listed) {
    const lower = link.link !== undefined ? (newIndex.get(link.link) ?? link.link) : undefined;
    const made = await rtnl.links.add({ ...link, link: lower });
    newIndex.set(link.index, made.index);
    console.log('re-created', made.name, made.kind, made.alias ?? '', made.mtu);
  }

  // A veth pair: a listed veth carries only its peer's index; give the listed peer as `peer`.
  await rtnl.links.add({ name: 'va', kind: 'veth', peer: { name: 'vb', mtu: 1300 } });
  const [va, vb] = [await rtnl.links.get('va'), await rtnl.links.get('vb')];
  await rtnl.links.delete(va);
  await rtnl.links.add({ ...va, peer: vb });
} finally {
  rtnl.close();
}
