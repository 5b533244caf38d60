// Watching a namespace: the current links and addresses, then every change, until aborted.
import { Rtnl, isKind } from 'rtnetlink';

const rtnl = await Rtnl.open({ netns: 'blue' });
const stop = new AbortController();
setTimeout(() => stop.abort(), 10_000);

for await (const ev of rtnl.watch(['link', 'address'], { signal: stop.signal })) {
  if (ev.type === 'overrun') console.warn('the kernel dropped events; a resync follows');
  else if (ev.type === 'synced') console.log('-- initial state complete --');
  // A message that did not decode: the stream goes on (and re-dumps the family concerned).
  else if (ev.type === 'malformed') console.warn('skipped a malformed message:', ev.error.message);
  else if (ev.type === 'new' || ev.type === 'del') {
    if (ev.family === 'link') {
      const link = ev.object;
      const vni = isKind(link, 'vxlan') ? ` vni ${link.data?.id}` : '';
      console.log(ev.type, 'link', ev.object.name, ev.object.operstate, vni);
    } else if (ev.family === 'address') {
      console.log(ev.type, 'address', ev.object.address, 'on', ev.object.link);
    }
  }
}
// Also ends any other stream of this handle.
rtnl.close();
