/**
 * The ECS endpoint over HTTP with @aws-sdk/client-ecs (provider.ts): regions apart by credential scope, and the JSON protocol's handling of wrong types, missing members, unknown members and null. Each resource's actions are tested beside its module (clusters.test.ts, task-definitions.test.ts, instances.test.ts, tasks.test.ts, services.test.ts, tags-attributes.test.ts).
 */
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAwsError, ACCOUNT, sampleTaskDefinition, startTestPlane, type TestPlane } from './testing';

let t: TestPlane;
let ecs: ECSClient;

beforeAll(async () => {
  t = await startTestPlane();
  ecs = t.ecs;
});
afterAll(async () => {
  await t.stop();
});

describe('regions', () => {
  it('keeps each region apart (the region comes from the SigV4 credential scope)', async () => {
    const { ECSClient } = await import('@aws-sdk/client-ecs');
    const eu = new ECSClient({
      endpoint: t.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const created = await eu.send(new CreateClusterCommand({ clusterName: 'regional' }));
      expect(created.cluster?.clusterArn).toBe(`arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/regional`);
      const here = await ecs.send(new DescribeClustersCommand({ clusters: ['regional'] }));
      expect(here.failures?.[0]?.reason).toBe('MISSING');
      const td = await eu.send(new RegisterTaskDefinitionCommand(sampleTaskDefinition('regional-td')));
      expect(td.taskDefinition?.taskDefinitionArn).toBe(
        `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/regional-td:1`,
      );
      await expectAwsError(
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'regional-td' })),
        'ClientException',
      );
      await expectAwsError(
        ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: td.taskDefinition!.taskDefinitionArn! }),
        ),
        'ClientException',
      );
    } finally {
      eu.destroy();
    }
  });
});

describe('protocol', () => {
  const call = (target: string, body: string) =>
    fetch(t.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00',
      },
      body,
    });

  it('answers wrong types with SerializationException and missing members with InvalidParameterException', async () => {
    const cases: [string, string, string][] = [
      ['CreateCluster', '{"clusterName": 5}', 'SerializationException'],
      ['RunTask', '{"taskDefinition": "x", "count": "2"}', 'SerializationException'],
      ['RunTask', '{"taskDefinition": "x", "count": 1.5}', 'SerializationException'],
      ['DescribeTasks', '{"tasks": "abc"}', 'SerializationException'],
      [
        'RegisterTaskDefinition',
        '{"family": "f", "containerDefinitions": [{"name": ["x"]}]}',
        'SerializationException',
      ],
      ['RegisterTaskDefinition', '{"family": "f"}', 'InvalidParameterException'],
      ['StopTask', '{}', 'InvalidParameterException'],
      ['CreateCluster', '{bad json', 'SerializationException'],
      ['NoSuchAction', '{}', 'UnknownOperationException'],
    ];
    for (const [action, body, code] of cases) {
      const res = await call(`AmazonEC2ContainerServiceV20141113.${action}`, body);
      expect(res.status, `${action} ${body}`).toBe(400);
      const json = (await res.json()) as { __type: string; message: string };
      expect(json.__type, `${action} ${body}`).toBe(code);
      expect(typeof json.message).toBe('string');
    }
  });

  it('ignores unknown members and treats null as absent', async () => {
    const res = await call(
      'AmazonEC2ContainerServiceV20141113.CreateCluster',
      '{"clusterName": "unknown-fields", "surprise": {"deep": [1,2]}, "tags": null}',
    );
    expect(res.status).toBe(200);
    const json = (await res.json()) as { cluster: { clusterName: string } };
    expect(json.cluster.clusterName).toBe('unknown-fields');
  });
});
