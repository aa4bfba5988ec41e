/** `ecs-console serve` (not built yet). */
export async function serveCommand(_argv: string[]): Promise<number> {
  console.error('ecs-console serve: not built yet');
  return 1;
}
