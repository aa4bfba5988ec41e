import { defaultAnswers, type WizardAnswers } from '../../../blueprint/answers';
import { wizardDraft } from '../../lib/wizard-session';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The saved draft when it has the shape the form needs (objects and arrays where expected), else the
 * defaults. Values inside are not checked here: invalid values are kept so their errors can be shown.
 */
export function restoreDraft(saved: unknown = wizardDraft.load()): WizardAnswers {
  if (!isObject(saved)) return defaultAnswers;
  const { taskDefinition: td, service, cluster } = saved;
  if (!isObject(td) || !isObject(service) || !isObject(cluster)) return defaultAnswers;
  if (!Array.isArray(td['containers']) || !td['containers'].every(isObject)) return defaultAnswers;
  const containersOk = td['containers'].every(
    (c) => Array.isArray(c['portMappings']) && Array.isArray(c['environment']) && Array.isArray(c['links']),
  );
  if (!containersOk || !Array.isArray(cluster['ingress']) || !isObject(cluster['instanceRole']))
    return defaultAnswers;
  return saved as unknown as WizardAnswers;
}
