/**
 * A container instance record's stored JSON, with the members that rarely change (its attributes,
 * registered resources and agent versions: about three quarters of the 4.5 KB) serialised once per
 * frozen value and reused: each task placed or stopped writes its instance again with new remaining
 * resources only, and the new version shares those members with the old one. The text is exactly
 * `JSON.stringify(record)`.
 */
import type { CollectionPart } from '../store/collection';
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

/**
 * `JSON.stringify` of an object whose members are written by `member` (undefined: left out), which
 * is told where in the object's text the member's value begins.
 */
function objectJson(
  o: object,
  member: (key: string, value: unknown, at: number) => string | undefined,
): string {
  let out = '';
  for (const [key, value] of Object.entries(o)) {
    const head = `${out ? ',' : '{'}${JSON.stringify(key)}:`;
    const text = member(key, value, out.length + head.length);
    if (text === undefined) continue;
    out += `${head}${text}`;
  }
  return out ? `${out}}` : '{}';
}

/**
 * The text of a frozen record around its `remainingResources`, per attributes list (shared by the
 * versions of one instance): a booking's new version differs from the last one written only
 * there, so its text is the same prefix and suffix around the new resources' JSON.
 */
interface Written {
  record: ContainerInstanceRecord;
  prefix: string;
  suffix: string;
}
const lastWritten = new WeakMap<object, Written>();

/** The container instances collection's `serialize` (Collection options). */
export function instanceRecordJson(r: ContainerInstanceRecord): string {
  const ci = r.containerInstance as ContainerInstanceRecord['containerInstance'] | null | undefined;
  const handle =
    ci !== null && typeof ci === 'object' && Object.isFrozen(r) && Object.isFrozen(ci)
      ? ci.attributes
      : undefined;
  // Not frozen (a registration's `put`): nothing is kept for it, so nothing to cut or to reuse.
  if (handle === null || typeof handle !== 'object') return JSON.stringify(r);
  const last = lastWritten.get(handle);
  if (last && ci?.remainingResources !== undefined && sameButRemaining(last.record, r)) {
    lastWritten.set(handle, { ...last, record: r });
    return `${last.prefix}${JSON.stringify(ci?.remainingResources)}${last.suffix}`;
  }
  let cut: [number, number] | undefined;
  const text = objectJson(r, (key, value, at) => {
    if (key !== 'containerInstance' || value === null || typeof value !== 'object')
      return JSON.stringify(value);
    return objectJson(value, (k, v, start) => {
      const member = memberJson(k, v);
      if (k === 'remainingResources' && member !== undefined) cut = [at + start, at + start + member.length];
      return member;
    });
  });
  if (cut) lastWritten.set(handle, { record: r, prefix: text.slice(0, cut[0]), suffix: text.slice(cut[1]) });
  return text;
}

/**
 * The container instances collection's `part`: `remainingResources` in a side row. Each task placed
 * or stopped changes only that member of its instance; the instance's 4.5 KB row (attributes,
 * registered resources, versions) is written again only when something else about it changes.
 */
export const remainingResourcesPart: CollectionPart<ContainerInstanceRecord> = {
  get: (r) =>
    (r.containerInstance as ContainerInstanceRecord['containerInstance'] | undefined)?.remainingResources,
  with: (r, value) => ({
    ...r,
    containerInstance: {
      ...r.containerInstance,
      remainingResources: value as ContainerInstanceRecord['containerInstance']['remainingResources'],
    },
  }),
  onlyPartChanged: (before, after) =>
    Object.isFrozen(after) && Object.isFrozen(before) && sameButRemaining(before, after),
};

/**
 * Whether `b` has the members of `a`, in the same order and the same values (the same objects:
 * both are frozen versions), but for `containerInstance.remainingResources`.
 */
function sameButRemaining(a: ContainerInstanceRecord, b: ContainerInstanceRecord): boolean {
  if (!sameMembers(a, b, 'containerInstance')) return false;
  const ca = a.containerInstance;
  const cb = b.containerInstance;
  return Object.isFrozen(cb) && sameMembers(ca, cb, 'remainingResources');
}

function sameMembers(a: object, b: object, except: string): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (kb[i] !== k) return false;
    if (k === except) continue;
    const va = (a as Record<string, unknown>)[k];
    if (va !== (b as Record<string, unknown>)[k]) return false;
    if (va !== null && typeof va === 'object' && !Object.isFrozen(va)) return false;
  }
  return true;
}
