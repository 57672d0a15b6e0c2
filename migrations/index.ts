import { InitialSchema1764086400000 } from './1764086400000-initial-schema';
import { Fulfilment1764200000000 } from './1764200000000-fulfilment';

/** Every migration, oldest first. The app, the CLI and the tests all run this list. */
export const ALL_MIGRATIONS = [InitialSchema1764086400000, Fulfilment1764200000000];
