/*
 * Fault injection: the next N requests matching a predicate fail in a chosen way instead of
 * being served — a 500 (or any status), a 409 Conflict, no answer at all (the connection
 * stays open until the client gives up or the server stops), or a connection reset (TCP RST,
 * the client sees ECONNRESET). Lets tests prove that clients retry, time out and converge.
 */
import { internalError, KubeStatusError } from '../api/status';

/** What a fault predicate sees of a request. */
export interface FaultRequest {
  method: string;
  /** URL path, e.g. /apis/butler.butlerlabs.dev/v1alpha1/namespaces/team-a/workspaces/ws1 */
  path: string;
  query: URLSearchParams;
  /** media type of the body, e.g. application/apply-patch+yaml */
  contentType: string;
}

export type FaultResponse =
  | 'error'
  | 'hang'
  | 'reset'
  | 'conflict'
  | { code: number; reason?: string; message?: string };

export interface FaultSpec {
  /**
   * Which requests fail: a predicate, or a method and/or path (a string matches when the path
   * contains it; a RegExp is tested against the path). Default: every request.
   */
  match?:
    | ((request: FaultRequest) => boolean)
    | { method?: string; path?: string | RegExp };
  /** how many matching requests get the fault (default 1) */
  times?: number;
  respond: FaultResponse;
}

export interface InjectedFault {
  /** matching requests that got the fault so far */
  readonly hits: number;
  /** faults left to hand out */
  readonly remaining: number;
  /** stops injecting this fault */
  clear(): void;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
  hits: number;
}

function matches(spec: FaultSpec, request: FaultRequest): boolean {
  const m = spec.match;
  if (!m) return true;
  if (typeof m === 'function') return m(request);
  if (m.method && m.method.toUpperCase() !== request.method) return false;
  if (typeof m.path === 'string' && !request.path.includes(m.path))
    return false;
  if (m.path instanceof RegExp && !m.path.test(request.path)) return false;
  return true;
}

/** The outcome of a fault for one request. */
export type FaultOutcome =
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'status'; error: KubeStatusError };

export class FaultInjector {
  private readonly faults: ActiveFault[] = [];

  inject(spec: FaultSpec): InjectedFault {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new Error(`fault "times" must be a positive integer, got ${times}`);
    }
    const fault: ActiveFault = { spec, remaining: times, hits: 0 };
    this.faults.push(fault);
    return {
      get hits() {
        return fault.hits;
      },
      get remaining() {
        return fault.remaining;
      },
      clear: () => {
        fault.remaining = 0;
      },
    };
  }

  /** Takes the first live fault matching the request, if any. */
  take(
    request: FaultRequest,
    conflict: () => KubeStatusError,
  ): FaultOutcome | undefined {
    const fault = this.faults.find(
      f => f.remaining > 0 && matches(f.spec, request),
    );
    if (!fault) return undefined;
    fault.remaining--;
    fault.hits++;
    const r = fault.spec.respond;
    if (r === 'hang') return { kind: 'hang' };
    if (r === 'reset') return { kind: 'reset' };
    if (r === 'error') {
      return { kind: 'status', error: internalError('injected fault') };
    }
    if (r === 'conflict') return { kind: 'status', error: conflict() };
    return {
      kind: 'status',
      error: new KubeStatusError(
        r.code,
        r.reason,
        r.message ?? `injected fault (${r.code})`,
      ),
    };
  }
}
