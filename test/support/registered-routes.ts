import type { INestApplication } from '@nestjs/common';

export interface RegisteredRoute {
  method: string;
  /** In Express form: `/crisp-db/messages/:sessionId`. */
  path: string;
}

interface ExpressLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

/** Every route the app serves, read from the Express router (so a new one is never missed). */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap(({ route }) => {
    if (!route || typeof route.path !== 'string') return [];
    const path = route.path;
    return Object.keys(route.methods)
      .filter((method) => route.methods[method])
      .map((method) => ({ method, path }));
  });
}

/** A concrete URL for a route: every `:param` replaced by a plausible value. */
export function exampleUrl(path: string, value = 'website-1'): string {
  return path.replace(/:(\w+)/g, (_, name: string) =>
    name === 'sessionId' ? 'session_0c1b2f5e-6a1d-4f7e-9a55-3d8c0c9d9e11' : value,
  );
}
