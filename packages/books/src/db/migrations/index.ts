import type { Migration } from "kysely";
import * as m0001 from "./0001_initial.js";
import * as m0002 from "./0002_categorizer_cache_scope.js";
import * as m0003 from "./0003_import_mappings.js";
import * as m0004 from "./0004_prior_source.js";
import * as m0005 from "./0005_operator_tokens.js";

/**
 * Every migration, in order. Imported statically (not read from a folder) so they work the same
 * under tsx, vitest and a bundler. Append new ones; never edit or reorder old ones.
 */
export const MIGRATIONS: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_categorizer_cache_scope": m0002,
  "0003_import_mappings": m0003,
  "0004_prior_source": m0004,
  "0005_operator_tokens": m0005,
};
