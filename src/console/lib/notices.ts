/**
 * Confirmations and failures of the actions a user takes ("Desired count set to 3"), shown for a few
 * seconds in one live region. Each action reports its own outcome; nothing here watches requests.
 */
export interface Notice {
  id: number;
  tone: 'success' | 'error';
  message: string;
}

let notices: Notice[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};

export function notify(tone: Notice['tone'], message: string): number {
  const id = nextId++;
  notices = [...notices.slice(-3), { id, tone, message }];
  emit();
  return id;
}

export function dismiss(id: number): void {
  notices = notices.filter((n) => n.id !== id);
  emit();
}

export const currentNotices = (): Notice[] => notices;

export function subscribeNotices(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
