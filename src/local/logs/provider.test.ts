/** The CloudWatch Logs provider through the AWS SDK over HTTP: groups, streams, events, paging, errors. */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestPlane, waitFor, type TestPlane } from '../../testing/plane';
import { MAX_EVENTS_PER_STREAM } from './model';

let t: TestPlane;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  t = await startTestPlane();
  logs = new CloudWatchLogsClient(t.client);
});
afterAll(async () => {
  logs?.destroy();
  await t?.plane.stop();
});

const put = (group: string, stream: string, messages: string[], start = Date.now()) =>
  logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: messages.map((message, i) => ({ timestamp: start + i, message })),
    }),
  );

describe('log groups', () => {
  it('creates, describes with prefix and paging, and deletes groups', async () => {
    for (const n of ['/g/a', '/g/b', '/g/c']) await logs.send(new CreateLogGroupCommand({ logGroupName: n }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/g/b', retentionInDays: 7 }));
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/g/', limit: 2 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/g/a', '/g/b']);
    expect(first.logGroups?.[1]).toMatchObject({
      retentionInDays: 7,
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/g/b:*',
      storedBytes: 0,
    });
    expect(first.nextToken).toBeTruthy();
    const second = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/g/', limit: 2, nextToken: first.nextToken }),
    );
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/g/c']);
    expect(second.nextToken).toBeUndefined();

    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/g/c' }));
    const after = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/g/' }));
    expect(after.logGroups?.map((g) => g.logGroupName)).toEqual(['/g/a', '/g/b']);
  });

  it('answers AWS error codes with HTTP 400', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/err' }));
    expect(await errorOf(logs.send(new CreateLogGroupCommand({ logGroupName: '/err' })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
      status: 400,
    });
    expect(await errorOf(logs.send(new DeleteLogGroupCommand({ logGroupName: '/missing' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified log group does not exist.',
    });
    expect(await errorOf(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
    });
    expect(
      await errorOf(logs.send(new CreateLogStreamCommand({ logGroupName: '/missing', logStreamName: 's' }))),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/err', logStreamName: 's' }));
    expect(
      await errorOf(logs.send(new CreateLogStreamCommand({ logGroupName: '/err', logStreamName: 's' }))),
    ).toMatchObject({ name: 'ResourceAlreadyExistsException', status: 400 });
    expect(await errorOf(put('/err', 'nope', ['x']))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
    const unordered = logs.send(
      new PutLogEventsCommand({
        logGroupName: '/err',
        logStreamName: 's',
        logEvents: [
          { timestamp: Date.now(), message: 'b' },
          { timestamp: Date.now() - 1000, message: 'a' },
        ],
      }),
    );
    expect(await errorOf(unordered)).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(
        logs.send(
          new DescribeLogStreamsCommand({
            logGroupName: '/err',
            orderBy: 'LastEventTime',
            logStreamNamePrefix: 's',
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
    expect(
      await errorOf(
        logs.send(new GetLogEventsCommand({ logGroupName: '/err', logStreamName: 's', nextToken: 'x' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
    // Nothing half-written: the rejected batch left the stream empty.
    const got = await logs.send(new GetLogEventsCommand({ logGroupName: '/err', logStreamName: 's' }));
    expect(got.events).toEqual([]);
  });
});

describe('streams and events', () => {
  beforeAll(async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/app' }));
    for (const s of ['web/a', 'web/b', 'worker/c']) {
      await logs.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: s }));
    }
    const now = Date.now();
    await put('/app', 'web/b', ['b1'], now - 3000);
    await put('/app', 'worker/c', ['c1', 'c2 GET /health'], now - 2000);
    await put('/app', 'web/a', ['a1 GET /', 'a2', 'a3 GET /health'], now - 1000);
  });

  it('describes streams by name or by last event time, with prefix and paging', async () => {
    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/app', limit: 2 }));
    expect(byName.logStreams?.map((s) => s.logStreamName)).toEqual(['web/a', 'web/b']);
    const rest = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/app', limit: 2, nextToken: byName.nextToken }),
    );
    expect(rest.logStreams?.map((s) => s.logStreamName)).toEqual(['worker/c']);
    expect(rest.nextToken).toBeUndefined();

    const newest = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/app', orderBy: 'LastEventTime', descending: true }),
    );
    expect(newest.logStreams?.map((s) => s.logStreamName)).toEqual(['web/a', 'worker/c', 'web/b']);
    expect(newest.logStreams?.[0]).toMatchObject({ storedBytes: 'a1 GET /a2a3 GET /health'.length });
    expect(newest.logStreams?.[0]?.lastEventTimestamp).toBeGreaterThan(
      newest.logStreams?.[0]?.firstEventTimestamp ?? 0,
    );

    const prefixed = await logs.send(
      new DescribeLogStreamsCommand({ logGroupIdentifier: '/app', logStreamNamePrefix: 'web/' }),
    );
    expect(prefixed.logStreams?.map((s) => s.logStreamName)).toEqual(['web/a', 'web/b']);
  });

  it('gets the newest events by default, the oldest from the head, and pages both ways', async () => {
    const tail = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'web/a', limit: 2 }),
    );
    expect(tail.events?.map((e) => e.message)).toEqual(['a2', 'a3 GET /health']);
    const older = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'web/a',
        limit: 2,
        nextToken: tail.nextBackwardToken,
      }),
    );
    expect(older.events?.map((e) => e.message)).toEqual(['a1 GET /']);

    const head = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'web/a',
        limit: 2,
        startFromHead: true,
      }),
    );
    expect(head.events?.map((e) => e.message)).toEqual(['a1 GET /', 'a2']);
    const next = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'web/a',
        nextToken: head.nextForwardToken,
      }),
    );
    expect(next.events?.map((e) => e.message)).toEqual(['a3 GET /health']);
    expect(next.events?.[0]?.ingestionTime).toBeGreaterThan(0);

    // At the end the forward token comes back unchanged; a new event shows up through it.
    const end = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'web/a',
        nextToken: next.nextForwardToken,
      }),
    );
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(next.nextForwardToken);
    await put('/app', 'web/a', ['a4']);
    const followed = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'web/a',
        nextToken: end.nextForwardToken,
      }),
    );
    expect(followed.events?.map((e) => e.message)).toEqual(['a4']);
  });

  it('gives a forward token for an empty stream that a follower can poll', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'empty' }));
    const empty = await logs.send(new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'empty' }));
    expect(empty.events).toEqual([]);
    expect(empty.nextForwardToken).toMatch(/^f\//);
    await put('/app', 'empty', ['first']);
    const polled = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'empty',
        nextToken: empty.nextForwardToken,
      }),
    );
    expect(polled.events?.map((e) => e.message)).toEqual(['first']);
  });

  it('filters events across streams by name, pattern and time, with paging', async () => {
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: '/app', filterPattern: 'GET' }));
    expect(all.events?.map((e) => [e.logStreamName, e.message])).toEqual([
      ['worker/c', 'c2 GET /health'],
      ['web/a', 'a1 GET /'],
      ['web/a', 'a3 GET /health'],
    ]);
    const quoted = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/app',
        filterPattern: '"GET /health"',
        logStreamNames: ['web/a'],
      }),
    );
    expect(quoted.events?.map((e) => e.message)).toEqual(['a3 GET /health']);

    const page1 = await logs.send(new FilterLogEventsCommand({ logGroupName: '/app', limit: 2 }));
    expect(page1.events).toHaveLength(2);
    expect(page1.nextToken).toBeTruthy();
    const seen = [...(page1.events ?? [])];
    let token = page1.nextToken;
    while (token) {
      const page = await logs.send(
        new FilterLogEventsCommand({ logGroupName: '/app', limit: 2, nextToken: token }),
      );
      seen.push(...(page.events ?? []));
      token = page.nextToken;
    }
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
    expect(seen.map((e) => e.message)).toContain('b1');
    const times = seen.map((e) => e.timestamp ?? 0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const c1 = seen.find((e) => e.message === 'c1');
    const windowed = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/app', startTime: c1?.timestamp, endTime: c1?.timestamp }),
    );
    expect(windowed.events?.map((e) => e.message)).toEqual(['c1']);
  });

  it('reports events too old or too new and stores the rest; deletes a stream', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'edges' }));
    const now = Date.now();
    const out = await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/app',
        logStreamName: 'edges',
        logEvents: [
          { timestamp: now - 15 * 86_400_000, message: 'old' },
          { timestamp: now, message: 'kept' },
          { timestamp: now + 3 * 3_600_000, message: 'future' },
        ],
      }),
    );
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
    const got = await logs.send(new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'edges' }));
    expect(got.events?.map((e) => e.message)).toEqual(['kept']);
    await logs.send(new DeleteLogStreamCommand({ logGroupName: '/app', logStreamName: 'edges' }));
    expect(
      await errorOf(logs.send(new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'edges' }))),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  it('keeps only the newest events of a stream', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app', logStreamName: 'busy' }));
    const start = Date.now() - 60_000;
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i}`);
    await put('/app', 'busy', batch(0, 6000), start);
    await put('/app', 'busy', batch(6000, 6000), start + 6000);
    const head = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/app', logStreamName: 'busy', startFromHead: true, limit: 1 }),
    );
    expect(head.events?.[0]?.message).toBe(`line ${12_000 - MAX_EVENTS_PER_STREAM}`);
    const streams = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/app', logStreamNamePrefix: 'busy' }),
    );
    expect(
      t.plane.deps.db.collection('logs_events', [{ name: 'stream', key: () => '' }]).count(),
    ).toBeLessThan(MAX_EVENTS_PER_STREAM + 100);
    expect(streams.logStreams?.[0]?.storedBytes).toBeGreaterThan(0);
  });
});

describe('AWS::Logs::LogGroup', () => {
  it('creates and deletes its group through the service, so DescribeLogGroups shows it', async () => {
    const cfn = new CloudFormationClient(t.client);
    const status = async () =>
      (await cfn.send(new DescribeStacksCommand({ StackName: 'with-logs' }))).Stacks?.[0]?.StackStatus;
    await cfn.send(
      new CreateStackCommand({
        StackName: 'with-logs',
        TemplateBody: JSON.stringify({
          Resources: {
            Group: {
              Type: 'AWS::Logs::LogGroup',
              Properties: { LogGroupName: '/stack/app', RetentionInDays: 14 },
            },
          },
        }),
      }),
    );
    await waitFor(async () => (await status()) === 'CREATE_COMPLETE', 5000, 20, 'CREATE_COMPLETE');
    const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/stack/' }));
    expect(out.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([['/stack/app', 14]]);

    await cfn.send(new DeleteStackCommand({ StackName: 'with-logs' }));
    await waitFor(
      async () =>
        ((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/stack/' }))).logGroups ?? [])
          .length === 0,
      5000,
      20,
      'the group deleted',
    );
    cfn.destroy();
  });
});
