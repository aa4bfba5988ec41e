/**
 * The ECS cluster query language (memberOf expressions), for the subjects the local control plane
 * knows: agentConnected, agentVersion, attribute:NAME, ec2InstanceId, registeredAt,
 * runningTasksCount, task:group. Pure: parse once, evaluate against a plain view of an instance.
 *
 *   expression := or
 *   or         := and (('or' | '||') and)*
 *   and        := unary (('and' | '&&') unary)*
 *   unary      := ('not' | '!') unary | '(' expression ')' | subject operator [argument]
 *   argument   := value | '[' value (',' value)* ']'
 */

export type QueryOperator =
  '==' | '!=' | '=~' | '!~' | '>' | '>=' | '<' | '<=' | 'in' | 'not_in' | 'exists' | '!exists';

export type QueryNode =
  | { kind: 'and' | 'or'; left: QueryNode; right: QueryNode }
  | { kind: 'not'; operand: QueryNode }
  | { kind: 'compare'; subject: string; operator: QueryOperator; values: string[] };

/** What an expression can see of a container instance. */
export interface QueryTarget {
  agentConnected: boolean;
  agentVersion?: string;
  ec2InstanceId: string;
  /** Epoch seconds. */
  registeredAt?: number;
  runningTasksCount: number;
  attributes: ReadonlyMap<string, string>;
  /** Task groups of the tasks on the instance that are not stopped. */
  taskGroups: ReadonlySet<string>;
}

export class QuerySyntaxError extends Error {}

const OPERATOR_WORDS: Record<string, QueryOperator> = {
  '==': '==',
  equals: '==',
  '!=': '!=',
  not_equals: '!=',
  '=~': '=~',
  like: '=~',
  '!~': '!~',
  not_like: '!~',
  '>': '>',
  greater_than: '>',
  '>=': '>=',
  greater_than_equal: '>=',
  '<': '<',
  less_than: '<',
  '<=': '<=',
  less_than_equal: '<=',
  in: 'in',
  not_in: 'not_in',
  exists: 'exists',
  '!exists': '!exists',
  not_exists: '!exists',
};

const SUBJECTS = new Set([
  'agentConnected',
  'agentVersion',
  'ec2InstanceId',
  'registeredAt',
  'runningTasksCount',
]);

interface Token {
  text: string;
  quoted: boolean;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = input.indexOf(c, i + 1);
      if (end < 0) throw new QuerySyntaxError(`unterminated string at ${i}`);
      tokens.push({ text: input.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else if ('()[],'.includes(c)) {
      tokens.push({ text: c, quoted: false });
      i++;
    } else if (input.startsWith('!exists', i)) {
      tokens.push({ text: '!exists', quoted: false });
      i += 7;
    } else {
      const two = input.slice(i, i + 2);
      if (['==', '!=', '=~', '!~', '>=', '<=', '&&', '||'].includes(two)) {
        tokens.push({ text: two, quoted: false });
        i += 2;
      } else if ('!<>'.includes(c)) {
        tokens.push({ text: c, quoted: false });
        i++;
      } else {
        let j = i;
        while (j < input.length && !/[\s()[\],'"!<>=&|]/.test(input[j] as string)) j++;
        if (j === i) throw new QuerySyntaxError(`unexpected character '${c}' at ${i}`);
        tokens.push({ text: input.slice(i, j), quoted: false });
        i = j;
      }
    }
  }
  return tokens;
}

/** Parses a memberOf expression; throws QuerySyntaxError with a short reason. */
export function parseClusterQuery(expression: string): QueryNode {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, ...words: string[]) => !!t && !t.quoted && words.includes(t.text);
  const expect = (text: string) => {
    const t = tokens[pos];
    if (!isWord(t, text))
      throw new QuerySyntaxError(`expected '${text}'${t ? ` near '${t.text}'` : ' at end'}`);
    pos++;
  };

  const parseOr = (): QueryNode => {
    let left = parseAnd();
    while (isWord(peek(), 'or', '||')) {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): QueryNode => {
    let left = parseUnary();
    while (isWord(peek(), 'and', '&&')) {
      pos++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): QueryNode => {
    const t = peek();
    if (isWord(t, 'not', '!')) {
      pos++;
      return { kind: 'not', operand: parseUnary() };
    }
    if (isWord(t, '(')) {
      pos++;
      const inner = parseOr();
      expect(')');
      return inner;
    }
    return parseComparison();
  };
  const parseValue = (): string => {
    const t = tokens[pos];
    if (!t || (!t.quoted && '()[],'.includes(t.text))) throw new QuerySyntaxError('expected a value');
    pos++;
    return t.text;
  };
  const parseComparison = (): QueryNode => {
    const s = tokens[pos];
    if (!s || s.quoted) throw new QuerySyntaxError('expected a subject');
    const subject = s.text;
    if (!SUBJECTS.has(subject) && !subject.startsWith('attribute:') && subject !== 'task:group') {
      throw new QuerySyntaxError(`unknown subject '${subject}'`);
    }
    if (subject === 'attribute:') throw new QuerySyntaxError('attribute name missing');
    pos++;
    const o = tokens[pos];
    const operator = o && !o.quoted ? OPERATOR_WORDS[o.text] : undefined;
    if (!operator) throw new QuerySyntaxError(`expected an operator after '${subject}'`);
    pos++;
    if (operator === 'exists' || operator === '!exists')
      return { kind: 'compare', subject, operator, values: [] };
    const values: string[] = [];
    const list = isWord(peek(), '[');
    if (list && operator !== 'in' && operator !== 'not_in')
      throw new QuerySyntaxError(`a list needs 'in' or 'not_in'`);
    if (list) {
      pos++;
      values.push(parseValue());
      while (isWord(peek(), ',')) {
        pos++;
        values.push(parseValue());
      }
      expect(']');
    } else {
      values.push(parseValue());
    }
    return { kind: 'compare', subject, operator, values };
  };

  if (tokens.length === 0) throw new QuerySyntaxError('empty expression');
  const node = parseOr();
  if (pos !== tokens.length) throw new QuerySyntaxError(`unexpected '${tokens[pos]?.text}'`);
  return node;
}

function subjectValues(subject: string, target: QueryTarget): string[] {
  if (subject.startsWith('attribute:')) {
    const v = target.attributes.get(subject.slice('attribute:'.length));
    return v === undefined ? [] : [v];
  }
  switch (subject) {
    case 'agentConnected':
      return [String(target.agentConnected)];
    case 'agentVersion':
      return target.agentVersion ? [target.agentVersion] : [];
    case 'ec2InstanceId':
      return [target.ec2InstanceId];
    case 'registeredAt':
      return target.registeredAt === undefined ? [] : [String(target.registeredAt)];
    case 'runningTasksCount':
      return [String(target.runningTasksCount)];
    case 'task:group':
      return [...target.taskGroups];
    default:
      return [];
  }
}

function matches(value: string, pattern: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    const glob = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${glob}$`).test(value);
  }
}

/** Orders numbers numerically, dates (registeredAt) by time, anything else as text. */
function compareValues(subject: string, value: string, argument: string): number {
  if (subject === 'registeredAt') {
    const arg = /^\d+(\.\d+)?$/.test(argument) ? Number(argument) : Date.parse(argument) / 1000;
    return Number(value) - arg;
  }
  const a = Number(value);
  const b = Number(argument);
  if (value !== '' && argument !== '' && !Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  return value < argument ? -1 : value > argument ? 1 : 0;
}

export function evaluateClusterQuery(node: QueryNode, target: QueryTarget): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateClusterQuery(node.left, target) && evaluateClusterQuery(node.right, target);
    case 'or':
      return evaluateClusterQuery(node.left, target) || evaluateClusterQuery(node.right, target);
    case 'not':
      return !evaluateClusterQuery(node.operand, target);
    case 'compare': {
      const values = subjectValues(node.subject, target);
      const arg = node.values[0] ?? '';
      switch (node.operator) {
        case 'exists':
          return values.length > 0;
        case '!exists':
          return values.length === 0;
        case '==':
          return values.some((v) => v === arg);
        case '!=':
          return !values.some((v) => v === arg);
        case 'in':
          return values.some((v) => node.values.includes(v));
        case 'not_in':
          return !values.some((v) => node.values.includes(v));
        case '=~':
          return values.some((v) => matches(v, arg));
        case '!~':
          return !values.some((v) => matches(v, arg));
        case '>':
          return values.some((v) => compareValues(node.subject, v, arg) > 0);
        case '>=':
          return values.some((v) => compareValues(node.subject, v, arg) >= 0);
        case '<':
          return values.some((v) => compareValues(node.subject, v, arg) < 0);
        case '<=':
          return values.some((v) => compareValues(node.subject, v, arg) <= 0);
      }
    }
  }
}
