import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationsListColumns, ensureApplicationsListColumns } from '../../src/graph/applications-list.js';
import { describeColumnReport } from '../../src/graph/list-columns.js';
import { calendarListColumns, ensureReviewCalendarList } from '../../src/graph/review-calendar-list.js';
import { resolveSiteContext } from '../../src/graph/site-context.js';
import type { SiteContext } from '../../src/graph/site-context.js';
import { siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

interface ColumnState {
  name: string;
  indexed: boolean;
}

/** `weqs setup` checks its own work: columns read back, missing ones added, filtered ones indexed. */
describe.each([false, true])('setting up the lists (listCreateDropsColumns: %s)', (dropsColumns) => {
  let env: TestEmulator;
  let site: SiteContext;
  const columnsOf = async (displayName: string): Promise<ColumnState[]> => {
    const state = await env.control.state<{ sites: { lists: { displayName: string; columns: ColumnState[] }[] }[] }>();
    return state.sites[0]?.lists.find((list) => list.displayName === displayName)?.columns ?? [];
  };

  beforeAll(async () => {
    env = await startTestEmulator({
      tenant: (seed) => {
        // A list staff made by hand before weqs: two columns weqs filters on exist, without an index.
        const applications = seed.sites[0]?.lists.find((list) => list.displayName === 'Applications');
        if (applications) applications.columns = [{ name: 'Status', choice: { choices: ['Open', 'In review'] } }, { name: 'TargetCycle', text: { maxLength: 64 } }];
        return { ...seed, behaviour: { ...seed.behaviour, listCreateDropsColumns: dropsColumns } };
      },
    });
    site = await resolveSiteContext(env.graph, { hostname: siteHostname, path: sitePath, evidenceLibrary: 'Application evidence', applicationsList: 'Applications' });
  });
  afterAll(async () => env.stop());

  it('adds the missing Applications columns, indexes the existing ones weqs filters on, and says so', async () => {
    const report = await ensureApplicationsListColumns(env.graph, site);
    expect(report.indexed.sort()).toEqual(['Status', 'TargetCycle']);
    expect(report.added).toEqual(applicationsListColumns.map((column) => column.name).filter((name) => name !== 'Status' && name !== 'TargetCycle'));
    const columns = await columnsOf('Applications');
    for (const wanted of applicationsListColumns.filter((column) => column.indexed)) {
      expect(columns.find((column) => column.name === wanted.name)?.indexed, wanted.name ?? '').toBe(true);
    }
    expect(describeColumnReport('Applications', report)).toMatch(/^'Applications' list: added columns Reference, .*; indexed columns (Status, TargetCycle|TargetCycle, Status)\.$/);
    const again = await ensureApplicationsListColumns(env.graph, site);
    expect(again).toEqual({ added: [], indexed: [] });
    expect(describeColumnReport('Applications', again)).toMatch(/every column is in place/);
  });

  it('creates the review calendar list and checks its columns are really there', async () => {
    const result = await ensureReviewCalendarList(env.graph, site.siteId, 'Review calendar');
    expect(result.created).toBe(true);
    expect(result.added).toEqual(dropsColumns ? calendarListColumns.map((column) => column.name) : []);
    const columns = await columnsOf('Review calendar');
    expect(calendarListColumns.every((wanted) => columns.some((column) => column.name === wanted.name))).toBe(true);
    expect(columns.find((column) => column.name === 'CycleId')?.indexed).toBe(true);
    const again = await ensureReviewCalendarList(env.graph, site.siteId, 'Review calendar');
    expect(again).toMatchObject({ created: false, added: [], indexed: [] });
  });
});
