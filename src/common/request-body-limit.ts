/** The largest request body the service takes (1 MB); above it the answer is a 413. */
export const REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;
