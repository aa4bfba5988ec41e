import { useState } from 'react';
import { apiInputJson, cliOperation, cliScriptOf, type ApiCall } from '../../../blueprint/cli-command';
import { cn } from '../../lib/cn';
import { CodeBlock } from './code-block';

const serviceLabels: Record<string, string> = {
  ecs: 'ECS',
  cloudformation: 'CloudFormation',
  ec2: 'EC2',
  autoscaling: 'Auto Scaling',
  'application-autoscaling': 'Application Auto Scaling',
  monitoring: 'CloudWatch',
  elasticloadbalancingv2: 'ELB',
};

/** "ECS CreateService" */
export function callLabel(call: ApiCall): string {
  return `${serviceLabels[call.service] ?? call.service} ${call.operation}`;
}

/**
 * What a form sends: each call's exact API input (JSON) and the same calls as AWS CLI commands, with
 * copy and download. The form sends these very objects, so what is shown is what is sent.
 */
export function ApiPreview({
  calls,
  note,
  title = 'What this sends',
}: {
  calls: ApiCall[];
  /** E.g. why a value is a placeholder until an earlier call answers. */
  note?: string;
  title?: string;
}) {
  const [view, setView] = useState<'json' | 'cli'>('json');
  const tab = (id: 'json' | 'cli', label: string) => (
    <button
      type="button"
      aria-pressed={view === id}
      onClick={() => setView(id)}
      className={cn(
        'rounded-md px-2.5 py-1 text-sm font-medium',
        view === id
          ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900'
          : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800',
      )}
    >
      {label}
    </button>
  );
  return (
    <section aria-label={title} className="space-y-3" data-testid="api-preview">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-base font-semibold">{title}</h2>
        <div className="flex gap-1" role="group" aria-label="Show as">
          {tab('json', 'API input (JSON)')}
          {tab('cli', 'AWS CLI')}
        </div>
      </div>
      {note && <p className="text-xs text-slate-600 dark:text-slate-400">{note}</p>}
      {view === 'json' ? (
        calls.map((call, i) => (
          <div key={`${call.operation}-${i}`} data-operation={call.operation}>
            <h3 className="mb-1 font-mono text-xs text-slate-700 dark:text-slate-300">{callLabel(call)}</h3>
            <CodeBlock
              code={apiInputJson(call.input)}
              filename={`${cliOperation(call.operation)}${calls.length > 1 ? `-${i + 1}` : ''}.json`}
              mimeType="application/json"
              label={`${callLabel(call)} input`}
              testId="api-input"
            />
          </div>
        ))
      ) : (
        <CodeBlock
          code={cliScriptOf(calls)}
          filename={`${cliOperation(calls[0]?.operation ?? 'calls')}.sh`}
          mimeType="text/x-shellscript"
          label="AWS CLI commands"
          testId="api-cli"
        />
      )}
    </section>
  );
}
