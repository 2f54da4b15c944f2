/*
 * The object endpoints: get, list, create, update, patch (apply, merge, JSON), delete and
 * deletecollection, on the main resource and its status subresource. Each write goes through
 * the same steps as in the apiserver: decode, check identity and preconditions, prune unknown
 * fields (or refuse them under fieldValidation=Strict), reset what the endpoint may not change,
 * default, validate, track field ownership, bump generation, store.
 */
import { randomUUID } from 'crypto';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../api/labelSelector';
import {
  alreadyExists,
  badRequest,
  FieldError,
  invalid,
  KubeStatusError,
  methodNotAllowed,
  modifiedConflict,
  notFound,
  unsupportedMediaType,
} from '../api/status';
import { canonicalJson, pathToString } from '../fields/FieldSet';
import {
  ApplyConflictError,
  applyConfiguration,
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  Manager,
  recordUpdate,
  TypedPatchError,
} from '../fields/managedFields';
import { applyJsonPatch, JsonPatchError } from '../patch/jsonPatch';
import { applyMergePatch } from '../patch/mergePatch';
import {
  apiVersionOf,
  ResourceType,
  ServedVersion,
  storageKey,
} from '../resources/ResourceType';
import { NAMESPACE } from '../resources/builtinResources';
import {
  applyDefaults,
  isPlainObject,
  pruneUnknown,
} from '../schema/structural';
import { ObjectStore } from '../store/ObjectStore';
import { ResourceRegistry } from './ResourceRegistry';
import { parseBody, parseObjectBody } from './requestBody';

/** One request on a resource, parsed from the URL. */
export interface ResourceRequest {
  type: ResourceType;
  version: ServedVersion;
  namespace?: string;
  name?: string;
  subresource?: 'status';
  query: URLSearchParams;
  userAgent: string;
}

export interface Reply {
  code: number;
  body: unknown;
  warnings?: string[];
}

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
];

/** the patch types of custom resources, in the order the apiserver lists them in a 415 */
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

/** Timestamps as the apiserver writes them: RFC 3339, whole seconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

function apiVersion(req: ResourceRequest): string {
  return apiVersionOf(req.type.group, req.version.name);
}

/** The object as served at the request's version. */
export function serve(
  type: ResourceType,
  version: ServedVersion,
  object: Record<string, any>,
): Record<string, any> {
  return {
    ...object,
    apiVersion: apiVersionOf(type.group, version.name),
    kind: type.kind,
  };
}

function withoutKeys(
  object: Record<string, any>,
  keys: string[],
): Record<string, any> {
  const out = { ...object };
  for (const k of keys) delete out[k];
  return out;
}

/** Content that a write may change without it being a change (bookkeeping only). */
function content(object: Record<string, any>): string {
  return canonicalJson({
    ...object,
    metadata: withoutKeys(object.metadata ?? {}, [
      'resourceVersion',
      'managedFields',
    ]),
  });
}

export class ResourceHandler {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  // ------------------------------------------------------------------------------------------
  // reads

  get(req: ResourceRequest): Reply {
    const live = this.live(req);
    return { code: 200, body: serve(req.type, req.version, live) };
  }

  list(req: ResourceRequest): Reply {
    const items = this.matching(req);
    const limit = Number(req.query.get('limit') ?? 0);
    const start = req.query.get('continue')
      ? Number(
          Buffer.from(req.query.get('continue')!, 'base64').toString('utf8'),
        )
      : 0;
    if (!Number.isInteger(start) || start < 0) {
      throw badRequest('invalid continue token');
    }
    const page =
      limit > 0 ? items.slice(start, start + limit) : items.slice(start);
    const more = limit > 0 && start + limit < items.length;
    return this.listReply(
      req,
      page.map(o => this.listItem(req, o)),
      more
        ? {
            continue: Buffer.from(String(start + limit)).toString('base64'),
            remainingItemCount: items.length - start - limit,
          }
        : {},
    );
  }

  /** a `<Kind>List` at the store's current resourceVersion */
  private listReply(
    req: ResourceRequest,
    items: unknown[],
    metadata: Record<string, unknown> = {},
  ): Reply {
    return {
      code: 200,
      body: {
        apiVersion: apiVersion(req),
        kind: req.type.listKind,
        metadata: {
          resourceVersion: String(this.store.currentResourceVersion()),
          ...metadata,
        },
        items,
      },
    };
  }

  /** Core lists carry bare items; custom resource lists carry apiVersion and kind. */
  listItem(
    req: ResourceRequest,
    object: Record<string, any>,
  ): Record<string, any> {
    const served = serve(req.type, req.version, object);
    return req.type.custom
      ? served
      : withoutKeys(served, ['apiVersion', 'kind']);
  }

  private matching(req: ResourceRequest): Record<string, any>[] {
    const labels = parseLabelSelector(req.query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(req.query.get('fieldSelector') ?? '');
    return this.store
      .list(
        storageKey(req.type),
        req.type.namespaced ? req.namespace : undefined,
      )
      .filter(
        o =>
          matchesLabels(labels, o.metadata.labels) &&
          matchesFields(fields, o.metadata),
      );
  }

  private live(req: ResourceRequest): Record<string, any> {
    const found = this.store.get(
      storageKey(req.type),
      req.namespace ?? '',
      req.name!,
    );
    if (!found) throw notFound(req.type.group, req.type.plural, req.name!);
    return found;
  }

  // ------------------------------------------------------------------------------------------
  // writes

  create(req: ResourceRequest, text: string, contentType: string): Reply {
    if (req.subresource) throw methodNotAllowed();
    const body = parseObjectBody(text, contentType);
    this.checkIdentity(req, body, 'create');
    const metadata = isPlainObject(body.metadata) ? { ...body.metadata } : {};
    if (!metadata.name && metadata.generateName) {
      metadata.name = `${metadata.generateName}${randomUUID()
        .replace(/-/g, '')
        .slice(0, 5)}`;
    }
    if (req.type.namespaced) metadata.namespace = req.namespace;
    else delete metadata.namespace;
    const warnings: string[] = [];
    let object = this.pruned(req, { ...body, metadata }, warnings);
    this.requireNamespace(req);
    object = this.createdObject(req, object);
    const name = object.metadata.name;
    if (this.store.get(storageKey(req.type), req.namespace ?? '', name)) {
      throw alreadyExists(req.type.group, req.type.plural, name);
    }
    object.metadata.managedFields = encodeManagedFields(
      recordUpdate({
        before: undefined,
        after: object,
        schema: req.version.schema,
        managers: [],
        manager: this.manager(req),
        apiVersion: apiVersion(req),
        statusSubresource: req.version.statusSubresource,
        now: timestamp(),
      }),
    );
    return { code: 201, body: this.commit(req, object), warnings };
  }

  update(req: ResourceRequest, text: string, contentType: string): Reply {
    const body = parseObjectBody(text, contentType);
    this.checkIdentity(req, body, 'update');
    const live = this.live(req);
    const sentVersion = body.metadata?.resourceVersion;
    if (sentVersion !== undefined && sentVersion !== '') {
      if (String(sentVersion) !== live.metadata.resourceVersion) {
        throw modifiedConflict(req.type.group, req.type.plural, req.name!);
      }
    } else if (!req.type.allowUnconditionalUpdate) {
      throw invalid(req.type.group, req.type.kind, req.name!, [
        {
          field: 'metadata.resourceVersion',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    return this.replaceWith(req, live, body);
  }

  patch(req: ResourceRequest, text: string, contentType: string): Reply {
    const force = req.query.get('force');
    if (contentType === 'application/apply-patch+yaml') {
      return this.apply(req, text, contentType, force === 'true');
    }
    if (force !== null) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [
        {
          field: 'force',
          reason: 'FieldValueForbidden',
          message: 'Forbidden: may not be specified for non-apply patch',
        },
      ]);
    }
    let patched: unknown;
    const live = this.live(req);
    if (
      contentType === 'application/merge-patch+json' ||
      (contentType === 'application/strategic-merge-patch+json' &&
        !req.type.custom)
    ) {
      // Strategic merge on the built-in kinds served here equals a merge patch: none of
      // their fields has a list merge key.
      patched = applyMergePatch(live, parseBody(text, 'application/json'));
    } else if (contentType === 'application/json-patch+json') {
      try {
        patched = applyJsonPatch(live, parseBody(text, 'application/json'));
      } catch (e) {
        if (!(e instanceof JsonPatchError)) throw e;
        throw new KubeStatusError(422, 'Invalid', e.message, {});
      }
    } else {
      throw unsupportedMediaType(
        req.type.custom
          ? PATCH_TYPES
          : [
              'application/json-patch+json',
              'application/merge-patch+json',
              'application/strategic-merge-patch+json',
              'application/apply-patch+yaml',
            ],
      );
    }
    if (!isPlainObject(patched))
      throw badRequest('the patched object is not an object');
    this.checkIdentity(req, patched, 'update');
    const sentVersion = patched.metadata?.resourceVersion;
    if (
      sentVersion !== undefined &&
      String(sentVersion) !== live.metadata.resourceVersion
    ) {
      throw modifiedConflict(req.type.group, req.type.plural, req.name!);
    }
    return this.replaceWith(req, live, patched);
  }

  /** the end of PUT and of the non-apply patches: the sent object, pruned, replaces the live one */
  private replaceWith(
    req: ResourceRequest,
    live: Record<string, any>,
    sent: Record<string, any>,
  ): Reply {
    const warnings: string[] = [];
    const candidate = this.pruned(
      req,
      this.endpointView(req, live, sent),
      warnings,
    );
    return {
      code: 200,
      body: this.updateWith(req, live, candidate, undefined),
      warnings,
    };
  }

  private apply(
    req: ResourceRequest,
    text: string,
    contentType: string,
    force: boolean,
  ): Reply {
    const manager = req.query.get('fieldManager');
    if (!manager) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [
        {
          field: 'fieldManager',
          reason: 'FieldValueRequired',
          message: 'Required value: is required for apply patch',
        },
      ]);
    }
    this.checkFieldManager(manager);
    const config = parseObjectBody(text, contentType);
    const expected = apiVersion(req);
    if (config.apiVersion !== expected) {
      throw badRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${
          config.apiVersion ?? ''
        }, expected: ${expected}`,
      );
    }
    if (config.kind !== req.type.kind) {
      throw badRequest(
        `Incorrect kind specified in apply patch. Specified patch kind: ${
          config.kind ?? ''
        }, expected: ${req.type.kind}`,
      );
    }
    this.checkIdentity(req, config, 'update');
    const found = this.store.get(
      storageKey(req.type),
      req.namespace ?? '',
      req.name!,
    );
    const sentVersion = config.metadata?.resourceVersion;
    if (
      found &&
      sentVersion !== undefined &&
      String(sentVersion) !== found.metadata.resourceVersion
    ) {
      throw modifiedConflict(req.type.group, req.type.plural, req.name!);
    }
    if (!found) {
      if (req.subresource)
        throw notFound(req.type.group, req.type.plural, req.name!);
      this.requireNamespace(req);
    }
    const metadata = withoutKeys(
      isPlainObject(config.metadata) ? config.metadata : {},
      SERVER_METADATA,
    );
    metadata.name = req.name;
    if (req.type.namespaced) metadata.namespace = req.namespace;
    let applied: Record<string, any> = { ...config, metadata };
    if (req.subresource === 'status') {
      applied = {
        apiVersion: config.apiVersion,
        kind: config.kind,
        metadata: {
          name: req.name,
          ...(req.namespace ? { namespace: req.namespace } : {}),
        },
        ...(config.status !== undefined ? { status: config.status } : {}),
      };
    } else if (req.version.statusSubresource) {
      delete applied.status;
    }
    const live = found ? withoutKeys(found, []) : undefined;
    if (live) live.metadata = withoutKeys(live.metadata, ['managedFields']);
    let result: { object: Record<string, any>; managers: Manager[] };
    try {
      result = applyConfiguration({
        live,
        config: applied,
        schema: req.version.schema,
        managers: decodeManagedFields(found?.metadata.managedFields),
        manager,
        apiVersion: expected,
        subresource: req.subresource,
        statusSubresource: req.version.statusSubresource,
        force,
        now: timestamp(),
      });
    } catch (e) {
      if (e instanceof ApplyConflictError) {
        throw new KubeStatusError(409, 'Conflict', e.message, {
          causes: e.conflicts.flatMap(c =>
            c.paths.map(p => ({
              reason: 'FieldManagerConflict',
              message: `conflict with ${describeManager(c.manager)}`,
              field: pathToString(p),
            })),
          ),
        });
      }
      if (e instanceof TypedPatchError) {
        // What a real apiserver answers: a 500 whose message names the object.
        throw new KubeStatusError(
          500,
          undefined,
          `failed to create typed patch object (${
            req.namespace ? `${req.namespace}/` : '/'
          }${req.name}; ${expected}, Kind=${req.type.kind}): ${e.message}`,
        );
      }
      throw e;
    }
    // Nulls an applier sends clear a field; nothing unknown is left to prune.
    const merged = pruneUnknown(
      result.object,
      req.version.schema,
      [],
    ) as Record<string, any>;
    merged.metadata.managedFields = encodeManagedFields(result.managers);
    if (!found) {
      const created = this.createdObject(req, merged);
      created.metadata.managedFields = merged.metadata.managedFields;
      return { code: 201, body: this.commit(req, created) };
    }
    return {
      code: 200,
      body: this.updateWith(req, found, merged, result.managers),
    };
  }

  delete(req: ResourceRequest, text: string): Reply {
    const live = this.live(req);
    const options = text.trim()
      ? parseObjectBody(text, 'application/json')
      : {};
    const pre = options.preconditions ?? {};
    if (
      pre.resourceVersion &&
      pre.resourceVersion !== live.metadata.resourceVersion
    ) {
      throw new KubeStatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${
          req.type.group
            ? `${req.type.plural}.${req.type.group}`
            : req.type.plural
        } "${
          req.name
        }": Precondition failed: ResourceVersion in precondition: ${
          pre.resourceVersion
        }, ResourceVersion in object meta: ${live.metadata.resourceVersion}`,
        { name: req.name, group: req.type.group, kind: req.type.plural },
      );
    }
    if (pre.uid && pre.uid !== live.metadata.uid) {
      throw new KubeStatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${
          req.type.group
            ? `${req.type.plural}.${req.type.group}`
            : req.type.plural
        } "${req.name}": Precondition failed: UID in precondition: ${
          pre.uid
        }, UID in object meta: ${live.metadata.uid}`,
        { name: req.name, group: req.type.group, kind: req.type.plural },
      );
    }
    return this.deleteObject(req, live);
  }

  deleteCollection(req: ResourceRequest): Reply {
    const deleted = this.matching(req).map(o =>
      this.deleteObject(
        { ...req, name: o.metadata.name, namespace: o.metadata.namespace },
        o,
      ),
    );
    return this.listReply(
      req,
      deleted.map(d => d.body),
    );
  }

  private deleteObject(req: ResourceRequest, live: Record<string, any>): Reply {
    if (req.query.get('dryRun') === 'All') {
      return { code: 200, body: serve(req.type, req.version, live) };
    }
    const key = storageKey(req.type);
    const namespace = live.metadata.namespace ?? '';
    if ((live.metadata.finalizers ?? []).length > 0 && req.type !== NAMESPACE) {
      if (live.metadata.deletionTimestamp) {
        return { code: 202, body: serve(req.type, req.version, live) };
      }
      const marked = structuredClone(live);
      marked.metadata.deletionTimestamp = timestamp();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return {
        code: 202,
        body: serve(req.type, req.version, this.store.put(key, marked)),
      };
    }
    this.cascade(req.type, live);
    const removed = this.store.remove(key, namespace, live.metadata.name)!;
    if (req.type === NAMESPACE) {
      removed.metadata.deletionTimestamp = timestamp();
      removed.status = { phase: 'Terminating' };
    }
    return { code: 200, body: serve(req.type, req.version, removed) };
  }

  /** Deleting a namespace deletes what it holds; deleting a CRD deletes its resources. */
  private cascade(type: ResourceType, live: Record<string, any>): void {
    if (type === NAMESPACE) {
      for (const t of this.registry.all().filter(x => x.namespaced)) {
        for (const o of this.store.list(storageKey(t), live.metadata.name)) {
          this.store.remove(
            storageKey(t),
            o.metadata.namespace,
            o.metadata.name,
          );
        }
      }
    }
    if (type.group === 'apiextensions.k8s.io') {
      const served = this.registry.removeCrd(live.metadata.name);
      if (served) {
        for (const o of this.store.list(storageKey(served))) {
          this.store.remove(
            storageKey(served),
            o.metadata.namespace ?? '',
            o.metadata.name,
          );
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // write steps

  /** Body identity against the URL: kind, apiVersion, name, namespace. */
  private checkIdentity(
    req: ResourceRequest,
    body: Record<string, any>,
    op: 'create' | 'update',
  ): void {
    const expected = apiVersion(req);
    if (body.apiVersion !== undefined && body.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`,
      );
    }
    if (body.kind !== undefined && body.kind !== req.type.kind) {
      throw badRequest(
        `the kind in the data (${body.kind}) does not match the expected kind (${req.type.kind})`,
      );
    }
    if (body.metadata !== undefined && !isPlainObject(body.metadata)) {
      throw badRequest('metadata must be an object');
    }
    const name = body.metadata?.name;
    if (op === 'update' && name !== undefined && name !== req.name) {
      throw badRequest(
        `the name of the object (${name}) does not match the name on the URL (${req.name})`,
      );
    }
    const namespace = body.metadata?.namespace;
    if (
      req.type.namespaced &&
      namespace !== undefined &&
      namespace !== '' &&
      namespace !== req.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (req.type.namespaced && !req.namespace) throw methodNotAllowed();
  }

  private checkFieldManager(manager: string): void {
    if (manager.length > 128 || /[^\x20-\x7e]/.test(manager)) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [
        {
          field: 'fieldManager',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(
            manager,
          )}: must be at most 128 printable characters`,
        },
      ]);
    }
  }

  /** The manager of a non-apply write: fieldManager, else derived from the User-Agent. */
  private manager(req: ResourceRequest): string {
    const explicit = req.query.get('fieldManager');
    if (explicit) {
      this.checkFieldManager(explicit);
      return explicit;
    }
    return managerFromUserAgent(req.userAgent);
  }

  /** For namespaced resources the namespace must exist (404 like the apiserver otherwise). */
  private requireNamespace(req: ResourceRequest): void {
    if (!req.type.namespaced) return;
    if (!this.store.has(storageKey(NAMESPACE), '', req.namespace!)) {
      throw notFound('', 'namespaces', req.namespace!);
    }
  }

  /**
   * Structural pruning. Unknown fields are dropped with a warning (fieldValidation=Warn, the
   * default), silently (Ignore) or refused with 400 (Strict).
   */
  private pruned(
    req: ResourceRequest,
    object: Record<string, any>,
    warnings: string[],
  ): Record<string, any> {
    const unknown: string[] = [];
    const pruned = pruneUnknown(object, req.version.schema, unknown) as Record<
      string,
      any
    >;
    const directive = req.query.get('fieldValidation') ?? 'Warn';
    if (!['Ignore', 'Warn', 'Strict'].includes(directive)) {
      throw badRequest(
        `fieldValidation must be one of "Ignore", "Warn" or "Strict", not ${JSON.stringify(
          directive,
        )}`,
      );
    }
    if (unknown.length > 0 && directive === 'Strict') {
      throw badRequest(
        `strict decoding error: ${unknown
          .map(f => `unknown field "${f}"`)
          .join(', ')}`,
      );
    }
    if (directive === 'Warn')
      warnings.push(...unknown.map(f => `unknown field "${f}"`));
    return pruned;
  }

  /**
   * What an update may change through this endpoint: the main resource keeps the stored
   * status when there is a status subresource; the status subresource changes status only.
   */
  private endpointView(
    req: ResourceRequest,
    live: Record<string, any>,
    sent: Record<string, any>,
  ): Record<string, any> {
    if (req.subresource === 'status') {
      const out = structuredClone(live);
      if (sent.status === undefined) delete out.status;
      else out.status = sent.status;
      return out;
    }
    const out: Record<string, any> = {
      ...sent,
      metadata: { ...(sent.metadata ?? {}) },
    };
    if (req.version.statusSubresource) {
      if (live.status === undefined) delete out.status;
      else out.status = live.status;
    }
    return out;
  }

  /** A new object: server metadata, create-time fields, defaults; then validation. */
  private createdObject(
    req: ResourceRequest,
    object: Record<string, any>,
  ): Record<string, any> {
    const created: Record<string, any> = {
      ...object,
      apiVersion: apiVersion(req),
      kind: req.type.kind,
      metadata: withoutKeys(object.metadata ?? {}, SERVER_METADATA),
    };
    if (req.version.statusSubresource && req.type.custom) delete created.status;
    created.metadata.uid = randomUUID();
    created.metadata.creationTimestamp = timestamp();
    if (req.type.tracksGeneration) created.metadata.generation = 1;
    req.type.onCreate?.(created);
    const defaulted = applyDefaults(created, req.version.schema) as Record<
      string,
      any
    >;
    this.validate(req, defaulted);
    return defaulted;
  }

  private validate(
    req: ResourceRequest,
    object: Record<string, any>,
    old?: Record<string, any>,
  ): void {
    const errors: FieldError[] = req.version.validate(object, old);
    if (errors.length > 0) {
      throw invalid(
        req.type.group,
        req.type.kind,
        object.metadata?.name ?? '',
        errors,
      );
    }
  }

  /**
   * Finishes an update of `live` to `candidate`: server metadata kept, defaults, validation,
   * ownership (recorded here unless an apply computed it), generation, and the write itself
   * unless nothing changed.
   */
  private updateWith(
    req: ResourceRequest,
    live: Record<string, any>,
    candidate: Record<string, any>,
    managers: Manager[] | undefined,
  ): Record<string, any> {
    const next: Record<string, any> = {
      ...candidate,
      apiVersion: apiVersion(req),
      kind: req.type.kind,
      metadata: {
        ...withoutKeys(candidate.metadata ?? {}, SERVER_METADATA),
        name: live.metadata.name,
        ...(req.type.namespaced ? { namespace: live.metadata.namespace } : {}),
      },
    };
    for (const key of SERVER_METADATA) {
      if (key !== 'managedFields' && live.metadata[key] !== undefined) {
        next.metadata[key] = live.metadata[key];
      }
    }
    const defaulted = applyDefaults(next, req.version.schema) as Record<
      string,
      any
    >;
    if (live.metadata.deletionTimestamp) {
      const before = new Set<string>(live.metadata.finalizers ?? []);
      const added = (defaulted.metadata.finalizers ?? []).filter(
        (f: string) => !before.has(f),
      );
      if (added.length > 0) {
        throw invalid(req.type.group, req.type.kind, live.metadata.name, [
          {
            field: 'metadata.finalizers',
            reason: 'FieldValueForbidden',
            message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added
              .map((f: string) => JSON.stringify(f))
              .join(', ')}}`,
          },
        ]);
      }
    }
    this.validate(req, defaulted, live);
    const liveWithoutFields = {
      ...live,
      metadata: withoutKeys(live.metadata, ['managedFields']),
    };
    const ownership =
      managers ??
      recordUpdate({
        before: liveWithoutFields,
        after: {
          ...defaulted,
          metadata: withoutKeys(defaulted.metadata, ['managedFields']),
        },
        schema: req.version.schema,
        managers: decodeManagedFields(live.metadata.managedFields),
        manager: this.manager(req),
        apiVersion: apiVersion(req),
        subresource: req.subresource,
        statusSubresource: req.version.statusSubresource,
        now: timestamp(),
      });
    defaulted.metadata.managedFields = encodeManagedFields(ownership);
    if (req.type.tracksGeneration && this.specChanged(req, live, defaulted)) {
      defaulted.metadata.generation = (live.metadata.generation ?? 0) + 1;
    }
    const fieldsChanged =
      canonicalJson(stripTimes(defaulted.metadata.managedFields)) !==
      canonicalJson(stripTimes(live.metadata.managedFields ?? []));
    if (content(defaulted) === content(live) && !fieldsChanged) {
      return serve(req.type, req.version, live);
    }
    if (
      live.metadata.deletionTimestamp &&
      (defaulted.metadata.finalizers ?? []).length === 0
    ) {
      if (req.query.get('dryRun') === 'All')
        return serve(req.type, req.version, defaulted);
      return serve(
        req.type,
        req.version,
        this.store.remove(
          storageKey(req.type),
          live.metadata.namespace ?? '',
          live.metadata.name,
        )!,
      );
    }
    return this.commit(req, defaulted);
  }

  /** Generation moves when anything but metadata (and status, if a subresource) changes. */
  private specChanged(
    req: ResourceRequest,
    before: Record<string, any>,
    after: Record<string, any>,
  ): boolean {
    const ignored = req.version.statusSubresource
      ? ['metadata', 'status']
      : ['metadata'];
    return (
      canonicalJson(withoutKeys(before, ignored)) !==
      canonicalJson(withoutKeys(after, ignored))
    );
  }

  private commit(
    req: ResourceRequest,
    object: Record<string, any>,
  ): Record<string, any> {
    if (req.query.get('dryRun') === 'All')
      return serve(req.type, req.version, object);
    const stored = this.store.put(storageKey(req.type), object);
    if (
      req.type.group === 'apiextensions.k8s.io' &&
      req.type.kind === 'CustomResourceDefinition'
    ) {
      this.registry.installCrd(stored);
    }
    return serve(req.type, req.version, stored);
  }
}

/**
 * The apiserver's default field manager (prefixFromUserAgent): the User-Agent up to the first
 * `/`, unprintable characters dropped, cut at 128 bytes. `kubectl/v1.31.0 (linux/amd64)` is
 * `kubectl`; client-node's `node-fetch/1.0 (+https://...)` is `node-fetch`; no User-Agent is ``.
 */
export function managerFromUserAgent(userAgent: string): string {
  let out = '';
  for (const ch of userAgent.split('/')[0]) {
    if (/[\p{C}\p{Z}]/u.test(ch) && ch !== ' ') continue;
    if (Buffer.byteLength(out + ch) > 128) break;
    out += ch;
  }
  return out;
}

function stripTimes(entries: unknown): unknown {
  return Array.isArray(entries)
    ? entries.map(e => withoutKeys(e, ['time']))
    : entries;
}
