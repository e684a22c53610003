import tar from "tar-stream";

/** Reads the .xml files of a tar archive (Docker getArchive), at most `limitBytes` each. */
export async function readXmlFiles(archive: NodeJS.ReadableStream, limitBytes = 8 * 1024 * 1024): Promise<string[]> {
  const extract = tar.extract();
  const docs: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const wanted = header.type === "file" && header.name.endsWith(".xml") && (header.size ?? 0) <= limitBytes;
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => {
        if (wanted) chunks.push(c as Buffer);
      });
      stream.on("end", () => {
        if (wanted) docs.push(Buffer.concat(chunks).toString("utf8"));
        next();
      });
      stream.on("error", reject);
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  archive.pipe(extract);
  await done;
  return docs;
}

/** The content of the first file in a tar archive (getArchive of a single file). */
export async function readFirstFile(archive: NodeJS.ReadableStream): Promise<string> {
  const extract = tar.extract();
  let text: string | undefined;
  archive.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    text ??= Buffer.concat(chunks).toString("utf8");
  }
  return text ?? "";
}
