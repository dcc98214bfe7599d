type RawValue = { value: unknown };

/**
 * Only plain decimal digits become a number; anything else ("1.5", "0x10", "", an array from a
 * repeated parameter) is left as it is so that the validators reject it with a clear message.
 */
export const toPositiveInteger = ({ value }: RawValue): unknown =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
