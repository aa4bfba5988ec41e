import { useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { blueprint, fargateOf, idList, instanceTypes, type WizardAnswers } from '../../../../blueprint';
import { CodeBlock } from '../../../components/ui/code-block';
import { Tabs } from '../../../components/ui/tabs';
import { cn } from '../../../lib/cn';

function Summary({ title, items }: { title: string; items: Array<[string, ReactNode]> }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
      <h3 className="mb-3 text-sm font-semibold">{title}</h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        {items.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-600 dark:text-slate-400">{k}</dt>
            <dd className="min-w-0 font-medium break-words">{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** The summary and the generated artifacts: exactly what the launch will send. */
export function ReviewStep({ answers }: { answers: WizardAnswers }) {
  const bp = useMemo(() => blueprint(answers), [answers]);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'task-definition';
  const format = params.get('format') === 'yaml' ? 'yaml' : 'json';
  const update = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const { taskDefinition: td, service, cluster } = answers;
  const type = instanceTypes.find((t) => t.name === cluster.instanceType);
  const fargate = fargateOf(answers);

  const tabs = [
    {
      id: 'task-definition',
      label: 'Task definition',
      content: (
        <CodeBlock
          label="RegisterTaskDefinition input (JSON)"
          filename="task-definition.json"
          mimeType="application/json"
          code={json(bp.inputs.registerTaskDefinition)}
        />
      ),
    },
    {
      id: 'service',
      label: 'Service',
      content: (
        <div className="space-y-2">
          {service.loadBalancer && (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              The target group ARN is filled in from the stack's <code>TargetGroupArn</code> output at launch.
            </p>
          )}
          {bp.inputs.createService ? (
            <CodeBlock
              label="CreateService input (JSON)"
              filename="service.json"
              mimeType="application/json"
              code={json(bp.inputs.createService)}
            />
          ) : (
            <>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                On Fargate the stack {bp.stackName} creates the service (no CreateService call): its{' '}
                <code>EcsService</code> resource, with <code>LaunchType</code> FARGATE and the awsvpc network.
              </p>
              <CodeBlock
                label="AWS::ECS::Service resource of the stack (JSON)"
                filename="service-resource.json"
                mimeType="application/json"
                code={json(bp.template.Resources['EcsService'])}
              />
            </>
          )}
          {bp.inputs.registerScalableTarget && bp.inputs.putScalingPolicy && (
            <>
              <CodeBlock
                label="Application Auto Scaling RegisterScalableTarget input (JSON)"
                filename="scalable-target.json"
                mimeType="application/json"
                code={json(bp.inputs.registerScalableTarget)}
              />
              <CodeBlock
                label="Application Auto Scaling PutScalingPolicy input (JSON)"
                filename="scaling-policy.json"
                mimeType="application/json"
                code={json(bp.inputs.putScalingPolicy)}
              />
            </>
          )}
          {!bp.inputs.createService && service.autoScaling && (
            <CodeBlock
              label="Auto scaling resources of the stack (JSON)"
              filename="scaling-resources.json"
              mimeType="application/json"
              code={json({
                EcsScalableTarget: bp.template.Resources['EcsScalableTarget'],
                EcsCpuScalingPolicy: bp.template.Resources['EcsCpuScalingPolicy'],
              })}
            />
          )}
        </div>
      ),
    },
    {
      id: 'cluster',
      label: 'Cluster',
      content: (
        <div className="space-y-4">
          <CodeBlock
            label="CreateCluster input (JSON)"
            filename="cluster.json"
            mimeType="application/json"
            code={json(bp.inputs.createCluster)}
          />
          <CodeBlock
            label={`Parameters of stack ${bp.stackName} (JSON)`}
            filename="stack-parameters.json"
            mimeType="application/json"
            code={json(bp.stackParameters)}
          />
        </div>
      ),
    },
    {
      id: 'cloudformation',
      label: 'CloudFormation template',
      content: (
        <div className="space-y-3">
          <div
            role="group"
            aria-label="Template format"
            className="inline-flex rounded-md border border-slate-300 dark:border-slate-600"
          >
            {(['json', 'yaml'] as const).map((f) => (
              <button
                key={f}
                type="button"
                aria-pressed={format === f}
                onClick={() => update('format', f)}
                className={cn(
                  'px-3 py-1 text-sm first:rounded-l-md last:rounded-r-md',
                  format === f
                    ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900'
                    : 'hover:bg-slate-100 dark:hover:bg-slate-800',
                )}
              >
                {f.toUpperCase()}
              </button>
            ))}
          </div>
          {format === 'json' ? (
            <CodeBlock
              label="CloudFormation template (JSON)"
              filename={`${bp.stackName}.json`}
              mimeType="application/json"
              code={bp.templateJson}
            />
          ) : (
            <CodeBlock
              label="CloudFormation template (YAML)"
              filename={`${bp.stackName}.yaml`}
              mimeType="application/yaml"
              code={bp.templateYaml}
            />
          )}
        </div>
      ),
    },
    {
      id: 'cli',
      label: 'AWS CLI script',
      content: (
        <CodeBlock
          label="AWS CLI script"
          filename="launch.sh"
          mimeType="text/x-shellscript"
          code={bp.cliScript}
        />
      ),
    },
  ];

  return (
    <div className="space-y-6">
      <div className="grid gap-4 lg:grid-cols-3">
        <Summary
          title="Task definition"
          items={[
            ['Family', td.family],
            ...td.containers.map((c): [string, ReactNode] => [
              `Container ${c.name}`,
              <span key={c.name}>
                {c.image} · {c.memory !== undefined ? `${c.memory} MiB` : `${c.memoryReservation} MiB soft`} ·{' '}
                {c.cpu} CPU
                {c.portMappings.length > 0 && (
                  <>
                    {' '}
                    ·{' '}
                    {c.portMappings
                      .map((p) => `${p.hostPort || 'dynamic'}→${p.containerPort}/${p.protocol}`)
                      .join(', ')}
                  </>
                )}
              </span>,
            ]),
          ]}
        />
        <Summary
          title="Service"
          items={[
            ['Name', service.name],
            ['Desired tasks', service.desiredCount],
            ['Deployment', `${service.minimumHealthyPercent}% – ${service.maximumPercent}%`],
            [
              'Circuit breaker',
              service.circuitBreaker === 'rollback'
                ? 'On, with rollback'
                : service.circuitBreaker === 'fail'
                  ? 'On, without rollback'
                  : 'Off',
            ],
            [
              'Auto scaling',
              service.autoScaling
                ? `${service.autoScaling.minTasks}–${service.autoScaling.maxTasks} tasks, CPU at ${service.autoScaling.targetCpu}%`
                : 'None',
            ],
            [
              'Load balancer',
              service.loadBalancer
                ? `${service.loadBalancer.containerName}:${service.loadBalancer.containerPort} on HTTP :${service.loadBalancer.listenerPort}, health ${service.loadBalancer.healthCheckPath}`
                : 'None',
            ],
          ]}
        />
        <Summary
          title="Cluster"
          items={
            fargate
              ? [
                  ['Name', cluster.name],
                  ['Launch type', 'Fargate'],
                  ['Task size', `${fargate.cpu} CPU units, ${fargate.memory} MiB`],
                  ['Subnets', idList(fargate.subnets).join(', ')],
                  ['Security groups', idList(fargate.securityGroups).join(', ') || "The VPC's default"],
                  ['Public IP', fargate.assignPublicIp],
                  ['Stack', bp.stackName],
                ]
              : [
                  ['Name', cluster.name],
                  [
                    'Instances',
                    `${cluster.instanceCount} × ${cluster.instanceType}${type ? ` (${type.vcpu} vCPU, ${type.memoryMiB} MiB)` : ''}`,
                  ],
                  ['Key pair', cluster.keyName || 'None'],
                  ['Inbound', cluster.ingress.map((r) => `${r.port} from ${r.cidr}`).join(', ') || 'None'],
                  [
                    'Instance role',
                    cluster.instanceRole.kind === 'create' ? 'Create new role' : cluster.instanceRole.name,
                  ],
                  ['Stack', bp.stackName],
                ]
          }
        />
      </div>
      <section aria-labelledby="artifacts-heading">
        <h2 id="artifacts-heading" className="mb-2 text-lg font-semibold">
          What the launch will send
        </h2>
        <Tabs label="Generated artifacts" tabs={tabs} selected={tab} onSelect={(id) => update('tab', id)} />
      </section>
    </div>
  );
}
