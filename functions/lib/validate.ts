/**
 * Validation with ajv against the very JSON Schema object (draft-04) that the API Gateway
 * model is built from, so the gateway and the handler can never disagree.
 */
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { ErrorObject, ValidateFunction } from "ajv";
import { BadRequestError } from "./errors.js";

/** A JSON Schema object as exported by `functions/<folder>/schema.ts`. */
export type JsonSchema = Readonly<Record<string, unknown>>;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, coerceTypes: false, useDefaults: false });
addFormats(ajv, ["date", "date-time", "email", "uuid", "uri"]);

const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (fn === undefined) {
    fn = ajv.compile(schema as Record<string, unknown>);
    compiled.set(schema, fn);
  }
  return fn;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "body" : `body${error.instancePath.replace(/\//g, ".")}`;
  if (error.keyword === "additionalProperties") {
    return `${where} has an unknown property "${String((error.params as { additionalProperty: string }).additionalProperty)}"`;
  }
  if (error.keyword === "required") {
    return `${where} is missing the required property "${String((error.params as { missingProperty: string }).missingProperty)}"`;
  }
  return `${where} ${error.message ?? "is invalid"}`;
}

/** Returns the error messages for `value`, empty when it is valid. */
export function schemaErrors(schema: JsonSchema, value: unknown): string[] {
  const fn = validatorFor(schema);
  if (fn(value)) return [];
  return (fn.errors ?? []).slice(0, 10).map(describe);
}

/** Throws BadRequestError (400) listing what is wrong, or returns `value` typed as `T`. */
export function validate<T>(schema: JsonSchema, value: unknown, what = "Request body"): T {
  const errors = schemaErrors(schema, value);
  if (errors.length > 0) throw new BadRequestError(`${what} is invalid: ${errors.join("; ")}.`, { details: { errors } });
  return value as T;
}
