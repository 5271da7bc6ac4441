import { quoteIdent } from "../migrate.js";

/** A hot-path statement: pg prepares a named one once per connection, then sends only its values. */
export interface Statement {
  name: string;
  text: string;
}

/** The qualified names one store's statements use, derived once from its schema. */
export interface SchemaNames {
  schema: string;
  /** `"schema".jobs` */
  jobs: string;
  /** The sequence behind jobs.seq, for `nextval` when a job goes back in line. */
  seq: string;
  /** Prefix of prepared-statement names: pg refuses one name with two texts on one connection. */
  prefix: string;
  /** `"schema"`, to qualify the other tables and functions of migration 000002 (queue control). */
  quoted: string;
}

export function schemaNames(schema: string): SchemaNames {
  const s = quoteIdent(schema);
  return {
    schema,
    jobs: `${s}.jobs`,
    seq: `nextval('${s}.jobs_seq_seq'::regclass)`,
    prefix: `lf_${schema}_`,
    quoted: s,
  };
}
