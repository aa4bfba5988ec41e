import {
  clusterStepSchema,
  serviceStepSchema,
  taskDefinitionStepSchema,
  wizardAnswersSchema,
} from '../../../blueprint/answers';

/** The wizard's steps in order; `owns` is the answers key whose fields the step edits. */
export const steps = [
  {
    id: 'task-definition',
    title: 'Task definition',
    owns: 'taskDefinition',
    schema: taskDefinitionStepSchema,
  },
  { id: 'service', title: 'Service', owns: 'service', schema: serviceStepSchema },
  { id: 'cluster', title: 'Cluster', owns: 'cluster', schema: clusterStepSchema },
  { id: 'review', title: 'Review', owns: null, schema: wizardAnswersSchema },
] as const;

export type Step = (typeof steps)[number];
export type StepId = Step['id'];

export function stepIndex(id: string | undefined): number {
  return steps.findIndex((s) => s.id === id);
}

/** The step that owns a field path such as `service.loadBalancer.containerName`. */
export function stepOfPath(path: string): Step {
  const key = path.split('.')[0];
  return steps.find((s) => s.owns === key) ?? steps[0];
}
