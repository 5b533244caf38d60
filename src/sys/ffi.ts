// ffi-rs, loaded quickly. ffi-rs's own loader asks process.report.getReport() whether the C
// library is glibc or musl before it picks its platform package: a full diagnostic report that
// costs about 46 ms of every process start (measured with --cpu-prof on `rtnl link show`). On
// Linux with glibc on x64 or arm64 the platform package's binary is loaded here directly, and the
// few lines of ffi-rs's JavaScript wrapper this library relies on are applied to it; anywhere
// else, or if anything about it differs, ffi-rs's loader runs as before.

import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as FfiRs from 'ffi-rs';

/** The ffi-rs functions the OS layer uses. */
export type Ffi = Pick<typeof FfiRs, 'open' | 'load' | 'DataType' | 'createExternalBuffer' | 'isNullPointer'>;

// Node's require() for this module, made only where it is used (the fallbacks below):
// createRequire costs about 0.3 ms, which every `rtnl` command paid at start-up.
let requireHere: NodeJS.Require | undefined;
const nodeRequire = (): NodeJS.Require => (requireHere ??= createRequire(import.meta.url));

// What the native binding exports besides what is passed on.
interface NativeBinding extends Ffi {
  FFITypeTag: { Array: number };
}

// dlopen(3) flags: Node's default for addons (RTLD_LAZY), and RTLD_NODELETE (glibc's and musl's
// value on Linux; os.constants.dlopen does not list it) so that the binary is never unloaded.
// Node dlcloses an addon when the worker thread that first loaded it ends; ffi-rs (napi-rs) leaves
// thread-exit hooks pointing into its code, and the process then dies of SIGSEGV (napi-rs
// package-template issue 308). With RTLD_NODELETE the code stays mapped.
const RTLD_LAZY = 0x1;
const RTLD_NODELETE = 0x1000;

/**
 * True when this process's C library is glibc: its executable's ELF interpreter (PT_INTERP) is
 * glibc's dynamic loader (`/lib64/ld-linux-x86-64.so.2`, `/lib/ld-linux-aarch64.so.1`), not
 * musl's (`/lib/ld-musl-*`). Read from the first 4 KiB of /proc/self/exe: less work for the kernel
 * than writing out /proc/self/maps, which this read before (`rtnl link show` after its bundle's
 * evaluation: 0.4 ms less in one process, 12 and 16 runs alternating).
 * Where the header does not say (no interpreter: a static build), the maps are looked at.
 */
function isGlibc(): boolean {
  try {
    const interp = elfInterpreter('/proc/self/exe');
    if (interp !== undefined) return /\/ld-linux[-\w.]*\.so\.\d+$/.test(interp);
  } catch {
    // unreadable: the maps say
  }
  return mapsShowGlibc();
}

/**
 * The PT_INTERP path of a 64-bit little-endian ELF file, if its first 4 KiB hold it.
 * @internal Exported for its tests.
 */
export function elfInterpreter(file: string): string | undefined {
  const head = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  // ELF magic, ELFCLASS64, ELFDATA2LSB.
  if (n < 64 || head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return undefined;
  const phoff = Number(head.readBigUInt64LE(0x20));
  const phentsize = head.readUInt16LE(0x36);
  const phnum = head.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (phentsize < 56 || at + 56 > n) return undefined;
    if (head.readUInt32LE(at) !== 3) continue; // PT_INTERP
    const off = Number(head.readBigUInt64LE(at + 8));
    const size = Number(head.readBigUInt64LE(at + 32));
    if (size < 2 || off + size > n) return undefined;
    return head.toString('latin1', off, off + size - 1); // without its NUL
  }
  return undefined;
}

/**
 * True when glibc's libc.so.6 is mapped into this process, and musl's loader is not.
 * @internal Exported for its tests.
 */
export function mapsShowGlibc(): boolean {
  try {
    // Searched as bytes: no string made of the whole map.
    const maps = readFileSync('/proc/self/maps');
    if (maps.includes('ld-musl')) return false;
    for (let at = maps.indexOf('/libc.so.6'); at >= 0; at = maps.indexOf('/libc.so.6', at + 1)) {
      const next = maps[at + 10];
      if (next === undefined || !isWordByte(next)) return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** True for the bytes of a regular expression's \w: ASCII letters, digits and _. */
function isWordByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
}

/** `name`'s folder in the first node_modules above `from` that holds it, as require() looks; undefined if none. */
function packageDir(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A package.json's fields this loader reads. */
interface PackageJson {
  version?: string;
  main?: string;
}

/**
 * The version and main fields of the package.json in `dir`: read with a pattern rather than
 * JSON.parse, which made an object of every field of ffi-rs's (18 KiB of heap, memory a short
 * command touches for the first time; see addr.ts). Both packages' files are npm's, with these
 * fields as plain strings; anything else fails the checks below, and require() looks.
 */
function readPackageJson(dir: string): PackageJson {
  const text = readFileSync(join(dir, 'package.json'), 'utf8');
  return { version: /"version"\s*:\s*"([^"\\]+)"/.exec(text)?.[1], main: /"main"\s*:\s*"([^"\\]+)"/.exec(text)?.[1] };
}

/**
 * The platform package's binary, found the way require() finds it in the usual layouts (npm's
 * and pnpm's node_modules) but without Node's module resolver: loading ffi-rs through require()
 * cost `rtnl link show` about 2 ms and 80 KiB of heap (the resolver's package.json reads and
 * caches). Undefined when not found that way, or not the version ffi-rs asks for (the wrapper
 * below is that version's); require() then looks.
 */
function findBinary(pkg: string): string | undefined {
  // import.meta.dirname (Node 20.11 on; the bundled command has it as __dirname) spares making a
  // URL of the path and a path of it again.
  const ffiDir = packageDir(import.meta.dirname ?? dirname(fileURLToPath(import.meta.url)), 'ffi-rs');
  if (ffiDir === undefined) return undefined;
  // require() resolves from a package's real folder (pnpm links it from its store).
  const nativeDir = packageDir(realpathSync.native(ffiDir), pkg);
  if (nativeDir === undefined) return undefined;
  const ffiJson = readPackageJson(ffiDir);
  const nativeJson = readPackageJson(nativeDir);
  if (ffiJson.version === undefined || ffiJson.version !== nativeJson.version || nativeJson.main === undefined || !nativeJson.main.endsWith('.node')) return undefined;
  return join(nativeDir, nativeJson.main);
}

/** The platform package's binary where require() finds it; undefined when it is not ffi-rs's version. */
function requireBinary(pkg: string): NativeBinding | undefined {
  const ffiVersion = (nodeRequire()('ffi-rs/package.json') as { version: string }).version;
  const fromFfi = createRequire(nodeRequire().resolve('ffi-rs'));
  const pkgVersion = (fromFfi(`${pkg}/package.json`) as { version: string }).version;
  if (ffiVersion !== pkgVersion) return undefined;
  const module = { exports: {} };
  process.dlopen(module, fromFfi.resolve(pkg), RTLD_LAZY | RTLD_NODELETE);
  return module.exports as NativeBinding;
}

function loadDirect(): Ffi | undefined {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64') || !isGlibc()) return undefined;
  const pkg = `@yuuang/ffi-rs-linux-${process.arch}-gnu`;
  try {
    let native: NativeBinding | undefined;
    const binary = findBinary(pkg);
    if (binary !== undefined) {
      const module = { exports: {} };
      process.dlopen(module, binary, RTLD_LAZY | RTLD_NODELETE);
      native = module.exports as NativeBinding;
    } else {
      native = requireBinary(pkg);
    }
    if (native === undefined) return undefined;
    const { DataType, FFITypeTag } = native;
    if (typeof native.load !== 'function' || typeof native.open !== 'function' || FFITypeTag?.Array === undefined) return undefined;
    // ffi-rs's wrapper: array arguments are described with their length, and results are not
    // freed unless asked.
    const arrayTypes = new Set<unknown>([DataType.I16Array, DataType.I32Array, DataType.StringArray, DataType.DoubleArray, DataType.U8Array, DataType.FloatArray]);
    const load = ((params: Parameters<typeof FfiRs.load>[0]) => {
      const p = params as unknown as { freeResultMemory?: boolean; paramsType: unknown[]; paramsValue: { length: number }[] };
      if (p.freeResultMemory === undefined) p.freeResultMemory = false;
      p.paramsType = p.paramsType.map((t, i) => (arrayTypes.has(t) ? { ffiTypeTag: FFITypeTag.Array, type: t, length: p.paramsValue[i].length } : t));
      return native.load(params);
    }) as typeof FfiRs.load;
    binaryPath = binary;
    return { open: native.open, load, DataType, createExternalBuffer: native.createExternalBuffer, isNullPointer: native.isNullPointer };
  } catch {
    return undefined;
  }
}

let directly = false;
let binaryPath: string | undefined;

/**
 * Loads ffi-rs: its platform binary directly where that is known to work, else through ffi-rs.
 * @throws what `require('ffi-rs')` throws when its native part is missing.
 */
export function loadFfiRs(): Ffi {
  const direct = loadDirect();
  directly = direct !== undefined;
  return direct ?? (nodeRequire()('ffi-rs') as Ffi);
}

/** Whether the last {@link loadFfiRs} loaded the platform binary directly. */
export function ffiLoadedDirectly(): boolean {
  return directly;
}

/** The binary the last {@link loadFfiRs} loaded with process.dlopen, if it found it without require(). */
export function ffiBinaryPath(): string | undefined {
  return binaryPath;
}
