import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';

/** IAM ListInstanceProfiles: names of the instance profiles an instance can use (e.g. ecsInstanceRole). */
export function instanceProfilesQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'iam', 'ListInstanceProfiles'),
    queryFn: async (): Promise<string[]> => {
      const { iamClient, ListInstanceProfilesCommand } = await import('../../../aws/iam');
      const out = await iamClient(region).send(new ListInstanceProfilesCommand({}));
      return (out.InstanceProfiles ?? [])
        .map((p) => p.InstanceProfileName ?? '')
        .filter(Boolean)
        .sort();
    },
    staleTime: 60_000,
  });
}

export function useInstanceProfiles() {
  const { region } = useRegion();
  return useQuery(instanceProfilesQuery(region));
}
