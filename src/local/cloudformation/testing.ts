/** Test helpers: a control plane with SDK clients, fixtures, and waiting for a stack to settle. */
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestPlane } from '../../testing/plane';
import type { LocalControlPlane, LocalOptions } from '../index';

export const FIXTURES = join(__dirname, 'fixtures');
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

export interface CfnTestPlane {
  plane: LocalControlPlane;
  url: string;
  cfn: CloudFormationClient;
  stop(): Promise<void>;
}

export async function startCfnPlane(options: Partial<LocalOptions> = {}): Promise<CfnTestPlane> {
  const { plane, url, client } = await startTestPlane(options);
  const cfn = new CloudFormationClient(client);
  return {
    plane,
    url,
    cfn,
    async stop() {
      cfn.destroy();
      await plane.stop();
    },
  };
}

/** Polls DescribeStacks until the stack leaves *_IN_PROGRESS (by id, so deleted stacks are found too). */
export async function settle(cfn: CloudFormationClient, stackId: string, timeoutMs = 30_000): Promise<Stack> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    const stack = out.Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    if (Date.now() > deadline)
      throw new Error(`stack ${stackId} still ${stack?.StackStatus} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** All events of a stack, oldest first. */
export async function eventsOf(cfn: CloudFormationClient, stackId: string): Promise<StackEvent[]> {
  const all: StackEvent[] = [];
  let token: string | undefined;
  do {
    const out = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }));
    all.push(...(out.StackEvents ?? []));
    token = out.NextToken;
  } while (token);
  return all.reverse();
}

/** `LogicalId STATUS` lines, oldest first: easy to compare in tests. */
export const eventLines = (events: StackEvent[]): string[] =>
  events.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);

export const outputsOf = (stack: Stack): Record<string, string> =>
  Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey as string, o.OutputValue as string]));
