/**
 * EC2 instance types: vCPUs and installed memory (MiB) as EC2 publishes them. One table for the
 * wizard (which offers `wizardInstanceTypes`), the local EC2 (DescribeInstanceTypes, RunInstances)
 * and ECS (what a container instance of that type registers). Plain data: imports nothing.
 */
export interface InstanceTypeInfo {
  vcpus: number;
  memoryMiB: number;
}

const GIB = 1024;

export const INSTANCE_TYPES = {
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
} as const satisfies Readonly<Record<string, InstanceTypeInfo>>;

export type InstanceTypeName = keyof typeof INSTANCE_TYPES;

/** The type's vCPUs and memory, or undefined for a type the table does not know (never a prototype key). */
export function instanceTypeInfo(type: string): InstanceTypeInfo | undefined {
  return Object.hasOwn(INSTANCE_TYPES, type) ? INSTANCE_TYPES[type as InstanceTypeName] : undefined;
}

/** The instance types the first-run wizard offers, in the order it lists them. */
export const WIZARD_INSTANCE_TYPES = [
  't2.nano',
  't2.micro',
  't2.small',
  't2.medium',
  't2.large',
  't3.micro',
  't3.small',
  't3.medium',
  'm4.large',
  'm4.xlarge',
  'm5.large',
  'm5.xlarge',
  'c4.large',
  'c5.large',
  'r4.large',
] as const satisfies readonly InstanceTypeName[];

/**
 * Network interfaces an instance type can hold (EC2's MaximumNetworkInterfaces, without ENI
 * trunking). The primary interface is the instance's own, so an instance runs at most this many
 * minus one awsvpc tasks; ECS refuses the next with RESOURCE:ENI.
 */
const NETWORK_INTERFACES: Readonly<Record<InstanceTypeName, number>> = {
  'm1.small': 2,
  't2.nano': 2,
  't2.micro': 2,
  't2.small': 3,
  't2.medium': 3,
  't2.large': 3,
  't2.xlarge': 3,
  't2.2xlarge': 3,
  't3.nano': 2,
  't3.micro': 2,
  't3.small': 3,
  't3.medium': 3,
  't3.large': 3,
  't3.xlarge': 4,
  't3.2xlarge': 4,
  't3a.micro': 2,
  't3a.small': 2,
  't3a.medium': 3,
  't3a.large': 3,
  'm3.medium': 2,
  'm3.large': 3,
  'm3.xlarge': 4,
  'm3.2xlarge': 4,
  'm4.large': 2,
  'm4.xlarge': 4,
  'm4.2xlarge': 4,
  'm4.4xlarge': 8,
  'm4.10xlarge': 8,
  'm5.large': 3,
  'm5.xlarge': 4,
  'm5.2xlarge': 4,
  'm5.4xlarge': 8,
  'm5.12xlarge': 8,
  'm6i.large': 3,
  'm6i.xlarge': 4,
  'c3.large': 3,
  'c3.xlarge': 4,
  'c4.large': 3,
  'c4.xlarge': 4,
  'c4.2xlarge': 4,
  'c5.large': 3,
  'c5.xlarge': 4,
  'c5.2xlarge': 4,
  'c5.4xlarge': 8,
  'r3.large': 3,
  'r4.large': 3,
  'r5.large': 3,
  'r5.xlarge': 4,
  'i2.xlarge': 4,
  'i2.2xlarge': 4,
  'i2.4xlarge': 8,
  'i2.8xlarge': 8,
  'g2.2xlarge': 4,
};

/** The type's network interface limit, or undefined for a type the table does not know. */
export function maxNetworkInterfaces(type: string): number | undefined {
  return Object.hasOwn(NETWORK_INTERFACES, type) ? NETWORK_INTERFACES[type as InstanceTypeName] : undefined;
}
