/**
 * The awsJson response body, with the JSON of documents already serialised spliced in: a handler
 * that answers with the same frozen document again and again (DescribeTasks answering a task that
 * has not changed since the last call) marks it with `keepJson`, and `jsonBody` copies its bytes
 * instead of turning it into text again (and the HTTP writer sends them without encoding them again).
 *
 * Only deeply frozen documents are kept (a document that cannot change cannot go stale), keyed by
 * identity in a WeakMap: the bytes go when the document goes (a store write replaces the frozen
 * document with a new one, see Collection.putShared). The result is the same JSON as
 * `JSON.stringify(result)`, up to the order of a kept document's keys when it was kept with
 * bytes of its own making (`keepJson(doc, bytes)`).
 */

const kept = new WeakMap<object, Buffer | readonly Buffer[]>();

/**
 * Marks `doc` (deeply frozen: never changed afterwards) as answered by `bytes` (its JSON, or the
 * pieces of it in order; made now when not given) in the top-level lists of a response. A document
 * that is not frozen is left alone. Returns `doc`.
 */
export function keepJson<T extends object>(doc: T, bytes?: Buffer | readonly Buffer[]): T {
  if (Object.isFrozen(doc) && !kept.has(doc)) kept.set(doc, bytes ?? Buffer.from(JSON.stringify(doc)));
  return doc;
}

/**
 * A document given as its JSON bytes (or the pieces of it, in order), e.g. cut out of a stored
 * record without parsing it: `jsonBody` copies the bytes into a top-level list like a kept
 * document's; `JSON.stringify` (an in-process caller) parses them back through `toJSON`.
 */
export class JsonBytes {
  constructor(readonly bytes: Buffer | readonly Buffer[]) {
    Object.freeze(this);
  }

  toJSON(): unknown {
    const b = this.bytes;
    return JSON.parse((Buffer.isBuffer(b) ? b : Buffer.concat(b)).toString('utf8'));
  }
}

const OPEN = Buffer.from('{');
const CLOSE = Buffer.from('}');
const COMMA = Buffer.from(',');
const OPEN_LIST = Buffer.from('[');
const CLOSE_LIST = Buffer.from(']');

/**
 * `JSON.stringify(result)`, as pieces of bytes (to be sent one after the other, never joined) taken
 * from the kept documents where the result's top-level members, or the members of its top-level
 * lists, are kept (e.g. `{ task: ... }`, `{ tasks: [...], failures: [...] }`); the text itself when
 * none is.
 */
export function jsonBody(result: unknown): string | Buffer[] {
  if (!hasKept(result)) return JSON.stringify(result);
  const parts: Buffer[] = [OPEN];
  let first = true;
  for (const [key, value] of Object.entries(result as object)) {
    const bytes = keptBytes(value);
    const list = bytes === undefined && Array.isArray(value);
    const text = bytes !== undefined || list ? '' : (JSON.stringify(value) as string | undefined);
    if (text === undefined) continue; // JSON.stringify leaves out undefined members
    if (!first) parts.push(COMMA);
    first = false;
    parts.push(text === '' ? memberName(key) : Buffer.from(`${JSON.stringify(key)}:${text}`));
    if (bytes !== undefined) pushBytes(bytes, parts);
    else if (list) listBytes(value as unknown[], parts);
  }
  parts.push(CLOSE);
  return parts;
}

/** `"key":` as bytes, made once per member name a handler answers with. */
const memberNames = new Map<string, Buffer>();
const MAX_MEMBER_NAMES = 256;

function memberName(key: string): Buffer {
  let bytes = memberNames.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(`${JSON.stringify(key)}:`);
    if (memberNames.size < MAX_MEMBER_NAMES) memberNames.set(key, bytes);
  }
  return bytes;
}

/** A kept document's bytes (or a `JsonBytes`'), else undefined. */
function keptBytes(item: unknown): Buffer | readonly Buffer[] | undefined {
  if (item instanceof JsonBytes) return item.bytes;
  return item !== null && typeof item === 'object' ? kept.get(item) : undefined;
}

function pushBytes(bytes: Buffer | readonly Buffer[], parts: Buffer[]): void {
  if (Buffer.isBuffer(bytes)) parts.push(bytes);
  else parts.push(...bytes);
}

/** Whether `result` is a plain object with a kept document as a member or in one of its top-level lists. */
function hasKept(result: unknown): boolean {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return false;
  if (typeof (result as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const value of Object.values(result)) {
    if (!Array.isArray(value)) {
      if (keptBytes(value) !== undefined) return true;
      continue;
    }
    for (const item of value) if (keptBytes(item) !== undefined) return true;
  }
  return false;
}

function listBytes(list: readonly unknown[], parts: Buffer[]): void {
  parts.push(OPEN_LIST);
  list.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    const bytes = keptBytes(item);
    // An array member JSON.stringify cannot write (undefined, a function) is written as null.
    if (bytes === undefined) parts.push(Buffer.from((JSON.stringify(item) as string | undefined) ?? 'null'));
    else pushBytes(bytes, parts);
  });
  parts.push(CLOSE_LIST);
}
