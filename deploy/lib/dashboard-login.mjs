// The dashboard through the tunnel: off loopback it answers 401 without the cluster token, so
// the tunnel asks the scheduler (as a token holder, over the forwarded port) for a one-time
// login path and prints it on localhost: opening it sets the token cookie in that browser, once.

/**
 * @param {number} localPort the forwarded dashboard port on this machine
 * @param {string} token the cluster token
 * @returns {Promise<string>} http://localhost:PORT/login?once=...
 */
export async function dashboardLoginLink(localPort, token) {
  const base = `http://localhost:${localPort}`;
  const res = await fetch(`http://127.0.0.1:${localPort}/api/login-link`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`the dashboard answered ${res.status} to /api/login-link: ${(await res.text()).trim()}`);
  /** @type {unknown} */
  const body = await res.json();
  const path = typeof body === 'object' && body !== null && 'path' in body ? body.path : undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new Error(`the dashboard sent no login path: ${JSON.stringify(body)}`);
  return base + path;
}
