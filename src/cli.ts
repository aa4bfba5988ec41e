/** The `ecs-console` command. */
import { localCommand } from './commands/local';
import { serveCommand } from './commands/serve';
import { blueprintCommand } from './commands/blueprint';
import { loadCommand } from './commands/load';

const usage = `usage: ecs-console <command> [options]

commands:
  serve       the console (SPA + /aws proxy + AWS endpoint) on one port   (npm start)
  local       the embedded AWS-compatible control plane alone
  blueprint   print the wizard's generated artifacts (cli | cfn-json | cfn-yaml | inputs)
  load        send test traffic to a local URL (--rps N --duration S; loopback only)

Run "ecs-console <command> --help" for its options.`;

const [command, ...args] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<number | void>> = {
  local: localCommand,
  serve: serveCommand,
  blueprint: blueprintCommand,
  load: loadCommand,
};

const run = command && Object.hasOwn(commands, command) ? commands[command] : undefined;
if (!run) {
  console.log(usage);
  process.exit(command && command !== '--help' && command !== '-h' ? 2 : 0);
}
try {
  const code = await run(args);
  if (typeof code === 'number') process.exitCode = code;
} catch (err) {
  console.error(`ecs-console ${command}: ${(err as Error).message}`);
  process.exitCode = 1;
}
