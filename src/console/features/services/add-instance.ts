import type { Stack } from '@aws-sdk/client-cloudformation';

/**
 * UpdateStack of the cluster's stack with one more instance: the same template, every parameter as it
 * was except AsgMaxSize (the Auto Scaling group's size), one higher. Null when the stack has no such size.
 */
export function addInstanceInput(stack: Stack): Record<string, unknown> | null {
  const params = stack.Parameters ?? [];
  const size = params.find((p) => p.ParameterKey === 'AsgMaxSize');
  if (!stack.StackName || !size) return null;
  return {
    StackName: stack.StackName,
    UsePreviousTemplate: true,
    Parameters: params.map((p) =>
      p.ParameterKey === 'AsgMaxSize'
        ? { ParameterKey: 'AsgMaxSize', ParameterValue: String(Number(size.ParameterValue ?? '0') + 1) }
        : { ParameterKey: p.ParameterKey, UsePreviousValue: true },
    ),
    Capabilities: ['CAPABILITY_IAM'],
  };
}
