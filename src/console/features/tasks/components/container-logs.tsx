/**
 * The Logs section of the task page: one panel per container. A container with the awslogs driver
 * shows its stream's newest lines, a Follow toggle (GetLogEvents with the forward token every 2 s
 * while the tab is visible) and a filter (FilterLogEvents). Loaded on demand with its SDK client.
 */
import type { Task } from '@aws-sdk/client-ecs';
import { useEffect, useId, useRef, useState } from 'react';
import { ErrorState } from '../../../components/ui/error-state';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { cn } from '../../../lib/cn';
import { once } from '../../../lib/format';
import { useFilteredLines, useLogTail, type LogLine } from '../api/log-events';
import { useContainerLogs, type ContainerLogs, type LogTarget } from '../api/log-targets';

const timeFormat = once(
  () =>
    new Intl.DateTimeFormat(undefined, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }),
);

function Lines({ lines, label }: { lines: LogLine[]; label: string }) {
  const list = useRef<HTMLOListElement>(null);
  const newest = lines[lines.length - 1]?.key;
  // The newest line stays in view as lines arrive.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [newest]);
  return (
    <ol
      ref={list}
      tabIndex={0}
      aria-label={label}
      className="max-h-80 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100"
      data-testid="log-lines"
    >
      {lines.map((l) => (
        <li key={l.key} className="break-all whitespace-pre-wrap">
          {l.timestamp !== undefined && (
            <time className="mr-2 text-slate-400" dateTime={new Date(l.timestamp).toISOString()}>
              {timeFormat().format(new Date(l.timestamp))}
            </time>
          )}
          {l.message}
        </li>
      ))}
    </ol>
  );
}

function NoEvents({ children }: { children: string }) {
  return (
    <p
      className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
      data-testid="log-empty"
    >
      {children}
    </p>
  );
}

function StreamView({ target, name }: { target: LogTarget; name: string }) {
  const [following, setFollowing] = useState(false);
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const { tail, lines, followError } = useLogTail(target, following);
  const filtered = useFilteredLines(target, filter, following);
  const filtering = filter.trim() !== '';

  let body;
  if (filtering) {
    if (filtered.isError)
      body = <ErrorState title="Could not filter the log events" error={filtered.error} />;
    else if (!filtered.data) body = <LoadingBlock label="Filtering the log events" lines={2} />;
    else if (filtered.data.length === 0) body = <NoEvents>No log events match the filter</NoEvents>;
    else body = <Lines lines={filtered.data} label={`Log events of ${name} matching ${filter}`} />;
  } else if (tail.isError) {
    body = (
      <ErrorState
        title="Could not read the log stream"
        error={tail.error}
        onRetry={() => void tail.refetch()}
      />
    );
  } else if (!tail.data) {
    body = <LoadingBlock label="Loading the log events" lines={2} />;
  } else if (lines.length === 0) {
    body = <NoEvents>No log events yet</NoEvents>;
  } else {
    body = <Lines lines={lines} label={`Log events of ${name}`} />;
  }

  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Log group <code className="font-mono">{target.group}</code> · stream{' '}
        <code className="font-mono" data-testid="log-stream">
          {target.stream}
        </code>{' '}
        · {target.region}
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            role="switch"
            aria-checked={following}
            checked={following}
            onChange={(e) => setFollowing(e.target.checked)}
          />
          Follow
        </label>
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor={filterId} className="text-xs text-slate-600 dark:text-slate-400">
            Filter log events
          </label>
          <input
            id={filterId}
            type="search"
            value={filter}
            placeholder='e.g. GET or "GET /health"'
            onChange={(e) => setFilter(e.target.value)}
            className="w-72 rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
          />
        </div>
        {following && (
          <span className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
            Following: new lines every 2 s while this tab is visible
          </span>
        )}
      </div>
      {followError !== undefined && !filtering && (
        <ErrorState title="Could not follow the log stream" error={followError} />
      )}
      {body}
    </div>
  );
}

function ContainerPanel({ c }: { c: ContainerLogs }) {
  return (
    <section
      aria-label={`Logs of ${c.name}`}
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
      data-testid="container-logs"
      data-container={c.name}
    >
      <h3 className="mb-2 text-sm font-semibold">{c.name}</h3>
      {c.target ? (
        <StreamView target={c.target} name={c.name} />
      ) : c.logConfiguration?.logDriver === 'awslogs' ? (
        <NoEvents>The log stream is named after the container id, known once the container runs</NoEvents>
      ) : (
        <div className="text-sm">
          <p>This container has no awslogs log configuration</p>
          <pre
            className={cn(
              'mt-2 overflow-auto rounded-md bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900',
              !c.logConfiguration && 'text-slate-600 dark:text-slate-400',
            )}
          >
            {c.logConfiguration ? JSON.stringify(c.logConfiguration, null, 2) : 'No log configuration'}
          </pre>
        </div>
      )}
    </section>
  );
}

export function ContainerLogsSection({ task }: { task: Task }) {
  const containers = useContainerLogs(task);
  return (
    <section className="mb-8" aria-labelledby="logs-heading">
      <h2 id="logs-heading" className="mb-3 text-lg font-semibold">
        Logs
      </h2>
      {containers.isError ? (
        <ErrorState title="Could not read the containers' log configuration" error={containers.error} />
      ) : !containers.data ? (
        <LoadingBlock label="Loading the log configuration" lines={2} />
      ) : (
        <div className="flex flex-col gap-4">
          {containers.data.map((c) => (
            <ContainerPanel key={c.name} c={c} />
          ))}
        </div>
      )}
    </section>
  );
}
