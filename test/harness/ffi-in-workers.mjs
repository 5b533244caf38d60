// Run by test/unit/ffi-load.test.ts in a fresh process, whose main thread never loads ffi-rs:
// worker threads load it first (the library's loader, src/sys/ffi.ts), call getpid() through it,
// and end, by terminate() and by their own exit. Prints "all ended" if the process survived that.
//   node test/harness/ffi-in-workers.mjs
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  for (const end of ['terminate', 'exit', 'terminate', 'exit']) {
    const w = new Worker(new URL(import.meta.url), { workerData: end });
    const exited = new Promise((resolve) => w.once('exit', resolve));
    const pid = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    if (pid !== process.pid) throw new Error(`getpid() in the worker gave ${pid}`);
    if (end === 'terminate') await w.terminate();
    await exited;
  }
  console.log('all ended');
} else {
  // tsx's loader for the TypeScript source, registered here: a worker does not get the main thread's.
  (await import('tsx/esm/api')).register();
  const { loadFfiRs } = await import('../../src/sys/ffi.ts');
  const ffi = loadFfiRs();
  ffi.open({ library: 'worker-libc', path: '' });
  parentPort.postMessage(ffi.load({ library: 'worker-libc', funcName: 'getpid', retType: ffi.DataType.I32, paramsType: [], paramsValue: [] }));
  if (workerData === 'exit') process.exit(0);
  else setInterval(() => undefined, 1000);
}
