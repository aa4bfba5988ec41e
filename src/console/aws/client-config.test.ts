import { ListClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { regionalClients } from './client-config';
import { toAwsError, unsupportedMessage } from './errors';
import { latestThrottle } from './throttle';

interface Sent {
  headers: Record<string, string>;
}

/** An ECS client whose "network" answers `status`, `headers` and `body`, and records what was sent. */
function fakeEcs(status: number, headers: Record<string, string>, body: string, sent: Sent[]) {
  return regionalClients(
    'ecs',
    (config) =>
      new ECSClient({
        ...config,
        requestHandler: {
          handle: async (request: Sent) => {
            sent.push(request);
            return {
              response: {
                statusCode: status,
                headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
                body: new TextEncoder().encode(body),
              },
            };
          },
        },
      }),
  );
}

describe('regionalClients', () => {
  beforeEach(() => vi.stubGlobal('window', { location: { origin: 'http://127.0.0.1:5173' } }));
  afterEach(() => vi.unstubAllGlobals());

  it('keeps one client per region and sends the console header', async () => {
    const sent: Sent[] = [];
    const client = fakeEcs(200, {}, '{"clusterArns":[]}', sent);
    expect(client('us-east-1')).toBe(client('us-east-1'));
    expect(client('eu-west-1')).not.toBe(client('us-east-1'));
    await client('us-east-1').send(new ListClustersCommand({}));
    expect(sent[0]?.headers['x-ecs-console']).toBe('1');
  });

  it('reports retries the server made for a throttled call', async () => {
    const client = fakeEcs(200, { 'x-ecs-console-retries': '3' }, '{"clusterArns":[]}', []);
    await client('us-east-1').send(new ListClustersCommand({}));
    expect(latestThrottle()).toMatchObject({ action: 'ListClusters', retries: 3 });
  });

  it('does not retry a throttled call on top of the server, which already did', async () => {
    const sent: Sent[] = [];
    const client = fakeEcs(
      400,
      { 'x-ecs-console-retries': '3' },
      '{"__type":"ThrottlingException","message":"Rate exceeded"}',
      sent,
    );
    const error = await client('us-east-1')
      .send(new ListClustersCommand({}))
      .catch((e: unknown) => e);
    expect(toAwsError(error)).toMatchObject({ code: 'ThrottlingException', status: 400 });
    expect(sent).toHaveLength(1);
    expect(latestThrottle()).toMatchObject({ action: 'ListClusters', retries: 3 });
  });

  it('names the operation an endpoint does not support', async () => {
    const client = fakeEcs(
      400,
      {},
      '{"__type":"UnknownOperationException","message":"Unknown operation"}',
      [],
    );
    const error = await client('us-east-1')
      .send(new ListClustersCommand({}))
      .catch((e: unknown) => e);
    expect(toAwsError(error)).toMatchObject({ code: 'UnknownOperationException', action: 'ListClusters' });
    expect(unsupportedMessage(error)).toBe('This endpoint does not support ListClusters');
  });
});
