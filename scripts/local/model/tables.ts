/**
 * A DynamoDB table as the local back end creates it, read from an `aws_dynamodb_table`'s
 * (resolved) configuration: keys, attributes, indexes, streams.
 */
import { bool, str, type Json, type JsonObject } from "../../../modules/tfjson";
import type { TableModel } from "./types";

const list = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

export function tableModelOf(c: JsonObject): TableModel {
  return {
    name: str(c.name)!,
    hashKey: str(c.hash_key)!,
    rangeKey: str(c.range_key),
    attributes: list(c.attribute).map((a) => ({ name: String((a as JsonObject).name), type: String((a as JsonObject).type) })),
    globalSecondaryIndexes: list(c.global_secondary_index).map((g) => {
      const x = g as JsonObject;
      return { name: String(x.name), hashKey: String(x.hash_key), rangeKey: str(x.range_key), projectionType: str(x.projection_type) ?? "ALL", nonKeyAttributes: x.non_key_attributes ? list(x.non_key_attributes).map(String) : undefined };
    }),
    localSecondaryIndexes: list(c.local_secondary_index).map((g) => {
      const x = g as JsonObject;
      return { name: String(x.name), rangeKey: String(x.range_key), projectionType: str(x.projection_type) ?? "ALL", nonKeyAttributes: x.non_key_attributes ? list(x.non_key_attributes).map(String) : undefined };
    }),
    streamEnabled: bool(c.stream_enabled) ?? false,
    seeds: [],
  };
}
