/** Turns environment strings into the types the variables declare, before validation. */
export type RawValue = { value: unknown };

export const toInteger = ({ value }: RawValue): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

export const toNumber = ({ value }: RawValue): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
    ? Number(value)
    : value;

export const toBoolean = ({ value }: RawValue): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return value;
};

export const emptyToUndefinedInteger = ({ value }: RawValue): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : toInteger({ value });

export const emptyToUndefined = ({ value }: RawValue): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
