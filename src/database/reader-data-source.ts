/** The read API's own DataSource: its own pool and a statement_timeout (readers cannot starve writers). */
export const READER_DATA_SOURCE = 'reader';
