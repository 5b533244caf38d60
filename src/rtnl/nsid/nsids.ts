// Network namespace ids (nsids): RTM_NEWNSID / RTM_GETNSID. An nsid is the number by which one
// namespace knows another (a link's IFLA_LINK_NETNSID, a neighbour's NDA_LINK_NETNSID, ...).
// The kernel has no request to remove an nsid: it goes when either namespace goes.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { InvalidArgumentError, NetlinkError } from '../../netlink/errors.js';
import { listNetns } from '../../ns/netns.js';
import { NETNS_RUN_DIR, NamespaceNotFoundError, openNetns, type NetnsRef } from '../../ns/ref.js';
import { checkKeys, checkObject } from '../common/model.js';
import { changeObject, getObject } from '../common/requests.js';
import { checkInteger } from '../common/checks.js';
import { dumpNsids } from './facts.js';
import { nsidToWire, type NsidMessage } from './mapping.js';
import { checkNsidKeys, type Nsid, type NsidSpec } from './model.js';
import { RTM_GETNSID, RTM_NEWNSID, nsidMessage } from './wire.js';
import { FAMILY_MESSAGE_TYPES } from '../schemas/types.js';

export { nsidKey, type Nsid, type NsidSpec } from './model.js';
export type { NsidMessage } from './mapping.js';

/** Options of {@link Nsids.list}. */
export interface NsidListOptions {
  /** Look up names under /run/netns (default true), as `ip netns list-id` does. */
  names?: boolean;
}

const LIST_KEYS: ReadonlySet<string> = new Set<keyof NsidListOptions>(['names']);

/** The ids this network namespace gives to other namespaces, like `ip netns list-id` / `ip netns set`. */
export class Nsids {
  constructor(private readonly conn: Connection) {
    conn.nameAttributes(nsidMessage, ...FAMILY_MESSAGE_TYPES.nsid);
  }

  /**
   * Lists the ids this namespace has assigned, like `ip netns list-id`, each named when a
   * namespace under /run/netns is the one it stands for.
   */
  async list(options: NsidListOptions = {}, opts?: RequestOptions): Promise<Nsid[]> {
    checkObject(options as unknown, 'options', '{ names? }');
    checkKeys(options, LIST_KEYS);
    const entries = (await dumpNsids(this.conn, opts)).items;
    if ((options.names ?? true) && entries.length > 0) {
      const names = await this.namesById(undefined, opts);
      for (const e of entries) {
        const name = names.get(e.nsid);
        if (name !== undefined) e.name = name;
      }
    }
    return entries;
  }

  /**
   * Assigns an id to a namespace named under /run/netns, like `ip netns set NAME ID`; a listed
   * {@link Nsid} can be given back as it is (after the namespace lost its id, or in another
   * namespace's handle). Without `nsid`, the kernel picks one. Returns the id.
   * @throws {@link InvalidArgumentError} for an unknown key, a malformed id or no name, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the namespace has an id already or the id is taken.
   * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
   */
  async add(spec: NsidSpec, opts?: RequestOptions): Promise<number> {
    checkNsidKeys(spec);
    return this.set(spec.name, spec.nsid, opts);
  }

  /**
   * The id this namespace gives to `netns`, or `undefined` when it has none, like `ip netns
   * identify`'s reverse.
   * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
   */
  async get(netns: NetnsRef, opts?: RequestOptions): Promise<number | undefined> {
    if (typeof netns === 'object' && netns !== null && 'pid' in netns) {
      return this.ask({ pid: checkedPid(netns.pid) }, opts);
    }
    const ns = openNetns(netns);
    try {
      return await this.ask({ fd: ns.fd }, opts);
    } finally {
      ns.close();
    }
  }

  /**
   * Assigns an id to `netns`, like `ip netns set NAME ID`; without `nsid`, the kernel picks one.
   * Returns the id.
   * @throws {@link NetlinkError} `EEXIST` when the namespace has an id already or the id is taken.
   * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
   */
  async set(netns: NetnsRef, nsid?: number, opts?: RequestOptions): Promise<number> {
    const msg: NsidMessage = nsidToWire({ nsid });
    let fdNs: ReturnType<typeof openNetns> | undefined;
    if (typeof netns === 'object' && netns !== null && 'pid' in netns) {
      msg.pid = checkedPid(netns.pid);
    } else {
      fdNs = openNetns(netns);
      msg.fd = fdNs.fd;
    }
    try {
      const echoed = await changeObject(this.conn, RTM_NEWNSID, 0, nsidMessage, msg, { replyType: RTM_NEWNSID }, opts);
      if (echoed?.nsid !== undefined && echoed.nsid >= 0) return echoed.nsid;
      const got = await this.ask(msg.pid !== undefined ? { pid: msg.pid } : { fd: msg.fd as number }, opts);
      if (got === undefined) throw new InvalidArgumentError('nsid', 'the kernel assigned no id');
      return got;
    } finally {
      fdNs?.close();
    }
  }

  /**
   * The name (under /run/netns) of the namespace this namespace calls `nsid`, such as a link's
   * `linkNetnsid`; `undefined` when no named namespace has that id.
   */
  async nameOfNsid(nsid: number, opts?: RequestOptions): Promise<string | undefined> {
    checkInteger('nsid', nsid, 0, 0x7fffffff);
    return (await this.namesById(nsid, opts)).get(nsid);
  }

  // Asks for the id of every namespace named under /run/netns (stopping at `wanted` if given).
  private async namesById(wanted: number | undefined, opts?: RequestOptions): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    // Only the named namespaces (mounted namespace files): a directory, a symbolic link or a
    // half-made entry under /run/netns is no namespace's name, and must not fail the listing.
    for (const name of listNetns()) {
      let ns;
      try {
        ns = openNetns({ path: `${NETNS_RUN_DIR}/${name}` });
      } catch (err) {
        if (err instanceof NamespaceNotFoundError) continue; // deleted meanwhile
        if (err instanceof InvalidArgumentError) continue; // replaced meanwhile by something that is no namespace
        if ((err as NodeJS.ErrnoException).code !== undefined) continue; // unreadable
        throw err;
      }
      try {
        const id = await this.ask({ fd: ns.fd }, opts);
        if (id !== undefined && !out.has(id)) out.set(id, name);
      } catch (err) {
        // Not a namespace file (EINVAL) or gone: not a name for any id.
        if (!(err instanceof NetlinkError)) throw err;
      } finally {
        ns.close();
      }
      if (wanted !== undefined && out.has(wanted)) break;
    }
    return out;
  }

  private async ask(sel: { fd: number } | { pid: number }, opts?: RequestOptions): Promise<number | undefined> {
    const query = { family: 'unspec', ...sel } as Partial<NsidMessage>;
    const reply = await getObject(this.conn, RTM_GETNSID, RTM_NEWNSID, nsidMessage, query, opts);
    const id = reply?.nsid;
    return id === undefined || id < 0 ? undefined : id;
  }
}

function checkedPid(pid: number): number {
  checkInteger('netns.pid', pid, 1, 0x7fffffff);
  return pid;
}
