import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { instanceTypes } from '../../../../blueprint';
import { useKeyPairs } from '../../../aws/queries/key-pairs';
import { Field } from '../../../components/form/field';
import {
  CheckboxControl,
  formFieldId,
  FormErrorSummary,
  FormSection,
  SelectControl,
  TextControl,
} from '../../../components/form/controls';
import { TagRows } from '../../../components/form/tag-rows';
import { KeyPairButtons } from '../../../components/key-pairs/key-pair-dialog';
import { ApiPreview } from '../../../components/ui/api-preview';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { Button, ButtonLink } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { notify } from '../../../lib/notices';
import { useCreateCluster } from '../api/create-cluster';
import { CREATE_ROLE, clusterCalls, clusterFormSchema, emptyClusterForm, type ClusterForm } from '../form';

const infrastructureHelp: Record<ClusterForm['infrastructure'], string> = {
  ec2: 'EC2 instances in an Auto Scaling group, created by a CloudFormation stack (the wizard’s template). Instances join the cluster when the stack completes.',
  fargate:
    'Asks for the FARGATE and FARGATE_SPOT capacity providers, FARGATE by default. Tasks then need no instances (where the backend serves Fargate).',
  empty: 'The cluster alone: register container instances later (e.g. your own Auto Scaling group).',
};

/** /create-cluster: EC2 (an Auto Scaling group through a stack), Fargate-only or empty, with tags. */
export function CreateClusterPage() {
  const form = useForm<ClusterForm>({
    defaultValues: emptyClusterForm,
    resolver: zodResolver(clusterFormSchema),
    reValidateMode: 'onChange',
  });
  const values = useWatch({ control: form.control }) as ClusterForm;
  const calls = useMemo(() => clusterCalls(values), [values]);
  const create = useCreateCluster();
  const navigate = useNavigate();
  const keyPairs = useKeyPairs();

  const onSubmit = form.handleSubmit(() =>
    create.mutate(calls, {
      onSuccess: () => {
        notify(
          'success',
          values.infrastructure === 'ec2'
            ? `Cluster ${values.name} created; the stack EC2ContainerService-${values.name} is creating its instances.`
            : `Cluster ${values.name} created.`,
        );
        void navigate(`/clusters/${encodeURIComponent(values.name)}`);
      },
    }),
  );
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumbs trail={[{ to: '/clusters', label: 'Clusters' }]} />}
        title="Create a cluster"
        description="A cluster groups the capacity your tasks and services run on."
      />
      <FormProvider {...form}>
        <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <form
            noValidate
            onSubmit={(e) => void onSubmit(e)}
            className="space-y-6"
            aria-label="Create cluster"
          >
            <FormSection title="Cluster">
              <TextControl name="name" label="Cluster name" />
              <SelectControl
                name="infrastructure"
                label="Infrastructure"
                hint={infrastructureHelp[values.infrastructure]}
                options={[
                  { value: 'ec2', label: 'EC2 instances (Auto Scaling group)' },
                  { value: 'fargate', label: 'Fargate only (serverless)' },
                  { value: 'empty', label: 'Empty cluster' },
                ]}
              />
              <CheckboxControl name="containerInsights" label="Turn on Container Insights" />
            </FormSection>
            {values.infrastructure === 'ec2' && (
              <FormSection title="EC2 instances">
                <div className="grid gap-4 sm:grid-cols-2">
                  <SelectControl
                    name="instanceType"
                    label="Instance type"
                    options={instanceTypes.map((t) => ({
                      value: t.name,
                      label: `${t.name} (${t.vcpu} vCPU, ${t.memoryMiB} MiB)`,
                    }))}
                  />
                  <TextControl name="instanceCount" label="Number of instances" type="number" />
                  <div>
                    <Field id={formFieldId('keyName')} label="Key pair">
                      {(control) => (
                        <select
                          {...control}
                          value={values.keyName}
                          onChange={(e) => form.setValue('keyName', e.target.value, { shouldDirty: true })}
                        >
                          <option value="">None (no SSH access)</option>
                          {[
                            ...new Set([
                              ...(values.keyName ? [values.keyName] : []),
                              ...(keyPairs.data ?? []),
                            ]),
                          ].map((k) => (
                            <option key={k} value={k}>
                              {k}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    <KeyPairButtons
                      onAdded={(name) => form.setValue('keyName', name, { shouldDirty: true })}
                    />
                  </div>
                  <SelectControl
                    name="instanceRole"
                    label="Instance role"
                    options={[
                      { value: 'ecsInstanceRole', label: 'ecsInstanceRole (existing instance profile)' },
                      { value: CREATE_ROLE, label: 'Create a new role' },
                    ]}
                  />
                  <TextControl name="ingressPort" label="Inbound port" type="number" />
                  <TextControl name="ingressCidr" label="Inbound source (CIDR)" />
                </div>
                {keyPairs.isError && <ErrorState title="Could not list key pairs" error={keyPairs.error} />}
              </FormSection>
            )}
            <FormSection title="Tags">
              <TagRows />
            </FormSection>
            <FormErrorSummary />
            {create.isError && <ErrorState title="The cluster was not created" error={create.error} />}
            <div className="flex gap-2">
              <Button type="submit" variant="primary" disabled={create.isPending}>
                {create.isPending ? 'Creating…' : 'Create cluster'}
              </Button>
              <ButtonLink to="/clusters">Cancel</ButtonLink>
            </div>
          </form>
          <div className="min-w-0 xl:sticky xl:top-4 xl:self-start">
            <ApiPreview calls={calls} />
          </div>
        </div>
      </FormProvider>
    </>
  );
}
