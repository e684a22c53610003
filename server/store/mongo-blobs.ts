import { randomUUID } from "node:crypto";
import type { BlobRef, Collections } from "./mongo-schema.js";
import { mongoSchemaVersion } from "./mongo-schema.js";

/**
 * Fields up to this size stay inline in the trace document; larger ones (an 8 MiB final
 * patch, a QA result with thousands of test cases) go to `blobs` in chunks, so a trace
 * document never nears MongoDB's 16 MiB limit.
 */
export const inlineLimitBytes = 1024 * 1024;
const chunkBytes = 4 * 1024 * 1024;

/** Writes bytes as chunks under a fresh blob id; the trace document then points at it. */
export async function putBlob(c: Collections, traceId: string, data: Uint8Array): Promise<BlobRef> {
  const blobId = randomUUID();
  const docs = [];
  for (let i = 0, off = 0; off < data.length || i === 0; i++, off += chunkBytes) {
    docs.push({ _id: `${blobId}:${i}`, v: mongoSchemaVersion, traceId, blobId, i, data: data.subarray(off, off + chunkBytes) });
  }
  // One chunk per insert keeps every command far below the 48 MB message limit.
  for (const doc of docs) await c.blobs.insertOne(doc);
  return { blobId, chunks: docs.length, bytes: data.length };
}

/** Reads a blob back; a missing chunk is corruption and throws. */
export async function getBlob(c: Collections, ref: BlobRef): Promise<Uint8Array> {
  const docs = await c.blobs.find({ blobId: ref.blobId }).sort({ i: 1 }).toArray();
  if (docs.length !== ref.chunks) throw new Error(`blob ${ref.blobId} has ${docs.length} of ${ref.chunks} chunks`);
  const out = Buffer.concat(docs.map((d) => d.data as Uint8Array));
  if (out.length !== ref.bytes) throw new Error(`blob ${ref.blobId} has ${out.length} of ${ref.bytes} bytes`);
  return out;
}

/** Removes a blob that nothing points at any more. */
export async function deleteBlob(c: Collections, blobId: string): Promise<void> {
  await c.blobs.deleteMany({ blobId });
}
