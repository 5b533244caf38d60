// Creating a capture file without the traps of a shared directory: never through a symbolic link,
// never into a FIFO or a device, readable by its owner only unless asked otherwise.

import { closeSync, constants, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { InvalidArgumentError, SystemError } from '../errors.js';

/** The mode of a new capture file unless its writer is told otherwise: owner read/write only. */
export const CAPTURE_FILE_MODE = 0o600;

/**
 * Opens `path` for writing a capture, creating it with `mode` (less the process umask) or
 * truncating an existing regular file (which keeps its mode and owner).
 *
 * The final path component is never followed when it is a symbolic link (O_NOFOLLOW: a link's
 * target is never truncated), and only a regular file is written: the file is opened without
 * blocking and checked with fstat before anything is truncated, so a FIFO or a device in its place
 * neither hangs the process nor receives anything.
 * @returns The file descriptor, open for writing.
 * @throws {@link SystemError} `open` with the path (ELOOP for a symbolic link, ENOENT, EACCES...).
 * @throws {@link InvalidArgumentError} `path` when it names something other than a regular file.
 */
export function createCaptureFile(path: string, mode: number = CAPTURE_FILE_MODE): number {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('path', `expected a file path, got ${path === '' ? 'an empty string' : typeof path}`);
  if (path.includes('\0')) throw new InvalidArgumentError('path', 'contains a NUL byte');
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new InvalidArgumentError('mode', `expected a file mode from 0 to 0o7777, got ${String(mode)}`);
  const { O_WRONLY, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = constants;
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK, mode);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.errno !== 'number') throw err;
    // ENXIO: a FIFO without a reader (or a device without its hardware) refused the non-blocking open.
    if (e.code === 'ENXIO') throw notRegular(path, 'a FIFO or a device');
    const detail = e.code === 'ELOOP' ? `${path} is a symbolic link; captures are not written through symbolic links` : path;
    throw new SystemError('open', Math.abs(e.errno), detail, path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a directory' : 'a device or socket');
    ftruncateSync(fd, 0);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

function notRegular(path: string, kind: string): InvalidArgumentError {
  return new InvalidArgumentError('path', `${path} is not a regular file (${kind}); a capture is written to a regular file only`);
}
