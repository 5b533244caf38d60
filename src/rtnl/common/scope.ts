// Scopes (RT_SCOPE_*) as ip names them: RT_SCOPE_UNIVERSE is `global` on output; `universe` is
// accepted on input as well.

import { InvalidArgumentError } from '../../netlink/errors.js';
import { RtScope } from '../generated/common.js';

/**
 * A scope by the name `ip` prints: `global` (RT_SCOPE_UNIVERSE, 0), `site` (200), `link` (253),
 * `host` (254), `nowhere` (255); another value as its number.
 */
export type Scope = 'global' | 'site' | 'link' | 'host' | 'nowhere' | number;

/** A scope as input: a {@link Scope}, or `universe`, the kernel's name of `global`. */
export type ScopeInput = Scope | 'universe';

/** The model's name of a decoded wire scope. */
export function scopeFromWire(scope: keyof typeof RtScope | number): Scope {
  return scope === 'universe' ? 'global' : scope;
}

/** The wire value of a scope; names `field` when it is not a scope. */
export function scopeToWire(field: string, scope: ScopeInput): keyof typeof RtScope | number {
  if (scope === 'global') return 'universe';
  if (typeof scope === 'number') {
    if (!Number.isInteger(scope) || scope < 0 || scope > 255) throw new InvalidArgumentError(field, `${scope} is not a scope from 0 to 255`);
    return scope;
  }
  if (typeof scope === 'string' && Object.hasOwn(RtScope, scope)) return scope as keyof typeof RtScope;
  throw new InvalidArgumentError(field, `unknown scope ${JSON.stringify(scope)}; expected global, site, link, host, nowhere or a number`);
}
