/**
 * A task record's stored JSON, assembled around the task's JSON without its tags, which is kept
 * with the record: DescribeTasks answers a record written by `putShared` with that text (tasks.ts
 * `wireTask`), so a lifecycle step serialises a task once, for the store and for the next
 * DescribeTasks alike. The stored text is the record's JSON with `task` first and the task's
 * `tags` last (the same document once parsed).
 */
import { copyMembers } from '../common/copy-members';
import type { TaskRecord } from './model';

/** The untagged task text of a record written by `pieced`, or cut once from its stored text. */
const untagged = new WeakMap<TaskRecord, string>();

/** The tasks collection's `serialize` (Collection options). */
export function taskRecordJson(r: TaskRecord): string {
  return oneString(r) ?? pieced(r);
}

const TASK_MEMBER = '{"task":';

/**
 * The record's text from one `JSON.stringify` of the record, laid out as `pieced` writes it (the
 * task first, its tags last: a shallow copy of either puts them there when they are not): no pieces
 * joined and then flattened again when SQLite binds the text (issue 14: the task's JSON was a
 * quarter of what a request allocated). The untagged task text is cut out of it only when
 * DescribeTasks or StopTask asks for it (`untaggedTaskBytes`): most versions are never described, and
 * finding where the task's text ends cost a second serialisation of the record's other members at
 * every write. Undefined when the record's first member would not be its task (integer-like keys
 * come first): `pieced` writes it.
 */
function oneString(r: TaskRecord): string | undefined {
  const task = r.task;
  const tags = task.tags;
  let lastKey: string | undefined;
  for (const key in task) lastKey = key;
  let laid = task;
  if (tags !== undefined && lastKey !== 'tags') {
    // Copied member by member, the tags last (StopTask adds its fields after them): an
    // object rest (`{ tags, ...copy }`) took V8's slow path, ~2.5x the time of this loop.
    const copy = copyMembers(task, 'tags');
    if (copy === undefined) return undefined; // a `__proto__` member: `pieced` writes it
    copy.tags = tags;
    laid = copy;
  }
  let firstKey: string | undefined;
  for (const key in r) {
    firstKey = key;
    break;
  }
  let record = r;
  if (firstKey !== 'task') {
    const { task: _task, ...rest } = r;
    record = { task: laid, ...rest };
  } else if (laid !== task) record = { ...r, task: laid };
  const text = JSON.stringify(record);
  if (!text.startsWith(TASK_MEMBER)) return undefined;
  return text;
}

const QUOTE_CHAR = 0x22;
const BACKSLASH_CHAR = 0x5c;

/**
 * Where the untagged task text of `r` lies in the text `oneString` wrote for it: `JSON.stringify`
 * writes the record's members after the task (those whose value is not undefined) each after a comma
 * at the record's level, so the task's text ends at the comma that many from the end, found by a scan
 * backwards over those members alone (skipping strings); its tags are its last member. Undefined
 * when the text is not laid out so.
 */
function cutUntagged(r: TaskRecord, text: string): Cut | undefined {
  let others = 0;
  const fields = r as unknown as Record<string, unknown>;
  for (const key in r) if (key !== 'task' && fields[key] !== undefined) others++;
  let taskEnd = text.length - 1;
  if (others > 0) {
    let depth = 0;
    let commas = 0;
    let i = text.length - 2;
    for (; i > TASK_MEMBER.length; i--) {
      const c = text.charCodeAt(i);
      if (c === QUOTE_CHAR) {
        // The opening quote: the previous quote not escaped (an even number of backslashes before it).
        let open = i;
        for (;;) {
          open = text.lastIndexOf('"', open - 1);
          if (open < 0) return undefined;
          let slashes = 0;
          while (text.charCodeAt(open - 1 - slashes) === BACKSLASH_CHAR) slashes++;
          if (slashes % 2 === 0) break;
        }
        i = open;
      } else if (c === CLOSE_OBJECT || c === CLOSE_LIST) depth++;
      else if (c === OPEN_OBJECT || c === OPEN_LIST) depth--;
      else if (c === COMMA && depth === 0 && ++commas === others) break;
    }
    if (commas !== others) return undefined;
    taskEnd = i;
  }
  if (text.charCodeAt(taskEnd - 1) !== CLOSE_OBJECT) return undefined; // not the task's closing brace
  const tags = r.task.tags;
  if (tags === undefined) return { text, start: TASK_MEMBER.length, end: taskEnd - 1 };
  const tagsText = JSON.stringify(tags);
  // A task of its tags alone: no comma before them.
  const alone = `{"tags":${tagsText}}`;
  if (taskEnd === TASK_MEMBER.length + alone.length && text.startsWith(alone, TASK_MEMBER.length))
    return { text: '{}', start: 0, end: 1 };
  const tagsMember = `,"tags":${tagsText}}`;
  const tagsAt = taskEnd - tagsMember.length;
  if (tagsAt <= TASK_MEMBER.length || !text.startsWith(tagsMember, tagsAt)) return undefined;
  return { text, start: TASK_MEMBER.length, end: tagsAt };
}

/**
 * The untagged task text as a place in a record's text: `text.slice(start, end)` and a closing `}`
 * (`end` is where the task's closing brace, or the comma before its tags, stands). Kept as a place,
 * not cut out: the text a store write made is flat (SQLite's bind flattened it), and a slice of it is
 * encoded with no copy, where the slice and its `}` joined would be copied once more by every reader
 * that searches or encodes them (issue 14: StopTask's answer).
 */
interface Cut {
  text: string;
  start: number;
  end: number;
}

/** The record's text pieced together: the task's text with its tags last, then the other members. */
function pieced(r: TaskRecord): string {
  const tagged = taggedAndUntagged(r);
  let others = '';
  for (const key in r) {
    if (key === 'task' || !Object.hasOwn(r, key)) continue;
    const text = JSON.stringify((r as unknown as Record<string, unknown>)[key]);
    if (text !== undefined) others += `,${JSON.stringify(key)}:${text}`;
  }
  return `{"task":${tagged}${others}}`;
}

/**
 * The task's JSON with its tags last, and (kept for `untaggedTaskBytes`) without them, from one
 * `JSON.stringify` of the task when its tags are an array. `JSON.stringify` writes an object's
 * members in key order, each member's text depending only on its key and value, so the task's text
 * ends with `,"tags":TAGS` followed by the members after the tags (fields a lifecycle step added to
 * a task read back with its tags last), which `JSON.stringify` of those members alone writes the
 * same: the tagged and untagged texts are the pieces put together again, without a second
 * serialisation of the whole task (or a copy of it without its tags).
 */
function taggedAndUntagged(r: TaskRecord): string {
  const task = r.task;
  const tags = task.tags;
  if (tags === undefined) {
    const text = JSON.stringify(task);
    untagged.set(r, text);
    return text;
  }
  const tagsText = JSON.stringify(tags);
  if (Array.isArray(tags)) {
    const after = membersAfterTags(task);
    const whole = JSON.stringify(task);
    const ending = `,"tags":${tagsText}${after}}`;
    if (whole.endsWith(ending)) {
      const head = whole.slice(0, whole.length - ending.length);
      untagged.set(r, `${head}${after}}`);
      return after === '' ? whole : `${head}${after},"tags":${tagsText}}`;
    }
  }
  const { tags: _tags, ...fields } = task;
  const text = JSON.stringify(fields);
  untagged.set(r, text);
  return `${text.length > 2 ? `${text.slice(0, -1)},` : '{'}"tags":${tagsText}}`;
}

/** The members of `task` after its `tags`, as `JSON.stringify` writes them, each after a comma; or ''. */
function membersAfterTags(task: TaskRecord['task']): string {
  const keys = Object.keys(task);
  const at = keys.lastIndexOf('tags');
  if (at < 0 || at === keys.length - 1) return '';
  const fields = task as unknown as Record<string, unknown>;
  let out = '';
  for (let i = at + 1; i < keys.length; i++) {
    const key = keys[i] as string;
    const text = JSON.stringify(fields[key]) as string | undefined;
    if (text !== undefined) out += `,${JSON.stringify(key)}:${text}`;
  }
  return out;
}

/**
 * The JSON of `r.task` without its tags, as `taskRecordJson` wrote it for this record (`written`:
 * the text it gave, which the store keeps with its cached record, Collection `writtenText`; kept
 * there, not in a WeakMap by record: an entry per version written cost more than the whole cut),
 * as UTF-8 bytes: the task's text but its closing brace, and the brace (`head` and `CLOSE`, sent one
 * after the other: json-body.ts). Only for a frozen record (one written by `putShared`), which
 * cannot have changed since. The head is encoded from a slice of the written text, flat (its store
 * write flattened it), so no string of the untagged task is made and copied again to be encoded.
 */
export function untaggedTaskBytes(r: TaskRecord, written?: string): readonly Buffer[] | undefined {
  const cut = knownCut(r, written);
  return cut === undefined ? undefined : [Buffer.from(cut.text.slice(cut.start, cut.end)), CLOSE];
}

/**
 * StopTask's answer for a task that was RUNNING with desired status RUNNING and is stopped by the
 * user (a quiet stop, tasks.ts): the untagged task text of `before` (as `untaggedTaskBytes`, from the
 * text its store write made, `written`) with its `desiredStatus` member set to `"STOPPED"`, its
 * `version` to `version`, and `tail` (members, each after a comma) added before its closing brace,
 * as UTF-8 bytes. Undefined when a member to change is not in the text exactly once and whole, or
 * the text is not known.
 */
export function stoppedTaskBytes(
  before: TaskRecord,
  written: string | undefined,
  version: number,
  tail: string,
): Buffer | undefined {
  const cut = knownCut(before, written);
  if (cut === undefined || typeof before.task.version !== 'number') return undefined;
  const oldVersion = `"version":${before.task.version}`;
  const s = memberAt(cut, DESIRED_RUNNING);
  const v = memberAt(cut, oldVersion);
  if (s < 0 || v < 0) return undefined;
  const { text, start, end } = cut;
  // The two members replaced in the order they stand: [where, old length, new text].
  const status = [s, DESIRED_RUNNING.length, DESIRED_STOPPED] as const;
  const ver = [v, oldVersion.length, `"version":${version}`] as const;
  const [first, second] = s < v ? [status, ver] : [ver, status];
  // One flat string of the text's slices (read without a copy), encoded in one call: a call into
  // Buffer per piece cost more than the copy it would save.
  return Buffer.from(
    [
      text.slice(start, first[0]),
      first[2],
      text.slice(first[0] + first[1], second[0]),
      second[2],
      text.slice(second[0] + second[1], end),
      tail,
      '}',
    ].join(''),
  );
}

/** Where the untagged task text of the frozen record `r` lies (see `untaggedTaskBytes`). */
function knownCut(r: TaskRecord, written: string | undefined): Cut | undefined {
  if (!Object.isFrozen(r)) return undefined;
  const known = untagged.get(r);
  if (known !== undefined) return { text: known, start: 0, end: known.length - 1 };
  return written === undefined ? undefined : cutUntagged(r, written);
}

/** A quiet stop's task before it (desired RUNNING) and after (desired STOPPED), as JSON members. */
const DESIRED_RUNNING = '"desiredStatus":"RUNNING"';
const DESIRED_STOPPED = '"desiredStatus":"STOPPED"';

/**
 * Where `member` (`"name":<value's JSON>`) starts in the untagged task text `cut` stands for, when
 * it occurs there exactly once and whole (after `{` or `,`, before `,` or `}`); else -1.
 */
function memberAt(cut: Cut, member: string): number {
  const { text, start, end } = cut;
  const at = text.indexOf(member, start);
  if (at <= start || at + member.length > end) return -1;
  const again = text.indexOf(member, at + 1);
  if (again >= 0 && again + member.length <= end) return -1;
  const prev = text.charCodeAt(at - 1);
  // The closing brace after `end` is the cut's own, whatever stands there in the text.
  const next = at + member.length === end ? CLOSE_OBJECT : text.charCodeAt(at + member.length);
  return (prev === COMMA || prev === OPEN_OBJECT) && (next === COMMA || next === CLOSE_OBJECT) ? at : -1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const OPEN_LIST = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_LIST = 0x5d;
const RECORD_START = Buffer.from('{"task":{');
const TAGS_MEMBER = Buffer.from('"tags":');
const CLOSE = Buffer.from('}');

/**
 * Where the task is in a stored record's bytes (`storedTaskCut`): it ends before `end` (the record's
 * other members follow it), and its `tags` member starts at `tagsAt` (the comma before it; -1
 * without one).
 */
export interface StoredTaskCut {
  end: number;
  tagsAt: number;
}

/**
 * The task's JSON as `JSON.stringify` writes the task of the parsed record (`withTags`), or that of
 * the task without its tags, cut out of a stored record's bytes (what `taskRecordJson` wrote: the
 * task first, its tags last) where `storedTaskCut` found it, without parsing them: DescribeTasks
 * answers a record that is not in the collection's cache with these. The stored text is
 * `JSON.stringify` output, which parsing and writing again gives back unchanged, so the cut is byte
 * for byte the JSON of the parsed task.
 */
export function taskJsonOf(stored: Buffer, cut: StoredTaskCut, withTags: boolean): Buffer | Buffer[] {
  const start = RECORD_START.length - 1; // the task's {
  if (withTags || cut.tagsAt < 0) return stored.subarray(start, cut.end);
  return [stored.subarray(start, cut.tagsAt), CLOSE];
}

/**
 * Where the task is in a stored record's bytes (see `taskJsonOf`); undefined when they are not laid
 * out so (a record written before this layout): parse them.
 */
export function storedTaskCut(stored: Buffer): StoredTaskCut | undefined {
  if (stored.length <= RECORD_START.length) return undefined;
  if (stored.compare(RECORD_START, 0, RECORD_START.length, 0, RECORD_START.length) !== 0) return undefined;
  const start = RECORD_START.length - 1; // the task's {
  if (startsTags(stored, start + 1)) return undefined; // tags first: not this layout
  let depth = 0;
  /** The comma before the task's `tags` member, when it has one. */
  let tagsAt = -1;
  for (let i = start; i < stored.length; i++) {
    const c = stored[i] as number;
    if (c === QUOTE) {
      i = stringEnd(stored, i);
      if (i < 0) return undefined;
    } else if (c === OPEN_OBJECT || c === OPEN_LIST) {
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_LIST) {
      if (--depth > 0) continue;
      return { end: i + 1, tagsAt };
    } else if (c === COMMA && depth === 1) {
      // A member after the tags: they are not last, not this layout.
      if (tagsAt >= 0) return undefined;
      if (startsTags(stored, i + 1)) tagsAt = i;
    }
  }
  return undefined;
}

/** Whether the bytes at `at` are the key `"tags":`. */
function startsTags(b: Buffer, at: number): boolean {
  // Most members are not: their key's first letter differs (no call into Buffer.compare).
  if (b[at + 1] !== TAGS_MEMBER[1] || at + TAGS_MEMBER.length > b.length) return false;
  return b.compare(TAGS_MEMBER, 0, TAGS_MEMBER.length, at, at + TAGS_MEMBER.length) === 0;
}

/** The index of the quote closing the string whose opening quote is at `open`; -1 when unclosed. */
function stringEnd(b: Buffer, open: number): number {
  let at = open;
  for (;;) {
    at = b.indexOf(QUOTE, at + 1);
    if (at < 0) return -1;
    // Escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (b[at - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
  }
}
