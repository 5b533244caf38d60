/**
 * `rtnetlink/netlink`: the request engine and the codec toolkit, for messages the typed families
 * do not cover: the declarative schema (attribute sets, structs, nests, sub-messages), message
 * schemas, the `Connection` that sends requests and collects replies, and the socket behind it.
 * Byte readers and writers stay internal: schemas encode and decode whole messages.
 *
 * @module
 */
export {
  MessageSchema,
  message,
  type MessageValue,
  type SchemaValue,
  type NetlinkHeader,
  type MessageView,
  splitMessages,
  readHeader,
} from '../netlink/message.js';
export type { Reader, Writer } from '../netlink/bytes.js';
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
  decodeContext,
  encodeContext,
  u8,
  u16,
  u32,
  s8,
  s16,
  s32,
  be16,
  be32,
  u64,
  s64,
  be64,
  uint,
  string,
  binary,
  flag,
  ipv4,
  ip,
  mac,
  fixedString,
  AttrSet,
  Struct,
  MAX_NESTING,
  compileDecodersAfter,
  type Codec,
  type AttrPath,
  type DecodeContext,
  type EncodeContext,
  type EnumEntries,
  type AttrSpec,
  type AttrSpecs,
  type AttrValues,
  type AttrOptions,
  type RawAttribute,
  type SetValue,
  type StructMember,
  type StructMembers,
  type StructValue,
} from '../netlink/schema/index.js';
export {
  Connection,
  DumpInterruptedError,
  DumpStream,
  type ObjectStream,
  type ConnectionOptions,
  type RequestOptions,
  type Request,
  type MessageHandler,
  type DumpStatus,
  type DumpInterruptedPolicy,
  type DumpCollector,
  type DumpResultOf,
  type AttributeNamer,
} from '../netlink/connection.js';
export type { Transport } from '../netlink/transport.js';
export { NetlinkSocket, type NetlinkSocketOptions, type DatagramWithNsid, type ReceivedDatagram } from '../netlink/socket.js';
export {
  errnoName,
  errnoText,
  type ExtendedAck,
  type RequestInfo,
  // Re-exported so this module's references to the errors its functions throw resolve here too.
  RtnetlinkError,
  NetlinkError,
  DecodeError,
  SystemError,
  SocketError,
  TimeoutError,
  InvalidArgumentError,
} from '../netlink/errors.js';
export { parsePrefix, ipv4Broadcast, type Prefix } from '../rtnl/common/prefix.js';
export { NETNS_RUN_DIR, NamespaceNotFoundError, describeNetns, openNetns, netnsPath, validateNetnsName, type OpenNetns } from '../ns/ref.js';
export { netnsIdentity, type NetnsIdentity, type NamedNetnsIdentity } from '../ns/netns.js';
export { monitor, watch, EventStream } from '../rtnl/events/monitor.js';
