/**
 * JSON Schemas (draft-04) for the student-records API. The service stack builds the API
 * Gateway models from these objects and the handlers validate with the same objects.
 */
const DRAFT_04 = "http://json-schema.org/draft-04/schema#";

/** Student ids: letters, digits, `-` and `_`, 1 to 64 characters. */
export const STUDENT_ID_PATTERN = "^[A-Za-z0-9_-]{1,64}$";

const fields = {
  name: { type: "string", minLength: 1, maxLength: 200 },
  class: { type: "string", minLength: 1, maxLength: 50 },
  birthdate: { type: "string", format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
  email: { type: "string", format: "email", maxLength: 254 },
} as const;

/** POST /students */
export const StudentCreateSchema = {
  $schema: DRAFT_04,
  title: "StudentCreate",
  type: "object",
  additionalProperties: false,
  required: ["studentid", "name", "class", "birthdate", "email"],
  properties: {
    studentid: { type: "string", pattern: STUDENT_ID_PATTERN },
    ...fields,
  },
} as const;

/** PUT /students/{studentid}: the full record plus the version it was read at. */
export const StudentUpdateSchema = {
  $schema: DRAFT_04,
  title: "StudentUpdate",
  type: "object",
  additionalProperties: false,
  required: ["name", "class", "birthdate", "email", "version"],
  properties: {
    ...fields,
    version: { type: "integer", minimum: 1, maximum: 1000000000 },
  },
} as const;

export interface StudentInput {
  readonly studentid: string;
  readonly name: string;
  readonly class: string;
  readonly birthdate: string;
  readonly email: string;
}

export interface Student extends StudentInput {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
