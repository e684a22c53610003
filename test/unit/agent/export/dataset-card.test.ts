import { describe, expect, it } from "vitest";
import { datasetCard } from "../../../../agent/export/dataset-card.js";
import { ExportStats } from "../../../../agent/export/export-stats.js";
import { messagesColumns, swebenchColumns } from "../../../../agent/export/export-tables.js";

const tables = { messages: messagesColumns, swebench: swebenchColumns };

describe("datasetCard()", () => {
  it("names each table's splits in the YAML configs and counts what was written", () => {
    const stats = new ExportStats();
    stats.received = 3;
    stats.add({ split: "train", verdict: "RESOLVED", score: 0.95, rubricVersion: "v1", events: 10, developer: "a", repo: "acme/shop", duplicate: false });
    stats.add({ split: "validation", verdict: "PARTIAL", score: 0.4, rubricVersion: "v1", events: 5, developer: "b", repo: "acme/shop", duplicate: true });
    stats.drop("min_events");
    const card = datasetCard({ stats, tables, shards: { messages: { train: 2, validation: 1 }, swebench: { train: 1, validation: 1 } }, license: "cc-by-4.0", filters: ["--status done"] });
    expect(card).toMatch(/^---\nlicense: cc-by-4.0\n[^]*configs:\n- config_name: messages\n  default: true\n  data_files:\n  - split: train\n    path: messages\/train-\*\.parquet\n  - split: validation\n/);
    expect(card).toContain("| traces written | 2 |");
    expect(card).toContain("| left out: min_events | 1 |");
    expect(card).toContain("| flagged duplicates (`duplicate_of` set) | 1 |");
    expect(card).toContain("| 0.9–1.0 | 1 |");
    expect(card).toContain("| `messages` | `list<struct<role: string, content: string, tool_calls: list<struct<id: string");
  });

  it("keeps QA-supplied text from breaking out of the Markdown or the YAML", () => {
    const stats = new ExportStats();
    stats.add({ split: "train", verdict: "RESOLVED", score: 1, rubricVersion: "v1\n---\nlicense: mit\n| x |", events: 1, developer: "a", repo: "r", duplicate: false });
    const card = datasetCard({ stats, tables, shards: { messages: { train: 1 }, swebench: { train: 1 } }, license: "other", filters: [] });
    expect(card.match(/^---$/gm)).toHaveLength(2);
    expect(card).toContain("| `v1_---_license: mit__ x _` | 1 |");
  });

  it("has no configs when no trace matched", () => {
    const card = datasetCard({ stats: new ExportStats(), tables, shards: { messages: {}, swebench: {} }, license: "other", filters: [] });
    expect(card).not.toContain("configs:");
    expect(card).toContain("| traces written | 0 |");
  });
});
