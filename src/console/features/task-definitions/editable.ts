import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { z } from 'zod';

/** Fields ECS sets on a registered revision; RegisterTaskDefinition refuses or ignores them. */
const READ_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

/** The revision as RegisterTaskDefinition input, pretty-printed, for editing into a new revision. */
export function editableJson(td: TaskDefinition, tags?: Array<{ key?: string; value?: string }>): string {
  const copy: Record<string, unknown> = { ...td };
  for (const k of READ_ONLY) delete copy[k];
  if (tags?.length) copy['tags'] = tags;
  return JSON.stringify(copy, null, 2);
}

/** What the editor must hold before it is sent: the server validates the rest and its errors are shown. */
export const registerInputSchema = z
  .object({
    family: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, 'family: 1-255 letters, digits, hyphens or underscores'),
    containerDefinitions: z
      .array(z.object({ name: z.string().min(1, 'each container needs a name') }).loose())
      .min(1, 'containerDefinitions needs at least one container'),
  })
  .loose();

export type RegisterInput = z.infer<typeof registerInputSchema>;

/** Parses the edited text: JSON syntax first, then the shape; errors read as sentences for the editor. */
export function parseRegisterInput(
  text: string,
): { ok: true; value: RegisterInput } | { ok: false; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`Invalid JSON: ${(e as Error).message}`] };
  }
  const parsed = registerInputSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) =>
        i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
      ),
    };
  }
  return { ok: true, value: parsed.data };
}
