import { GraphError } from '@microsoft/microsoft-graph-client';

/** Graph error codes differ in case between workloads (itemNotFound, ErrorItemNotFound): compare case-insensitively. */
export function isGraphError(error: unknown, status: number, code?: string): error is GraphError {
  if (!(error instanceof GraphError) || error.statusCode !== status) return false;
  return code === undefined || error.code?.toLowerCase() === code.toLowerCase();
}

export function graphStatus(error: unknown): number | undefined {
  return error instanceof GraphError ? error.statusCode : undefined;
}
