/**
 * `AwsEndpoint.serve`, the promise-free way a server's request listener answers (issue 14): over a
 * real HTTP server with the SDK, `sent` is called once per request, after the answer is written,
 * whether the handler answers at once or later, and `failed` (with nothing written) only when the
 * endpoint itself fails. Also the answer made of kept pieces (`parts`): its `body` is the same JSON.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClustersCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { model } from '../ecs/shapes.gen';
import { AwsEndpoint } from './endpoint';
import { JsonBytes } from './json-body';
import { ecsValidation } from './model/validation-styles';

const task = { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/serve/0123', lastStatus: 'RUNNING' };

const endpoint = new AwsEndpoint(
  [
    {
      id: 'ecs',
      model,
      validation: ecsValidation,
      actions: {
        // At once, as kept bytes (json-body.ts): the answer goes out in pieces.
        StopTask: () => ({ task: new JsonBytes(Buffer.from(JSON.stringify(task))) }),
        // Later: a promise.
        ListTasks: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return { taskArns: [task.taskArn] };
        },
        // A plain error: an InternalFailure, after the endpoint's onInternalError (which throws here).
        DescribeClusters: () => {
          throw new Error('handler bug');
        },
      },
    },
  ],
  {
    accountId: '000000000000',
    defaultRegion: 'us-east-1',
    onInternalError: () => {
      throw new Error('logger bug');
    },
  },
);

/** What each request's callbacks saw: 'sent' (with whether the answer was written by then) or 'failed'. */
const calls: { action: string; what: 'sent' | 'failed'; written: boolean; err?: unknown }[] = [];
let server: Server;
let ecs: ECSClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.slice(target.lastIndexOf('.') + 1);
    endpoint.serve(
      req,
      res,
      () => calls.push({ action, what: 'sent', written: res.writableEnded }),
      (err) => {
        calls.push({ action, what: 'failed', written: res.headersSent, err });
        res.writeHead(400).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ecs = new ECSClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  ecs?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

describe('AwsEndpoint.serve', () => {
  it('calls sent once per request, after the answer is written, at once or after a promise', async () => {
    calls.length = 0;
    const stopped = await ecs.send(new StopTaskCommand({ cluster: 'serve', task: task.taskArn }));
    expect(stopped.task).toEqual(task);
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'serve' }));
    expect(listed.taskArns).toEqual([task.taskArn]);
    // An input the model refuses is answered too: sent, not failed.
    await expect(
      ecs.send(new StopTaskCommand({ cluster: 'serve' } as unknown as { task: string })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(calls).toEqual([
      { action: 'StopTask', what: 'sent', written: true },
      { action: 'ListTasks', what: 'sent', written: true },
      { action: 'StopTask', what: 'sent', written: true },
    ]);
  });

  it('calls failed once, with nothing written, when the endpoint itself fails', async () => {
    calls.length = 0;
    await expect(ecs.send(new DescribeClustersCommand({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ action: 'DescribeClusters', what: 'failed', written: false });
    expect(String(calls[0]?.err)).toContain('logger bug');
  });

  it('handle settles as serve calls back: resolved when sent, rejected when failed', async () => {
    const answers: string[] = [];
    const probe = createServer((req, res) => {
      endpoint.handle(req, res).then(
        () => answers.push('resolved'),
        () => {
          answers.push('rejected');
          res.writeHead(400).end();
        },
      );
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const client = new ECSClient({
      endpoint: `http://127.0.0.1:${(probe.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      await client.send(new StopTaskCommand({ cluster: 'serve', task: task.taskArn }));
      await expect(client.send(new DescribeClustersCommand({}))).rejects.toBeDefined();
      expect(answers).toEqual(['resolved', 'rejected']);
    } finally {
      client.destroy();
      await new Promise((resolve) => probe.close(resolve));
    }
  });

  it('an answer made of kept pieces has the JSON as its body, as dispatch gives it', async () => {
    const r = await endpoint.dispatch(
      'POST',
      '/',
      {
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.StopTask',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/ecs/aws4_request, Signature=x',
      },
      Buffer.from(JSON.stringify({ cluster: 'serve', task: task.taskArn })),
    );
    expect(r.status).toBe(200);
    expect(r.parts).toBeDefined();
    expect(Buffer.concat(r.parts ?? []).toString()).toBe(JSON.stringify({ task }));
    expect(r.body.toString()).toBe(JSON.stringify({ task }));
    expect(r.body).toBe(r.body); // joined once
  });
});
