// Save, delete and restore: what list() returns, delete() and add() take back as it is.
import { Rtnl, addNetns, addressKey, deleteNetns, type Address, type Nexthop } from 'rtnetlink';

addNetns('blue');
const rtnl = await Rtnl.open({ netns: 'blue' });
try {
  await rtnl.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' }, up: true });
  await rtnl.addresses.add({ link: 'veth0', address: '192.0.2.1/24', validLifetime: 3600, preferredLifetime: 1800 });
  await rtnl.addresses.add({ link: 'veth0', address: '198.51.100.1', peer: '198.51.100.2/32' });
  await rtnl.neighbours.add({ link: 'veth0', address: '192.0.2.2', lladdr: '02:00:00:00:00:02' });
  await rtnl.nexthops.add({ id: 1, gateway: '192.0.2.2', oif: 'veth0' });
  await rtnl.nexthops.add({ id: 2, gateway: '192.0.2.3', oif: 'veth0' });
  await rtnl.nexthops.add({ id: 10, group: [{ id: 1, weight: 300 }, { id: 2 }] }); // weights up to 65535

  // Save.
  const addresses: Address[] = await rtnl.addresses.list({ link: 'veth0', family: 'inet' });
  const neighbours = (await rtnl.neighbours.list({ link: 'veth0' })).filter((n) => n.state === 'permanent');
  const nexthops: Nexthop[] = await rtnl.nexthops.list();
  console.log(addresses.map((a) => `${a.address}${a.peer ? ` peer ${a.peer}` : ''} valid ${a.validLifetime ?? 'forever'}`));
  console.log(nexthops.map((n) => n.group ?? n.gateway));

  // Delete exactly those objects (groups before their members).
  for (const n of [...nexthops].reverse()) await rtnl.nexthops.delete(n);
  for (const n of neighbours) await rtnl.neighbours.delete(n);
  for (const a of addresses) await rtnl.addresses.delete(a);

  // Restore them as they were (members before their groups).
  for (const a of addresses) await rtnl.addresses.add(a);
  for (const n of neighbours) await rtnl.neighbours.add(n);
  for (const n of nexthops) await rtnl.nexthops.add(n);

  // The same addresses again, by identity.
  const again = new Set((await rtnl.addresses.list({ link: 'veth0', family: 'inet' })).map(addressKey));
  console.log(addresses.every((a) => again.has(addressKey(a))));
} finally {
  rtnl.close();
  deleteNetns('blue');
}
