import { ConfigurationError } from "./errors.js";

/** A required environment variable, read at call time (tests and the local gateway set them late). */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") throw new ConfigurationError(name);
  return value.trim();
}

/** An optional positive integer environment variable. */
export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigurationError(`${name} (a positive integer, got "${raw}")`);
  return value;
}
