/** JSON Schema (draft-04) for POST /backup: no body, or an empty JSON object. */
export const BackupRequestSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "BackupRequest",
  type: "object",
  additionalProperties: false,
  properties: {},
} as const;

/** Backups live under this prefix; restore refuses any other key. */
export const BACKUP_PREFIX = "backups/";
