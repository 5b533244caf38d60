// rtnetlink: Linux route netlink and network namespaces in pure TypeScript.

export { Rtnl, type RtnlOptions, type BatchResult, type BatchOptions } from './rtnl/rtnl.js';
export {
  Links,
  normalizeRef,
  validateLinkName,
  IFNAMSIZ_MAX,
  type Link,
  type LinkRef,
  type LinkFilter,
  type LinkSettings,
  type LinkSpec,
  type LinkChanges,
  type VethPeer,
} from './rtnl/link/links.js';
export { Addresses, type Address, type AddressFamily, type AddressFilter, type AddressFlag, type AddressSpec } from './rtnl/address/addresses.js';
export { parsePrefix, ipv4Broadcast, type Prefix } from './rtnl/common/prefix.js';
export {
  Routes,
  RT_TABLE,
  type Route,
  type RouteMetrics,
  type IpFamily,
  type RouteType,
  type RouteScope,
  type RouteProtocol,
  type RouteTable,
  type IpProto,
  type RouteNexthopSpec,
  type RouteSpec,
  type RouteFilter,
  type RouteLookup,
} from './rtnl/route/routes.js';
export {
  Neighbours,
  Fdb,
  type Neighbour,
  type FdbEntry,
  type NeighbourState,
  type NeighbourFlag,
  type NeighbourSpec,
  type NeighbourFilter,
  type FdbState,
  type FdbEntrySpec,
  type FdbFilter,
} from './rtnl/neigh/neighbours.js';
export { Rules, type Rule, type RuleAction, type PortRange, type RuleSpec, type RuleFilter } from './rtnl/rule/rules.js';
export { Nexthops, type Nexthop, type NexthopGroupMember, type ResilientGroupSettings, type NexthopSpec, type NexthopFilter } from './rtnl/nexthop/nexthops.js';
export { Nsids, type NsidMessage, type NsidEntry, type NsidListOptions } from './rtnl/nsid/nsids.js';
export {
  monitor,
  watch,
  EventStream,
  type ObjectEventOf,
  type ObjectEvent,
  type OverrunEvent,
  type SyncedEvent,
  type ResyncedEvent,
  type MonitorEvent,
  type MonitorOptions,
  type WatchOptions,
} from './rtnl/events/monitor.js';
export {
  RTNL_GROUPS,
  GROUP_SHORTHANDS,
  type RtnlGroupName,
  type MonitorGroup,
  type EventFamily,
  type GroupFamilies,
  type EventObjects,
  type RouteObject,
  type NeighObject,
  type RuleObject,
  type NexthopObject,
  type NsidObject,
} from './rtnl/events/families.js';
export {
  isKind,
  isPortKind,
  LINK_KINDS,
  LINK_KINDS_WITHOUT_DATA,
  LINK_PORT_KINDS,
  type LinkInfoValue,
  type LinkKindData,
  type LinkKind,
  type LinkKindWithoutData,
  type LinkPortData,
  type LinkPortKind,
  type LinkInfoOf,
  type LinkPortInfoOf,
} from './rtnl/link/kinds.js';
export { schemaForType, RTM_TYPE_NAMES } from './rtnl/registry.js';
export { linkMessage } from './rtnl/generated/link.js';
export { addrMessage } from './rtnl/generated/addr.js';
export { routeMessage } from './rtnl/generated/route.js';
export { neighMessage } from './rtnl/generated/neigh.js';
export { ruleMessage } from './rtnl/generated/rule.js';
export { nexthopMessage } from './rtnl/nexthop/wire.js';
export { nsidMessage } from './rtnl/nsid/wire.js';
export { MessageSchema, type MessageValue, type SchemaValue, type NetlinkHeader, type MessageView, forEachMessage, splitMessages, readHeader, writeMessage } from './netlink/message.js';
export { Reader, Writer } from './netlink/bytes.js';
export {
  attr,
  multiAttr,
  attrSet,
  struct,
  nest,
  indexedArray,
  subMessage,
  enumOf,
  flagsOf,
  unknownAttributes,
  decodeWith,
  encodeWith,
  AttrSet,
  Struct,
  type Codec,
  type AttrSpec,
  type AttrValues,
  type RawAttribute,
  type SetValue,
} from './netlink/schema.js';
export type { DumpResult } from './rtnl/common/requests.js';

export {
  addNetns,
  attachNetns,
  deleteNetns,
  listNetns,
  netnsExists,
  netnsIdentity,
  currentNetns,
  identifyNetns,
  netnsPids,
  runInNetns,
  execInNetns,
  execInNetnsSync,
  NamespaceExistsError,
  type NetnsIdentity,
  type NamedNetnsIdentity,
} from './ns/netns.js';
export { listenInNetns, connectInNetns, type NetnsListenOptions, type NetnsConnectOptions } from './ns/sockets.js';
export { NETNS_RUN_DIR, NamespaceNotFoundError, describeNetns, openNetns, netnsPath, validateNetnsName, type NetnsRef, type OpenNetns } from './ns/ref.js';

export {
  RtnetlinkError,
  NetlinkError,
  DecodeError,
  SocketError,
  TimeoutError,
  InvalidArgumentError,
  errnoName,
  errnoText,
  type ExtendedAck,
  type RequestInfo,
} from './netlink/errors.js';
export {
  Connection,
  DumpInterruptedError,
  type ConnectionOptions,
  type RequestOptions,
  type Request,
  type MessageHandler,
  type DumpStatus,
  type DumpInterruptedPolicy,
  type DumpCollector,
  type DumpResultOf,
  type DumpStream,
} from './netlink/connection.js';
export { parseStraceDump, StraceParseError, type StraceDatagram, type StraceSocket, type StraceSyscall } from './netlink/strace.js';
export type { Transport } from './netlink/transport.js';
export { NetlinkSocket, type NetlinkSocketOptions, type DatagramWithNsid } from './netlink/socket.js';
export * from './netlink/capture/index.js';
