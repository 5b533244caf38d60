// npm run demo: builds throwaway network namespaces with the library alone (no `ip`), shows what
// the kernel holds, and removes everything, also on failure or Ctrl-C.

import { formatTable } from '../src/cli/table.js';
import { addNetns, deleteNetns, netnsExists } from '../src/ns/netns.js';
import { Rtnl } from '../src/rtnl/rtnl.js';

const tag = `rtnl-demo-${process.pid}`;
const created: string[] = [];
const handles: Rtnl[] = [];

function cleanup(): void {
  for (const h of handles.splice(0)) h.close();
  for (const name of created.splice(0)) if (netnsExists(name)) deleteNetns(name);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}
process.on('exit', cleanup);

function namespace(suffix: string): string {
  const name = `${tag}-${suffix}`;
  addNetns(name);
  created.push(name);
  return name;
}

async function open(netns: string): Promise<Rtnl> {
  const h = await Rtnl.open({ netns });
  handles.push(h);
  return h;
}

async function show(title: string, rtnl: Rtnl): Promise<void> {
  const links = await rtnl.links.list();
  const names = new Map(links.map((l) => [l.index, l.name]));
  console.log(`\n== ${title}: links`);
  console.log(
    formatTable(
      ['index', 'name', 'kind', 'state', 'mtu', 'mac', 'master', 'flags'],
      links.map((l) => [l.index, l.name, l.linkinfo?.kind ?? '', l.operstate, l.mtu, l.address, l.master ? names.get(l.master) : '', (l.flags ?? []).join(',')]),
    ),
  );
  const addrs = await rtnl.addresses.list();
  console.log(`\n== ${title}: addresses`);
  console.log(
    formatTable(
      ['link', 'family', 'address', 'scope', 'flags'],
      addrs.map((a) => [names.get(a.index), a.family, `${a.address}/${a.prefixlen}`, a.scope, (a.flags ?? []).join(',')]),
    ),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const ns = namespace('a');
  const rtnl = await open(ns);
  await rtnl.links.set('lo', { up: true });
  await rtnl.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' } });
  for (const l of ['veth0', 'veth1']) await rtnl.links.set(l, { up: true });
  await rtnl.addresses.add({ link: 'veth0', address: '192.0.2.1/24' });
  await rtnl.addresses.add({ link: 'veth1', address: '192.0.2.2/24' });
  await rtnl.addresses.add({ link: 'veth0', address: '2001:db8::1/64', flags: ['nodad'] });
  await rtnl.addresses.add({ link: 'veth1', address: '2001:db8::2/64', flags: ['nodad'] });
  await show(ns, rtnl);
  const lo = await rtnl.links.get('lo');
  if (!lo.flags?.includes('up')) throw new Error('lo is not up');
  cleanup();
  console.log(`\ndemo: ok in ${((performance.now() - started) / 1000).toFixed(2)} s; namespaces removed`);
}

main().catch((err: unknown) => {
  console.error('demo failed:', err);
  cleanup();
  process.exitCode = 1;
});
