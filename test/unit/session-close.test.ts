// A handle's close signal, which its event streams listen to: made when first asked for (a
// command that opens no stream does not load Node's AbortController), and aborted by close()
// whether it was asked for before or after.

import { describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../src/netlink/capture/index.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';

describe('Rtnl.closeSignal', () => {
  it('asked for before close(): not aborted, then aborted by close(), once', async () => {
    const rtnl = await Rtnl.open({ transport: new ReplayTransport([]) });
    const signal = rtnl.closeSignal;
    let aborts = 0;
    signal.addEventListener('abort', () => aborts++);
    expect(signal.aborted).toBe(false);
    expect(rtnl.closeSignal).toBe(signal);
    rtnl.close();
    rtnl.close();
    expect([signal.aborted, aborts]).toEqual([true, 1]);
  });

  it('asked for only after close(): already aborted; no socket opens on a closed handle', async () => {
    const rtnl = await Rtnl.open({ transport: new ReplayTransport([]) });
    rtnl.close();
    expect(rtnl.closeSignal.aborted).toBe(true);
    expect(() => rtnl.openSocket()).toThrow('the handle is closed');
  });
});
