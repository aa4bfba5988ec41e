import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useRegion } from '../backend';
import type { PollRates } from '../poll';
import { stackQuery } from './describe-stack';
import { stackEventsQuery } from './describe-stack-events';
import { stackResourcesQuery } from './describe-stack-resources';
import { STACK_POLL, stackInProgress } from './stack-poll';

export interface StackDetailsOptions {
  poll?: PollRates;
  /** Show the previous stack's data while another one loads (a page that switches from name to id). */
  keepPrevious?: boolean;
  /** Read the first page of events too (the stacks page reads them a page at a time itself). */
  events?: boolean;
}

/**
 * A stack with its resources and events (the stacks page and the launch both show them). The lists
 * poll fast while the stack is in progress, and are read once more whenever its status changes, so
 * a stack that has just finished shows its resources' and events' final state.
 */
export function useStackDetails(stack: string | undefined, options: StackDetailsOptions = {}) {
  const { poll = STACK_POLL, keepPrevious = false, events: withEvents = true } = options;
  const { region } = useRegion();
  const queryClient = useQueryClient();
  const placeholderData = keepPrevious ? keepPreviousData : undefined;
  const described = useQuery({ ...stackQuery(region, stack, poll), placeholderData });
  const status = described.data?.StackStatus;
  const changing = !status || stackInProgress(status);
  const resources = useQuery({ ...stackResourcesQuery(region, stack, changing, poll), placeholderData });
  const eventsQuery = stackEventsQuery(region, stack, changing, poll);
  const events = useQuery({
    ...eventsQuery,
    enabled: withEvents && eventsQuery.enabled,
    placeholderData,
  });

  const seen = useRef(status);
  useEffect(() => {
    const before = seen.current;
    seen.current = status;
    if (before === undefined || before === status) return;
    for (const { queryKey } of [
      stackResourcesQuery(region, stack, false),
      stackEventsQuery(region, stack, false),
    ]) {
      // Not exact: the stacks page's paged events are read again too.
      void queryClient.invalidateQueries({ queryKey });
    }
  }, [queryClient, region, stack, status]);

  return { stack: described, resources, events, changing };
}
