import { describe, expect, it } from 'vitest';
import { addInstanceInput } from './add-instance';

describe('addInstanceInput', () => {
  it('raises the Auto Scaling group size by one and keeps everything else', () => {
    expect(
      addInstanceInput({
        StackName: 'EC2ContainerService-prod',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(0),
        Parameters: [
          { ParameterKey: 'EcsClusterName', ParameterValue: 'prod' },
          { ParameterKey: 'AsgMaxSize', ParameterValue: '2' },
        ],
      }),
    ).toEqual({
      StackName: 'EC2ContainerService-prod',
      UsePreviousTemplate: true,
      Parameters: [
        { ParameterKey: 'EcsClusterName', UsePreviousValue: true },
        { ParameterKey: 'AsgMaxSize', ParameterValue: '3' },
      ],
      Capabilities: ['CAPABILITY_IAM'],
    });
    expect(
      addInstanceInput({ StackName: 'x', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0) }),
    ).toBeNull();
  });
});
