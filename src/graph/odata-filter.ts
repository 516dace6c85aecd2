import type { GraphRequest } from '@microsoft/microsoft-graph-client';

/**
 * The one way weqs builds an OData `$filter`. Values (cycle ids typed by staff, references, names)
 * only ever enter as literals: strings are quoted with their single quotes doubled, as OData's
 * ABNF requires, and the whole expression is percent-encoded before it joins the URL, because the
 * Graph SDK puts `.filter()` text into the query string as it is (`&`, `#`, `+` and `%` would
 * otherwise split, cut or change the query).
 * https://learn.microsoft.com/graph/filter-query-parameter#escaping-single-quotes
 * https://learn.microsoft.com/graph/query-parameters#encoding-query-parameters
 * https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part2-url-conventions.html#sec_URLComponents
 */
export type ODataLiteral = string | number | boolean | Date | null;

const brand: unique symbol = Symbol('ODataFilter');

export interface ODataFilter {
  readonly [brand]: true;
  /** The expression as OData reads it, e.g. `fields/Reference eq 'O''Neil'`. */
  readonly text: string;
}

function make(text: string): ODataFilter {
  return { [brand]: true, text };
}

export function isODataFilter(value: unknown): value is ODataFilter {
  return typeof value === 'object' && value !== null && brand in value;
}

/** A value as an OData literal: strings quoted and escaped, dates as unquoted ISO 8601 in UTC. */
export function odataLiteral(value: ODataLiteral): string {
  if (value === null) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('An invalid date cannot be used in a filter.');
    return value.toISOString();
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('Only finite numbers can be used in a filter.');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A filter from a template whose text is OData written by weqs and whose interpolations are
 * values: odata`fields/TargetCycle eq ${cycle.id}`. A nested filter is inserted as an expression.
 */
export function odata(strings: TemplateStringsArray, ...values: (ODataLiteral | ODataFilter)[]): ODataFilter {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += (isODataFilter(value) ? `(${value.text})` : odataLiteral(value)) + (strings[index + 1] ?? '');
  });
  return make(text);
}

/** `(a) or (b) or ...`; at least one filter. */
export function anyOf(...filters: ODataFilter[]): ODataFilter {
  if (filters.length === 0) throw new RangeError('anyOf needs at least one filter.');
  return filters.length === 1 ? (filters[0] as ODataFilter) : make(filters.map((filter) => `(${filter.text})`).join(' or '));
}

/** `(a) and (b) and ...`; at least one filter. */
export function allOf(...filters: ODataFilter[]): ODataFilter {
  if (filters.length === 0) throw new RangeError('allOf needs at least one filter.');
  return filters.length === 1 ? (filters[0] as ODataFilter) : make(filters.map((filter) => `(${filter.text})`).join(' and '));
}

/** The `$filter` value as it goes into a URL. */
export function encodeFilter(filter: ODataFilter): string {
  return encodeURIComponent(filter.text);
}

/** Sets `$filter` on an SDK request, encoded. */
export function withFilter(request: GraphRequest, filter: ODataFilter): GraphRequest {
  return request.filter(encodeFilter(filter));
}
