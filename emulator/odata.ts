import { GraphFault } from './http.js';

/**
 * The part of OData $filter that Graph's mail and SharePoint list endpoints accept:
 * comparisons, and/or/not, parentheses, startswith/endswith/contains, and any/all lambdas.
 * https://learn.microsoft.com/graph/filter-query-parameter
 */
export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; operator: Comparison; left: Operand; right: Operand }
  | { type: 'call'; name: 'startswith' | 'endswith' | 'contains'; args: Operand[] }
  | { type: 'lambda'; path: string[]; quantifier: 'any' | 'all'; variable: string; predicate: FilterNode }
  | { type: 'value'; operand: Operand };

type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type Operand = { type: 'literal'; value: string | number | boolean | null } | { type: 'path'; segments: string[] };

interface Token {
  kind: 'word' | 'string' | 'number' | 'punct';
  text: string;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] as string;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "'") {
      let value = '';
      index += 1;
      for (;;) {
        if (index >= source.length) throw invalidFilter('unterminated string literal');
        if (source[index] === "'") {
          if (source[index + 1] === "'") {
            value += "'";
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        value += source[index];
        index += 1;
      }
      tokens.push({ kind: 'string', text: value });
    } else if ('()/,:'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      index += 1;
    } else {
      // Words include unquoted date-times (2024-01-01T00:00:00Z) and numbers.
      const match = /^[A-Za-z0-9_.+\-@$]+(?::[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?/.exec(source.slice(index));
      if (!match) throw invalidFilter(`unexpected character '${char}'`);
      const text = match[0];
      tokens.push({ kind: /^-?[0-9]+(\.[0-9]+)?$/.test(text) ? 'number' : 'word', text });
      index += text.length;
    }
  }
  return tokens;
}

function invalidFilter(detail: string): GraphFault {
  return new GraphFault(400, 'BadRequest', `Invalid filter clause: ${detail}.`);
}

export function parseFilter(source: string): FilterNode {
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const next = (): Token => {
    const token = tokens[position];
    if (!token) throw invalidFilter('unexpected end of expression');
    position += 1;
    return token;
  };
  const expect = (text: string): void => {
    const token = next();
    if (token.text !== text) throw invalidFilter(`expected '${text}' but found '${token.text}'`);
  };
  const isWord = (token: Token | undefined, word: string): boolean => token?.kind === 'word' && token.text.toLowerCase() === word;

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      next();
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (isWord(peek(), 'and')) {
      next();
      left = { type: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    if (isWord(peek(), 'not')) {
      next();
      return { type: 'not', operand: parseUnary() };
    }
    if (peek()?.text === '(') {
      next();
      const inner = parseOr();
      expect(')');
      return inner;
    }
    return parseComparisonOrCall();
  };
  const parseOperand = (): Operand | FilterNode => {
    const token = next();
    if (token.kind === 'string') return { type: 'literal', value: token.text };
    if (token.kind === 'number') return { type: 'literal', value: Number(token.text) };
    if (token.kind !== 'word') throw invalidFilter(`unexpected '${token.text}'`);
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { type: 'literal', value: lower === 'true' };
    if (lower === 'null') return { type: 'literal', value: null };
    if (/^\d{4}-\d{2}-\d{2}/.test(token.text)) return { type: 'literal', value: token.text };
    if ((lower === 'startswith' || lower === 'endswith' || lower === 'contains') && peek()?.text === '(') {
      next();
      const args: Operand[] = [asOperand(parseOperand())];
      while (peek()?.text === ',') {
        next();
        args.push(asOperand(parseOperand()));
      }
      expect(')');
      return { type: 'call', name: lower, args };
    }
    const segments = [token.text];
    while (peek()?.text === '/') {
      next();
      const segment = next();
      const quantifier = segment.text.toLowerCase();
      if ((quantifier === 'any' || quantifier === 'all') && peek()?.text === '(') {
        next();
        const variable = next().text;
        expect(':');
        const predicate = parseOr();
        expect(')');
        return { type: 'lambda', path: segments, quantifier, variable, predicate };
      }
      segments.push(segment.text);
    }
    return { type: 'path', segments };
  };
  const asOperand = (value: Operand | FilterNode): Operand => {
    if (value.type === 'literal' || value.type === 'path') return value;
    throw invalidFilter('a function or lambda cannot be used as a value here');
  };
  const parseComparisonOrCall = (): FilterNode => {
    const left = parseOperand();
    const operator = peek();
    if (operator?.kind === 'word' && ['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operator.text.toLowerCase())) {
      next();
      const right = asOperand(parseOperand());
      return { type: 'compare', operator: operator.text.toLowerCase() as Comparison, left: asOperand(left), right };
    }
    if (left.type === 'call' || left.type === 'lambda') return left;
    if (left.type === 'path' || left.type === 'literal') return { type: 'value', operand: left };
    return left;
  };

  const tree = parseOr();
  if (position !== tokens.length) throw invalidFilter(`unexpected '${tokens[position]?.text ?? ''}'`);
  return tree;
}

/** The property paths a filter reads (lambda variables excluded), e.g. `fields/Status`. */
export function filterPaths(node: FilterNode, variables: readonly string[] = []): string[] {
  const fromOperand = (operand: Operand): string[] =>
    operand.type === 'path' && !variables.includes(operand.segments[0] ?? '') ? [operand.segments.join('/')] : [];
  switch (node.type) {
    case 'and':
    case 'or':
      return [...filterPaths(node.left, variables), ...filterPaths(node.right, variables)];
    case 'not':
      return filterPaths(node.operand, variables);
    case 'compare':
      return [...fromOperand(node.left), ...fromOperand(node.right)];
    case 'call':
      return node.args.flatMap(fromOperand);
    case 'value':
      return fromOperand(node.operand);
    case 'lambda':
      return [node.path.join('/'), ...filterPaths(node.predicate, [...variables, node.variable])];
  }
}

export function lookup(target: unknown, segments: readonly string[]): unknown {
  let current = target;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    const record = current as Record<string, unknown>;
    const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === segment.toLowerCase());
    current = key === undefined ? undefined : record[key];
  }
  return current;
}

const isoDate = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

function compareValues(left: unknown, right: unknown): number | undefined {
  if (left === null || left === undefined || right === null || right === undefined) return undefined;
  if (typeof left === 'string' && typeof right === 'string' && isoDate.test(left) && isoDate.test(right)) {
    return Date.parse(left) - Date.parse(right);
  }
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'number' && typeof right === 'string') return left - Number(right);
  if (typeof left === 'string' && typeof right === 'number') return Number(left) - right;
  // Outlook and SharePoint string comparisons are case-insensitive.
  return String(left).toLowerCase().localeCompare(String(right).toLowerCase());
}

export function evaluateFilter(node: FilterNode, target: unknown, scope: Record<string, unknown> = {}): boolean {
  const resolve = (operand: Operand): unknown => {
    if (operand.type === 'literal') return operand.value;
    const [first, ...rest] = operand.segments;
    if (first !== undefined && first in scope) return lookup(scope[first], rest);
    return lookup(target, operand.segments);
  };
  switch (node.type) {
    case 'and':
      return evaluateFilter(node.left, target, scope) && evaluateFilter(node.right, target, scope);
    case 'or':
      return evaluateFilter(node.left, target, scope) || evaluateFilter(node.right, target, scope);
    case 'not':
      return !evaluateFilter(node.operand, target, scope);
    case 'value':
      return resolve(node.operand) === true;
    case 'compare': {
      const left = resolve(node.left);
      const right = resolve(node.right);
      if (node.operator === 'eq') return left === null || right === null || left === undefined ? (left ?? null) === (right ?? null) : compareValues(left, right) === 0;
      if (node.operator === 'ne') return left === null || right === null || left === undefined ? (left ?? null) !== (right ?? null) : compareValues(left, right) !== 0;
      const order = compareValues(left, right);
      if (order === undefined) return false;
      return { gt: order > 0, ge: order >= 0, lt: order < 0, le: order <= 0 }[node.operator];
    }
    case 'call': {
      const [haystack, needle] = node.args.map((arg) => String(resolve(arg) ?? '').toLowerCase());
      if (haystack === undefined || needle === undefined) return false;
      if (node.name === 'startswith') return haystack.startsWith(needle);
      if (node.name === 'endswith') return haystack.endsWith(needle);
      return haystack.includes(needle);
    }
    case 'lambda': {
      const [first, ...rest] = node.path;
      const collection = first !== undefined && first in scope ? lookup(scope[first], rest) : lookup(target, node.path);
      if (!Array.isArray(collection)) return node.quantifier === 'all';
      const test = (item: unknown): boolean => evaluateFilter(node.predicate, target, { ...scope, [node.variable]: item });
      return node.quantifier === 'any' ? collection.some(test) : collection.every(test);
    }
  }
}

/**
 * Applies $select: always keeps `id` and OData annotations, as Graph does. Instance annotations
 * such as `@microsoft.graph.downloadUrl` are returned only when selected.
 * https://learn.microsoft.com/graph/api/resources/driveitem#instance-attributes
 */
export function selectFields(item: Record<string, unknown>, select: readonly string[] | undefined): Record<string, unknown> {
  if (!select || select.length === 0) return item;
  const wanted = new Set(select.map((field) => field.toLowerCase()));
  const keep = (key: string): boolean => key === 'id' || (key.startsWith('@') && !key.startsWith('@microsoft.graph.')) || wanted.has(key.toLowerCase());
  return Object.fromEntries(Object.entries(item).filter(([key]) => keep(key)));
}

export function parseSelect(query: URLSearchParams): string[] | undefined {
  const raw = query.get('$select') ?? query.get('select');
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);
}

export function parseTop(query: URLSearchParams, maximum: number): number | undefined {
  const raw = query.get('$top') ?? query.get('top');
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > maximum) {
    throw new GraphFault(400, 'BadRequest', `Invalid value '${raw}' for $top: it must be an integer between 1 and ${maximum}.`);
  }
  return value;
}

/** Opaque continuation tokens: base64url JSON, so they survive being URL-encoded into nextLinks. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeToken<T>(token: string, isValid: (value: unknown) => value is T): T | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return isValid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
