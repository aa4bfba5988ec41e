import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { startConsoleServer, type ConsoleServer } from './index';
import type { EndpointTable } from './endpoints';
import {
  consoleClient,
  consoleEcsClient,
  ecsListClustersHeaders,
  dummyCredentials,
  rawRequest,
  startFakeUpstream,
  type FakeUpstream,
  type RecordedRequest,
} from './testing';

const serverCredentials = {
  accessKeyId: 'AKIDSERVERSIDE0001',
  secretAccessKey: 'server-secret-key-do-not-leak',
  sessionToken: 'server-session-token-do-not-leak',
};

/** What a well-behaved AWS answers, by the path the test table gives each service. */
function answer(r: RecordedRequest, res: ServerResponse) {
  const service = r.url.split('/')[1];
  if (service === 'sts') {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>' +
        '<Arn>arn:aws:iam::123456789012:user/op</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>',
    );
  } else if (service === 'iam') {
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': 'iam-req' });
    res.end(
      '<ListRolesResponse><ListRolesResult><Roles/><IsTruncated>false</IsTruncated></ListRolesResult></ListRolesResponse>',
    );
  } else {
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': 'ecs-req',
      'set-cookie': 'upstream=1',
      'x-upstream-internal': 'dropped',
    });
    res.end(JSON.stringify({ clusterArns: [`arn:aws:ecs:${service}:123456789012:cluster/from-upstream`] }));
  }
}

/** The SigV4 check AWS does: re-sign what arrived (only the signed headers) and compare. */
async function verifySignature(
  r: RecordedRequest,
  port: number,
  region: string,
  service: string,
  credentials: typeof serverCredentials = serverCredentials,
) {
  const auth = String(r.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) headers[h] = String(r.headers[h]);
  const amzDate = String(r.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [path, query] = r.url.split('?');
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
  const resigned = await signer.sign(
    new HttpRequest({
      method: r.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path,
      query: Object.fromEntries(new URLSearchParams(query ?? '')),
      headers,
      body: r.body,
    }),
    { signingDate },
  );
  expect(auth).toBe(resigned.headers.authorization);
  expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
}

describe('aws mode: re-signing proxy (against a local fake upstream)', () => {
  let upstream: FakeUpstream;
  let server: ConsoleServer;
  const lines: string[] = [];
  const table: EndpointTable = (service, region) => ({
    url: `${upstream.url}/${service === 'iam' ? 'iam' : service === 'sts' ? 'sts' : region}/`,
    signingRegion: service === 'iam' ? 'us-east-1' : region,
  });

  beforeAll(async () => {
    upstream = await startFakeUpstream(answer);
    server = await startConsoleServer({
      target: {
        mode: 'aws',
        region: 'eu-west-1',
        credentials: async () => serverCredentials,
        endpointTable: table,
      },
      port: 0,
      retryBaseMs: 5,
      verbose: true,
      log: (l) => lines.push(l),
    });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
    upstream.respond = answer;
  });

  it('reports mode, region and the account from STS GetCallerIdentity', async () => {
    const info = await (await fetch(`${server.url}/api/info`)).json();
    expect(info).toMatchObject({ mode: 'aws', region: 'eu-west-1', accountId: '123456789012' });
    expect(info.endpoint).toBeUndefined();
  });

  it('re-signs for the region of the browser signature, with the server credentials', async () => {
    const out = await consoleEcsClient(server.url, 'ap-northeast-1').send(new ListClustersCommand({}));
    expect(out.clusterArns).toEqual(['arn:aws:ecs:ap-northeast-1:123456789012:cluster/from-upstream']);
    const [r] = upstream.requests;
    if (!r) throw new Error('no upstream request');
    expect(r.url).toBe('/ap-northeast-1/');
    expect(String(r.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSERVERSIDE0001\/\d{8}\/ap-northeast-1\/ecs\/aws4_request/,
    );
    expect(r.headers['x-amz-security-token']).toBe(serverCredentials.sessionToken);
    expect(r.headers['x-amz-target']).toBe('AmazonEC2ContainerServiceV20141113.ListClusters');
    await verifySignature(r, upstream.port, 'ap-northeast-1', 'ecs');
    // The check has teeth: another secret gives another signature.
    await expect(
      verifySignature(r, upstream.port, 'ap-northeast-1', 'ecs', {
        ...serverCredentials,
        secretAccessKey: 'other',
      }),
    ).rejects.toThrow();
  });

  it('forwards only the headers AWS needs and returns only the headers the SDK uses', async () => {
    const client = consoleEcsClient(server.url, 'us-west-2', {
      cookie: 'session=abc',
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-host': 'evil.example',
      'x-amz-security-token': 'browser-token',
      'x-ecs-console-token': 'browser-secret',
    });
    const raw = await client.send(new ListClustersCommand({}));
    expect(raw.$metadata.httpStatusCode).toBe(200);
    const [r] = upstream.requests;
    const names = Object.keys(r?.headers ?? {}).sort();
    expect(names).toEqual([
      'authorization',
      'connection',
      'content-length',
      'content-type',
      'host',
      'user-agent',
      'x-amz-content-sha256',
      'x-amz-date',
      'x-amz-security-token',
      'x-amz-target',
    ]);
    expect(r?.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(r?.headers['user-agent']).toBe('ecs-console/0.1.0');

    const direct = await rawRequest(server.url, {
      method: 'POST',
      path: '/aws/ecs',
      headers: ecsListClustersHeaders(),
      body: '{}',
    });
    expect(direct.status).toBe(200);
    expect(direct.headers['set-cookie']).toBeUndefined();
    expect(direct.headers['x-upstream-internal']).toBeUndefined();
    expect(direct.headers['x-amzn-requestid']).toBe('ecs-req');
    expect(direct.headers['x-ecs-console-retries']).toBe('0');
  });

  it('forwards the protocol headers a body needs to be read: smithy-protocol and content-encoding, signed', async () => {
    const body = gzipSync(Buffer.from('{"Namespace":"ECS/Console"}'));
    const res = await rawRequest(server.url, {
      method: 'POST',
      path: '/aws/monitoring',
      headers: {
        ...ecsListClustersHeaders('eu-west-1', 'monitoring'),
        'content-type': 'application/cbor',
        accept: 'application/cbor',
        'smithy-protocol': 'rpc-v2-cbor',
        'content-encoding': 'gzip',
      },
      body,
    });
    expect(res.status).toBe(200);
    const r = upstream.requests.at(-1);
    expect(r?.headers['smithy-protocol']).toBe('rpc-v2-cbor');
    expect(r?.headers['content-encoding']).toBe('gzip');
    expect(r?.body.equals(body)).toBe(true);
    await verifySignature(r!, upstream.port, 'eu-west-1', 'monitoring');
  });

  it('takes the upstream from the fixed table: IAM is global and signed for us-east-1', async () => {
    const iam = consoleClient(IAMClient, 'iam', server.url, 'eu-central-1');
    await iam.send(new ListRolesCommand({}));
    const [r] = upstream.requests;
    if (!r) throw new Error('no upstream request');
    expect(r.url).toBe('/iam/');
    expect(String(r.headers.authorization)).toMatch(
      /Credential=AKIDSERVERSIDE0001\/\d{8}\/us-east-1\/iam\/aws4_request/,
    );
    await verifySignature(r, upstream.port, 'us-east-1', 'iam');
  });

  it('refuses a region that is not a known AWS region (400), without calling upstream', async () => {
    for (const region of ['xx-fake-1', 'evil.example.com', 'us-east-1.attacker']) {
      const r = await rawRequest(server.url, {
        method: 'POST',
        path: '/aws/ecs',
        headers: ecsListClustersHeaders(region),
        body: '{}',
      });
      expect(r.status, region).toBe(400);
      expect(JSON.parse(r.body).__type).toBe('InvalidRegion');
    }
    await expect(
      consoleEcsClient(server.url, 'mars-north-1').send(new ListClustersCommand({})),
    ).rejects.toMatchObject({
      name: 'InvalidRegion',
    });
    expect(upstream.requests).toEqual([]);
  });

  it('ignores everything but the path service and the scope region when choosing the upstream', async () => {
    // Signed "for iam" but sent to /aws/ecs: it goes to the ECS endpoint and is re-signed for ecs.
    const r = await rawRequest(server.url, {
      method: 'POST',
      path: '/aws/ecs?endpoint=http://evil.example/',
      headers: { ...ecsListClustersHeaders('eu-west-2', 'iam'), 'x-forwarded-host': 'evil.example' },
      body: '{}',
    });
    expect(r.status).toBe(200);
    expect(upstream.requests.map((q) => q.url)).toEqual(['/eu-west-2/?endpoint=http://evil.example/']);
    expect(String(upstream.requests[0]?.headers.authorization)).toMatch(/\/eu-west-2\/ecs\/aws4_request/);
  });

  it('needs a SigV4 Authorization to know the region (403 without)', async () => {
    const r = await rawRequest(server.url, {
      method: 'POST',
      path: '/aws/ecs',
      headers: { 'x-ecs-console': '1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
      body: '{}',
    });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).__type).toBe('MissingAuthenticationToken');
    expect(upstream.requests).toEqual([]);
  });

  it('retries throttling with backoff and says so in x-ecs-console-retries', async () => {
    let throttles = 2;
    upstream.respond = (r, res) => {
      if (throttles-- > 0) {
        res.writeHead(400, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': 'ThrottlingException',
        });
        res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      } else answer(r, res);
    };
    let retries: string | undefined;
    const client = consoleEcsClient(server.url, 'us-east-2');
    client.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        retries = (out.response as { headers: Record<string, string> }).headers['x-ecs-console-retries'];
        return out;
      },
      { step: 'deserialize' },
    );
    const out = await client.send(new ListClustersCommand({}));
    expect(out.clusterArns?.length).toBe(1);
    expect(retries).toBe('2');
    expect(upstream.requests).toHaveLength(3);
    // Each attempt is signed afresh (the signature covers the date).
    for (const r of upstream.requests) await verifySignature(r, upstream.port, 'us-east-2', 'ecs');
    expect(
      lines.some((l) => /ecs:ListClusters us-east-2 -> 200 \d+ ms after 2 throttling retries/.test(l)),
    ).toBe(true);
  });

  it('gives up after 3 retries and returns the throttling error (query protocols too)', async () => {
    upstream.respond = (_r, res) => {
      res.writeHead(503, { 'content-type': 'text/xml' });
      res.end(
        '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error></Errors></Response>',
      );
    };
    const ec2 = consoleClient(EC2Client, 'ec2', server.url, 'sa-east-1');
    await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
    });
    expect(upstream.requests).toHaveLength(4);
  });

  it('does not retry other errors', async () => {
    upstream.respond = (_r, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ClusterNotFoundException', message: 'Cluster not found.' }));
    };
    await expect(consoleEcsClient(server.url).send(new ListClustersCommand({}))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
    expect(upstream.requests).toHaveLength(1);
  });

  it('proxies the AWS endpoint on / too, the service taken from the signature', async () => {
    const ecs = new ECSClient({
      endpoint: server.url,
      region: 'ca-central-1',
      credentials: dummyCredentials,
      maxAttempts: 1,
    });
    const out = await ecs.send(new ListClustersCommand({}));
    expect(out.clusterArns).toEqual(['arn:aws:ecs:ca-central-1:123456789012:cluster/from-upstream']);
    expect(upstream.requests[0]?.url).toBe('/ca-central-1/');
  });

  it('answers 502 with an AWS-shaped error when the upstream is unreachable', async () => {
    const down = await startConsoleServer({
      target: {
        mode: 'aws',
        region: 'us-east-1',
        credentials: async () => serverCredentials,
        endpointTable: () => ({ url: 'http://127.0.0.1:9/', signingRegion: 'us-east-1' }),
      },
      port: 0,
      log: () => {},
    });
    try {
      expect(down.info.accountId).toBeUndefined();
      expect(down.notes.join()).toMatch(/account id unknown: STS GetCallerIdentity/);
      await expect(consoleEcsClient(down.url).send(new ListClustersCommand({}))).rejects.toMatchObject({
        name: 'UpstreamUnreachable',
        $metadata: { httpStatusCode: 502 },
      });
    } finally {
      await down.close();
    }
  });
});
