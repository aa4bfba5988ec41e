import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';

/** GetTemplate (the original template body, JSON or YAML as submitted). */
export function stackTemplateQuery(region: string, stack: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'cloudformation', 'GetTemplate', { stack }),
    queryFn: async () =>
      (await cloudFormationClient(region).send(new GetTemplateCommand({ StackName: stack }))).TemplateBody ??
      '',
    staleTime: 60_000,
  });
}

export function useStackTemplate(stack: string) {
  const { region } = useRegion();
  return useQuery(stackTemplateQuery(region, stack));
}
