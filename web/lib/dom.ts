/**
 * DOM helpers. Text always goes in through text nodes (`textContent`), never `innerHTML`,
 * so whatever an API returns is shown as text and never parsed as markup.
 */
type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | boolean | EventListener>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(typeof c === "number" ? String(c) : c);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}

/** The value of a form control by id, trimmed. */
export function valueOf(id: string): string {
  return byId<HTMLInputElement>(id).value.trim();
}

/** Runs `work` when the form is submitted, with its submit button disabled meanwhile. */
export function onSubmit(form: HTMLFormElement, work: (submitter: HTMLElement | null) => Promise<void>): void {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter) submitter.disabled = true;
    void work(submitter).finally(() => {
      if (submitter) submitter.disabled = false;
    });
  });
}
