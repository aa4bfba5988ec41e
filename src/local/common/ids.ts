import { randomFillSync, randomUUID } from 'node:crypto';

/**
 * Random bytes from a pool refilled 4 KiB at a time: one call into the CSPRNG per ~250 ids instead
 * of one per id (a RunTask of 10 makes about 30 ids; issue 14's profile showed `randomBytes` at 3 %).
 * Each byte is handed out once.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let used = POOL_SIZE;

function randomSlice(bytes: number): Buffer {
  if (bytes > POOL_SIZE) return randomFillSync(Buffer.alloc(bytes));
  if (used + bytes > POOL_SIZE) {
    randomFillSync(pool);
    used = 0;
  }
  const out = pool.subarray(used, used + bytes);
  used += bytes;
  return out;
}

/** 32 hex chars, the shape of ECS task and container-instance ids. */
export const hexId = (bytes = 16): string => randomSlice(bytes).toString('hex');
export const uuid = (): string => randomUUID();
/** EC2-style ids: `i-0abc...` (17 hex), `vpc-...`, `sg-...`. */
export const ec2Id = (prefix: string, hex = 17): string =>
  `${prefix}-${randomSlice(9).toString('hex').slice(0, hex)}`;
/** CloudFormation-style random suffix: 12 or 13 upper-case alphanumerics. */
export function cfnSuffix(length = 13): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomSlice(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
