// Precise types for the kind-selected parts of IFLA_LINKINFO. The generated sub-messages
// (linkinfoDataMsg, linkinfoMemberDataMsg in ../generated/link.ts) decode IFLA_INFO_DATA by
// IFLA_INFO_KIND and IFLA_INFO_SLAVE_DATA by IFLA_INFO_SLAVE_KIND, but their value type is the
// union of every kind's data. These maps give the data type of each kind. Hand-written; each entry is the decoded value of the set the
// generated sub-message uses for that kind (test/link-kinds.test.ts checks the pairing). The type
// guards that narrow a link's `data` by kind (isKind, isPortKind) are in model.ts.

import type { SetValue } from '../../netlink/schema/index.js';
import type {
  bondSlaveAttrs,
  linkinfoAttrs,
  linkinfoBondAttrs,
  linkinfoBridgeAttrs,
  linkinfoBrportAttrs,
  linkinfoGeneveAttrs,
  linkinfoGre6Attrs,
  linkinfoGreAttrs,
  linkinfoHsrAttrs,
  linkinfoIp6tnlAttrs,
  linkinfoIptunAttrs,
  linkinfoIpvlanAttrs,
  linkinfoMacvlanAttrs,
  linkinfoNetkitAttrs,
  linkinfoOvpnAttrs,
  linkinfoTunAttrs,
  linkinfoVethAttrs,
  linkinfoVlanAttrs,
  linkinfoVrfAttrs,
  linkinfoVrfPortAttrs,
  linkinfoVti6Attrs,
  linkinfoVtiAttrs,
  linkinfoVxlanAttrs,
} from '../generated/link.js';

/** A decoded IFLA_LINKINFO nest: `kind` and its `data`, `slaveKind` and its `slaveData`, `xstats`. */
export type LinkInfoValue = SetValue<typeof linkinfoAttrs>;

/**
 * The IFLA_INFO_DATA value of each link kind (IFLA_INFO_KIND), as decoded and as accepted when
 * encoding. Kinds whose driver puts no data (no `fill_info`) map to `never`: their `data` is
 * always absent.
 */
export interface LinkKindData {
  /** veth pair: VETH_INFO_PEER (the peer's ifinfomsg and attributes) in requests; dumps carry no data. */
  veth: SetValue<typeof linkinfoVethAttrs>;
  /** Bridge: IFLA_BR_* (STP timers and state, priority, VLAN filtering, multicast snooping...). */
  bridge: SetValue<typeof linkinfoBridgeAttrs>;
  /** VXLAN: IFLA_VXLAN_* (VNI, remote/group, local, ports, TTL, learning, ageing...). */
  vxlan: SetValue<typeof linkinfoVxlanAttrs>;
  /** MAC VLAN: IFLA_MACVLAN_* (mode, flags, source MAC list, broadcast queue). */
  macvlan: SetValue<typeof linkinfoMacvlanAttrs>;
  /** MAC VLAN with a tap character device: the same IFLA_MACVLAN_* data as macvlan. */
  macvtap: SetValue<typeof linkinfoMacvlanAttrs>;
  /** IP VLAN: IFLA_IPVLAN_* (mode l2/l3/l3s, private/vepa flags). */
  ipvlan: SetValue<typeof linkinfoIpvlanAttrs>;
  /** IP VLAN with a tap character device: the same IFLA_IPVLAN_* data as ipvlan. */
  ipvtap: SetValue<typeof linkinfoIpvlanAttrs>;
  /** 802.1Q/802.1ad VLAN: IFLA_VLAN_* (id, protocol, flags, QoS maps). */
  vlan: SetValue<typeof linkinfoVlanAttrs>;
  /** Bonding master: IFLA_BOND_* (mode, monitoring, ARP/NS targets, 802.3ad settings...). */
  bond: SetValue<typeof linkinfoBondAttrs>;
  /** VRF: IFLA_VRF_TABLE. */
  vrf: SetValue<typeof linkinfoVrfAttrs>;
  /** GENEVE: IFLA_GENEVE_* (VNI, remote, ports, TTL, DF...). */
  geneve: SetValue<typeof linkinfoGeneveAttrs>;
  /** GRE over IPv4 (layer 3): IFLA_GRE_*. */
  gre: SetValue<typeof linkinfoGreAttrs>;
  /** GRE over IPv4 (Ethernet): IFLA_GRE_*. */
  gretap: SetValue<typeof linkinfoGreAttrs>;
  /** ERSPAN over IPv4: IFLA_GRE_* with the ERSPAN attributes. */
  erspan: SetValue<typeof linkinfoGreAttrs>;
  /** GRE over IPv6 (layer 3): IFLA_GRE_* (IPv6 subset). */
  ip6gre: SetValue<typeof linkinfoGre6Attrs>;
  /** GRE over IPv6 (Ethernet): IFLA_GRE_* (IPv6 subset). */
  ip6gretap: SetValue<typeof linkinfoGre6Attrs>;
  /** IPv4 in IPv4 tunnel: IFLA_IPTUN_*. */
  ipip: SetValue<typeof linkinfoIptunAttrs>;
  /** IPv6 in IPv4 tunnel: IFLA_IPTUN_* (with the 6rd attributes). */
  sit: SetValue<typeof linkinfoIptunAttrs>;
  /** IPv4/IPv6 in IPv6 tunnel: IFLA_IPTUN_* (IPv6 subset, 32-bit flags). */
  ip6tnl: SetValue<typeof linkinfoIp6tnlAttrs>;
  /** Virtual tunnel interface over IPv4: IFLA_VTI_*. */
  vti: SetValue<typeof linkinfoVtiAttrs>;
  /** Virtual tunnel interface over IPv6: IFLA_VTI_*. */
  vti6: SetValue<typeof linkinfoVti6Attrs>;
  /** TUN/TAP device (created through /dev/net/tun, not rtnetlink): IFLA_TUN_* in dumps. */
  tun: SetValue<typeof linkinfoTunAttrs>;
  /** HSR/PRP redundancy: IFLA_HSR_*. */
  hsr: SetValue<typeof linkinfoHsrAttrs>;
  /** netkit (BPF-programmable veth-like pair): IFLA_NETKIT_*. */
  netkit: SetValue<typeof linkinfoNetkitAttrs>;
  /** OpenVPN data channel offload: IFLA_OVPN_*. */
  ovpn: SetValue<typeof linkinfoOvpnAttrs>;
  /** Dummy device: no data. */
  dummy: never;
  /** Intermediate functional block: no data. */
  ifb: never;
  /** Netlink monitor: no data. */
  nlmon: never;
  /** WireGuard: no rtnetlink data (configured through the wireguard generic netlink family). */
  wireguard: never;
  /** Team master: no rtnetlink data (configured through the team generic netlink family). */
  team: never;
}

/** A link kind with known IFLA_INFO_DATA (or known to carry none). */
export type LinkKind = keyof LinkKindData;

/** The kinds whose driver puts no IFLA_INFO_DATA (their {@link LinkKindData} entry is `never`). */
export type LinkKindWithoutData = { [K in LinkKind]-?: [LinkKindData[K]] extends [never] ? K : never }[LinkKind];

/** The IFLA_INFO_SLAVE_DATA value of a port of each master kind (IFLA_INFO_SLAVE_KIND). */
export interface LinkPortData {
  /** Bridge port: IFLA_BRPORT_* (STP state, priority, cost, flooding, learning...). */
  bridge: SetValue<typeof linkinfoBrportAttrs>;
  /** Bond port: IFLA_BOND_SLAVE_* (state, MII status, permanent address, 802.3ad state...). */
  bond: SetValue<typeof bondSlaveAttrs>;
  /** VRF port: IFLA_VRF_PORT_TABLE. */
  vrf: SetValue<typeof linkinfoVrfPortAttrs>;
}

/** A master kind whose ports carry known IFLA_INFO_SLAVE_DATA. */
export type LinkPortKind = keyof LinkPortData;

const kindList = {
  veth: true,
  bridge: true,
  vxlan: true,
  macvlan: true,
  macvtap: true,
  ipvlan: true,
  ipvtap: true,
  vlan: true,
  bond: true,
  vrf: true,
  geneve: true,
  gre: true,
  gretap: true,
  erspan: true,
  ip6gre: true,
  ip6gretap: true,
  ipip: true,
  sit: true,
  ip6tnl: true,
  vti: true,
  vti6: true,
  tun: true,
  hsr: true,
  netkit: true,
  ovpn: true,
  dummy: true,
  ifb: true,
  nlmon: true,
  wireguard: true,
  team: true,
} as const satisfies Record<LinkKind, true>;

/** Every key of {@link LinkKindData}, at run time. */
export const LINK_KINDS: readonly LinkKind[] = Object.keys(kindList) as LinkKind[];

/** The kinds of {@link LINK_KINDS} whose driver puts no IFLA_INFO_DATA. */
export const LINK_KINDS_WITHOUT_DATA: readonly LinkKindWithoutData[] = ['dummy', 'ifb', 'nlmon', 'wireguard', 'team'];

/** Every key of {@link LinkPortData}, at run time. */
export const LINK_PORT_KINDS: readonly LinkPortKind[] = ['bridge', 'bond', 'vrf'] satisfies LinkPortKind[];
