// Bytes captured from this kernel decode into the expected objects: what `ip -j` printed for the
// same state (recorded in each fixture), requests into what the command asked for, and errors into
// their errno, extended-ACK text and the attribute path the kernel's offset points to.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addressToIpJson, linkToIpJson, type IpJsonObject } from '../../src/cli/ipjson.js';
import { Reader } from '../../src/netlink/bytes.js';
import { NLMSG_ERROR } from '../../src/netlink/constants.js';
import { decodeErrorPayload, forEachMessage } from '../../src/netlink/message.js';
import { addressFromWire } from '../../src/rtnl/address/mapping.js';
import { RTM_NEWADDR, addrMessage } from '../../src/rtnl/generated/addr.js';
import { RTM_NEWLINK, linkMessage } from '../../src/rtnl/generated/link.js';
import type { Link } from '../../src/rtnl/link/links.js';
import { linkFromWire } from '../../src/rtnl/link/mapping.js';

interface Fixture {
  command: string;
  datagrams: { direction: 'sent' | 'received'; hex: string; fd?: number }[];
  ipJson?: IpJsonObject[];
}

const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../fixtures/kernel/${name}.json`, import.meta.url), 'utf8')) as Fixture;

// The messages of the given type in the datagrams going one way, decoded with `decode`.
function messages<T>(fx: Fixture, direction: 'sent' | 'received', type: number, decode: (r: Reader, off: number, end: number) => T): T[] {
  const out: T[] = [];
  for (const d of fx.datagrams.filter((x) => x.direction === direction)) {
    const r = new Reader(Buffer.from(d.hex, 'hex'));
    forEachMessage(r, (m) => {
      if (m.type === type) out.push(decode(r, m.payloadOffset, m.end));
    });
  }
  return out;
}

// The request bytes the kernel refused, and its error.
function refused(fx: Fixture): { request: Uint8Array; error: ReturnType<typeof decodeErrorPayload> } {
  const sent = fx.datagrams.filter((d) => d.direction === 'sent').map((d) => Buffer.from(d.hex, 'hex'));
  for (const d of fx.datagrams.filter((x) => x.direction === 'received')) {
    const r = new Reader(Buffer.from(d.hex, 'hex'));
    let found: ReturnType<typeof decodeErrorPayload> | undefined;
    forEachMessage(r, (m) => {
      if (m.type === NLMSG_ERROR) {
        const e = decodeErrorPayload(r, m.payloadOffset, m.end, m.flags);
        if (e.error !== 0 && e.error !== -19) found = e; // the probe iproute2 sends first gets ENODEV
      }
    });
    if (found) {
      const seq = found.request.seq;
      const request = sent.find((b) => b.readUInt32LE(8) === seq && b.readUInt16LE(4) === found?.request.type);
      return { request: (request ?? new Uint8Array(0)).subarray(0, found.request.length), error: found };
    }
  }
  throw new Error('no error in fixture');
}

describe('replies decode into what ip printed for the same state', () => {
  it('link-dump: every link, field by field as ip -j -d link show', () => {
    const fx = load('link-dump');
    const links = messages(fx, 'received', RTM_NEWLINK, (r, o, e) => linkFromWire(linkMessage.decode(r, o, e)));
    // iproute2 looks links up by name on a second socket too: keep the dump's (one per index).
    const byIndex = new Map<number, Link>();
    for (const l of links) if (!byIndex.has(l.index as number)) byIndex.set(l.index as number, l);
    const ip = fx.ipJson as IpJsonObject[];
    expect([...byIndex.keys()].sort()).toEqual(ip.map((l) => l.ifindex).sort());
    for (const theirs of ip) {
      const ours = linkToIpJson(byIndex.get(theirs.ifindex as number) as Link, byIndex, true);
      for (const key of ['ifname', 'flags', 'mtu', 'qdisc', 'operstate', 'linkmode', 'group', 'txqlen', 'link_type', 'address', 'broadcast', 'master', 'link', 'min_mtu', 'max_mtu', 'num_tx_queues', 'num_rx_queues']) {
        expect({ link: theirs.ifname, key, value: ours[key] }).toEqual({ link: theirs.ifname, key, value: theirs[key] });
      }
      const li = theirs.linkinfo as IpJsonObject | undefined;
      expect((ours.linkinfo as IpJsonObject | undefined)?.info_kind).toEqual(li?.info_kind);
    }
    const vxlan = [...byIndex.values()].find((l) => l.kind === 'vxlan');
    expect(vxlan?.data).toMatchObject({ id: 42, port: 4789, local: '192.0.2.1', group: '192.0.2.2' });
  });

  it('addr-dump: every address, field by field as ip -j addr show', () => {
    const fx = load('addr-dump');
    const addrs = messages(fx, 'received', RTM_NEWADDR, (r, o, e) => addressFromWire(addrMessage.decode(r, o, e)));
    const theirs = (fx.ipJson as IpJsonObject[]).flatMap((l) => (l.addr_info as IpJsonObject[]).map((a) => ({ ifindex: l.ifindex, ...a })));
    const ours = addrs.map((a) => ({ ifindex: a.link, ...addressToIpJson(a) }));
    const key = (a: IpJsonObject): string => `${String(a.ifindex)} ${String(a.local)}`;
    const strip = (xs: IpJsonObject[]): IpJsonObject[] =>
      [...xs].sort((x, y) => key(x).localeCompare(key(y))).map((a) => ({ ...a, valid_life_time: Math.round(Number(a.valid_life_time) / 60), preferred_life_time: Math.round(Number(a.preferred_life_time) / 60) }));
    expect(strip(ours)).toEqual(strip(theirs));
  });
});

describe('requests decode into what the command asked for', () => {
  it('link-create-vxlan', () => {
    const fx = load('link-create-vxlan');
    const [req] = messages(fx, 'sent', RTM_NEWLINK, (r, o, e) => linkMessage.decode(r, o, e)).filter((l) => l.name === 'vxlan0');
    expect(req).toMatchObject({ name: 'vxlan0', linkinfo: { kind: 'vxlan', data: { id: 42, port: 4789, local: '192.0.2.1', group: '192.0.2.2' } } });
    expect((req.linkinfo?.data as { link?: number }).link).toBeTypeOf('number');
  });

  it('link-create-veth: the peer is a nested link message', () => {
    const fx = load('link-create-veth');
    const [req] = messages(fx, 'sent', RTM_NEWLINK, (r, o, e) => linkMessage.decode(r, o, e)).filter((l) => l.linkinfo?.kind === 'veth');
    expect(req.linkinfo?.data).toMatchObject({ peer: { name: expect.any(String) } });
  });
});

describe('errors decode into errno, extended ACK and attribute path', () => {
  it('error-eexist: EEXIST without extended ACK', () => {
    const { error } = refused(load('error-eexist'));
    expect(error.error).toBe(-17);
    expect(error.extack).toEqual({});
  });

  it('error-extack: the kernel text', () => {
    const { error } = refused(load('error-extack'));
    expect(error).toMatchObject({ error: -22, extack: { message: 'mtu less than device minimum' } });
  });

  it('error-extack-offset: the offset points at linkinfo.data.portRange of the request', () => {
    const { error, request } = refused(load('error-extack-offset'));
    expect(error.extack).toMatchObject({ message: 'Invalid source port range', offset: 64 });
    expect(linkMessage.attributePathAt(request, error.extack.offset as number)).toEqual(['linkinfo', 'data', 'portRange']);
  });

  it('error-unknown-kind: EOPNOTSUPP, "Unknown device type"', () => {
    const { error } = refused(load('error-unknown-kind'));
    expect(error).toMatchObject({ error: -95, extack: { message: 'Unknown device type' } });
  });
});
