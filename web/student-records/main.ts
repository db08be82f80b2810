/**
 * The student records page (the document's web interface): send the API key, list, add and
 * look up students, back up and restore (each a job, followed until it finishes).
 */
import { loadConfig, stagesOf } from "../lib/config";
import { byId, el, onSubmit, valueOf } from "../lib/dom";
import { call } from "../lib/http";
import { failed, followJob, type JobState } from "../lib/job";
import { apiKey, keyForm, keyHeader } from "../lib/key";
import { fail, say } from "../lib/status";
import type { StudentInput as Student } from "../../functions/insert-student-data/schema";

const SERVICE = "student-records";
const FIELDS = ["studentid", "name", "class", "birthdate", "email"] as const;
let apiUrl = "";
let nextToken: string | undefined;
const headers = () => keyHeader(SERVICE);

function row(s: Student): HTMLTableRowElement {
  return el("tr", { "data-id": s.studentid }, ...FIELDS.map((f) => el("td", {}, String(s[f] ?? ""))));
}

async function list(more = false): Promise<void> {
  if (!apiKey(SERVICE)) return say("Enter the API key to see the students.");
  try {
    const query = more && nextToken ? `?nextToken=${encodeURIComponent(nextToken)}` : "";
    const { data } = await call<{ items: Student[]; nextToken?: string }>(`${apiUrl}/students${query}`, { headers: headers() });
    const rows = data.items.map(row);
    if (more) byId("students").append(...rows);
    else byId("students").replaceChildren(...rows);
    nextToken = data.nextToken;
    byId("more").hidden = !nextToken;
  } catch (error) {
    fail(error);
  }
}

async function add(): Promise<void> {
  const student = Object.fromEntries(FIELDS.map((f) => [f, valueOf(f)])) as unknown as Student;
  try {
    await call(`${apiUrl}/students`, { method: "POST", headers: headers(), body: student });
    say(`Added ${student.name} (${student.studentid}).`);
    byId<HTMLFormElement>("add-form").reset();
    await list();
  } catch (error) {
    fail(error);
  }
}

async function lookUp(): Promise<void> {
  const id = valueOf("lookup-id");
  const found = byId("found");
  found.replaceChildren();
  try {
    const { data } = await call<Student>(`${apiUrl}/students/${encodeURIComponent(id)}`, { headers: headers() });
    found.replaceChildren(...FIELDS.flatMap((f) => [el("dt", {}, f), el("dd", {}, String(data[f] ?? ""))]));
    say(`Found ${data.name}.`);
  } catch (error) {
    fail(error);
  }
}

interface BackupState extends JobState {
  backupId?: string;
  key?: string;
  count?: number;
  emailSent?: boolean;
  startedAt?: string;
}

/** POST /backup: a job (202) followed at GET /backups/{backupId} until it succeeds or fails. */
async function backup(): Promise<void> {
  const progress = byId<HTMLProgressElement>("backup-progress");
  const result = byId("backup-result");
  progress.value = 5;
  result.textContent = "Backup started…";
  try {
    const started = await call<BackupState>(`${apiUrl}/backup`, { method: "POST", headers: headers() });
    const self = `${apiUrl}/backups/${encodeURIComponent(started.data.backupId ?? "")}`;
    const state = await followJob(self, started.data, headers(), (s) => {
      // queued, then taken by the worker: the bar shows the steps the job reports
      progress.value = Math.max(progress.value, s.startedAt ? 50 : 20, Math.min(95, progress.value + 5));
      result.textContent = `Backup ${s.backupId} ${s.startedAt ? "running" : "queued"}…`;
    });
    if (failed(state)) throw new Error(`Backup failed: ${state.error ?? state.message ?? "see the logs"}`);
    progress.value = 100;
    result.textContent = `Backup finished: ${state.count ?? "?"} students in ${state.key ?? "?"}${state.emailSent ? "; the report was emailed" : ""}.`;
    if (state.key) byId<HTMLInputElement>("restore-key").value = state.key;
    say("Backup finished.");
  } catch (error) {
    progress.value = 0;
    result.textContent = "";
    fail(error);
  }
}

interface RestoreState extends JobState {
  restoreId?: string;
  phase?: "verify" | "write";
  count?: number;
  restored?: number;
  skipped?: number;
  notWritten?: number;
}

/** POST /restore: a job (202) followed at GET /restores/{restoreId}: queued, verifying, then writing with its counts. */
async function restore(): Promise<void> {
  const key = valueOf("restore-key");
  const mode = byId<HTMLSelectElement>("restore-mode").value;
  const progress = byId<HTMLProgressElement>("restore-progress");
  const result = byId("restore-result");
  progress.value = 5;
  result.textContent = "Restore started…";
  try {
    const started = await call<RestoreState>(`${apiUrl}/restore`, { method: "POST", headers: headers(), body: { key, mode } });
    const self = `${apiUrl}/restores/${encodeURIComponent(started.data.restoreId ?? "")}`;
    const state = await followJob(self, started.data, headers(), (s) => {
      const done = (s.restored ?? 0) + (s.skipped ?? 0);
      if (s.phase === "write" && s.count) progress.value = Math.max(progress.value, 30 + Math.round((65 * done) / s.count));
      else progress.value = Math.max(progress.value, s.phase === "verify" ? 20 : 10);
      result.textContent =
        s.phase === "write" ? `Restore ${s.restoreId} writing: ${done} of ${s.count ?? "?"} students…` : `Restore ${s.restoreId} ${s.phase === "verify" ? "verifying the backup" : "queued"}…`;
    });
    if (failed(state)) {
      const written = state.phase === "write" ? ` ${state.restored ?? 0} students were written before it stopped.` : "";
      throw new Error(`Restore failed: ${state.error ?? state.message ?? "see the logs"}.${written}`);
    }
    progress.value = 100;
    result.textContent = `Restore finished: ${state.restored ?? 0} of ${state.count ?? "?"} students restored from ${key}.`;
    say(`Restored ${state.restored ?? 0} of ${state.count ?? "?"} students (${state.skipped ?? 0} skipped).`);
    await list();
  } catch (error) {
    progress.value = 0;
    result.textContent = "";
    fail(error);
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  apiUrl = stagesOf(config, SERVICE)[0]![1];
  keyForm(SERVICE, () => void list());
  onSubmit(byId<HTMLFormElement>("add-form"), add);
  onSubmit(byId<HTMLFormElement>("lookup-form"), lookUp);
  onSubmit(byId<HTMLFormElement>("restore-form"), restore);
  byId("refresh").addEventListener("click", () => void list());
  byId("more").addEventListener("click", () => void list(true));
  byId("backup").addEventListener("click", (e) => {
    const button = e.currentTarget as HTMLButtonElement;
    button.disabled = true;
    void backup().finally(() => (button.disabled = false));
  });
  await list();
}

main().catch(fail);
