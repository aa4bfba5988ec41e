/**
 * Wizard answers and the launch they started, kept in sessionStorage so reload, Back and Forward keep
 * them. They describe resources to create; they are not AWS credentials. Shared by the wizard and launch.
 */
const DRAFT_KEY = 'ecs-console.wizard.draft';
const LAUNCH_KEY = 'ecs-console.launch';

function read(key: string): unknown {
  try {
    const raw = window.sessionStorage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the values then last until reload.
  }
}

/** The answers being edited (not yet validated: the wizard validates them step by step). */
export const wizardDraft = {
  load: (): unknown => read(DRAFT_KEY),
  save: (answers: unknown): void => write(DRAFT_KEY, answers),
  clear: (): void => write(DRAFT_KEY, null),
};

/** A launch: the reviewed answers (a snapshot) and what each finished step produced, so reload resumes it. */
export interface LaunchRecord {
  id: string;
  startedAt: string;
  answers: unknown;
  /** Results of finished steps, e.g. the registered task definition ARN. */
  results: Record<string, string>;
}

/** A random id; crypto.randomUUID needs a secure context, which a token-protected LAN bind over http is not. */
function launchId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

export const launchSession = {
  load(): LaunchRecord | null {
    const v = read(LAUNCH_KEY);
    if (!v || typeof v !== 'object') return null;
    const r = v as Partial<LaunchRecord>;
    if (
      typeof r.id !== 'string' ||
      typeof r.startedAt !== 'string' ||
      !r.results ||
      typeof r.results !== 'object'
    )
      return null;
    return { id: r.id, startedAt: r.startedAt, answers: r.answers, results: { ...r.results } };
  },
  save: (record: LaunchRecord): void => write(LAUNCH_KEY, record),
  clear: (): void => write(LAUNCH_KEY, null),
  start(answers: unknown): LaunchRecord {
    const record: LaunchRecord = {
      id: launchId(),
      startedAt: new Date().toISOString(),
      answers,
      results: {},
    };
    write(LAUNCH_KEY, record);
    return record;
  },
};

/** The record of "Launch again": a new start time, the results kept (e.g. the cluster and revision). */
export function relaunched(
  record: LaunchRecord,
  results: Record<string, string>,
  now = new Date(),
): LaunchRecord {
  return { ...record, startedAt: now.toISOString(), results: { ...results } };
}
