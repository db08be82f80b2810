/**
 * The music page: create and delete a Music-shaped table, put, get, update and delete a song
 * through DemoRESTAPI, every parameter sent in the JSON body (the API reads body, then query
 * string, then headers).
 */
import { loadConfig, stagesOf } from "../lib/config";
import { byId, el, onSubmit, valueOf } from "../lib/dom";
import { call } from "../lib/http";
import { keyForm, keyHeader } from "../lib/key";
import { fail, say } from "../lib/status";

const SERVICE = "music-library";
const TABLE = "/DemoResourceMusic/DemoResourceMusicTable";
const ITEM = "/DemoResourceMusic/DemoResourceMusicItem";
let apiUrl = "";

interface Song {
  Artist: string;
  SongTitle: string;
  AlbumTitle?: string;
}

function show(song: Song | undefined): void {
  byId("song").replaceChildren(
    ...(song ? [el("dt", {}, "Artist"), el("dd", {}, song.Artist), el("dt", {}, "Song title"), el("dd", {}, song.SongTitle), el("dt", {}, "Album title"), el("dd", {}, song.AlbumTitle ?? "")] : []),
  );
}

async function table(action: string): Promise<void> {
  const name = valueOf("table");
  try {
    const { data } = await call<{ message: string }>(`${apiUrl}${TABLE}`, { method: action === "create" ? "PUT" : "DELETE", headers: keyHeader(SERVICE), body: { table: name } });
    say(`${data.message}: ${name}.`);
  } catch (error) {
    fail(error);
  }
}

async function item(action: string): Promise<void> {
  const params: Record<string, string> = { table: valueOf("table"), artist: valueOf("artist"), songtitle: valueOf("songtitle") };
  const album = valueOf("albumtitle");
  if (album && (action === "put" || action === "update")) params.albumtitle = album;
  try {
    if (action === "get") {
      const query = new URLSearchParams(params).toString();
      const { data } = await call<Song>(`${apiUrl}${ITEM}?${query}`, { headers: keyHeader(SERVICE) });
      show(data);
      say(`Found "${data.SongTitle}".`);
      return;
    }
    const method = { put: "PUT", update: "POST", delete: "DELETE" }[action] ?? "PUT";
    const { data } = await call<{ message: string; item?: Song }>(`${apiUrl}${ITEM}`, { method, headers: keyHeader(SERVICE), body: params });
    show(data.item);
    say(`${data.message}.`);
  } catch (error) {
    fail(error);
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  apiUrl = stagesOf(config, SERVICE)[0]![1];
  keyForm(SERVICE);
  onSubmit(byId<HTMLFormElement>("table-form"), (submitter) => table((submitter as HTMLButtonElement | null)?.value ?? "create"));
  onSubmit(byId<HTMLFormElement>("item-form"), (submitter) => item((submitter as HTMLButtonElement | null)?.value ?? "get"));
}

main().catch(fail);
