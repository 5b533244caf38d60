// rtnl address show | add | replace | del

import type { Address, AddressFlag, AddressSpec } from '../index.js';
import { NetlinkError } from '../netlink/errors.js';
import { Args, CommandError, matchKeyword } from './args.js';
import { flushRounds, type Context } from './context.js';
import { routeScopes } from './names.js';
import { addressBytes, bitsMatch, fnmatch, parseSelectorPrefix, type SelectorPrefix } from './select.js';
import { briefAddrJson, briefAddrLine, statsToIpJson } from './brief.js';
import { addressToIpJson, linkAddressesToIpJson } from './ipjson.js';
import { addressFlags, lifetimeText } from './text.js';
import { addressLine } from './oneline.js';
import { Addresses } from '../rtnl/address/addresses.js';
import type { Session } from '../rtnl/session.js';

/** What the address commands use of a handle. */
const addressKinds = (s: Session) => ({ links: s.links, addresses: new Addresses(s.connection, s.links) });

const COMMANDS = ['show', 'list', 'lst', 'flush', 'add', 'replace', 'delete', 'help'] as const;

/** Runs `rtnl address ...`. */
export async function runAddress(ctx: Context, args: Args): Promise<void> {
  const word = args.shift() ?? 'show';
  const cmd = matchKeyword(word, COMMANDS);
  switch (cmd) {
    case 'show':
    case 'list':
    case 'lst':
      return showAddresses(ctx, args);
    case 'flush':
      return flushAddresses(ctx, args);
    case 'add':
    case 'replace':
      return changeAddress(ctx, args, cmd);
    case 'delete':
      return deleteAddress(ctx, args);
    default:
      throw args.error(`unknown command "${word}"`);
  }
}

async function showAddresses(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') dev = args.value('dev');
    else if (dev === undefined) dev = w;
    else throw args.unknown(w);
  }
  const rtnl = await ctx.handle(addressKinds);
  const family = ctx.options.family;
  const only = dev === undefined ? undefined : await rtnl.links.find(dev);
  if (dev !== undefined && only === undefined) throw new CommandError(`Device "${dev}" does not exist.`, 1);
  const links = await rtnl.links.list();
  const byIndex = new Map(links.map((l) => [l.index as number, l]));
  const addrs = await rtnl.addresses.list(family === undefined ? {} : { family });
  const byLink = new Map<number, Address[]>();
  for (const a of addrs) {
    const list = byLink.get(a.link) ?? [];
    list.push(a);
    byLink.set(a.link, list);
  }
  // As ip: every link (or the one asked for); with -4 / -6 only those with an address of that family.
  const shown = links.filter((l) => (only === undefined || l.index === only.index) && (family === undefined || byLink.has(l.index as number)));
  const stats = ctx.options.statsLevel ?? 0;
  if (ctx.options.json || ctx.options.brief) {
    const opts = { details: ctx.options.details, devFiltered: dev !== undefined, ...(family !== undefined ? { family } : {}) };
    const objs = shown.map((l) => {
      const o = linkAddressesToIpJson(l, byLink.get(l.index as number) ?? [], byIndex, opts);
      if (stats > 0 && l.stats !== undefined) o.stats64 = statsToIpJson(l.stats, stats, l.carrierChanges);
      return o;
    });
    if (!ctx.options.brief) ctx.json(objs);
    else if (ctx.options.json) ctx.json(objs.map(briefAddrJson));
    else for (const o of objs) ctx.line(briefAddrLine(o, ctx.paint));
    return;
  }
  if (ctx.options.oneline) {
    // As ip -o: the address lines alone (no link lines, so -d and -s change nothing).
    for (const l of shown) for (const a of byLink.get(l.index as number) ?? []) ctx.line(addressLine(l.index as number, l.name as string, addressToIpJson(a), ctx.paint));
    return;
  }
  const rows = shown.flatMap((l) =>
    (byLink.get(l.index as number) ?? []).map((a) => {
      const o = addressToIpJson(a);
      const addr = `${String(o.local)}${o.address !== undefined ? ` peer ${String(o.address)}` : ''}/${String(o.prefixlen)}`;
      return [l.name, o.family as string, addr, o.broadcast as string | undefined, o.scope as string, addressFlags(o).join(','), o.label as string | undefined, lifetimeText(o.valid_life_time), lifetimeText(o.preferred_life_time)];
    }),
  );
  ctx.table(['LINK', 'FAMILY', 'ADDRESS', 'BROADCAST', 'SCOPE', 'FLAGS', 'LABEL', 'VALID', 'PREFERRED'], rows);
}

const FLAG_WORDS: Readonly<Record<string, AddressFlag>> = {
  nodad: 'nodad',
  optimistic: 'optimistic',
  noprefixroute: 'noprefixroute',
  mngtmpaddr: 'managetempaddr',
  autojoin: 'mcautojoin',
  home: 'homeaddress',
};

const SCOPES: Readonly<Record<string, 'global' | 'site' | 'link' | 'host'>> = { global: 'global', universe: 'global', site: 'site', link: 'link', host: 'host' };

/** Seconds, or `undefined` for forever (the model's absent lifetime). */
function lifetime(args: Args, what: string): number | undefined {
  const v = args.value(what);
  if (v === 'forever' || v === 'infinity') return undefined;
  const n = /^\d+(sec)?$/.test(v) ? parseInt(v, 10) : NaN;
  if (!Number.isSafeInteger(n) || n >= 0xffffffff) throw args.error(`invalid ${what} "${v}": expected seconds or forever`);
  return n;
}

/** As ip: with a peer, the prefix length is the peer's; the local address's is left out. */
function localAddress(address: string, peer: string | undefined): string {
  return peer === undefined ? address : address.replace(/\/.*$/, '');
}

async function changeAddress(ctx: Context, args: Args, cmd: 'add' | 'replace'): Promise<void> {
  let address: string | undefined;
  let dev: string | undefined;
  const spec: Partial<AddressSpec> = {};
  const flags: AddressFlag[] = [];
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') dev = args.value('dev');
    else if (w === 'local') address = args.value('local');
    else if (w === 'peer' || w === 'remote') spec.peer = args.value(w);
    else if (w === 'broadcast' || w === 'brd') {
      const b = args.value(w);
      spec.broadcast = b === '+' ? true : b;
    } else if (w === 'label') spec.label = args.value('label');
    else if (w === 'scope') {
      const s = args.value('scope');
      spec.scope = SCOPES[s] ?? (/^\d+$/.test(s) ? Number(s) : undefined);
      if (spec.scope === undefined) throw args.error(`unknown scope "${s}"`);
    } else if (w === 'metric' || w === 'priority') spec.metric = args.uint(w);
    else if (w === 'valid_lft') {
      const v = lifetime(args, w);
      if (v !== undefined) spec.validLifetime = v;
    } else if (w === 'preferred_lft') {
      const v = lifetime(args, w);
      if (v !== undefined) spec.preferredLifetime = v;
    }
    else if (Object.hasOwn(FLAG_WORDS, w)) flags.push(FLAG_WORDS[w]);
    else if (address === undefined) address = w;
    else throw args.unknown(w);
  }
  if (address === undefined) throw args.error(`"address ${cmd}" needs ADDR/LEN`);
  if (dev === undefined) throw args.error(`"address ${cmd}" needs "dev NAME"`);
  if (flags.length > 0) spec.flags = flags;
  const rtnl = await ctx.handle(addressKinds);
  const full: AddressSpec = { ...spec, link: dev, address: localAddress(address, spec.peer) };
  if (cmd === 'add') await rtnl.addresses.add(full);
  else await rtnl.addresses.replace(full);
}

async function deleteAddress(ctx: Context, args: Args): Promise<void> {
  let address: string | undefined;
  let dev: string | undefined;
  let peer: string | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') dev = args.value('dev');
    else if (w === 'local') address = args.value('local');
    else if (w === 'peer' || w === 'remote') peer = args.value(w);
    else if (address === undefined) address = w;
    else throw args.unknown(w);
  }
  if (address === undefined) throw args.error('"address del" needs ADDR/LEN');
  if (dev === undefined) throw args.error('"address del" needs "dev NAME"');
  const rtnl = await ctx.handle(addressKinds);
  await rtnl.addresses.delete({ link: dev, address: localAddress(address, peer), ...(peer !== undefined ? { peer } : {}) });
}

// The flags `ip addr flush|show` selects by (`-` before one negates it): the model's names for ip's words.
const FILTER_FLAGS: Readonly<Record<string, AddressFlag>> = {
  secondary: 'secondary',
  temporary: 'secondary',
  nodad: 'nodad',
  optimistic: 'optimistic',
  dadfailed: 'dadfailed',
  home: 'homeaddress',
  deprecated: 'deprecated',
  tentative: 'tentative',
  permanent: 'permanent',
  mngtmpaddr: 'managetempaddr',
  noprefixroute: 'noprefixroute',
  autojoin: 'mcautojoin',
  'stable-privacy': 'stable-privacy',
};

/** What `ip addr flush` selects: device, family, prefix, scope, label, flags, protocol. */
interface AddressSelection {
  dev?: string;
  family?: 'inet' | 'inet6';
  to?: SelectorPrefix;
  scope?: number;
  label?: string;
  protocol?: number;
  /** Flags that must be set (true) or clear (false). */
  flags: Map<AddressFlag, boolean>;
}

function parseAddressSelection(ctx: Context, args: Args): AddressSelection {
  const sel: AddressSelection = { flags: new Map() };
  if (ctx.options.family !== undefined) sel.family = ctx.options.family;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'to') {
      sel.to = parseSelectorPrefix(args.value('to'), 'to', sel.family, args.topic);
      sel.family ??= sel.to.family;
    } else if (w === 'scope') {
      const v = args.value('scope');
      if (v !== 'all') {
        const id = routeScopes().id(v);
        if (id === undefined || id > 255) throw args.error(`invalid scope "${v}"`);
        sel.scope = id;
      }
    } else if (w === 'label') sel.label = args.value('label');
    else if (w === 'proto') sel.protocol = args.uint('proto', 255);
    else if (filterFlag(w, sel.flags)) continue;
    else {
      const d = w === 'dev' ? args.value('dev') : w;
      if (sel.dev !== undefined) throw args.error(`"dev" given twice ("${sel.dev}" and "${d}")`);
      sel.dev = d;
    }
  }
  return sel;
}

// ip's get_filter: a flag word, `-flag`, `dynamic` (not permanent), `primary` (not secondary).
function filterFlag(word: string, flags: Map<AddressFlag, boolean>): boolean {
  let on = !word.startsWith('-');
  let name = on ? word : word.slice(1);
  if (name === 'dynamic') [name, on] = ['permanent', !on];
  else if (name === 'primary') [name, on] = ['secondary', !on];
  const flag = FILTER_FLAGS[name];
  if (flag === undefined) return false;
  flags.set(flag, on);
  return true;
}

/** `ip addr flush SELECTORS`: deletes the addresses selected, in rounds until none is left. */
async function flushAddresses(ctx: Context, args: Args): Promise<void> {
  if (args.done) throw new CommandError('Flush requires arguments', 1);
  const sel = parseAddressSelection(ctx, args);
  const rtnl = await ctx.handle(addressKinds);
  let index: number | undefined;
  if (sel.dev !== undefined) {
    const link = await rtnl.links.find(sel.dev);
    if (link === undefined) throw new CommandError(`Device "${sel.dev}" does not exist.`, 1);
    index = link.index as number;
  }
  const byIndex = await ctx.linksByIndex();
  const onlyPrimaries = sel.flags.get('secondary') === false;
  let rounds = 0;
  await flushRounds(ctx, 'addresses', async () => {
    // Flushing primaries only: one round, or the secondaries they promote would go too (as ip).
    if (onlyPrimaries && rounds++ > 0) return 0;
    const all = await rtnl.addresses.list({ ...(sel.family !== undefined ? { family: sel.family } : {}), ...(index !== undefined ? { link: index } : {}) });
    const chosen = all.filter((a) => addressSelected(a, sel, byIndex.get(a.link)?.name ?? ''));
    for (const a of chosen) {
      // Deleting a primary IPv4 address takes its secondaries with it: as ip, not an error.
      await rtnl.addresses.delete(a).catch((err: unknown) => {
        if (!(err instanceof NetlinkError && err.code === 'EADDRNOTAVAIL')) throw err;
      });
    }
    return chosen.length;
  });
}

function addressSelected(a: Address, sel: AddressSelection, linkName: string): boolean {
  if (sel.scope !== undefined && routeScopes().id(String(a.scope)) !== sel.scope) return false;
  for (const [flag, on] of sel.flags) if (a.flags.includes(flag) !== on) return false;
  if (sel.protocol !== undefined && a.protocol !== undefined && protocolNumber(a.protocol) !== sel.protocol) return false;
  if (sel.label !== undefined && !fnmatch(sel.label, a.label ?? linkName)) return false;
  if (sel.to !== undefined) {
    const local = addressBytes(a.address.replace(/\/.*$/, ''));
    if (local === undefined || (sel.to.family !== undefined && local.family !== sel.to.family)) return false;
    if (!bitsMatch(local.bytes, sel.to.bytes, sel.to.bits)) return false;
  }
  return true;
}

const ADDRESS_PROTOCOLS: Readonly<Record<string, number>> = { unspec: 0, kernel_lo: 1, kernel_ra: 2, kernel_ll: 3 };

function protocolNumber(p: string | number): number {
  return typeof p === 'number' ? p : (ADDRESS_PROTOCOLS[p] ?? -1);
}
