// The checks of the request engine's arguments (ConnectionOptions, RequestOptions, Request),
// apart from the engine itself.

import { checkFunction, checkInt, checkOneOf, checkOptions, checkTimeout, describeValue } from './args.js';
import { InvalidArgumentError } from './errors.js';
import type { Transport } from './transport.js';

// The shapes are spelt out here (not imported from connection.ts, which imports this file).
interface OptionsShape {
  timeoutMs?: unknown;
  dumpInterrupted?: unknown;
  dumpRetries?: unknown;
  typeName?: unknown;
  attributePath?: unknown;
}
interface RequestShape {
  type?: unknown;
  flags?: unknown;
  body?: unknown;
}

const POLICIES = ['retry', 'flag', 'throw'] as const;

/** The options of a Connection (also what Rtnl.open passes on), by name. */
export const CONNECTION_OPTIONS = ['timeoutMs', 'dumpInterrupted', 'dumpRetries', 'typeName', 'attributePath'] as const;
const REQUEST_OPTIONS = ['timeoutMs', 'dumpInterrupted'] as const;

/** Checks a transport: an object with the methods and the port id of a {@link Transport}. */
export function checkTransport(field: string, t: unknown): asserts t is Transport {
  if (t === null || typeof t !== 'object') throw new InvalidArgumentError(field, `expected a Transport (send, receive, wait, close, portId), got ${describeValue(t)}`);
  const o = t as Record<string, unknown>;
  for (const m of ['send', 'receive', 'wait', 'close']) {
    if (typeof o[m] !== 'function') throw new InvalidArgumentError(`${field}.${m}`, `a Transport needs a ${m}() method`);
  }
  if (typeof o.portId !== 'number' || !Number.isInteger(o.portId)) throw new InvalidArgumentError(`${field}.portId`, `a Transport needs an integer portId, got ${describeValue(o.portId)}`);
}

/** The numeric options shared by a connection and a request. */
function checkCommon(o: { timeoutMs?: unknown; dumpInterrupted?: unknown }): void {
  checkTimeout('timeoutMs', o.timeoutMs);
  checkOneOf('dumpInterrupted', o.dumpInterrupted, POLICIES);
}

/** @throws {@link InvalidArgumentError} naming the bad option of a Connection. */
export function checkConnectionOptions(transport: unknown, options: object | undefined): void {
  checkTransport('transport', transport);
  checkEngineOptions(options, CONNECTION_OPTIONS);
}

/**
 * Checks the request engine's options inside an options object whose keys may be `allowed` (a
 * larger set, for the options of a handle that passes them on).
 * @throws {@link InvalidArgumentError} naming the bad option.
 */
export function checkEngineOptions(options: object | undefined, allowed: readonly string[]): void {
  const o: OptionsShape = checkOptions(options, 'options', allowed);
  checkCommon(o);
  checkInt('dumpRetries', o.dumpRetries, 0, 1000);
  checkFunction('typeName', o.typeName);
  checkFunction('attributePath', o.attributePath);
}

/** @throws {@link InvalidArgumentError} naming the bad option of a request. */
export function checkRequestOptions(opts: object | undefined): void {
  if (opts !== undefined) checkCommon(checkOptions<OptionsShape>(opts, 'opts', REQUEST_OPTIONS));
}

/** @throws {@link InvalidArgumentError} naming the bad part of a request. */
export function checkRequest(request: object, onMessage: unknown, opts: object | undefined): void {
  if (request === null || typeof request !== 'object') throw new InvalidArgumentError('req', `expected a request object, got ${describeValue(request)}`);
  const req = request as RequestShape;
  if (req.type === undefined) throw new InvalidArgumentError('req.type', 'a request needs a message type');
  checkInt('req.type', req.type, 0, 0xffff);
  checkInt('req.flags', req.flags, 0, 0xffff);
  checkFunction('req.body', req.body);
  checkFunction('onMessage', onMessage);
  checkRequestOptions(opts);
}
