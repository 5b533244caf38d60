/**
 * `rtnetlink/wire`: the messages as the kernel sends them. The message schemas generated from the
 * kernel's YNL specs (and the hand-written ones), which message type each decodes, the multicast
 * groups, and each kind's one mapping between its model object and its wire message, for whoever
 * needs the exact attributes or bytes.
 *
 * @module
 */
export { schemaForType, RTM_TYPE_NAMES } from '../rtnl/registry.js';
export { dumpWire } from '../rtnl/wire-dump.js';
export { linkMessage } from '../rtnl/generated/link.js';
export { addrMessage } from '../rtnl/generated/addr.js';
export { routeMessage, RtmFlags } from '../rtnl/generated/route.js';
export { neighMessage } from '../rtnl/generated/neigh.js';
export { ruleMessage } from '../rtnl/generated/rule.js';
export { tcMessage } from '../rtnl/generated/tc.js';
export { nexthopMessage } from '../rtnl/nexthop/wire.js';
export { nsidMessage } from '../rtnl/nsid/wire.js';
export { RTNL_GROUPS, GROUP_SHORTHANDS, type RtnlGroupName, type EventFamily, type GroupFamilies, type EventObjects } from '../rtnl/events/families.js';
export { addressFromWire, addressToWire } from '../rtnl/address/mapping.js';
export { neighbourFromWire, neighbourToWire, fdbFromWire, fdbToWire } from '../rtnl/neigh/mapping.js';
export { nexthopFromWire, nexthopToWire } from '../rtnl/nexthop/mapping.js';
export { nsidFromWire, nsidToWire } from '../rtnl/nsid/mapping.js';
export { routeFromWire, routeToWire, type RouteWire } from '../rtnl/route/mapping.js';
export { ruleFromWire, ruleToWire, type RuleWire } from '../rtnl/rule/mapping.js';
export { qdiscFromWire, qdiscToWire } from '../rtnl/tc/qdisc/mapping.js';
export { LINK_KINDS, LINK_KINDS_WITHOUT_DATA, LINK_PORT_KINDS } from '../rtnl/link/kinds.js';
export { linkFromWire, linkToWire, type LinkWire } from '../rtnl/link/mapping.js';
export { burstTicks, burstBytes, kernelTicks, TICKS_PER_USEC } from '../rtnl/tc/common/units.js';
export { classFromWire, classToWire } from '../rtnl/tc/class/mapping.js';
export { classKey } from '../rtnl/tc/class/facts.js';
export { filterFromWire, filterToWire } from '../rtnl/tc/filter/mapping.js';
export { filterKey } from '../rtnl/tc/filter/facts.js';
export { matchesToKeys, keysToMatches, formatU32Handle, parseU32Handle, type U32Key } from '../rtnl/tc/filter/u32.js';
export { isQdiscKind, tbfLimitForLatency, parseHandle, formatHandle, parseSize, parseTime, formatRate, formatSize, formatTime } from '../rtnl/tc/index.js';
// The errors the mappings and parsers throw, so this module's references to them resolve here too.
export { RtnetlinkError, DecodeError, InvalidArgumentError } from '../netlink/errors.js';
