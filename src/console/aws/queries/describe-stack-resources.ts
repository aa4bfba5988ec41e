import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { queryOptions } from '@tanstack/react-query';
import { awsQueryKey } from '../backend';
import { cloudFormationClient } from '../cloudformation';
import { pollMs, type PollRates } from '../poll';
import { STACK_POLL } from './stack-poll';

/** DescribeStackResources; `changing` (the caller knows the stack's status) selects the poll rate. */
export function stackResourcesQuery(
  region: string,
  stack: string | undefined,
  changing: boolean,
  poll: PollRates = STACK_POLL,
) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStackResources', { stack }),
    enabled: Boolean(stack),
    queryFn: async () =>
      (await cloudFormationClient(region).send(new DescribeStackResourcesCommand({ StackName: stack })))
        .StackResources ?? [],
    refetchInterval: pollMs(poll, changing),
    refetchIntervalInBackground: false,
  });
}
