/**
 * What `LocalControlPlane.listen`'s request listener answers besides the AWS protocols, raw over
 * HTTP: the reset hook (off unless enabled; then only with the custom header), and a request that
 * failed inside the plane (400, logged).
 */
import { ServerResponse } from 'node:http';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalControlPlane } from './index';

const planes: LocalControlPlane[] = [];
afterEach(async () => {
  for (const p of planes.splice(0)) await p.stop();
});

async function started(options: ConstructorParameters<typeof LocalControlPlane>[0]) {
  const plane = new LocalControlPlane(options);
  planes.push(plane);
  return { plane, url: await plane.listen() };
}

const reset = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/_ecs-console/reset`, { method: 'POST', headers });

/** The headers of an SDK-like ListClusters call (a dummy signature, as the local plane takes any). */
const LIST_CLUSTERS = {
  'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
  'content-type': 'application/x-amz-json-1.1',
  authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/ecs/aws4_request, Signature=x',
};

describe('the local listener', () => {
  it('answers the reset hook: 404 when disabled, 403 without its header, else wipes the state', async () => {
    const off = await started({ statePath: null });
    const refused = await reset(off.url, { 'x-ecs-console': '1' });
    expect([refused.status, await refused.text()]).toEqual([
      404,
      'reset is disabled (start with --allow-reset)',
    ]);

    const on = await started({ statePath: null, allowReset: true });
    const ecs = new ECSClient({
      endpoint: on.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      await ecs.send(new CreateClusterCommand({ clusterName: 'kept' }));
      const noHeader = await reset(on.url);
      expect([noHeader.status, await noHeader.text()]).toEqual([
        403,
        'reset needs the x-ecs-console: 1 header\n',
      ]);
      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toHaveLength(1);
      const done = await reset(on.url, { 'x-ecs-console': '1' });
      expect([done.status, done.headers.get('content-type'), await done.text()]).toEqual([
        200,
        'application/json',
        '{"reset":true}',
      ]);
      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
    } finally {
      ecs.destroy();
    }
  });

  it('answers 400 to a request that failed inside the plane, and logs it', async () => {
    const logged: string[] = [];
    // A logger that throws on the internal error: the endpoint's own failure, not a handler's.
    const { plane, url } = await started({
      statePath: null,
      log: (message: string) => {
        logged.push(message);
        if (message === 'internal error') throw new Error('logger bug');
      },
    });
    plane.endpoint.service('ecs')!.actions['ListClusters'] = () => {
      throw new Error('handler bug');
    };
    const r = await fetch(url, {
      method: 'POST',
      headers: LIST_CLUSTERS,
      body: '{}',
    });
    expect(r.status).toBe(400);
    expect(logged).toContain('request failed');
  });

  it('closes the connection when writing an answer threw after its head: the client is not left waiting', async () => {
    const logged: string[] = [];
    const { url } = await started({ statePath: null, log: (message: string) => logged.push(message) });
    // The answer's head is written, then the write of its body throws (once).
    const end = ServerResponse.prototype.end;
    let armed = true;
    ServerResponse.prototype.end = function (this: ServerResponse, ...args: unknown[]) {
      if (armed && this.headersSent) {
        armed = false;
        throw new Error('write bug');
      }
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof end;
    try {
      const r = fetch(url, {
        method: 'POST',
        headers: LIST_CLUSTERS,
        body: '{}',
        signal: AbortSignal.timeout(3000),
      });
      const error = await r.then(
        () => 'answered',
        (e: Error) => (e.name === 'TimeoutError' ? 'left waiting' : 'closed'),
      );
      expect(error).toBe('closed');
      expect(armed).toBe(false);
      expect(logged).toContain('request failed');
    } finally {
      ServerResponse.prototype.end = end;
    }
  });
});
