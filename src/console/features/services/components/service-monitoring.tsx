/**
 * The service's "Health and metrics" (CloudWatch charts over 1 h / 3 h / 12 h / 1 d, live), "Auto
 * scaling" (Application Auto Scaling target, policies, their alarms' state, activities; create, edit
 * and delete a target-tracking policy, showing the API input and CLI command) and, with a load
 * balancer, "send test traffic". Loaded lazily with uPlot: the first page load does not carry them.
 */
import type { Service } from '@aws-sdk/client-ecs';
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { ApiCall } from '../../../../blueprint/cli-command';
import { appAutoScalingClient } from '../../../aws/application-autoscaling';
import { useRegion } from '../../../aws/backend';
import {
  METRIC_RANGES,
  useAlarms,
  useServiceMetrics,
  type CustomRange,
  type MetricRange,
} from '../../../aws/queries/metrics';
import { serviceResourceId, useServiceScaling } from '../../../aws/queries/scaling';
import { ApiPreview } from '../../../components/ui/api-preview';
import { Button } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/error-state';
import { StatusBadge } from '../../../components/ui/status-badge';
import { formatTime } from '../../../lib/format';
import { useServiceLoadBalancers } from '../api/describe-load-balancers';
import { MetricChart } from './metric-chart';
import { targetTrackingCalls, type TrackedMetric as Metric } from '../scaling-calls';

const LIVE_MS = 5000;

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section className="mb-8" aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

const input = 'rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

export default function ServiceMonitoring({ cluster, service }: { cluster: string; service: Service }) {
  const name = service.serviceName ?? '';
  const targetGroupArn = service.loadBalancers?.find((l) => l.targetGroupArn)?.targetGroupArn;
  return (
    <>
      <HealthAndMetrics cluster={cluster} service={name} targetGroupArn={targetGroupArn} />
      {targetGroupArn && <TestTraffic service={service} />}
      <AutoScaling cluster={cluster} service={service} />
    </>
  );
}

/** A `datetime-local` input's value (local time, to the minute) for epoch seconds, and back. */
const localInput = (epochS: number) => {
  const d = new Date(epochS * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (text: string) => {
  const t = new Date(text).getTime();
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
};

function HealthAndMetrics(props: { cluster: string; service: string; targetGroupArn?: string }) {
  const [range, setRange] = useState<MetricRange | 'custom'>('1h');
  const [live, setLive] = useState(true);
  // The custom range being edited, and the one applied (charts read a fixed window: not live).
  const [draft, setDraft] = useState(() => {
    const now = Math.floor(Date.now() / 1000);
    return { from: localInput(now - 6 * 3600), to: localInput(now) };
  });
  const [custom, setCustom] = useState<CustomRange | null>(null);
  const draftRange = { from: fromLocalInput(draft.from), to: fromLocalInput(draft.to) };
  const draftError =
    draftRange.from === undefined || draftRange.to === undefined
      ? 'Give both times.'
      : draftRange.from >= draftRange.to
        ? 'From must be before to.'
        : draftRange.to - draftRange.from > 15 * 86400
          ? 'At most 15 days (CloudWatch keeps 1-minute data that long).'
          : undefined;
  const chosen = range === 'custom' ? (custom ?? '1h') : range;
  const metrics = useServiceMetrics(
    props.cluster,
    props.service,
    props.targetGroupArn,
    chosen,
    live && range !== 'custom' ? LIVE_MS : false,
  );
  const m = metrics.data;
  const pick = (...ids: string[]) => ids.flatMap((id) => (m?.series.get(id) ? [m.series.get(id)!] : []));
  const rangeText =
    typeof chosen === 'object'
      ? `from ${formatTime(new Date(chosen.from * 1000))} to ${formatTime(new Date(chosen.to * 1000))}`
      : `in the last ${chosen}`;
  return (
    <Section title="Health and metrics">
      <div className="mb-3 flex flex-wrap items-center gap-2" role="group" aria-label="Metrics range">
        {METRIC_RANGES.map((r) => (
          <Button
            key={r.id}
            size="sm"
            variant={r.id === range ? 'primary' : undefined}
            aria-pressed={r.id === range}
            onClick={() => setRange(r.id)}
          >
            {r.id}
          </Button>
        ))}
        <Button
          size="sm"
          variant={range === 'custom' ? 'primary' : undefined}
          aria-pressed={range === 'custom'}
          onClick={() => setRange('custom')}
        >
          custom
        </Button>
        <label className="ml-2 flex items-center gap-1 text-sm">
          <input
            type="checkbox"
            checked={live && range !== 'custom'}
            disabled={range === 'custom'}
            onChange={(e) => setLive(e.target.checked)}
          />{' '}
          Live
        </label>
      </div>
      {range === 'custom' && (
        <form
          className="mb-3 flex flex-wrap items-end gap-3 text-sm"
          aria-label="Custom metrics range"
          onSubmit={(e) => {
            e.preventDefault();
            if (!draftError) setCustom({ from: draftRange.from!, to: draftRange.to! });
          }}
        >
          <label className="flex flex-col">
            From
            <input
              className={input}
              type="datetime-local"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </label>
          <label className="flex flex-col">
            To
            <input
              className={input}
              type="datetime-local"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </label>
          <Button type="submit" size="sm" variant="primary" disabled={draftError !== undefined}>
            Apply
          </Button>
          {draftError && (
            <span className="text-red-700 dark:text-red-400" role="alert">
              {draftError}
            </span>
          )}
          {!custom && !draftError && (
            <span className="text-slate-600 dark:text-slate-400">Showing the last 1h until applied.</span>
          )}
        </form>
      )}
      {metrics.isError && <ErrorState title="Could not read the metrics" error={metrics.error} />}
      {m?.empty && (
        <p className="mb-2 text-sm text-slate-600 dark:text-slate-400" data-testid="metrics-empty">
          CloudWatch returned no datapoints for this service {rangeText}. Metrics appear once its tasks run
          (every minute; the local plane's --metrics-interval-ms publishes faster).
        </p>
      )}
      {m && (
        <div className="grid gap-3 md:grid-cols-2">
          <MetricChart title="CPU utilization" series={pick('cpu', 'cpuReservation')} testId="chart-cpu" />
          <MetricChart
            title="Memory utilization"
            series={pick('memory', 'memoryReservation')}
            testId="chart-memory"
          />
          {m.loadBalanced && (
            <>
              <MetricChart title="Requests" series={pick('requests')} testId="chart-requests" />
              <MetricChart title="Response time" series={pick('responseTime')} testId="chart-response-time" />
              <MetricChart
                title="Healthy targets"
                series={pick('healthy', 'unhealthy')}
                testId="chart-healthy"
              />
            </>
          )}
        </div>
      )}
    </Section>
  );
}

function TestTraffic({ service }: { service: Service }) {
  const lbs = useServiceLoadBalancers(service.loadBalancers ?? []);
  const url = lbs.data?.find((l) => l.url)?.url;
  const [rps, setRps] = useState(20);
  const [duration, setDuration] = useState(60);
  const send = useMutation({
    mutationFn: async () => {
      const res = await fetch('/api/load', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ecs-console': '1' },
        body: JSON.stringify({ url, rps, durationS: duration }),
      });
      const body = (await res.json()) as { message?: string; total?: number };
      if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
      return body;
    },
  });
  if (!url) return null;
  return (
    <Section title="Test traffic">
      <form
        className="flex flex-wrap items-end gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate();
        }}
      >
        <span>
          GET <code>{url}</code>
        </span>
        <label className="flex flex-col">
          Requests per second
          <input
            className={input}
            type="number"
            min={1}
            max={1000}
            value={rps}
            onChange={(e) => setRps(Number(e.target.value))}
          />
        </label>
        <label className="flex flex-col">
          Duration (seconds)
          <input
            className={input}
            type="number"
            min={1}
            max={600}
            value={duration}
            onChange={(e) => setDuration(Number(e.target.value))}
          />
        </label>
        <Button type="submit" variant="primary" disabled={send.isPending}>
          Send test traffic
        </Button>
      </form>
      {send.isSuccess && (
        <p className="mt-2 text-sm" role="status">
          Sending {send.data.total} requests to {url} ({rps}/s for {duration} s).
        </p>
      )}
      {send.isError && <ErrorState title="Could not send test traffic" error={send.error} />}
    </Section>
  );
}

function AutoScaling({ cluster, service }: { cluster: string; service: Service }) {
  const name = service.serviceName ?? '';
  const { region } = useRegion();
  const scaling = useServiceScaling(cluster, name, LIVE_MS);
  const s = scaling.data;
  const alarmNames = (s?.policies ?? []).flatMap((p) => (p.Alarms ?? []).map((a) => a.AlarmName ?? ''));
  const alarms = useAlarms(alarmNames, LIVE_MS);
  const [editing, setEditing] = useState<ScalingPolicy | 'new' | null>(null);
  const qc = useQueryClient();
  const refresh = () =>
    qc.invalidateQueries({ queryKey: ['aws', region, 'application-autoscaling'] }).catch(() => {});
  const resourceId = serviceResourceId(cluster, name);
  const remove = useMutation({
    mutationFn: async (p: ScalingPolicy) => {
      const client = appAutoScalingClient(region);
      await client.send(
        new DeleteScalingPolicyCommand({
          ServiceNamespace: 'ecs',
          ResourceId: resourceId,
          ScalableDimension: 'ecs:service:DesiredCount',
          PolicyName: p.PolicyName,
        }),
      );
      if ((s?.policies.length ?? 0) <= 1)
        await client.send(
          new DeregisterScalableTargetCommand({
            ServiceNamespace: 'ecs',
            ResourceId: resourceId,
            ScalableDimension: 'ecs:service:DesiredCount',
          }),
        );
    },
    onSettled: refresh,
  });
  return (
    <Section title="Auto scaling">
      {scaling.isError && (
        <ErrorState title="Could not read Application Auto Scaling" error={scaling.error} />
      )}
      {s && (
        <div className="space-y-3 text-sm" data-testid="auto-scaling">
          <p data-testid="scalable-target">
            {s.target
              ? `Desired count between ${s.target.MinCapacity} and ${s.target.MaxCapacity} tasks.`
              : 'Not configured: the desired count changes only when you change it.'}
          </p>
          {s.policies.map((p) => {
            const c = p.TargetTrackingScalingPolicyConfiguration;
            return (
              <div
                key={p.PolicyARN}
                className="rounded border border-slate-200 p-2 dark:border-slate-700"
                data-testid="scaling-policy"
              >
                <div className="flex items-center justify-between gap-2">
                  <span className="font-medium">{p.PolicyName}</span>
                  <span className="flex gap-2">
                    {c && (
                      <Button size="sm" onClick={() => setEditing(p)}>
                        Edit
                      </Button>
                    )}
                    <Button
                      size="sm"
                      variant="danger"
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(p)}
                    >
                      Delete
                    </Button>
                  </span>
                </div>
                <p>
                  {p.PolicyType}
                  {c &&
                    ` · ${c.PredefinedMetricSpecification?.PredefinedMetricType ?? 'custom metric'} at ${c.TargetValue} · cooldowns out ${c.ScaleOutCooldown ?? 300} s, in ${c.ScaleInCooldown ?? 300} s`}
                </p>
                <ul className="mt-1 flex flex-wrap gap-2">
                  {(p.Alarms ?? []).map((a) => {
                    const state = alarms.data?.find((x) => x.AlarmName === a.AlarmName)?.StateValue ?? '…';
                    return (
                      <li key={a.AlarmName} data-testid="policy-alarm" data-state={state}>
                        <StatusBadge
                          status={state}
                          tone={state === 'ALARM' ? 'danger' : state === 'OK' ? 'success' : 'neutral'}
                        />{' '}
                        {a.AlarmName}
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })}
          {editing === null && (
            <Button onClick={() => setEditing('new')}>Create target tracking policy</Button>
          )}
          {editing !== null && (
            <PolicyForm
              key={editing === 'new' ? 'new' : editing.PolicyARN}
              resourceId={resourceId}
              service={name}
              policy={editing === 'new' ? undefined : editing}
              min={s.target?.MinCapacity ?? 1}
              max={s.target?.MaxCapacity ?? Math.max(4, service.desiredCount ?? 1)}
              onDone={() => {
                setEditing(null);
                void refresh();
              }}
            />
          )}
          {remove.isError && <ErrorState title="Could not delete the policy" error={remove.error} />}
          <h3 className="pt-2 font-medium">Activities</h3>
          {s.activities.length === 0 ? (
            <p className="text-slate-600 dark:text-slate-400">No scaling activity yet.</p>
          ) : (
            <ul data-testid="scaling-activities">
              {s.activities.slice(0, 10).map((a) => (
                <li key={a.ActivityId}>
                  <span className="tabular-nums">{a.StartTime ? formatTime(a.StartTime) : ''}</span>{' '}
                  {a.Description} ({a.StatusCode})
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Section>
  );
}

function PolicyForm(props: {
  resourceId: string;
  service: string;
  policy?: ScalingPolicy;
  min: number;
  max: number;
  onDone: () => void;
}) {
  const { region } = useRegion();
  const c = props.policy?.TargetTrackingScalingPolicyConfiguration;
  const [v, setV] = useState({
    min: props.min,
    max: props.max,
    policyName: props.policy?.PolicyName ?? `${props.service}-cpu-target`,
    metric: (c?.PredefinedMetricSpecification?.PredefinedMetricType ??
      'ECSServiceAverageCPUUtilization') as Metric,
    target: c?.TargetValue ?? 50,
    outCooldown: c?.ScaleOutCooldown ?? 300,
    inCooldown: c?.ScaleInCooldown ?? 300,
  });
  const calls = targetTrackingCalls(props.resourceId, v);
  const invalid =
    v.min < 0 ||
    v.max < v.min ||
    !(v.target > 0 && v.target <= 100) ||
    !v.policyName ||
    v.outCooldown < 0 ||
    v.inCooldown < 0;
  const save = useMutation({
    mutationFn: async () => {
      const client = appAutoScalingClient(region);
      const [register, put] = calls as [ApiCall, ApiCall];
      await client.send(new RegisterScalableTargetCommand(register.input as never));
      await client.send(new PutScalingPolicyCommand(put.input as never));
    },
    onSuccess: props.onDone,
  });
  const num = (key: keyof typeof v, label: string) => (
    <label className="flex flex-col">
      {label}
      <input
        className={input}
        type="number"
        aria-label={label}
        value={v[key] as number}
        onChange={(e) => setV({ ...v, [key]: Number(e.target.value) })}
      />
    </label>
  );
  return (
    <form
      className="space-y-3 rounded border border-slate-300 p-3 dark:border-slate-600"
      aria-label="Target tracking policy"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) save.mutate();
      }}
    >
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col">
          Policy name
          <input
            className={input}
            value={v.policyName}
            disabled={props.policy !== undefined}
            onChange={(e) => setV({ ...v, policyName: e.target.value })}
          />
        </label>
        {num('min', 'Minimum tasks')}
        {num('max', 'Maximum tasks')}
        <label className="flex flex-col">
          Metric
          <select
            className={input}
            value={v.metric}
            onChange={(e) => setV({ ...v, metric: e.target.value as Metric })}
          >
            <option value="ECSServiceAverageCPUUtilization">Average CPU utilization</option>
            <option value="ECSServiceAverageMemoryUtilization">Average memory utilization</option>
          </select>
        </label>
        {num('target', 'Target value (%)')}
        {num('outCooldown', 'Scale-out cooldown (s)')}
        {num('inCooldown', 'Scale-in cooldown (s)')}
      </div>
      {invalid && (
        <p className="text-sm text-red-700 dark:text-red-400" role="alert">
          Minimum 0 or more, maximum at least the minimum, a target from 1 to 100 %, cooldowns 0 or more.
        </p>
      )}
      <ApiPreview calls={calls} title="What saving sends" />
      {save.isError && <ErrorState title="Application Auto Scaling refused the policy" error={save.error} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={invalid || save.isPending}>
          Save policy
        </Button>
        <Button onClick={props.onDone}>Cancel</Button>
      </div>
    </form>
  );
}
