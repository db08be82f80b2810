/**
 * The ItemsAPI models from items-api-lab.md (JSON Schema draft-04) and the document's
 * four items, which seed the items table.
 */

/** Model `Item`, exactly as in the document. */
export const ItemSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "Item Schema",
  type: "object",
  properties: {
    ID: { type: "number" },
    name: { type: "string" },
    price: { type: "number" },
  },
} as const;

/**
 * Model `Items` as the document writes it: an array whose items reference the `Item`
 * model by its API Gateway URL, `https://apigateway.amazonaws.com/restapis/<api id>/models/Item`.
 */
export function itemsModelSchema(itemModelUrl: string): Record<string, unknown> {
  return { id: "Items", title: "Items", type: "array", items: { $ref: itemModelUrl } };
}

/** Model `Items` with `Item` inlined: the same constraints without an API id. */
export const ItemsSchema = {
  $schema: "http://json-schema.org/draft-04/schema#",
  id: "Items",
  title: "Items",
  type: "array",
  items: {
    type: "object",
    properties: ItemSchema.properties,
  },
} as const;

export interface Item {
  readonly ID: number;
  readonly name: string;
  readonly price: number;
}

/** The document's static list, now the seed of the items table. */
export const SEED_ITEMS: readonly Item[] = [
  { ID: 1, name: "Pen", price: 2.5 },
  { ID: 2, name: "Pencil", price: 1.5 },
  { ID: 3, name: "Highlighter", price: 3.0 },
  { ID: 4, name: "Ruler", price: 5.0 },
];

/** The request mapping template of GET /items/{ID}, from the document. */
export const GET_ITEM_REQUEST_TEMPLATE = '{\n"ID": $input.params("ID")\n}';
