/**
 * Hostile requests over HTTP against the local control plane's endpoint (issue 8): keys that reach
 * the prototype, action names that are prototype members, wrong HTTP methods, unknown regions,
 * oversize and deeply nested bodies. Each must get the AWS error of its protocol, and afterwards an
 * ordinary ECS call must still work (one request never poisons the process).
 */
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOTYPE_NAMES } from '../common/safe-object';
import { startTestPlane, type TestPlane } from '../../testing/plane';
import { ECS_TARGET, LOGS_TARGET, awsJson, awsQuery, expectWireError } from '../../testing/wire';

let t: TestPlane;
let ecs: ECSClient;

beforeAll(async () => {
  t = await startTestPlane();
  ecs = new ECSClient(t.client);
});
afterAll(async () => {
  ecs.destroy();
  await t.plane.stop();
});

const QUERY_SERVICES = [
  { service: 'cloudformation', protocol: 'query', action: 'DescribeStacks', version: '2010-05-15' },
  { service: 'ec2', protocol: 'ec2', action: 'DescribeVpcs', version: '2016-11-15' },
  { service: 'iam', protocol: 'query', action: 'ListRoles', version: '2010-05-08' },
  {
    service: 'elasticloadbalancing',
    protocol: 'query',
    action: 'DescribeLoadBalancers',
    version: '2015-12-01',
  },
  { service: 'autoscaling', protocol: 'query', action: 'DescribeAutoScalingGroups', version: '2011-01-01' },
] as const;

/** Nothing in the process answers for a name nobody stored. */
function expectPristinePrototypes(): void {
  for (const name of ['required', 'x', 'polluted', 'Key']) {
    expect(Object.prototype, name).not.toHaveProperty(name);
    expect(Array.prototype, name).not.toHaveProperty(name);
  }
}

/** An ordinary ECS call through the SDK still works. */
async function expectEcsWorks(): Promise<void> {
  const name = `still-works-${Math.random().toString(36).slice(2, 8)}`;
  await ecs.send(new CreateClusterCommand({ clusterName: name }));
  const out = await ecs.send(new ListClustersCommand({}));
  expect(out.clusterArns?.some((a) => a.endsWith(`/${name}`))).toBe(true);
}

describe('prototype pollution through query keys', () => {
  const hostileKeys: [string, string][][] = [
    [['__proto__.required', 'x']],
    [['constructor.prototype.required', 'x']],
    [['__proto__.__proto__.polluted', '1']],
    [
      ['Tags.member.1.Key', 'k'],
      ['Tags.constructor.prototype.polluted', '1'],
    ],
    [
      ['Filter.1.Name', 'vpc-id'],
      ['Filter.1.constructor.prototype.Key', 'x'],
      ['Filter.length', 'not-a-length'],
      ['Filter.push.x', '1'],
    ],
    [['Parameters.member.1.__proto__.ParameterKey', 'x']],
  ];

  for (const s of QUERY_SERVICES) {
    it(`${s.service}: keys that name the prototype reach nothing, and ECS still works`, async () => {
      for (const keys of hostileKeys) {
        const r = await awsQuery(t.url, s.service, [['Action', s.action], ['Version', s.version], ...keys]);
        expect(r.status, r.text).toBeLessThan(500);
        if (r.status !== 200) expectWireError(r, s.protocol);
        expectPristinePrototypes();
      }
      await expectEcsWorks();
    });
  }

  it('a CloudFormation call with prototype keys in its members is answered as without them', async () => {
    const r = await awsQuery(t.url, 'cloudformation', [
      ['Action', 'ValidateTemplate'],
      ['Version', '2010-05-15'],
      ['TemplateBody', '{"Resources":{"L":{"Type":"AWS::Logs::LogGroup"}}}'],
      ['__proto__.TemplateBody', 'x'],
      ['toString', 'x'],
      ['valueOf.x', '1'],
    ]);
    expect(r.status, r.text).toBe(200);
  });
});

describe('action names that are prototype members', () => {
  for (const name of PROTOTYPE_NAMES) {
    it(`ECS and Logs: X-Amz-Target ...${name} is UnknownOperationException`, async () => {
      for (const prefix of [ECS_TARGET, LOGS_TARGET]) {
        const r = await awsJson(t.url, `${prefix}.${name}`, '{}');
        expect(r.status, r.text).toBe(400);
        expect(expectWireError(r, 'json').code).toBe('UnknownOperationException');
      }
    });
    it(`query services: Action=${name} is InvalidAction`, async () => {
      for (const s of QUERY_SERVICES) {
        const r = await awsQuery(t.url, s.service, [
          ['Action', name],
          ['Version', s.version],
        ]);
        expect(r.status, `${s.service} ${r.text}`).toBe(400);
        expect(expectWireError(r, s.protocol).code).toBe('InvalidAction');
      }
    });
  }
  it('ECS still works after them', expectEcsWorks);
});

describe('awsJson takes POST only', () => {
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    it(`${method} CreateCluster is UnknownOperationException 404 and creates nothing`, async () => {
      const name = `by-${method.toLowerCase()}`;
      const r = await awsJson(t.url, `${ECS_TARGET}.CreateCluster`, JSON.stringify({ clusterName: name }), {
        method,
      });
      expect(r.status, r.text).toBe(404);
      expect(expectWireError(r, 'json').code).toBe('UnknownOperationException');
      const out = await ecs.send(new ListClustersCommand({}));
      expect(out.clusterArns?.some((a) => a.endsWith(`/${name}`))).toBe(false);
    });
  }
  it('HEAD is refused too (no body, status 404)', async () => {
    const r = await awsJson(t.url, `${LOGS_TARGET}.CreateLogGroup`, '', { method: 'HEAD' });
    expect(r.status).toBe(404);
  });
  it('query protocols keep GET, as EC2 does', async () => {
    const r = await awsQuery(
      t.url,
      'ec2',
      [
        ['Action', 'DescribeVpcs'],
        ['Version', '2016-11-15'],
      ],
      { method: 'GET' },
    );
    expect(r.status, r.text).toBe(200);
  });
});

describe('regions', () => {
  for (const region of ['not-a-region', '__proto__', 'constructor', 'US-EAST-1', 'mars-north-1']) {
    it(`a credential scope in "${region}" is refused as AWS refuses it, and nothing is created`, async () => {
      const ecsAnswer = await awsJson(
        t.url,
        `${ECS_TARGET}.CreateCluster`,
        JSON.stringify({ clusterName: 'elsewhere' }),
        { region },
      );
      expect(ecsAnswer.status, ecsAnswer.text).toBe(403);
      expect(expectWireError(ecsAnswer, 'json')).toEqual({
        code: 'InvalidSignatureException',
        message: `Credential should be scoped to a valid region, not '${region}'.`,
      });
      const cfn = await awsQuery(
        t.url,
        'cloudformation',
        [
          ['Action', 'CreateStack'],
          ['StackName', 'elsewhere'],
          ['TemplateBody', '{"Resources":{"L":{"Type":"AWS::Logs::LogGroup"}}}'],
        ],
        { region },
      );
      expect(cfn.status, cfn.text).toBe(403);
      expect(expectWireError(cfn, 'query').code).toBe('SignatureDoesNotMatch');
      const ec2 = await awsQuery(
        t.url,
        'ec2',
        [
          ['Action', 'CreateVpc'],
          ['CidrBlock', '10.9.0.0/16'],
        ],
        {
          region,
        },
      );
      expect(ec2.status, ec2.text).toBe(403);
      expect(expectWireError(ec2, 'ec2').code).toBe('SignatureDoesNotMatch');
    });
  }
  it('stores nothing under an unknown region', () => {
    const regions = new Set(
      t.plane.deps.db
        .collection<{ region: string }>('ecs_clusters')
        .all()
        .map((c) => c.region),
    );
    expect([...regions]).toEqual(['us-east-1']);
  });
});

describe('oversize and deeply nested input', () => {
  it('an oversize query body is a 413 in XML, an oversize JSON body a 413 in JSON', async () => {
    const big = 'x'.repeat(9 * 1024 * 1024);
    const q = await awsQuery(t.url, 'cloudformation', `Action=ListStacks&Pad=${big}`);
    expect(q.status).toBe(413);
    expect(expectWireError(q, 'query').code).toBe('RequestEntityTooLargeException');
    const e = await awsQuery(t.url, 'ec2', `Action=DescribeVpcs&Pad=${big}`);
    expect(e.status).toBe(413);
    expect(expectWireError(e, 'ec2').code).toBe('RequestEntityTooLargeException');
    const j = await awsJson(t.url, `${ECS_TARGET}.ListClusters`, JSON.stringify({ pad: big }));
    expect(j.status).toBe(413);
    expect(expectWireError(j, 'json').code).toBe('RequestEntityTooLargeException');
  });

  for (const depth of [5_000, 10_000]) {
    it(`a JSON body nested ${depth} levels deep is a SerializationException (ECS and Logs)`, async () => {
      const deep = `{"clusterName":"d","settings":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const r = await awsJson(t.url, `${ECS_TARGET}.CreateCluster`, deep);
      expect(r.status, r.text.slice(0, 200)).toBe(400);
      expect(expectWireError(r, 'json').code).toBe('SerializationException');
      const nested = `{"logGroupName":"/deep","tags":{"a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
      const l = await awsJson(t.url, `${LOGS_TARGET}.CreateLogGroup`, nested);
      expect(l.status, l.text.slice(0, 200)).toBe(400);
      expect(expectWireError(l, 'json').code).toBe('SerializationException');
      await expectEcsWorks();
    });
  }

  it('a query key of 10,000 parts is ignored, not a stack overflow', async () => {
    const key = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? '1' : 'A')).join('.');
    const r = await awsQuery(t.url, 'ec2', [
      ['Action', 'DescribeVpcs'],
      [key, 'x'],
    ]);
    expect(r.status, r.text.slice(0, 200)).toBe(200);
    const c = await awsQuery(t.url, 'cloudformation', [
      ['Action', 'ListStacks'],
      [`${'A.member.1.'.repeat(5_000)}B`, 'x'],
    ]);
    expect(c.status, c.text.slice(0, 200)).toBe(200);
  });
});

describe('the default region', () => {
  it('must be a known AWS region too', async () => {
    const { LocalControlPlane } = await import('../index');
    expect(() => new LocalControlPlane({ statePath: null, defaultRegion: 'not-a-region' })).toThrow(
      /unknown region not-a-region/,
    );
  });
});
