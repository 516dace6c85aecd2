import { GraphError } from '@microsoft/microsoft-graph-client';

/** Graph error codes differ in case between workloads (itemNotFound, ErrorItemNotFound): compare case-insensitively. */
export function isGraphError(error: unknown, status: number, code?: string): error is GraphError {
  if (!(error instanceof GraphError) || error.statusCode !== status) return false;
  return code === undefined || error.code?.toLowerCase() === code.toLowerCase();
}

/**
 * A list write refused because a column enforcing unique values already holds the value. Graph
 * documents no status for it; 409 always means a clash, and a 400 or 500 counts when its message
 * carries SharePoint's duplicate-values wording.
 * https://learn.microsoft.com/graph/api/listitem-create
 * https://learn.microsoft.com/graph/errors
 */
export function isDuplicateValueError(error: unknown): error is GraphError {
  if (!(error instanceof GraphError)) return false;
  if (error.statusCode === 409) return true;
  if (error.statusCode !== 400 && error.statusCode !== 500) return false;
  return /duplicate values|unique constraint|already (has|have|exists)/i.test(`${error.message} ${String(error.body ?? '')}`);
}

export function graphStatus(error: unknown): number | undefined {
  return error instanceof GraphError ? error.statusCode : undefined;
}
