/** Renders a CloudFormation template as JSON, or as YAML with the short-form intrinsic tags (!Ref, !Sub...). */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import type { CfnTemplate, Json } from './template';

export function templateToJson(template: CfnTemplate): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

/** `{Ref: x}` or `{'Fn::Name': arg}`: the short-form tag, the long-form key and the argument; else undefined. */
function intrinsic(value: Json): { tag: string; key: string; arg: Json } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return undefined;
  const arg = value[key];
  if (arg === undefined) return undefined;
  if (key === 'Ref' || key === 'Condition') return { tag: `!${key}`, key, arg };
  if (key.startsWith('Fn::')) return { tag: `!${key.slice(4)}`, key, arg };
  return undefined;
}

/** YAML 1.1 parsers read these plain scalars as dates or booleans; CloudFormation wants the string. */
const YAML_11_AMBIGUOUS = /^(\d{4}-\d{1,2}-\d{1,2}.*|y|n|yes|no|on|off|true|false|null|~)$/i;

function toNode(value: Json): Node {
  const fn = intrinsic(value);
  if (fn) {
    const inner = intrinsic(fn.arg);
    let node: Node;
    if (fn.key === 'Fn::GetAtt' && Array.isArray(fn.arg) && fn.arg.every((p) => typeof p === 'string')) {
      node = new Scalar(fn.arg.join('.'));
    } else if (inner) {
      // A YAML node carries one tag: `!Base64 !Sub x` is invalid, so the inner function stays long-form.
      const map = new YAMLMap();
      map.items.push(new Pair(new Scalar(inner.key), toNode(inner.arg)));
      node = map;
    } else {
      node = toNode(fn.arg);
    }
    node.tag = fn.tag;
    return node;
  }
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    for (const item of value) seq.items.push(toNode(item));
    return seq;
  }
  if (value !== null && typeof value === 'object') {
    const map = new YAMLMap();
    for (const [k, v] of Object.entries(value)) map.items.push(new Pair(new Scalar(k), toNode(v)));
    return map;
  }
  const scalar = new Scalar(value);
  if (typeof value === 'string' && YAML_11_AMBIGUOUS.test(value)) scalar.type = 'QUOTE_DOUBLE';
  return scalar;
}

export function templateToYaml(template: CfnTemplate): string {
  const doc = new Document();
  doc.contents = toNode(template as unknown as Json);
  return doc.toString({ lineWidth: 0 });
}
