import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate, findCycle } from './analyze';
import { cidr, evaluate, evaluateConditions, NO_VALUE, toPlain, type EvalContext } from './intrinsics';
import { resolveParameters } from './parameters';
import { parseBody, parseTemplate } from './parse';
import type { Template, TemplateValue } from './types';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');
const attrs = (type: string) => (type === 'AWS::Logs::LogGroup' ? ['Arn'] : undefined);

function context(template: Template, overrides: Partial<EvalContext> = {}): EvalContext {
  const base: Omit<EvalContext, 'conditions'> = {
    parameters: { Env: 'dev', Names: ['a', 'b', 'c'], Count: '3' },
    pseudo: {
      region: 'eu-west-1',
      accountId: '123456789012',
      stackName: 's',
      stackId: 'arn:stack',
      notificationArns: [],
    },
    mappings: template.Mappings,
    resourceRef: (id) => `phys-${id}`,
    resourceAttribute: (id, a) => `${id}.${a}`,
    importValue: (n) => `imported-${n}`,
    availabilityZones: (r) => [`${r}a`, `${r}b`],
    ...overrides,
  };
  return { ...base, conditions: evaluateConditions(template, base) };
}

const empty: Template = { Parameters: {}, Mappings: {}, Conditions: {}, Resources: {}, Outputs: {} };
const ev = (v: TemplateValue, t: Template = empty) => toPlain(evaluate(v, context(t)));

describe('parsing', () => {
  it('reads every short-form tag into its long form', () => {
    const doc = parseBody(`
A: !Ref X
B: !GetAtt Res.Attr.Deep
C: !GetAtt [Res, Attr]
D: !Sub 'x-\${X}'
E: !Join ['-', [a, !Ref Y]]
F: !Select [0, !GetAZs '']
G: !Split [',', 'a,b']
H: !If [Cond, !Base64 x, !Ref 'AWS::NoValue']
I: !And [!Equals [a, b], !Or [!Not [!Condition C], !Condition D]]
J: !FindInMap [M, k, v]
K: !Cidr [10.0.0.0/16, 2, 8]
L: !ImportValue exported
M: !Base64
  Fn::Sub: 'echo \${X}'
`) as Record<string, unknown>;
    expect(doc).toEqual({
      A: { Ref: 'X' },
      B: { 'Fn::GetAtt': ['Res', 'Attr.Deep'] },
      C: { 'Fn::GetAtt': ['Res', 'Attr'] },
      D: { 'Fn::Sub': 'x-${X}' },
      E: { 'Fn::Join': ['-', ['a', { Ref: 'Y' }]] },
      F: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      G: { 'Fn::Split': [',', 'a,b'] },
      H: { 'Fn::If': ['Cond', { 'Fn::Base64': 'x' }, { Ref: 'AWS::NoValue' }] },
      I: {
        'Fn::And': [
          { 'Fn::Equals': ['a', 'b'] },
          { 'Fn::Or': [{ 'Fn::Not': [{ Condition: 'C' }] }, { Condition: 'D' }] },
        ],
      },
      J: { 'Fn::FindInMap': ['M', 'k', 'v'] },
      K: { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] },
      L: { 'Fn::ImportValue': 'exported' },
      M: { 'Fn::Base64': { 'Fn::Sub': 'echo ${X}' } },
    });
  });

  it('parses JSON and YAML fixtures to the same structure kinds', () => {
    expect(Object.keys(parseTemplate(fixture('ecs-service.json')).Resources)).toEqual([
      'Cluster',
      'Logs',
      'TaskDefinition',
      'Service',
    ]);
    expect(Object.keys(parseTemplate(fixture('cluster-2015.yaml')).Resources)).toHaveLength(14);
  });

  it('reports broken YAML with its line', () => {
    expect(() => parseTemplate(fixture('invalid/broken-yaml.template'))).toThrow(
      /YAML not well-formed.*\(line 7, column \d+\)/,
    );
  });

  it('reports broken JSON and unknown tags', () => {
    expect(() => parseTemplate('{"Resources": ')).toThrow(/JSON not well-formed/);
    expect(() => parseTemplate('Resources:\n  A:\n    Type: !Shout x\n')).toThrow(
      /unknown tag: !Shout \(line 3/,
    );
  });

  it('checks the template structure', () => {
    expect(() => parseTemplate('Description: x')).toThrow(
      'Template format error: At least one Resources member must be defined.',
    );
    expect(() => parseTemplate('Resources:\n  A:\n    Properties: {}\n')).toThrow(
      /Every Resources object must contain a Type member/,
    );
    expect(() => parseTemplate('Resourcez: {}\nResources:\n  A:\n    Type: X\n')).toThrow(
      /Invalid template property or properties \[Resourcez\]/,
    );
    expect(() =>
      parseTemplate("AWSTemplateFormatVersion: '2011-01-01'\nResources:\n  A:\n    Type: X\n"),
    ).toThrow(/Unsupported template version/);
  });
});

describe('intrinsic functions', () => {
  const t: Template = {
    ...empty,
    Mappings: { M: { dev: { size: 'small' } } },
    Conditions: {
      IsDev: { 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] },
      NotDev: { 'Fn::Not': [{ Condition: 'IsDev' }] },
    },
  };
  it('evaluates Ref, pseudo parameters and lists', () => {
    expect(ev({ Ref: 'Env' })).toBe('dev');
    expect(ev({ Ref: 'Names' })).toEqual(['a', 'b', 'c']);
    expect(ev({ Ref: 'Bucket' })).toBe('phys-Bucket');
    expect(ev({ Ref: 'AWS::Region' })).toBe('eu-west-1');
    expect(ev({ Ref: 'AWS::AccountId' })).toBe('123456789012');
    expect(ev({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(ev({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    expect(ev({ Ref: 'AWS::NotificationARNs' })).toEqual([]);
    expect(evaluate({ Ref: 'AWS::NoValue' }, context(empty))).toBe(NO_VALUE);
  });

  it('drops AWS::NoValue from objects and lists', () => {
    expect(ev({ a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }, 2] })).toEqual({ b: [1, 2] });
  });

  it('evaluates Fn::Sub with variables, attributes and literals', () => {
    expect(ev({ 'Fn::Sub': '${Env}-${AWS::StackName}-${Res.Arn}-${!Literal}' })).toBe(
      'dev-s-Res.Arn-${Literal}',
    );
    expect(ev({ 'Fn::Sub': ['${A}/${Env}', { A: { 'Fn::Select': [1, { Ref: 'Names' }] } }] })).toBe('b/dev');
    expect(() => ev({ 'Fn::Sub': '${Names}' })).toThrow(/must resolve to a string/);
  });

  it('evaluates Join, Select, Split, GetAZs, Base64, FindInMap, Cidr, ImportValue, GetAtt', () => {
    expect(ev({ 'Fn::Join': ['-', ['a', { Ref: 'Count' }, 4]] })).toBe('a-3-4');
    expect(ev({ 'Fn::Select': ['1', { 'Fn::Split': [',', 'x,y,z'] }] })).toBe('y');
    expect(() => ev({ 'Fn::Select': [5, ['x']] })).toThrow(/nonexistent value at index 5/);
    expect(ev({ 'Fn::GetAZs': '' })).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(ev({ 'Fn::Base64': 'hello' })).toBe('aGVsbG8=');
    expect(ev({ 'Fn::FindInMap': ['M', { Ref: 'Env' }, 'size'] }, t)).toBe('small');
    expect(() => ev({ 'Fn::FindInMap': ['M', 'prod', 'size'] }, t)).toThrow(
      /Unable to get mapping for M::prod::size/,
    );
    expect(ev({ 'Fn::FindInMap': ['M', 'prod', 'size', { DefaultValue: 'tiny' }] }, t)).toBe('tiny');
    expect(ev({ 'Fn::Cidr': ['10.0.0.0/16', 3, 8] })).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']);
    expect(ev({ 'Fn::ImportValue': { 'Fn::Sub': '${Env}-x' } })).toBe('imported-dev-x');
    expect(ev({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] })).toBe('Vpc.CidrBlock');
  });

  it('evaluates conditions and Fn::If', () => {
    const ctx = context(t);
    expect(ctx.conditions).toEqual({ IsDev: true, NotDev: false });
    expect(toPlain(evaluate({ 'Fn::If': ['NotDev', 'a', 'b'] }, ctx))).toBe('b');
    expect(
      toPlain(
        evaluate(
          { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Or': [{ Condition: 'NotDev' }, true] }] },
          ctx,
          true,
        ),
      ),
    ).toBe(true);
  });

  it('rejects circular conditions and unknown functions', () => {
    const cyclic: Template = { ...empty, Conditions: { A: { Condition: 'B' }, B: { Condition: 'A' } } };
    expect(() => context(cyclic)).toThrow(/Circular dependency between conditions/);
    expect(() => ev({ 'Fn::Shout': 'x' })).toThrow(/unsupported function: Fn::Shout/);
  });

  it('splits CIDR blocks like Fn::Cidr', () => {
    expect(cidr('192.168.0.0/24', 4, 6)).toEqual([
      '192.168.0.0/26',
      '192.168.0.64/26',
      '192.168.0.128/26',
      '192.168.0.192/26',
    ]);
    expect(() => cidr('10.0.0.0/24', 4, 8)).toThrow(/cannot hold 4 subnets/);
  });
});

describe('parameters', () => {
  const t = parseTemplate(fixture('intrinsics.yaml'));
  const noSsm = () => undefined;
  it('applies defaults, lists and NoEcho', () => {
    const p = resolveParameters(t, [{ ParameterKey: 'Env', ParameterValue: 'prod' }], noSsm);
    expect(p.Env?.resolved).toBe('prod');
    expect(p.Names?.resolved).toEqual(['alpha', 'beta', 'gamma']);
    expect(p.Secret?.noEcho).toBe(true);
  });
  it('reports missing values, unknown keys and every constraint', () => {
    const required = parseTemplate(
      'Parameters:\n  A: {Type: String}\n  B: {Type: Number}\nResources:\n  L: {Type: AWS::Logs::LogGroup}\n',
    );
    expect(() => resolveParameters(required, [], noSsm)).toThrow('Parameters: [A, B] must have values');
    expect(() => resolveParameters(t, [{ ParameterKey: 'Nope', ParameterValue: 'x' }], noSsm)).toThrow(
      'Parameters: [Nope] do not exist in the template',
    );
    const bad = (key: string, value: string) => () =>
      resolveParameters(t, [{ ParameterKey: key, ParameterValue: value }], noSsm);
    expect(bad('Env', 'qa')).toThrow("Parameter 'Env' must be one of AllowedValues");
    expect(bad('Retention', 'seven')).toThrow("Parameter 'Retention' must be a number.");
    expect(bad('Retention', '0')).toThrow("Parameter 'Retention' must be a number not less than 1");
    expect(bad('Retention', '5000')).toThrow("Parameter 'Retention' must be a number not greater than 3653");
    expect(bad('Secret', 'abc')).toThrow("Parameter 'Secret' must contain at least 4 characters");
    expect(bad('Prefix', 'UPPER')).toThrow(
      "Parameter 'Prefix' failed to satisfy constraint: lower-case letters only",
    );
  });
  it('uses previous values and resolves SSM parameter types', () => {
    const c = parseTemplate(fixture('cluster-2015.yaml'));
    const ssm = (name: string) =>
      name.includes('/ecs/optimized-ami/') ? 'ami-0123456789abcdef0' : undefined;
    const p = resolveParameters(c, [{ ParameterKey: 'EcsClusterName', UsePreviousValue: 'true' }], ssm, {
      EcsClusterName: 'prev',
    });
    expect(p.EcsClusterName?.value).toBe('prev');
    expect(p.EcsAmiId?.value).toBe('/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id');
    expect(p.EcsAmiId?.resolved).toBe('ami-0123456789abcdef0');
    expect(() => resolveParameters(c, [{ ParameterKey: 'EcsAmiId', ParameterValue: '/nope' }], ssm)).toThrow(
      'Unable to fetch parameters [/nope] from parameter store for this account.',
    );
  });
});

describe('analysis', () => {
  it('builds the dependency graph from Ref, GetAtt, Sub and DependsOn', () => {
    const a = analyzeTemplate(parseTemplate(fixture('cluster-2015.yaml')), () => undefined);
    expect(a.dependencies.PublicRouteViaIgw).toEqual(['AttachGateway', 'InternetGateway', 'RouteViaIgw']);
    expect(a.dependencies.EcsInstanceLc).toEqual(['EcsInstanceProfile', 'EcsSecurityGroup']);
    expect(a.capabilities).toEqual(['CAPABILITY_IAM']);
    expect(a.dependencies.PubSubnetAz1).toContain('Vpc');
    expect(a.dependencies.EcsInstanceAsg).toContain('EcsInstanceLc');
  });

  it('names the cycle', () => {
    expect(() => analyzeTemplate(parseTemplate(fixture('invalid/circular.yaml')), attrs)).toThrow(
      'Circular dependency between resources: [A, C, B]',
    );
    expect(findCycle({ a: ['b'], b: [] })).toBeNull();
  });

  it('rejects unknown functions, unresolved references and unknown attributes', () => {
    expect(() => analyzeTemplate(parseTemplate(fixture('invalid/unknown-function.yaml')), attrs)).toThrow(
      /unsupported function: Fn::Shout/,
    );
    expect(() => analyzeTemplate(parseTemplate(fixture('invalid/unresolved-ref.yaml')), attrs)).toThrow(
      'Template format error: Unresolved resource dependencies [Nowhere] in the Resources block of the template',
    );
    expect(() => analyzeTemplate(parseTemplate(fixture('invalid/unknown-attribute.yaml')), attrs)).toThrow(
      'Template error: resource Logs does not support attribute type Colour in Fn::GetAtt',
    );
  });

  it('asks for CAPABILITY_NAMED_IAM when an IAM resource has a name', () => {
    const named = parseTemplate(fixture('iam-role.yaml'));
    expect(analyzeTemplate(named, attrs).capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(analyzeTemplate(parseTemplate(fixture('intrinsics.yaml')), attrs).capabilities).toEqual([]);
  });
});
