/** Keyboard shortcuts: two-key "g x" sequences to go somewhere, and single keys. */
export interface Shortcut {
  keys: string[];
  description: string;
  /** A path to navigate to, or an action name handled by the shell. */
  action: { to: string } | { run: 'help' | 'theme' };
}

export const shortcuts: Shortcut[] = [
  { keys: ['g', 'w'], description: 'Go to Get started (the wizard)', action: { to: '/get-started' } },
  { keys: ['g', 'c'], description: 'Go to Clusters', action: { to: '/clusters' } },
  { keys: ['g', 't'], description: 'Go to Task definitions', action: { to: '/task-definitions' } },
  { keys: ['g', 's'], description: 'Go to Stacks', action: { to: '/stacks' } },
  { keys: ['g', 'l'], description: 'Go to Launch status', action: { to: '/launch' } },
  { keys: ['?'], description: 'Show keyboard shortcuts', action: { run: 'help' } },
  { keys: ['d'], description: 'Switch theme (system, light, dark)', action: { run: 'theme' } },
];

/** The shortcut a key sequence completes, 'prefix' when it may still complete one, or null. */
export function matchShortcut(sequence: string[]): Shortcut | 'prefix' | null {
  let prefix = false;
  for (const s of shortcuts) {
    if (s.keys.length === sequence.length && s.keys.every((k, i) => k === sequence[i])) return s;
    if (s.keys.length > sequence.length && sequence.every((k, i) => s.keys[i] === k)) prefix = true;
  }
  return prefix ? 'prefix' : null;
}

/** True when the key went to something that takes text (shortcuts must not steal typing). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}
