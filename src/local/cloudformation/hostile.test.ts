/**
 * Hostile templates over HTTP (issue 8): names that are prototype members, catastrophic and
 * unsupported AllowedPatterns, deep nesting, and CloudFormation's template quotas. Each is refused
 * with CloudFormation's ValidationError before anything is written, and the process stays healthy.
 */
import {
  CreateStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOTYPE_NAMES } from '../common/safe-object';
import { errorOf } from '../../testing/plane';
import { awsQuery, expectWireError } from '../../testing/wire';
import { eventsOf, outputsOf, settle, startCfnPlane, type CfnTestPlane } from './testing';

let t: CfnTestPlane;

beforeAll(async () => {
  t = await startCfnPlane();
});
afterAll(async () => {
  await t.stop();
});

const LOG = { Type: 'AWS::Logs::LogGroup' };
const template = (o: Record<string, unknown>) => JSON.stringify({ Resources: { Logs: LOG }, ...o });

/** CreateStack must fail with ValidationError `message` (a RegExp or exact text) and leave no stack. */
async function refused(
  body: string,
  message: string | RegExp,
  parameters: Parameter[] = [],
  name = `refused-${Math.random().toString(36).slice(2, 8)}`,
): Promise<void> {
  const err = await errorOf(
    t.cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: body, Parameters: parameters })),
  );
  expect(err.name, err.message).toBe('ValidationError');
  expect(err.status).toBe(400);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
  const all = await t.cfn.send(new ListStacksCommand({}));
  expect(all.StackSummaries?.some((s) => s.StackName === name)).toBe(false);
}

async function validateRefused(body: string, message: string | RegExp): Promise<void> {
  const err = await errorOf(t.cfn.send(new ValidateTemplateCommand({ TemplateBody: body })));
  expect(err.name, err.message).toBe('ValidationError');
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
}

describe('names that are prototype members', () => {
  for (const name of PROTOTYPE_NAMES.filter((n) => /^[A-Za-z0-9]+$/.test(n))) {
    it(`Ref / Fn::GetAtt / Condition / Fn::FindInMap / DependsOn of "${name}" are unresolved`, async () => {
      const unresolved = `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`;
      await refused(
        template({ Outputs: { O: { Value: { 'Fn::GetAtt': [name, 'name'] } } } }),
        /Unresolved resource dependencies/,
      );
      await validateRefused(
        template({ Resources: { Logs: { ...LOG, Properties: { LogGroupName: { Ref: name } } } } }),
        unresolved,
      );
      await refused(
        template({
          Resources: { Logs: { ...LOG, Properties: { LogGroupName: { 'Fn::Sub': `\${${name}}` } } } },
        }),
        unresolved,
      );
      await refused(
        template({ Resources: { Logs: { ...LOG, Condition: name } } }),
        `Template format error: Unresolved condition dependencies [${name}] in the Resources block of the template`,
      );
      await refused(template({ Resources: { Logs: { ...LOG, DependsOn: name } } }), unresolved);
      await refused(
        template({
          Resources: {
            Logs: { ...LOG, Properties: { LogGroupName: { 'Fn::FindInMap': [name, 'a', 'b'] } } },
          },
        }),
        `Template error: Unable to get mapping for ${name}`,
      );
      // A mapping key is looked up when the resource is created: the resource fails, the stack rolls back.
      const { StackId } = await t.cfn.send(
        new CreateStackCommand({
          StackName: `map-${name}`,
          TemplateBody: template({
            Mappings: { M: { a: { b: 'x' } } },
            Resources: {
              Logs: { ...LOG, Properties: { LogGroupName: { 'Fn::FindInMap': ['M', name, name] } } },
            },
          }),
        }),
      );
      expect((await settle(t.cfn, StackId as string)).StackStatus).toBe('ROLLBACK_COMPLETE');
      const events = await eventsOf(t.cfn, StackId as string);
      expect(events.find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toBe(
        `Template error: Unable to get mapping for M::${name}::${name}`,
      );
    });

    it(`an undeclared ParameterKey "${name}" is a ValidationError; a declared one works`, async () => {
      await refused(template({}), `Parameters: [${name}] do not exist in the template`, [
        { ParameterKey: name, ParameterValue: 'x' },
      ]);
      const stackName = `declared-${name}`;
      const { StackId } = await t.cfn.send(
        new CreateStackCommand({
          StackName: stackName,
          TemplateBody: template({
            Parameters: { [name]: { Type: 'String', Default: 'd' } },
            Outputs: { Out: { Value: { Ref: name } } },
          }),
          Parameters: [{ ParameterKey: name, ParameterValue: 'given' }],
        }),
      );
      const stack = await settle(t.cfn, StackId as string);
      expect(stack.StackStatus).toBe('CREATE_COMPLETE');
      expect(outputsOf(stack)).toEqual({ Out: 'given' });
    });
  }

  it('a property named __proto__ stays a property, and a condition named toString is only one when declared', async () => {
    const body =
      '{"Conditions":{"toString":{"Fn::Equals":["a","a"]}},"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup",' +
      '"Condition":"toString","Properties":{"__proto__":{"LogGroupName":"sneaky"},"RetentionInDays":7}}},' +
      '"Outputs":{"Name":{"Value":{"Ref":"Logs"}}}}';
    const { StackId } = await t.cfn.send(
      new CreateStackCommand({ StackName: 'proto-props', TemplateBody: body }),
    );
    const stack = await settle(t.cfn, StackId as string);
    expect(stack.StackStatus, stack.StackStatusReason).toMatch(/COMPLETE$/);
    expect(outputsOf(stack).Name).not.toBe('sneaky');
    expect(Object.prototype).not.toHaveProperty('LogGroupName');
  });
});

describe('AllowedPattern', () => {
  const withPattern = (pattern: string) =>
    template({ Parameters: { P: { Type: 'String', AllowedPattern: pattern } } });

  it('a catastrophic pattern is matched in linear time: the value is refused, not a stalled process', async () => {
    await refused(withPattern('(a+)+'), "Parameter 'P' must match pattern (a+)+", [
      { ParameterKey: 'P', ParameterValue: `${'a'.repeat(30)}!` },
    ]);
    await refused(withPattern('(a|aa)*b'), "Parameter 'P' must match pattern (a|aa)*b", [
      { ParameterKey: 'P', ParameterValue: 'a'.repeat(5000) },
    ]);
    // The whole value must match, as with Java's String.matches.
    await refused(withPattern('[a-z]+'), "Parameter 'P' must match pattern [a-z]+", [
      { ParameterKey: 'P', ParameterValue: 'abc1' },
    ]);
    const ok = await t.cfn.send(
      new CreateStackCommand({
        StackName: 'pattern-ok',
        TemplateBody: withPattern('(a+)+'),
        Parameters: [{ ParameterKey: 'P', ParameterValue: 'a'.repeat(30) }],
      }),
    );
    expect((await settle(t.cfn, ok.StackId as string)).StackStatus).toBe('CREATE_COMPLETE');
  });

  for (const [feature, pattern] of [
    ['a backreference', '(a)\\1'],
    ['a lookahead', '(?=a)a'],
    ['a lookbehind', '(?<=a)b'],
    ['a possessive quantifier', 'a++'],
    ['an atomic group', '(?>a)'],
    ['an invalid pattern', '(['],
  ]) {
    it(`${feature} is a template format error, at ValidateTemplate and CreateStack`, async () => {
      const message =
        /^Template format error: \[\/Parameters\/P\/AllowedPattern\] is not a valid regular expression/;
      await validateRefused(withPattern(pattern as string), message);
      await refused(withPattern(pattern as string), message, [{ ParameterKey: 'P', ParameterValue: 'a' }]);
    });
  }
});

describe('deep nesting', () => {
  const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const tooDeep = 'Template format error: The template nests objects and lists more than 100 levels deep.';

  for (const depth of [5_000, 10_000]) {
    it(`Properties nesting ${depth} arrays: ValidationError at CreateStack and ValidateTemplate`, async () => {
      const body = `{"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup","Properties":{"Tags":${arrays(depth)}}}}}`;
      await refused(body, tooDeep);
      await validateRefused(body, tooDeep);
      const yaml = `Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Metadata: ${arrays(depth)}\n`;
      const err = await errorOf(t.cfn.send(new ValidateTemplateCommand({ TemplateBody: yaml })));
      expect(err.name).toBe('ValidationError');
      expect(err.message).toMatch(/^Template format error: /);
    });
  }

  it('10,000 levels in Metadata at UpdateStack: ValidationError, the stack unchanged', async () => {
    const { StackId } = await t.cfn.send(
      new CreateStackCommand({ StackName: 'deep-update', TemplateBody: template({}) }),
    );
    await settle(t.cfn, StackId as string);
    const body = `{"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup","Metadata":${arrays(10_000)}}}}`;
    const err = await errorOf(
      t.cfn.send(new UpdateStackCommand({ StackName: 'deep-update', TemplateBody: body })),
    );
    expect(err).toMatchObject({ name: 'ValidationError', message: tooDeep, status: 400 });
    const after = await t.cfn.send(new DescribeStacksCommand({ StackName: 'deep-update' }));
    expect(after.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('100 levels are fine; a chain of 1,000 conditions is evaluated without deep recursion', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 97; i++) deep = [deep];
    await t.cfn.send(
      new ValidateTemplateCommand({
        TemplateBody: JSON.stringify({ Resources: { Logs: { ...LOG, Metadata: deep } } }),
      }),
    );
    // Declared last-first, so the first one evaluated needs all the others.
    const conditions: Record<string, unknown> = {};
    for (let i = 999; i > 0; i--) conditions[`C${i}`] = { 'Fn::Not': [{ Condition: `C${i - 1}` }] };
    conditions.C0 = { 'Fn::Equals': ['a', 'a'] };
    const { StackId } = await t.cfn.send(
      new CreateStackCommand({
        StackName: 'condition-chain',
        TemplateBody: template({
          Conditions: conditions,
          Resources: { Logs: { ...LOG, Condition: 'C998' }, Other: LOG },
          Outputs: { Made: { Value: { 'Fn::If': ['C999', 'yes', 'no'] } } },
        }),
      }),
    );
    const stack = await settle(t.cfn, StackId as string);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(outputsOf(stack)).toEqual({ Made: 'no' });
  });
});

describe('template quotas and resource types', () => {
  const many = (n: number, make: (i: number) => unknown) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`N${i}`, make(i)]));

  it('500 resources, 200 parameters, 200 outputs are the most a template may declare', async () => {
    const resources501 = JSON.stringify({ Resources: many(501, () => LOG) });
    const message = 'Template format error: Number of resources, 501, is greater than maximum allowed, 500';
    await refused(resources501, message);
    await validateRefused(resources501, message);
    await refused(
      template({ Parameters: many(201, () => ({ Type: 'String', Default: 'x' })) }),
      'Template format error: Parameter count 201 is greater than max allowed 200',
    );
    await refused(
      template({ Outputs: many(201, () => ({ Value: 'x' })) }),
      'Template format error: Outputs count 201 is greater than max allowed 200',
    );
    await t.cfn.send(
      new ValidateTemplateCommand({
        TemplateBody: JSON.stringify({
          Parameters: many(200, () => ({ Type: 'String', Default: 'x' })),
          Resources: many(500, () => LOG),
          Outputs: many(200, () => ({ Value: 'x' })),
        }),
      }),
    );
  });

  it('two outputs exporting one name are refused before anything is written', async () => {
    await refused(
      template({
        Parameters: { Env: { Type: 'String', Default: 'dev' } },
        Outputs: {
          A: { Value: 'a', Export: { Name: 'shared' } },
          B: { Value: 'b', Export: { Name: { 'Fn::Sub': 'sha${Env}' } } },
        },
      }),
      'Template format error: The Outputs section contains duplicate Export names: [shared]. Specify a unique name for each export.',
      [{ ParameterKey: 'Env', ParameterValue: 'red' }],
    );
    await refused(
      template({ Outputs: { A: { Value: 'a', Export: { Name: { 'Fn::Sub': '${Logs}-x' } } } } }),
      'Template format error: Output A is malformed. The Name field of Export must not depend on any resources, imported values, or Fn::GetAZs.',
    );
  });

  it('unknown resource types are refused at CreateStack, ValidateTemplate and UpdateStack', async () => {
    const body = JSON.stringify({
      Resources: {
        A: { Type: 'AWS::Foo::Bar' },
        B: { Type: 'AWS::Logs::LogGroup' },
        C: { Type: 'constructor' },
      },
    });
    const message = 'Template format error: Unrecognized resource types: [AWS::Foo::Bar, constructor]';
    await refused(body, message);
    await validateRefused(body, message);
    const { StackId } = await t.cfn.send(
      new CreateStackCommand({ StackName: 'types-update', TemplateBody: template({}) }),
    );
    await settle(t.cfn, StackId as string);
    const err = await errorOf(
      t.cfn.send(new UpdateStackCommand({ StackName: 'types-update', TemplateBody: body })),
    );
    expect(err).toMatchObject({ name: 'ValidationError', message });
    // Types AWS knows but the local engine cannot create are accepted (they fail at create time).
    await t.cfn.send(
      new ValidateTemplateCommand({
        TemplateBody: JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic' } } }),
      }),
    );
    await t.cfn.send(
      new ValidateTemplateCommand({
        TemplateBody: JSON.stringify({ Resources: { T: { Type: 'Custom::Thing' } } }),
      }),
    );
  });

  it('the same refusals come back AWS-shaped to a raw query request', async () => {
    const r = await awsQuery(t.url, 'cloudformation', [
      ['Action', 'ValidateTemplate'],
      ['TemplateBody', JSON.stringify({ Resources: { A: { Type: 'AWS::Foo::Bar' } } })],
    ]);
    expect(r.status).toBe(400);
    expect(expectWireError(r, 'query')).toEqual({
      code: 'ValidationError',
      message: 'Template format error: Unrecognized resource types: [AWS::Foo::Bar]',
    });
  });
});
