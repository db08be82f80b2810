/**
 * The todo document's Phase 7 page: list (`data.items`), create, toggle with
 * `PUT {"completed": …}`, delete. Every text the API returns is rendered as text.
 */
import { loadConfig, stagesOf } from "../lib/config";
import { byId, el, onSubmit, valueOf } from "../lib/dom";
import { call } from "../lib/http";
import { keyForm, keyHeader } from "../lib/key";
import { fail, say } from "../lib/status";
import type { Todo } from "../../functions/todos/schema";

const SERVICE = "todos";
let apiUrl = "";
const headers = () => keyHeader(SERVICE);

async function loadTodos(): Promise<void> {
  try {
    const { data } = await call<{ items: Todo[] }>(`${apiUrl}/todos`, { headers: headers() });
    displayTodos(data.items);
  } catch (error) {
    fail(error);
  }
}

function displayTodos(todos: Todo[]): void {
  const list = byId("todos");
  list.replaceChildren(
    ...todos
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((todo) =>
        el(
          "li",
          { class: `item${todo.completed ? " completed" : ""}`, "data-id": todo.id },
          el("h3", {}, todo.title),
          todo.description ? el("p", {}, todo.description) : null,
          el("p", {}, `Created: ${new Date(todo.createdAt).toLocaleString()}`),
          el("button", { type: "button", "aria-label": `${todo.completed ? "Mark incomplete" : "Mark complete"}: ${todo.title}`, onclick: () => void toggleComplete(todo, !todo.completed) }, todo.completed ? "Mark Incomplete" : "Mark Complete"),
          el("button", { type: "button", class: "danger", "aria-label": `Delete: ${todo.title}`, onclick: () => void deleteTodo(todo) }, "Delete"),
        ),
      ),
  );
  if (todos.length === 0) list.append(el("li", {}, "Nothing to do."));
}

async function createTodo(): Promise<void> {
  const title = valueOf("title");
  const description = valueOf("description");
  if (!title) {
    fail(new Error("Title is required."));
    byId("title").focus();
    return;
  }
  try {
    await call(`${apiUrl}/todos`, { method: "POST", headers: headers(), body: { title, description, completed: false } });
    byId<HTMLInputElement>("title").value = "";
    byId<HTMLTextAreaElement>("description").value = "";
    say(`Added "${title}".`);
    await loadTodos();
  } catch (error) {
    fail(error);
  }
}

async function toggleComplete(todo: Todo, completed: boolean): Promise<void> {
  try {
    await call(`${apiUrl}/todos/${encodeURIComponent(todo.id)}`, { method: "PUT", headers: headers(), body: todo.version === undefined ? { completed } : { completed, version: todo.version } });
    say(`"${todo.title}" marked ${completed ? "complete" : "incomplete"}.`);
    await loadTodos();
  } catch (error) {
    fail(error);
  }
}

async function deleteTodo(todo: Todo): Promise<void> {
  try {
    await call(`${apiUrl}/todos/${encodeURIComponent(todo.id)}`, { method: "DELETE", headers: headers() });
    say(`Deleted "${todo.title}".`);
    await loadTodos();
    byId("title").focus();
  } catch (error) {
    fail(error);
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  apiUrl = stagesOf(config, SERVICE)[0]![1];
  keyForm(SERVICE, () => void loadTodos());
  onSubmit(byId<HTMLFormElement>("add-form"), createTodo);
  await loadTodos();
}

main().catch(fail);
