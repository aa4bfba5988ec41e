/**
 * Fargate's task sizes (AWS: "Task CPU and memory" for Fargate): CPU units -> the memory (MiB) allowed
 * with it. The wizard validates against these, and so does the local ECS (RegisterTaskDefinition, RunTask).
 */
function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export const FARGATE_TASK_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

export const FARGATE_CPU_UNITS: readonly number[] = [...FARGATE_TASK_SIZES.keys()];

/** "512, 1024 or 2048": the memory sizes allowed with `cpu` units, for messages. */
export function fargateMemoryChoices(cpu: number): string {
  const sizes = FARGATE_TASK_SIZES.get(cpu) ?? [];
  if (sizes.length <= 4) return sizes.join(', ').replace(/, (\d+)$/, ' or $1');
  const first = sizes[0] ?? 0;
  const last = sizes[sizes.length - 1] ?? 0;
  const step = (sizes[1] ?? 0) - first;
  return `${first} to ${last} in steps of ${step}`;
}
