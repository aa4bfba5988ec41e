/** Names and ids the way CloudFormation makes them. */
import { cfnSuffix } from '../common/ids';

/**
 * `StackName-LogicalId-RANDOM` trimmed to `maxLength`: when too long, the stack name and logical id
 * share what is left after the suffix (the stack name gets the larger half), like
 * `EC2Contai-EcsElast-15DCDAURT3ZO2` for a 32-character load balancer name.
 */
export function physicalName(
  stackName: string,
  logicalId: string,
  maxLength: number,
  suffixLength = 13,
): string {
  const suffix = cfnSuffix(suffixLength);
  const room = maxLength - suffixLength - 2;
  if (stackName.length + logicalId.length <= room) return `${stackName}-${logicalId}-${suffix}`;
  let stackPart = Math.min(stackName.length, Math.ceil(room / 2));
  const logicalPart = Math.min(logicalId.length, room - stackPart);
  stackPart = Math.min(stackName.length, room - logicalPart);
  return `${stackName.slice(0, stackPart)}-${logicalId.slice(0, logicalPart)}-${suffix}`;
}

export const stackArn = (region: string, accountId: string, stackName: string, uuid: string): string =>
  `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${uuid}`;

export const STACK_NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9]*$/;
