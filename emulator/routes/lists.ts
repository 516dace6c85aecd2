import { randomUUID } from 'node:crypto';
import { authorizeSite } from '../auth.js';
import type { SiteAccess } from '../auth.js';
import type { EmulatorContext } from '../context.js';
import { GraphFault, header, jsonBody, noContent, ok, route } from '../http.js';
import type { EmulatorRequest, Route } from '../http.js';
import { decodeToken, encodeToken, evaluateFilter, filterPaths, parseFilter, parseSelect, parseTop, selectFields } from '../odata.js';
import { columnFromJson, columnResource, listViewThreshold } from '../sharepoint.js';
import type { ListItem, Site, SpList } from '../sharepoint.js';

const listPath = '/sites/([^/]+)/lists/([^/]+)';
const honorNonIndexed = 'honornonindexedquerieswarningmayfailrandomly';

interface ListDeltaToken {
  since: number;
  until: number;
  offset: number;
  initial: boolean;
  /** The page size of the round: query options of the first request are carried in the token. */
  pageSize?: number;
}

function isListDeltaToken(value: unknown): value is ListDeltaToken {
  return typeof value === 'object' && value !== null && 'since' in value && 'until' in value;
}

function etag(item: ListItem): string {
  return `"${item.uniqueId},${item.version}"`;
}

function normaliseEtag(value: string): string {
  return value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').replace(/^\{|\}$/g, '');
}

/** `$expand=fields` or `fields($select=A,B)` → the fields wanted ([] = all); undefined when not expanded. */
function expandedFields(request: EmulatorRequest): string[] | undefined {
  const expand = request.query.get('$expand') ?? request.query.get('expand');
  if (!expand) return undefined;
  const match = /^fields(?:\(\$?select=([^)]*)\))?$/i.exec(expand.trim());
  if (!match) throw new GraphFault(400, 'invalidRequest', `Parsing OData Select and Expand failed: Could not find a property named '${expand}' on type 'microsoft.graph.listItem'.`);
  return match[1] ? match[1].split(',').map((field) => field.trim()) : [];
}

/** A column value for `$orderby`: column names match case-insensitively; `id` is the item id. */
function fieldValue(list: SpList, item: ListItem, name: string): unknown {
  if (name.toLowerCase() === 'id') return Number(item.id);
  const column = list.columns.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  return item.fields[column?.name ?? name];
}

/** Empty values sort first; numbers and booleans by value; text case-insensitively; ISO dates sort as text. */
function compareFieldValues(left: unknown, right: unknown): number {
  const empty = (value: unknown): boolean => value === undefined || value === null || value === '';
  if (empty(left) || empty(right)) return empty(left) === empty(right) ? 0 : empty(left) ? -1 : 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  const [l, r] = [String(left).toLowerCase(), String(right).toLowerCase()];
  return l === r ? 0 : l < r ? -1 : 1;
}

export function listRoutes(context: EmulatorContext): Route[] {

  const resolve = (request: EmulatorRequest, siteId: string, listId: string, access: SiteAccess): { site: Site; list: SpList } => {
    const site = context.sharepoint.site(siteId);
    authorizeSite(context.app(request), context.claims(request), site.path, access);
    return { site, list: context.sharepoint.list(site, listId) };
  };

  const listResource = (list: SpList): Record<string, unknown> => ({
    '@odata.etag': `"${list.id},${list.sequence}"`,
    id: list.id,
    name: list.name,
    displayName: list.displayName,
    description: '',
    createdDateTime: list.createdDateTime,
    lastModifiedDateTime: list.lastModifiedDateTime,
    webUrl: `${list.site.webUrl}/${list.template === 'documentLibrary' ? encodeURIComponent(list.name) : `Lists/${encodeURIComponent(list.name)}`}`,
    list: { contentTypesEnabled: false, hidden: false, template: list.template === 'documentLibrary' ? 'documentLibrary' : 'genericList' },
    parentReference: { siteId: list.site.id },
  });

  const fieldsResource = (list: SpList, item: ListItem): Record<string, unknown> => ({
    '@odata.etag': etag(item),
    id: item.id,
    ...item.fields,
    ContentType: 'Item',
    Modified: item.lastModifiedDateTime,
    Created: item.createdDateTime,
    AuthorLookupId: '11',
    EditorLookupId: '11',
    _UIVersionString: `${item.version}.0`,
    Attachments: false,
    Edit: '',
    LinkTitle: item.fields.Title ?? '',
    ItemChildCount: '0',
    FolderChildCount: '0',
  });

  const itemResource = (list: SpList, item: ListItem, fields: string[] | undefined): Record<string, unknown> => {
    const resource: Record<string, unknown> = {
      '@odata.etag': etag(item),
      createdDateTime: item.createdDateTime,
      eTag: etag(item),
      id: item.id,
      lastModifiedDateTime: item.lastModifiedDateTime,
      webUrl: `${list.site.webUrl}/Lists/${encodeURIComponent(list.name)}/DispForm.aspx?ID=${item.id}`,
      createdBy: { application: { id: item.createdBy.id, displayName: item.createdBy.displayName } },
      lastModifiedBy: { application: { id: item.lastModifiedBy.id, displayName: item.lastModifiedBy.displayName } },
      parentReference: { id: list.id, siteId: list.site.id },
      contentType: { id: '0x0100', name: 'Item' },
    };
    if (fields !== undefined) resource.fields = fields.length > 0 ? selectFields(fieldsResource(list, item), fields) : fieldsResource(list, item);
    return resource;
  };

  /** SharePoint refuses filters and sorts on non-indexed columns (https://learn.microsoft.com/troubleshoot/sharepoint/lists-and-libraries/items-exceeds-list-view-threshold). */
  const checkIndexed = (request: EmulatorRequest, list: SpList, paths: string[]): void => {
    const prefer = (header(request, 'prefer') ?? '').toLowerCase();
    for (const path of paths) {
      const [scope, name] = path.split('/');
      if (scope?.toLowerCase() !== 'fields' || !name || name.toLowerCase() === 'id') continue;
      const column = list.columns.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (!column) throw new GraphFault(400, 'invalidRequest', `Field '${name}' is not recognized`);
      if (column.indexed) continue;
      if (!prefer.includes(honorNonIndexed)) {
        throw new GraphFault(400, 'invalidRequest', `Field '${column.name}' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to allow this, but be warned that such queries may fail on large lists.`);
      }
      if (list.items.size > listViewThreshold) {
        throw new GraphFault(500, 'generalException', 'The attempted operation is prohibited because it exceeds the list view threshold.');
      }
    }
  };

  const actor = (request: EmulatorRequest): { id: string; displayName: string } => {
    const app = context.app(request);
    return { id: app.clientId, displayName: app.displayName };
  };

  const findItem = (list: SpList, id: string): ListItem => {
    const item = list.items.get(id);
    if (!item) throw new GraphFault(404, 'itemNotFound', 'The specified list item was not found');
    return item;
  };

  return [
    route('GET', '/sites/([^/]+)/lists', (request, [siteId = '']) => {
      const site = context.sharepoint.site(siteId);
      authorizeSite(context.app(request), context.claims(request), site.path, 'read');
      return ok({ value: site.lists.map(listResource) });
    }),
    route('POST', '/sites/([^/]+)/lists', (request, [siteId = '']) => {
      const site = context.sharepoint.site(siteId);
      authorizeSite(context.app(request), context.claims(request), site.path, 'manage');
      const json = jsonBody(request);
      if (typeof json.displayName !== 'string' || json.displayName.trim() === '') throw new GraphFault(400, 'invalidRequest', "The 'displayName' property is required.");
      const template = (json.list as { template?: string } | undefined)?.template === 'documentLibrary' ? 'documentLibrary' : 'genericList';
      const columns = (Array.isArray(json.columns) ? json.columns : []).map((column) => columnFromJson(column as Record<string, unknown>));
      if (context.tenant.behaviour.listCreateDropsColumns) columns.length = 0;
      return ok(listResource(context.sharepoint.createList(site, { displayName: json.displayName, template, columns })), 201);
    }),
    route('GET', listPath, (request, [siteId = '', listId = '']) => ok(selectFields(listResource(resolve(request, siteId, listId, 'read').list), parseSelect(request.query)))),
    route('GET', `${listPath}/columns`, (request, [siteId = '', listId = '']) => ok({ value: resolve(request, siteId, listId, 'read').list.columns.map(columnResource) })),
    route('POST', `${listPath}/columns`, (request, [siteId = '', listId = '']) => {
      const { list } = resolve(request, siteId, listId, 'manage');
      const column = columnFromJson(jsonBody(request));
      if (list.columns.some((candidate) => candidate.name.toLowerCase() === column.name.toLowerCase())) {
        throw new GraphFault(409, 'nameAlreadyExists', `A duplicate field name "${column.name}" was found.`);
      }
      list.columns.push(column);
      return ok(columnResource(column), 201);
    }),
    /** https://learn.microsoft.com/graph/api/columndefinition-update */
    route('PATCH', `${listPath}/columns/([^/]+)`, (request, [siteId = '', listId = '', columnId = '']) => {
      const { list } = resolve(request, siteId, listId, 'manage');
      const column = list.columns.find((candidate) => candidate.id === columnId);
      if (!column) throw new GraphFault(404, 'itemNotFound', 'The specified column was not found.');
      const json = jsonBody(request);
      const allowed = ['displayName', 'description', 'indexed', 'required', 'hidden', 'enforceUniqueValues'];
      const unknown = Object.keys(json).filter((key) => !allowed.includes(key) && !key.startsWith('@'));
      if (unknown.length > 0) throw new GraphFault(400, 'invalidRequest', `Property '${unknown[0] ?? ''}' cannot be changed here.`);
      const indexed = typeof json.indexed === 'boolean' ? json.indexed : column.indexed;
      const unique = typeof json.enforceUniqueValues === 'boolean' ? json.enforceUniqueValues : column.enforceUniqueValues;
      if (unique && !indexed) throw new GraphFault(400, 'invalidRequest', `Column '${column.name}' enforces unique values, so it must be indexed.`);
      if (indexed && column.type === 'text' && column.facet.allowMultipleLines === true) throw new GraphFault(400, 'invalidRequest', `Multiple-lines-of-text column '${column.name}' cannot be indexed.`);
      column.indexed = indexed;
      column.enforceUniqueValues = unique;
      if (typeof json.displayName === 'string') column.displayName = json.displayName;
      if (typeof json.description === 'string') column.description = json.description;
      if (typeof json.required === 'boolean') column.required = json.required;
      if (typeof json.hidden === 'boolean') column.hidden = json.hidden;
      return ok(columnResource(column));
    }),
    route('GET', `${listPath}/items/delta`, (request, [siteId = '', listId = '']) => {
      const { list } = resolve(request, siteId, listId, 'read');
      const raw = request.query.get('$deltatoken') ?? request.query.get('token') ?? request.query.get('$skiptoken');
      const base = `${request.origin}/v1.0${request.path}`;
      if (raw === 'latest') {
        return ok({ value: [], '@odata.deltaLink': `${base}?token=${encodeToken({ since: list.sequence, until: list.sequence, offset: 0, initial: false })}` });
      }
      let token: ListDeltaToken = { since: 0, until: list.sequence, offset: 0, initial: true };
      if (raw) {
        const decoded = decodeToken(raw, isListDeltaToken);
        if (!decoded) throw new GraphFault(400, 'invalidRequest', 'The delta token is malformed.');
        token = request.query.has('$skiptoken') ? decoded : { since: decoded.until, until: list.sequence, offset: 0, initial: false, ...(decoded.pageSize ? { pageSize: decoded.pageSize } : {}) };
      }
      const ids = token.initial
        ? [...list.items.keys()]
        : [...new Set(list.changes.filter((change) => change.sequence > token.since && change.sequence <= token.until).map((change) => change.itemId))];
      const pageSize = parseTop(request.query, 1000) ?? token.pageSize ?? 200;
      const page = ids.slice(token.offset, token.offset + pageSize);
      const fields = expandedFields(request) ?? [];
      const value = page.map((id) => {
        const item = list.items.get(id);
        return item ? itemResource(list, item, fields) : { id, '@removed': { reason: 'deleted' }, deleted: { state: 'deleted' } };
      });
      const body: Record<string, unknown> = { value };
      if (token.offset + pageSize < ids.length) body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...token, offset: token.offset + pageSize, pageSize })}`;
      else body['@odata.deltaLink'] = `${base}?token=${encodeToken({ since: token.until, until: token.until, offset: 0, initial: false, pageSize })}`;
      return ok(body);
    }),
    route('GET', `${listPath}/items`, (request, [siteId = '', listId = '']) => {
      const { list } = resolve(request, siteId, listId, 'read');
      const filterText = request.query.get('$filter') ?? request.query.get('filter');
      const filter = filterText ? parseFilter(filterText) : undefined;
      const orderText = request.query.get('$orderby');
      const order = orderText ? orderText.split(',').map((part) => part.trim().split(/\s+/)) : [];
      checkIndexed(request, list, [...(filter ? filterPaths(filter) : []), ...order.map(([path]) => path ?? '')]);
      const top = parseTop(request.query, 5000) ?? 200;
      const skipToken = request.query.get('$skiptoken');
      const offset = skipToken ? (decodeToken(skipToken, (value): value is { offset: number } => typeof (value as { offset?: unknown })?.offset === 'number')?.offset ?? 0) : 0;
      const matching = [...list.items.values()]
        .filter((item) => !filter || evaluateFilter(filter, { id: item.id, fields: fieldsResource(list, item) }))
        .sort((a, b) => {
          for (const [path = '', direction = 'asc'] of order) {
            const name = path.split('/')[1] ?? '';
            const comparison = compareFieldValues(fieldValue(list, a, name), fieldValue(list, b, name));
            if (comparison !== 0) return comparison * (direction.toLowerCase() === 'desc' ? -1 : 1);
          }
          return Number(a.id) - Number(b.id);
        });
      const fields = expandedFields(request);
      const body: Record<string, unknown> = { value: matching.slice(offset, offset + top).map((item) => itemResource(list, item, fields)) };
      if (offset + top < matching.length) {
        const next = new URLSearchParams(request.query);
        next.set('$skiptoken', encodeToken({ offset: offset + top }));
        body['@odata.nextLink'] = `${request.origin}/v1.0${request.path}?${next.toString().replace(/%24/g, '$')}`; // Graph writes $top/$skiptoken unescaped
      }
      return ok(body);
    }),
    route('GET', `${listPath}/items/([^/]+)`, (request, [siteId = '', listId = '', itemId = '']) => {
      const { list } = resolve(request, siteId, listId, 'read');
      return ok(itemResource(list, findItem(list, itemId), expandedFields(request) ?? []));
    }),
    route('POST', `${listPath}/items`, (request, [siteId = '', listId = '']) => {
      const { list } = resolve(request, siteId, listId, 'write');
      const fields = jsonBody(request).fields;
      if (typeof fields !== 'object' || fields === null) throw new GraphFault(400, 'invalidRequest', "The 'fields' property is required.");
      const accepted = context.sharepoint.validateFields(list, fields as Record<string, unknown>);
      const now = context.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const item: ListItem = {
        id: String(list.nextItemId),
        uniqueId: randomUUID(),
        version: 1,
        fields: accepted,
        createdDateTime: now,
        lastModifiedDateTime: now,
        createdBy: actor(request),
        lastModifiedBy: actor(request),
      };
      list.nextItemId += 1;
      list.items.set(item.id, item);
      context.sharepoint.listChanged(list, item.id);
      return ok(itemResource(list, item, []), 201);
    }),
    route('PATCH', `${listPath}/items/([^/]+)/fields`, (request, [siteId = '', listId = '', itemId = '']) => {
      const { list } = resolve(request, siteId, listId, 'write');
      const item = findItem(list, itemId);
      const ifMatch = header(request, 'if-match');
      if (ifMatch && ifMatch !== '*' && normaliseEtag(ifMatch) !== normaliseEtag(etag(item))) {
        throw new GraphFault(412, 'resourceModified', 'The resource has changed since the caller last read it; usually an eTag mismatch');
      }
      const accepted = context.sharepoint.validateFields(list, jsonBody(request), item);
      Object.assign(item.fields, accepted);
      item.version += 1;
      item.lastModifiedDateTime = context.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      item.lastModifiedBy = actor(request);
      context.sharepoint.listChanged(list, item.id);
      return ok(fieldsResource(list, item));
    }),
    route('DELETE', `${listPath}/items/([^/]+)`, (request, [siteId = '', listId = '', itemId = '']) => {
      const { list } = resolve(request, siteId, listId, 'write');
      findItem(list, itemId);
      list.items.delete(itemId);
      context.sharepoint.listChanged(list, itemId);
      return noContent();
    }),
  ];
}
