/**
 * Readers for JSON that nobody has checked yet. Each answers a value of the wanted type, `null`
 * for an explicit null, `undefined` for a missing key, or INVALID for a value of another type: a
 * door can then tell "Crisp left it out" from "Crisp sent something we cannot store".
 */
export type JsonRecord = Readonly<Record<string, unknown>>;

export const INVALID: unique symbol = Symbol('invalid');
export type Read<T> = T | null | undefined | typeof INVALID;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own keys only: a payload naming `constructor` or `__proto__` must not reach Object's. */
export function member(record: JsonRecord, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function reader<T>(accepts: (value: unknown) => value is T) {
  return (value: unknown): Read<T> =>
    value === undefined || value === null ? value : accepts(value) ? value : INVALID;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);
const isList = (value: unknown): value is unknown[] => Array.isArray(value);

export const readString = reader(isString);
export const readBoolean = reader(isBoolean);
export const readNumber = reader(isFiniteNumber);
export const readRecord = reader(isRecord);
export const readStringList = reader(isStringList);
export const readList = reader(isList);

/** Crisp's fingerprints are positive integers (15 digits); bigint columns hold any safe one. */
export function isFingerprint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** The fingerprints of a receipt: absent (an unread receipt may name none) reads as none. */
export function fingerprintsOf(value: unknown): number[] | typeof INVALID {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return INVALID;
  const valid = value.filter(isFingerprint);
  return valid.length === value.length ? [...new Set(valid)] : INVALID;
}

/** A non-empty id, or undefined. */
export function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Whether a NUL character is anywhere in `value` (strings and keys, at any depth). PostgreSQL
 * refuses it in text and jsonb alike, so a change holding one can never be stored.
 */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsNul);
  return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || holdsNul(inner));
}
