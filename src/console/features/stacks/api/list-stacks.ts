import { ListStacksCommand, StackStatus, type StackSummary } from '@aws-sdk/client-cloudformation';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { pollMs } from '../../../aws/poll';
import { STACK_POLL, stackInProgress } from '../../../aws/queries/stack-poll';

/** Every status but DELETE_COMPLETE: deleted stacks are history, not something to act on. */
const LIVE_STATUSES = Object.values(StackStatus).filter((status) => status !== StackStatus.DELETE_COMPLETE);

export function stacksQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'ListStacks'),
    queryFn: async (): Promise<StackSummary[]> => {
      const out: StackSummary[] = [];
      let NextToken: string | undefined;
      do {
        const page = await cloudFormationClient(region).send(
          new ListStacksCommand({ NextToken, StackStatusFilter: LIVE_STATUSES }),
        );
        out.push(...(page.StackSummaries ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return out.sort((a, b) => (b.CreationTime?.getTime() ?? 0) - (a.CreationTime?.getTime() ?? 0));
    },
    placeholderData: keepPreviousData,
    refetchInterval: (q) =>
      pollMs(STACK_POLL, Boolean(q.state.data?.some((s) => stackInProgress(s.StackStatus)))),
    refetchIntervalInBackground: false,
  });
}

export function useStacks() {
  const { region } = useRegion();
  return useQuery(stacksQuery(region));
}
