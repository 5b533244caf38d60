// rtnetlink: Linux route netlink and network namespaces in pure TypeScript.

export { Rtnl, type RtnlOptions } from './rtnl/rtnl.js';
export {
  Links,
  normalizeRef,
  validateLinkName,
  IFNAMSIZ_MAX,
  linkKey,
  isKind,
  isPortKind,
  LINK_READ_ONLY,
  LINK_SETTABLE_FLAGS,
  type Link,
  type LinkAfSpec,
  type LinkData,
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
  type LinkStats,
  type LinkXdp,
  type LinkRef,
  type LinkFilter,
  type LinkSettings,
  type LinkSpec,
  type LinkSpecBase,
  type LinkSpecOf,
  type ListedLinkSpec,
  type LinkChanges,
  type VethPeer,
  type OpenLinksIn,
} from './rtnl/link/links.js';
export { Addresses, addressKey, type Address, type AddressFamily, type AddressFilter, type AddressFlag, type AddressProtocol, type AddressSpec } from './rtnl/address/addresses.js';
export type { Scope, ScopeInput } from './rtnl/common/scope.js';
export { parsePrefix, ipv4Broadcast, type Prefix } from './rtnl/common/prefix.js';
export {
  Routes,
  RT_TABLE,
  routeKey,
  type Route,
  type RouteNexthop,
  type RouteMetrics,
  type RouteMetricName,
  type IpFamily,
  type RouteType,
  type RouteTypeName,
  type RouteScope,
  type RouteProtocol,
  type RouteTable,
  type RouteFlag,
  type RouteNexthopFlag,
  type RoutePref,
  type Realms,
  type IpProto,
  type RouteNexthopSpec,
  type RouteSpec,
  type RouteFilter,
  type RouteLookup,
} from './rtnl/route/routes.js';
export {
  Neighbours,
  Fdb,
  neighbourKey,
  fdbKey,
  type Neighbour,
  type FdbEntry,
  type NeighbourState,
  type NeighbourStateName,
  type NeighbourFlag,
  type NeighbourSpec,
  type NeighbourFilter,
  type FdbState,
  type FdbEntrySpec,
  type FdbFilter,
} from './rtnl/neigh/neighbours.js';
export { Rules, ruleKey, type Rule, type RuleAction, type RuleFlag, type PortRange, type UidRange, type RuleSpec, type RuleFilter } from './rtnl/rule/rules.js';
export {
  Nexthops,
  nexthopKey,
  type Nexthop,
  type NexthopFlag,
  type NexthopGroupMember,
  type NexthopGroupMemberSpec,
  type NexthopGroupType,
  type ResilientGroup,
  type ResilientGroupSpec,
  type NexthopSpec,
  type NexthopFilter,
} from './rtnl/nexthop/nexthops.js';
export { Nsids, nsidKey, type Nsid, type NsidSpec, type NsidListOptions } from './rtnl/nsid/nsids.js';
export * from './rtnl/tc/index.js';
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
  type EventHost,
  type EventSocket,
  type MalformedEvent,
  type DropCounts,
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
  type RuleObject,
} from './rtnl/events/families.js';
export {
  LINK_KINDS,
  LINK_KINDS_WITHOUT_DATA,
  LINK_PORT_KINDS,
  type LinkInfoValue,
  type LinkKindData,
  type LinkKind,
  type LinkKindWithoutData,
  type LinkPortData,
  type LinkPortKind,
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
} from './netlink/schema/index.js';
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
  SystemError,
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
} from './netlink/connection.js';
export { parseStraceDump, StraceParseError, type StraceDatagram, type StraceSocket, type StraceSyscall } from './netlink/strace.js';
export type { Transport } from './netlink/transport.js';
export { NetlinkSocket, type NetlinkSocketOptions, type DatagramWithNsid, type ReceivedDatagram } from './netlink/socket.js';
export * from './netlink/capture/index.js';
