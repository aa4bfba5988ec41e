/** Whether the wizard's choices leave the service's first new deployment no room to proceed. Pure. */
import { instanceTypes, type WizardAnswers } from '../../../blueprint/answers';
import { registeredMemoryMiB } from '../../../facts/container-instance';
import { minimumHealthyToStopOne, rolloutBlocked } from '../../lib/rollout';

export interface DeploymentWarning {
  message: string;
  /** A minimum healthy percent that lets the deployment proceed. */
  suggestedMinimum: number;
}

export function firstDeploymentWarning(a: WizardAnswers): DeploymentWarning | null {
  const type = instanceTypes.find((t) => t.name === a.cluster.instanceType);
  if (!type) return null;
  const containers = a.taskDefinition.containers;
  const fixed = containers.flatMap((c) => c.portMappings.filter((p) => p.hostPort > 0));
  const memory = containers.reduce((n, c) => n + (c.memoryReservation ?? c.memory ?? 0), 0);
  const cpu = containers.reduce((n, c) => n + c.cpu, 0);
  const perInstance = Math.min(
    fixed.length > 0 ? 1 : Infinity,
    memory > 0 ? Math.floor(registeredMemoryMiB(type.memoryMiB) / memory) : Infinity,
    cpu > 0 ? Math.floor((type.vcpu * 1024) / cpu) : Infinity,
  );
  const desired = a.service.desiredCount;
  const capacity = a.cluster.instanceCount * perInstance;
  const room = {
    desired,
    capacity,
    minimumHealthyPercent: a.service.minimumHealthyPercent,
    maximumPercent: a.service.maximumPercent,
  };
  if (!rolloutBlocked(room)) return null;
  const why =
    fixed.length > 0
      ? `host port ${fixed[0]?.hostPort} is fixed, so each of the ${a.cluster.instanceCount} instances runs one task`
      : `the ${a.cluster.instanceCount} instances hold ${capacity} tasks at most`;
  return {
    message: `The first new deployment (a new revision, or "Force new deployment") will be stuck: ${why}, all ${desired} are busy, and with a minimum healthy percent of ${a.service.minimumHealthyPercent} % ECS may not stop an old task first. Lower the minimum healthy percent (to ${minimumHealthyToStopOne(desired)} %), use a dynamic host port (0), or add an instance.`,
    suggestedMinimum: minimumHealthyToStopOne(desired),
  };
}
