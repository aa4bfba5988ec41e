import { zodResolver } from '@hookform/resolvers/zod';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useForm, type Resolver } from 'react-hook-form';
import { Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { defaultAnswers, wizardAnswersSchema, type WizardAnswers } from '../../../../blueprint/answers';
import { useBackendInfo, useRegion } from '../../../aws/backend';
import { Button, ButtonLink } from '../../../components/ui/button';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { PageHeader } from '../../../components/ui/page-header';
import { launchSession, wizardDraft } from '../../../lib/wizard-session';
import { restoreDraft } from '../draft';
import { firstDeploymentWarning } from '../deployment-warning';
import { flattenErrors, type FlatError } from '../form-errors';
import { stepIndex, steps } from '../steps';
import { ClusterStep } from './cluster-step';
import { ErrorSummary } from './error-summary';
import { ServiceStep } from './service-step';
import { Stepper } from './stepper';
import { TaskDefinitionStep } from './task-definition-step';

// The review renders the blueprint (template, YAML, CLI): load it only when the review is opened.
const ReviewStep = lazy(() => import('./review-step').then((m) => ({ default: m.ReviewStep })));

const descriptions = {
  'task-definition':
    'Describe the containers of your application: image, memory, CPU and the ports they listen on.',
  service: 'A service keeps the desired number of tasks running, optionally behind a load balancer.',
  cluster: 'Where your tasks run (EC2 instances or Fargate), and the CloudFormation stack that sets it up.',
  review: 'Check everything, and see exactly what the launch will send.',
} as const;

/** One react-hook-form holds all four steps; each step validates with its own schema from the blueprint. */
export function WizardPage() {
  const { step } = useParams();
  const index = stepIndex(step);
  if (index < 0) return <Navigate to="/get-started/task-definition" replace />;
  return <Wizard index={index} />;
}

function Wizard({ index }: { index: number }) {
  const current = steps[index] ?? steps[0];
  const navigate = useNavigate();
  const location = useLocation();
  const backend = useBackendInfo();
  const { region } = useRegion();
  const stepRef = useRef(index);
  useEffect(() => {
    stepRef.current = index;
  }, [index]);

  const resolver = useMemo<Resolver<WizardAnswers>>(() => {
    const byStep = steps.map((s) => zodResolver(s.schema) as unknown as Resolver<WizardAnswers>);
    return (values, context, options) => (byStep[stepRef.current] ?? byStep[0]!)(values, context, options);
  }, []);

  const form = useForm<WizardAnswers>({
    defaultValues: restoreDraft(),
    resolver,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
    shouldFocusError: true,
  });
  const { handleSubmit, subscribe, trigger, clearErrors, formState, reset, getValues } = form;
  // The step whose Next failed last: only that step shows its errors again when the user comes back to it.
  const [failedStep, setFailedStep] = useState<number | null>(null);

  useEffect(
    () => subscribe({ formState: { values: true }, callback: ({ values }) => wizardDraft.save(values) }),
    [subscribe],
  );

  // On a new step: re-check with that step's schema if its Next failed, then focus a linked field. Any
  // other step (e.g. going Back after a failed Next) starts without errors until its own Next.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      // Arriving from a link to a field (the error summary) shows that step's errors too.
      if (failedStep === index || location.hash) await trigger();
      else clearErrors();
      if (cancelled || !location.hash) return;
      document.getElementById(decodeURIComponent(location.hash.slice(1)))?.focus();
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run when the step or the linked field changes
  }, [index, location.hash]);

  const errors: FlatError[] = failedStep === index ? flattenErrors(formState.errors) : [];
  const isReview = current.id === 'review';
  const review = isReview ? wizardAnswersSchema.safeParse(getValues()) : null;
  const reviewErrors: FlatError[] =
    review && !review.success
      ? review.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
      : [];

  const onNext = handleSubmit(
    () => {
      setFailedStep((failed) => (failed === index ? null : failed));
      const next = steps[index + 1];
      if (next) void navigate(`/get-started/${next.id}`);
    },
    () => setFailedStep(index),
  );

  const onLaunch = () => {
    if (!review?.success) return;
    launchSession.start(review.data);
    void navigate('/launch');
  };

  const onReset = () => {
    wizardDraft.clear();
    setFailedStep(null);
    reset(defaultAnswers);
    void navigate('/get-started/task-definition');
  };

  const previous = steps[index - 1];

  return (
    <FormProvider {...form}>
      <PageHeader
        eyebrow={`Get started · Step ${index + 1} of ${steps.length}`}
        title={current.id === 'review' ? 'Review' : `Configure the ${current.title.toLowerCase()}`}
        description={descriptions[current.id]}
        actions={
          <Button variant="ghost" size="sm" onClick={onReset}>
            Reset to defaults
          </Button>
        }
      />
      <Stepper current={index} />
      <form
        noValidate
        aria-label={`${current.title} step`}
        onSubmit={(e) => {
          e.preventDefault();
          if (!isReview) void onNext(e);
        }}
      >
        {isReview ? (
          <ErrorSummary
            errors={reviewErrors}
            title="Fix these answers before launching"
            current={current.id}
          />
        ) : (
          <ErrorSummary
            current={current.id}
            errors={errors}
            title={`Fix ${errors.length === 1 ? 'this problem' : `these ${errors.length} problems`} to continue`}
          />
        )}

        {current.id === 'task-definition' && <TaskDefinitionStep />}
        {current.id === 'service' && <ServiceStep />}
        {current.id === 'cluster' && <ClusterStep />}
        {(() => {
          const warning = review?.success ? firstDeploymentWarning(review.data) : null;
          return warning ? (
            <p
              role="note"
              data-testid="deployment-warning"
              className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
            >
              {warning.message}
            </p>
          ) : null;
        })()}
        {isReview && review?.success && (
          <Suspense fallback={<LoadingBlock label="Generating the templates" lines={6} />}>
            <ReviewStep answers={review.data} />
          </Suspense>
        )}

        <div className="mt-8 flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 pt-4 dark:border-slate-800">
          <div>
            {previous && (
              <ButtonLink to={`/get-started/${previous.id}`} variant="secondary">
                Back
              </ButtonLink>
            )}
          </div>
          {isReview ? (
            <div className="flex flex-wrap items-center justify-end gap-3">
              {backend.data?.mode === 'aws' && (
                <p className="text-sm text-amber-800 dark:text-amber-300">
                  This creates real, billable resources in AWS account {backend.data.accountId ?? ''} (
                  {region}).
                </p>
              )}
              <Button variant="primary" onClick={onLaunch} disabled={!review?.success}>
                Launch instance &amp; run service
              </Button>
            </div>
          ) : (
            <Button type="submit" variant="primary">
              Next: {steps[index + 1]?.title}
            </Button>
          )}
        </div>
      </form>
    </FormProvider>
  );
}
