/**
 * What every Application Auto Scaling action shares: the call `Scope`, the service's errors, the
 * ECS resource ids it serves, list tokens.
 */
import type { LocalDeps } from '../deps';
import { AwsError } from '../protocol/errors';
import type { CallContext } from '../protocol/types';
import { targetKey, type AppAutoScalingCollections, type TargetRecord } from './model';

export interface Scope {
  deps: LocalDeps;
  col: AppAutoScalingCollections;
  region: string;
  accountId: string;
  /** Epoch seconds. */
  now: number;
  /** After a write: the worker looks at the target. */
  wake: (key: string) => void;
}

export const scopeOf = (
  deps: LocalDeps,
  col: AppAutoScalingCollections,
  wake: (key: string) => void,
  ctx: Pick<CallContext, 'region' | 'accountId'>,
): Scope => ({ deps, col, region: ctx.region, accountId: ctx.accountId, now: deps.clock.now() / 1000, wake });

export const validation = (message: string): AwsError => new AwsError('ValidationException', message, 400);
export const objectNotFound = (message: string): AwsError =>
  new AwsError('ObjectNotFoundException', message, 400);
export const invalidNextToken = (): AwsError =>
  new AwsError('InvalidNextTokenException', 'Invalid NextToken', 400);

/** The one namespace and dimension the local plane scales: ECS services' desired count. */
export const ECS_DIMENSION = 'ecs:service:DesiredCount';
const ECS_RESOURCE = /^service\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/;

/** `service/<cluster>/<service>` -> its parts; ValidationException for anything else. */
export function ecsResource(
  namespace: string,
  resourceId: string,
  dimension: string,
): { cluster: string; service: string } {
  if (namespace !== 'ecs')
    throw validation(
      `Unsupported service namespace ${namespace}: the local control plane scales ECS services (ecs).`,
    );
  if (dimension !== ECS_DIMENSION)
    throw validation(`Unsupported scalable dimension ${dimension} for service namespace ecs.`);
  const m = ECS_RESOURCE.exec(resourceId);
  if (!m)
    throw validation(
      `Unsupported resource ID ${resourceId}: expected service/<cluster-name>/<service-name>.`,
    );
  return { cluster: m[1] as string, service: m[2] as string };
}

export const describeTarget = (namespace: string, resourceId: string, dimension: string) =>
  `service namespace: ${namespace}, resource ID: ${resourceId}, scalable dimension: ${dimension}`;

export function findTarget(s: Scope, namespace: string, resourceId: string, dimension: string): TargetRecord {
  const t = s.col.targets.get(targetKey(s.region, namespace, resourceId, dimension));
  if (!t)
    throw objectNotFound(
      `No scalable target registered for ${describeTarget(namespace, resourceId, dimension)}`,
    );
  return t;
}

export const offsetToken = (offset: number): string => Buffer.from(`aas:${offset}`).toString('base64url');
export function readOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^aas:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalidNextToken();
  return Number(m[1]);
}

export function page<T>(
  items: T[],
  maxResults: number | undefined,
  token: string | undefined,
  limit = 50,
): { items: T[]; NextToken?: string } {
  // MaxResults is 1 to 50 (DescribeScalingPolicies: 1 to 10), the limit by default, as AWS documents.
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limit))
    throw validation(
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value ${maxResults < 1 ? 'greater than or equal to 1' : `less than or equal to ${limit}`}`,
    );
  const max = maxResults ?? limit;
  const offset = readOffset(token);
  return {
    items: items.slice(offset, offset + max),
    ...(offset + max < items.length && { NextToken: offsetToken(offset + max) }),
  };
}

/** The period target tracking alarms count in: a minute, or the local knob's interval. */
export const alarmPeriodSeconds = (deps: LocalDeps): number =>
  deps.config.metricsIntervalMs < 60_000 ? Math.max(1, Math.round(deps.config.metricsIntervalMs / 1000)) : 60;
