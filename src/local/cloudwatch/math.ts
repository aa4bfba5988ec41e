/**
 * Metric math, the basics: numbers, ids of other queries, `+ - * /` with the usual precedence,
 * unary minus, parentheses, arrays `[m1, m2]`, and the functions SUM, AVG, MIN, MAX (of one series:
 * a scalar; of an array: a series per timestamp), RATE (change per second), ABS and METRICS().
 *
 * The parser is a small recursive descent with a depth counter: an expression nests at most
 * MAX_DEPTH levels (and is at most 2048 characters, the model's bound), so input cannot recurse
 * without bound. Errors are ValidationError, as CloudWatch answers a bad expression.
 */
import { validationError } from './common';

export const MAX_DEPTH = 32;

/** A series as metric math sees it: timestamps (epoch seconds, ascending) and their values. */
export interface Series {
  timestamps: number[];
  values: number[];
}

export type Value =
  { kind: 'scalar'; value: number } | { kind: 'series'; series: Series } | { kind: 'array'; items: Series[] };

type Node =
  | { t: 'num'; v: number }
  | { t: 'id'; name: string }
  | { t: 'neg'; e: Node }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; l: Node; r: Node }
  | { t: 'arr'; items: Node[] }
  | { t: 'call'; fn: string; args: Node[] };

const FUNCTIONS = new Set(['SUM', 'AVG', 'MIN', 'MAX', 'RATE', 'ABS', 'METRICS']);

type Token =
  { k: 'num'; v: number } | { k: 'name'; v: string } | { k: 'op'; v: string } | { k: 'str'; v: string };

function tokenize(text: string, id: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
    } else if ((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i;
      while (j < text.length && /[0-9.eE]/.test(text[j] as string)) {
        if ((text[j] === 'e' || text[j] === 'E') && (text[j + 1] === '-' || text[j + 1] === '+')) j++;
        j++;
      }
      const v = Number(text.slice(i, j));
      if (!Number.isFinite(v)) throw syntax(id, text.slice(i, j));
      out.push({ k: 'num', v });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
      out.push({ k: 'name', v: text.slice(i, j) });
      i = j;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw syntax(id, c);
      out.push({ k: 'str', v: text.slice(i + 1, end) });
      i = end + 1;
    } else if ('+-*/()[],'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
    } else {
      throw syntax(id, c);
    }
  }
  return out;
}

const syntax = (id: string, near: string) =>
  validationError(`Error in expression ${id}: Unrecognized token ${JSON.stringify(near)}`);

/** Parses an expression; throws ValidationError in CloudWatch's words. */
export function parseExpression(text: string, id: string): Node {
  const tokens = tokenize(text, id);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => {
    const t = peek();
    return t?.k === 'op' && t.v === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw validationError(`Error in expression ${id}: Syntax error, expected ${v}`);
    pos++;
  };
  const enter = () => {
    if (++depth > MAX_DEPTH)
      throw validationError(`Error in expression ${id}: the expression nests more than ${MAX_DEPTH} levels`);
  };
  function expr(): Node {
    enter();
    let l = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[pos++] as { v: '+' | '-' }).v;
      l = { t: 'bin', op, l, r: term() };
    }
    depth--;
    return l;
  }
  function term(): Node {
    let l = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[pos++] as { v: '*' | '/' }).v;
      l = { t: 'bin', op, l, r: unary() };
    }
    return l;
  }
  function unary(): Node {
    if (isOp('-')) {
      pos++;
      enter();
      const e = unary();
      depth--;
      return { t: 'neg', e };
    }
    return primary();
  }
  function list(close: string): Node[] {
    const items: Node[] = [];
    if (isOp(close)) {
      pos++;
      return items;
    }
    for (;;) {
      items.push(expr());
      if (isOp(',')) {
        pos++;
        continue;
      }
      expect(close);
      return items;
    }
  }
  function primary(): Node {
    const t = peek();
    if (!t) throw validationError(`Error in expression ${id}: Syntax error, unexpected end of expression`);
    pos++;
    if (t.k === 'num') return { t: 'num', v: t.v };
    if (t.k === 'op' && t.v === '(') {
      const e = expr();
      expect(')');
      return e;
    }
    if (t.k === 'op' && t.v === '[') {
      enter();
      const items = list(']');
      depth--;
      return { t: 'arr', items };
    }
    if (t.k === 'name') {
      if (isOp('(')) {
        const fn = t.v.toUpperCase();
        if (!FUNCTIONS.has(fn)) throw validationError(`Error in expression ${id}: Unknown function ${t.v}`);
        pos++;
        enter();
        const args = list(')');
        depth--;
        return { t: 'call', fn, args };
      }
      return { t: 'id', name: t.v };
    }
    throw syntax(id, t.k === 'str' ? t.v : String(t.v));
  }
  const node = expr();
  if (pos < tokens.length) throw syntax(id, String(tokens[pos]?.v));
  return node;
}

/** The ids an expression reads (METRICS() reads every metric query: `*`). */
export function references(node: Node, out = new Set<string>()): Set<string> {
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop() as Node;
    if (n.t === 'id') out.add(n.name);
    else if (n.t === 'neg') stack.push(n.e);
    else if (n.t === 'bin') stack.push(n.l, n.r);
    else if (n.t === 'arr') stack.push(...n.items);
    else if (n.t === 'call') {
      if (n.fn === 'METRICS') out.add('*');
      stack.push(...n.args);
    }
  }
  return out;
}

export interface MathContext {
  id: string;
  /** The value of another query by id (throws when unknown). */
  lookup(name: string): Value;
  /** Every metric query's series (METRICS()). */
  metrics(): Series[];
}

/** Evaluates a parsed expression (bounded by the parse's depth). */
export function evaluate(node: Node, ctx: MathContext): Value {
  switch (node.t) {
    case 'num':
      return { kind: 'scalar', value: node.v };
    case 'id':
      return ctx.lookup(node.name);
    case 'neg':
      return arith('*', { kind: 'scalar', value: -1 }, evaluate(node.e, ctx), ctx.id);
    case 'bin':
      return arith(node.op, evaluate(node.l, ctx), evaluate(node.r, ctx), ctx.id);
    case 'arr': {
      const items: Series[] = [];
      for (const item of node.items) {
        const v = evaluate(item, ctx);
        if (v.kind === 'series') items.push(v.series);
        else if (v.kind === 'array') items.push(...v.items);
        else throw validationError(`Error in expression ${ctx.id}: an array holds time series only`);
      }
      return { kind: 'array', items };
    }
    case 'call':
      return call(
        node.fn,
        node.args.map((a) => evaluate(a, ctx)),
        ctx,
      );
  }
}

function call(fn: string, args: Value[], ctx: MathContext): Value {
  if (fn === 'METRICS') return { kind: 'array', items: ctx.metrics() };
  if (args.length !== 1)
    throw validationError(`Error in expression ${ctx.id}: ${fn} takes exactly one argument`);
  const arg = args[0] as Value;
  if (fn === 'ABS') return map(arg, Math.abs);
  if (fn === 'RATE') {
    if (arg.kind === 'scalar')
      throw validationError(`Error in expression ${ctx.id}: RATE takes a time series`);
    const rate = (s: Series): Series => {
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let i = 1; i < s.timestamps.length; i++) {
        const dt = (s.timestamps[i] as number) - (s.timestamps[i - 1] as number);
        if (dt <= 0) continue;
        timestamps.push(s.timestamps[i] as number);
        values.push(((s.values[i] as number) - (s.values[i - 1] as number)) / dt);
      }
      return { timestamps, values };
    };
    return arg.kind === 'series'
      ? { kind: 'series', series: rate(arg.series) }
      : { kind: 'array', items: arg.items.map(rate) };
  }
  const reduce = (vals: number[]): number => {
    if (fn === 'SUM') return vals.reduce((a, b) => a + b, 0);
    if (fn === 'AVG') return vals.reduce((a, b) => a + b, 0) / vals.length;
    if (fn === 'MIN') return vals.reduce((a, b) => Math.min(a, b), Infinity);
    return vals.reduce((a, b) => Math.max(a, b), -Infinity);
  };
  if (arg.kind === 'scalar') return arg;
  if (arg.kind === 'series')
    return { kind: 'scalar', value: arg.series.values.length ? reduce(arg.series.values) : NaN };
  // An array: one value per timestamp, over the series that have one.
  const at = new Map<number, number[]>();
  for (const s of arg.items)
    s.timestamps.forEach((t, i) => {
      const list = at.get(t) ?? [];
      list.push(s.values[i] as number);
      at.set(t, list);
    });
  const timestamps = [...at.keys()].sort((a, b) => a - b);
  return {
    kind: 'series',
    series: { timestamps, values: timestamps.map((t) => reduce(at.get(t) as number[])) },
  };
}

function map(v: Value, f: (n: number) => number): Value {
  if (v.kind === 'scalar') return { kind: 'scalar', value: f(v.value) };
  const m = (s: Series): Series => ({ timestamps: s.timestamps, values: s.values.map(f) });
  return v.kind === 'series'
    ? { kind: 'series', series: m(v.series) }
    : { kind: 'array', items: v.items.map(m) };
}

const ops = {
  '+': (a: number, b: number) => a + b,
  '-': (a: number, b: number) => a - b,
  '*': (a: number, b: number) => a * b,
  '/': (a: number, b: number) => a / b,
};

function arith(op: '+' | '-' | '*' | '/', l: Value, r: Value, id: string): Value {
  const f = ops[op];
  if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', value: f(l.value, r.value) };
  if (l.kind === 'scalar') return map(r, (b) => f(l.value, b));
  if (r.kind === 'scalar') return map(l, (a) => f(a, r.value));
  if (l.kind === 'series' && r.kind === 'series')
    return { kind: 'series', series: joined(l.series, r.series, f) };
  if (l.kind === 'array' && r.kind === 'series')
    return { kind: 'array', items: l.items.map((s) => joined(s, r.series, f)) };
  if (l.kind === 'series' && r.kind === 'array')
    return { kind: 'array', items: r.items.map((s) => joined(l.series, s, f)) };
  throw validationError(`Error in expression ${id}: cannot combine two arrays of time series`);
}

/** Two series combined at the timestamps both have. */
function joined(a: Series, b: Series, f: (x: number, y: number) => number): Series {
  const other = new Map<number, number>();
  b.timestamps.forEach((t, i) => other.set(t, b.values[i] as number));
  const timestamps: number[] = [];
  const values: number[] = [];
  a.timestamps.forEach((t, i) => {
    const y = other.get(t);
    if (y === undefined) return;
    timestamps.push(t);
    values.push(f(a.values[i] as number, y));
  });
  return { timestamps, values };
}
