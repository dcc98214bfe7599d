import type { EntityMetadata } from 'typeorm';

/**
 * `column AS "propertyName"` for every column of an entity, so that raw queries return the
 * same camelCase objects the seed's API returned, without TypeORM's slower hydration.
 */
export function selectListFor(metadata: EntityMetadata, excluded: string[] = []): string {
  return metadata.columns
    .filter((column) => !excluded.includes(column.databaseName))
    .map((column) => `"${column.databaseName}" AS "${column.propertyName}"`)
    .join(', ');
}
