/**
 * The blueprint: pure functions from the wizard's answers to what the launch sends. The console's review
 * step, its launch, `ecs-console blueprint` and the tests all use these, so what you see is what is sent.
 */
import type { WizardAnswers } from './answers';
import { cliScript } from './cli';
import { apiInputs, type ApiInputs } from './inputs';
import { templateToJson, templateToYaml } from './render';
import { cloudFormationTemplate, stackName, stackParameters, type CfnTemplate } from './template';

export * from './answers';
export { apiInputs, withTargetGroupArn, TARGET_GROUP_ARN_PLACEHOLDER } from './inputs';
export type {
  ApiInputs,
  CreateClusterInput,
  CreateServiceInput,
  RegisterTaskDefinitionInput,
} from './inputs';
export { cloudFormationTemplate, stackName, stackParameters, ECS_AMI_SSM_PARAMETER } from './template';
export type { CfnTemplate } from './template';
export { templateToJson, templateToYaml } from './render';
export { cliScript } from './cli';
export { apiInputJson, cliCommand, cliOperation, cliScriptOf, shellQuote, type ApiCall } from './cli-command';

export interface Blueprint {
  inputs: ApiInputs;
  template: CfnTemplate;
  templateJson: string;
  templateYaml: string;
  /** CreateStack parameters (their values are also the template's defaults). */
  stackParameters: { ParameterKey: string; ParameterValue: string }[];
  cliScript: string;
  stackName: string;
}

/** Everything the review shows and the launch sends, for answers that passed `wizardAnswersSchema`. */
export function blueprint(answers: WizardAnswers): Blueprint {
  const template = cloudFormationTemplate(answers);
  return {
    inputs: apiInputs(answers),
    template,
    templateJson: templateToJson(template),
    templateYaml: templateToYaml(template),
    stackParameters: stackParameters(answers),
    cliScript: cliScript(answers),
    stackName: stackName(answers),
  };
}
