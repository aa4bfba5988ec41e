/**
 * Hostile fuzzing of the AWS wire endpoint over HTTP (issue 8), seeded by fast-check (FC_SEED replays):
 * every service and protocol (awsJson ECS, Logs, Application Auto Scaling and CloudWatch; awsQuery
 * CloudFormation, IAM, ELB, Auto Scaling, CloudWatch; ec2Query; smithy-rpc-v2-cbor CloudWatch), every
 * HTTP method, regions that are not regions, action names and keys that are
 * Object.prototype members at every position, deep nesting (JSON bodies, query keys, templates), and
 * CloudFormation templates with prototype names in every name position and pathological patterns.
 *
 * Checked for every request: no 5xx; every error in its protocol's shape and content type; nothing in
 * the process answers for a name nobody stored (Object.prototype and Array.prototype unchanged); and
 * an ordinary ECS call still works afterwards. FUZZ_REQUESTS changes the length.
 */
import { decode as decodeCbor, encode as encodeCbor } from 'cbor-x';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOTYPE_NAMES } from '../common/safe-object';
import { model as aasModel } from '../application-autoscaling/shapes.gen';
import { createAutoScalingService } from '../autoscaling/provider';
import { model as cwModel } from '../cloudwatch/shapes.gen';
import { createCloudFormationService } from '../cloudformation/provider';
import { createEc2Service } from '../ec2/provider';
import { ECS_ACTIONS } from './../ecs/provider';
import { model as ecsModel } from '../ecs/shapes.gen';
import { createElbClassicService, createElbV2Service } from '../elb/provider';
import { createIamService } from '../iam/provider';
import { LocalControlPlane } from '../index';
import { createLogsService } from '../logs/provider';
import type { Shape } from './model/types';
import {
  ECS_TARGET,
  LOGS_TARGET,
  awsJson,
  awsQuery,
  sigv4,
  wireError,
  type WireResponse,
} from '../../testing/wire';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);

let plane: LocalControlPlane;
let url: string;

beforeAll(async () => {
  // Not started: no background work, so each answer is the request's own.
  plane = new LocalControlPlane({ statePath: null, taskStepMs: 20, instanceBootMs: 20 });
  url = await plane.listen(0);
});
afterAll(async () => {
  await plane.stop();
});

const proto = fc.constantFrom(...PROTOTYPE_NAMES);
const METHODS = ['POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const method = fc.constantFrom(...METHODS);
const region = fc.oneof(
  { weight: 12, arbitrary: fc.constant('us-east-1') },
  { weight: 1, arbitrary: fc.constantFrom('eu-west-1', 'not-a-region', 'US-EAST-1', 'mars-north-1') },
  { weight: 1, arbitrary: proto },
);

/** Deeply nested JSON text: arrays or objects, `depth` levels. */
const deepJson = (depth: number, kind: 'array' | 'object') =>
  kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// ---- awsJson (ECS, Logs) ------------------------------------------------------------------------

const ecsMembers = [
  ...new Set(
    Object.values<Shape>(ecsModel.shapes).flatMap((s) =>
      s.type === 'structure' ? Object.keys(s.members) : [],
    ),
  ),
];
const CW_TARGET = 'GraniteServiceVersion20100801';
const AAS_TARGET = 'AnyScaleFrontendService';
const CW_ACTIONS = Object.keys(cwModel.operations);
const AAS_ACTIONS = Object.keys(aasModel.operations);
const membersOf = (m: typeof cwModel) =>
  Object.values<Shape>(m.shapes).flatMap((s) => (s.type === 'structure' ? Object.keys(s.members) : []));
const METRIC_MEMBERS = [...new Set([...membersOf(cwModel), ...membersOf(aasModel)])];
const LOGS_MEMBERS = [
  'logGroupName',
  'logStreamName',
  'logEvents',
  'timestamp',
  'message',
  'nextToken',
  'limit',
  'tags',
];

const jsonKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ecsMembers, ...LOGS_MEMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...METRIC_MEMBERS) },
  { weight: 2, arbitrary: proto },
);
const jsonScalar = fc.oneof(
  fc.constantFrom('', 'default', 'fuzz', 'x'.repeat(300), 'arn:aws:ecs:us-east-1:000000000000:cluster/fuzz'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  proto,
);
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    jsonScalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(jsonKey, tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** JSON text that keeps `__proto__` keys as keys (JSON.stringify of a literal would drop them). */
function jsonText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
    .join(',')}}`;
}

interface Wire {
  kind: 'json' | 'query' | 'ec2' | 'cbor';
  describe: string;
  send: () => Promise<WireResponse>;
}

const jsonRequest: fc.Arbitrary<Wire> = fc
  .record({
    prefix: fc.constantFrom(ECS_TARGET, ECS_TARGET, LOGS_TARGET, CW_TARGET, AAS_TARGET, 'NotAService'),
    action: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(...ECS_ACTIONS, 'CreateLogGroup', 'DescribeLogGroups', 'PutLogEvents'),
      },
      { weight: 3, arbitrary: fc.constantFrom(...CW_ACTIONS, ...AAS_ACTIONS) },
      { weight: 2, arbitrary: proto },
      { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
    ),
    method,
    region,
    auth: fc.constantFrom(true, true, true, true, true, true, true, true, true, false),
    body: fc.oneof(
      { weight: 8, arbitrary: fc.dictionary(jsonKey, jsonValue, { maxKeys: 5 }).map(jsonText) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('{', 'null', '[]', '"x"', '', '{"a":1}}', '{"__proto__":{"x":1}}'),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({
            depth: fc.constantFrom(999, 1001, 5000, 10_000),
            kind: fc.constantFrom('array', 'object'),
          })
          .map(
            ({ depth, kind }) =>
              `{"clusterName":"deep","tags":${deepJson(depth, kind as 'array' | 'object')}}`,
          ),
      },
    ),
  })
  .map((r) => ({
    kind: 'json' as const,
    describe: `${r.method} ${r.prefix}.${r.action} ${r.region} ${r.body.slice(0, 120)}`,
    send: () =>
      awsJson(url, `${r.prefix}.${r.action}`, r.body, { method: r.method, region: r.region, auth: r.auth }),
  }));

// ---- query protocols ------------------------------------------------------------------------------

const QUERY_KEYS = [
  'StackName',
  'TemplateBody',
  'Parameters',
  'ParameterKey',
  'ParameterValue',
  'UsePreviousValue',
  'Capabilities',
  'Tags',
  'Key',
  'Value',
  'Filter',
  'Name',
  'InstanceId',
  'VpcId',
  'CidrBlock',
  'RoleName',
  'AutoScalingGroupName',
  'MinSize',
  'MaxSize',
  'LoadBalancerName',
  'Listeners',
  'NextToken',
  'Namespace',
  'MetricData',
  'MetricName',
  'Dimensions',
  'Timestamp',
  'Values',
  'Counts',
  'AlarmName',
  'Threshold',
  'MetricDataQueries',
  'Expression',
  'PolicyName',
  'StepAdjustments',
];
const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...QUERY_KEYS) },
  { weight: 3, arbitrary: proto },
  { weight: 2, arbitrary: fc.constantFrom('member', '1', '2', '0', '10001', 'entry', 'length', 'push') },
);
const queryKey = fc.oneof(
  { weight: 20, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('.')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(`${'A.1.'.repeat(2000)}B`, `${'constructor.prototype.'.repeat(50)}x`),
  },
);

/** Templates with prototype names (and ordinary ones) in every name position. */
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Logs', 'P', 'C', 'M', 'Out', 'a', 'b') },
  { weight: 2, arbitrary: proto.filter((n) => /^[A-Za-z0-9]+$/.test(n)) },
  { weight: 1, arbitrary: proto },
);
const PATTERNS = ['(a+)+', '(a|aa)*b', '(a)\\1', '(?=a)a', '([', '[a-z]+', '(.*a){20}', '^(a?){30}a{30}$'];
const templateBody: fc.Arbitrary<string> = fc
  .record({
    resource: name,
    type: fc.constantFrom(
      'AWS::Logs::LogGroup',
      'AWS::SNS::Topic',
      'AWS::Foo::Bar',
      'constructor',
      'Custom::X',
    ),
    ref: name,
    getAtt: fc.tuple(name, name),
    condition: name,
    declaredCondition: name,
    mapping: fc.tuple(name, name, name),
    parameter: name,
    pattern: fc.constantFrom(...PATTERNS),
    exportName: fc.constantFrom('shared', 'other'),
    deep: fc.constantFrom(0, 0, 0, 99, 101, 5000),
    property: fc.oneof(proto, fc.constantFrom('LogGroupName', 'RetentionInDays')),
  })
  .map((t) =>
    jsonText({
      Parameters: { [t.parameter]: { Type: 'String', Default: 'a'.repeat(30), AllowedPattern: t.pattern } },
      Mappings: { [t.mapping[0]]: { [t.mapping[1]]: { [t.mapping[2]]: 'x' } } },
      Conditions: { [t.declaredCondition]: { 'Fn::Equals': [{ Ref: t.parameter }, 'x'] } },
      Resources: {
        [t.resource]: {
          Type: t.type,
          Condition: t.condition,
          Properties: {
            [t.property]: { Ref: t.ref },
            Tags: [{ 'Fn::GetAtt': t.getAtt }, { 'Fn::FindInMap': [...t.mapping] }],
          },
          Metadata: 'METADATA',
        },
      },
      Outputs: {
        A: { Value: 'a', Export: { Name: t.exportName } },
        B: { Value: { Ref: t.resource }, Export: { Name: 'shared' } },
      },
    }).replace('"METADATA"', t.deep ? deepJson(t.deep, 'array') : '{}'),
  );

interface QueryService {
  service: string;
  protocol: 'query' | 'ec2';
  version: string;
  actions: string[];
}

let queryServices: QueryService[] = [];
beforeAll(() => {
  const def = (d: { actions: object }) => Object.keys(d.actions);
  queryServices = [
    {
      service: 'cloudformation',
      protocol: 'query',
      version: '2010-05-15',
      actions: def(createCloudFormationService(plane.deps)),
    },
    { service: 'ec2', protocol: 'ec2', version: '2016-11-15', actions: def(createEc2Service(plane.deps)) },
    { service: 'iam', protocol: 'query', version: '2010-05-08', actions: def(createIamService(plane.deps)) },
    {
      service: 'elasticloadbalancing',
      protocol: 'query',
      version: '2015-12-01',
      actions: def(createElbV2Service(plane.deps)),
    },
    {
      service: 'elasticloadbalancing',
      protocol: 'query',
      version: '2012-06-01',
      actions: def(createElbClassicService(plane.deps)),
    },
    {
      service: 'autoscaling',
      protocol: 'query',
      version: '2011-01-01',
      actions: def(createAutoScalingService(plane.deps)),
    },
    { service: 'monitoring', protocol: 'query', version: '2010-08-01', actions: CW_ACTIONS },
  ];
  expect(def(createLogsService(plane.deps)).length).toBeGreaterThan(5);
});

const queryParams = fc.array(
  fc.tuple(
    queryKey,
    fc.oneof(fc.constantFrom('', 'x', '1', 'true', 'fuzz-stack'), proto, fc.string({ maxLength: 8 })),
  ),
  { maxLength: 8 },
);

function queryWire(s: QueryService, action: string, params: [string, string][], m: string, r: string): Wire {
  const all: [string, string][] = [['Action', action], ['Version', s.version], ...params];
  return {
    kind: s.protocol,
    describe: `${m} ${s.service} ${action} ${r} ${JSON.stringify(all).slice(0, 300)}`,
    send: () => awsQuery(url, s.service, all, { method: m, region: r }),
  };
}

/** Any query service, any of its actions (or a prototype name as the action), hostile keys. */
const queryRequest: fc.Arbitrary<Wire> = fc
  .record({
    service: fc.nat(),
    action: fc.oneof({ weight: 5, arbitrary: fc.nat() }, { weight: 2, arbitrary: proto }),
    params: queryParams,
    method,
    region,
  })
  .map((r) => {
    const s = queryServices[r.service % queryServices.length] as QueryService;
    const action =
      typeof r.action === 'number' ? (s.actions[r.action % s.actions.length] as string) : r.action;
    return queryWire(s, action, r.params, r.method, r.region);
  });

/** CloudFormation template actions with hostile templates and parameter keys. */
const templateRequest: fc.Arbitrary<Wire> = fc
  .record({
    action: fc.constantFrom('CreateStack', 'ValidateTemplate', 'UpdateStack', 'GetTemplateSummary'),
    stack: fc.nat(6),
    template: templateBody,
    parameterKey: name,
    params: queryParams,
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET'),
    region,
  })
  .map((r) =>
    queryWire(
      queryServices[0] as QueryService,
      r.action,
      [
        ['StackName', `fuzz-${r.stack}`],
        ['TemplateBody', r.template],
        ['Parameters.member.1.ParameterKey', r.parameterKey],
        ['Parameters.member.1.ParameterValue', `${'a'.repeat(30)}!`],
        ...r.params,
      ],
      r.method,
      r.region,
    ),
  );

// ---- smithy-rpc-v2-cbor (CloudWatch) --------------------------------------------------------------

/** Bytes that are not CBOR, or CBOR nested deeper than any model allows. */
const BAD_CBOR = [
  Buffer.from([0xff]),
  Buffer.from([0xbf, 0x61, 0x61]),
  Buffer.from([0xc1, 0x1a, 0, 0, 0, 1]),
  Buffer.from([0xd9, 0xd9, 0xf7, 0xa0]),
  Buffer.alloc(5000, 0x81),
  Buffer.from('{"Namespace":"x"}'),
];

const cborRequest: fc.Arbitrary<Wire> = fc
  .record({
    service: fc.constantFrom(CW_TARGET, CW_TARGET, CW_TARGET, 'NotAService', '__proto__'),
    action: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...CW_ACTIONS) },
      { weight: 2, arbitrary: proto },
    ),
    method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT'),
    region,
    body: fc.oneof(
      { weight: 8, arbitrary: fc.dictionary(jsonKey, jsonValue, { maxKeys: 5 }) },
      { weight: 2, arbitrary: fc.constantFrom(...BAD_CBOR) },
    ),
  })
  .map((r) => {
    const body = Buffer.isBuffer(r.body) ? r.body : Buffer.from(encodeCbor(r.body));
    const path = `/service/${r.service}/operation/${r.action}`;
    return {
      kind: 'cbor' as const,
      describe: `${r.method} ${path} ${r.region} ${body.toString('hex').slice(0, 120)}`,
      send: async (): Promise<WireResponse> => {
        const res = await fetch(url.replace(/\/$/, '') + path, {
          method: r.method,
          headers: {
            'content-type': 'application/cbor',
            accept: 'application/cbor',
            'smithy-protocol': 'rpc-v2-cbor',
            authorization: sigv4('monitoring', r.region),
          },
          body: r.method === 'GET' ? undefined : body,
        });
        const bytes = Buffer.from(await res.arrayBuffer());
        return {
          status: res.status,
          contentType: res.headers.get('content-type') ?? '',
          text: bytes.toString('base64'),
        };
      },
    };
  });

/** A CBOR error answer: `{__type, message}` in an application/cbor body. */
function cborWireError(r: WireResponse): { code: string; message: string } | { malformed: string } {
  if (!r.contentType.startsWith('application/cbor')) return { malformed: `content-type ${r.contentType}` };
  try {
    const body = decodeCbor(Buffer.from(r.text, 'base64')) as { __type?: unknown; message?: unknown };
    if (typeof body?.__type !== 'string' || typeof body.message !== 'string')
      return { malformed: 'no __type and message' };
    return { code: body.__type, message: body.message };
  } catch {
    return { malformed: 'not CBOR' };
  }
}

// ---- the run --------------------------------------------------------------------------------------

const prototypeNames = () =>
  [...Object.getOwnPropertyNames(Object.prototype), '|', ...Object.getOwnPropertyNames(Array.prototype)].join(
    ',',
  );

describe('hostile wire fuzz', () => {
  it(
    `answers ${REQUESTS} hostile requests with AWS-shaped 4xx, and ECS keeps working after each`,
    { timeout: 180_000 },
    async () => {
      const pristine = prototypeNames();
      const statuses = new Map<number, number>();
      const codes = new Map<string, number>();
      let sent = 0;
      let health = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(jsonRequest, queryRequest, templateRequest, cborRequest), async (w) => {
          const r = await w.send();
          sent++;
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          expect(r.status, `${w.describe} -> ${r.text.slice(0, 300)}`).toBeLessThan(500);
          if (r.status >= 400 && r.text !== '') {
            // 431: the headers (the URL with them) were refused before the protocol could be known.
            const e =
              w.kind === 'cbor' && r.status !== 431
                ? cborWireError(r)
                : wireError(r, r.status === 431 || w.kind === 'cbor' ? 'json' : w.kind);
            expect(
              'malformed' in e ? e.malformed : '',
              `${w.describe} -> ${r.status} ${r.text.slice(0, 300)}`,
            ).toBe('');
            if ('code' in e) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
          }
          expect(prototypeNames(), `prototypes changed by ${w.describe}`).toBe(pristine);
          const ok = await awsJson(url, `${ECS_TARGET}.ListClusters`, '{}');
          health++;
          expect(ok.status, `ECS after ${w.describe}: ${ok.text}`).toBe(200);
        }),
        { numRuns: REQUESTS },
      );
      console.log(
        `hostile wire fuzz: ${sent} hostile requests (+${health} ECS health checks); statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
          `errors ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}`,
      );
      expect(codes.size).toBeGreaterThan(8);
    },
  );
});
