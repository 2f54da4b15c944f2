/*
 * Calls the portal's backend as a signed-in user, for browser tests that prepare data through
 * the REST API before checking what the pages show.
 */
'use strict';

/** A Backstage token of the guest user (the embedded default's sign-in). */
async function guestToken(backendUrl) {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

/**
 * JSON request to the backend; throws with the status and body on anything but 2xx.
 * @returns {Promise<{ status: number, body: any }>}
 */
async function apiRequest(backendUrl, token, method, path, body) {
  const res = await fetch(`${backendUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} failed: ${res.status} ${text}`);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

module.exports = { guestToken, apiRequest };
