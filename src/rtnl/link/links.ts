// Links (network interfaces): RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK, on the link model
// (model.ts). What list() and get() return is accepted by add(), set() and delete().

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_ECHO } from '../../netlink/constants.js';
import { InvalidArgumentError, NetlinkError, RtnetlinkError } from '../../netlink/errors.js';
import { AttrSet, Struct, type Codec } from '../../netlink/schema/index.js';
import { openNetns, type NetnsRef, type OpenNetns } from '../../ns/ref.js';
import { checkInteger } from '../common/checks.js';
import { checkKeys, checkObject } from '../common/model.js';
import { IfinfoFlags, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, linkMessage, linkinfoDataMsg, linkinfoMemberDataMsg, type NestedLinkMessage } from '../generated/link.js';
import { FAMILY_MESSAGE_TYPES, rtmTypeName } from '../schemas/types.js';
import { decodeLink, dumpLinks } from './facts.js';
import { linkToWire, withoutReadOnly, writableData, writablePort, type LinkWire, type ResolvedLink } from './mapping.js';
import {
  LINK_READ_ONLY,
  LINK_SETTABLE_FLAGS,
  type Link,
  type LinkChanges,
  type LinkData,
  type LinkFilter,
  type LinkFlag,
  type LinkPort,
  type LinkRef,
  type LinkSettings,
  type LinkSpec,
  type VethPeer,
} from './model.js';
import type { LinkKind } from './kinds.js';

export {
  linkKey,
  isKind,
  isPortKind,
  LINK_READ_ONLY,
  LINK_SETTABLE_FLAGS,
  type Link,
  type LinkAfSpec,
  type LinkChanges,
  type LinkData,
  type LinkFilter,
  type LinkFlag,
  type LinkLayerType,
  type LinkMessageFamily,
  type LinkModeName,
  type LinkOperState,
  type LinkPort,
  type LinkPortDataValue,
  type LinkProtinfo,
  type LinkProtoDownReason,
  type LinkReadOnlyFacts,
  type LinkReadOnlyField,
  type LinkRef,
  type LinkSettings,
  type LinkSpec,
  type LinkSpecBase,
  type LinkSpecOf,
  type ListedLinkSpec,
  type LinkStats,
  type LinkXdp,
  type VethPeer,
} from './model.js';

const RTM_NEWLINKPROP = 108;
const RTM_DELLINKPROP = 109;

/** Maximum length of an interface name in bytes (IFNAMSIZ - 1). */
export const IFNAMSIZ_MAX = 15;

/** Checks an interface name as the kernel would; names the field on failure. */
export function validateLinkName(name: string, field = 'name'): void {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(field, 'an interface name must be a non-empty string');
  if (Buffer.byteLength(name) > IFNAMSIZ_MAX) throw new InvalidArgumentError(field, `${JSON.stringify(name)} is longer than ${IFNAMSIZ_MAX} bytes`);
  if (name === '.' || name === '..' || /[/\s:\0]/.test(name)) throw new InvalidArgumentError(field, `${JSON.stringify(name)} is not a valid interface name`);
}

/**
 * Opens the links of another network namespace (a handle there) and the function that closes it.
 * The handle that owns a {@link Links} provides it: `add()` needs it to read back (and finish) a
 * link it created in another namespace, whose echo does not reach this socket.
 */
export type OpenLinksIn = (netns: NetnsRef) => {
  /** The links of that namespace. */
  links: Links;
  /** Closes what was opened for that namespace. */
  close(): void;
};

// ---------------------------------------------------------------------------------------------
// Argument checks: every key known, every value checked, before anything is sent.

/** Keys of the settings add() and set() share. */
const SETTING_KEYS = ['flags', 'up', 'promisc', 'mtu', 'address', 'broadcast', 'txqlen', 'group', 'alias', 'master', 'linkmode', 'gsoMaxSize', 'gsoMaxSegs', 'groMaxSize', 'gsoIpv4MaxSize', 'groIpv4MaxSize', 'port', 'netns'] as const satisfies readonly (keyof LinkSettings)[];

const LINK_KEYS = ['name', 'kind', 'data', 'link', 'numTxQueues', 'numRxQueues', 'altNames'] as const;

const SPEC_KEYS: ReadonlySet<string> = new Set([...SETTING_KEYS, ...LINK_KEYS, ...LINK_READ_ONLY, 'peer']);
const PEER_KEYS: ReadonlySet<string> = new Set([...SETTING_KEYS, ...LINK_KEYS, ...LINK_READ_ONLY]);
const CHANGE_KEYS: ReadonlySet<string> = new Set([...SETTING_KEYS, ...LINK_KEYS, ...LINK_READ_ONLY]);
const PORT_KEYS: ReadonlySet<string> = new Set(['kind', 'data']);
const FLAG_NAMES: ReadonlySet<string> = new Set(Object.keys(IfinfoFlags));

// Ranges the kernel enforces on kind data, checked before sending so that the error names the field.
const KIND_DATA_RANGES: Partial<Record<LinkKind, Record<string, [number, number]>>> = {
  vlan: { id: [0, 4094] },
  vxlan: { id: [0, 0xffffff], ttl: [0, 255] },
  geneve: { id: [0, 0xffffff] },
  bridge: { priority: [0, 0xffff] },
};

/** Refuses keys `codec` does not know in `value`, at every level of nests and structs. */
function checkCodecKeys(codec: Codec<unknown>, value: unknown, path: string): void {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (codec instanceof AttrSet) {
    if (Array.isArray(value)) return;
    const set = codec as AttrSet<Record<string, never>>;
    checkKeys(value, new Set(Object.keys(set.specs)), `${path}.`);
    for (const [k, v] of Object.entries(value)) {
      const e = set.entry(k);
      if (e === undefined || v === undefined) continue;
      if (e.multi && Array.isArray(v)) v.forEach((item, i) => checkCodecKeys(e.codec, item, `${path}.${k}.${i}`));
      else checkCodecKeys(e.codec, v, `${path}.${k}`);
    }
  } else if (codec instanceof Struct) {
    checkKeys(value, new Set((codec as Struct<Record<string, never>>).keys), `${path}.`);
  }
}

function checkData(kind: string, data: unknown, field: string): void {
  if (data === undefined || data instanceof Uint8Array) return;
  checkObject(data, field, 'an object of kind data (or a Uint8Array)');
  if (kind === 'veth') throw new InvalidArgumentError(field, 'give a veth peer as `peer`, not in `data`');
  const format = Object.hasOwn(linkinfoDataMsg.formats, kind) ? linkinfoDataMsg.formats[kind] : undefined;
  if (format === undefined) throw new InvalidArgumentError(field, `no format known for kind ${JSON.stringify(kind)}: pass the payload as a Uint8Array`);
  checkCodecKeys(format, data, field);
  const ranges = KIND_DATA_RANGES[kind as LinkKind];
  if (ranges) for (const [key, [min, max]] of Object.entries(ranges)) checkInteger(`${field}.${key}`, data[key] as number | undefined, min, max);
}

function checkPort(port: unknown, field: string): asserts port is LinkPort {
  checkObject(port, field, 'the master\'s kind and port data, { kind, data }');
  checkKeys(port, PORT_KEYS, `${field}.`);
  if (typeof port.kind !== 'string' || port.kind === '') throw new InvalidArgumentError(`${field}.kind`, 'the master\'s kind (`bridge`, `bond`, ...) is required');
  const data = port.data;
  if (data === undefined || data instanceof Uint8Array) return;
  checkObject(data, `${field}.data`, 'an object of port data (or a Uint8Array)');
  const format = Object.hasOwn(linkinfoMemberDataMsg.formats, port.kind) ? linkinfoMemberDataMsg.formats[port.kind] : undefined;
  if (format === undefined) throw new InvalidArgumentError(`${field}.data`, `no format known for ports of ${JSON.stringify(port.kind)}: pass the payload as a Uint8Array`);
  checkCodecKeys(format, data, `${field}.data`);
}

function checkLinkRef(ref: unknown, field: string): void {
  if (typeof ref === 'number' || typeof ref === 'string' || (ref !== null && typeof ref === 'object')) {
    try {
      normalizeRef(ref as LinkRef);
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(field, e.message.replace(/^[^:]*: /, ''));
      throw e;
    }
    return;
  }
  throw new InvalidArgumentError(field, `expected an interface index or name, got ${ref === null ? 'null' : typeof ref}`);
}

// The settings add() and set() share; `prefix` names nested ones (`peer.`).
function checkSettings(s: Record<string, unknown>, prefix: string): void {
  if (s.flags !== undefined) {
    if (!Array.isArray(s.flags)) throw new InvalidArgumentError(`${prefix}flags`, 'expected an array of flag names');
    s.flags.forEach((f: unknown, i) => {
      if (typeof f === 'number' ? !Number.isInteger(f) || f < 0 || f > 0xffffffff : typeof f !== 'string' || !FLAG_NAMES.has(f)) {
        throw new InvalidArgumentError(`${prefix}flags.${i}`, `unknown flag ${JSON.stringify(f)}; expected one of ${[...FLAG_NAMES].join(', ')}`);
      }
    });
  }
  for (const k of ['up', 'promisc'] as const) if (s[k] !== undefined && typeof s[k] !== 'boolean') throw new InvalidArgumentError(`${prefix}${k}`, `expected true or false, got ${String(s[k])}`);
  for (const k of ['mtu', 'txqlen', 'group', 'gsoMaxSize', 'gsoMaxSegs', 'groMaxSize', 'gsoIpv4MaxSize', 'groIpv4MaxSize'] as const) {
    checkInteger(`${prefix}${k}`, s[k] as number | undefined, 0, 0xffffffff);
  }
  checkInteger(`${prefix}numTxQueues`, s.numTxQueues as number | undefined, 1, 4096);
  checkInteger(`${prefix}numRxQueues`, s.numRxQueues as number | undefined, 1, 4096);
  for (const k of ['address', 'broadcast'] as const) {
    if (s[k] !== undefined && (typeof s[k] !== 'string' || !/^[0-9a-f]{2}(:[0-9a-f]{2})*$/i.test(s[k]))) throw new InvalidArgumentError(`${prefix}${k}`, `${JSON.stringify(s[k])} is not a link-layer address ('aa:bb:cc:dd:ee:ff')`);
  }
  if (s.alias !== undefined && (typeof s.alias !== 'string' || Buffer.byteLength(s.alias) > 255)) throw new InvalidArgumentError(`${prefix}alias`, 'an alias is a string of at most 255 bytes');
  if (s.master !== undefined && s.master !== null) checkLinkRef(s.master, `${prefix}master`);
  if (s.link !== undefined) checkLinkRef(s.link, `${prefix}link`);
  if (s.altNames !== undefined) {
    if (!Array.isArray(s.altNames)) throw new InvalidArgumentError(`${prefix}altNames`, 'expected an array of names');
    s.altNames.forEach((n: unknown, i) => {
      if (typeof n !== 'string' || n === '' || Buffer.byteLength(n) > 127) throw new InvalidArgumentError(`${prefix}altNames.${i}`, 'an alternative name is 1 to 127 bytes');
    });
  }
  if (s.port !== undefined) checkPort(s.port, `${prefix}port`);
}

/** The flags and the change mask of a request, from `flags`, `up` and `promisc`. */
function flagChanges(s: { flags?: readonly (LinkFlag | number)[]; up?: boolean; promisc?: boolean }): { flags: LinkFlag[]; change: LinkFlag[] } {
  const on = new Set<LinkFlag>();
  const change = new Set<LinkFlag>();
  if (s.flags !== undefined) {
    // The listed flags: every settable one is made exactly so.
    for (const f of LINK_SETTABLE_FLAGS) {
      change.add(f);
      if (s.flags.includes(f)) on.add(f);
    }
  }
  for (const [key, flag] of [['up', 'up'], ['promisc', 'promisc']] as const) {
    const v = s[key];
    if (v === undefined) continue;
    change.add(flag);
    if (v) on.add(flag);
    else on.delete(flag);
  }
  return { flags: [...on], change: [...change] };
}

// A kernel ENODEV for a request about the link `r`, naming it (see NetlinkError.link).
function namingLink(r: { index: number } | { name: string }): (err: unknown) => never {
  return (err) => {
    if (err instanceof NetlinkError && err.code === 'ENODEV' && err.link === undefined) throw err.withLink('index' in r ? r.index : r.name);
    throw err;
  };
}

function rethrow(err: unknown): never {
  throw err;
}

/** Turns any {@link LinkRef} into `{ index }` or `{ name }`, checking it. */
export function normalizeRef(ref: LinkRef): Exclude<LinkRef, number | string> {
  if (typeof ref === 'number') ref = { index: ref };
  else if (typeof ref === 'string') ref = { name: ref };
  if (ref === null || typeof ref !== 'object') throw new InvalidArgumentError('link', `expected an interface index or name, got ${ref === null ? 'null' : typeof ref}`);
  if ('index' in ref && ref.index !== undefined) {
    if (!Number.isInteger(ref.index) || ref.index <= 0) throw new InvalidArgumentError('link.index', `${ref.index} is not an interface index`);
    return { index: ref.index };
  }
  validateLinkName((ref as { name: string }).name, 'link.name');
  return { name: (ref as { name: string }).name };
}

// ---------------------------------------------------------------------------------------------
// The operations

/** What add() does once the link exists: settings the kernel does not take at creation. */
interface Afterwards {
  up?: boolean;
  alias?: string;
  port?: LinkPort;
  master?: LinkRef;
  altNames?: readonly string[];
}

/** The links of one network namespace. */
export class Links {
  /**
   * @param conn - The request engine of the namespace.
   * @param openIn - Opens the links of another namespace (see {@link OpenLinksIn}); the handle provides it.
   */
  constructor(
    private readonly conn: Connection,
    private readonly openIn?: OpenLinksIn,
  ) {
    conn.nameAttributes(linkMessage, ...FAMILY_MESSAGE_TYPES.link);
  }

  /**
   * Creates a link, like `ip link add`, and returns it as the kernel made it. Takes a listed
   * {@link Link} as it is (re-creating it: name, kind, data, mtu, address, txqlen, alias, group,
   * master, port settings, flags, alternative names, ...); its read-only facts are ignored. A
   * listed veth needs `peer` to keep its peer's name and settings: `{ ...veth, peer: oldPeer }`.
   *
   * The kernel takes the alias, the port settings and the alternative names only once the link
   * exists: they are applied right after creating it (and the link is deleted again if that fails).
   * @throws {@link InvalidArgumentError} for an unknown key (`data.portt`), a bad name, value or
   * kind option, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the name is taken, `EOPNOTSUPP` ("Unknown device
   * type") for a kind the kernel lacks, and whatever else the kernel refuses.
   */
  async add(spec: LinkSpec, opts?: RequestOptions): Promise<Link> {
    checkObject(spec, 'link', 'a link spec');
    checkKeys(spec, SPEC_KEYS);
    const s = spec as LinkSpec & Record<string, unknown>;
    validateLinkName(s.name, 'name');
    if (typeof s.kind !== 'string' || s.kind === '') throw new InvalidArgumentError('kind', 'a link kind is required');
    const kind = s.kind;
    checkSettings(s, '');
    checkData(kind, s.data, 'data');
    if (s.port !== undefined && (s.master === undefined || s.master === null)) throw new InvalidArgumentError('port', 'port settings need a `master`');
    let peer: VethPeer | undefined;
    if (s.peer !== undefined) {
      if (kind !== 'veth') throw new InvalidArgumentError('peer', `only a veth has a peer, not a ${kind}`);
      checkObject(s.peer, 'peer', 'the peer\'s settings, { name, ... }');
      checkKeys(s.peer, PEER_KEYS, 'peer.');
      peer = s.peer;
      const p = peer as VethPeer & Record<string, unknown>;
      if (p.name !== undefined) validateLinkName(p.name, 'peer.name');
      if (p.kind !== undefined && p.kind !== 'veth') throw new InvalidArgumentError('peer.kind', `the peer of a veth is a veth, not a ${String(p.kind)}`);
      if (p.data !== undefined) throw new InvalidArgumentError('peer.data', 'a veth peer has no kind data');
      checkSettings(p, 'peer.');
      if (p.port !== undefined && (p.master === undefined || p.master === null)) throw new InvalidArgumentError('peer.port', 'port settings need a `master`');
    }

    const open: OpenNetns[] = [];
    let created: Link | undefined;
    try {
      const w = await this.request(withoutReadOnly(s), open, true);
      w.name = s.name;
      const info: NonNullable<LinkWire['linkinfo']> = { kind };
      if (s.data !== undefined) info.data = writableData(kind, s.data);
      if (kind === 'veth') {
        // A listed veth's `link` is its old peer: not sent.
        if (peer !== undefined) info.data = { peer: await this.peerRequest(peer, open) };
      } else if (s.link !== undefined) {
        const lower = await this.resolve(s.link, RTM_NEWLINK);
        // A vxlan's device is IFLA_VXLAN_LINK inside its data (as `ip link add ... type vxlan dev X`).
        if (kind === 'vxlan') {
          const data = (info.data ?? {}) as Record<string, unknown>;
          if (data.link !== undefined && data.link !== lower) throw new InvalidArgumentError('link', `the vxlan's device is given twice: link ${lower}, data.link ${String(data.link)}`);
          info.data = { ...data, link: lower } as LinkData;
        } else {
          w.link = lower;
        }
      }
      w.linkinfo = info;
      const echoed = await this.send(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, w, opts);
      if (echoed !== undefined && echoed.name === s.name) created = echoed;
    } finally {
      for (const ns of open) ns.close();
    }

    const after: Afterwards = { alias: s.alias, port: s.port, altNames: s.altNames };
    // The kernel cannot bring a veth peer up while it creates the pair (ENOTCONN: the peer has no
    // peer yet): it comes up afterwards.
    const peerUp = peer === undefined ? undefined : (peer.up ?? (peer.flags === undefined ? undefined : peer.flags.includes('up')));
    const peerAfter: Afterwards = peer === undefined ? {} : { up: peerUp === true ? true : undefined, alias: peer.alias, port: peer.port, altNames: peer.altNames, master: peer.master === null ? undefined : peer.master };
    const needsAfter = (a: Afterwards): boolean =>
      a.up === true || (a.alias !== undefined && a.alias !== '') || a.port !== undefined || (a.altNames !== undefined && a.altNames.length > 0) || a.master !== undefined;

    // Created in another namespace (no echo reaches us from there): finish and look it up there.
    const there = s.netns !== undefined ? this.elsewhere(s.netns) : undefined;
    try {
      const home = there?.links ?? this;
      let link = created ?? (await home.get({ name: s.name }, opts));
      const finishLink = needsAfter(after);
      const finishPeer = peer !== undefined && needsAfter(peerAfter);
      if (finishLink || finishPeer) {
        try {
          if (finishLink) await home.finish(link, after, opts);
          if (peer !== undefined && finishPeer) {
            // The peer is in the handle's namespace unless it was given its own.
            const peerNs = peer.netns !== undefined ? this.elsewhere(peer.netns) : undefined;
            try {
              const peerHome = peerNs?.links ?? this;
              // A veth's `link` is its peer's index, in the peer's namespace.
              const p = await peerHome.get(peer.name ?? (link.link as number), opts);
              await peerHome.finish(p, peerAfter, opts);
            } finally {
              peerNs?.close();
            }
          }
        } catch (err) {
          // Nothing half-made: the link (and a veth's peer with it) goes again.
          await home.delete(link.index, opts).catch(() => undefined);
          throw err;
        }
        link = await home.get(link.index, opts);
      }
      return link;
    } finally {
      there?.close();
    }
  }

  /**
   * Changes a link, like `ip link set`: the settings in `changes` and nothing else. `link` may be
   * a listed {@link Link} (its index is used), and so may `changes` (its read-only facts ignored).
   * @throws {@link InvalidArgumentError} for an unknown key or a bad value, before sending.
   * @throws {@link NetlinkError} `ENODEV` when the link does not exist.
   */
  async set(link: LinkRef, changes: LinkChanges, opts?: RequestOptions): Promise<void> {
    checkObject(changes, 'changes', 'the changes to make');
    checkKeys(changes, CHANGE_KEYS);
    const c = changes as LinkChanges & Record<string, unknown>;
    checkSettings(c, '');
    if (c.name !== undefined) validateLinkName(c.name, 'name');
    if (c.kind !== undefined && (typeof c.kind !== 'string' || c.kind === '')) throw new InvalidArgumentError('kind', 'expected the link\'s kind');
    if (c.data !== undefined) {
      if (c.kind === undefined) throw new InvalidArgumentError('kind', 'changing `data` needs the link\'s `kind`');
      checkData(c.kind, c.data, 'data');
    }
    const r = normalizeRef(link);
    const open: OpenNetns[] = [];
    try {
      // Creation-only and unchangeable fields of a listed link (queues, `link`, `altNames`) are not sent.
      const w = await this.request(withoutReadOnly(c), open, false);
      if ('index' in r) w.index = r.index;
      else if (c.name === undefined) w.name = r.name;
      else w.index = await this.resolve(r, RTM_NEWLINK);
      if (c.name !== undefined) w.name = c.name;
      const info: NonNullable<LinkWire['linkinfo']> = w.linkinfo ?? {};
      info.kind = undefined;
      if (c.data !== undefined && c.kind !== undefined) {
        info.kind = c.kind;
        info.data = writableData(c.kind, c.data);
      }
      w.linkinfo = info.kind !== undefined || info.slaveKind !== undefined ? info : undefined;
      await this.send(RTM_NEWLINK, 0, w, opts);
    } finally {
      for (const ns of open) ns.close();
    }
  }

  /**
   * Deletes a link, like `ip link delete` (a veth's peer goes with it). `link` may be a listed
   * {@link Link}: its index is used.
   * @throws {@link NetlinkError} `ENODEV` when the link does not exist.
   */
  async delete(link: LinkRef, opts?: RequestOptions): Promise<void> {
    const r = normalizeRef(link);
    await this.send(RTM_DELLINK, 0, linkToWire('index' in r ? { index: r.index } : { name: r.name }), opts);
  }

  /** Adds alternative names to a link, like `ip link property add dev X altname Y`. */
  async addAltNames(link: LinkRef, names: readonly string[], opts?: RequestOptions): Promise<void> {
    await this.altNames(RTM_NEWLINKPROP, link, names, opts);
  }

  /** Removes alternative names from a link, like `ip link property del dev X altname Y`. */
  async deleteAltNames(link: LinkRef, names: readonly string[], opts?: RequestOptions): Promise<void> {
    await this.altNames(RTM_DELLINKPROP, link, names, opts);
  }

  private async altNames(type: number, link: LinkRef, names: readonly string[], opts?: RequestOptions): Promise<void> {
    if (!Array.isArray(names)) throw new InvalidArgumentError('altNames', 'expected an array of names');
    names.forEach((n, i) => {
      if (typeof n !== 'string' || n === '' || Buffer.byteLength(n) > 127) throw new InvalidArgumentError(`altNames.${i}`, 'an alternative name is 1 to 127 bytes');
    });
    const w = linkToWire({ index: await this.resolve(link, type), altNames: names });
    await this.send(type, type === RTM_NEWLINKPROP ? NLM_F_CREATE | NLM_F_EXCL : 0, w, opts);
  }

  /** Lists links, like `ip -d link show`. */
  async list(filter: LinkFilter = {}, opts?: RequestOptions): Promise<Link[]> {
    checkObject(filter as unknown, 'filter', 'a link filter');
    checkKeys(filter, new Set(['kind', 'master']), 'filter.');
    if (filter.kind !== undefined && (typeof filter.kind !== 'string' || filter.kind === '')) throw new InvalidArgumentError('filter.kind', 'expected a link kind');
    const master = filter.master === undefined ? undefined : await this.indexOf(filter.master);
    const query: ResolvedLink = {};
    if (master !== undefined) query.master = master;
    if (filter.kind !== undefined) query.kind = filter.kind;
    const res = await dumpLinks(this.conn, query, opts);
    let items = res.items;
    // The kernel filters in strict mode; filter here too, so the answer is the same either way.
    if (!res.kernelFiltered) {
      if (master !== undefined) items = items.filter((l) => l.master === master);
      if (filter.kind !== undefined) items = items.filter((l) => l.kind === filter.kind);
    }
    return items;
  }

  /**
   * Gets one link by index or name (or a listed {@link Link}: by its index).
   * @throws {@link NetlinkError} `ENODEV` when there is none.
   */
  async get(link: LinkRef, opts?: RequestOptions): Promise<Link> {
    const r = normalizeRef(link);
    const query = linkToWire('index' in r ? { index: r.index } : { name: r.name });
    let found: Link | undefined;
    await this.conn
      .request(
        { type: RTM_GETLINK, body: (w) => linkMessage.encode(w, query) },
        (rd, m) => {
          if (m.type === RTM_NEWLINK && found === undefined) found = decodeLink(rd, m.payloadOffset, m.end);
        },
        opts,
      )
      .catch(namingLink(r));
    if (!found) throw new InvalidArgumentError('link', `the kernel sent no link for ${JSON.stringify(link)}`);
    return found;
  }

  /** Like {@link Links.get}, but resolves `undefined` when the link does not exist. */
  async find(link: LinkRef, opts?: RequestOptions): Promise<Link | undefined> {
    try {
      return await this.get(link, opts);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENODEV') return undefined;
      throw err;
    }
  }

  /** The index of a link named by index or name (a name is looked up in this namespace). */
  async indexOf(link: LinkRef): Promise<number> {
    return this.resolve(link, RTM_GETLINK);
  }

  /**
   * The index of the link a request of message type `type` names (the one place link names are
   * resolved). A name that does not exist fails as that request would: `NetlinkError` ENODEV for
   * `type` (not sent: `seq` 0), naming the link, and not the RTM_GETLINK lookup the caller never made.
   * @internal Used by the other kinds' operations.
   */
  async resolve(link: LinkRef, type: number): Promise<number> {
    const r = normalizeRef(link);
    if ('index' in r) return r.index;
    try {
      return (await this.get(r)).index;
    } catch (err) {
      if (err instanceof NetlinkError && err.code === 'ENODEV' && type !== RTM_GETLINK) {
        throw new NetlinkError(err.errno, { type, typeName: rtmTypeName(type), flags: 0, seq: 0 }, {}, undefined, r.name);
      }
      throw err;
    }
  }

  // Sends a link message; with NLM_F_ECHO, returns the link the kernel echoed.
  private async send(type: number, flags: number, w: LinkWire, opts?: RequestOptions): Promise<Link | undefined> {
    let echoed: Link | undefined;
    await this.conn
      .request(
        { type, flags, body: (wr) => linkMessage.encode(wr, w) },
        (flags & NLM_F_ECHO) !== 0
          ? (r, m) => {
              if (m.type === RTM_NEWLINK && echoed === undefined) echoed = decodeLink(r, m.payloadOffset, m.end);
            }
          : undefined,
        opts,
      )
      // A change to an existing link names it by index or name: ENODEV is about that link.
      .catch(type === RTM_NEWLINK && (flags & NLM_F_CREATE) === 0 || type === RTM_DELLINK ? namingLink(w.index ? { index: w.index } : { name: w.name ?? '' }) : rethrow);
    return echoed;
  }

  // The message of add() or set() for the writable settings of `s` (references resolved,
  // namespaces opened into `open`). Alias, port settings and alternative names are sent by
  // set() here, and by finish() after add() (the kernel ignores them at creation).
  private async request(s: LinkSettings & Record<string, unknown>, open: OpenNetns[], creating: boolean): Promise<LinkWire> {
    const resolved: ResolvedLink = {};
    for (const k of ['mtu', 'address', 'broadcast', 'txqlen', 'group', 'linkmode', 'gsoMaxSize', 'gsoMaxSegs', 'groMaxSize', 'gsoIpv4MaxSize', 'groIpv4MaxSize'] as const) {
      if (s[k] !== undefined) (resolved as Record<string, unknown>)[k] = s[k];
    }
    if (creating) {
      if (s.numTxQueues !== undefined) resolved.numTxQueues = s.numTxQueues as number;
      if (s.numRxQueues !== undefined) resolved.numRxQueues = s.numRxQueues as number;
    } else {
      if (s.alias !== undefined) resolved.alias = s.alias;
      if (s.port !== undefined) resolved.port = writablePort(s.port);
    }
    if (s.master !== undefined) resolved.master = s.master === null ? 0 : await this.resolve(s.master, RTM_NEWLINK);
    const w = linkToWire(resolved);
    const f = flagChanges(s);
    w.flags = f.flags;
    w.change = f.change;
    if (s.netns !== undefined) {
      const ns = openNetns(s.netns);
      open.push(ns);
      w.netNsFd = ns.fd;
    }
    return w;
  }

  // VETH_INFO_PEER: the peer's name and the settings the kernel applies to it at creation.
  private async peerRequest(peer: VethPeer, open: OpenNetns[]): Promise<NestedLinkMessage> {
    const p = withoutReadOnly(peer) as VethPeer & Record<string, unknown>;
    const w = (await this.request({ ...p, master: undefined }, open, true)) as NestedLinkMessage;
    if (p.name !== undefined) w.name = p.name;
    // Up comes afterwards (see add()).
    w.flags = (w.flags ?? []).filter((f) => f !== 'up');
    w.change = (w.change ?? []).filter((f) => f !== 'up');
    return w;
  }

  // After add(): alias, port settings, master (of a veth peer), alternative names.
  private async finish(link: Link, a: Afterwards, opts?: RequestOptions): Promise<void> {
    if ((a.alias !== undefined && a.alias !== '') || a.port !== undefined || a.master !== undefined) {
      const changes: LinkChanges = {};
      if (a.alias !== undefined && a.alias !== '') changes.alias = a.alias;
      if (a.master !== undefined) await this.set(link.index, { master: a.master }, opts);
      if (a.port !== undefined) changes.port = a.port;
      if (changes.alias !== undefined || changes.port !== undefined) await this.set(link.index, changes, opts);
    }
    if (a.altNames !== undefined && a.altNames.length > 0) await this.addAltNames(link.index, a.altNames, opts);
    if (a.up === true) await this.set(link.index, { up: true }, opts);
  }

  // A handle in another namespace, from the owner of this one.
  private elsewhere(netns: NetnsRef): { links: Links; close(): void } {
    if (this.openIn === undefined) throw new RtnetlinkError('this Links cannot reach another namespace: use the links of an Rtnl handle');
    return this.openIn(netns);
  }
}
