import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultAnswers, wizardAnswersSchema, type WizardAnswers } from './answers';
import { cliScript } from './cli';
import { shellQuote } from './cli-command';
import { apiInputs } from './inputs';
import { templateToJson } from './render';
import { cloudFormationTemplate, stackParameters } from './template';

const tricky = [
  '',
  'plain',
  "it's",
  '"double" and \'single\'',
  '$HOME ${PATH} $(id) `id`',
  'back\\slash \\n',
  'new\nline',
  '!history *glob* ?x [a] ~user',
  'semi; rm -rf / & | > <',
  'ECS_CONSOLE_EOF',
  'tab\tand unicode ✓',
];

const dir = mkdtempSync(join(tmpdir(), 'blueprint-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shellQuote', () => {
  it.each(tricky)('bash reads back exactly %j', (value) => {
    const out = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
    expect(out).toBe(value);
  });
});

/**
 * A stand-in for the AWS CLI: records each call's arguments and the files passed as file://, and answers
 * describe-stacks with a target group ARN. Proves what the script sends without any endpoint.
 */
function fakeAws(): { command: string; log: string } {
  const log = mkdtempSync(join(dir, 'log-'));
  const bin = join(log, 'fake-aws');
  writeFileSync(
    bin,
    `#!/usr/bin/env bash
set -eu
log=${shellQuote(log)}
printf '%s\\x1f' "$@" >> "$log/calls"
printf '\\n' >> "$log/calls"
for a in "$@"; do
  case "$a" in file://*) cp "\${a#file://}" "$log/$(basename "\${a#file://}")" ;; esac
done
if [ "$4" = describe-stacks ]; then echo 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/EC2Co-Defau-1/0123456789abcdef'; fi
`,
  );
  chmodSync(bin, 0o755);
  return { command: `${bin} --endpoint-url http://127.0.0.1:1`, log };
}

function runScript(answers: WizardAnswers): { calls: string[][]; file: (name: string) => unknown } {
  const fake = fakeAws();
  const script = join(fake.log, 'launch.sh');
  writeFileSync(script, cliScript(answers));
  execFileSync('bash', [script], {
    env: { ...process.env, AWS: fake.command },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const calls = readFileSync(join(fake.log, 'calls'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\x1f').slice(0, -1));
  return { calls, file: (name) => JSON.parse(readFileSync(join(fake.log, name), 'utf8')) };
}

const trickyAnswers = wizardAnswersSchema.parse({
  ...defaultAnswers,
  taskDefinition: {
    family: 'tricky',
    containers: [
      {
        ...defaultAnswers.taskDefinition.containers[0],
        command: tricky,
        environment: tricky.map((value, i) => ({ name: `V${i}`, value })),
        logConfiguration: { logDriver: 'syslog', options: { tag: "it's $TAG" } },
      },
    ],
  },
  service: {
    ...defaultAnswers.service,
    loadBalancer: {
      containerName: 'simple-app',
      containerPort: 80,
      listenerPort: 8080,
      healthCheckPath: '/h?a=1&b=2',
    },
  },
  cluster: { ...defaultAnswers.cluster, name: 'tricky-cluster', keyName: `key "it's" $x` },
});

describe('cliScript', () => {
  it('is valid bash', () => {
    for (const a of [defaultAnswers, trickyAnswers]) {
      const file = join(dir, 'syntax.sh');
      writeFileSync(file, cliScript(a));
      expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
    }
  });

  it('runs the launch in order through $AWS, without a load balancer', () => {
    const { calls, file } = runScript(defaultAnswers);
    expect(calls.map((c) => c.slice(2, 4).join(' '))).toEqual([
      'ecs create-cluster',
      'ecs register-task-definition',
      'cloudformation create-stack',
      'cloudformation wait',
      'ecs create-service',
      'ecs wait',
    ]);
    for (const call of calls) expect(call.slice(0, 2)).toEqual(['--endpoint-url', 'http://127.0.0.1:1']);
    const inputs = apiInputs(defaultAnswers);
    expect(calls[0]).toEqual([
      '--endpoint-url',
      'http://127.0.0.1:1',
      'ecs',
      'create-cluster',
      '--cluster-name',
      'default',
    ]);
    expect(file('task-definition.json')).toEqual(inputs.registerTaskDefinition);
    expect(file('service.json')).toEqual(inputs.createService);
    expect(calls[2]).toEqual(
      expect.arrayContaining([
        '--stack-name',
        'EC2ContainerService-default',
        '--capabilities',
        'CAPABILITY_IAM',
      ]),
    );
    expect(calls[3]?.slice(4)).toEqual([
      'stack-create-complete',
      '--stack-name',
      'EC2ContainerService-default',
    ]);
    expect(calls[5]?.slice(4)).toEqual([
      'services-stable',
      '--cluster',
      'default',
      '--services',
      'sample-webapp',
    ]);
  });

  it('sends tricky values byte for byte, and the target group ARN from the stack outputs', () => {
    const { calls, file } = runScript(trickyAnswers);
    const inputs = apiInputs(trickyAnswers);
    expect(file('task-definition.json')).toEqual(inputs.registerTaskDefinition);
    expect(file('template.json')).toEqual(JSON.parse(templateToJson(cloudFormationTemplate(trickyAnswers))));
    expect(file('parameters.json')).toEqual(stackParameters(trickyAnswers));
    expect(stackParameters(trickyAnswers)).toContainEqual({
      ParameterKey: 'KeyName',
      ParameterValue: `key "it's" $x`,
    });
    expect(calls.map((c) => c[3])).toEqual([
      'create-cluster',
      'register-task-definition',
      'create-stack',
      'wait',
      'describe-stacks',
      'create-service',
      'wait',
    ]);
    const { loadBalancers: _lb, ...service } = inputs.createService ?? {};
    expect(file('service.json')).toEqual(service);
    const createService = calls[5] ?? [];
    expect(createService[createService.indexOf('--load-balancers') + 1]).toBe(
      'targetGroupArn=arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/EC2Co-Defau-1/0123456789abcdef,containerName=simple-app,containerPort=80',
    );
  });
});
