import { SetMetadata } from '@nestjs/common';

/**
 * Who may call an endpoint. `read` (the default, for endpoints without a decorator) accepts any
 * configured API token; `admin` only admin tokens; `public` needs none (health, the status page
 * shell, and Web Hooks, which carry their own signature).
 */
export type AccessLevel = 'public' | 'read' | 'admin';

export const ACCESS_LEVEL_KEY = 'access-level';

export const Access = (level: AccessLevel) => SetMetadata(ACCESS_LEVEL_KEY, level);

/** No API token needed. */
export const Public = () => Access('public');

/** Only admin tokens: endpoints that spend Crisp quota or start work. */
export const AdminOnly = () => Access('admin');
