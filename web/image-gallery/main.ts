/**
 * The image gallery page: sign in with Cognito (the hosted UI, code grant with PKCE), upload a picture from a file picker
 * (POST /upload/{filename}, the bytes as the body), see the gallery (GET /view-all, images
 * through their presigned URLs).
 */
import { loadConfig, stagesOf, type CognitoConfig } from "../lib/config";
import { completeSignIn, idToken, signedInAs, signIn, signOut } from "../lib/cognito";
import { byId, el, onSubmit } from "../lib/dom";
import { call } from "../lib/http";
import { fail, say } from "../lib/status";

interface Picture {
  filename: string;
  url?: string;
  size: number;
  uploadedAt?: string;
}

const SERVICE = "image-gallery";
let apiUrl = "";
let cognito: CognitoConfig;
/**
 * Pictures uploaded from this tab, shown from the picked file until /view-all lists them:
 * GET /view-all is cached (per user, for a short TTL), so a new upload can be missing from
 * the listing for up to that long.
 */
const justUploaded = new Map<string, { url: string; size: number }>();

async function authorization(): Promise<Record<string, string>> {
  const token = await idToken(cognito);
  return token ? { Authorization: token } : {};
}

function render(): void {
  const who = signedInAs();
  byId("signin").hidden = who !== undefined;
  byId("signed-in").hidden = who === undefined;
  byId("user").textContent = who ? `Signed in as ${who}.` : "";
}

async function gallery(): Promise<void> {
  try {
    const { data } = await call<{ items: Picture[] }>(`${apiUrl}/view-all`, { headers: await authorization() });
    for (const p of data.items) {
      const preview = justUploaded.get(p.filename);
      if (preview) URL.revokeObjectURL(preview.url);
      justUploaded.delete(p.filename);
    }
    const pending = [...justUploaded].map(([filename, { url, size }]) => ({ filename, url, size, preview: true }));
    const all = [...data.items.map((p) => ({ ...p, preview: false })), ...pending];
    byId("gallery").replaceChildren(
      ...all.map((p) =>
        el("li", { "data-source": p.preview ? "upload" : "listing" }, el("figure", {}, p.url ? el("img", { src: p.url, alt: p.filename }) : null, el("figcaption", {}, `${p.filename} (${p.size} bytes)${p.preview ? ", just uploaded" : ""}`))),
      ),
    );
    if (all.length === 0) byId("gallery").append(el("li", {}, "No pictures yet."));
  } catch (error) {
    fail(error);
  }
}

async function upload(): Promise<void> {
  const file = byId<HTMLInputElement>("file").files?.[0];
  if (!file) return fail(new Error("Choose an image file first."));
  try {
    await call(`${apiUrl}/upload/${encodeURIComponent(file.name)}`, { method: "POST", headers: { ...(await authorization()), "Content-Type": file.type || "application/octet-stream" }, body: file });
    justUploaded.set(file.name, { url: URL.createObjectURL(file), size: file.size });
    say(`Uploaded ${file.name}.`);
    byId<HTMLFormElement>("upload-form").reset();
    await gallery();
  } catch (error) {
    fail(error);
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  apiUrl = stagesOf(config, SERVICE)[0]![1];
  if (!config.cognito) throw new Error("config.json has no Cognito user pool");
  cognito = config.cognito;
  byId("signin-button").addEventListener("click", () => {
    signIn(cognito).catch(fail);
  });
  onSubmit(byId<HTMLFormElement>("upload-form"), upload);
  byId("refresh").addEventListener("click", () => void gallery());
  byId("signout").addEventListener("click", () => {
    for (const { url } of justUploaded.values()) URL.revokeObjectURL(url);
    justUploaded.clear();
    signOut(cognito);
  });
  let returned = false;
  try {
    returned = await completeSignIn(cognito);
  } catch (error) {
    fail(error);
  }
  render();
  if (returned) {
    say("Signed in.");
    byId("file").focus();
  }
  if (signedInAs()) await gallery();
}

main().catch(fail);
