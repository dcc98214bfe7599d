/** Who made a request, once its token is verified: rate limits and logs key on it. */
const clients = new WeakMap<object, string>();

export function rememberApiClient(request: object, clientId: string) {
  clients.set(request, clientId);
}

export function apiClientOf(request: object): string | undefined {
  return clients.get(request);
}
