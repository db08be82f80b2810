/** The items page: list the catalog and open one item, from the non-proxy ItemsAPI. */
import { loadConfig, stagesOf } from "../lib/config";
import { byId, el } from "../lib/dom";
import { call } from "../lib/http";
import { apiKey, keyForm, keyHeader } from "../lib/key";
import { fail, say } from "../lib/status";

interface Item {
  ID: number;
  name: string;
  price: number;
}

const SERVICE = "items-catalog";
const stage = () => byId<HTMLSelectElement>("stage").value;

async function list(): Promise<void> {
  if (!apiKey(SERVICE)) return say("Enter the API key to list the items.");
  try {
    const { data } = await call<Item[]>(`${stage()}/items`, { headers: keyHeader(SERVICE) });
    byId("items").replaceChildren(
      ...data.map((item) => el("li", {}, el("button", { type: "button", class: "secondary", onclick: () => void open(item.ID) }, `${item.name} (#${item.ID})`))),
    );
    say(`${data.length} items.`);
  } catch (error) {
    fail(error);
  }
}

async function open(id: number): Promise<void> {
  try {
    const { data } = await call<Item>(`${stage()}/items/${encodeURIComponent(String(id))}`, { headers: keyHeader(SERVICE) });
    byId("detail").replaceChildren(el("dt", {}, "ID"), el("dd", {}, String(data.ID)), el("dt", {}, "Name"), el("dd", {}, data.name), el("dt", {}, "Price"), el("dd", {}, data.price.toFixed(2)));
    say(`Showing ${data.name}.`);
    byId("detail-heading").focus();
  } catch (error) {
    fail(error);
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const select = byId<HTMLSelectElement>("stage");
  select.replaceChildren(...stagesOf(config, SERVICE).map(([name, url]) => el("option", { value: url }, name)));
  byId("detail-heading").setAttribute("tabindex", "-1");
  keyForm(SERVICE, () => void list());
  select.addEventListener("change", () => void list());
  byId("refresh").addEventListener("click", () => void list());
  await list();
}

main().catch(fail);
