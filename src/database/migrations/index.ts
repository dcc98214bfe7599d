import { InitialSchema1795600974740 } from './1795600974740-InitialSchema';

/** Every migration, in order; `migration:generate` prints the line to add here. */
export const MIGRATIONS = [InitialSchema1795600974740];
