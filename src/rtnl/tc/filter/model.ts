// The public shape of a tc filter (a classifier instance), used both ways: what Filters.list()
// and events return is accepted by add(), replace(), change() and delete().

import type { LinkRef } from '../../link/links.js';
import type { TcHandle } from '../common/handle.js';
import type { PoliceSettings, TcAction, TcActionSpec } from '../action/model.js';

/**
 * One match of a u32 filter, as tc users write it. Listed filters decode the keys of IPv4
 * (`protocol ip`) and IPv6 (`protocol ipv6`) filters into these forms where the key is exactly
 * what tc writes for them (addresses as prefixes, ports and protocol with their masks, IPv4
 * without options as tc assumes); any other key lists as `u32`. Matches on the same 32-bit word
 * merge into one key, as tc merges them.
 */
export type U32Match = U32WordMatch | U32PrefixMatch | U32FieldMatch;

/** `match u32 VALUE MASK at OFFSET`: a 32-bit word of the packet. */
export interface U32WordMatch {
  /** The match's form. */
  type: 'u32';
  /** The value the masked word must equal. */
  value: number;
  /** The mask applied to the word. */
  mask: number;
  /** The word's byte offset from the network header, a multiple of 4. */
  at: number;
  /** -1 for tc's `at nexthdr+OFFSET` (offset from the next header); absent otherwise. */
  offmask?: number;
}

/** `match ip src|dst PREFIX`, `match ip6 src|dst PREFIX`. */
export interface U32PrefixMatch {
  /** The header matched: IPv4 (`ip`) or IPv6 (`ip6`). */
  type: 'ip' | 'ip6';
  /** The address matched. */
  field: 'src' | 'dst';
  /** The prefix it must be in, such as `'198.51.100.0/24'`. */
  prefix: string;
}

/** `match ip sport|dport|protocol|tos VALUE MASK`, `match ip6 sport|dport|protocol VALUE MASK`. */
export interface U32FieldMatch {
  /** The header matched: IPv4 (`ip`) or IPv6 (`ip6`). */
  type: 'ip' | 'ip6';
  /** The header field (ports are those of TCP/UDP following an option-less header, as in tc). */
  field: 'sport' | 'dport' | 'protocol' | 'tos';
  /** The value the masked field must equal. */
  value: number;
  /** The mask applied to the field (`0xffff` for a whole port). */
  mask: number;
}

/** Further fields of the u32 selector (struct tc_u32_sel): offsets and hashing. */
export interface U32Selector {
  /** TC_U32_* selector flags (TERMINAL, OFFSET, VAROFFSET, EAT). */
  flags: number;
  /** Right shift applied to the variable offset (`offset ... shift`). */
  offshift: number;
  /** Mask applied to the 16-bit word the variable offset is read from. */
  offmask: number;
  /** Constant offset added to the next header's position (`offset plus`). */
  off: number;
  /** Where the variable offset is read from (`offset at`). */
  offoff: number;
  /** Offset of the word hashed (`hashkey ... at`). */
  hoff: number;
  /** Mask of the word hashed (`hashkey mask`). */
  hmask: number;
}

/** A firewall-mark match of a u32 filter (`mark VALUE MASK`). */
export interface U32Mark {
  /** The value the masked mark must equal. */
  value: number;
  /** The mask applied to the mark. */
  mask: number;
}

/** Classifier flags (TCA_CLS_FLAGS_*) a filter may be given. */
export type ClsFlag = 'skip_hw' | 'skip_sw' | 'verbose';

/** What the offload flags the kernel adds say: true `in_hw`, false `not_in_hw`. */
interface OffloadState {
  /** Read-only: whether hardware runs the filter (`in_hw`) or not (`not_in_hw`). Ignored by add(). */
  inHw?: boolean;
}

/** Options of a `u32` filter. */
export interface U32Options extends OffloadState {
  /** The class packets go to (`flowid`/`classid`, `'1:10'`). */
  classid?: string;
  /** The selector's matches (absent for a hash table, which has a `divisor`). */
  matches?: U32Match[];
  /**
   * Whether a match ends the classification (TC_U32_TERMINAL). Default as tc: when the filter has a
   * class or actions.
   */
  terminal?: boolean;
  /** Further selector fields (offsets and hashing: tc's `offset`, `hashkey`), when any is set. */
  selector?: U32Selector;
  /** The hash table the filter is in (`ht 800:`). */
  hashTable?: string;
  /** The hash table a match leads to (`link 1:`). */
  link?: string;
  /** Makes this filter a hash table with this many buckets (`divisor`). */
  divisor?: number;
  /** Only packets received on this interface (`indev`), by name. */
  indev?: string;
  /** Firewall mark match (`mark VALUE MASK`). */
  mark?: U32Mark;
  /** Actions, in order. */
  actions?: TcAction[];
  /** The filter's own policer (tc's `police` after the matches, TCA_U32_POLICE). */
  police?: PoliceSettings;
  /** Classifier flags. */
  flags?: ClsFlag[];
}

/** Options of a `flower` filter (not built into this kernel: encoded and decoded only). */
export interface FlowerOptions extends OffloadState {
  /** The class packets go to. */
  classid?: string;
  /** Only packets received on this interface. */
  indev?: string;
  /** Destination MAC, `'aa:bb:cc:dd:ee:ff'` (optionally `/mask`). */
  ethDst?: string;
  /** Source MAC. */
  ethSrc?: string;
  /** The IP protocol: `'tcp'`, `'udp'`, `'sctp'`, `'icmp'`, `'icmpv6'` or a number. */
  ipProto?: string | number;
  /** Destination prefix, IPv4 or IPv6 (`'198.51.100.0/24'`). */
  dst?: string;
  /** Source prefix. */
  src?: string;
  /** Destination port (of the `ipProto` protocol). */
  dstPort?: number;
  /** Source port. */
  srcPort?: number;
  /** VLAN id. */
  vlanId?: number;
  /** VLAN priority. */
  vlanPrio?: number;
  /** Actions, in order. */
  actions?: TcAction[];
  /** Classifier flags. */
  flags?: ClsFlag[];
}

/** Options of a `matchall` filter (not built into this kernel: encoded and decoded only). */
export interface MatchallOptions extends OffloadState {
  /** The class packets go to. */
  classid?: string;
  /** Actions, in order. */
  actions?: TcAction[];
  /** Classifier flags. */
  flags?: ClsFlag[];
}

/** Options of a `basic` filter (not built into this kernel: encoded and decoded only). */
export interface BasicOptions {
  /** The class packets go to. */
  classid?: string;
  /** The extended matches (TCA_BASIC_EMATCHES), as their encoded attributes. */
  ematches?: Uint8Array;
  /** Actions, in order. */
  actions?: TcAction[];
}

/** Options of a `bpf` filter. */
export interface BpfFilterOptions extends OffloadState {
  /** The class packets go to. */
  classid?: string;
  /** Input: the file descriptor of a loaded eBPF program. */
  fd?: number;
  /** The program's name. */
  name?: string;
  /** Run the program's verdict as the action (`da`, TCA_BPF_FLAG_ACT_DIRECT). */
  directAction?: boolean;
  /** The program's id (listed). */
  id?: number;
  /** The program's tag, hexadecimal (listed). */
  tag?: string;
  /** A classic BPF program (struct sock_filter array), as bytes. */
  ops?: Uint8Array;
  /** Actions, in order. */
  actions?: TcAction[];
  /** Classifier flags. */
  flags?: ClsFlag[];
}

/** Filter options by kind. */
export interface FilterOptionsByKind {
  /** The universal 32-bit classifier. */
  u32: U32Options;
  /** Flow classifier on parsed keys. */
  flower: FlowerOptions;
  /** Matches every packet. */
  matchall: MatchallOptions;
  /** Extended-match classifier. */
  basic: BasicOptions;
  /** BPF classifier. */
  bpf: BpfFilterOptions;
}

/** A filter kind this library knows the options of. */
export type KnownFilterKind = keyof FilterOptionsByKind;

/** The options of a filter: typed for the kinds above, the raw TCA_OPTIONS payload otherwise. */
export type FilterOptions = FilterOptionsByKind[KnownFilterKind] | Uint8Array;

type WithActionSpecs<T> = T extends { actions?: TcAction[] } ? Omit<T, 'actions'> & { actions?: TcActionSpec[] } : T;

/** Options as add() takes them: actions may name interfaces. */
export type FilterOptionsSpec = WithActionSpecs<FilterOptionsByKind[KnownFilterKind]> | Uint8Array;

/**
 * A filter, as `tc filter show` lists it. A u32 filter lists three kinds of entries: one without
 * a handle for each priority (it stands for the whole priority: deleting it deletes every filter
 * of the priority, adding it creates the priority empty), the hash tables (`divisor`; the one the
 * kernel makes per priority, `800:`, cannot be deleted alone), and the filters with matches.
 * The same shape is accepted by `rtnl.filters.add()`, `replace()`, `change()` and `delete()`.
 */
export interface Filter {
  /** The interface index. */
  link: number;
  /** Where the filter is attached: a qdisc (`'1:'`, `'ffff:'`), a class (`'1:10'`), or a clsact hook (`'ffff:fff2'` ingress, `'ffff:fff3'` egress). */
  parent: string;
  /** The classifier (`u32`, `flower`, `matchall`, `basic`, `bpf`, ...). */
  kind: string;
  /** The link-layer protocol matched: `'all'`, `'ip'`, `'ipv6'`, `'arp'`, `'802.1Q'`, `'802.1ad'`, ... or its number. */
  protocol: string | number;
  /** The priority (tc's `pref`): lower runs first. */
  priority: number;
  /** The filter's handle: for u32 as tc writes it (`'800::800'`, `'800:'`), for other kinds hexadecimal (`'0x1'`). Absent for the entry of a priority. */
  handle?: string;
  /** The filter chain (0 by default). */
  chain: number;
  /** Kind-specific options. */
  options?: FilterOptions;
}

/**
 * A filter to create, change or delete: a {@link Filter} where the interface may be a name, the
 * parent may be `'ingress'`/`'egress'` (clsact), and what the kernel picks may be left out
 * (handle, priority: the kernel's next free one, chain 0, protocol `all`).
 */
export interface FilterSpec extends Omit<Filter, 'link' | 'parent' | 'kind' | 'protocol' | 'priority' | 'handle' | 'chain' | 'options'> {
  /** The interface: index or name. */
  link: LinkRef;
  /** Where the filter is attached (`'1:'`, `'ffff:'`, `'ingress'`, `'egress'`, `'1:10'`). */
  parent: TcHandle;
  /** The classifier. Optional for delete(). */
  kind?: string;
  /** Default `'all'`. */
  protocol?: string | number;
  /** The kernel picks one when absent (from 49152 down). */
  priority?: number;
  /** The handle; the kernel picks one when absent. A number is taken as the 32-bit handle. */
  handle?: string | number;
  /** Default 0. */
  chain?: number;
  /** Kind-specific options. */
  options?: FilterOptionsSpec;
}

/** Filters for {@link Filters.list}. */
export interface FilterFilter {
  /** Only the filters of this interface (the kernel lists filters per interface and parent). */
  link?: LinkRef;
  /** Only the filters attached there; without it, every qdisc and class of the interface is asked. */
  parent?: TcHandle;
  /** Only this priority (applied by the kernel). */
  priority?: number;
  /** Only this protocol (applied by the kernel). */
  protocol?: string | number;
  /** Only this chain (applied by the kernel). */
  chain?: number;
  /** Only this kind. */
  kind?: string;
}
