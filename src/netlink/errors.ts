import { RtnetlinkError, errnoName, errnoText } from '../sys/errors.js';

// The base class and the OS layer's errors are defined in src/sys (which imports nothing above it).
export { RtnetlinkError, SystemError, SocketError, errnoName, errnoText } from '../sys/errors.js';

/** What the kernel said in the extended ACK (NLMSGERR_ATTR_*) of an error or ACK message. */
export interface ExtendedAck {
  /** NLMSGERR_ATTR_MSG: the kernel's human-readable explanation. */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset, inside the request, of the attribute the kernel refused. */
  offset?: number;
  /** NLMSGERR_ATTR_MISS_TYPE: type of an attribute the kernel needed and did not get. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest in which {@link missingType} was missing. */
  missingNestOffset?: number;
  /** NLMSGERR_ATTR_POLICY: the policy the refused attribute had to satisfy, as raw attributes. */
  policy?: Uint8Array;
  /** NLMSGERR_ATTR_COOKIE: an opaque cookie some subsystems return with an ACK. */
  cookie?: Uint8Array;
}

/** Identifies the request a reply or an error belongs to. */
export interface RequestInfo {
  /** Message type number, such as 16 for RTM_NEWLINK. */
  type: number;
  /** Message type name, such as `RTM_NEWLINK`, where known. */
  typeName?: string;
  /** nlmsg_flags of the request. */
  flags: number;
  /** Sequence number of the request. */
  seq: number;
  /** The request's bytes as sent (absent when the kernel did not echo them and the sender did not keep them). */
  bytes?: Uint8Array;
}

/**
 * The kernel refused a request: an NLMSG_ERROR with a negative error code, or an NLMSG_DONE carrying one.
 *
 * The message reads like `RTM_NEWLINK: EEXIST (File exists): <kernel's extended-ACK text> [at linkinfo.kind]`.
 */
export class NetlinkError extends RtnetlinkError {
  /** The error's class name, `NetlinkError`. */
  override name = 'NetlinkError';
  /** Positive errno value, such as 17. */
  readonly errno: number;
  /** Errno name, such as `EEXIST`. */
  readonly code: string;
  /** The kernel's extended ACK, when it sent one. */
  readonly extack: ExtendedAck;
  /**
   * Path of the attribute inside the request that the extended-ACK offset points to, as attribute names
   * (or numbers where unknown) from the outermost nest inward, e.g. `['linkinfo', 'data', 'id']`.
   */
  readonly attributePath?: readonly (string | number)[];
  /**
   * The failing request. A request refused before it was sent (the link it names does not exist)
   * has `seq` 0 and no `bytes`.
   */
  readonly request: RequestInfo;
  /**
   * The link the failing request named, as the caller gave it (a name or an index), when the error
   * is about that link. With `ENODEV` (the link does not exist) the message reads
   * `RTM_NEWADDR: ENODEV (No such device): Cannot find device "eth9"` (or `... with index 42`).
   */
  readonly link?: string | number;

  constructor(errno: number, request: RequestInfo, extack: ExtendedAck = {}, attributePath?: readonly (string | number)[], link?: string | number) {
    const code = errnoName(errno);
    let text = `${request.typeName ?? `type ${request.type}`}: ${code} (${errnoText(errno)})`;
    if (link !== undefined) text += errno === ENODEV ? `: ${missingLinkText(link)}` : ` [link ${JSON.stringify(link)}]`;
    if (extack.message) text += `: ${extack.message}`;
    if (attributePath && attributePath.length > 0) text += ` [at ${attributePath.join('.')}]`;
    if (extack.missingType !== undefined) text += ` [missing attribute ${extack.missingType}]`;
    super(text);
    this.errno = errno;
    this.code = code;
    this.extack = extack;
    this.request = request;
    if (attributePath) this.attributePath = attributePath;
    if (link !== undefined) this.link = link;
  }

  /** This error again, naming `link` (see {@link NetlinkError.link}). */
  withLink(link: string | number): NetlinkError {
    return new NetlinkError(this.errno, this.request, this.extack, this.attributePath, link);
  }
}

const ENODEV = 19;

/** How a missing link is named, in iproute2's words: `Cannot find device "eth9"`. */
export function missingLinkText(link: string | number): string {
  return typeof link === 'number' ? `Cannot find device with index ${link}` : `Cannot find device "${link}"`;
}

/** Bytes that do not form a valid netlink message or attribute of the expected schema. */
export class DecodeError extends RtnetlinkError {
  /** The error's class name, `DecodeError`. */
  override name = 'DecodeError';
  /** Byte offset, inside the buffer given to the decoder, at which the problem was found. */
  readonly offset: number;
  /** Names of the attributes (outermost first) being decoded when the problem was found. */
  readonly path: readonly (string | number)[];
  /** What is wrong, without the location. */
  readonly reason: string;

  constructor(reason: string, offset: number, path: readonly (string | number)[] = []) {
    super(`${reason} at offset ${offset}${path.length ? ` in ${path.join('.')}` : ''}`);
    this.reason = reason;
    this.offset = offset;
    this.path = path;
  }
}

/** A request got no complete answer within its timeout. */
export class TimeoutError extends RtnetlinkError {
  /** The error's class name, `TimeoutError`. */
  override name = 'TimeoutError';
  /** The request that timed out. */
  readonly request: RequestInfo;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(request: RequestInfo, timeoutMs: number) {
    super(`${request.typeName ?? `type ${request.type}`} (seq ${request.seq}): no answer within ${timeoutMs} ms`);
    this.request = request;
    this.timeoutMs = timeoutMs;
  }
}

/** An argument was refused before anything was sent: the message names the field and why. */
export class InvalidArgumentError extends RtnetlinkError {
  /** The error's class name, `InvalidArgumentError`. */
  override name = 'InvalidArgumentError';
  /** The offending field, as a dotted path such as `linkinfo.data.id`. */
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.field = field;
  }
}
