/*
 * Watch: a streaming response of newline-delimited JSON events, {"type":"ADDED","object":{...}}.
 * Without resourceVersion (or with "0") the stream starts with an ADDED event per existing
 * object; with a resourceVersion it replays the history after it, or sends one ERROR event
 * with a 410 Expired Status when that history is gone (what the apiserver's watch cache sends:
 * `too old resource version: <asked> (<oldest kept - 1>)`). With a label selector, an object
 * that stops matching is DELETED for the watcher and one that starts matching is ADDED, as with
 * the watch cache.
 *
 * Bookmarks (allowWatchBookmarks=true) follow the cacher's schedule: one every bookmark
 * interval (60 s on the apiserver) and one 2 s before the timeoutSeconds deadline, never right
 * after the initial events, and only once the resourceVersion has moved past the one the watch
 * started from (the cacher drops bookmarks not newer than it).
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
  /** the URL path watched */
  readonly path: string;
  /** ends the stream cleanly (the response completes) */
  close(): void;
  /** drops the connection with a TCP reset mid-stream (the client sees ECONNRESET) */
  reset(): void;
}

export interface WatchOptions {
  /** time between periodic bookmarks, ms (the apiserver's bookmarkFrequency: 60 s) */
  bookmarkIntervalMs: number;
  /** the URL path, for resetWatches() filters */
  path: string;
  onClose: () => void;
}

export function startWatch(
  req: ResourceRequest,
  res: ServerResponse,
  store: ObjectStore,
  options: WatchOptions,
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
  const timers: NodeJS.Timeout[] = [];
  const finish = (end: () => void) => {
    if (closed) return;
    closed = true;
    unsubscribe();
    timers.forEach(t => clearTimeout(t));
    end();
    options.onClose();
  };
  const close = () => finish(() => res.end());
  const reset = () =>
    finish(() => {
      const socket = res.socket;
      if (socket && typeof socket.resetAndDestroy === 'function') {
        socket.resetAndDestroy();
      } else {
        res.destroy();
      }
    });
  res.on('close', close);
  const open: OpenWatch = { path: options.path, close, reset };

  if (expiredStatus) {
    write('ERROR', expiredStatus.toStatus());
    close();
    return open;
  }
  const startedAt =
    from && from !== '0' ? Number(from) : store.currentResourceVersion();

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
  unsubscribe = store.subscribe(e => {
    const seen = eventFor(filter, e);
    if (seen && !closed)
      write(seen.type, serve(req.type, req.version, seen.object));
  });
  const timeout = Number(req.query.get('timeoutSeconds') ?? 0);
  const deadline = timeout > 0 ? Date.now() + timeout * 1000 : undefined;
  if (deadline !== undefined) {
    timers.push(setTimeout(close, deadline - Date.now()));
  }
  if (req.query.get('allowWatchBookmarks') === 'true') {
    const bookmark = () => {
      const rv = store.currentResourceVersion();
      if (closed || rv <= startedAt) return;
      write('BOOKMARK', {
        apiVersion: serve(req.type, req.version, {}).apiVersion,
        kind: req.type.kind,
        metadata: { resourceVersion: String(rv) },
      });
    };
    // nextBookmarkTime: the next heartbeat, or 2 s before the deadline if that comes first;
    // nothing once that moment has passed.
    const schedule = () => {
      const now = Date.now();
      let at = now + options.bookmarkIntervalMs;
      if (deadline !== undefined) at = Math.min(at, deadline - 2000);
      if (at < now) return;
      const t = setTimeout(() => {
        timers.splice(timers.indexOf(t), 1);
        bookmark();
        if (!closed) schedule();
      }, at - now);
      timers.push(t);
    };
    schedule();
  }
  return open;
}
