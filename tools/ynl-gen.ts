// Generates the rtnetlink schemas in src/rtnl/generated from the kernel's YNL specs (netlink-raw
// protocol: rt-link, rt-addr, rt-route, rt-neigh, rt-rule, tc), with the hand corrections of
// tools/ynl-overrides.ts. The output is deterministic: the same specs and overrides give the same
// bytes.
//
//   npx tsx tools/ynl-gen.ts [--specs DIR] [--out DIR]
//
// --specs: the directory holding the *.yaml specs and SOURCE.md (default: $YNL_SPECS, else
//          tools/ynl-specs, the kernel's specs copied under their BSD-3-Clause option); --out: where to write (default: src/rtnl/generated).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { RTM_TYPE_NAMES } from '../src/rtnl/schemas/types.js';
import {
  commonDefinitions,
  familyOverrides,
  type FamilyOverrides,
  type XCodec,
  type YnlAttr,
  type YnlAttrSet,
  type YnlDefinition,
  type YnlEnumEntry,
  type YnlMember,
  type YnlSpec,
  type YnlSubMessage,
} from './ynl-overrides.js';

/** The families generated, in output order. */
const FAMILIES = [
  { spec: 'rt-link', file: 'link', short: 'link' },
  { spec: 'rt-addr', file: 'addr', short: 'addr' },
  { spec: 'rt-route', file: 'route', short: 'route' },
  { spec: 'rt-neigh', file: 'neigh', short: 'neigh' },
  { spec: 'rt-rule', file: 'rule', short: 'rule' },
  { spec: 'tc', file: 'tc', short: 'tc' },
] as const;

/** The module of each `x-codec` helper (src/rtnl/schemas/codecs.ts unless listed here). */
const XCODEC_MODULES: Partial<Record<XCodec['call'], string>> = {
  structAndArray: '../schemas/tc-codecs.js',
};

const DO_NOT_EDIT = 'Do not edit; change tools/ynl-overrides.ts and regenerate.';

// ---------------------------------------------------------------------------------------------
// Names

function words(name: string): string[] {
  return name.split(/[-_]/).filter((w) => w !== '');
}

/** camelCase of a kebab-case YNL name: `rtm-dst-len` -> `rtmDstLen`. */
function camel(name: string): string {
  return words(name)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

/** PascalCase of a kebab-case YNL name: `ifinfo-flags` -> `IfinfoFlags`. */
function pascal(name: string): string {
  const c = camel(name);
  return c[0].toUpperCase() + c.slice(1);
}

/** C-style upper-case name: `ifla-` -> `IFLA_`. */
function upper(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/** An object key as TypeScript source: bare when it is an identifier, quoted otherwise. */
function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : quote(k);
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A TSDoc comment at `indent`, or nothing when there is no text. */
function tsdoc(text: string | undefined, indent = ''): string {
  if (text === undefined || text.trim() === '') return '';
  const lines = text
    .replace(/\*\//g, '*\\/')
    .trim()
    .split('\n')
    .map((l) => l.trimEnd());
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)).join('\n')}\n${indent} */\n`;
}

/** YNL doc text made safe for TSDoc (no tags). */
function esc(text: string | undefined): string | undefined {
  return text?.replace(/@/g, '\\@');
}

/** The name of the interface holding the value of the set `ident`. */
function valueName(ident: string): string {
  return `${ident[0].toUpperCase()}${ident.slice(1)}Value`;
}

function fail(msg: string): never {
  throw new Error(`ynl-gen: ${msg}`);
}

// ---------------------------------------------------------------------------------------------
// Overrides

const clone = <T>(v: T): T => structuredClone(v);

/** Properties that only make sense for one attribute type (dropped when an override changes the type). */
const TYPE_PROPS = ['byte-order', 'display-hint', 'struct', 'sub-type', 'nested-attributes', 'sub-message', 'selector', 'enum', 'enum-as-flags', 'checks'] as const;

function applyOverrides(spec: YnlSpec, ov: FamilyOverrides | undefined, keys: Map<string, string>, memberKeys: Map<string, string>): void {
  if (!ov) return;
  spec.definitions ??= [];
  spec['sub-messages'] ??= [];
  const defs = spec.definitions;
  const def = (name: string): YnlDefinition => defs.find((d) => d.name === name) ?? fail(`${spec.name}: no definition ${name}`);
  for (const d of ov.definitions ?? []) {
    if (defs.some((x) => x.name === d.name)) fail(`${spec.name}: override adds definition ${d.name}, which exists`);
    defs.push(clone(d));
  }
  for (const p of ov.definitionPatches ?? []) Object.assign(def(p.definition), clone(p.patch));
  for (const m of ov.members ?? []) {
    const d = def(m.struct);
    const members = d.members ?? fail(`${spec.name}: ${m.struct} is not a struct`);
    const i = members.findIndex((x) => x.name === m.member);
    if (i < 0) fail(`${spec.name}: struct ${m.struct} has no member ${m.member}`);
    if (m.patch) Object.assign(members[i], clone(m.patch));
    if (m.key) memberKeys.set(`${m.struct}/${m.member}`, m.key);
    if (m.insertAfter) members.splice(i + 1, 0, clone(m.insertAfter));
    if (m.remove) members.splice(i, 1);
  }
  for (const s of ov.attributeSets ?? []) {
    if (spec['attribute-sets'].some((x) => x.name === s.name)) fail(`${spec.name}: override adds set ${s.name}, which exists`);
    spec['attribute-sets'].push(clone(s));
  }
  for (const ap of ov.appendAttributes ?? []) {
    const set = spec['attribute-sets'].find((s) => s.name === ap.set) ?? fail(`${spec.name}: no attribute set ${ap.set}`);
    for (const a of ap.attributes) {
      if (set.attributes.some((x) => x.name === a.name)) fail(`${spec.name}: override appends ${ap.set}.${a.name}, which exists`);
      if (a.value === undefined) fail(`${spec.name}: appended attribute ${ap.set}.${a.name} needs a value`);
      set.attributes.push(clone(a));
    }
  }
  for (const a of ov.attributes ?? []) {
    const set = spec['attribute-sets'].find((s) => s.name === a.set) ?? fail(`${spec.name}: no attribute set ${a.set}`);
    const attr = set.attributes.find((x) => x.name === a.attr) ?? fail(`${spec.name}: set ${a.set} has no attribute ${a.attr}`);
    if (a.patch) {
      if (a.patch.type !== undefined && a.patch.type !== attr.type) {
        for (const p of TYPE_PROPS) delete attr[p];
      }
      Object.assign(attr, clone(a.patch));
    }
    if (a.key) keys.set(`${a.set}/${a.attr}`, a.key);
  }
  for (const s of ov.subMessages ?? []) {
    if (spec['sub-messages'].some((x) => x.name === s.name)) fail(`${spec.name}: override adds sub-message ${s.name}, which exists`);
    spec['sub-messages'].push(clone(s));
  }
  for (const f of ov.formats ?? []) {
    const sm = spec['sub-messages'].find((s) => s.name === f.subMessage) ?? fail(`${spec.name}: no sub-message ${f.subMessage}`);
    if (sm.formats.some((x) => x.value === f.format.value)) fail(`${spec.name}: ${f.subMessage} already has a format ${f.format.value}`);
    sm.formats.push(clone(f.format));
  }
}

// ---------------------------------------------------------------------------------------------
// The model of one family

interface AttrModel {
  spec: YnlAttr;
  key: string;
  type: number;
}

interface SetModel {
  name: string;
  ident: string;
  prefix: string;
  doc?: string;
  subsetOf?: string;
  attrs: AttrModel[];
}

interface MessageModel {
  name: string;
  ident: string;
  header: string;
  set: string;
  /** The ops using this pair. */
  ops: string[];
  /** Message type numbers of those ops. */
  types: number[];
}

/** One header-member key renamed because it collided with an attribute. */
export interface Collision {
  family: string;
  struct: string;
  member: string;
  from: string;
  to: string;
  set: string;
}

interface Family {
  spec: YnlSpec;
  file: string;
  short: string;
  commit: string;
  defs: Map<string, YnlDefinition>;
  sets: Map<string, SetModel>;
  subs: Map<string, YnlSubMessage>;
  /** Struct member keys by `struct/member`. */
  memberKeys: Map<string, string>;
  messages: MessageModel[];
  /** Struct + set pairs decoded as one object (messages and headerAndAttrs payloads). */
  pairs: { header: string; set: string }[];
  collisions: Collision[];
}

function entryList(d: YnlDefinition): { name: string; value: number; doc?: string }[] {
  const out: { name: string; value: number; doc?: string }[] = [];
  let prev: number | undefined;
  for (const raw of d.entries ?? []) {
    const e: YnlEnumEntry = typeof raw === 'string' ? { name: raw } : raw;
    const value = e.value ?? (prev === undefined ? (d['value-start'] ?? 0) : prev + 1);
    prev = value;
    out.push({ name: String(e.name), value: d.type === 'flags' ? 2 ** value : value, doc: e.doc });
  }
  return out;
}

/** The common kebab-word prefix of the (non-pad) members of a struct, such as `rtm-`. */
function structPrefix(members: YnlMember[]): string {
  const names = members.filter((m) => m.type !== 'pad').map((m) => words(m.name));
  if (names.length < 2) return '';
  let n = 0;
  for (;;) {
    const w = names[0][n];
    if (w === undefined || names.some((ws) => ws.length <= n + 1 || ws[n] !== w)) break;
    n++;
  }
  return n === 0 ? '' : `${names[0].slice(0, n).join('-')}-`;
}

function buildFamily(specDir: string, f: (typeof FAMILIES)[number], commits: Map<string, string>): Family {
  const file = `${f.spec}.yaml`;
  const spec = parse(readFileSync(join(specDir, file), 'utf8')) as YnlSpec;
  if (spec.protocol !== 'netlink-raw') fail(`${file}: protocol ${String(spec.protocol)} is not netlink-raw`);
  const attrKeys = new Map<string, string>();
  const memberKeys = new Map<string, string>();
  applyOverrides(spec, familyOverrides[f.spec], attrKeys, memberKeys);
  const commit = commits.get(file) ?? fail(`SOURCE.md has no commit for ${file}`);

  const defs = new Map<string, YnlDefinition>();
  for (const d of spec.definitions ?? []) {
    if (defs.has(d.name)) fail(`${file}: definition ${d.name} twice`);
    defs.set(d.name, d);
  }

  // Struct member keys: camelCase with the struct's common prefix stripped.
  for (const d of defs.values()) {
    if (d.type !== 'struct') continue;
    const members = d.members ?? [];
    const prefix = structPrefix(members);
    const seen = new Set<string>();
    for (const m of members) {
      const id = `${d.name}/${m.name}`;
      const k = memberKeys.get(id) ?? camel(prefix && m.name.startsWith(prefix) ? m.name.slice(prefix.length) : m.name);
      if (seen.has(k)) fail(`${file}: struct ${d.name} has two members with key ${k}`);
      seen.add(k);
      memberKeys.set(id, k);
    }
  }

  // Attribute sets, with type numbers (YNL: from 1, or from an attribute's `value`), subsets materialized.
  const sets = new Map<string, SetModel>();
  const byName = new Map(spec['attribute-sets'].map((s) => [s.name, s]));
  const familyPrefix = `${spec.name}-`;
  const build = (s: YnlAttrSet): SetModel => {
    const done = sets.get(s.name);
    if (done) return done;
    let attrs: AttrModel[];
    let prefix: string;
    if (s['subset-of']) {
      const parentSpec = byName.get(s['subset-of']) ?? fail(`${file}: ${s.name} is a subset of unknown ${s['subset-of']}`);
      const parent = build(parentSpec);
      prefix = parent.prefix;
      attrs = s.attributes.map((a) => {
        const pa = parent.attrs.find((x) => x.spec.name === a.name) ?? fail(`${file}: ${s.name}: ${a.name} is not in ${parent.name}`);
        const merged: YnlAttr = { ...pa.spec, ...a };
        return { spec: merged, key: attrKeys.get(`${s.name}/${a.name}`) ?? camel(a.name), type: pa.type };
      });
    } else {
      prefix = s['name-prefix'] ?? `${familyPrefix}${s.name}-a-`;
      let v = 1;
      attrs = [];
      for (const a of s.attributes) {
        if (a.value !== undefined) v = a.value;
        attrs.push({ spec: a, key: attrKeys.get(`${s.name}/${a.name}`) ?? camel(a.name), type: v });
        v++;
      }
    }
    attrs = attrs.filter((a) => a.spec.type !== 'unused');
    const seenKeys = new Set<string>();
    const seenTypes = new Set<number>();
    for (const a of attrs) {
      if (seenKeys.has(a.key)) fail(`${file}: set ${s.name} has two attributes with key ${a.key}`);
      if (seenTypes.has(a.type)) fail(`${file}: set ${s.name} has two attributes of type ${a.type}`);
      seenKeys.add(a.key);
      seenTypes.add(a.type);
    }
    const m: SetModel = { name: s.name, ident: camel(s.name), prefix, doc: s.doc, subsetOf: s['subset-of'], attrs };
    sets.set(s.name, m);
    return m;
  };
  for (const s of spec['attribute-sets']) build(s);
  // Keep the spec's order (build() may have added a parent before its subset).
  const ordered = new Map<string, SetModel>();
  for (const s of spec['attribute-sets']) ordered.set(s.name, sets.get(s.name) as SetModel);

  const subs = new Map<string, YnlSubMessage>();
  for (const s of spec['sub-messages'] ?? []) subs.set(s.name, s);

  // Messages: each distinct (fixed-header, attribute-set) of the operations.
  const messages: MessageModel[] = [];
  const ops = spec.operations;
  for (const op of ops.list) {
    const header = op['fixed-header'] ?? ops['fixed-header'];
    const set = op['attribute-set'];
    const types = opTypes(op).map((t) => t.value);
    if (!header || !set) continue;
    let m = messages.find((x) => x.header === header && x.set === set);
    if (!m) {
      const name = messages.length === 0 ? f.short : op.name.replace(/^(new|del|get|set)/, '').replace(/-ntf$/, '');
      m = { name, ident: `${camel(name)}Message`, header, set, ops: [], types: [] };
      messages.push(m);
    }
    m.ops.push(op.name);
    for (const t of types) if (!m.types.includes(t)) m.types.push(t);
  }
  for (const m of messages) m.types.sort((a, b) => a - b);

  const fam: Family = { spec, file: f.file, short: f.short, commit, defs, sets: ordered, subs, memberKeys, messages, pairs: [], collisions: [] };

  // Pairs decoded into one object: messages, x-codec headerAndAttrs, sub-message formats with a header.
  const addPair = (header: string, set: string): void => {
    if (!fam.pairs.some((p) => p.header === header && p.set === set)) fam.pairs.push({ header, set });
  };
  for (const m of messages) addPair(m.header, m.set);
  for (const s of ordered.values()) {
    for (const a of s.attrs) {
      const x = a.spec['x-codec'];
      if (x?.call === 'headerAndAttrs') {
        const [h, st] = x.args;
        if (!h || !('struct' in h) || !st || !('set' in st)) fail(`${file}: headerAndAttrs takes a struct and a set`);
        addPair(h.struct, st.set);
      }
    }
  }
  for (const s of subs.values()) {
    for (const fm of [...s.formats, ...(s['x-default'] ? [s['x-default']] : [])]) {
      if (fm['fixed-header'] && fm['attribute-set']) addPair(fm['fixed-header'], fm['attribute-set']);
    }
  }

  // Header members that collide with an attribute: the attribute keeps its name, the member
  // takes its un-stripped camelCase name (or, if that is the same, the struct's initials + name).
  for (const p of fam.pairs) {
    const d = defs.get(p.header) ?? fail(`${file}: no struct ${p.header}`);
    const set = ordered.get(p.set) ?? fail(`${file}: no set ${p.set}`);
    const attrKeySet = new Set(set.attrs.map((a) => a.key));
    for (const m of d.members ?? []) {
      if (m.type === 'pad') continue;
      const id = `${d.name}/${m.name}`;
      const k = memberKeys.get(id) as string;
      if (!attrKeySet.has(k)) continue;
      let to = camel(m.name);
      if (to === k || attrKeySet.has(to)) to = camel(`${words(d.name).map((w) => w[0]).join('')}-${m.name}`);
      if (attrKeySet.has(to)) fail(`${file}: cannot rename ${id} out of the way of ${p.set}`);
      memberKeys.set(id, to);
      fam.collisions.push({ family: spec.name, struct: d.name, member: m.name, from: k, to, set: p.set });
    }
  }
  return fam;
}

/** The message type numbers an operation uses, with what for. */
function opTypes(op: YnlSpec['operations']['list'][number]): { value: number; what: string }[] {
  const out: { value: number; what: string }[] = [];
  for (const mode of ['do', 'dump'] as const) {
    const m = op[mode];
    if (m?.request?.value !== undefined) out.push({ value: m.request.value, what: `${op.name} request` });
    if (m?.reply?.value !== undefined) out.push({ value: m.reply.value, what: `${op.name} reply` });
  }
  if (op.value !== undefined) out.push({ value: op.value, what: op.notify ? `${op.name} notification` : op.name });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Emitting one family

class Emitter {
  private readonly imports = new Map<string, Set<string>>();
  /** Back edges of the set graph: `from -> to` references that must be deferred. */
  private readonly back = new Set<string>();
  /** Sets whose value type is referred to by name (targets of back edges). */
  private readonly named = new Set<string>();
  /** Selector keys of sub-messages. */
  private readonly subSelector = new Map<string, { key: string; names?: string; attr: string }>();
  readonly notes: string[] = [];

  constructor(
    private readonly fam: Family,
    private readonly common: Map<string, YnlDefinition>,
  ) {}

  private use(module: string, name: string): string {
    let s = this.imports.get(module);
    if (!s) this.imports.set(module, (s = new Set()));
    s.add(name);
    return name.replace(/^type /, '');
  }

  private schema(name: string): string {
    return this.use('../../netlink/schema/index.js', name);
  }

  private where(): string {
    return `${this.fam.spec.name}.yaml`;
  }

  // --- Definitions

  private enumIdent(name: string): { ident: string; flags: boolean } {
    const local = this.fam.defs.get(name);
    if (local) {
      if (local.type !== 'enum' && local.type !== 'flags') fail(`${this.where()}: ${name} is not an enum`);
      return { ident: pascal(name), flags: local.type === 'flags' };
    }
    const c = this.common.get(name) ?? fail(`${this.where()}: no enum ${name}`);
    this.use('./common.js', pascal(name));
    return { ident: pascal(name), flags: c.type === 'flags' };
  }

  private structIdent(name: string): string {
    const d = this.fam.defs.get(name);
    if (!d || d.type !== 'struct') fail(`${this.where()}: no struct ${name}`);
    return camel(name);
  }

  /** The codec of an integer (or enum over one) described like a struct member. */
  private scalar(m: Omit<YnlMember, 'name'> | Omit<YnlAttr, 'name'>, what: string): string {
    const t = m.type as string;
    const be = m['byte-order'] === 'big-endian';
    if (m['display-hint'] === 'ipv4' && (t === 'u32' || t === 'binary')) return this.schema('ipv4');
    let base: string;
    switch (t) {
      case 'u8':
      case 's8':
        base = t;
        break;
      case 'u16':
      case 'u32':
      case 'u64':
        base = be ? `be${t.slice(1)}` : t;
        break;
      case 's16':
      case 's32':
      case 's64':
        if (be) fail(`${what}: big-endian ${t} has no codec`);
        base = t;
        break;
      case 'uint':
        base = 'uint';
        break;
      default:
        fail(`${what}: type ${t} is not an integer`);
    }
    this.schema(base);
    if (m.enum === undefined) return base;
    if (base === 'u64' || base === 's64' || base === 'be64' || base === 'uint') fail(`${what}: enums over ${base} are not supported`);
    const e = this.enumIdent(m.enum);
    const fn = e.flags || m['enum-as-flags'] ? 'flagsOf' : 'enumOf';
    return `${this.schema(fn)}(${base}, ${e.ident})`;
  }

  private memberCodec(structName: string, m: YnlMember): string {
    const what = `${this.where()}: ${structName}.${m.name}`;
    switch (m.type) {
      case 'pad':
        return String(m.len ?? fail(`${what}: pad without len`));
      case 'binary':
        if (m.struct) return this.structIdent(m.struct);
        if (typeof m.len !== 'number') fail(`${what}: binary member without a numeric len`);
        if (m['display-hint'] === 'mac') return `${this.use('../schemas/codecs.js', 'macOf')}(${m.len})`;
        if (m['display-hint'] === 'ipv4' && m.len === 4) return this.schema('ipv4');
        return `${this.schema('bytesOf')}(${m.len})`;
      case 'string':
        if (typeof m.len !== 'number') fail(`${what}: string member without a numeric len`);
        return `${this.schema('fixedString')}(${m.len})`;
      default:
        return this.scalar(m, what);
    }
  }

  // --- Set references

  private setRef(from: string, to: string): string {
    const s = this.fam.sets.get(to) ?? fail(`${this.where()}: no attribute set ${to}`);
    if (!this.back.has(`${from} -> set:${to}`)) return s.ident;
    this.named.add(to);
    this.use('../../netlink/schema/index.js', 'type Codec');
    return `${this.use('../schemas/codecs.js', 'lazy')}(${quote(to)}, (): Codec<${valueName(s.ident)}> => ${s.ident})`;
  }

  private subIdent(from: string, name: string): string {
    if (!this.fam.subs.has(name)) fail(`${this.where()}: no sub-message ${name}`);
    if (this.back.has(`${from} -> sub:${name}`)) fail(`${this.where()}: sub-message ${name} is in a cycle; only sets can be deferred`);
    return camel(name);
  }

  /** Struct + set pairs whose value type is referred to by name (they close a cycle). */
  private readonly namedPairs = new Map<string, { header: string; set: string; name: string }>();

  /**
   * `headerAndAttrs(header, set)`. When the set closes a cycle, the whole codec is deferred and typed
   * by a named interface (deferring only the set would make TypeScript resolve the interface while
   * inferring the set's own type).
   */
  private headerAndAttrs(from: string, header: string, set: string): string {
    const fn = this.use('../schemas/codecs.js', 'headerAndAttrs');
    const h = this.structIdent(header);
    const s = this.fam.sets.get(set) ?? fail(`${this.where()}: no attribute set ${set}`);
    if (!this.back.has(`${from} -> set:${set}`)) return `${fn}(${h}, ${s.ident})`;
    const msg = this.fam.messages.find((m) => m.header === header && m.set === set);
    const name = msg ? `Nested${valueName(msg.ident).replace(/Value$/, '')}` : `${valueName(h).replace(/Value$/, '')}${valueName(s.ident)}`;
    this.namedPairs.set(name, { header, set, name });
    this.use('../../netlink/schema/index.js', 'type Codec');
    return `${this.use('../schemas/codecs.js', 'lazy')}(${quote(`${header}+${set}`)}, (): Codec<${name}> => ${fn}(${h}, ${s.ident}))`;
  }

  private xcodec(from: string, x: XCodec, what: string): string {
    if (x.call === 'headerAndAttrs') {
      const [h, st] = x.args;
      if (!h || !('struct' in h) || !st || !('set' in st) || x.args.length !== 2) fail(`${what}: headerAndAttrs takes a struct and a set`);
      return this.headerAndAttrs(from, h.struct, st.set);
    }
    const args = x.args.map((a) => {
      if ('literal' in a) return quote(a.literal);
      if ('set' in a) return this.setRef(from, a.set);
      if ('struct' in a) return this.structIdent(a.struct);
      return this.scalar(a.scalar, what);
    });
    return `${this.use(XCODEC_MODULES[x.call] ?? '../schemas/codecs.js', x.call)}(${args.join(', ')})`;
  }

  private attrCodec(from: string, set: SetModel, a: YnlAttr): string {
    const what = `${this.where()}: ${set.name}.${a.name}`;
    if (a['x-codec']) return this.xcodec(from, a['x-codec'], what);
    switch (a.type) {
      case 'pad':
        return this.schema('binary');
      case 'flag':
        return this.schema('flag');
      case 'bitfield32':
        return this.use('../schemas/tc-codecs.js', 'bitfield32');
      case 'string':
        return this.schema('string');
      case 'binary': {
        if (a.struct) return this.structIdent(a.struct);
        if (a['sub-type']) {
          const el = this.scalar({ type: a['sub-type'] as YnlMember['type'], 'byte-order': a['byte-order'], enum: a.enum }, what);
          return `${this.use('../schemas/codecs.js', 'arrayOf')}(${el})`;
        }
        return this.addressCodec(a['display-hint']);
      }
      case 'nest':
        return this.setRef(from, a['nested-attributes'] ?? fail(`${what}: nest without nested-attributes`));
      case 'indexed-array': {
        let el: string;
        if (a['sub-type'] === 'nest') el = this.setRef(from, a['nested-attributes'] ?? fail(`${what}: no nested-attributes`));
        else if (a['sub-type'] === 'binary') el = this.addressCodec(a['display-hint']);
        else el = this.scalar({ type: a['sub-type'] as YnlMember['type'], 'byte-order': a['byte-order'], 'display-hint': a['display-hint'], enum: a.enum }, what);
        const first = a['x-first-index'];
        return `${this.schema('indexedArray')}(${el}${first ? `, ${first}` : ''})`;
      }
      case 'sub-message':
        return this.subIdent(from, a['sub-message'] ?? fail(`${what}: sub-message without a name`));
      case 'u8':
      case 'u16':
      case 'u32':
      case 'u64':
      case 's8':
      case 's16':
      case 's32':
      case 's64':
      case 'uint':
        return this.scalar(a, what);
      default:
        fail(`${what}: type ${String(a.type)} is not supported`);
    }
  }

  private addressCodec(hint: string | undefined): string {
    switch (hint) {
      case 'mac':
        return this.schema('mac');
      case 'ipv4':
        return this.schema('ipv4');
      case 'ipv6':
      case 'ipv4-or-v6':
        return this.schema('ip');
      default:
        return this.schema('binary');
    }
  }

  // --- The set graph

  private setDeps(s: SetModel): string[] {
    const out: string[] = [];
    for (const a of s.attrs) {
      const sp = a.spec;
      for (const arg of sp['x-codec']?.args ?? []) if ('set' in arg) out.push(`set:${arg.set}`);
      if (sp['x-codec']) continue;
      if (sp.type === 'nest' || (sp.type === 'indexed-array' && sp['sub-type'] === 'nest')) out.push(`set:${sp['nested-attributes']}`);
      if (sp.type === 'sub-message') out.push(`sub:${sp['sub-message']}`);
    }
    return out;
  }

  private subDeps(s: YnlSubMessage): string[] {
    const out: string[] = [];
    for (const f of [...s.formats, ...(s['x-default'] ? [s['x-default']] : [])]) if (f['attribute-set']) out.push(`set:${f['attribute-set']}`);
    return out;
  }

  /** Orders sets and sub-messages so that each comes after what it uses, finding the back edges of cycles. */
  private order(): string[] {
    const state = new Map<string, 'visiting' | 'done'>();
    const out: string[] = [];
    const deps = (n: string): string[] => {
      const [kind, name] = n.split(':');
      if (kind === 'set') return this.setDeps(this.fam.sets.get(name) ?? fail(`${this.where()}: no attribute set ${name}`));
      return this.subDeps(this.fam.subs.get(name) ?? fail(`${this.where()}: no sub-message ${name}`));
    };
    const visit = (n: string): void => {
      state.set(n, 'visiting');
      for (const d of deps(n)) {
        const st = state.get(d);
        if (st === 'done') continue;
        if (st === 'visiting') {
          this.back.add(`${n} -> ${d}`);
          this.notes.push(`cycle: ${this.fam.spec.name} ${n} -> ${d} (deferred with lazy())`);
          continue;
        }
        visit(d);
      }
      state.set(n, 'done');
      out.push(n);
    };
    for (const s of this.fam.sets.keys()) if (!state.has(`set:${s}`)) visit(`set:${s}`);
    for (const s of this.fam.subs.keys()) if (!state.has(`sub:${s}`)) visit(`sub:${s}`);
    return out;
  }

  /** Finds the key of each sub-message's selector (an attribute of the set, or a member of its header). */
  private resolveSelectors(): void {
    for (const s of this.fam.sets.values()) {
      for (const a of s.attrs) {
        if (a.spec.type !== 'sub-message' || a.spec['x-codec']) continue;
        const sm = a.spec['sub-message'] as string;
        const sel = a.spec.selector ?? fail(`${this.where()}: ${s.name}.${a.spec.name} has no selector`);
        let found: { key: string; names?: string } | undefined;
        const sibling = s.attrs.find((x) => x.spec.name === sel);
        if (sibling) {
          found = { key: sibling.key, names: sibling.spec.enum ? this.enumIdent(sibling.spec.enum).ident : undefined };
        } else {
          for (const p of this.fam.pairs.filter((x) => x.set === s.name)) {
            const m = this.fam.defs.get(p.header)?.members?.find((x) => x.name === sel);
            if (m) {
              found = { key: this.fam.memberKeys.get(`${p.header}/${m.name}`) as string, names: m.enum ? this.enumIdent(m.enum).ident : undefined };
              break;
            }
          }
        }
        if (!found) fail(`${this.where()}: selector ${sel} of ${s.name}.${a.spec.name} is neither an attribute nor a header member`);
        const prev = this.subSelector.get(sm);
        if (prev && prev.key !== found.key) fail(`${this.where()}: sub-message ${sm} is used with two selectors`);
        this.subSelector.set(sm, { ...found, attr: `${s.name}.${a.spec.name}` });
      }
    }
  }

  // --- Output

  emit(): string {
    const fam = this.fam;
    const spec = fam.spec;
    this.resolveSelectors();
    const order = this.order();
    const body: string[] = [];
    const idents = new Set<string>();
    const claim = (id: string): string => {
      if (idents.has(id)) fail(`${this.where()}: two exports named ${id}`);
      idents.add(id);
      return id;
    };

    // Enums and flags.
    const enums = [...fam.defs.values()].filter((d) => d.type === 'enum' || d.type === 'flags');
    if (enums.length) body.push(section('Enums and flags'));
    for (const d of enums) body.push(renderEnum(d, claim(pascal(d.name))));
    for (const d of fam.defs.values()) {
      if (d.type === 'const') body.push(`${tsdoc(esc(d.doc) ?? `${d.name}.`)}export const ${claim(upper(d.name))} = ${JSON.stringify(d.value)};\n`);
    }

    // Structs, each after the structs it contains.
    const structs = [...fam.defs.values()].filter((d) => d.type === 'struct');
    if (structs.length) body.push(section('Structs'));
    const doneStructs = new Set<string>();
    const emitStruct = (d: YnlDefinition, stack: string[]): void => {
      if (doneStructs.has(d.name)) return;
      if (stack.includes(d.name)) fail(`${this.where()}: struct ${d.name} contains itself`);
      for (const m of d.members ?? []) if (m.struct) emitStruct(fam.defs.get(m.struct) ?? fail(`no struct ${m.struct}`), [...stack, d.name]);
      doneStructs.add(d.name);
      const cstruct = d.name.replace(/-/g, '_');
      const lines = (d.members ?? []).map((m) => {
        const cname = `${cstruct}.${m.name.replace(/-/g, '_')}`;
        const text = m.type === 'pad' ? `${cname}: ${m.len} byte${m.len === 1 ? '' : 's'} of padding` : cname;
        const doc = tsdoc(m.doc ? `${text}: ${esc(m.doc.trim())}` : text, '  ');
        return `${doc}  ${key(fam.memberKeys.get(`${d.name}/${m.name}`) as string)}: ${this.memberCodec(d.name, m)},`;
      });
      const doc = joinDoc(esc(d.doc), `struct ${d.name.replace(/-/g, '_')}.`);
      body.push(`${tsdoc(doc)}export const ${claim(camel(d.name))} = ${this.schema('struct')}(${quote(d.name)}, {\n${lines.join('\n')}\n});\n`);
    };
    for (const d of structs) emitStruct(d, []);

    // Attribute sets and sub-messages.
    body.push(section('Attribute sets'));
    for (const n of order) {
      const [kind, name] = n.split(':');
      if (kind === 'set') {
        const s = fam.sets.get(name) as SetModel;
        const lines = s.attrs.map((a) => {
          const codec = this.attrCodec(n, s, a.spec);
          const fn = a.spec['multi-attr'] ? this.schema('multiAttr') : this.schema('attr');
          const cname = upper(`${s.prefix}${a.spec.name}`);
          let extra = a.spec['x-nested-flag'] ? `, ${this.use('../../netlink/constants.js', 'NLA_F_NESTED')}` : '';
          if (a.spec['x-lazy']) extra = `${extra || ', 0'}, { lazy: true }`;
          const lazyDoc = a.spec['x-lazy'] ? ' Decoded on first access.' : '';
          return `${tsdoc(a.spec.doc ? `${cname}: ${esc(a.spec.doc.trim())}${lazyDoc}` : `${cname}${lazyDoc}`, '  ')}  ${key(a.key)}: ${fn}(${a.type}, ${codec}${extra}),`;
        });
        const cname = `${upper(s.prefix)}*`;
        const summary = s.subsetOf ? `Attributes of ${s.name} (${cname}), a subset of ${s.subsetOf}.` : `Attributes of ${s.name} (${cname}).`;
        // The specs in a function, called at the set's first use: a process builds only the
        // sets it uses (see AttrSet's constructor).
        const specs = lines.length ? `() => ({\n${lines.join('\n')}\n})` : '{}';
        body.push(`${tsdoc(joinDoc(esc(s.doc), summary))}export const ${claim(s.ident)} = ${this.schema('attrSet')}(${quote(s.name)}, ${specs});\n`);
      } else {
        const sm = fam.subs.get(name) as YnlSubMessage;
        const sel = this.subSelector.get(name);
        if (!sel) {
          this.notes.push(`unused sub-message: ${spec.name} ${name} (not emitted)`);
          continue;
        }
        const fmt = (f: { 'fixed-header'?: string; 'attribute-set'?: string }): string => {
          if (f['fixed-header'] && f['attribute-set']) return this.headerAndAttrs(n, f['fixed-header'], f['attribute-set']);
          if (f['attribute-set']) return this.setRef(n, f['attribute-set']);
          if (f['fixed-header']) return this.structIdent(f['fixed-header']);
          return this.schema('binary');
        };
        const lines = sm.formats.map((f) => `  ${key(f.value)}: ${fmt(f)},`);
        const values = sm.formats.map((f) => f.value).join(', ');
        let expr: string;
        let summary = `Sub-message ${name}: the payload of ${sel.attr}, whose format depends on ${sel.key} (${values}`;
        if (sm['x-default']) {
          const args = [quote(sel.key), `{\n${lines.join('\n')}\n}`, fmt(sm['x-default'])];
          if (sel.names) args.push(sel.names);
          expr = `${this.use('../schemas/codecs.js', 'subMessageOr')}(${args.join(', ')})`;
          summary += `; ${sm['x-default']['attribute-set'] ?? sm['x-default']['fixed-header']} otherwise).`;
        } else {
          expr = `${this.schema('subMessage')}(${quote(sel.key)}, {\n${lines.join('\n')}\n})`;
          summary += '; raw bytes otherwise).';
        }
        body.push(`${tsdoc(summary)}export const ${claim(camel(name))} = ${expr};\n`);
      }
    }
    // Value interfaces of the sets that close a cycle.
    for (const name of [...this.named].sort()) {
      const s = fam.sets.get(name) as SetModel;
      this.schema('type SetValue');
      const doc = `The decoded value of \`${s.ident}\`, named so that the schemas referring to it recursively can be typed.`;
      body.push(`${tsdoc(doc)}export interface ${claim(valueName(s.ident))} extends SetValue<typeof ${s.ident}> {}\n`);
    }

    for (const p of [...this.namedPairs.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const h = this.structIdent(p.header);
      const s = fam.sets.get(p.set) as SetModel;
      this.schema('type SetValue');
      this.schema('type ValueOf');
      const doc = `The value of a struct ${p.header.replace(/-/g, '_')} followed by ${p.set}, nested in an attribute: the members of \`${h}\` (optional when encoding) and the attributes of \`${s.ident}\` in one object. Named so that the schemas referring to it recursively can be typed.`;
      body.push(`${tsdoc(doc)}export interface ${claim(p.name)} extends Partial<ValueOf<typeof ${h}>>, SetValue<typeof ${s.ident}> {}\n`);
    }

    // Message types.
    const types = new Map<number, string[]>();
    for (const op of spec.operations.list) {
      for (const t of opTypes(op)) {
        const l = types.get(t.value) ?? [];
        if (!l.includes(t.what)) l.push(t.what);
        types.set(t.value, l);
      }
    }
    const typeName = (v: number): string => RTM_TYPE_NAMES[v] ?? fail(`${this.where()}: message type ${v} is not in RTM_TYPE_NAMES`);
    for (const op of spec.operations.list) {
      const want = `${upper(spec.operations['name-prefix'] ?? '')}${upper(op.name)}`;
      for (const mode of ['do', 'dump'] as const) {
        const v = op[mode]?.request?.value;
        if (v !== undefined && typeName(v) !== want) fail(`${this.where()}: ${op.name} request ${v} is ${typeName(v)}, expected ${want}`);
      }
    }
    if (types.size) body.push(section('Message types'));
    for (const v of [...types.keys()].sort((a, b) => a - b)) {
      const op = spec.operations.list.find((o) => o.do?.request?.value === v || o.dump?.request?.value === v);
      const what = `Used as: ${types.get(v)?.join(', ')}.`;
      body.push(`${tsdoc(op?.doc ? `${typeName(v)}: ${esc(op.doc.trim())}\n\n${what}` : `${typeName(v)}. ${what}`)}export const ${claim(typeName(v))} = ${v};\n`);
    }

    // Messages.
    if (fam.messages.length) body.push(section('Messages'));
    for (const m of fam.messages) {
      const names = m.types.map(typeName).join(', ');
      const doc = `A ${m.name} message (${names}): struct ${m.header.replace(/-/g, '_')} followed by ${m.set}.`;
      const set = fam.sets.get(m.set) ?? fail(`${this.where()}: no set ${m.set}`);
      body.push(`${tsdoc(doc)}export const ${claim(m.ident)} = ${this.use('../../netlink/message.js', 'message')}(${quote(m.name)}, ${this.structIdent(m.header)}, ${set.ident});\n`);
    }

    for (const c of fam.collisions) {
      this.notes.push(`collision: ${c.family} ${c.struct}.${c.member} -> key ${c.to} (attribute ${c.from} of ${c.set} keeps its name)`);
    }

    const header = `// Generated by tools/ynl-gen.ts from ${spec.name}.yaml (kernel commit ${fam.commit}). ${DO_NOT_EDIT}\n`;
    const about = spec.doc ? `//\n${spec.doc.trim().split('\n').map((l) => `// ${l.trim()}`.trimEnd()).join('\n')}\n` : '';
    return `${header}${about}\n${this.renderImports()}\n${body.join('\n')}`;
  }

  private renderImports(): string {
    const modules = [...this.imports.keys()].sort((a, b) => moduleRank(a) - moduleRank(b) || a.localeCompare(b));
    return modules
      .map((m) => {
        const names = [...(this.imports.get(m) as Set<string>)].sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, ''), 'en'));
        const one = `import { ${names.join(', ')} } from '${m}';`;
        if (one.length <= 120) return `${one}\n`;
        return `import {\n${names.map((n) => `  ${n},`).join('\n')}\n} from '${m}';\n`;
      })
      .join('');
  }
}

function moduleRank(m: string): number {
  return m.startsWith('../../') ? 0 : m.startsWith('../') ? 1 : 2;
}

function section(title: string): string {
  return `// ${'-'.repeat(93)}\n// ${title}\n`;
}

function joinDoc(doc: string | undefined, summary: string): string {
  return doc && doc.trim() ? `${doc.trim()}\n\n${summary}` : summary;
}

function renderEnum(d: YnlDefinition, ident: string): string {
  const flags = d.type === 'flags';
  const prefix = d['name-prefix'] ? ` (${upper(d['name-prefix'])}*)` : '';
  const summary = flags ? `Bits of ${d.name}${prefix}, by name: masks for \`flagsOf\`.` : `Values of ${d.name}${prefix}, by name, for \`enumOf\`.`;
  const lines = entryList(d).map((e) => {
    const cname = d['name-prefix'] ? upper(`${d['name-prefix']}${e.name}`) : `${d.name} ${e.name}`;
    return `${tsdoc(e.doc ? esc(e.doc.trim()) : cname, '  ')}  ${key(e.name)}: ${flags ? `0x${e.value.toString(16)}` : e.value},`;
  });
  return `${tsdoc(joinDoc(esc(d.doc), summary))}export const ${ident} = {\n${lines.join('\n')}\n} as const;\n`;
}

function renderCommon(defs: YnlDefinition[]): string {
  const header = `// Generated by tools/ynl-gen.ts from tools/ynl-overrides.ts (definitions shared by the rtnetlink families). ${DO_NOT_EDIT}\n`;
  return `${header}\n${defs.map((d) => renderEnum(d, pascal(d.name))).join('\n')}`;
}

// ---------------------------------------------------------------------------------------------
// Main

/** Reads the kernel commit of each spec from the table in SOURCE.md. */
function readCommits(specDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(specDir, 'SOURCE.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length > 4 && /^[0-9a-f]{40}$/.test(cells[3])) out.set(cells[1], cells[3]);
  }
  return out;
}

/** Generates every file; returns their contents by file name, and notes for the person running it. */
export function generate(specDir: string): { files: Map<string, string>; notes: string[] } {
  const commits = readCommits(specDir);
  const common = new Map(commonDefinitions.map((d) => [d.name, d]));
  const files = new Map<string, string>();
  const notes: string[] = [];
  const families = FAMILIES.map((f) => ({ f, fam: buildFamily(specDir, f, commits) }));
  for (const { f, fam } of families) {
    for (const d of fam.defs.values()) if (common.has(d.name)) fail(`${f.spec}: definition ${d.name} shadows a common one`);
  }
  // An enum several specs define alike (rt-route and rt-neigh both have rtm-type) is emitted once,
  // in common.ts, rather than once per family under the same name.
  // Docs and C naming (name-prefix, enum-name) do not change the values; the first spec's are kept.
  const values = (d: YnlDefinition): string => JSON.stringify({ ...d, doc: undefined, 'name-prefix': undefined, 'enum-name': undefined });
  const same = (a: YnlDefinition, b: YnlDefinition): boolean => values(a) === values(b);
  const shared: YnlDefinition[] = [];
  for (const { fam } of families) {
    for (const d of fam.defs.values()) {
      if ((d.type !== 'enum' && d.type !== 'flags') || common.has(d.name)) continue;
      const holders = families.filter((o) => o.fam.defs.has(d.name));
      if (holders.length < 2 || !holders.every((o) => same(o.fam.defs.get(d.name) as YnlDefinition, d))) continue;
      shared.push(d);
      common.set(d.name, d);
      for (const o of holders) o.fam.defs.delete(d.name);
    }
  }
  files.set('common.ts', renderCommon([...commonDefinitions, ...shared]));
  for (const { f, fam } of families) {
    const e = new Emitter(fam, common);
    files.set(`${f.file}.ts`, e.emit());
    notes.push(...e.notes);
  }
  return { files, notes };
}

function main(argv: string[]): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  let out = join(root, 'src/rtnl/generated');
  let specs = process.env.YNL_SPECS ?? fileURLToPath(new URL('./ynl-specs', import.meta.url));
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = resolve(argv[++i] ?? fail('--out needs a directory'));
    else if (a === '--specs') specs = resolve(argv[++i] ?? fail('--specs needs a directory'));
    else if (a === '--quiet') quiet = true;
    else fail(`unknown argument ${a}; usage: ynl-gen [--specs DIR] [--out DIR] [--quiet]`);
  }
  const { files, notes } = generate(specs);
  mkdirSync(out, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(out, name), text);
  if (!quiet) {
    for (const n of notes) console.log(n);
    console.log(`wrote ${[...files.keys()].join(', ')} to ${out}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
