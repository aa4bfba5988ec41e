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
 * from the kept documents where the members of the result's top-level lists are kept (e.g.
 * `{ tasks: [...], failures: [...] }`); the text itself when none is.
 */
export function jsonBody(result: unknown): string | Buffer[] {
  if (!hasKept(result)) return JSON.stringify(result);
  const parts: Buffer[] = [OPEN];
  let first = true;
  for (const [key, value] of Object.entries(result as object)) {
    const list = Array.isArray(value);
    const text = list ? '' : (JSON.stringify(value) as string | undefined);
    if (text === undefined) continue; // JSON.stringify leaves out undefined members
    if (!first) parts.push(COMMA);
    first = false;
    parts.push(Buffer.from(`${JSON.stringify(key)}:${text}`));
    if (list) listBytes(value as unknown[], parts);
  }
  parts.push(CLOSE);
  return parts;
}

/** Whether `result` is a plain object with a kept document in one of its top-level lists. */
function hasKept(result: unknown): boolean {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return false;
  if (typeof (result as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const value of Object.values(result)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (item instanceof JsonBytes || (item !== null && typeof item === 'object' && kept.has(item)))
        return true;
    }
  }
  return false;
}

function listBytes(list: readonly unknown[], parts: Buffer[]): void {
  parts.push(OPEN_LIST);
  list.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    const bytes =
      item instanceof JsonBytes
        ? item.bytes
        : item !== null && typeof item === 'object'
          ? kept.get(item)
          : undefined;
    if (bytes === undefined) {
      // An array member JSON.stringify cannot write (undefined, a function) is written as null.
      parts.push(Buffer.from((JSON.stringify(item) as string | undefined) ?? 'null'));
    } else if (Buffer.isBuffer(bytes)) {
      parts.push(bytes);
    } else {
      parts.push(...bytes);
    }
  });
  parts.push(CLOSE_LIST);
}
