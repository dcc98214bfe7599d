import { signHook } from '../../tools/crisp-simulator';

export interface MessageHook {
  /** The service's base URL. */
  url: string;
  secret: string;
  websiteId: string;
  sessionId: string;
  fingerprint: number;
}

/**
 * Sends one signed `message:send` Plugin Hook to a running service, as Crisp would; resolves
 * with the HTTP status, or 0 when no answer came (refused, reset, service gone).
 */
export async function sendMessageHook(hook: MessageHook): Promise<number> {
  const timestamp = Date.now();
  const { websiteId, sessionId, fingerprint } = hook;
  const body = JSON.stringify({
    website_id: websiteId,
    event: 'message:send',
    data: {
      website_id: websiteId,
      session_id: sessionId,
      fingerprint,
      type: 'text',
      from: 'user',
      origin: 'chat',
      content: `message ${fingerprint}`,
      timestamp,
      user: { user_id: sessionId, nickname: 'visitor' },
      stamped: true,
    },
    timestamp,
  });
  try {
    const response = await fetch(`${hook.url}/crisp/webhooks`, {
      method: 'POST',
      body,
      headers: {
        'Content-Type': 'application/json',
        'X-Crisp-Request-Timestamp': String(timestamp),
        'X-Crisp-Signature': signHook(hook.secret, timestamp, body),
      },
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
