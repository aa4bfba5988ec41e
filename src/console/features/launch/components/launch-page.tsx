import { useMemo, useState } from 'react';
import { blueprint, wizardAnswersSchema, type Blueprint, type WizardAnswers } from '../../../../blueprint';
import { Button, ButtonLink } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { cn } from '../../../lib/cn';
import { launchSession, type LaunchRecord } from '../../../lib/wizard-session';
import { taskDefinitionName, type StepView } from '../launch-steps';
import { useLaunch, type LaunchModel } from '../use-launch';
import { ServiceProgress } from './service-progress';
import { StackProgress } from './stack-progress';
import { StepIcon } from './step-icon';
import { deleteLaunchCalls, serviceToDelete, stepCall } from '../api/launch-calls';

export function LaunchPage() {
  const [record] = useState(launchSession.load);
  if (!record) {
    return (
      <>
        <PageHeader title="Launch status" />
        <EmptyState
          title="Nothing has been launched in this tab yet"
          description="Configure a task definition, a service and a cluster, review them, then launch."
          action={
            <ButtonLink to="/get-started" variant="primary">
              Get started
            </ButtonLink>
          }
        />
      </>
    );
  }
  const parsed = wizardAnswersSchema.safeParse(record.answers);
  if (!parsed.success) {
    return (
      <>
        <PageHeader title="Launch status" />
        <ErrorState
          title="The saved launch is not valid any more"
          error={new Error(parsed.error.issues[0]?.message ?? 'invalid answers')}
        >
          <ButtonLink to="/get-started/review" className="mt-3" size="sm">
            Back to the review
          </ButtonLink>
        </ErrorState>
      </>
    );
  }
  return <Launch key={record.id} record={record} answers={parsed.data} />;
}

function Launch({ record, answers }: { record: LaunchRecord; answers: WizardAnswers }) {
  const bp = useMemo(() => blueprint(answers), [answers]);
  const launch = useLaunch(record, answers, bp);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { results, remove } = launch;
  const canDelete = Boolean(results.stackId || results.serviceArn) && !results.deletedAt;
  const failed = launch.steps.some((s) => s.state === 'failed');
  const done = launch.steps.filter((s) => s.state === 'done').length;

  return (
    <>
      <PageHeader
        eyebrow="Get started · Launch"
        title="Launch status"
        description={
          <>
            Service <strong>{answers.service.name}</strong> on cluster <strong>{answers.cluster.name}</strong>{' '}
            in {launch.region}. Started {new Date(launch.startedAt).toLocaleString()}.
          </>
        }
        actions={
          <>
            <ButtonLink to="/get-started/review" variant="ghost" size="sm">
              Back to the review
            </ButtonLink>
            {canDelete && (
              <Button
                variant="danger"
                size="sm"
                onClick={() => setConfirmDelete(true)}
                disabled={remove.isPending}
              >
                Delete stack and service
              </Button>
            )}
          </>
        }
      />

      <p className="sr-only" role="status" aria-live="polite">
        {results.deletedAt
          ? 'The stack and service were deleted.'
          : failed
            ? 'The launch failed.'
            : launch.finished
              ? 'The launch is complete.'
              : `${done} of ${launch.steps.length} steps done.`}
      </p>

      {remove.isPending && (
        <div className="mb-4">
          <LoadingBlock label="Deleting the service and the stack" lines={1} />
          <p className="mt-2 text-sm">Deleting the service and the stack {bp.stackName}…</p>
        </div>
      )}
      {remove.isError && (
        <ErrorState
          title="Could not delete the stack and service"
          error={remove.error}
          onRetry={() => remove.mutate()}
        />
      )}
      {results.deletedAt && (
        <div
          className="mb-6 rounded-md border border-slate-300 bg-white p-4 text-sm dark:border-slate-700 dark:bg-slate-900"
          data-testid="deleted"
        >
          <p className="font-medium">The service and the stack {bp.stackName} were deleted.</p>
          <p className="mt-1 text-slate-600 dark:text-slate-400">
            The cluster {answers.cluster.name} and the task definition revision stay.
          </p>
          <div className="mt-3 flex gap-2">
            <Button variant="primary" size="sm" onClick={launch.launchAgain}>
              Launch again
            </Button>
            <ButtonLink to="/get-started/task-definition" size="sm">
              Edit in the wizard
            </ButtonLink>
          </div>
        </div>
      )}

      {launch.finished && <LaunchResult launch={launch} answers={answers} />}
      {launch.gone && (
        <div
          className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          data-testid="launch-gone"
        >
          <p className="font-medium">
            This launch is no longer running: its stack {bp.stackName} or its service {answers.service.name}{' '}
            was deleted outside this page.
          </p>
          <div className="mt-3 flex gap-2">
            <Button variant="primary" size="sm" onClick={launch.launchAgain}>
              Launch again
            </Button>
            <ButtonLink to="/get-started/task-definition" size="sm">
              Edit in the wizard
            </ButtonLink>
          </div>
        </div>
      )}

      <ol className="space-y-3" aria-label="Launch steps">
        {launch.steps.map((step) => (
          <li
            key={step.id}
            data-testid={`launch-step-${step.id}`}
            data-state={step.state}
            className={cn(
              'rounded-lg border bg-white p-4 dark:bg-slate-900',
              step.state === 'failed'
                ? 'border-red-300 dark:border-red-800'
                : 'border-slate-200 dark:border-slate-700',
            )}
          >
            <div className="flex items-start gap-3">
              <StepIcon state={step.state} />
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 className="font-medium">{step.title}</h2>
                  <span className="font-mono text-xs text-slate-600 dark:text-slate-400">
                    {stepCall(bp, step)}
                  </span>
                </div>
                <StepDetail step={step} launch={launch} answers={answers} bp={bp} />
                {step.error && (
                  <div className="mt-3">
                    <ErrorState
                      title={
                        step.id === 'stack' ? `Stack ${bp.stackName} failed` : `${stepCall(bp, step)} failed`
                      }
                      error={step.error}
                    >
                      <div className="mt-3 flex flex-wrap gap-2">
                        <Button size="sm" variant="primary" onClick={() => launch.retry(step.id)}>
                          Retry{step.id === 'stack' ? ' (delete and create the stack again)' : ''}
                        </Button>
                        {canDelete && (
                          <Button size="sm" variant="danger" onClick={() => setConfirmDelete(true)}>
                            Delete stack and service
                          </Button>
                        )}
                      </div>
                    </ErrorState>
                  </div>
                )}
              </div>
            </div>
          </li>
        ))}
      </ol>

      <ConfirmDialog
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title="Delete the stack and the service?"
        confirmLabel="Delete"
        typeToConfirm={{ label: 'Service name', value: answers.service.name }}
        calls={deleteLaunchCalls({
          cluster: answers.cluster.name,
          serviceArn: serviceToDelete(bp, results.serviceArn),
          stackId: results.stackId,
        })}
        onConfirm={() => {
          setConfirmDelete(false);
          remove.mutate();
        }}
      >
        <p>
          This deletes the service <strong>{answers.service.name}</strong> (its tasks stop) and the
          CloudFormation stack <strong>{bp.stackName}</strong> with its instances, network and load balancer.
        </p>
      </ConfirmDialog>
    </>
  );
}

function StepDetail({
  step,
  launch,
  answers,
  bp,
}: {
  step: StepView;
  launch: LaunchModel;
  answers: WizardAnswers;
  bp: Blueprint;
}) {
  const { results } = launch;
  const mono = 'mt-1 font-mono text-xs break-all text-slate-700 dark:text-slate-300';
  switch (step.id) {
    case 'cluster':
      return results.clusterArn ? <p className={mono}>{results.clusterArn}</p> : null;
    case 'taskDefinition':
      return results.taskDefinitionArn ? (
        <p className="mt-1 text-sm" data-testid="task-definition-revision">
          <span className="font-mono">{taskDefinitionName(results.taskDefinitionArn)}</span>
        </p>
      ) : null;
    case 'stack':
      if (!results.stackId) return null;
      return (
        <>
          {launch.stack.isError && (
            <ErrorState title="Could not read the stack (DescribeStacks)" error={launch.stack.error} />
          )}
          <StackProgress
            stackName={bp.stackName}
            status={launch.stack.data?.StackStatus}
            resources={launch.resources.data}
            resourcesError={launch.resources.error}
            events={launch.events.data}
            eventsError={launch.events.error}
            totalResources={launch.totalResources}
          />
        </>
      );
    case 'service':
      return results.serviceArn ? <p className={mono}>{results.serviceArn}</p> : null;
    case 'steady':
      if (!results.serviceArn) return null;
      if (launch.service.isError)
        return (
          <ErrorState title="Could not read the service (DescribeServices)" error={launch.service.error} />
        );
      return launch.service.data ? (
        <ServiceProgress service={launch.service.data} />
      ) : (
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Waiting for {answers.service.name}…</p>
      );
  }
}

function LaunchResult({ launch, answers }: { launch: LaunchModel; answers: WizardAnswers }) {
  const cluster = answers.cluster.name;
  const service = answers.service.name;
  const lb = answers.service.loadBalancer;
  return (
    <section
      aria-labelledby="launch-result"
      className="mb-6 rounded-lg border border-emerald-300 bg-emerald-50 p-5 dark:border-emerald-800 dark:bg-emerald-950"
    >
      <h2 id="launch-result" className="flex items-center gap-2 text-lg font-semibold">
        Your service is running <StatusBadge status="STEADY" tone="success" />
      </h2>
      <p className="mt-1 text-sm">
        {service} has reached a steady state on cluster {cluster}.
      </p>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <ButtonLink
          variant="primary"
          to={`/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}`}
        >
          View service
        </ButtonLink>
        {lb ? (
          launch.loadBalancerUrl ? (
            <a
              className="text-sm font-medium text-orange-800 underline underline-offset-2 dark:text-orange-300"
              href={launch.loadBalancerUrl}
              target="_blank"
              rel="noreferrer"
              data-testid="external-link"
            >
              Open {lb.containerName} through the load balancer ({launch.loadBalancerUrl})
            </a>
          ) : (
            <span className="text-sm">The stack has no LoadBalancerDNS output.</span>
          )
        ) : launch.links.isPending ? (
          <span className="text-sm">Finding the container's address…</span>
        ) : launch.links.isError ? (
          <ErrorState
            title="Could not find the container's address"
            error={launch.links.error}
            onRetry={() => void launch.links.refetch()}
          />
        ) : launch.links.data && launch.links.data.length > 0 ? (
          <ul className="flex flex-wrap gap-3">
            {launch.links.data.map((l) => (
              <li key={`${l.taskArn}:${l.url}`}>
                <a
                  className="text-sm font-medium text-orange-800 underline underline-offset-2 dark:text-orange-300"
                  href={l.url}
                  target="_blank"
                  rel="noreferrer"
                  data-testid="external-link"
                >
                  Open {l.containerName} ({l.url})
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <span className="text-sm">No container publishes a TCP port, so there is no link to open.</span>
        )}
      </div>
    </section>
  );
}
