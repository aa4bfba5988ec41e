import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { useRegion } from '../../../aws/backend';
import { ecsClient } from '../../../aws/ecs';
import { serviceQuery } from './describe-service';
import { servicesQuery } from '../../../aws/queries/services';

export const updateServiceInputSchema = z
  .object({
    desiredCount: z.number().int().min(0).max(10_000).optional(),
    taskDefinition: z.string().min(1).optional(),
    forceNewDeployment: z.boolean().optional(),
  })
  .refine((v) => v.desiredCount !== undefined || v.taskDefinition !== undefined || v.forceNewDeployment, {
    message: 'Nothing to update.',
  });

export type UpdateServiceInput = z.infer<typeof updateServiceInputSchema>;

/** UpdateService: desired count, task definition revision or a forced new deployment. */
export function useUpdateService(cluster: string, service: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: UpdateServiceInput) => {
      const valid = updateServiceInputSchema.parse(input);
      const out = await ecsClient(region).send(new UpdateServiceCommand({ cluster, service, ...valid }));
      return out.service;
    },
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: serviceQuery(region, cluster, service).queryKey }),
        queryClient.invalidateQueries({ queryKey: servicesQuery(region, cluster).queryKey }),
      ]);
    },
  });
}
