import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Blueprint, WizardAnswers } from '../../../blueprint';
import { useRegion } from '../../aws/backend';
import { toAwsError } from '../../aws/errors';
import { launchSession, relaunched, type LaunchRecord } from '../../lib/wizard-session';
import {
  createCluster,
  createService,
  createStack,
  deleteLaunch,
  registerTaskDefinition,
  serviceToDelete,
} from './api/launch-calls';
import type { PollRates } from '../../aws/poll';
import { serviceQuery } from '../../aws/queries/describe-service';
import { useStackDetails } from '../../aws/queries/use-stack-details';
import { containerLinksQuery } from './api/container-links';
import {
  deriveSteps,
  isSteady,
  launchGone,
  nextAction,
  stackFailure,
  stackPhase,
  type ActionState,
  type LaunchFacts,
  type LaunchResults,
  type LaunchStepId,
  type ServiceFacts,
} from './launch-steps';

type OneShot = Exclude<LaunchStepId, 'steady'>;

/** The launch is watched live, step by step: every second while something changes, every 10 s after. */
const LAUNCH_POLL: PollRates = { changing: 1_000, settled: 10_000 };

/** Runs the launch step by step, polls its progress, and offers retry and delete. */
export function useLaunch(record: LaunchRecord, answers: WizardAnswers, bp: Blueprint) {
  const { region } = useRegion();
  const cluster = answers.cluster.name;
  const serviceName = answers.service.name;
  const queryClient = useQueryClient();
  const [results, setResults] = useState<LaunchResults>(() => record.results as LaunchResults);
  const [startedAt, setStartedAt] = useState(record.startedAt);
  const [actions, setActions] = useState<Partial<Record<LaunchStepId, ActionState>>>({});
  const inFlight = useRef(false);

  useEffect(() => {
    launchSession.save({ ...record, startedAt, results: { ...results } as Record<string, string> });
  }, [record, results, startedAt]);

  const { stack, resources, events } = useStackDetails(results.stackId, { poll: LAUNCH_POLL });
  const stackStatus = stack.data?.StackStatus;
  const phase = stackStatus ? stackPhase(stackStatus) : undefined;
  // By name, as the service page reads it; only once this launch has created the service.
  const service = useQuery(
    serviceQuery(region, cluster, results.serviceArn ? serviceName : undefined, LAUNCH_POLL),
  );

  const serviceFacts: ServiceFacts | undefined = service.data
    ? {
        status: service.data.status ?? '',
        desiredCount: service.data.desiredCount ?? 0,
        runningCount: service.data.runningCount ?? 0,
        deployments: service.data.deployments?.length ?? 0,
      }
    : undefined;

  const facts: LaunchFacts = {
    results,
    actions,
    stack: stackStatus
      ? {
          status: stackStatus,
          failure:
            phase === 'failed'
              ? stackFailure(stackStatus, events.data ?? [], stack.data?.StackStatusReason)
              : undefined,
        }
      : undefined,
    service: serviceFacts,
  };
  const steps = deriveSteps(facts);
  const next = nextAction(facts);

  const steadyNow = serviceFacts ? isSteady(serviceFacts) : false;
  useEffect(() => {
    if (steadyNow && !results.steadyAt && !results.deletedAt)
      setResults((r) => ({ ...r, steadyAt: new Date().toISOString() }));
  }, [steadyNow, results.steadyAt, results.deletedAt]);

  const stackData = stack.data;
  const run = useCallback(
    async (step: OneShot) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setActions((a) => ({ ...a, [step]: { state: 'running' } }));
      try {
        let update: Partial<LaunchResults>;
        switch (step) {
          case 'cluster':
            update = { clusterArn: await createCluster(region, bp) };
            break;
          case 'taskDefinition':
            update = { taskDefinitionArn: await registerTaskDefinition(region, bp) };
            break;
          case 'stack':
            update = { stackId: await createStack(region, bp) };
            break;
          case 'service':
            update = { serviceArn: await createService(region, bp, stackData) };
            // A service of the same name read before (an earlier launch, the service page) is not this one.
            queryClient.removeQueries({ queryKey: serviceQuery(region, cluster, serviceName).queryKey });
            break;
        }
        setResults((r) => ({ ...r, ...update }));
        setActions((a) => ({ ...a, [step]: undefined }));
      } catch (e) {
        setActions((a) => ({ ...a, [step]: { state: 'failed', error: toAwsError(e) } }));
      } finally {
        inFlight.current = false;
      }
    },
    [region, bp, stackData, queryClient, cluster, serviceName],
  );

  useEffect(() => {
    if (next) void run(next);
  }, [next, run]);

  /** Retry from a failed step: a failed call is made again; a failed stack is deleted and created again. */
  const retry = (step: LaunchStepId) => {
    if (actions[step]?.state === 'failed') setActions((a) => ({ ...a, [step]: undefined }));
    else if (step === 'stack' && phase === 'failed') void run('stack');
  };

  const remove = useMutation({
    mutationFn: () =>
      deleteLaunch(region, {
        cluster,
        serviceArn: serviceToDelete(bp, results.serviceArn),
        stackId: results.stackId,
      }),
    onSuccess: () =>
      setResults((r) => ({
        clusterArn: r.clusterArn,
        taskDefinitionArn: r.taskDefinitionArn,
        deletedAt: new Date().toISOString(),
      })),
  });

  const launchAgain = () => {
    setActions({});
    remove.reset();
    const kept = { clusterArn: results.clusterArn, taskDefinitionArn: results.taskDefinitionArn };
    setStartedAt(relaunched(record, kept as Record<string, string>).startedAt);
    setResults(kept);
  };

  const loadBalancer = answers.service.loadBalancer;
  const links = useQuery(
    containerLinksQuery(region, cluster, answers.service.name, Boolean(results.steadyAt) && !loadBalancer),
  );
  const lbDns = stack.data?.Outputs?.find((o) => o.OutputKey === 'LoadBalancerDNS')?.OutputValue;
  const loadBalancerUrl = loadBalancer && lbDns ? `http://${lbDns}:${loadBalancer.listenerPort}/` : undefined;

  const gone =
    Boolean(results.steadyAt) &&
    !results.deletedAt &&
    launchGone({
      stackStatus,
      serviceStatus: service.data?.status,
      serviceMissing: service.isError && toAwsError(service.error).code === 'ServiceNotFoundException',
    });

  const totalResources = useMemo(() => Object.keys(bp.template.Resources).length, [bp]);

  return {
    region,
    results,
    steps,
    stack,
    resources,
    events,
    service,
    totalResources,
    retry,
    remove,
    launchAgain,
    links,
    loadBalancerUrl,
    startedAt,
    gone,
    finished: Boolean(results.steadyAt) && !results.deletedAt && !gone,
  };
}

export type LaunchModel = ReturnType<typeof useLaunch>;
