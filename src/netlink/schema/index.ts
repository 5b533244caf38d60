// The declarative schema: value codecs for attribute payloads, fixed C structs, attribute sets and
// sub-messages. One schema value drives decoding, encoding and (through type inference) the
// TypeScript type of the decoded object.
//
// Decoded objects are plain objects whose keys are inserted in wire order, so re-encoding them
// reproduces the kernel's attribute order for free. Only what plain keys cannot express (unknown
// attributes, unusual type flags, repeated attributes out of sequence, non-canonical payloads, struct
// tails) is kept in a hidden, non-enumerable record on the object: the common path stays fast.

export {
  type AttrPath,
  type DecodeContext,
  type EncodeContext,
  type Codec,
  type ValueOf,
  type SubMessageCodec,
  isSubMessage,
  MAX_NESTING,
  tooDeep,
  decodeContext,
  encodeContext,
  decodeWith,
  encodeWith,
} from './codec.js';
export { type RawAttribute, unknownAttributes } from './wire-record.js';
export { u8, u16, u32, s8, s16, s32, be16, be32, u64, s64, be64, uint, string, binary, flag, ipv4, ip, mac, bytesOf, fixedString } from './primitives.js';
export { type EnumEntries, enumOf, flagsOf } from './enums.js';
export { type StructMember, type StructMembers, type StructValue, Struct, struct } from './struct.js';
export { type AttrSpec, type AttrSpecs, type AttrValues, type AttrOptions, type SetValue, attr, multiAttr, AttrSet, attrSet, nest } from './attr-set.js';
export { indexedArray, subMessage, mapped } from './composite.js';
export { compileDecodersAfter } from './compile.js';
