/** The CloudWatch alarms whose metrics name this cluster (ClusterName), with their state. Loaded lazily. */
import { useClusterAlarms } from '../../../aws/queries/metrics';
import { StatusBadge } from '../../../components/ui/status-badge';

export default function ClusterAlarms({ cluster }: { cluster: string }) {
  const alarms = useClusterAlarms(cluster, 10_000);
  if (alarms.isError)
    return (
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Alarms: CloudWatch did not answer ({(alarms.error as Error).message}).
      </p>
    );
  const list = alarms.data ?? [];
  if (!alarms.data) return null;
  return (
    <section className="mb-6" aria-labelledby="cluster-alarms" data-testid="cluster-alarms">
      <h2 id="cluster-alarms" className="mb-2 text-lg font-semibold">
        Alarms
      </h2>
      {list.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No CloudWatch alarm watches this cluster.
        </p>
      ) : (
        <ul className="space-y-1 text-sm">
          {list.map((a) => (
            <li key={a.AlarmArn ?? a.AlarmName} data-testid="cluster-alarm" data-state={a.StateValue}>
              <StatusBadge
                status={a.StateValue ?? 'INSUFFICIENT_DATA'}
                tone={a.StateValue === 'ALARM' ? 'danger' : a.StateValue === 'OK' ? 'success' : 'neutral'}
              />{' '}
              <span className="font-medium">{a.AlarmName}</span>{' '}
              <span className="text-slate-600 dark:text-slate-400">
                {a.Namespace} {a.MetricName} {a.ComparisonOperator} {a.Threshold}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
