/**
 * The API key: never in a deployed file. The person pastes it into the page, which keeps it
 * in sessionStorage (this tab only, gone when it closes) and sends it as `x-api-key`.
 */
import { byId, onSubmit } from "./dom";
import { say } from "./status";

const slot = (service: string) => `apiKey:${service}`;

export function apiKey(service: string): string | undefined {
  return sessionStorage.getItem(slot(service)) ?? undefined;
}

export function keyHeader(service: string): Record<string, string> {
  const key = apiKey(service);
  return key ? { "x-api-key": key } : {};
}

/** Wires the page's `#key-form` (an `#api-key` input) to sessionStorage. */
export function keyForm(service: string, onChange?: () => void): void {
  const input = byId<HTMLInputElement>("api-key");
  input.value = apiKey(service) ?? "";
  onSubmit(byId<HTMLFormElement>("key-form"), async () => {
    const value = input.value.trim();
    if (value) sessionStorage.setItem(slot(service), value);
    else sessionStorage.removeItem(slot(service));
    say(value ? "API key saved for this tab." : "API key cleared.");
    onChange?.();
  });
}
