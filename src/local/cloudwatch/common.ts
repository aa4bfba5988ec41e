/**
 * What every CloudWatch action shares: the call `Scope`, CloudWatch's errors (by their query codes:
 * the endpoint names their shapes for the json and cbor protocols), list tokens, and metric names.
 */
import type { LocalDeps } from '../deps';
import { AwsError } from '../protocol/errors';
import type { CallContext } from '../protocol/types';
import type { Bus } from '../common/bus';
import type { CloudWatchCollections } from './model';
import type { Dimension, MetricStore } from './store';

export interface Scope {
  deps: LocalDeps;
  col: CloudWatchCollections;
  store: MetricStore;
  region: string;
  accountId: string;
  /** Epoch seconds (with milliseconds). */
  now: number;
  /** Called by another part of the plane: may publish into the reserved `AWS/` namespaces. */
  internal: boolean;
  /** After a write: tell the alarm evaluator which alarms to look at. */
  wake: (alarmKeys: string[]) => void;
  bus: Bus;
}

export const scopeOf = (
  deps: LocalDeps,
  col: CloudWatchCollections,
  store: MetricStore,
  wake: (keys: string[]) => void,
  ctx: CallContext,
): Scope => ({
  deps,
  col,
  store,
  region: ctx.region,
  accountId: ctx.accountId,
  now: deps.clock.now() / 1000,
  internal: ctx.internal === true,
  wake,
  bus: deps.bus,
});

export const invalidValue = (message: string): AwsError =>
  new AwsError('InvalidParameterValue', message, 400);
export const invalidCombination = (message: string): AwsError =>
  new AwsError('InvalidParameterCombination', message, 400);
export const missingParameter = (message: string): AwsError => new AwsError('MissingParameter', message, 400);
export const validationError = (message: string): AwsError => new AwsError('ValidationError', message, 400);
export const resourceNotFound = (message: string): AwsError => new AwsError('ResourceNotFound', message, 404);
export const invalidNextToken = (): AwsError =>
  new AwsError('InvalidNextToken', 'The service cannot process the NextToken.', 400);

/** Offset tokens for the listings: opaque to callers, checked when given back. */
export const offsetToken = (offset: number): string => Buffer.from(`cw:${offset}`).toString('base64url');
export function readOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^cw:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalidNextToken();
  return Number(m[1]);
}

/** Periods CloudWatch takes: 1, 5, 10, 30 (high resolution) or a multiple of 60; any with the local knob. */
export function validPeriod(period: number, fineResolution: boolean): boolean {
  if (fineResolution) return period >= 1;
  return [1, 5, 10, 30].includes(period) || period % 60 === 0;
}

/** Whether the plane publishes and evaluates finer than a minute (the local knob, for tests). */
export const fineResolution = (s: Scope): boolean => s.deps.config.metricsIntervalMs < 60_000;

/** Dimensions as the caller gave them, checked: no name twice. */
export function dimensionsOf(dims: Dimension[] | undefined, field: string): Dimension[] {
  const list = dims ?? [];
  const seen = new Set<string>();
  for (const d of list) {
    if (seen.has(d.Name))
      throw invalidCombination(`No Metric may specify the same dimension name twice (${field}: ${d.Name}).`);
    seen.add(d.Name);
  }
  return list;
}

export const sameDimensions = (a: readonly Dimension[], b: readonly Dimension[]): boolean =>
  a.length === b.length && a.every((d) => b.some((e) => e.Name === d.Name && e.Value === d.Value));

/** The statistic CloudWatch names, from a period's statistic set. */
export type StatisticName = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
export const STATISTICS: readonly StatisticName[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
export const isStatistic = (s: string): s is StatisticName => (STATISTICS as readonly string[]).includes(s);

export function statValue(
  stat: StatisticName,
  s: { count: number; sum: number; min: number; max: number },
): number {
  switch (stat) {
    case 'SampleCount':
      return s.count;
    case 'Average':
      return s.count === 0 ? 0 : s.sum / s.count;
    case 'Sum':
      return s.sum;
    case 'Minimum':
      return s.min;
    case 'Maximum':
      return s.max;
  }
}
