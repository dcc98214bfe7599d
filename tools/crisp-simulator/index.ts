/** Public surface of the Crisp simulator (tests, benchmarks, demo). */
export * from './conversation-history';
export * from './credential-store';
export * from './crisp-simulator';
export * from './directory-routes';
export * from './directory-truth';
export * from './edge-cases';
export * from './fault-injector';
export * from './ground-truth';
export * from './live-traffic';
export { UNKNOWN_EVENT_NAME, type PayloadQuirks } from './payload-quirks';
export * from './people-truth';
export * from './rating-truth';
export * from './rest-api';
export * from './rtm-server';
export * from './seeded-random';
export * from './simulator-types';
export * from './synthetic-content';
export * from './webhook-sender';
