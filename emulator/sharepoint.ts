import { createHash, randomUUID } from 'node:crypto';
import { GraphFault } from './http.js';
import { ids } from './ids.js';
import type { Clock } from './ids.js';
import type { SiteSeed } from './tenant.js';

export type SiteGroupRole = 'owner' | 'write' | 'read';

export interface SiteGroup {
  id: string;
  displayName: string;
  role: SiteGroupRole;
  members: { displayName: string; email: string }[];
}

export interface Site {
  id: string;
  hostname: string;
  path: string;
  name: string;
  displayName: string;
  webUrl: string;
  createdDateTime: string;
  groups: SiteGroup[];
  drives: Drive[];
  lists: SpList[];
}

export type Principal =
  | { kind: 'group'; group: SiteGroup }
  | { kind: 'user'; email: string; displayName: string; external: boolean };

export interface Permission {
  id: string;
  roles: string[];
  principal: Principal;
  signInRequired?: boolean;
  /**
   * A guest's sharing permission until they accept it: it exists (its id answers), but the item's
   * permission list leaves it out (OneDrive api-docs issue 484).
   */
  pendingAcceptance?: boolean;
}

export interface Actor {
  id: string;
  displayName: string;
}

export interface DriveItem {
  id: string;
  name: string;
  parentId: string | undefined;
  folder: boolean;
  content?: Buffer;
  mimeType?: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  version: number;
  tag: string;
  createdBy: Actor;
  lastModifiedBy: Actor;
  children: Set<string>;
  /** Present once the item has its own permission scope (inheritance broken). */
  uniquePermissions?: Permission[];
}

export interface Drive {
  id: string;
  name: string;
  urlName: string;
  site: Site;
  list: SpList;
  root: DriveItem;
  items: Map<string, DriveItem>;
}

export interface ColumnDefinition {
  id: string;
  name: string;
  displayName: string;
  description: string;
  indexed: boolean;
  enforceUniqueValues: boolean;
  required: boolean;
  readOnly: boolean;
  hidden: boolean;
  type: 'text' | 'choice' | 'dateTime' | 'number' | 'boolean';
  facet: Record<string, unknown>;
}

export interface ListItem {
  id: string;
  uniqueId: string;
  version: number;
  fields: Record<string, unknown>;
  createdDateTime: string;
  lastModifiedDateTime: string;
  createdBy: Actor;
  lastModifiedBy: Actor;
}

export interface SpList {
  id: string;
  name: string;
  displayName: string;
  template: 'genericList' | 'documentLibrary';
  createdDateTime: string;
  lastModifiedDateTime: string;
  columns: ColumnDefinition[];
  items: Map<string, ListItem>;
  nextItemId: number;
  changes: { sequence: number; itemId: string }[];
  sequence: number;
  site: Site;
}

/**
 * A GUID derived from names, so that re-seeding the tenant (`/_emulator/reset`) gives the seeded
 * site, lists and drives the ids they had before, as a real tenant's ids never change.
 */
function stableGuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A GUID's bytes in .NET `Guid.ToByteArray()` order (first three groups little-endian). */
function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(bytes.subarray(0, 4)).reverse(), Buffer.from(bytes.subarray(4, 6)).reverse(), Buffer.from(bytes.subarray(6, 8)).reverse(), bytes.subarray(8)]);
}

/** SharePoint drive ids are `b!` + base64url of the site-collection, web and list GUIDs. */
function driveIdFor(site: Site, listId: string): string {
  const [, siteGuid = '', webGuid = ''] = site.id.split(',');
  return `b!${Buffer.concat([guidBytes(siteGuid), guidBytes(webGuid), guidBytes(listId)]).toString('base64url')}`;
}

/** The root folder id, stable for a drive; other item ids stay random. */
function rootItemIdFor(driveId: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return `01${Array.from(createHash('sha256').update(`${driveId}/root`).digest(), (byte) => alphabet[byte % 32]).join('')}`;
}

/** SharePoint's list view threshold. https://learn.microsoft.com/graph/api/listitem-list */
export const listViewThreshold = 5000;

const forbiddenCharacters = /["*:<>?/\\|]/;
const reservedNames = new Set(['.lock', 'con', 'prn', 'aux', 'nul', 'desktop.ini', ...Array.from({ length: 10 }, (_, i) => [`com${i}`, `lpt${i}`]).flat()]);

/**
 * SharePoint Online naming rules.
 * https://support.microsoft.com/office/invalid-file-names-and-file-types-in-onedrive-and-sharepoint-64883a5d-228e-48f5-b3d2-eb39e07630fa
 */
export function validateName(name: string, options: { folder: boolean; atLibraryRoot: boolean }): void {
  const invalid = (): GraphFault => new GraphFault(400, 'invalidRequest', 'The provided name contains invalid characters or is a reserved name.', {}, 'invalidPath');
  if (name.length === 0 || name.trim() !== name || forbiddenCharacters.test(name) || [...name].some((char) => char.charCodeAt(0) < 0x20)) throw invalid();
  const lower = name.toLowerCase();
  if (reservedNames.has(lower) || lower.startsWith('~$') || lower.includes('_vti_')) throw invalid();
  if (options.folder && (lower.startsWith('~') || (options.atLibraryRoot && lower === 'forms'))) throw invalid();
  if (name.endsWith('.')) throw invalid();
}

const columnTypes = ['text', 'choice', 'dateTime', 'number', 'boolean'] as const;

export function columnFromJson(json: Record<string, unknown>): ColumnDefinition {
  const name = json.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(name)) {
    throw new GraphFault(400, 'invalidRequest', 'A column needs an internal name of letters, digits and underscores (at most 32 characters).');
  }
  const types = columnTypes.filter((type) => json[type] !== undefined);
  if (types.length !== 1) throw new GraphFault(400, 'invalidRequest', `Column '${name}' must have exactly one type facet (${columnTypes.join(', ')}).`);
  const type = types[0] as ColumnDefinition['type'];
  const facet = (json[type] ?? {}) as Record<string, unknown>;
  const indexed = json.indexed === true;
  const enforceUniqueValues = json.enforceUniqueValues === true;
  if (enforceUniqueValues && !indexed) {
    throw new GraphFault(400, 'invalidRequest', `Column '${name}' enforces unique values, so it must be indexed.`);
  }
  if (type === 'text' && facet.allowMultipleLines === true && (indexed || enforceUniqueValues)) {
    throw new GraphFault(400, 'invalidRequest', `Multiple-lines-of-text column '${name}' cannot be indexed.`);
  }
  if (type === 'choice' && !Array.isArray(facet.choices)) throw new GraphFault(400, 'invalidRequest', `Choice column '${name}' needs choices.`);
  return {
    id: randomUUID(),
    name,
    displayName: typeof json.displayName === 'string' ? json.displayName : name,
    description: typeof json.description === 'string' ? json.description : '',
    indexed,
    enforceUniqueValues,
    required: json.required === true,
    readOnly: false,
    hidden: json.hidden === true,
    type,
    facet,
  };
}

export function columnResource(column: ColumnDefinition): Record<string, unknown> {
  return {
    id: column.id,
    name: column.name,
    displayName: column.displayName,
    description: column.description,
    columnGroup: 'Custom Columns',
    enforceUniqueValues: column.enforceUniqueValues,
    hidden: column.hidden,
    indexed: column.indexed,
    readOnly: column.readOnly,
    required: column.required,
    [column.type]: column.facet,
  };
}

const titleColumn = (): ColumnDefinition => ({
  id: 'fa564e0f-0c70-4ab9-b863-0177e6ddd247',
  name: 'Title',
  displayName: 'Title',
  description: '',
  indexed: false,
  enforceUniqueValues: false,
  required: false,
  readOnly: false,
  hidden: false,
  type: 'text',
  facet: { allowMultipleLines: false, maxLength: 255 },
});

export class SharePoint {
  readonly sites: Site[] = [];
  readonly drives = new Map<string, Drive>();
  readonly copyJobs = new Map<string, { status: 'inProgress' | 'completed' | 'failed'; resourceId?: string; error?: { code: string; message: string } }>();
  readonly sharingInvitations: { itemId: string; email: string; roles: string[]; message?: string; sentAt: string }[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly hostname: string,
    private readonly onListChanged: (siteId: string, listId: string) => void,
    /** tenant behaviour `listUniqueValueClashStatus` (docs/graph-assumptions.md). */
    private readonly uniqueValueClashStatus: 400 | 409 | 500 = 500,
  ) {}

  addSite(seed: SiteSeed): Site {
    const name = seed.path.split('/').at(-1) ?? 'site';
    const site: Site = {
      id: `${this.hostname},${stableGuid(this.hostname, seed.path, 'site')},${stableGuid(this.hostname, seed.path, 'web')}`,
      hostname: this.hostname,
      path: seed.path,
      name,
      displayName: seed.displayName,
      webUrl: `https://${this.hostname}${seed.path}`,
      createdDateTime: this.clock.now().toISOString(),
      groups: [
        { id: '3', displayName: `${seed.displayName} Owners`, role: 'owner', members: seed.owners },
        { id: '5', displayName: `${seed.displayName} Members`, role: 'write', members: seed.members },
        { id: '4', displayName: `${seed.displayName} Visitors`, role: 'read', members: seed.visitors },
      ],
      drives: [],
      lists: [],
    };
    this.sites.push(site);
    this.createList(site, { displayName: 'Documents', urlName: 'Shared Documents', template: 'documentLibrary', columns: [] });
    for (const library of seed.libraries) {
      this.createList(site, { displayName: library.displayName, urlName: library.urlName ?? library.displayName, template: 'documentLibrary', columns: [] });
    }
    for (const list of seed.lists) {
      this.createList(site, { displayName: list.displayName, template: 'genericList', columns: list.columns.map((column) => columnFromJson(column)) });
    }
    return site;
  }

  createList(site: Site, spec: { displayName: string; urlName?: string; template: SpList['template']; columns: ColumnDefinition[] }): SpList {
    if (site.lists.some((list) => list.displayName.toLowerCase() === spec.displayName.toLowerCase())) {
      throw new GraphFault(409, 'nameAlreadyExists', `A list, survey, discussion board, or document library with the specified title already exists in this Web site.  Please choose another title.`);
    }
    const now = this.clock.now().toISOString();
    const list: SpList = {
      id: stableGuid(site.id, spec.displayName.toLowerCase(), 'list'),
      name: (spec.urlName ?? spec.displayName).replace(/\s+/g, spec.template === 'documentLibrary' ? ' ' : ''),
      displayName: spec.displayName,
      template: spec.template,
      createdDateTime: now,
      lastModifiedDateTime: now,
      columns: [titleColumn(), ...spec.columns],
      items: new Map(),
      nextItemId: 1,
      changes: [],
      sequence: 0,
      site,
    };
    site.lists.push(list);
    if (spec.template === 'documentLibrary') {
      const app = { id: 'SharePoint', displayName: 'SharePoint App' };
      const root: DriveItem = {
        id: rootItemIdFor(driveIdFor(site, list.id)),
        name: 'root',
        parentId: undefined,
        folder: true,
        createdDateTime: now,
        lastModifiedDateTime: now,
        version: 1,
        tag: randomUUID().toUpperCase(),
        createdBy: app,
        lastModifiedBy: app,
        children: new Set(),
      };
      const drive: Drive = { id: driveIdFor(site, list.id), name: spec.displayName, urlName: list.name, site, list, root, items: new Map([[root.id, root]]) };
      site.drives.push(drive);
      this.drives.set(drive.id, drive);
    }
    return list;
  }

  site(idOrPath: string): Site {
    const site = this.sites.find((candidate) => candidate.id.toLowerCase() === idOrPath.toLowerCase() || candidate.path.toLowerCase() === idOrPath.toLowerCase());
    if (!site) throw new GraphFault(404, 'itemNotFound', 'Requested site could not be found');
    return site;
  }

  list(site: Site, idOrTitle: string): SpList {
    const wanted = idOrTitle.toLowerCase();
    const list = site.lists.find((candidate) => candidate.id === wanted || candidate.displayName.toLowerCase() === wanted || candidate.name.toLowerCase() === wanted);
    if (!list) throw new GraphFault(404, 'itemNotFound', 'The specified list was not found');
    return list;
  }

  drive(id: string): Drive {
    const drive = this.drives.get(id);
    if (!drive) throw new GraphFault(404, 'itemNotFound', 'The requested drive was not found.');
    return drive;
  }

  item(drive: Drive, id: string): DriveItem {
    const item = drive.items.get(id);
    if (!item) throw new GraphFault(404, 'itemNotFound', 'The resource could not be found.');
    return item;
  }

  childNamed(drive: Drive, parent: DriveItem, name: string): DriveItem | undefined {
    for (const childId of parent.children) {
      const child = drive.items.get(childId);
      if (child?.name.toLowerCase() === name.toLowerCase()) return child;
    }
    return undefined;
  }

  itemByPath(drive: Drive, from: DriveItem, path: string): DriveItem {
    let current = from;
    for (const segment of path.split('/').filter(Boolean)) {
      const next = this.childNamed(drive, current, segment);
      if (!next) throw new GraphFault(404, 'itemNotFound', 'The resource could not be found.');
      current = next;
    }
    return current;
  }

  pathSegments(drive: Drive, item: DriveItem): string[] {
    const segments: string[] = [];
    let current: DriveItem | undefined = item;
    while (current?.parentId) {
      segments.unshift(current.name);
      current = drive.items.get(current.parentId);
    }
    return segments;
  }

  /** The full decoded path SharePoint limits to 400 characters: site, library, folders and name. */
  checkPathLength(drive: Drive, parent: DriveItem, name: string): void {
    const full = [drive.site.path.replace(/^\//, ''), drive.urlName, ...this.pathSegments(drive, parent), name].join('/');
    if (full.length > 400) throw new GraphFault(400, 'invalidRequest', 'The path is too long.', {}, 'pathIsTooLong');
  }

  addItem(drive: Drive, parent: DriveItem, spec: { name: string; folder: boolean; content?: Buffer; mimeType?: string; actor: Actor }): DriveItem {
    validateName(spec.name, { folder: spec.folder, atLibraryRoot: parent === drive.root });
    this.checkPathLength(drive, parent, spec.name);
    const now = this.clock.now().toISOString();
    const item: DriveItem = {
      id: ids.driveItem(),
      name: spec.name,
      parentId: parent.id,
      folder: spec.folder,
      ...(spec.content !== undefined ? { content: spec.content } : {}),
      ...(spec.mimeType !== undefined ? { mimeType: spec.mimeType } : {}),
      createdDateTime: now,
      lastModifiedDateTime: now,
      version: 1,
      tag: randomUUID().toUpperCase(),
      createdBy: spec.actor,
      lastModifiedBy: spec.actor,
      children: new Set(),
    };
    drive.items.set(item.id, item);
    parent.children.add(item.id);
    this.touch(drive, parent);
    return item;
  }

  touch(drive: Drive, item: DriveItem): void {
    item.version += 1;
    item.lastModifiedDateTime = this.clock.now().toISOString();
    if (item.parentId) {
      const parent = drive.items.get(item.parentId);
      if (parent) parent.lastModifiedDateTime = item.lastModifiedDateTime;
    }
  }

  removeItem(drive: Drive, item: DriveItem): void {
    for (const childId of [...item.children]) {
      const child = drive.items.get(childId);
      if (child) this.removeItem(drive, child);
    }
    drive.items.delete(item.id);
    if (item.parentId) drive.items.get(item.parentId)?.children.delete(item.id);
  }

  /** Conflict handling shared by create, upload and copy (`@microsoft.graph.conflictBehavior`). */
  resolveConflict(drive: Drive, parent: DriveItem, name: string, behavior: string): { name: string; existing?: DriveItem } {
    const existing = this.childNamed(drive, parent, name);
    if (!existing) return { name };
    if (behavior === 'replace') return { name, existing };
    if (behavior === 'rename') {
      const dot = name.lastIndexOf('.');
      const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
      for (let counter = 1; ; counter += 1) {
        const candidate = `${stem} ${counter}${extension}`;
        if (!this.childNamed(drive, parent, candidate)) return { name: candidate };
      }
    }
    throw new GraphFault(409, 'nameAlreadyExists', 'The specified item name already exists.');
  }

  /** The permissions in force on an item and, when inherited, where from. */
  effectivePermissions(drive: Drive, item: DriveItem): { permissions: Permission[]; inheritedFrom?: DriveItem } {
    if (item.uniquePermissions) return { permissions: item.uniquePermissions };
    let ancestor = item.parentId ? drive.items.get(item.parentId) : undefined;
    while (ancestor) {
      if (ancestor.uniquePermissions) return { permissions: ancestor.uniquePermissions, inheritedFrom: ancestor };
      ancestor = ancestor.parentId ? drive.items.get(ancestor.parentId) : undefined;
    }
    const fromSite = drive.site.groups.map((group) => ({ id: group.id, roles: [group.role], principal: { kind: 'group', group } }) satisfies Permission);
    return item === drive.root ? { permissions: fromSite } : { permissions: fromSite, inheritedFrom: drive.root };
  }

  /**
   * Breaks inheritance the way sharing does: with `retain`, the inherited role assignments are
   * copied onto the item; without, they are dropped (`retainInheritedPermissions: false`).
   */
  breakInheritance(drive: Drive, item: DriveItem, retain: boolean): Permission[] {
    if (!item.uniquePermissions) {
      item.uniquePermissions = retain ? this.effectivePermissions(drive, item).permissions.map((permission) => ({ ...permission, roles: [...permission.roles] })) : [];
    }
    return item.uniquePermissions;
  }

  // Lists

  listChanged(list: SpList, itemId: string): void {
    list.sequence += 1;
    list.changes.push({ sequence: list.sequence, itemId });
    list.lastModifiedDateTime = this.clock.now().toISOString();
    this.onListChanged(list.site.id, list.id);
  }

  validateFields(list: SpList, fields: Record<string, unknown>, existing?: ListItem): Record<string, unknown> {
    const accepted: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (key.startsWith('@')) continue;
      const column = list.columns.find((candidate) => candidate.name === key);
      if (!column) throw new GraphFault(400, 'invalidRequest', `Field '${key}' is not recognized`);
      if (column.readOnly) throw new GraphFault(400, 'invalidRequest', `Field '${key}' is read-only`);
      accepted[key] = this.checkValue(column, value);
    }
    if (!existing) {
      for (const column of list.columns) {
        if (column.required && (accepted[column.name] === undefined || accepted[column.name] === null || accepted[column.name] === '')) {
          throw new GraphFault(400, 'invalidRequest', `Field '${column.name}' is required.`);
        }
      }
    }
    for (const column of list.columns.filter((candidate) => candidate.enforceUniqueValues)) {
      const value = accepted[column.name];
      if (value === undefined || value === null || value === '') continue;
      const clash = [...list.items.values()].some(
        (item) => item !== existing && String(item.fields[column.name] ?? '').toLowerCase() === String(value).toLowerCase(),
      );
      if (clash) {
        const code = { 400: 'invalidRequest', 409: 'nameAlreadyExists', 500: 'generalException' }[this.uniqueValueClashStatus];
        throw new GraphFault(this.uniqueValueClashStatus, code, 'The list item could not be added or updated because duplicate values were found in one or more fields in the list.');
      }
    }
    return accepted;
  }

  private checkValue(column: ColumnDefinition, value: unknown): unknown {
    if (value === null) return null;
    const wrong = (): GraphFault => new GraphFault(400, 'invalidRequest', `Invalid value for field '${column.name}'.`);
    switch (column.type) {
      case 'text': {
        if (typeof value !== 'string') throw wrong();
        const maxLength = column.facet.allowMultipleLines === true ? 63_999 : Number(column.facet.maxLength ?? 255);
        if (value.length > maxLength) throw new GraphFault(400, 'invalidRequest', `The value of field '${column.name}' exceeds its maximum length of ${maxLength} characters.`);
        return value;
      }
      case 'choice': {
        if (typeof value !== 'string') throw wrong();
        const choices = (column.facet.choices as unknown[]).map(String);
        if (!choices.includes(value) && column.facet.allowTextEntry !== true) throw wrong();
        return value;
      }
      case 'dateTime': {
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw wrong();
        return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
      }
      case 'number': {
        const number = typeof value === 'string' ? Number(value) : value;
        if (typeof number !== 'number' || Number.isNaN(number)) throw wrong();
        return number;
      }
      case 'boolean':
        if (typeof value !== 'boolean') throw wrong();
        return value;
    }
  }
}
