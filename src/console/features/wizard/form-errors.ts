/** Helpers to show react-hook-form errors beside their fields and in a summary. */

/** Paths whose errors show on another field's control (one select sets both, or a union's select). */
const shownOn: Record<string, string> = {
  'service.loadBalancer.containerPort': 'service.loadBalancer.containerName',
  'cluster.instanceRole.name': 'cluster.instanceRole',
};

/** A DOM id for a field path: `taskDefinition.containers.0.name` -> `f-taskDefinition-containers-0-name`. */
export function fieldId(path: string): string {
  return `f-${(shownOn[path] ?? path).replaceAll('.', '-')}`;
}

export interface FlatError {
  path: string;
  message: string;
}

/** Every error message in a react-hook-form errors tree, with its field path (array-level errors included). */
export function flattenErrors(errors: unknown, prefix = ''): FlatError[] {
  if (!errors || typeof errors !== 'object') return [];
  const node = errors as Record<string, unknown>;
  const out: FlatError[] = [];
  if (typeof node['message'] === 'string' && node['message'] !== '') {
    out.push({ path: prefix, message: node['message'] });
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'message' || key === 'type' || key === 'ref' || key === 'types') continue;
    const path = key === 'root' ? prefix : prefix ? `${prefix}.${key}` : key;
    out.push(...flattenErrors(child, path));
  }
  return out;
}

/** The message at a path of the errors tree, or undefined. */
export function errorAt(errors: unknown, path: string): string | undefined {
  let node: unknown = errors;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (!node || typeof node !== 'object') return undefined;
  const message = (node as { message?: unknown }).message;
  if (typeof message === 'string' && message !== '') return message;
  const root = (node as { root?: { message?: unknown } }).root;
  return typeof root?.message === 'string' ? root.message : undefined;
}

/** All messages under a path (e.g. every link of a container), joined. */
export function errorsUnder(errors: unknown, path: string): string | undefined {
  let node: unknown = errors;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  const messages = [...new Set(flattenErrors(node).map((e) => e.message))];
  return messages.length > 0 ? messages.join(' ') : undefined;
}
