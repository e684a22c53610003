import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";
import type { AgentSpool, SpoolUsage } from "../agent-ports.js";

/** Options of SqliteJournal.open(). */
export interface SqliteJournalOptions {
  /** Directory of the journal (created 0700). */
  dir: string;
  /** Disk bound in bytes; appends beyond it are refused. Default 1 GiB. */
  limitBytes?: number;
}

/** The journal is at its disk bound: the event was not stored. */
export class JournalFullError extends Error {}

/**
 * The agent's durable spool until agent/spool/ lands: one SQLite file in WAL mode with
 * synchronous=FULL, so an append has survived kill -9 and power loss once it returns. Seqs
 * are assigned here (1, 2, 3…, never reused, also after everything was trimmed); ack()
 * deletes the acknowledged prefix; SQLite's own journal recovers a torn last write.
 */
export class SqliteJournal implements AgentSpool {
  private last: bigint;
  private acked: bigint;
  private readonly limitBytes: number;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    limitBytes: number,
  ) {
    this.limitBytes = limitBytes;
    const meta = db.prepare("SELECT last_seq AS last, acked_seq AS acked FROM meta WHERE id = 1").get() as { last: number | bigint; acked: number | bigint };
    this.last = BigInt(meta.last);
    this.acked = BigInt(meta.acked);
  }

  /** Opens (or creates) the journal in `dir`. */
  static async open(options: SqliteJournalOptions): Promise<SqliteJournal> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const file = join(options.dir, "journal.sqlite");
    let db: Database.Database;
    try {
      db = new Database(file);
      db.defaultSafeIntegers(true);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      // Checkpoints truncate the write-ahead log back to this size, so it does not grow unbounded.
      db.pragma("journal_size_limit = 16777216");
      db.exec(`
        CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL, acked_seq INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta (id, last_seq, acked_seq) VALUES (1, 0, 0);
      `);
    } catch (err) {
      throw new Error(`cannot open the spool ${file}`, { cause: err });
    }
    return new SqliteJournal(db, file, options.limitBytes ?? 1024 * 1024 * 1024);
  }

  /** Stores the event durably with the next seq and returns the seq. */
  async append(event: Event): Promise<bigint> {
    const { bytes } = this.usage();
    if (bytes >= this.limitBytes) throw new JournalFullError(`the spool is at its bound of ${this.limitBytes} bytes`);
    const seq = this.last + 1n;
    event.seq = seq;
    const data = toBinary(EventSchema, event);
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO events (seq, data) VALUES (?, ?)").run(seq, data);
      this.db.prepare("UPDATE meta SET last_seq = ? WHERE id = 1").run(seq);
    })();
    this.last = seq;
    return seq;
  }

  /** Events from `fromSeq` on, at most `maxEvents` and `maxBytes` encoded (at least one). */
  async readBatch(fromSeq: bigint, maxEvents: number, maxBytes: number): Promise<Event[]> {
    const rows = this.db.prepare("SELECT data FROM events WHERE seq >= ? ORDER BY seq LIMIT ?").all(fromSeq, maxEvents) as Array<{ data: Buffer }>;
    const out: Event[] = [];
    let size = 0;
    for (const row of rows) {
      if (out.length > 0 && size + row.data.length > maxBytes) break;
      size += row.data.length;
      out.push(fromBinary(EventSchema, row.data));
    }
    return out;
  }

  /** Trims everything up to `seq`. */
  async ack(seq: bigint): Promise<void> {
    if (seq <= this.acked) return;
    const upTo = seq > this.last ? this.last : seq;
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM events WHERE seq <= ?").run(upTo);
      this.db.prepare("UPDATE meta SET acked_seq = ? WHERE id = 1").run(upTo);
    })();
    this.acked = upTo;
    // Freed pages only count once the log is folded back into the database: do it now, so
    // the disk bound and its warnings see the space an ack gave back.
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  /** Highest seq appended. */
  lastSeq(): bigint {
    return this.last;
  }

  /** Highest seq trimmed. */
  ackedSeq(): bigint {
    return this.acked;
  }

  /**
   * Bytes held against the bound: the pages in use (trimmed events free theirs for reuse,
   * so the number falls as the server acknowledges) plus the write-ahead log.
   */
  usage(): SpoolUsage {
    const pragma = (name: string) => Number(this.db.pragma(name, { simple: true }) as bigint | number);
    const pages = (pragma("page_count") - pragma("freelist_count")) * pragma("page_size");
    let wal = 0;
    try {
      wal = statSync(`${this.file}-wal`).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    return { bytes: pages + wal, limitBytes: this.limitBytes };
  }

  /** Checkpoints and closes the file. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
