// The public shapes of tc actions (what a filter does with the packets it matches), used both
// ways: what a filter lists is accepted by add() and means the same thing there.

import type { LinkRef } from '../../link/links.js';
import type { LinkLayer } from '../common/units.js';
import type { TcStatistics } from '../common/stats.js';

/**
 * What happens to a packet after an action (TC_ACT_*), by the names tc prints: `'pass'`, `'drop'`,
 * `'pipe'` (go on with the next action), `'stolen'`, `'reclassify'`, `'continue'`, `'trap'`,
 * `'goto chain N'`, `'jump N'`; a number for anything else.
 */
export type ActionControl = string | number;

/** What every action has. */
export interface ActionBase {
  /** The action's index in its kind's table; the kernel picks one when absent. */
  index?: number;
  /** What happens after the action (tc's control action). */
  control?: ActionControl;
  /** An opaque cookie (TCA_ACT_COOKIE) as hexadecimal text, up to 16 bytes. */
  cookie?: string;
  /** Read-only: counters. Ignored by add(). */
  stats?: TcStatistics;
  /** Read-only: references to the action. Ignored by add(). */
  refcount?: number;
  /** Read-only: filters bound to the action. Ignored by add(). */
  bindcount?: number;
  /** Read-only: seconds since the action was installed (in 1/100 s). Ignored by add(). */
  installed?: number;
  /** Read-only: seconds since a packet last used it. Ignored by add(). */
  lastUsed?: number;
  /** Read-only: seconds since a packet first used it. Ignored by add(). */
  firstUsed?: number;
}

/** `mirred`: redirect or mirror packets to another interface. */
export interface MirredAction extends ActionBase {
  /** The kind. */
  kind: 'mirred';
  /** `'redirect'` (the packet goes there) or `'mirror'` (a copy goes there). */
  action: 'redirect' | 'mirror';
  /** Where the packet enters the other interface: `'egress'` (sent out of it) or `'ingress'` (received by it). */
  direction: 'egress' | 'ingress';
  /** The interface (an index; add() also takes a name). The control defaults to `'stolen'` for a redirect, `'pipe'` for a mirror, as in tc. */
  link: number;
}

/** `gact`: the generic action (tc's `action drop`, `action pass`, ...). */
export interface GactAction extends ActionBase {
  /** The kind. */
  kind: 'gact';
  /** What it does with the packet (required). */
  control: ActionControl;
  /** A second choice made at random or every Nth packet (tc's `random`). */
  random?: {
    /** `'netrand'` (with probability 1/value) or `'determ'` (every value-th packet). */
    type: 'netrand' | 'determ' | number;
    /** The probability divisor or the period. */
    value: number;
    /** What it does when chosen. */
    control: ActionControl;
  };
}

/** Rate settings of a policer (`police` action, or a filter's own policer). Rates in bits per second, sizes in bytes. */
export interface PoliceSettings {
  /** The rate (bits per second); 0 or absent with `packetRate`. */
  rate?: number;
  /** The bucket in bytes (`burst`). */
  burst?: number;
  /** Largest packet that conforms, bytes (`mtu`); 0 means any. */
  mtu?: number;
  /** Peak rate in bits per second, with `mtu`. */
  peakrate?: number;
  /** Average rate in bits per second checked against the rate estimator (`avrate`). */
  avrate?: number;
  /** Packets per second (`pkts_rate`), instead of a byte rate. */
  packetRate?: number;
  /** Packet bucket (`pkts_burst`). */
  packetBurst?: number;
  /** What happens to packets above the rate (the control action; default `'reclassify'` as in tc). */
  control?: ActionControl;
  /** What happens to packets within the rate (`conform-exceed X/Y`: the Y is `control`). */
  conform?: ActionControl;
  /** Bytes added to each packet's length (`overhead`). */
  overhead?: number;
  /** Minimum bytes charged per packet (`mpu`). */
  mpu?: number;
  /** Link layer charged (`linklayer`). */
  linklayer?: LinkLayer;
}

/** `police`: rate limiting. */
export interface PoliceAction extends Omit<ActionBase, 'control'>, PoliceSettings {
  /** The kind. */
  kind: 'police';
}

/** `skbedit`: set packet metadata. */
export interface SkbeditAction extends ActionBase {
  /** The kind. */
  kind: 'skbedit';
  /** The packet's priority as a class id (`priority 1:2`). */
  priority?: string;
  /** The transmit queue. */
  queueMapping?: number;
  /** The firewall mark. */
  mark?: number;
  /** Mask of the mark bits to set. */
  mask?: number;
  /** The packet type (PACKET_HOST 0, PACKET_BROADCAST 1, PACKET_MULTICAST 2, PACKET_OTHERHOST 3). */
  ptype?: number;
}

/** `vlan`: push, pop or modify a VLAN tag. */
export interface VlanAction extends ActionBase {
  /** The kind. */
  kind: 'vlan';
  /** What to do. */
  vlanAction: 'pop' | 'push' | 'modify' | 'pop_eth' | 'push_eth' | number;
  /** The VLAN id pushed or set. */
  id?: number;
  /** The tag's protocol: `'802.1Q'`, `'802.1ad'` or a number. */
  protocol?: string | number;
  /** The priority (PCP) pushed. */
  priority?: number;
  /** Destination MAC pushed (`push_eth`). */
  ethDst?: string;
  /** Source MAC pushed (`push_eth`). */
  ethSrc?: string;
}

/** `tunnel_key`: set or release the tunnel metadata of a packet (for vxlan and other collect-metadata devices). */
export interface TunnelKeyAction extends ActionBase {
  /** The kind. */
  kind: 'tunnel_key';
  /** `'set'` or `'unset'`. */
  tunnelAction: 'set' | 'unset' | number;
  /** Outer source address (IPv4 or IPv6). */
  src?: string;
  /** Outer destination address. */
  dst?: string;
  /** Tunnel key (VNI). */
  keyId?: number;
  /** Outer UDP destination port. */
  dstPort?: number;
  /** Outer TOS. */
  tos?: number;
  /** Outer TTL. */
  ttl?: number;
  /** Do not compute the outer UDP checksum. */
  noCsum?: boolean;
  /** Do not fragment. */
  noFrag?: boolean;
}

/** `bpf`: run a BPF program. */
export interface BpfAction extends ActionBase {
  /** The kind. */
  kind: 'bpf';
  /** Input: the file descriptor of a loaded eBPF program. */
  fd?: number;
  /** The program's name. */
  name?: string;
  /** The program's id (listed). */
  id?: number;
  /** The program's tag (hexadecimal). */
  tag?: string;
  /** A classic BPF program (struct sock_filter array), as bytes. */
  ops?: Uint8Array;
}

/** An action of a kind without a model here: its options payload kept and sent back byte for byte. */
export interface RawAction extends ActionBase {
  /** The kind (`pedit`, `csum`, `ct`, ...). */
  kind: string;
  /** The TCA_ACT_OPTIONS payload. */
  options?: Uint8Array;
}

/** An action, as a filter lists it. */
export type TcAction = MirredAction | GactAction | PoliceAction | SkbeditAction | VlanAction | TunnelKeyAction | BpfAction | RawAction;

/** An action as add() takes it: mirred's interface may be a name. */
export type TcActionSpec = Exclude<TcAction, MirredAction> | MirredActionSpec;

/** A mirred action as add() takes it. */
export interface MirredActionSpec extends Omit<MirredAction, 'link'> {
  /** The interface, by index or name. */
  link: LinkRef;
}
