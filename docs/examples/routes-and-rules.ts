// Routes and rules are values that can be kept and given back: list them, save them as JSON,
// delete exactly what was listed, restore it, and diff by identity.
import { Rtnl, addNetns, deleteNetns, routeKey, ruleKey, type Route, type Rule } from 'rtnetlink';

addNetns('green');
const rtnl = await Rtnl.open({ netns: 'green' });
try {
  await rtnl.links.set('lo', { up: true });
  await rtnl.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' }, up: true });
  await rtnl.addresses.add({ link: 'veth0', address: '192.0.2.1/24' });
  // Written the way `ip route add ... nexthop via ... weight 3 nexthop via ... weight 1` says it.
  await rtnl.routes.add({
    dst: '198.51.100.0/24',
    table: 1000,
    nexthops: [
      { gateway: '192.0.2.2', oif: 'veth0', weight: 3 },
      { gateway: '192.0.2.3', oif: 'veth0', weight: 1 },
    ],
  });
  await rtnl.rules.add({ priority: 100, from: '192.0.2.0/24', table: 1000 });

  // Listed as they were written: prefixes with their length, one table id, the weights as given.
  const routes: Route[] = await rtnl.routes.list({ table: 1000 });
  const rules: Rule[] = (await rtnl.rules.list({ family: 'inet' })).filter((r) => r.table === 1000);
  console.log(routes[0]);
  // { family: 'inet', dst: '198.51.100.0/24', table: 1000, type: 'unicast', protocol: 'boot',
  //   scope: 'global', flags: ['linkdown'], nexthops: [{ oif: 3, weight: 3, flags: ['linkdown'],
  //   gateway: '192.0.2.2' }, { oif: 3, weight: 1, flags: ['linkdown'], gateway: '192.0.2.3' }] }
  // (`linkdown` while the peer veth1 is down: a state the kernel reports; add() does not send it.)
  console.log(rules[0]);
  // { family: 'inet', priority: 100, action: 'to-tbl', flags: [], protocol: 'unspec',
  //   from: '192.0.2.0/24', table: 1000 }

  // Save, delete exactly what was listed, restore: the same routes and rules again.
  const saved = JSON.stringify({ routes, rules });
  for (const r of routes) await rtnl.routes.delete(r);
  for (const r of rules) await rtnl.rules.delete(r);
  const back = JSON.parse(saved) as { routes: Route[]; rules: Rule[] };
  for (const r of back.routes) await rtnl.routes.add(r);
  for (const r of back.rules) await rtnl.rules.add(r);

  // Diff by identity: routeKey and ruleKey say which objects are "the same route / rule".
  const now = new Set((await rtnl.routes.list({ table: 1000 })).map(routeKey));
  console.log('routes restored:', routes.every((r) => now.has(routeKey(r))));
  const nowRules = new Set((await rtnl.rules.list({ family: 'inet' })).map(ruleKey));
  console.log('rules restored:', rules.every((r) => nowRules.has(ruleKey(r))));
} finally {
  rtnl.close();
  deleteNetns('green');
}
