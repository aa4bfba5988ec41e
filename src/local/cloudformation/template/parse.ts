/**
 * Template parsing: JSON or YAML (with CloudFormation's short-form tags, e.g. `!Ref`, `!GetAtt a.b`,
 * `!Sub`), then the structural checks CloudFormation makes before looking at any value.
 */
import { parseDocument, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';
import { dictFrom, nestedDeeperThan, setOwn } from '../../common/safe-object';
import { AwsError } from '../../protocol/errors';
import { isRecognizedResourceType } from '../resource-types';
import type { Template, TemplateObject, TemplateValue } from './types';

export const validationError = (message: string): AwsError => new AwsError('ValidationError', message, 400);
export const formatError = (message: string): AwsError =>
  validationError(`Template format error: ${message}`);

/** Short-form tag -> full function name. `!GetAtt a.b` and `!Condition x` get special scalar handling. */
const SHORT_FORMS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  GetAZs: 'Fn::GetAZs',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  ImportValue: 'Fn::ImportValue',
  Transform: 'Fn::Transform',
};

function scalarForm(name: string, fn: string, value: string): TemplateValue {
  if (name === 'GetAtt') {
    const dot = value.indexOf('.');
    return { [fn]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [fn]: value };
}

const customTags = Object.entries(SHORT_FORMS).flatMap(([name, fn]): (ScalarTag | CollectionTag)[] => [
  { tag: `!${name}`, resolve: (value: string) => scalarForm(name, fn, value) },
  {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [fn]: node.toJSON() as TemplateValue }),
  },
  {
    tag: `!${name}`,
    collection: 'map',
    resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [fn]: node.toJSON() as TemplateValue }),
  },
]);

/** Parses a template body (JSON when it starts with `{`, YAML otherwise) into a plain value. */
export function parseBody(body: string): unknown {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(body) as unknown;
    } catch (e) {
      throw formatError(`JSON not well-formed. (${(e as Error).message})`);
    }
  }
  try {
    return parseYaml(body);
  } catch (e) {
    // The YAML composer recurses per level of nesting: a body built to exhaust the stack is malformed.
    if (e instanceof RangeError) throw tooDeep();
    throw e;
  }
}

function parseYaml(body: string): unknown {
  const doc = parseDocument(body, { customTags, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const offset = problem.pos[0];
    const before = body.slice(0, offset);
    const line = before.split('\n').length;
    const where = ` (line ${line}, column ${offset - before.lastIndexOf('\n')})`;
    const detail =
      problem.code === 'TAG_RESOLVE_FAILED'
        ? `${problem.message.replace(/^Unresolved tag/, 'unknown tag')}`
        : problem.message;
    throw formatError(`YAML not well-formed. ${detail}${where}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw formatError(`YAML not well-formed. ${(e as Error).message}`);
  }
}

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Mappings',
  'Conditions',
  'Resources',
  'Outputs',
  'Transform',
  'Rules',
]);
const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);
const PARAMETER_KEYS = new Set([
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
  'ConstraintDescription',
]);
export const MAX_BODY_BYTES = 51_200;
/** CloudFormation's template quotas (cloudformation-limits): resources, parameters, outputs, mappings. */
export const MAX_RESOURCES = 500;
export const MAX_PARAMETERS = 200;
export const MAX_OUTPUTS = 200;
export const MAX_MAPPINGS = 200;
/**
 * Deepest nesting of objects and lists accepted anywhere in a template. Real templates stay under ~20
 * levels; the bound keeps every recursive walk (analysis, evaluation, resource properties) shallow.
 */
export const MAX_TEMPLATE_DEPTH = 100;
const tooDeep = () =>
  formatError(`The template nests objects and lists more than ${MAX_TEMPLATE_DEPTH} levels deep.`);

const isObject = (v: unknown): v is TemplateObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses and checks the template's structure. Throws ValidationError with CloudFormation's wording. */
export function parseTemplate(body: string): Template {
  if (body.trim() === '') throw validationError('Template body can not be empty.');
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    throw validationError(
      `1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BODY_BYTES}`,
    );
  }
  const raw = parseBody(body);
  if (!isObject(raw)) throw formatError('template is not a JSON or YAML object.');
  if (nestedDeeperThan(raw, MAX_TEMPLATE_DEPTH)) throw tooDeep();
  const unknown = Object.keys(raw).filter((k) => !SECTIONS.has(k));
  if (unknown.length) throw formatError(`Invalid template property or properties [${unknown.join(', ')}]`);
  const version = raw.AWSTemplateFormatVersion;
  if (version !== undefined && String(version) !== '2010-09-09') {
    throw formatError(`Unsupported template version: ${String(version)}`);
  }
  if (raw.Transform !== undefined) {
    throw formatError('Transform is not supported by the local control plane (macros need AWS).');
  }
  if (raw.Description !== undefined && typeof raw.Description !== 'string') {
    throw formatError('Every Description member must be a string.');
  }
  for (const section of ['Parameters', 'Mappings', 'Conditions', 'Resources', 'Outputs'] as const) {
    if (raw[section] !== undefined && !isObject(raw[section])) {
      throw formatError(`The ${section} section must be an object.`);
    }
  }
  // Sections keyed by the template's names become prototype-free: a name such as `constructor` or
  // `toString` is only there when the template declares it.
  const resources = section(raw.Resources);
  const count = Object.keys(resources).length;
  if (count === 0) throw formatError('At least one Resources member must be defined.');
  if (count > MAX_RESOURCES)
    throw formatError(`Number of resources, ${count}, is greater than maximum allowed, ${MAX_RESOURCES}`);
  for (const [name, decl] of Object.entries(resources)) {
    checkLogicalId(name, 'Resources');
    if (!isObject(decl) || typeof decl.Type !== 'string') {
      throw formatError(`[/Resources/${name}] Every Resources object must contain a Type member.`);
    }
    const bad = Object.keys(decl).filter((k) => !RESOURCE_KEYS.has(k));
    if (bad.length)
      throw formatError(`[/Resources/${name}] Invalid resource attribute(s) [${bad.join(', ')}]`);
    if (decl.Properties !== undefined && !isObject(decl.Properties)) {
      throw formatError(`[/Resources/${name}/Properties] Properties must be an object.`);
    }
    const deps = decl.DependsOn;
    if (
      deps !== undefined &&
      typeof deps !== 'string' &&
      !(Array.isArray(deps) && deps.every((d) => typeof d === 'string'))
    ) {
      throw formatError(`[/Resources/${name}/DependsOn] DependsOn must be a string or a list of strings.`);
    }
    if (decl.Condition !== undefined && typeof decl.Condition !== 'string') {
      throw formatError(`[/Resources/${name}/Condition] Condition must be a string.`);
    }
  }
  const unrecognized = [...new Set(Object.values(resources).map((r) => (r as { Type: string }).Type))].filter(
    (type) => !isRecognizedResourceType(type),
  );
  if (unrecognized.length) throw formatError(`Unrecognized resource types: [${unrecognized.join(', ')}]`);
  const parameters = section(raw.Parameters);
  const parameterCount = Object.keys(parameters).length;
  if (parameterCount > MAX_PARAMETERS)
    throw formatError(`Parameter count ${parameterCount} is greater than max allowed ${MAX_PARAMETERS}`);
  for (const [name, decl] of Object.entries(parameters)) {
    checkLogicalId(name, 'Parameters');
    if (!isObject(decl) || typeof decl.Type !== 'string') {
      throw formatError(`[/Parameters/${name}] Every Parameters object must contain a Type member.`);
    }
    const bad = Object.keys(decl).filter((k) => !PARAMETER_KEYS.has(k));
    if (bad.length) throw formatError(`Invalid template parameter property '${bad[0]}'`);
    if (decl.AllowedValues !== undefined && !Array.isArray(decl.AllowedValues)) {
      throw formatError(`[/Parameters/${name}/AllowedValues] AllowedValues must be a list.`);
    }
  }
  const outputs = section(raw.Outputs);
  const outputCount = Object.keys(outputs).length;
  if (outputCount > MAX_OUTPUTS)
    throw formatError(`Outputs count ${outputCount} is greater than max allowed ${MAX_OUTPUTS}`);
  for (const [name, decl] of Object.entries(outputs)) {
    checkLogicalId(name, 'Outputs');
    if (!isObject(decl) || decl.Value === undefined) {
      throw formatError(`[/Outputs/${name}] Every Outputs member must contain a Value object`);
    }
    if (decl.Export !== undefined && (!isObject(decl.Export) || decl.Export.Name === undefined)) {
      throw formatError(`[/Outputs/${name}/Export] Export must contain a Name.`);
    }
  }
  const mappings = section(raw.Mappings);
  const mappingCount = Object.keys(mappings).length;
  if (mappingCount > MAX_MAPPINGS)
    throw formatError(`Mappings count ${mappingCount} is greater than max allowed ${MAX_MAPPINGS}`);
  for (const [name, map] of Object.entries(mappings)) {
    if (!isObject(map) || !Object.values(map).every(isObject)) {
      throw formatError(`Mappings attribute for ${name} must be a map of maps.`);
    }
    // Fn::FindInMap looks up two more levels of names: they are the template's too.
    setOwn(mappings, name, section(dictFrom(Object.entries(map).map(([k, v]) => [k, section(v)]))));
  }
  return {
    AWSTemplateFormatVersion: version === undefined ? undefined : String(version),
    Description: raw.Description as string | undefined,
    Metadata: raw.Metadata,
    Parameters: parameters as unknown as Template['Parameters'],
    Mappings: mappings as unknown as Template['Mappings'],
    Conditions: section(raw.Conditions) as Template['Conditions'],
    Resources: resources as unknown as Template['Resources'],
    Outputs: outputs as unknown as Template['Outputs'],
  };
}

/** A section (or a mapping level) as a prototype-free dictionary of its own names. */
function section(value: TemplateValue | undefined): TemplateObject {
  return dictFrom(Object.entries(isObject(value) ? value : {}));
}

function checkLogicalId(name: string, section: string): void {
  if (!/^[A-Za-z0-9]+$/.test(name)) {
    throw formatError(`[/${section}/${name}] Logical ids must be alphanumeric (A-Za-z0-9).`);
  }
  if (name.length > 255) throw formatError(`[/${section}] Logical ids must be at most 255 characters.`);
}
