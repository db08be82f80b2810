// @ts-check
/**
 * cdktf records where every token was created (`creationStack` of each Intrinsic, Lazy,
 * reference and computed attribute: thousands per synth) as an array of stack-frame lines, and
 * formats that full stack trace at once, though it reads it only to explain a resolution that
 * failed ("Object creation stack: ..."). Formatting was about a tenth of a warm synth; see
 * hashicorp/terraform-cdk#3892, where the suggested workaround replaces the same function
 * with one that records nothing.
 *
 * This keeps the record and defers only the formatting: the frames are captured as before
 * (full depth), and the array of lines is built from them the first time anything reads it.
 * An error message that quotes a creation stack reads exactly as it did.
 *
 * It replaces `captureStackTrace` of `cdktf/lib/tokens/private/stack-trace.js`, which cdktf's
 * own modules read from that module's exports at every call, and only for the cdktf versions
 * whose function was checked to be the one below with eager formatting; with any other version
 * nothing changes (the synth is only slower). The app runner (compiled-app.mjs) installs it.
 */

/** cdktf versions whose `captureStackTrace` this replaces (checked by test/synth/lazy-token-stacks.test.ts). */
export const VERIFIED_CDKTF_VERSIONS = ["0.21.0"];

const STACK_TRACE_MODULE = "cdktf/lib/tokens/private/stack-trace.js";
const INSTALLED = Symbol.for("cdktf-rest-platform.lazyTokenStacks");

/**
 * The frame lines of a captured stack, as cdktf's `captureStackTrace` returns them.
 * @param {{ stack?: string }} holder @returns {string[]}
 */
function frameLines(holder) {
  const stack = holder.stack;
  if (!stack) return [];
  return stack
    .split("\n")
    .slice(1)
    .map((s) => s.replace(/^\s*at\s+/, ""));
}

/**
 * An array whose elements are filled in, from the captured frames, on its first use.
 * @param {{ stack?: string }} holder @returns {string[]}
 */
function lazyLines(holder) {
  /** @type {string[]} */
  const lines = [];
  let filled = false;
  const fill = () => {
    if (!filled) {
      filled = true;
      lines.push(...frameLines(holder));
    }
    return lines;
  };
  // The target is the array itself, filled before any trap forwards to it.
  return new Proxy(lines, {
    get: (_t, key, receiver) => Reflect.get(fill(), key, receiver),
    set: (_t, key, value, receiver) => Reflect.set(fill(), key, value, receiver),
    has: (_t, key) => Reflect.has(fill(), key),
    ownKeys: (_t) => Reflect.ownKeys(fill()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(fill(), key),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(fill(), key, descriptor),
    deleteProperty: (_t, key) => Reflect.deleteProperty(fill(), key),
  });
}

/**
 * Same contract as cdktf's: the stack below `below` (this function when omitted), every
 * frame, `at ` removed from each line.
 * @param {Function} [below] @returns {string[]}
 */
export function captureStackTraceLazily(below) {
  /** @type {{ stack?: string }} */
  const holder = {};
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.captureStackTrace(holder, below || captureStackTraceLazily);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  return lazyLines(holder);
}

/**
 * Makes the cdktf that `requireFrom` resolves record token creation stacks lazily. Returns
 * whether it did: false when cdktf is missing or not a verified version.
 * @param {NodeJS.Require} requireFrom @returns {boolean}
 */
export function installLazyTokenStacks(requireFrom) {
  /** @type {{ captureStackTrace?: unknown }} */
  let mod;
  try {
    const { version } = /** @type {{ version: string }} */ (requireFrom("cdktf/package.json"));
    if (!VERIFIED_CDKTF_VERSIONS.includes(version)) return false;
    mod = requireFrom(STACK_TRACE_MODULE);
  } catch {
    return false;
  }
  const current = /** @type {Function & { [INSTALLED]?: true }} */ (mod.captureStackTrace);
  if (typeof current !== "function") return false;
  if (current[INSTALLED]) return true;
  Object.defineProperty(captureStackTraceLazily, INSTALLED, { value: true });
  mod.captureStackTrace = captureStackTraceLazily;
  return true;
}
