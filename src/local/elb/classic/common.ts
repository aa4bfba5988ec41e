/** What every classic ELB action shares: the call scope, errors, names, health check targets. */
import type { LocalDeps } from '../../deps';
import { AwsError } from '../../protocol/errors';
import type { CallContext } from '../../protocol/types';
import type { ClassicLoadBalancerRecord, ElbStore } from '../model';

export interface Scope {
  deps: LocalDeps;
  store: ElbStore['classic'];
  region: string;
  /** Applies what is stored to the listeners' proxies and the health checks. */
  sync(): Promise<void>;
}

export const scopeOf = (
  deps: LocalDeps,
  store: ElbStore['classic'],
  sync: () => Promise<void>,
  ctx: CallContext,
): Scope => ({ deps, store, region: ctx.region, sync });

export const invalid = (m: string) => new AwsError('ValidationError', m, 400);
export const notFound = (name: string) =>
  new AwsError('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${name}'`, 400);
export const NAME = /^(?!-)[a-zA-Z0-9-]{1,32}(?<!-)$/;
export const REGISTERING = 'Instance registration is still in progress.';

export const keyOf = (region: string, name: string) => `${region}/${name}`;

export function lbOf(s: Scope, name: string | undefined): ClassicLoadBalancerRecord {
  const lb = name ? s.store.get(keyOf(s.region, name)) : undefined;
  if (!lb) throw notFound(name ?? '');
  return lb;
}

/** `HTTP:80/path`, `TCP:80` -> parts, or undefined when malformed. */
export function parseTarget(
  target: string,
): { protocol: 'HTTP' | 'TCP'; port: number; path: string } | undefined {
  const m = /^(HTTP|HTTPS|TCP|SSL):(\d{1,5})(\/.*)?$/.exec(target);
  if (!m) return undefined;
  const protocol = m[1] === 'HTTP' || m[1] === 'HTTPS' ? 'HTTP' : 'TCP';
  if (protocol === 'HTTP' && !m[3]) return undefined;
  return { protocol, port: Number(m[2]), path: m[3] ?? '/' };
}
