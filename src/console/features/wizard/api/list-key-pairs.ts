import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../../../aws/backend';

/** EC2 DescribeKeyPairs: key pair names. The EC2 client loads only when this runs (it is large). */
export function keyPairsQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ec2', 'DescribeKeyPairs'),
    queryFn: async (): Promise<string[]> => {
      const [{ ec2Client }, { DescribeKeyPairsCommand }] = await Promise.all([
        import('../../../aws/ec2'),
        import('@aws-sdk/client-ec2'),
      ]);
      const out = await ec2Client(region).send(new DescribeKeyPairsCommand({}));
      return (out.KeyPairs ?? []).flatMap((k) => (k.KeyName ? [k.KeyName] : [])).sort();
    },
    staleTime: 60_000,
  });
}

export function useKeyPairs() {
  const { region } = useRegion();
  return useQuery(keyPairsQuery(region));
}
