/**
 * CloudFormation's ECS properties are PascalCase; the ECS JSON API is camelCase with real numbers
 * and booleans. Converts one to the other: keys lower-cased at the first letter (except inside
 * free-form maps such as DockerLabels), numeric and boolean fields given as strings converted.
 */
import { dict, own, setOwn } from '../../common/safe-object';
import type { Plain } from '../template/intrinsics';

/** Maps whose keys are user data, not field names. */
const OPAQUE = new Set(['DockerLabels', 'Options', 'DriverOpts', 'Labels', 'ContainerProperties']);
const INTEGERS = new Set([
  'memory',
  'memoryReservation',
  'cpu',
  'containerPort',
  'hostPort',
  'softLimit',
  'hardLimit',
  'startPeriod',
  'interval',
  'timeout',
  'retries',
  'desiredCount',
  'maximumPercent',
  'minimumHealthyPercent',
  'healthCheckGracePeriodSeconds',
  'stopTimeout',
  'startTimeout',
  'weight',
  'base',
  'sizeInGiB',
  'gpu',
  'sharedMemorySize',
  'maxSwap',
  'swappiness',
  'targetCapacity',
  'minimumScalingStepSize',
  'maximumScalingStepSize',
  'instanceWarmupPeriod',
]);
const BOOLEANS = new Set([
  'essential',
  'readonlyRootFilesystem',
  'privileged',
  'interactive',
  'pseudoTerminal',
  'disableNetworking',
  'initProcessEnabled',
  'readOnly',
  'enableECSManagedTags',
  'enableExecuteCommand',
  'enable',
  'rollback',
]);
/** CloudFormation names that differ from the API's. */
const RENAMES: Record<string, string> = { PlacementStrategies: 'placementStrategy' };

/** `topLevelStrings`: keys kept as strings at the top level (the task definition's cpu and memory). */
export function toEcsShape(value: Plain, topLevelStrings: string[] = [], depth = 0): Plain {
  if (Array.isArray(value)) return value.map((v) => toEcsShape(v, [], depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out = dict<Plain>();
  for (const [k, v] of Object.entries(value)) {
    const key = own(RENAMES, k) ?? k.charAt(0).toLowerCase() + k.slice(1);
    // setOwn: a template key such as `__proto__` stays a key.
    if (OPAQUE.has(k)) {
      setOwn(out, key, v);
    } else if (depth === 0 && topLevelStrings.includes(key)) {
      setOwn(out, key, v === null ? null : String(v));
    } else if (INTEGERS.has(key) && typeof v === 'string' && /^-?\d+$/.test(v)) {
      setOwn(out, key, Number(v));
    } else if (BOOLEANS.has(key) && typeof v === 'string' && /^(true|false)$/i.test(v)) {
      setOwn(out, key, v.toLowerCase() === 'true');
    } else {
      setOwn(out, key, toEcsShape(v, [], depth + 1));
    }
  }
  return out;
}
