/*
 * What went wrong in a call to the Kubernetes API, read from what @kubernetes/client-node throws:
 * an ApiException carrying the apiserver's Status body, a node-fetch error for the network, or
 * an abort when the request timed out.
 */
import { ApiException } from '@kubernetes/client-node';

export interface KubernetesFailure {
  /** HTTP status, when the apiserver answered */
  code?: number;
  /** Status reason: NotFound, Conflict, Invalid, ... */
  reason?: string;
  message: string;
  /** Status details.causes (field errors, field manager conflicts) */
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
  /** no answer in time */
  timedOut?: boolean;
  /** the connection failed or broke */
  network?: boolean;
  /** Retry-After the apiserver asked for, in seconds */
  retryAfterSeconds?: number;
}

function statusBody(body: unknown): Record<string, any> | undefined {
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body);
      return parsed && typeof parsed === 'object' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object'
    ? (body as Record<string, any>)
    : undefined;
}

export function describeKubernetesError(error: unknown): KubernetesFailure {
  if (error instanceof ApiException) {
    const status = statusBody(error.body);
    const retryAfter = Number(
      (error.headers as Record<string, string> | undefined)?.['retry-after'] ??
        status?.details?.retryAfterSeconds,
    );
    return {
      code: error.code,
      reason: status?.reason,
      message:
        typeof status?.message === 'string' && status.message
          ? status.message
          : `HTTP ${error.code} from the Kubernetes API`,
      causes: Array.isArray(status?.details?.causes)
        ? status!.details.causes
        : undefined,
      ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  const e = error as {
    name?: string;
    type?: string;
    code?: string;
    message?: string;
  };
  if (
    e?.name === 'AbortError' ||
    e?.type === 'aborted' ||
    e?.name === 'TimeoutError'
  ) {
    return {
      message: 'the Kubernetes API did not answer in time',
      timedOut: true,
    };
  }
  if (e?.name === 'FetchError' || /^E[A-Z]+$/.test(e?.code ?? '')) {
    return {
      message: `cannot reach the Kubernetes API: ${e.message ?? String(error)}`,
      network: true,
    };
  }
  return { message: e?.message ?? String(error) };
}

/** A server-side apply refused because another field manager owns a field (needs force). */
export function isFieldManagerConflict(failure: KubernetesFailure): boolean {
  return (
    failure.code === 409 &&
    (failure.causes ?? []).some(c => c.reason === 'FieldManagerConflict')
  );
}

/**
 * The apiserver's answer when an apply sets a field the CRD does not declare: a 500, but a
 * permanent one — retrying cannot help.
 */
export function isSchemaRejection(failure: KubernetesFailure): boolean {
  return (
    failure.code === 500 &&
    /failed to create typed patch object/.test(failure.message)
  );
}
