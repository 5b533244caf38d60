import { Rtnl } from '/work/wt/tc/src/index.js';
import { execSync } from 'node:child_process';
const ns = 'rtnltest-q1';
execSync(`ip netns add ${ns}; ip -n ${ns} link add v0 type veth peer name v1; ip -n ${ns} link set v0 up; ip -n ${ns} link set v1 up`);
try {
  const r = await Rtnl.open({ netns: ns });
  const q = await r.qdiscs.add({ link: 'v0', kind: 'tbf', handle: '1:', options: { rate: 8e6, burst: 4096, limit: 404096 } });
  console.log(JSON.stringify(q));
  console.log(execSync(`tc -n ${ns} -j -s qdisc show dev v0`).toString());
  await r.qdiscs.add({ link: 'v0', kind: 'ingress' });
  const all = await r.qdiscs.list();
  console.log(JSON.stringify(all));
  try { await r.qdiscs.add({ link: 'v1', kind: 'netem', options: { limit: 10 } }); } catch (e) { console.log(String(e)); }
  try { await r.qdiscs.add({ link: 'v1', kind: 'pfifo', parent: '7:1' }); } catch (e) { console.log(String(e)); }
  try { await r.qdiscs.add({ link: 'v1', kind: 'tbf', options: { rate: 'fast' as any, burst: 1, limit: 1 } }); } catch (e) { console.log(String(e)); }
  r.close();
} finally { execSync(`ip netns del ${ns}`); }
