/*
 * Watch: a streaming response of newline-delimited JSON events, {"type":"ADDED","object":{...}}.
 * Without resourceVersion (or with "0") the stream starts with an ADDED event per existing
 * object; with a resourceVersion it replays the history after it, or sends one ERROR event
 * with a 410 Expired Status when that history is gone (what a real apiserver sends after
 * etcd compaction). With a label selector, an object that stops matching is DELETED for the
 * watcher and one that starts matching is ADDED, as with the apiserver's watch cache.
 */
import { ServerResponse } from 'http';
import {
  FieldRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  Requirement,
} from '../api/labelSelector';
import { badRequest, KubeStatusError } from '../api/status';
import { storageKey } from '../resources/ResourceType';
import { ObjectStore, StoreEvent } from '../store/ObjectStore';
import { ResourceRequest, serve } from './ResourceHandler';

interface Filter {
  resource: string;
  namespace?: string;
  labels: Requirement[];
  fields: FieldRequirement[];
}

function matches(
  filter: Filter,
  object: Record<string, any> | undefined,
): boolean {
  if (!object) return false;
  if (
    filter.namespace !== undefined &&
    (object.metadata.namespace ?? '') !== filter.namespace
  ) {
    return false;
  }
  return (
    matchesLabels(filter.labels, object.metadata.labels) &&
    matchesFields(filter.fields, object.metadata)
  );
}

/** The event a watcher with this filter sees for a store event, if any. */
function eventFor(
  filter: Filter,
  event: StoreEvent,
): { type: string; object: Record<string, any> } | undefined {
  if (event.resource !== filter.resource) return undefined;
  const now = event.type !== 'DELETED' && matches(filter, event.object);
  const before =
    event.type !== 'ADDED' && matches(filter, event.previous ?? event.object);
  if (event.type === 'DELETED') {
    return before ? { type: 'DELETED', object: event.object } : undefined;
  }
  if (now && before) return { type: 'MODIFIED', object: event.object };
  if (now) return { type: 'ADDED', object: event.object };
  if (before) return { type: 'DELETED', object: event.object };
  return undefined;
}

export interface OpenWatch {
  close(): void;
}

export function startWatch(
  req: ResourceRequest,
  res: ServerResponse,
  store: ObjectStore,
  onClose: () => void,
): OpenWatch {
  const filter: Filter = {
    resource: storageKey(req.type),
    namespace: req.type.namespaced ? req.namespace : undefined,
    labels: parseLabelSelector(req.query.get('labelSelector') ?? ''),
    fields: parseFieldSelector(req.query.get('fieldSelector') ?? ''),
  };
  const from = req.query.get('resourceVersion');
  if (from !== null && from !== '' && !/^\d+$/.test(from)) {
    throw badRequest(`invalid resource version: ${JSON.stringify(from)}`);
  }
  let replay: StoreEvent[] | undefined;
  let expiredStatus: KubeStatusError | undefined;
  if (from && from !== '0') {
    try {
      replay = store.eventsSince(Number(from));
    } catch (e) {
      if (!(e instanceof KubeStatusError)) throw e;
      expiredStatus = e;
    }
  }

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  // Clients wait for the response head before they consider the watch started.
  res.flushHeaders();
  const write = (type: string, object: unknown) =>
    res.write(`${JSON.stringify({ type, object })}\n`);

  let closed = false;
  let unsubscribe = () => {};
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    res.end();
    onClose();
  };
  res.on('close', close);

  if (expiredStatus) {
    write('ERROR', expiredStatus.toStatus());
    close();
    return { close };
  }

  // Everything below runs synchronously, so no write slips between replay and subscription.
  if (replay) {
    for (const e of replay) {
      const seen = eventFor(filter, e);
      if (seen) write(seen.type, serve(req.type, req.version, seen.object));
    }
  } else {
    for (const o of store.list(filter.resource, filter.namespace)) {
      if (matches(filter, o)) write('ADDED', serve(req.type, req.version, o));
    }
  }
  if (req.query.get('allowWatchBookmarks') === 'true') {
    write('BOOKMARK', {
      apiVersion: serve(req.type, req.version, {}).apiVersion,
      kind: req.type.kind,
      metadata: { resourceVersion: String(store.currentResourceVersion()) },
    });
  }
  unsubscribe = store.subscribe(e => {
    const seen = eventFor(filter, e);
    if (seen && !closed)
      write(seen.type, serve(req.type, req.version, seen.object));
  });
  const timeout = Number(req.query.get('timeoutSeconds') ?? 0);
  if (timeout > 0) timer = setTimeout(close, timeout * 1000);
  return { close };
}
