// A worker thread of test/kernel/monitor-worker.test.ts, in the namespace named by workerData.ns.
// mode 'monitor': monitors links and posts the name of each new link to its parent, until it is
// terminated. mode 'close': lists the links, waits for one link event, closes its handle and posts
// the names it listed; the worker then ends by itself.
import { parentPort, workerData } from 'node:worker_threads';

// tsx's loader, for the TypeScript sources: a worker does not get its parent's.
(await import('tsx/esm/api')).register();
const { Rtnl } = await import('../../src/rtnl/rtnl.ts');
const rtnl = await Rtnl.open({ netns: workerData.ns });
const events = rtnl.monitor(['link'])[Symbol.asyncIterator]();
// The socket has joined the group once iteration has started: only then is the parent told.
let next = events.next();
parentPort.postMessage('monitoring');
if (workerData.mode === 'close') {
  const names = (await rtnl.links.list()).map((l) => l.name);
  await next;
  rtnl.close();
  parentPort.postMessage(names);
} else {
  for (let r = await next; !r.done; r = await next) {
    if (r.value.type === 'new' && r.value.family === 'link') parentPort.postMessage(r.value.object.name);
    next = events.next();
  }
}
