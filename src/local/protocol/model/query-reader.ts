/**
 * awsQuery / ec2Query request parameters read by the operation's input shape: the flat keys
 * (`Tags.member.1.Key`, ec2's `Filter.1.Value.1`, maps' `Attributes.entry.1.key`) become typed
 * values (numbers, booleans, epoch-second timestamps) under the model's member names, exactly as
 * a JSON caller would have given them. Only keys the model names are ever read: unknown keys are
 * ignored and never become property names, keys are split into at most MAX_SEGMENTS parts, the
 * parameters are held in Maps and the input is built of prototype-free dictionaries (safe-object.ts),
 * so hostile input cannot reach an object prototype or deep recursion.
 *
 * Values that do not parse as their type are reported as `type` violations; the caller turns
 * them into the service's error together with the constraint checks (validate.ts).
 */
import { dict, setOwn } from '../../common/safe-object';
import type { Member, Protocol, ServiceModel, Shape } from './types';
import { newChecker, type PathStep, type ScalarType, type Violation } from './validate';

/** Deeper keys than any served shape has are ignored. */
const MAX_SEGMENTS = 32;
/** List positions are 1-based and at most this (larger ones are ignored). */
const MAX_INDEX = 100_000;
const INDEX = /^[1-9]\d{0,5}$/;

interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/** The parameters as a tree of Maps, split at the dots. Action, Version and X-Amz-* are not input. */
export function paramTree(params: Iterable<[string, string]>): ParamNode {
  const root: ParamNode = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version' || key.startsWith('X-Amz-')) continue;
    const segments = key.split('.', MAX_SEGMENTS + 1);
    if (segments.length > MAX_SEGMENTS) continue;
    let node = root;
    for (const segment of segments) {
      node.children ??= new Map();
      let next = node.children.get(segment);
      if (!next) {
        next = {};
        node.children.set(segment, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

/** The numbered children of a list or map node, in order. */
function indexed(node: ParamNode | undefined): ParamNode[] {
  if (!node?.children) return [];
  const found: [number, ParamNode][] = [];
  for (const [k, child] of node.children) {
    if (!INDEX.test(k)) continue;
    const i = Number(k);
    if (i <= MAX_INDEX) found.push([i, child]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, child]) => child);
}

class Reader {
  private readonly checker;

  constructor(
    private readonly model: ServiceModel,
    private readonly protocol: Protocol,
  ) {
    this.checker = newChecker(model);
  }

  get violations(): Violation[] {
    return this.checker.violations;
  }

  read(node: ParamNode, shapeName: string, member: Member | undefined, path: PathStep): unknown {
    const shape = this.model.shapes[shapeName] as Shape | undefined;
    if (!shape) throw new Error(`${this.model.metadata.id} model has no shape ${shapeName}`);
    switch (shape.type) {
      case 'structure': {
        if (!node.children) return undefined;
        const out = dict<unknown>();
        for (const [name, m] of Object.entries(shape.members)) {
          const child = node.children.get(m.wire ?? name);
          if (!child) continue;
          const v = this.read(child, m.shape, m, { parent: path, name, wire: m.wire });
          if (v !== undefined) out[name] = v;
        }
        return out;
      }
      case 'list': {
        const flat = this.protocol === 'ec2' || shape.flattened || member?.flattened;
        const items = flat ? node : node.children?.get(shape.memberName ?? 'member');
        // `Name=` (no items) is how awsQuery sends an empty list.
        if (!items) return node.value === '' && !node.children ? [] : undefined;
        return indexed(items).map((child, i) =>
          this.read(child, shape.member, undefined, { parent: path, index: i }),
        );
      }
      case 'map': {
        const flat = shape.flattened || member?.flattened;
        const entries = flat ? node : node.children?.get('entry');
        if (!entries) return node.value === '' && !node.children ? {} : undefined;
        // A plain object, as a JSON map arrives (validate.ts); setOwn keeps "__proto__" a plain key.
        // eslint-disable-next-line no-restricted-syntax
        const out: Record<string, unknown> = {};
        for (const entry of indexed(entries)) {
          const key = entry.children?.get(shape.keyName ?? 'key')?.value;
          const valueNode = entry.children?.get(shape.valueName ?? 'value');
          if (key === undefined || !valueNode) continue;
          const value = this.read(valueNode, shape.value, undefined, { parent: path, key });
          setOwn(out, key, value);
        }
        return out;
      }
      case 'string':
      case 'blob':
        return node.value;
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
      case 'boolean':
      case 'timestamp':
        return node.value === undefined ? undefined : this.scalar(node.value, shape.type, path);
    }
  }

  private scalar(text: string, type: ScalarType, path: PathStep): unknown {
    return this.checker.parsed(text, type, path);
  }
}

/**
 * The action's input read from query parameters by its input shape, with the violations found
 * (values that do not parse as their type). Constraints are checked afterwards by `checkInput`.
 */
export function readQuery(
  model: ServiceModel,
  protocol: Protocol,
  action: string,
  params: ParamNode,
): { input: Record<string, unknown>; violations: Violation[] } {
  const shapeName = Object.hasOwn(model.operations, action) ? model.operations[action]?.input : undefined;
  if (!shapeName) return { input: {}, violations: [] };
  const reader = new Reader(model, protocol);
  const input = (reader.read(params.children ? params : { children: new Map() }, shapeName, undefined, {
    parent: null,
  }) ?? {}) as Record<string, unknown>;
  return { input, violations: reader.violations };
}
