import { startAppProcess, type AppProcessHandle } from '@moonx-farm/test-env';

/**
 * Boots the built standalone app (`npm run build`) with a fast simulator, as a newcomer gets
 * it from `npm start`: in-memory ports, dev tokens, the live console.
 */
export function startStandalone(env: Record<string, string> = {}): Promise<AppProcessHandle> {
  return startAppProcess('standalone', {
    portVariable: 'WEBSOCKET_GATEWAY_PORT',
    // Dev tokens and the console are on by default outside production.
    env: { SIMULATOR_INTERVAL_MS: '100', ...env },
  });
}

export async function devToken(baseUrl: string, userId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!response.ok) throw new Error(`POST /dev/tokens: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export { waitFor } from '@moonx-farm/test-env';
