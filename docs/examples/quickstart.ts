// The README's example: a namespace, a veth pair with an address, the links listed, cleanup.
import { NetlinkError, Rtnl, addNetns, deleteNetns } from 'rtnetlink';

addNetns('blue'); // like `ip netns add blue`
const rtnl = await Rtnl.open({ netns: 'blue' }); // a handle inside it; the process stays put
try {
  await rtnl.links.set('lo', { up: true });
  await rtnl.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' }, up: true });
  await rtnl.addresses.add({ link: 'veth0', address: '192.0.2.1/24' });
  await rtnl.routes.add({ dst: 'default', gateway: '192.0.2.254', oif: 'veth0' });

  for (const link of await rtnl.links.list()) {
    console.log(link.index, link.name, link.kind, link.operstate, link.flags);
  }
  const vxlan = await rtnl.links.add({ name: 'vx0', kind: 'vxlan', link: 'veth0', data: { id: 42, port: 4789 } });
  console.log(vxlan.data); // { id: 42, port: 4789, ... } typed per kind
  console.log(await rtnl.routes.get({ to: '198.51.100.7' }));
} catch (err) {
  if (err instanceof NetlinkError) console.error(err.code, err.extack.message, err.attributePath);
  else throw err;
} finally {
  rtnl.close();
  deleteNetns('blue');
}
