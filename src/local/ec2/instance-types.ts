/**
 * The EC2 instance types the local control plane knows: vCPUs and memory as AWS publishes them.
 * The agent registers `vcpus * 1024` CPU units and the memory (less what the real agent reserves).
 */
export interface InstanceTypeInfo {
  vcpus: number;
  memoryMiB: number;
}

const GIB = 1024;

export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeInfo>> = {
  'm1.small': { vcpus: 1, memoryMiB: 1740 },
  't2.nano': { vcpus: 1, memoryMiB: 512 },
  't2.micro': { vcpus: 1, memoryMiB: 1 * GIB },
  't2.small': { vcpus: 1, memoryMiB: 2 * GIB },
  't2.medium': { vcpus: 2, memoryMiB: 4 * GIB },
  't2.large': { vcpus: 2, memoryMiB: 8 * GIB },
  't2.xlarge': { vcpus: 4, memoryMiB: 16 * GIB },
  't2.2xlarge': { vcpus: 8, memoryMiB: 32 * GIB },
  't3.nano': { vcpus: 2, memoryMiB: 512 },
  't3.micro': { vcpus: 2, memoryMiB: 1 * GIB },
  't3.small': { vcpus: 2, memoryMiB: 2 * GIB },
  't3.medium': { vcpus: 2, memoryMiB: 4 * GIB },
  't3.large': { vcpus: 2, memoryMiB: 8 * GIB },
  't3.xlarge': { vcpus: 4, memoryMiB: 16 * GIB },
  't3.2xlarge': { vcpus: 8, memoryMiB: 32 * GIB },
  't3a.micro': { vcpus: 2, memoryMiB: 1 * GIB },
  't3a.small': { vcpus: 2, memoryMiB: 2 * GIB },
  't3a.medium': { vcpus: 2, memoryMiB: 4 * GIB },
  't3a.large': { vcpus: 2, memoryMiB: 8 * GIB },
  'm3.medium': { vcpus: 1, memoryMiB: 3840 },
  'm3.large': { vcpus: 2, memoryMiB: 7680 },
  'm3.xlarge': { vcpus: 4, memoryMiB: 15360 },
  'm3.2xlarge': { vcpus: 8, memoryMiB: 30720 },
  'm4.large': { vcpus: 2, memoryMiB: 8 * GIB },
  'm4.xlarge': { vcpus: 4, memoryMiB: 16 * GIB },
  'm4.2xlarge': { vcpus: 8, memoryMiB: 32 * GIB },
  'm4.4xlarge': { vcpus: 16, memoryMiB: 64 * GIB },
  'm4.10xlarge': { vcpus: 40, memoryMiB: 160 * GIB },
  'm5.large': { vcpus: 2, memoryMiB: 8 * GIB },
  'm5.xlarge': { vcpus: 4, memoryMiB: 16 * GIB },
  'm5.2xlarge': { vcpus: 8, memoryMiB: 32 * GIB },
  'm5.4xlarge': { vcpus: 16, memoryMiB: 64 * GIB },
  'm5.12xlarge': { vcpus: 48, memoryMiB: 192 * GIB },
  'm6i.large': { vcpus: 2, memoryMiB: 8 * GIB },
  'm6i.xlarge': { vcpus: 4, memoryMiB: 16 * GIB },
  'c3.large': { vcpus: 2, memoryMiB: 3840 },
  'c3.xlarge': { vcpus: 4, memoryMiB: 7680 },
  'c4.large': { vcpus: 2, memoryMiB: 3840 },
  'c4.xlarge': { vcpus: 4, memoryMiB: 7680 },
  'c4.2xlarge': { vcpus: 8, memoryMiB: 15360 },
  'c5.large': { vcpus: 2, memoryMiB: 4 * GIB },
  'c5.xlarge': { vcpus: 4, memoryMiB: 8 * GIB },
  'c5.2xlarge': { vcpus: 8, memoryMiB: 16 * GIB },
  'c5.4xlarge': { vcpus: 16, memoryMiB: 32 * GIB },
  'r3.large': { vcpus: 2, memoryMiB: 15616 },
  'r4.large': { vcpus: 2, memoryMiB: 15616 },
  'r5.large': { vcpus: 2, memoryMiB: 16 * GIB },
  'r5.xlarge': { vcpus: 4, memoryMiB: 32 * GIB },
  'i2.xlarge': { vcpus: 4, memoryMiB: 31232 },
  'i2.2xlarge': { vcpus: 8, memoryMiB: 62464 },
  'i2.4xlarge': { vcpus: 16, memoryMiB: 124928 },
  'i2.8xlarge': { vcpus: 32, memoryMiB: 249856 },
  'g2.2xlarge': { vcpus: 8, memoryMiB: 15360 },
};

export function instanceTypeInfo(type: string): InstanceTypeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(INSTANCE_TYPES, type) ? INSTANCE_TYPES[type] : undefined;
}
