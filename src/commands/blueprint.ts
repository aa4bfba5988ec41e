/** `ecs-console blueprint` (not built yet). */
export async function blueprintCommand(_argv: string[]): Promise<number> {
  console.error('ecs-console blueprint: not built yet');
  return 1;
}
