/** CloudWatch Logs through the console server: `/aws/logs` in local mode, and its AWS endpoint. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { awsEndpointTable, serviceForSigningName } from './endpoints';
import { startConsoleServer, type ConsoleServer } from './index';
import { consoleClient, fakeSpaDir } from './testing';

let server: ConsoleServer;

beforeAll(async () => {
  server = await startConsoleServer({
    target: { mode: 'local', statePath: null, allowReset: false, taskStepMs: 20 },
    port: 0,
    spaDir: fakeSpaDir(),
    log: () => {},
  });
});
afterAll(() => server.close());

it('passes /aws/logs to the embedded CloudWatch Logs, region from the signature', async () => {
  const logs = consoleClient(CloudWatchLogsClient, 'logs', server.url, 'eu-west-1');
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/console/app' }));
  const out = await logs.send(new DescribeLogGroupsCommand({}));
  expect(out.logGroups?.map((g) => g.arn)).toEqual([
    'arn:aws:logs:eu-west-1:000000000000:log-group:/console/app:*',
  ]);
});

it('knows the CloudWatch Logs endpoint of each region', () => {
  expect(awsEndpointTable('logs', 'eu-west-1')).toEqual({
    url: 'https://logs.eu-west-1.amazonaws.com/',
    signingRegion: 'eu-west-1',
  });
  expect(serviceForSigningName('logs')).toBe('logs');
});
