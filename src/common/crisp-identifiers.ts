/** Crisp website ids are UUIDs; session ids are `session_` and a UUID. Kept loose on purpose. */
export const WEBSITE_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
export const SESSION_ID_PATTERN = /^session_[A-Za-z0-9-]{1,64}$/;
