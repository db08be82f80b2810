/**
 * What the person is told: a polite live region for progress and results, an alert region
 * for errors (a 403, a 429, a 400's message), both on the page, not only in the console.
 */
import { byId } from "./dom";
import { ApiError } from "./http";

export function say(message: string): void {
  byId("error").textContent = "";
  byId("status").textContent = message;
}

export function fail(error: unknown): void {
  byId("status").textContent = "";
  byId("error").textContent = describe(error);
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 401:
        return "Not signed in, or the sign-in expired: sign in again.";
      case 403:
        return `Forbidden (403): the API key is missing or not accepted. ${error.message}`.trim();
      case 429:
        return `Too many requests (429): wait a moment and try again. ${error.message}`.trim();
      default:
        return `${error.status}: ${error.message}`;
    }
  }
  if (error instanceof TypeError) return "The API could not be reached (network error or a refused cross-origin request).";
  return error instanceof Error ? error.message : String(error);
}
