import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useClusters } from '../../../aws/queries/clusters';
import { useServices } from '../../../aws/queries/services';
import { ApiPreview } from '../../../components/ui/api-preview';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { selectClass, linkClass, lastPart } from '../../../lib/format';
import { notify } from '../../../lib/notices';
import { useDeployRevision } from '../api/deploy-revision';

/** "Deploy this revision": a cluster, one of its services, and the UpdateService it sends. */
export function DeployRevision({ td }: { td: TaskDefinition }) {
  const [open, setOpen] = useState(false);
  const [cluster, setCluster] = useState('');
  const [service, setService] = useState('');
  const clusters = useClusters();
  const services = useServices(cluster);
  const deploy = useDeployRevision();
  const uid = useId();
  // Closed, the dialog forgets its choices and any refusal: opened again it starts afresh.
  const close = () => {
    setOpen(false);
    setCluster('');
    setService('');
    deploy.reset();
  };
  const arn = td.taskDefinitionArn ?? '';
  const input = { cluster, service, taskDefinition: arn };
  if (td.status !== 'ACTIVE') return null;
  return (
    <>
      <Button onClick={() => setOpen(true)}>Deploy this revision</Button>
      <Dialog open={open} onClose={close} title={`Deploy ${lastPart(arn)} to a service`}>
        <form
          className="space-y-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            deploy.mutate(input, {
              onSuccess: () => {
                notify('success', `Service ${service} is deploying ${lastPart(arn)}.`);
                close();
              },
            });
          }}
        >
          {/* Labelled by id, not wrapped: a wrapping label's name would take in the options' text. */}
          <div className="flex flex-col gap-1">
            <label htmlFor={`${uid}-cluster`}>Cluster</label>
            <select
              id={`${uid}-cluster`}
              className={selectClass}
              value={cluster}
              onChange={(e) => {
                setCluster(e.target.value);
                setService('');
              }}
            >
              <option value="">Choose a cluster</option>
              {(clusters.data ?? []).map((c) => (
                <option key={c.clusterArn}>{c.clusterName}</option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${uid}-service`}>Service</label>
            <select
              id={`${uid}-service`}
              className={selectClass}
              value={service}
              disabled={!cluster}
              onChange={(e) => setService(e.target.value)}
            >
              <option value="">
                {cluster && services.data?.length === 0 ? 'No services in this cluster' : 'Choose a service'}
              </option>
              {(services.data ?? []).map((s) => (
                <option key={s.serviceArn} value={s.serviceName}>
                  {s.serviceName} (now {lastPart(s.taskDefinition)})
                </option>
              ))}
            </select>
          </div>
          {cluster && service && (
            <>
              <ApiPreview calls={[{ service: 'ecs', operation: 'UpdateService', input }]} />
              <p>
                Or change more of the service:{' '}
                <Link
                  className={linkClass}
                  to={`/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/update?taskDefinition=${encodeURIComponent(arn)}`}
                >
                  open its update form with this revision
                </Link>
                .
              </p>
            </>
          )}
          {clusters.isError && <ErrorState title="Could not list clusters" error={clusters.error} />}
          {deploy.isError && <ErrorState title="ECS refused the update" error={deploy.error} />}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={!cluster || !service || deploy.isPending}>
              Deploy
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
