/**
 * An event travels to a function worker as JSON text, as a Lambda payload does, never as a
 * structured clone: what the handler gets is what `JSON.parse` of the payload gives, and
 * JSON text a caller already has (an Invoke API request body) is sent as it is, at any
 * nesting depth `JSON.parse` accepts.
 */

/** JSON text a caller already has: sent to the function as it is. */
export class JsonPayload {
  constructor(readonly text: string) {}
}

export function jsonPayload(text: string): JsonPayload {
  return new JsonPayload(text);
}
