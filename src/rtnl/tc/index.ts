// Traffic control's public names, re-exported by the main entry.

export { Qdiscs } from './qdisc/qdiscs.js';
export { qdiscKey } from './qdisc/facts.js';
export { classKey } from './class/facts.js';
export { filterKey } from './filter/facts.js';
export {
  isQdiscKind,
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
} from './qdisc/model.js';
export { tbfLimitForLatency } from './qdisc/options.js';
export type { Classes } from './class/classes.js';
export type {
  TrafficClass,
  TrafficClassSpec,
  ClassFilter,
  ClassOptions,
  ClassOptionsSpec,
  ClassOptionsByKind,
  KnownClassKind,
  HtbClassOptions,
  HtbClassXstats,
} from './class/model.js';
export type { Filters } from './filter/filters.js';
export type {
  Filter,
  FilterSpec,
  FilterFilter,
  FilterOptions,
  FilterOptionsSpec,
  FilterOptionsByKind,
  KnownFilterKind,
  U32Options,
  U32Match,
  U32WordMatch,
  U32PrefixMatch,
  U32FieldMatch,
  U32Selector,
  U32Mark,
  ClsFlag,
  FlowerOptions,
  MatchallOptions,
  BasicOptions,
  BpfFilterOptions,
} from './filter/model.js';
export type {
  TcAction,
  TcActionSpec,
  ActionBase,
  ActionControl,
  MirredAction,
  MirredActionSpec,
  GactAction,
  PoliceAction,
  PoliceSettings,
  SkbeditAction,
  VlanAction,
  TunnelKeyAction,
  BpfAction,
  RawAction,
} from './action/model.js';
export type { TcStatistics } from './common/stats.js';
export { parseHandle, formatHandle, type TcHandle } from './common/handle.js';
export { parseRate, parseSize, parseTime, formatRate, formatSize, formatTime, burstTicks, burstBytes, kernelTicks, TICKS_PER_USEC, type LinkLayer } from './common/units.js';
