// Links (network interfaces): RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK / RTM_SETLINK.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/constants.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { openNetns, type NetnsRef, type OpenNetns } from '../../ns/ref.js';
import { checkInteger } from '../common/checks.js';
import { changeObject, dumpObjects, getObject } from '../common/requests.js';
import { RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, linkMessage, type NestedLinkMessage } from '../generated/link.js';
import type { LinkKind, LinkKindData } from './kinds.js';

const RTM_NEWLINKPROP = 108;
const RTM_DELLINKPROP = 109;

/**
 * A network interface as the kernel describes it: the ifinfomsg header (`family`, `type`,
 * `index`, `flags`, `change`) and every attribute the kernel sent (`name`, `mtu`, `address`,
 * `operstate`, `master`, `linkinfo` with the kind and its typed data, `stats64`, ...).
 */
export type Link = SchemaValue<typeof linkMessage>;

/** Names a link: its index, its name, or an object with either. */
export type LinkRef =
  | number
  | string
  | {
      /** The interface index. */
      index: number;
    }
  | {
      /** The interface name. */
      name: string;
    };

/** Filters for {@link Links.list}; the kernel applies them where it can. */
export interface LinkFilter {
  /** Only links of this kind (`veth`, `bridge`, ...). */
  kind?: string;
  /** Only ports of this master (index or name). */
  master?: number | string;
}

/** Maximum length of an interface name in bytes (IFNAMSIZ - 1). */
export const IFNAMSIZ_MAX = 15;

/** Checks an interface name as the kernel would; names the field on failure. */
export function validateLinkName(name: string, field = 'name'): void {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(field, 'an interface name must be a non-empty string');
  if (Buffer.byteLength(name) > IFNAMSIZ_MAX) throw new InvalidArgumentError(field, `${JSON.stringify(name)} is longer than ${IFNAMSIZ_MAX} bytes`);
  if (name === '.' || name === '..' || /[/\s:\0]/.test(name)) throw new InvalidArgumentError(field, `${JSON.stringify(name)} is not a valid interface name`);
}

/** Properties of a link that can be given when creating it and changed later. */
export interface LinkSettings {
  /** Administratively up (`true`) or down (`false`), like `ip link set ... up|down`. */
  up?: boolean;
  /** Maximum transmission unit in bytes. */
  mtu?: number;
  /** Link-layer (MAC) address, 'aa:bb:cc:dd:ee:ff'. */
  address?: string;
  /** Link-layer broadcast address. */
  broadcast?: string;
  /** Transmit queue length. */
  txqlen?: number;
  /** Interface group number. */
  group?: number;
  /** Alias (ifalias); an empty string removes it. */
  alias?: string;
  /** Enslave to this master (a bridge, bond, vrf); `null` releases it (`nomaster`). */
  master?: LinkRef | null;
  /** Promiscuous mode on or off. */
  promisc?: boolean;
  /** Move the link (or create it) in this network namespace: name, path, `{ pid }` or `{ fd }`. */
  netns?: NetnsRef;
  /** Number of transmit queues (creation only). */
  numTxQueues?: number;
  /** Number of receive queues (creation only). */
  numRxQueues?: number;
}

/** The peer of a veth pair. */
export interface VethPeer {
  /** The peer's name (the kernel picks `vethN` when absent). */
  name?: string;
  /** Create the peer directly in this network namespace. */
  netns?: NetnsRef;
  /** The peer's MAC address. */
  address?: string;
  /** The peer's MTU. */
  mtu?: number;
}

/** What every {@link LinkSpec} has, whatever its kind. */
export interface LinkSpecBase extends LinkSettings {
  /** The new link's name (at most 15 bytes). */
  name: string;
  /** For veth: the peer. */
  peer?: VethPeer;
  /** The lower link (IFLA_LINK), such as the parent of a macvlan or vlan, or a vxlan's device. */
  link?: LinkRef;
}

/**
 * What {@link Links.add} creates: a name, a kind with its typed data (IFLA_INFO_DATA), and
 * settings. `data` is typed by `kind`: `{ kind: 'vxlan', data: { id: 42, port: 4789 } }`.
 */
export type LinkSpec = {
  [K in LinkKind]: LinkSpecBase & {
    /** The kind: `veth`, `bridge`, `vxlan`, `macvlan`, `macvtap`, `ifb`, `vlan`, `dummy`, ... */
    kind: K;
    /** Kind-specific settings (IFLA_INFO_DATA), typed by `kind`. */
    data?: LinkKindData[K];
  };
}[LinkKind];

/** Changes {@link Links.set} applies to an existing link. */
export interface LinkChanges extends LinkSettings {
  /** A new name. */
  name?: string;
  /** Kind-specific settings to change (IFLA_INFO_DATA); needs `kind`. */
  data?: LinkKindData[LinkKind];
  /** The link's kind, when changing `data`. */
  kind?: LinkKind;
}

// Ranges the kernel enforces on kind data, checked before sending so that the error names the field.
const KIND_DATA_RANGES: Partial<Record<LinkKind, Record<string, [number, number]>>> = {
  vlan: { id: [0, 4094] },
  vxlan: { id: [0, 0xffffff], ttl: [0, 255] },
  geneve: { id: [0, 0xffffff] },
  bridge: { priority: [0, 0xffff] },
};

function checkKindData(kind: string, data: unknown): void {
  const ranges = KIND_DATA_RANGES[kind as LinkKind];
  if (!ranges || data === null || typeof data !== 'object') return;
  for (const [key, [min, max]] of Object.entries(ranges)) {
    checkInteger(`data.${key}`, (data as Record<string, number | undefined>)[key], min, max);
  }
}


/** The links of one network namespace. */
export class Links {
  constructor(private readonly conn: Connection) {}

  /**
   * Creates a link, like `ip link add`. Returns the link as the kernel made it.
   * @throws {@link InvalidArgumentError} for a bad name, value or kind option, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the name is taken, `EOPNOTSUPP` ("Unknown device
   * type") for a kind the kernel lacks, and whatever else the kernel refuses.
   */
  async add(spec: LinkSpec, opts?: RequestOptions): Promise<Link> {
    validateLinkName(spec.name, 'name');
    if (typeof spec.kind !== 'string' || (spec.kind as string) === '') throw new InvalidArgumentError('kind', 'a link kind is required');
    const open: OpenNetns[] = [];
    try {
      const msg = await this.settingsMessage(spec, open, true);
      msg.name = spec.name;
      const info: Record<string, unknown> = { kind: spec.kind };
      if (spec.kind === 'veth' && spec.peer) {
        if (spec.data !== undefined) throw new InvalidArgumentError('data', 'give a veth peer as `peer`, not in `data`');
        const p = spec.peer;
        const peer: Partial<NestedLinkMessage> = { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as Partial<NestedLinkMessage>;
        if (p.name !== undefined) {
          validateLinkName(p.name, 'peer.name');
          peer.name = p.name;
        }
        if (p.address !== undefined) peer.address = p.address;
        checkInteger('peer.mtu', p.mtu, 0, 0xffffffff);
        if (p.mtu !== undefined) peer.mtu = p.mtu;
        if (p.netns !== undefined) {
          const ns = openNetns(p.netns);
          open.push(ns);
          peer.netNsFd = ns.fd;
        }
        info.data = { peer };
      } else if (spec.data !== undefined) {
        checkKindData(spec.kind, spec.data);
        info.data = spec.data;
      }
      if (spec.link !== undefined) {
        const lower = await this.indexOf(spec.link);
        // A vxlan's device is IFLA_VXLAN_LINK inside its data (as `ip link add ... type vxlan dev X`).
        if (spec.kind === 'vxlan') info.data = { link: lower, ...(info.data as Record<string, unknown> | undefined) };
        else msg.link = lower;
      }
      msg.linkinfo = info as Link['linkinfo'];
      const echoed = await changeObject(this.conn, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, linkMessage, msg, { replyType: RTM_NEWLINK }, opts);
      if (echoed && echoed.name === spec.name) return echoed;
    } finally {
      for (const ns of open) ns.close();
    }
    // Created in another namespace (no echo reaches us from there): look it up where it is.
    if (spec.netns !== undefined) return getLinkIn(spec.netns, spec.name);
    return this.get({ name: spec.name }, opts);
  }

  /**
   * Changes a link, like `ip link set`: up/down, mtu, name, MAC, master, namespace, alias,
   * txqlen, group, promiscuity, kind-specific data.
   * @throws {@link NetlinkError} `ENODEV` when the link does not exist.
   */
  async set(ref: LinkRef, changes: LinkChanges, opts?: RequestOptions): Promise<void> {
    const open: OpenNetns[] = [];
    try {
      const msg = await this.settingsMessage(changes, open, false);
      const r = normalizeRef(ref);
      if ('index' in r) msg.index = r.index;
      else if (changes.name === undefined) msg.name = r.name;
      else msg.index = await this.indexOf(r);
      if (changes.name !== undefined) {
        validateLinkName(changes.name, 'name');
        msg.name = changes.name;
      }
      if (changes.data !== undefined) {
        if (changes.kind === undefined) throw new InvalidArgumentError('kind', 'changing `data` needs the link\'s `kind`');
        checkKindData(changes.kind, changes.data);
        msg.linkinfo = { kind: changes.kind, data: changes.data } as Link['linkinfo'];
      }
      await changeObject(this.conn, RTM_NEWLINK, 0, linkMessage, msg, undefined, opts);
    } finally {
      for (const ns of open) ns.close();
    }
  }

  /**
   * Deletes a link, like `ip link delete` (a veth's peer goes with it).
   * @throws {@link NetlinkError} `ENODEV` when the link does not exist.
   */
  async delete(ref: LinkRef, opts?: RequestOptions): Promise<void> {
    const r = normalizeRef(ref);
    const msg = { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as Partial<Link>;
    if ('index' in r) msg.index = r.index;
    else msg.name = r.name;
    await changeObject(this.conn, RTM_DELLINK, 0, linkMessage, msg, undefined, opts);
  }

  /** Adds alternative names to a link, like `ip link property add dev X altname Y`. */
  async addAltNames(ref: LinkRef, names: readonly string[], opts?: RequestOptions): Promise<void> {
    await this.altNames(RTM_NEWLINKPROP, ref, names, opts);
  }

  /** Removes alternative names from a link, like `ip link property del dev X altname Y`. */
  async deleteAltNames(ref: LinkRef, names: readonly string[], opts?: RequestOptions): Promise<void> {
    await this.altNames(RTM_DELLINKPROP, ref, names, opts);
  }

  private async altNames(type: number, ref: LinkRef, names: readonly string[], opts?: RequestOptions): Promise<void> {
    names.forEach((n, i) => {
      if (typeof n !== 'string' || n === '' || Buffer.byteLength(n) > 127) throw new InvalidArgumentError(`altNames.${i}`, 'an alternative name is 1 to 127 bytes');
    });
    const msg = { family: 'unspec', type: 0, index: await this.indexOf(ref), flags: [], change: [], propList: { altIfname: [...names] } } as Partial<Link>;
    await changeObject(this.conn, type, type === RTM_NEWLINKPROP ? NLM_F_CREATE | NLM_F_EXCL : 0, linkMessage, msg, undefined, opts);
  }

  // The message fields common to add and set.
  private async settingsMessage(s: LinkSettings, open: OpenNetns[], creating: boolean): Promise<Partial<Link>> {
    const msg = { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as Partial<Link> & { flags: string[]; change: string[] };
    if (s.up !== undefined) {
      msg.change.push('up');
      if (s.up) msg.flags.push('up');
    }
    if (s.promisc !== undefined) {
      msg.change.push('promisc');
      if (s.promisc) msg.flags.push('promisc');
    }
    checkInteger('mtu', s.mtu, 0, 0xffffffff);
    checkInteger('txqlen', s.txqlen, 0, 0xffffffff);
    checkInteger('group', s.group, 0, 0xffffffff);
    checkInteger('numTxQueues', s.numTxQueues, 1, 4096);
    checkInteger('numRxQueues', s.numRxQueues, 1, 4096);
    if (!creating && (s.numTxQueues !== undefined || s.numRxQueues !== undefined)) {
      throw new InvalidArgumentError('numTxQueues', 'queue counts can only be set when the link is created');
    }
    if (s.mtu !== undefined) msg.mtu = s.mtu;
    if (s.address !== undefined) msg.address = s.address;
    if (s.broadcast !== undefined) msg.broadcast = s.broadcast;
    if (s.txqlen !== undefined) msg.txqlen = s.txqlen;
    if (s.group !== undefined) msg.group = s.group;
    if (s.alias !== undefined) msg.ifalias = s.alias;
    if (s.numTxQueues !== undefined) msg.numTxQueues = s.numTxQueues;
    if (s.numRxQueues !== undefined) msg.numRxQueues = s.numRxQueues;
    if (s.master !== undefined) msg.master = s.master === null ? 0 : await this.indexOf(s.master);
    if (s.netns !== undefined) {
      const ns = openNetns(s.netns);
      open.push(ns);
      msg.netNsFd = ns.fd;
    }
    return msg;
  }

  /** Lists links, like `ip -d link show`. */
  async list(filter: LinkFilter = {}, opts?: RequestOptions): Promise<Link[]> {
    const query: Partial<Link> = { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as Partial<Link>;
    const master = filter.master === undefined ? undefined : await this.indexOf(filter.master);
    if (master !== undefined) query.master = master;
    if (filter.kind !== undefined) query.linkinfo = { kind: filter.kind } as Link['linkinfo'];
    const res = await dumpObjects(this.conn, RTM_GETLINK, RTM_NEWLINK, linkMessage, query, opts);
    let items = res.items;
    // The kernel filters in strict mode; filter here too, so the answer is the same either way.
    if (!res.kernelFiltered) {
      if (master !== undefined) items = items.filter((l) => l.master === master);
      if (filter.kind !== undefined) items = items.filter((l) => l.linkinfo?.kind === filter.kind);
    }
    return items;
  }

  /**
   * Gets one link by index or name.
   * @throws {@link NetlinkError} `ENODEV` when there is none.
   */
  async get(ref: LinkRef, opts?: RequestOptions): Promise<Link> {
    const query = { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as Partial<Link>;
    const r = normalizeRef(ref);
    if ('index' in r) query.index = r.index;
    else query.name = r.name;
    const link = await getObject(this.conn, RTM_GETLINK, RTM_NEWLINK, linkMessage, query, opts);
    if (!link) throw new InvalidArgumentError('link', `the kernel sent no link for ${JSON.stringify(ref)}`);
    return link;
  }

  /** Like {@link Links.get}, but resolves `undefined` when the link does not exist. */
  async find(ref: LinkRef, opts?: RequestOptions): Promise<Link | undefined> {
    try {
      return await this.get(ref, opts);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENODEV') return undefined;
      throw err;
    }
  }

  /** The index of a link named by index or name (a name is looked up in this namespace). */
  async indexOf(ref: LinkRef): Promise<number> {
    const r = normalizeRef(ref);
    if ('index' in r) return r.index;
    return (await this.get(r)).index as number;
  }
}

async function getLinkIn(netns: NetnsRef, name: string): Promise<Link> {
  // A dynamic import keeps this module free of a cycle with rtnl.ts.
  const { Rtnl } = await import('../rtnl.js');
  const other = await Rtnl.open({ netns });
  try {
    return await other.links.get({ name });
  } finally {
    other.close();
  }
}

/** Turns any {@link LinkRef} into `{ index }` or `{ name }`, checking it. */
export function normalizeRef(ref: LinkRef): Exclude<LinkRef, number | string> {
  if (typeof ref === 'number') ref = { index: ref };
  else if (typeof ref === 'string') ref = { name: ref };
  if ('index' in ref) {
    if (!Number.isInteger(ref.index) || ref.index <= 0) throw new InvalidArgumentError('link.index', `${ref.index} is not an interface index`);
    return { index: ref.index };
  }
  validateLinkName(ref.name, 'link.name');
  return { name: ref.name };
}
