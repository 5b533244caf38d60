// ffi-rs, loaded quickly. ffi-rs's own loader asks process.report.getReport() whether the C
// library is glibc or musl before it picks its platform package: a full diagnostic report that
// costs about 46 ms of every process start (measured with --cpu-prof on `rtnl link show`). On
// Linux with glibc on x64 or arm64 the platform package's binary is loaded here directly, and the
// few lines of ffi-rs's JavaScript wrapper this library relies on are applied to it; anywhere
// else, or if anything about it differs, ffi-rs's loader runs as before.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as FfiRs from 'ffi-rs';

/** The ffi-rs functions the OS layer uses. */
export type Ffi = Pick<typeof FfiRs, 'open' | 'load' | 'DataType' | 'createExternalBuffer' | 'isNullPointer'>;

const require = createRequire(import.meta.url);

// What the native binding exports besides what is passed on.
interface NativeBinding extends Ffi {
  FFITypeTag: { Array: number };
}

/** True when this process's C library is glibc: musl's loader is mapped otherwise. */
function isGlibc(): boolean {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    return !maps.includes('ld-musl') && /\/libc\.so\.6\b/.test(maps);
  } catch {
    return false;
  }
}

function loadDirect(): Ffi | undefined {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64') || !isGlibc()) return undefined;
  const pkg = `@yuuang/ffi-rs-linux-${process.arch}-gnu`;
  try {
    // Only the very version ffi-rs asks for: the wrapper below is that version's.
    const ffiVersion = (require('ffi-rs/package.json') as { version: string }).version;
    const fromFfi = createRequire(require.resolve('ffi-rs'));
    const pkgVersion = (fromFfi(`${pkg}/package.json`) as { version: string }).version;
    if (ffiVersion !== pkgVersion) return undefined;
    const native = fromFfi(pkg) as NativeBinding;
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
    return { open: native.open, load, DataType, createExternalBuffer: native.createExternalBuffer, isNullPointer: native.isNullPointer };
  } catch {
    return undefined;
  }
}

let directly = false;

/**
 * Loads ffi-rs: its platform binary directly where that is known to work, else through ffi-rs.
 * @throws what `require('ffi-rs')` throws when its native part is missing.
 */
export function loadFfiRs(): Ffi {
  const direct = loadDirect();
  directly = direct !== undefined;
  return direct ?? (require('ffi-rs') as Ffi);
}

/** Whether the last {@link loadFfiRs} loaded the platform binary directly. */
export function ffiLoadedDirectly(): boolean {
  return directly;
}
