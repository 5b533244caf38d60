// rtnetlink: Linux route netlink and network namespaces in pure TypeScript.

export { Rtnl, type RtnlOptions, type BatchResult, type BatchOptions } from './rtnl/rtnl.js';
export {
  linkKey,
  isKind,
  type Links,
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
export {
  addressKey,
  type Addresses,
  type Address,
  type AddressFamily,
  type AddressFilter,
  type AddressFlag,
  type AddressProtocol,
  type AddressSpec,
} from './rtnl/address/addresses.js';
export type {
  Scope,
  ScopeInput,
} from './rtnl/common/scope.js';
export type {
  Prefix,
} from './rtnl/common/prefix.js';
export {
  RT_TABLE,
  routeKey,
  type Routes,
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
  neighbourKey,
  fdbKey,
  type Neighbours,
  type Fdb,
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
export {
  ruleKey,
  type Rules,
  type Rule,
  type RuleAction,
  type RuleFlag,
  type PortRange,
  type UidRange,
  type RuleSpec,
  type RuleFilter,
} from './rtnl/rule/rules.js';
export {
  nexthopKey,
  type Nexthops,
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
export {
  nsidKey,
  type Nsids,
  type Nsid,
  type NsidSpec,
  type NsidListOptions,
} from './rtnl/nsid/nsids.js';
export {
  qdiscKey,
  classKey,
  filterKey,
  parseRate,
  type Qdiscs,
  type Qdisc,
  type QdiscSpec,
  type QdiscFilter,
  type QdiscOptions,
  type QdiscOptionsSpec,
  type QdiscOptionsByKind,
  type KnownQdiscKind,
  type HtbQdiscOptions,
  type TbfOptions,
  type FifoOptions,
  type PrioOptions,
  type NetemOptions,
  type FqCodelOptions,
  type FqOptions,
  type SfqOptions,
  type CakeOptions,
  type RedOptions,
  type RateSettings,
  type Classes,
  type TrafficClass,
  type TrafficClassSpec,
  type ClassFilter,
  type ClassOptions,
  type ClassOptionsSpec,
  type ClassOptionsByKind,
  type KnownClassKind,
  type HtbClassOptions,
  type HtbClassXstats,
  type Filters,
  type Filter,
  type FilterSpec,
  type FilterFilter,
  type FilterOptions,
  type FilterOptionsSpec,
  type FilterOptionsByKind,
  type KnownFilterKind,
  type U32Options,
  type U32Match,
  type ClsFlag,
  type FlowerOptions,
  type MatchallOptions,
  type BasicOptions,
  type BpfFilterOptions,
  type TcAction,
  type TcActionSpec,
  type ActionBase,
  type ActionControl,
  type MirredAction,
  type GactAction,
  type PoliceAction,
  type PoliceSettings,
  type SkbeditAction,
  type VlanAction,
  type TunnelKeyAction,
  type BpfAction,
  type RawAction,
  type TcStatistics,
  type TcHandle,
  type LinkLayer,
} from './rtnl/tc/index.js';
export type {
  EventStream,
  ObjectEventOf,
  ObjectEvent,
  OverrunEvent,
  SyncedEvent,
  ResyncedEvent,
  MonitorEvent,
  MonitorOptions,
  WatchOptions,
  EventHost,
  EventSocket,
  MalformedEvent,
  DropCounts,
} from './rtnl/events/monitor.js';
export type {
  RtnlGroupName,
  MonitorGroup,
  EventFamily,
  GroupFamilies,
  EventObjects,
  RouteObject,
  RuleObject,
} from './rtnl/events/families.js';
export type {
  LinkInfoValue,
  LinkKindData,
  LinkKind,
  LinkKindWithoutData,
  LinkPortData,
  LinkPortKind,
} from './rtnl/link/kinds.js';








export type {
  MessageSchema,
  MessageValue,
  SchemaValue,
  NetlinkHeader,
  MessageView,
} from './netlink/message.js';
export type {
  Reader,
  Writer,
} from './netlink/bytes.js';
export type {
  AttrSet,
  Struct,
  Codec,
  AttrSpec,
  AttrValues,
  RawAttribute,
  SetValue,
} from './netlink/schema/index.js';
export type {
  DumpResult,
} from './rtnl/common/requests.js';

export {
  addNetns,
  attachNetns,
  deleteNetns,
  listNetns,
  netnsExists,
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
export {
  listenInNetns,
  connectInNetns,
  type NetnsListenOptions,
  type NetnsConnectOptions,
} from './ns/sockets.js';
export {
  NamespaceNotFoundError,
  type NetnsRef,
  type OpenNetns,
} from './ns/ref.js';

export {
  RtnetlinkError,
  NetlinkError,
  DecodeError,
  SystemError,
  SocketError,
  TimeoutError,
  InvalidArgumentError,
  type ExtendedAck,
  type RequestInfo,
} from './netlink/errors.js';
export {
  DumpInterruptedError,
  type Connection,
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
export type {
  StraceParseError,
  StraceDatagram,
  StraceSocket,
  StraceSyscall,
} from './netlink/strace.js';
export type {
  Transport,
} from './netlink/transport.js';
export type {
  NetlinkSocket,
  NetlinkSocketOptions,
  DatagramWithNsid,
  ReceivedDatagram,
} from './netlink/socket.js';
