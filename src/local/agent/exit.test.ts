import { describe, expect, it } from 'vitest';
import { parseExit, simulatedExit } from './exit';

describe('simulated container exits', () => {
  it('reads exit, sleep-then-exit and sleep, plain or through a shell', () => {
    expect(parseExit(['sh', '-c', 'exit 3'])).toEqual({ exitCode: 3 });
    expect(parseExit(['exit', '1'])).toEqual({ exitCode: 1 });
    expect(parseExit(['/bin/sh', '-c', 'sleep 2; exit 137'])).toEqual({ exitCode: 137, afterMs: 2000 });
    expect(parseExit(['bash', '-c', 'sleep 0.5 && exit 0'])).toEqual({ exitCode: 0, afterMs: 500 });
    expect(parseExit(['sleep', '10'])).toEqual({ exitCode: 0, afterMs: 10_000 });
    expect(parseExit(['exit 300'])).toEqual({ exitCode: 44 });
  });

  it('runs anything else until stopped', () => {
    for (const c of [
      undefined,
      [],
      ['httpd-foreground'],
      ['sh', '-c', 'echo hi; exit 1'],
      ['nginx', '-g', 'daemon off;'],
    ])
      expect(parseExit(c)).toBeNull();
  });

  it('takes the soonest essential container, and overrides first', () => {
    const defs = [
      { name: 'web', command: ['sh', '-c', 'sleep 5; exit 1'] },
      { name: 'side', essential: false, command: ['exit 2'] },
      { name: 'job', command: ['sleep', '1'] },
    ];
    expect(simulatedExit(defs, undefined)).toEqual({ container: 'job', exitCode: 0, afterMs: 1000 });
    expect(simulatedExit(defs, [{ name: 'job', command: ['httpd-foreground'] }])).toEqual({
      container: 'web',
      exitCode: 1,
      afterMs: 5000,
    });
    expect(simulatedExit([{ name: 'web' }], undefined)).toBeNull();
  });
});
