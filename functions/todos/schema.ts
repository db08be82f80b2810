/** JSON Schemas (draft-04) for the todos API: API Gateway models and handler validation. */
const DRAFT_04 = "http://json-schema.org/draft-04/schema#";

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 2000;
export const VERSION_MAX = 1000000000;

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

/**
 * PUT /todos/{id}: a partial update of at least one field, as the document sends it
 * (`{"title": "Learn AWS - Updated", "completed": true}`, `{"completed": true}`). `version`
 * is optional: with it (or an `If-Match` header) the update is conditional.
 */
export const TodoUpdateSchema = {
  $schema: DRAFT_04,
  title: "TodoUpdate",
  type: "object",
  additionalProperties: false,
  anyOf: [{ required: ["title"] }, { required: ["description"] }, { required: ["completed"] }],
  properties: {
    ...fields,
    version: { type: "integer", minimum: 1, maximum: VERSION_MAX },
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
