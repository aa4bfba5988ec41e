import { randomBytes, randomUUID } from 'node:crypto';

/** 32 hex chars, the shape of ECS task and container-instance ids. */
export const hexId = (bytes = 16): string => randomBytes(bytes).toString('hex');
export const uuid = (): string => randomUUID();
/** EC2-style ids: `i-0abc...` (17 hex), `vpc-...`, `sg-...`. */
export const ec2Id = (prefix: string, hex = 17): string =>
  `${prefix}-${randomBytes(9).toString('hex').slice(0, hex)}`;
/** CloudFormation-style random suffix: 12 or 13 upper-case alphanumerics. */
export function cfnSuffix(length = 13): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
