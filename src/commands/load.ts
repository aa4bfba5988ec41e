/** `ecs-console load URL --rps N --duration S`: bounded test traffic to a loopback URL, with a progress line. */
import { parseArgs } from 'node:util';
import { LOAD_LIMITS, loadRefusal, progressLine, runLoad } from '../server/load-generator';

const help = `usage: ecs-console load URL [options]

Sends HTTP GETs to URL at a steady rate for a bounded time, to watch metrics rise and auto scaling
act (a local load balancer's DNS name, e.g. http://127.0.1.5:80/). Loopback addresses only.

  --rps N          requests per second (1-${LOAD_LIMITS.maxRps}; default 10)
  --duration S     seconds to send for (at most ${LOAD_LIMITS.maxDurationS}; default 30)
  --quiet          only the summary line`;

export async function loadCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rps: { type: 'string', default: '10' },
        duration: { type: 'string', default: '30' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    console.error(`ecs-console load: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`ecs-console load: give exactly one URL\n\n${help}`);
    return 2;
  }
  const options = {
    url: positionals[0] as string,
    rps: Number(values.rps),
    durationS: Number(values.duration),
  };
  const refusal = await loadRefusal(options);
  if (refusal) {
    console.error(`ecs-console load: ${refusal}`);
    return 2;
  }
  const total = Math.round(options.rps * options.durationS);
  const tty = process.stderr.isTTY === true;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const result = await runLoad({
    ...options,
    signal: controller.signal,
    progress: (p) => {
      if (values.quiet || p.done) return;
      if (tty) process.stderr.write(`\r${progressLine(p, total)}\x1b[K`);
      else process.stderr.write(`${progressLine(p, total)}\n`);
    },
  });
  process.off('SIGINT', stop);
  if (tty && !values.quiet) process.stderr.write('\n');
  console.log(`done: ${progressLine(result, total)}`);
  return result.errors > 0 && result.sent === result.errors ? 1 : 0;
}
