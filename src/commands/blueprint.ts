/** `ecs-console blueprint`: prints what the wizard would send, for the given answers or the defaults. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { blueprint, defaultAnswers, wizardAnswersSchema } from '../blueprint/index';

const formats = ['cli', 'cfn-json', 'cfn-yaml', 'inputs'] as const;
type Format = (typeof formats)[number];

const help = `usage: ecs-console blueprint [answers.json] [--format cli|cfn-json|cfn-yaml|inputs]

Prints the first-run wizard's generated artifacts for the answers in answers.json (the wizard's
defaults when no file is given):
  cli        a bash script of AWS CLI commands that creates everything (default)
  cfn-json   the CloudFormation template, JSON
  cfn-yaml   the CloudFormation template, YAML
  inputs     the CreateCluster, RegisterTaskDefinition and CreateService inputs, JSON

Invalid answers print each problem with its field path and exit with status 2.`;

function isFormat(value: string): value is Format {
  return (formats as readonly string[]).includes(value);
}

export async function blueprintCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f', default: 'cli' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const format = values.format;
  if (!isFormat(format)) {
    console.error(`ecs-console blueprint: --format must be one of ${formats.join(', ')}, got ${format}`);
    return 2;
  }
  if (positionals.length > 1) {
    console.error('ecs-console blueprint: give at most one answers file');
    return 2;
  }

  let raw: unknown = defaultAnswers;
  const file = positionals[0];
  if (file !== undefined) {
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      console.error(`ecs-console blueprint: cannot read ${file}: ${(err as Error).message}`);
      return 2;
    }
  }
  const parsed = wizardAnswersSchema.safeParse(raw);
  if (!parsed.success) {
    console.error(`ecs-console blueprint: invalid answers${file ? ` in ${file}` : ''}:`);
    for (const issue of parsed.error.issues) {
      console.error(`  ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    }
    return 2;
  }

  const out = blueprint(parsed.data);
  const text = {
    cli: out.cliScript,
    'cfn-json': out.templateJson,
    'cfn-yaml': out.templateYaml,
    inputs: `${JSON.stringify(out.inputs, null, 2)}\n`,
  }[format];
  process.stdout.write(text);
  return 0;
}
