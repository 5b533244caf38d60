// Type-level checks, compiled by `npm run typecheck` (not run): what the library returns for a
// route or a rule is accepted back where a spec is expected, and the specs stay closed.

import type { Route, RouteNexthop, RouteNexthopSpec, RouteSpec } from '../../src/rtnl/route/model.js';
import type { Rule, RuleSpec } from '../../src/rtnl/rule/model.js';
import type { Routes } from '../../src/rtnl/route/routes.js';
import type { Rules } from '../../src/rtnl/rule/rules.js';
import type { EventObjects } from '../../src/rtnl/events/families.js';

declare const route: Route;
declare const rule: Rule;
declare const routes: Routes;
declare const rules: Rules;

// A Route is a RouteSpec; a path of a multipath route is a path spec; a Rule is a RuleSpec.
export const routeAsSpec: RouteSpec = route;
export const nexthopAsSpec: RouteNexthopSpec = {} as RouteNexthop;
export const ruleAsSpec: RuleSpec = rule;

// What list(), get() and events yield goes back to add(), delete() and friends as it is.
export async function useBothWays(): Promise<void> {
  const [r] = await routes.list();
  await routes.delete(r);
  await routes.add(r);
  await routes.replace(await routes.get({ to: '198.51.100.7' }));
  const [u] = await rules.list();
  await rules.delete(u);
  await rules.add(u);
  const fromEvent: EventObjects['route'] = r;
  await routes.append(fromEvent);
  const ruleFromEvent: EventObjects['rule'] = u;
  await rules.add(ruleFromEvent);
}

// The specs are closed: a misspelt key is a type error (and an InvalidArgumentError in JS).
// @ts-expect-error `wieght` is not a key of a path.
export const misspeltPath: RouteSpec = { dst: 'default', nexthops: [{ gateway: '192.0.2.2', wieght: 3 }] };
// @ts-expect-error `mtuu` is not a metric.
export const misspeltMetric: RouteSpec = { dst: 'default', metrics: { mtuu: 1400 } };
// @ts-expect-error the wire's split prefix is not part of the model.
export const wireField: RouteSpec = { dst: '198.51.100.0', dstLen: 24 };
// @ts-expect-error ports are ranges, one shape both ways.
export const portNumber: RuleSpec = { dport: 443 };
