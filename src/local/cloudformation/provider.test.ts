/** CloudFormation over HTTP with the AWS SDK: actions, validation, the engine, events, rollback, updates. */
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListExportsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventLines,
  eventsOf,
  fixture,
  outputsOf,
  settle,
  startCfnPlane,
  type CfnTestPlane,
} from './testing';

let t: CfnTestPlane;
let cfn: CloudFormationClient;

beforeAll(async () => {
  t = await startCfnPlane();
  cfn = t.cfn;
});
afterAll(async () => {
  await t.stop();
});

async function expectError(p: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } },
  );
  expect(err, 'expected the call to fail').not.toBeNull();
  expect(err?.name).toBe(name);
  expect(err?.$metadata.httpStatusCode).toBe(400);
  if (typeof message === 'string') expect(err?.message).toBe(message);
  else expect(err?.message).toMatch(message);
}

const logGroups = () =>
  [
    ...t.plane.deps.db
      .collection<{ logGroupName: string }>('logs_groups')
      .all()
      .map((g) => g.logGroupName),
  ].sort();

describe('templates and validation', () => {
  it('ValidateTemplate returns parameters, description and capabilities', async () => {
    const out = await cfn.send(new ValidateTemplateCommand({ TemplateBody: fixture('cluster-2015.yaml') }));
    expect(out.Capabilities).toEqual(['CAPABILITY_IAM']);
    expect(out.CapabilitiesReason).toBe(
      'The following resource(s) require capabilities: [AWS::IAM::InstanceProfile, AWS::IAM::Role]',
    );
    expect(out.Description).toMatch(/^AWS CloudFormation template to create resources/);
    const names = out.Parameters?.map((p) => p.ParameterKey);
    expect(names).toEqual([
      'EcsClusterName',
      'EcsAmiId',
      'EcsInstanceType',
      'KeyName',
      'AsgMaxSize',
      'SourceCidr',
      'EcsPort',
    ]);
    expect(out.Parameters?.find((p) => p.ParameterKey === 'AsgMaxSize')?.DefaultValue).toBe('3');
  });

  it('GetTemplateSummary lists types and constraints', async () => {
    const out = await cfn.send(
      new GetTemplateSummaryCommand({ TemplateBody: fixture('cluster-2015-elb.yaml') }),
    );
    expect(out.ResourceTypes).toContain('AWS::ElasticLoadBalancing::LoadBalancer');
    expect(out.ResourceTypes).toContain('AWS::ElasticLoadBalancingV2::Listener');
    const type = out.Parameters?.find((p) => p.ParameterKey === 'EcsInstanceType');
    expect(type?.ParameterConstraints?.AllowedValues).toContain('t2.micro');
    expect(out.Parameters?.find((p) => p.ParameterKey === 'EcsAmiId')?.ParameterType).toBe(
      'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
    );
  });

  it('bad templates and inputs get ValidationError and create nothing', async () => {
    const create = (name: string, body: string, extra: Record<string, unknown> = {}) =>
      cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: body, ...extra }));
    await expectError(
      create('bad1', fixture('invalid/broken-yaml.template')),
      'ValidationError',
      /YAML not well-formed.*line 7/,
    );
    await expectError(
      create('bad2', fixture('invalid/unknown-function.yaml')),
      'ValidationError',
      /unsupported function: Fn::Shout/,
    );
    await expectError(
      create('bad3', fixture('invalid/circular.yaml')),
      'ValidationError',
      'Circular dependency between resources: [A, C, B]',
    );
    await expectError(
      create('bad4', fixture('invalid/unresolved-ref.yaml')),
      'ValidationError',
      'Template format error: Unresolved resource dependencies [Nowhere] in the Resources block of the template',
    );
    await expectError(
      create('bad5', fixture('invalid/unknown-attribute.yaml')),
      'ValidationError',
      'Template error: resource Logs does not support attribute type Colour in Fn::GetAtt',
    );
    await expectError(
      create('bad6', fixture('import.yaml')),
      'ValidationError',
      'Parameters: [Exporter] must have values',
    );
    await expectError(
      create('bad7', fixture('intrinsics.yaml'), {
        Parameters: [{ ParameterKey: 'Env', ParameterValue: 'qa' }],
      }),
      'ValidationError',
      "Parameter 'Env' must be one of AllowedValues",
    );
    await expectError(
      create('bad8', fixture('cluster-2015.yaml')),
      'InsufficientCapabilitiesException',
      'Requires capabilities : [CAPABILITY_IAM]',
    );
    await expectError(
      create('bad9', fixture('iam-role.yaml'), { Capabilities: ['CAPABILITY_IAM'] }),
      'InsufficientCapabilitiesException',
      'Requires capabilities : [CAPABILITY_NAMED_IAM]',
    );
    await expectError(
      create('9bad', fixture('intrinsics.yaml')),
      'ValidationError',
      /Member must satisfy regular expression pattern/,
    );
    const listed = await cfn.send(new ListStacksCommand({}));
    expect(listed.StackSummaries?.filter((s) => s.StackName?.includes('bad'))).toEqual([]);
    expect(logGroups()).toEqual([]);
  });

  it('checks AWS-specific parameter values and literal imports against the account', async () => {
    const call = t.plane.deps.services;
    const vpcs = await call.call<{ Vpcs: { VpcId: string; IsDefault: boolean }[] }>(
      'ec2',
      'DescribeVpcs',
      {},
    );
    const vpc = vpcs.Vpcs.find((v) => v.IsDefault)?.VpcId as string;
    const params = (key: string) => [
      { ParameterKey: 'KeyName', ParameterValue: key },
      { ParameterKey: 'VpcId', ParameterValue: vpc },
    ];
    const create = (p: { ParameterKey: string; ParameterValue: string }[]) =>
      cfn.send(
        new CreateStackCommand({ StackName: 'keys', TemplateBody: fixture('key-pair.yaml'), Parameters: p }),
      );
    await expectError(
      create(params('nokey')),
      'ValidationError',
      'Parameter validation failed: parameter value nokey for parameter name KeyName does not exist. Rollback requested by user.',
    );
    await call.call('ec2', 'CreateKeyPair', { KeyName: 'mine' });
    await expectError(
      create([
        params('mine')[0] as { ParameterKey: string; ParameterValue: string },
        { ParameterKey: 'VpcId', ParameterValue: 'vpc-0000000000000000f' },
      ]),
      'ValidationError',
      /parameter value vpc-0000000000000000f for parameter name VpcId does not exist/,
    );
    const { StackId } = await create(params('mine'));
    const stack = await settle(cfn, StackId as string);
    expect(outputsOf(stack).Name).toBe(`keys/mine/${vpc}`);
    await cfn.send(new DeleteStackCommand({ StackName: 'keys' }));
    await settle(cfn, StackId as string);
    await call.call('ec2', 'DeleteKeyPair', { KeyName: 'mine' });

    await expectError(
      cfn.send(
        new CreateStackCommand({ StackName: 'imports', TemplateBody: fixture('import-literal.yaml') }),
      ),
      'ValidationError',
      'No export named shared-log-group-name found.',
    );
  });

  it('unknown stacks are ValidationError, DeleteStack of one is a no-op', async () => {
    await expectError(
      cfn.send(new DescribeStacksCommand({ StackName: 'nope' })),
      'ValidationError',
      'Stack with id nope does not exist',
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'nope' }));
  });
});

describe('the engine', () => {
  it('creates a stack: intrinsics, conditions, outputs, exports, events, NoEcho', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'logs', TemplateBody: fixture('intrinsics.yaml') }),
    );
    expect(StackId).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/logs\/[0-9a-f-]{36}$/);
    await expectError(
      cfn.send(new CreateStackCommand({ StackName: 'logs', TemplateBody: fixture('intrinsics.yaml') })),
      'AlreadyExistsException',
      'Stack [logs] already exists',
    );
    const stack = await settle(cfn, StackId as string);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const out = outputsOf(stack);
    expect(out.FirstName).toBe('/app/logs/dev-alpha-hunter2');
    expect(out.SecondName).toBe('/app/beta/d/x');
    expect(out.DerivedName).toBe('/app/logs/dev-alpha-hunter2-derived-gamma');
    expect(out.GeneratedName).toMatch(/^logs-Generated-[A-Z0-9]{13}$/);
    expect(out.FirstArn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/app/logs/dev-alpha-hunter2:*');
    expect(out.Region).toBe('us-east-1/000000000000/aws/amazonaws.com');
    expect(out.Subnets).toBe('10.0.0.0/24,10.0.1.0/24,10.0.2.0/24');
    expect(out.Encoded).toBe('aGVsbG8=');
    expect(out.Zone).toBe('us-east-1a');
    expect(out.ProdOnlyName).toBeUndefined();
    expect(stack.Parameters?.find((p) => p.ParameterKey === 'Secret')?.ParameterValue).toBe('****');
    expect(stack.Outputs?.find((o) => o.OutputKey === 'FirstArn')?.ExportName).toBe('logs-FirstArn');

    const lines = eventLines(await eventsOf(cfn, StackId as string));
    expect(lines[0]).toBe('logs CREATE_IN_PROGRESS');
    expect(lines.at(-1)).toBe('logs CREATE_COMPLETE');
    for (const r of ['First', 'Second', 'Derived', 'Generated']) {
      expect(lines.indexOf(`${r} CREATE_IN_PROGRESS`)).toBeLessThan(lines.indexOf(`${r} CREATE_COMPLETE`));
    }
    // Dependencies: Derived waits for First (Fn::Sub), Generated for Second (DependsOn).
    expect(lines.indexOf('First CREATE_COMPLETE')).toBeLessThan(lines.indexOf('Derived CREATE_IN_PROGRESS'));
    expect(lines.indexOf('Second CREATE_COMPLETE')).toBeLessThan(
      lines.indexOf('Generated CREATE_IN_PROGRESS'),
    );
    expect(lines).not.toContain('ProdOnly CREATE_IN_PROGRESS');

    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'logs' }));
    expect(
      resources.StackResources?.map((r) => [r.LogicalResourceId, r.ResourceStatus, r.ResourceType]),
    ).toEqual([
      ['Derived', 'CREATE_COMPLETE', 'AWS::Logs::LogGroup'],
      ['First', 'CREATE_COMPLETE', 'AWS::Logs::LogGroup'],
      ['Generated', 'CREATE_COMPLETE', 'AWS::Logs::LogGroup'],
      ['Second', 'CREATE_COMPLETE', 'AWS::Logs::LogGroup'],
    ]);
    const one = await cfn.send(
      new DescribeStackResourceCommand({ StackName: 'logs', LogicalResourceId: 'First' }),
    );
    expect(one.StackResourceDetail?.PhysicalResourceId).toBe('/app/logs/dev-alpha-hunter2');
    const summaries = await cfn.send(new ListStackResourcesCommand({ StackName: StackId }));
    expect(summaries.StackResourceSummaries).toHaveLength(4);
    const template = await cfn.send(new GetTemplateCommand({ StackName: 'logs' }));
    expect(template.TemplateBody).toBe(fixture('intrinsics.yaml'));
    const exports = await cfn.send(new ListExportsCommand({}));
    expect(exports.Exports).toEqual([
      { ExportingStackId: StackId, Name: 'logs-FirstArn', Value: out.FirstArn },
    ]);
  });

  it('imports an export, which then cannot be deleted', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'importer',
        TemplateBody: fixture('import.yaml'),
        Parameters: [{ ParameterKey: 'Exporter', ParameterValue: 'logs' }],
      }),
    );
    const stack = await settle(cfn, StackId as string);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(outputsOf(stack).Imported).toBe('imported-log-group');
    // A new value for an export in use: the update rolls back.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'logs',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Prefix', ParameterValue: 'other' }],
      }),
    );
    const rolled = await settle(cfn, 'logs');
    expect(rolled.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const reasons = (await eventsOf(cfn, rolled.StackId as string)).map((e) => e.ResourceStatusReason);
    expect(reasons).toContain('Cannot update export logs-FirstArn as it is in use by importer.');
    expect(outputsOf(rolled).FirstName).toBe('/app/logs/dev-alpha-hunter2');
    expect(logGroups().filter((n) => n.startsWith('/other/'))).toEqual([]);
    await cfn.send(new DeleteStackCommand({ StackName: 'logs' }));
    const logs = await settle(cfn, 'logs');
    expect(logs.StackStatus).toBe('DELETE_FAILED');
    expect(logs.StackStatusReason).toBe('Export logs-FirstArn cannot be deleted as it is in use by importer');
    await cfn.send(new DeleteStackCommand({ StackName: 'importer' }));
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    await cfn.send(new DeleteStackCommand({ StackName: 'logs' }));
    const deleted = await settle(cfn, logs.StackId as string);
    expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
    expect(deleted.DeletionTime).toBeInstanceOf(Date);
    expect(logGroups()).toEqual([]);
    await expectError(
      cfn.send(new DescribeStacksCommand({ StackName: 'logs' })),
      'ValidationError',
      'Stack with id logs does not exist',
    );
    const listed = await cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(listed.StackSummaries?.map((s) => s.StackName)).toEqual(
      expect.arrayContaining(['importer', 'logs']),
    );
    const lines = eventLines(await eventsOf(cfn, logs.StackId as string));
    // Reverse order: Derived (depends on First) goes before First.
    expect(lines.indexOf('Derived DELETE_COMPLETE')).toBeLessThan(lines.indexOf('First DELETE_IN_PROGRESS'));
    expect(lines.at(-1)).toBe('logs DELETE_COMPLETE');
  });

  it('an unsupported resource type fails, and the stack rolls back', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'unsupported', TemplateBody: fixture('unsupported.yaml') }),
    );
    const stack = await settle(cfn, StackId as string);
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = await eventsOf(cfn, StackId as string);
    expect(events.find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS')?.ResourceStatusReason).toBe(
      'The following resource(s) failed to create: [Topic]. Rollback requested by user.',
    );
    const failed = events.find(
      (e) => e.LogicalResourceId === 'Topic' && e.ResourceStatus === 'CREATE_FAILED',
    );
    expect(failed?.ResourceStatusReason).toBe(
      'Resource type AWS::SNS::Topic is not supported by the local control plane',
    );
    expect(eventLines(events).slice(-5)).toEqual([
      'unsupported ROLLBACK_IN_PROGRESS',
      'Topic DELETE_COMPLETE',
      'Logs DELETE_IN_PROGRESS',
      'Logs DELETE_COMPLETE',
      'unsupported ROLLBACK_COMPLETE',
    ]);
    expect(logGroups()).toEqual([]);
    await expectError(
      cfn.send(new UpdateStackCommand({ StackName: 'unsupported', UsePreviousTemplate: true })),
      'ValidationError',
      `Stack:${StackId} is in ROLLBACK_COMPLETE state and can not be updated.`,
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'unsupported' }));
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
  });

  it('honours OnFailure DO_NOTHING and DELETE', async () => {
    const a = await cfn.send(
      new CreateStackCommand({
        StackName: 'keep',
        TemplateBody: fixture('unsupported.yaml'),
        OnFailure: 'DO_NOTHING',
      }),
    );
    const kept = await settle(cfn, a.StackId as string);
    expect(kept.StackStatus).toBe('CREATE_FAILED');
    expect(kept.DisableRollback).toBe(true);
    expect(logGroups()).toHaveLength(1);
    const b = await cfn.send(
      new CreateStackCommand({
        StackName: 'drop',
        TemplateBody: fixture('unsupported.yaml'),
        OnFailure: 'DELETE',
      }),
    );
    expect((await settle(cfn, b.StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    await cfn.send(new DeleteStackCommand({ StackName: 'keep' }));
    expect((await settle(cfn, a.StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    expect(logGroups()).toEqual([]);
  });

  it('updates a stack: replace, modify in place, add, remove, roll back; no-op updates are refused', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'upd', TemplateBody: fixture('intrinsics.yaml') }),
    );
    await settle(cfn, StackId as string);
    const resources = async () =>
      Object.fromEntries(
        ((await cfn.send(new DescribeStackResourcesCommand({ StackName: 'upd' }))).StackResources ?? []).map(
          (r) => [r.LogicalResourceId, r.PhysicalResourceId],
        ),
      );
    const v1 = await resources();
    await expectError(
      cfn.send(new UpdateStackCommand({ StackName: 'upd', UsePreviousTemplate: true })),
      'ValidationError',
      'No updates are to be performed.',
    );

    // Env=prod: First gets a new name (replacement), Derived follows it, ProdOnly appears.
    const prod = [{ ParameterKey: 'Env', ParameterValue: 'prod' }];
    await cfn.send(new UpdateStackCommand({ StackName: 'upd', UsePreviousTemplate: true, Parameters: prod }));
    const s2 = await settle(cfn, StackId as string);
    expect(s2.StackStatus).toBe('UPDATE_COMPLETE');
    expect(s2.LastUpdatedTime).toBeInstanceOf(Date);
    const v2 = await resources();
    expect(v2.First).toBe('/app/upd/prod-alpha-hunter2');
    expect(v2.Derived).toBe('/app/upd/prod-alpha-hunter2-derived-prod');
    expect(v2.Generated).toBe(v1.Generated);
    expect(v2.ProdOnly).toMatch(/^upd-ProdOnly-/);
    expect(logGroups()).not.toContain(v1.First);
    const lines = eventLines(await eventsOf(cfn, StackId as string));
    const cleanup = lines.lastIndexOf('upd UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(lines.slice(cleanup)).toContain('First DELETE_COMPLETE');
    expect(lines).toContain('ProdOnly CREATE_COMPLETE');
    expect(lines.at(-1)).toBe('upd UPDATE_COMPLETE');

    // A failing update (unsupported type) rolls back: the added group goes, the changed retention returns.
    const failing = fixture('intrinsics.yaml')
      .replace(
        '    DependsOn: [Second]\n',
        '    DependsOn: [Second]\n    Properties:\n      RetentionInDays: 1\n',
      )
      .replace(
        'Resources:\n',
        'Resources:\n  Added:\n    Type: AWS::Logs::LogGroup\n  Topic:\n    Type: AWS::SNS::Topic\n    DependsOn: [Added, Generated]\n',
      );
    await cfn.send(new UpdateStackCommand({ StackName: 'upd', TemplateBody: failing, Parameters: prod }));
    const s3 = await settle(cfn, StackId as string);
    expect(s3.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const v3 = await resources();
    expect(v3).toEqual(v2);
    expect(logGroups().some((n) => n.startsWith('upd-Added-'))).toBe(false);
    const generated = t.plane.deps.db
      .collection<{ logGroupName: string; retentionInDays?: number }>('logs_groups')
      .get(`us-east-1|${v2.Generated}`);
    expect(generated?.retentionInDays).toBeUndefined();
    const rollbackLines = eventLines(await eventsOf(cfn, StackId as string));
    expect(rollbackLines).toContain('Generated UPDATE_COMPLETE');
    const rollbackCleanup = rollbackLines.lastIndexOf('upd UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(rollbackLines.slice(rollbackCleanup)).toContain('Added DELETE_COMPLETE');
    expect(rollbackLines.at(-1)).toBe('upd UPDATE_ROLLBACK_COMPLETE');
    expect(await cfn.send(new GetTemplateCommand({ StackName: 'upd' })).then((o) => o.TemplateBody)).toBe(
      fixture('intrinsics.yaml'),
    );

    // In place: a new retention keeps every physical id. Then a removed resource is deleted.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'upd',
        UsePreviousTemplate: true,
        Parameters: [...prod, { ParameterKey: 'Retention', ParameterValue: '30' }],
      }),
    );
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('UPDATE_COMPLETE');
    expect(await resources()).toEqual(v2);
    const withoutGenerated = fixture('intrinsics.yaml')
      .replace('  Generated:\n    Type: AWS::Logs::LogGroup\n    DependsOn: [Second]\n', '')
      .replace('  GeneratedName:\n    Value: !Ref Generated\n', '');
    await cfn.send(
      new UpdateStackCommand({ StackName: 'upd', TemplateBody: withoutGenerated, Parameters: prod }),
    );
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('UPDATE_COMPLETE');
    expect(Object.keys(await resources()).sort()).toEqual(['Derived', 'First', 'ProdOnly', 'Second']);
    expect(logGroups()).not.toContain(v2.Generated);

    await cfn.send(new DeleteStackCommand({ StackName: 'upd' }));
    expect((await settle(cfn, StackId as string)).StackStatus).toBe('DELETE_COMPLETE');
    expect(logGroups()).toEqual([]);
  });
});
