/**
 * A container instance record's stored JSON, with the members that rarely change (its attributes,
 * registered resources and agent versions: about three quarters of the 4.5 KB) serialised once per
 * frozen value and reused: each task placed or stopped writes its instance again with new remaining
 * resources only, and the new version shares those members with the old one. The text is exactly
 * `JSON.stringify(record)`.
 */
import type { ContainerInstanceRecord } from './model';

/** Members of `containerInstance` kept as text, per frozen value. */
const KEPT: ReadonlySet<string> = new Set(['attributes', 'registeredResources', 'versionInfo']);
const kept = new WeakMap<object, string>();

function memberJson(key: string, value: unknown): string | undefined {
  if (KEPT.has(key) && value !== null && typeof value === 'object' && Object.isFrozen(value)) {
    let text = kept.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      kept.set(value, text);
    }
    return text;
  }
  return JSON.stringify(value);
}

/** `JSON.stringify` of an object whose members are written by `member` (undefined: left out). */
function objectJson(o: object, member: (key: string, value: unknown) => string | undefined): string {
  let out = '';
  for (const [key, value] of Object.entries(o)) {
    const text = member(key, value);
    if (text === undefined) continue;
    out += `${out ? ',' : '{'}${JSON.stringify(key)}:${text}`;
  }
  return out ? `${out}}` : '{}';
}

/** The container instances collection's `serialize` (Collection options). */
export function instanceRecordJson(r: ContainerInstanceRecord): string {
  return objectJson(r, (key, value) =>
    key === 'containerInstance' && value !== null && typeof value === 'object'
      ? objectJson(value, memberJson)
      : JSON.stringify(value),
  );
}
