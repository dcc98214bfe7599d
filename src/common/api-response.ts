/** The seed's response envelope; errors use the same `code` and `message` keys. */
export interface ApiResponse<T> {
  code: number;
  message: string;
  data: T;
  pagination?: Pagination;
}

export interface Pagination {
  total: number;
  /** The page served, or null when the request paged by cursor. */
  page: number | null;
  /** The page size (the seed's spelling is kept: clients already parse it). */
  pageParRecord: number;
  /** Pass as `cursor` to get the next page by keyset; null on the last page. */
  nextCursor: string | null;
}

export interface ApiError {
  code: number;
  message: string;
  data: null;
  /** The request's `X-Request-Id`: quote it when reporting a problem; it is in the logs. */
  requestId?: string;
}
