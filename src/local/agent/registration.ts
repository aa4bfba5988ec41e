/**
 * What the ECS agent on a simulated EC2 instance says to ECS: RegisterContainerInstance with the
 * instance identity document, its resources and versions, as the real agent does at start.
 */
import { RESERVED_HOST_PORTS, registeredMemoryMiB } from '../../facts/container-instance';

export const AGENT_VERSION_INFO = {
  agentVersion: '1.89.2',
  agentHash: 'a3d9c1e7',
  dockerVersion: 'DockerVersion: 25.0.6',
};

/**
 * The cluster the agent joins, from the instance's UserData (base64, as EC2 holds it):
 *   - `ECS_CLUSTER=name` anywhere (the usual `echo ECS_CLUSTER=x >> /etc/ecs/ecs.config`) -> `name`;
 *   - UserData that configures the agent without naming a cluster (mentions ecs.config or sets
 *     another ECS_ variable) -> `default`, as the real agent does when ECS_CLUSTER is unset;
 *   - anything else (no UserData, unrelated scripts) -> null: the instance runs no agent.
 */
export function clusterFromUserData(userData: string): string | null {
  const text = decodeUserData(userData);
  const named = /ECS_CLUSTER\s*=\s*["']?([A-Za-z0-9_-]{1,255})/.exec(text);
  if (named) return named[1] as string;
  if (/ecs\.config|\bECS_[A-Z_]+\s*=/.test(text)) return 'default';
  return null;
}

function decodeUserData(userData: string): string {
  const trimmed = userData.trim();
  if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
    // Plain text that happens to be valid base64 decodes to binary noise: keep the original then.
    if (!decoded.includes('\uFFFD')) return decoded;
  }
  return userData;
}

export interface InstanceFacts {
  instanceId: string;
  instanceType: string;
  address: string;
  region: string;
  accountId: string;
  availabilityZone: string;
  vcpus: number;
  memoryMiB: number;
}

/** The RegisterContainerInstance input the agent sends for this instance. */
export function registrationInput(cluster: string, i: InstanceFacts) {
  return {
    cluster,
    instanceIdentityDocument: JSON.stringify({
      instanceId: i.instanceId,
      region: i.region,
      instanceType: i.instanceType,
      privateIp: i.address,
      availabilityZone: i.availabilityZone,
      accountId: i.accountId,
      architecture: 'x86_64',
      version: '2017-09-30',
    }),
    instanceIdentityDocumentSignature: '',
    totalResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: i.vcpus * 1024 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: registeredMemoryMiB(i.memoryMiB) },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: RESERVED_HOST_PORTS.map(String) },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
    ],
    versionInfo: { ...AGENT_VERSION_INFO },
    attributes: [
      { name: 'ecs.os-type', value: 'linux' },
      { name: 'ecs.os-family', value: 'LINUX' },
      { name: 'ecs.cpu-architecture', value: 'x86_64' },
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.17' },
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.44' },
    ],
  };
}
