/**
 * What every ECS container instance has, whoever asks: the wizard's validation (blueprint), ECS's
 * RegisterContainerInstance and RegisterTaskDefinition, the scheduler's bookings and the simulated
 * agent. Plain data and pure functions: imports nothing.
 */

/**
 * Host ports taken on every container instance before any task: SSH (22), the Docker daemon (2375,
 * 2376) and the ECS agent (51678 introspection, 51679 task credentials, 51680 metrics). ECS documents
 * these as "reserved ports"; a task that maps one can never be placed.
 */
export const RESERVED_HOST_PORTS: readonly number[] = [22, 2375, 2376, 51678, 51679, 51680];

/**
 * The memory (MiB) the ECS agent registers for an instance with `installedMiB` of memory.
 *
 * The agent registers the total memory the operating system reports (`MemTotal` in /proc/meminfo,
 * read through Docker), less `ECS_RESERVED_MEMORY` (0 unless configured). The kernel and firmware keep
 * a few percent of the installed memory: AWS's example is an m4.large (8 GiB installed) that reports
 * 8,373,026,816 bytes, 7985 MiB or 97.5 %. We model that as 97 % rounded down: 993 MiB on a t2.micro,
 * 7946 MiB on an m4.large. (ECS registered 96 % for instances registered without resources, and the
 * agent 97 %; this one function replaces both.)
 */
export function registeredMemoryMiB(installedMiB: number): number {
  return Math.floor(installedMiB * 0.97);
}

/** Log drivers a container can name itself (no sidecar container): what the wizard offers. */
export const STANDALONE_LOG_DRIVERS = [
  'json-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
] as const;

/** Log drivers the agent registers as `com.amazonaws.ecs.capability.logging-driver.*` attributes. */
export const AGENT_LOG_DRIVERS = [...STANDALONE_LOG_DRIVERS, 'awsfirelens', 'none'] as const;
