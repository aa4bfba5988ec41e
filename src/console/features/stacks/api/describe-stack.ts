import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { notFound, pollUnlessGone } from '../../../aws/poll';
import { stackInProgress, stackPollMs } from './poll';

export function stackQuery(region: string, stack: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'DescribeStacks', { stack }),
    queryFn: async () => {
      const out = await cloudFormationClient(region).send(new DescribeStacksCommand({ StackName: stack }));
      const found = out.Stacks?.[0];
      if (!found) throw notFound('ValidationError', `Stack with id ${stack} does not exist`);
      return found;
    },
    placeholderData: keepPreviousData,
    refetchInterval: pollUnlessGone((q) => stackPollMs(stackInProgress(q.state.data?.StackStatus))),
    refetchIntervalInBackground: false,
  });
}

export function useStack(stack: string) {
  const { region } = useRegion();
  return useQuery(stackQuery(region, stack));
}
