/** "Run task": its values, validation and the RunTask input it sends. Pure. */
import { z } from 'zod';
import { intText, numberOrUndefined, optionalIntText, splitList, tagRowSchema } from '../../lib/form-values';

const ENV_LINE = /^[A-Za-z_][A-Za-z0-9_]*=/;

export const runTaskFormSchema = z
  .object({
    family: z.string().min(1, 'Choose a task definition family.'),
    revision: z.string(),
    count: intText('the number of tasks', 1, 10),
    compute: z.enum(['launchType', 'capacityProviders']),
    launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL']),
    capacityProviderStrategy: z.array(
      z.object({
        capacityProvider: z.string().trim().min(1, 'Enter a capacity provider.'),
        weight: optionalIntText('the weight', 0, 1000),
        base: optionalIntText('the base', 0, 100_000),
      }),
    ),
    awsvpc: z.boolean(),
    subnets: z.string(),
    securityGroups: z.string(),
    assignPublicIp: z.boolean(),
    group: z.string().max(255),
    overrides: z.array(
      z.object({
        name: z.string().trim().min(1, 'Enter the container to override.'),
        command: z.string(),
        environment: z
          .string()
          .refine(
            (t) => t.split('\n').every((l) => l.trim() === '' || ENV_LINE.test(l.trim())),
            'One NAME=value per line.',
          ),
      }),
    ),
    tags: z.array(tagRowSchema).max(50),
  })
  .superRefine((v, ctx) => {
    if (v.awsvpc && splitList(v.subnets).length === 0)
      ctx.addIssue({ code: 'custom', path: ['subnets'], message: 'awsvpc needs at least one subnet.' });
    if (v.compute === 'capacityProviders' && v.capacityProviderStrategy.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['capacityProviderStrategy'],
        message: 'Add a capacity provider.',
      });
  });

export type RunTaskForm = z.infer<typeof runTaskFormSchema>;

export function emptyRunTaskForm(family = ''): RunTaskForm {
  return {
    family,
    revision: '',
    count: '1',
    compute: 'launchType',
    launchType: 'EC2',
    capacityProviderStrategy: [],
    awsvpc: false,
    subnets: '',
    securityGroups: '',
    assignPublicIp: false,
    group: '',
    overrides: [],
    tags: [],
  };
}

const lines = (t: string) =>
  t
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The RunTask input the form sends (and shows). `clientToken` makes a repeated submit start nothing twice;
 * the SDK would otherwise add its own, unseen one.
 */
export function toRunTaskInput(
  cluster: string,
  v: RunTaskForm,
  clientToken?: string,
): Record<string, unknown> {
  const overrides = v.overrides.map((o) => ({
    name: o.name.trim(),
    ...(lines(o.command).length > 0 && { command: lines(o.command) }),
    ...(lines(o.environment).length > 0 && {
      environment: lines(o.environment).map((l) => {
        const at = l.indexOf('=');
        return { name: l.slice(0, at), value: l.slice(at + 1) };
      }),
    }),
  }));
  return {
    cluster,
    taskDefinition: v.revision ? `${v.family}:${v.revision}` : v.family,
    count: Number(v.count),
    ...(v.compute === 'launchType'
      ? { launchType: v.launchType }
      : {
          capacityProviderStrategy: v.capacityProviderStrategy.map((p) => ({
            capacityProvider: p.capacityProvider.trim(),
            ...(numberOrUndefined(p.weight) !== undefined && { weight: numberOrUndefined(p.weight) }),
            ...(numberOrUndefined(p.base) !== undefined && { base: numberOrUndefined(p.base) }),
          })),
        }),
    ...(v.awsvpc && {
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: splitList(v.subnets),
          ...(splitList(v.securityGroups).length > 0 && { securityGroups: splitList(v.securityGroups) }),
          assignPublicIp: v.assignPublicIp ? 'ENABLED' : 'DISABLED',
        },
      },
    }),
    ...(v.group.trim() && { group: v.group.trim() }),
    ...(overrides.length > 0 && { overrides: { containerOverrides: overrides } }),
    ...(v.tags.length > 0 && { tags: v.tags.map((t) => ({ key: t.key, value: t.value })) }),
    ...(clientToken && { clientToken }),
  };
}

/** A random idempotency token (crypto.randomUUID needs a secure context, which a LAN bind over http is not). */
export function newClientToken(): string {
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
