/** CloudWatch Logs through the real AWS CLI (`aws logs ... --endpoint-url`). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../../testing/plane';
import { awsCli, awsJson, requireTool } from '../../testing/tools';

const hasAws = requireTool('aws', 'CloudWatch Logs with the AWS CLI');

let t: TestPlane;

describe.skipIf(!hasAws)('AWS CLI against the local CloudWatch Logs endpoint', () => {
  beforeAll(async () => {
    t = await startTestPlane();
  });
  afterAll(async () => {
    await t?.plane.stop();
  });

  it('creates a group and stream, puts events and reads them back', async () => {
    const logs = (...args: string[]) => awsCli(t.url, ['logs', ...args]);
    expect((await logs('create-log-group', '--log-group-name', '/cli/app')).code).toBe(0);
    expect(
      (await logs('create-log-stream', '--log-group-name', '/cli/app', '--log-stream-name', 's1')).code,
    ).toBe(0);
    const now = Date.now();
    const put = await logs(
      'put-log-events',
      '--log-group-name',
      '/cli/app',
      '--log-stream-name',
      's1',
      '--log-events',
      `timestamp=${now},message=hello`,
      `timestamp=${now + 1},message=world`,
    );
    expect(put.code, put.stderr).toBe(0);

    const got = await awsJson<{ events: { message: string }[]; nextForwardToken: string }>(t.url, [
      'logs',
      'get-log-events',
      '--log-group-name',
      '/cli/app',
      '--log-stream-name',
      's1',
      '--start-from-head',
    ]);
    expect(got.events.map((e) => e.message)).toEqual(['hello', 'world']);
    expect(got.nextForwardToken).toMatch(/^f\//);

    const groups = await awsJson<{ logGroups: { logGroupName: string }[] }>(t.url, [
      'logs',
      'describe-log-groups',
      '--log-group-name-prefix',
      '/cli/',
    ]);
    expect(groups.logGroups.map((g) => g.logGroupName)).toEqual(['/cli/app']);

    const missing = await logs('get-log-events', '--log-group-name', '/cli/none', '--log-stream-name', 's1');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });
});
