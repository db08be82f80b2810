/** A function's zip, extracted as Lambda extracts it into its code folder. */
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import yauzl from "yauzl";

/** Extracts a zip into a folder (replaced). */
export async function unzip(zipPath: string, dest: string): Promise<void> {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const root = resolvePath(dest);
  await new Promise<void>((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${zipPath}`));
      zip.on("error", reject);
      zip.on("end", () => resolve());
      zip.on("entry", (entry: yauzl.Entry) => {
        const target = resolvePath(root, entry.fileName);
        if (!target.startsWith(root)) return reject(new Error(`zip entry escapes the folder: ${entry.fileName}`));
        if (entry.fileName.endsWith("/")) {
          mkdirSync(target, { recursive: true });
          zip.readEntry();
          return;
        }
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
          const out = createWriteStream(target);
          out.on("error", reject);
          out.on("finish", () => zip.readEntry());
          stream.pipe(out);
        });
      });
      zip.readEntry();
    });
  });
}
