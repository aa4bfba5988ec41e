import { useId } from 'react';
import type { BackendInfo } from '../aws/backend';
import { useRegion } from '../aws/backend';
import { useLiveness } from '../aws/liveness';

/** Which backend the console talks to: local control plane, an AWS account and region, or an endpoint URL. */
export function BackendBadge({ info }: { info: BackendInfo }) {
  const { region, setRegion } = useRegion();
  const selectId = useId();
  const label =
    info.mode === 'local'
      ? 'Local control plane'
      : info.mode === 'aws'
        ? `AWS ${info.accountId ?? 'account'}`
        : `Endpoint ${info.endpoint ?? ''}`;
  const live = useLiveness();
  const dot = !live.reachable
    ? 'bg-red-500'
    : info.mode === 'aws'
      ? 'bg-orange-500'
      : info.mode === 'local'
        ? 'bg-emerald-500'
        : 'bg-sky-500';
  const runtime = info.mode === 'local' ? info.runtime : undefined;
  const switchHint =
    runtime?.kind === 'simulated' && runtime.dockerEngine
      ? `A Docker Engine (${runtime.dockerEngine}) is available: restart with "ecs-console serve --runtime docker" to run tasks as real containers.`
      : undefined;
  return (
    <div className="flex items-center gap-2 text-xs" data-testid="backend-badge">
      <span className="inline-flex items-center gap-1.5 rounded-full border border-slate-600 px-2.5 py-1 text-slate-200">
        <span aria-hidden="true" className={`size-2 rounded-full ${dot}`} />
        <span className="max-w-56 truncate" title={label}>
          {label}
        </span>
        {info.mode !== 'aws' && <span className="text-slate-400">· {region}</span>}
        {runtime && (
          <span className="text-slate-400" data-testid="backend-runtime" title={switchHint}>
            · {runtime.kind === 'docker' ? 'Docker containers' : 'simulated containers'}
            {switchHint && <span aria-hidden="true"> · Docker available</span>}
          </span>
        )}
        {!live.reachable && <span className="font-medium text-red-300">· unreachable</span>}
      </span>
      {switchHint && (
        <span className="sr-only" data-testid="runtime-switch-hint">
          {switchHint}
        </span>
      )}
      {info.mode === 'aws' && (
        <>
          <label htmlFor={selectId} className="sr-only">
            Region
          </label>
          <select
            id={selectId}
            value={region}
            onChange={(e) => setRegion(e.target.value)}
            className="rounded-md border border-slate-600 bg-slate-800 px-2 py-1 text-xs text-slate-100"
          >
            {(info.regions.includes(region) ? info.regions : [region, ...info.regions]).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
  );
}
