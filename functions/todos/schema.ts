/** JSON Schemas (draft-04) for the todos API: API Gateway models and handler validation. */
const DRAFT_04 = "http://json-schema.org/draft-04/schema#";

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 2000;

const fields = {
  title: { type: "string", minLength: 1, maxLength: TITLE_MAX, pattern: "\\S" },
  description: { type: "string", maxLength: DESCRIPTION_MAX },
  completed: { type: "boolean" },
} as const;

/** POST /todos */
export const TodoCreateSchema = {
  $schema: DRAFT_04,
  title: "TodoCreate",
  type: "object",
  additionalProperties: false,
  required: ["title"],
  properties: fields,
} as const;

/** PUT /todos/{id}: a partial update of the fields, with the version it was read at. */
export const TodoUpdateSchema = {
  $schema: DRAFT_04,
  title: "TodoUpdate",
  type: "object",
  additionalProperties: false,
  required: ["version"],
  minProperties: 2,
  properties: {
    ...fields,
    version: { type: "integer", minimum: 1, maximum: 1000000000 },
  },
} as const;

export interface Todo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
