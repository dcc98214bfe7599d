/**
 * Helpers for driving the simulator with the official `crisp-api` client in fidelity tests.
 *
 * The client exposes no way to close its socket; it keeps reconnecting forever, which would keep
 * jest alive. `closeClient` reaches into the (protected, JS-visible) `_socket` to shut it down.
 */
import {
  Crisp,
  type BaseConversationsListOptions,
  type Conversation,
  type ConversationMessage,
} from 'crisp-api';
import type { Socket } from 'socket.io-client';
import { DEFAULT_CREDENTIAL, type SimCredential } from '../../tools/crisp-simulator';

interface CrispInternals {
  _socket: Socket | null;
  _loopback: unknown;
  _brokerScheduler: ReturnType<typeof setTimeout> | null;
}

function internals(client: Crisp): CrispInternals {
  return client as unknown as CrispInternals;
}

export function createClient(
  restUrl: string,
  options: { credential?: SimCredential; rtmUrl?: string } = {},
): Crisp {
  const credential = options.credential ?? DEFAULT_CREDENTIAL;
  const client = new Crisp();
  client.setRestHost(restUrl);
  if (options.rtmUrl !== undefined) {
    client.setRtmHost(options.rtmUrl);
  }
  client.authenticateTier(credential.tier, credential.identifier, credential.key);
  return client;
}

export function socketOf(client: Crisp): Socket | null {
  return internals(client)._socket;
}

export function loopbackBound(client: Crisp): boolean {
  return internals(client)._loopback !== null;
}

/** Stops the client's socket for good (no reconnection) and any pending broker start. */
export function closeClient(client: Crisp): void {
  const inner = internals(client);
  if (inner._brokerScheduler !== null && inner._socket === null) {
    clearTimeout(inner._brokerScheduler);
  }
  inner._socket?.disconnect();
}

/**
 * crisp-api throws from its `unauthorized` socket listener, which would be an uncaught exception
 * (jest reports those as failures). This wraps that listener as soon as the socket exists — before
 * the server can answer, since the socket is created synchronously and the answer needs network
 * round-trips — and resolves with what it threw.
 */
export function captureUnauthorizedThrow(client: Crisp, timeoutMs = 5000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const socket = socketOf(client);
      if (!socket) {
        if (Date.now() > deadline) {
          reject(new Error('captureUnauthorizedThrow: socket never created'));
          return;
        }
        setImmediate(poll);
        return;
      }
      const original = socket.listeners('unauthorized');
      socket.off('unauthorized');
      socket.on('unauthorized', (payload: unknown) => {
        try {
          original.forEach((listener) => {
            (listener as (data: unknown) => void)(payload);
          });
          resolve(undefined);
        } catch (thrown) {
          resolve(thrown);
        }
      });
    };
    poll();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` returns a truthy value. */
export async function waitFor<T>(
  probe: () => T | null | undefined | false,
  timeoutMs = 5000,
  label = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`waitFor: ${label} not met within ${timeoutMs} ms`);
    }
    await sleep(20);
  }
}

export interface PagedConversations {
  pages: Conversation[][];
  all: Conversation[];
}

/** Pages List Conversations until an empty page, like a backfill would. */
export async function listAllConversations(
  client: Crisp,
  websiteId: string,
  options: BaseConversationsListOptions = {},
): Promise<PagedConversations> {
  const pages: Conversation[][] = [];
  for (let page = 1; page < 10_000; page++) {
    const batch = await client.website.listConversations(websiteId, page, options);
    pages.push(batch);
    if (batch.length === 0) {
      break;
    }
  }
  return { pages, all: pages.flat() };
}

/** Pages messages backwards with timestamp_before until a short batch, as Crisp's export plugin does. */
export async function pageMessagesBackward(
  client: Crisp,
  websiteId: string,
  sessionId: string,
): Promise<{ messages: ConversationMessage[]; calls: number }> {
  let batch = await client.website.getMessagesInConversation(websiteId, sessionId);
  let messages = [...batch];
  let calls = 1;
  while (batch.length === 40) {
    batch = await client.website.getMessagesInConversation(
      websiteId,
      sessionId,
      messages[0].timestamp,
    );
    calls++;
    messages = [...batch, ...messages];
  }
  return { messages, calls };
}

/** Pages messages forwards with timestamp_after starting before the first message. */
export async function pageMessagesForward(
  client: Crisp,
  websiteId: string,
  sessionId: string,
  from = 1,
): Promise<{ messages: ConversationMessage[]; calls: number }> {
  const messages: ConversationMessage[] = [];
  let cursor = from;
  let calls = 0;
  for (;;) {
    const batch = await client.website.getMessagesInConversation(
      websiteId,
      sessionId,
      undefined,
      cursor,
    );
    calls++;
    messages.push(...batch);
    if (batch.length < 40) {
      return { messages, calls };
    }
    cursor = batch[batch.length - 1].timestamp ?? cursor;
  }
}
