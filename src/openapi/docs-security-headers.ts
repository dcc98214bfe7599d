import type { NextFunction, Request, Response } from 'express';

/**
 * What Swagger UI needs and nothing more: its own scripts (no inline script, no eval), its own
 * style sheet plus the inline styles its page and components carry, images it embeds as data:
 * URIs, and requests to this origin only (the document, "Try it out"). Nothing may frame it, so
 * a token typed into it cannot be phished through a page that overlays it.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Express middleware for `/docs` and everything under it (the page and its assets). */
export function docsSecurityHeaders(_request: Request, response: Response, next: NextFunction) {
  response.setHeader('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  next();
}
