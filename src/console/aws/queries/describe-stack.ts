import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { queryOptions } from '@tanstack/react-query';
import { awsQueryKey } from '../backend';
import { cloudFormationClient } from '../cloudformation';
import { notFound, pollMs, pollUnlessGone, type PollRates } from '../poll';
import { STACK_POLL, stackInProgress } from './stack-poll';

/** DescribeStacks for one stack, by name or id (a deleted stack is found by id only). */
export function stackQuery(region: string, stack: string | undefined, poll: PollRates = STACK_POLL) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStacks', { stack }),
    enabled: Boolean(stack),
    queryFn: async () => {
      const out = await cloudFormationClient(region).send(new DescribeStacksCommand({ StackName: stack }));
      const found = out.Stacks?.[0];
      if (!found) throw notFound('ValidationError', `Stack with id ${stack} does not exist`);
      return found;
    },
    refetchInterval: pollUnlessGone((q) => pollMs(poll, stackInProgress(q.state.data?.StackStatus))),
    refetchIntervalInBackground: false,
  });
}
