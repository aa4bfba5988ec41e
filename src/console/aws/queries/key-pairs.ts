import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';

/** EC2 DescribeKeyPairs: key pair names. The EC2 client loads only when this runs (it is large). */
export function keyPairsQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ec2', 'DescribeKeyPairs'),
    queryFn: async (): Promise<string[]> => {
      const { ec2Client, DescribeKeyPairsCommand } = await import('../ec2');
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

export interface CreatedKeyPair {
  name: string;
  /** The private key: EC2 returns it once, on creation only. */
  material?: string;
}

/** CreateKeyPair or ImportKeyPair with exactly the input given (the dialog built and showed it). */
export function useAddKeyPair() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (call: {
      operation: 'CreateKeyPair' | 'ImportKeyPair';
      input: Record<string, unknown>;
    }) => {
      const sdk = await import('../ec2');
      const ec2 = sdk.ec2Client(region);
      if (call.operation === 'CreateKeyPair') {
        const out = await ec2.send(
          new sdk.CreateKeyPairCommand(
            call.input as unknown as ConstructorParameters<typeof sdk.CreateKeyPairCommand>[0],
          ),
        );
        return { name: out.KeyName ?? '', material: out.KeyMaterial } satisfies CreatedKeyPair;
      }
      // ImportKeyPair takes the public key as bytes; the dialog shows it as the text the CLI takes.
      const input = {
        ...call.input,
        PublicKeyMaterial: new TextEncoder().encode(String(call.input['PublicKeyMaterial'] ?? '')),
      };
      const out = await ec2.send(
        new sdk.ImportKeyPairCommand(
          input as unknown as ConstructorParameters<typeof sdk.ImportKeyPairCommand>[0],
        ),
      );
      return { name: out.KeyName ?? '' } satisfies CreatedKeyPair;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keyPairsQuery(region).queryKey }),
  });
}
