import { toBinary } from "@bufbuild/protobuf";
import type { DescFile, DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

/**
 * Looks up descriptor files for server reflection: by file name, by any fully qualified
 * symbol (message, enum, service, method, field, enum value), with each file's transitive
 * dependencies, as serialized FileDescriptorProto bytes.
 */
export class DescriptorIndex {
  private readonly files = new Map<string, DescFile>();
  private readonly symbols = new Map<string, DescFile>();
  private readonly bytes = new Map<DescFile, Uint8Array>();
  /** Fully qualified names of the services served. */
  readonly services: string[];

  constructor(roots: readonly DescFile[]) {
    for (const f of roots) this.add(f);
    this.services = roots.flatMap((f) => f.services.map((s) => s.typeName));
  }

  /** The file and its dependencies, dependencies first; undefined when unknown. */
  byFilename(name: string): Uint8Array[] | undefined {
    const f = this.files.get(name);
    return f && this.closure(f);
  }

  /** The file declaring `symbol` and its dependencies; undefined when unknown. */
  bySymbol(symbol: string): Uint8Array[] | undefined {
    const f = this.symbols.get(symbol.replace(/^\./, ""));
    return f && this.closure(f);
  }

  private add(file: DescFile): void {
    if (this.files.has(file.proto.name)) return;
    this.files.set(file.proto.name, file);
    this.bytes.set(file, toBinary(FileDescriptorProtoSchema, file.proto));
    for (const dep of file.dependencies) this.add(dep);
    const put = (name: string) => this.symbols.set(name, file);
    const addMessage = (m: DescMessage) => {
      put(m.typeName);
      m.fields.forEach((f) => put(`${m.typeName}.${f.name}`));
      m.oneofs.forEach((o) => put(`${m.typeName}.${o.name}`));
      m.nestedMessages.forEach(addMessage);
      m.nestedEnums.forEach((e) => put(e.typeName));
    };
    file.messages.forEach(addMessage);
    file.enums.forEach((e) => {
      put(e.typeName);
      e.values.forEach((v) => put(`${file.proto.package ? `${file.proto.package}.` : ""}${v.name}`));
    });
    file.services.forEach((s) => {
      put(s.typeName);
      s.methods.forEach((m) => put(`${s.typeName}.${m.name}`));
    });
    file.extensions.forEach((x) => put(x.typeName));
  }

  private closure(root: DescFile): Uint8Array[] {
    const seen = new Set<DescFile>();
    const out: Uint8Array[] = [];
    const visit = (f: DescFile) => {
      if (seen.has(f)) return;
      seen.add(f);
      f.dependencies.forEach(visit);
      out.push(this.bytes.get(f)!);
    };
    visit(root);
    // The requested file first: clients (grpcurl, grpc-js) expect it in position 0.
    return [out.pop()!, ...out];
  }
}
