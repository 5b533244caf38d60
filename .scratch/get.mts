import { Rtnl } from '../src/index.js';
import { execSync } from 'node:child_process';
const ns = 'rtnltest-get';
execSync(`ip netns add ${ns}; ip -n ${ns} link add v2 type veth peer name v3; tc -n ${ns} qdisc add dev v2 root handle 5: tbf rate 3mbit burst 15k limit 30000`);
try {
  const r = await Rtnl.open({ netns: ns });
  for (const ref of [{ link: 'v2', handle: '5:' }, { link: 'v2', parent: 'root' }, { link: 'v2', handle: '5:', parent: 'root' }]) {
    try { console.log(JSON.stringify(await r.qdiscs.get(ref))); } catch (e) { console.log(String(e)); }
  }
  r.close();
} finally { execSync(`ip netns del ${ns}`); }
