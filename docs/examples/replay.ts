// Record once as root, replay anywhere: the recipe in docs/recipes/record-replay.md.
//
//   sudo npx tsx docs/examples/replay.ts record fixtures/links.pcap [NETNS]   # once, as root
//   npx tsx docs/examples/replay.ts replay fixtures/links.pcap        # in CI, no root, no kernel
import { Rtnl, addNetns, deleteNetns } from 'rtnetlink';
import { RecordingTransport, ReplayTransport } from 'rtnetlink/capture';
import { NetlinkSocket, openNetns } from 'rtnetlink/netlink';

/** The code under test: it takes a handle, so a test can hand it a replaying one. */
export async function upLinks(rtnl: Rtnl): Promise<string[]> {
  const links = await rtnl.links.list();
  return links.filter((l) => (l.flags ?? []).includes('up')).map((l) => l.name ?? `if${l.index}`);
}

/** Once, as root: builds a known state in a throwaway namespace (`name`) and records a session there. */
export async function record(pcapPath: string, name = `record-${process.pid}`): Promise<string[]> {
  addNetns(name);
  const ns = openNetns(name);
  try {
    const setup = await Rtnl.open({ netns: name });
    try {
      await setup.links.set('lo', { up: true });
      await setup.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' }, address: '02:00:00:00:00:01', up: true });
      await setup.addresses.add({ link: 'veth0', address: '192.0.2.1/24' });
    } finally {
      setup.close();
    }
    // Only the session of the code under test is recorded: its handle's socket, wrapped.
    const rtnl = await Rtnl.open({ transport: RecordingTransport.toFile(NetlinkSocket.open({ netnsFd: ns.fd }), pcapPath) });
    try {
      return await upLinks(rtnl);
    } finally {
      rtnl.close(); // also closes the pcap file
    }
  } finally {
    ns.close();
    deleteNetns(name);
  }
}

/** In CI: the same code, answered from the capture. No root, no namespace, no kernel. */
export async function replay(pcapPath: string): Promise<string[]> {
  const rtnl = await Rtnl.open({ transport: ReplayTransport.fromFile(pcapPath) });
  try {
    return await upLinks(rtnl);
  } finally {
    rtnl.close();
  }
}

const [mode, file = 'links.pcap', netns] = process.argv.slice(2);
if (mode === 'record') console.log(await record(file, netns));
else if (mode === 'replay') console.log(await replay(file));
