// rtnetlink: Linux route netlink and network namespaces in pure TypeScript.

export { Rtnl, type RtnlOptions } from './rtnl/rtnl.js';
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
} from './rtnl/links.js';
export { Addresses, type Address, type AddressFamily, type AddressFilter, type AddressFlag, type AddressSpec } from './rtnl/addresses.js';
export { parsePrefix, ipv4Broadcast, type Prefix } from './rtnl/prefix.js';
export type { DumpResult } from './rtnl/family.js';

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
} from './netlink/connection.js';
export type { Transport } from './netlink/transport.js';
export { NetlinkSocket, type NetlinkSocketOptions, type DatagramWithNsid } from './netlink/socket.js';
export * from './netlink/capture/index.js';
