/**
 * Static checks of a parsed template (functions, references, conditions, attributes, cycles) and
 * what can be known before any value is evaluated: the dependency graph and required capabilities.
 */
import { dict, hasOwn, own } from '../../common/safe-object';
import { FUNCTIONS, PSEUDO_PARAMETERS, functionName, subVariables, unsupportedFunction } from './intrinsics';
import { checkParameterDeclarations } from './parameters';
import { formatError, validationError } from './parse';
import type { Template, TemplateValue } from './types';

export interface TemplateAnalysis {
  /** Resource -> the resources it depends on (Ref, Fn::GetAtt, Fn::Sub, DependsOn), all branches counted. */
  dependencies: Record<string, string[]>;
  capabilities: string[];
  capabilitiesReason?: string;
}

/** Attribute names per resource type (undefined: type unknown here, attributes not checked). */
export type AttributeCatalog = (type: string) => readonly string[] | undefined;

const PSEUDO = new Set<string>(PSEUDO_PARAMETERS);

type Block = 'Resources' | 'Outputs' | 'Conditions';

interface Walker {
  template: Template;
  attributes: AttributeCatalog;
  block: Block;
  found: Set<string>;
}

function checkRef(name: string, w: Walker): void {
  if (PSEUDO.has(name) || hasOwn(w.template.Parameters, name)) return;
  if (w.block !== 'Conditions' && hasOwn(w.template.Resources, name)) {
    w.found.add(name);
    return;
  }
  throw formatError(`Unresolved resource dependencies [${name}] in the ${w.block} block of the template`);
}

function checkGetAtt(resource: string, attribute: TemplateValue, w: Walker): void {
  const decl = own(w.template.Resources, resource);
  if (!decl || w.block === 'Conditions') {
    throw formatError(
      `Unresolved resource dependencies [${resource}] in the ${w.block} block of the template`,
    );
  }
  w.found.add(resource);
  if (typeof attribute !== 'string') return;
  const known = w.attributes(decl.Type);
  if (known && !known.includes(attribute)) {
    throw validationError(
      `Template error: resource ${resource} does not support attribute type ${attribute} in Fn::GetAtt`,
    );
  }
}

function checkCondition(name: TemplateValue, w: Walker): void {
  if (typeof name !== 'string' || !hasOwn(w.template.Conditions, name)) {
    throw formatError(
      `Unresolved condition dependencies [${String(name)}] in the ${w.block} block of the template`,
    );
  }
}

function walk(value: TemplateValue, w: Walker, inCondition: boolean): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) walk(v, w, inCondition);
    return;
  }
  const fn = functionName(value, inCondition);
  if (fn === null) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('Fn::')) throw unsupportedFunction(k);
      walk(v, w, inCondition);
    }
    return;
  }
  if (fn !== 'Condition' && !FUNCTIONS.has(fn)) throw unsupportedFunction(fn);
  const arg = value[fn] as TemplateValue;
  switch (fn) {
    case 'Ref':
      if (typeof arg !== 'string')
        throw validationError('Template error: every Ref object must have a single String value.');
      checkRef(arg, w);
      return;
    case 'Condition':
      checkCondition(arg, w);
      return;
    case 'Fn::GetAtt': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
        throw validationError(
          'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
        );
      }
      checkGetAtt(arg[0], arg[1] as TemplateValue, w);
      walk(arg[1] as TemplateValue, w, inCondition);
      return;
    }
    case 'Fn::Sub': {
      const text = Array.isArray(arg) ? arg[0] : arg;
      const vars =
        Array.isArray(arg) && arg[1] && typeof arg[1] === 'object' && !Array.isArray(arg[1]) ? arg[1] : {};
      if (typeof text !== 'string')
        throw validationError('Template error: the first argument of Fn::Sub must be a string');
      for (const name of subVariables(text)) {
        if (hasOwn(vars, name)) continue;
        const dot = name.indexOf('.');
        if (dot > 0 && !name.startsWith('AWS::')) checkGetAtt(name.slice(0, dot), name.slice(dot + 1), w);
        else checkRef(name, w);
      }
      walk(vars, w, inCondition);
      return;
    }
    case 'Fn::If':
      if (!Array.isArray(arg) || arg.length !== 3)
        throw validationError('Template error: Fn::If requires a list of 3 arguments');
      checkCondition(arg[0] as TemplateValue, w);
      walk(arg.slice(1), w, inCondition);
      return;
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
      walk(arg, w, true);
      return;
    case 'Fn::FindInMap':
      if (Array.isArray(arg) && typeof arg[0] === 'string' && !hasOwn(w.template.Mappings, arg[0])) {
        throw validationError(`Template error: Unable to get mapping for ${arg[0]}`);
      }
      walk(arg, w, inCondition);
      return;
    default:
      walk(arg, w, inCondition);
  }
}

/** Resource -> cycle (as a list of resources) if the graph has one. */
export function findCycle(dependencies: Record<string, string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    const s = state.get(node);
    if (s === 'done') return null;
    if (s === 'visiting') return stack.slice(stack.indexOf(node));
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of dependencies[node] ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of Object.keys(dependencies).sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

const NAMED_IAM: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
};

export function analyzeTemplate(template: Template, attributes: AttributeCatalog): TemplateAnalysis {
  checkParameterDeclarations(template);
  const conditionWalker: Walker = { template, attributes, block: 'Conditions', found: new Set() };
  for (const cond of Object.values(template.Conditions)) walk(cond, conditionWalker, true);

  const dependencies = dict<string[]>();
  for (const [name, decl] of Object.entries(template.Resources)) {
    const w: Walker = { template, attributes, block: 'Resources', found: new Set() };
    if (decl.Condition !== undefined) checkCondition(decl.Condition, w);
    walk(decl.Properties ?? {}, w, false);
    const dependsOn =
      decl.DependsOn === undefined
        ? []
        : typeof decl.DependsOn === 'string'
          ? [decl.DependsOn]
          : decl.DependsOn;
    for (const d of dependsOn) {
      if (!hasOwn(template.Resources, d)) {
        throw formatError(`Unresolved resource dependencies [${d}] in the Resources block of the template`);
      }
      w.found.add(d);
    }
    dependencies[name] = [...w.found].sort();
  }
  for (const decl of Object.values(template.Outputs)) {
    const w: Walker = { template, attributes, block: 'Outputs', found: new Set() };
    if (decl.Condition !== undefined) checkCondition(decl.Condition, w);
    walk(decl.Value, w, false);
    if (decl.Export) walk(decl.Export.Name, w, false);
  }
  const cycle = findCycle(dependencies);
  if (cycle) throw validationError(`Circular dependency between resources: [${cycle.join(', ')}]`);

  const iam = Object.values(template.Resources).filter((r) => r.Type.startsWith('AWS::IAM::'));
  const named = iam.some((r) => {
    const prop = own(NAMED_IAM, r.Type);
    return prop !== undefined && r.Properties?.[prop] !== undefined;
  });
  const capabilities = iam.length === 0 ? [] : [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'];
  const types = [...new Set(iam.map((r) => r.Type))].sort();
  return {
    dependencies,
    capabilities,
    capabilitiesReason: types.length
      ? `The following resource(s) require capabilities: [${types.join(', ')}]`
      : undefined,
  };
}
