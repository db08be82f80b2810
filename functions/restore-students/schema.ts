/** JSON Schema (draft-04) for POST /restore. */
export const RestoreRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "RestoreRequest",
  type: "object",
  additionalProperties: false,
  required: ["key"],
  properties: {
    /** A backup written by POST /backup, e.g. `backups/students-20250707-124500.json`. */
    key: { type: "string", pattern: "^backups/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.json$" },
    /** `skip` keeps items that already exist (default); `overwrite` replaces them. */
    mode: { type: "string", enum: ["skip", "overwrite"] },
  },
} as const;

export interface RestoreRequest {
  readonly key: string;
  readonly mode?: "skip" | "overwrite";
}
