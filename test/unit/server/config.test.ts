import { describe, expect, it } from "vitest";
import { UsageError, loadServerConfig, parseListenAddress } from "../../../server/config.js";

describe("loadServerConfig()", () => {
  it("uses the documented defaults with no flags and no environment", () => {
    const { config, help } = loadServerConfig([], {});
    expect(help).toBe(false);
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 50051 });
    expect(config.dataDir).toBe("./data");
    expect(config.mongoUrl).toBeUndefined();
    expect(config.tls).toBeUndefined();
    expect(config.qa).toMatchObject({ workers: 1, judgeModel: "gpt-4o-mini", testTimeoutSec: 600, pullImages: false });
    expect(config.limits).toEqual({ maxStreamsPerToken: 16, requestsPerSecond: 200 });
  });

  it("reads the environment, and flags win over it", () => {
    const env = {
      DEVTRACE_LISTEN: "127.0.0.1:6000",
      DEVTRACE_DATA_DIR: "/var/devtrace",
      DEVTRACE_MONGO_URL: "mongodb://db/devtrace",
      DEVTRACE_TOKEN: "s3cret",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:9999/v1",
      DEVTRACE_JUDGE_MODEL: "judge-1",
      DOCKER_HOST: "unix:///run/docker.sock",
    };
    const { config } = loadServerConfig(["--listen", "127.0.0.1:7000", "--workers", "3"], env);
    expect(config.listen.port).toBe(7000);
    expect(config.dataDir).toBe("/var/devtrace");
    expect(config.mongoUrl).toBe("mongodb://db/devtrace");
    expect(config.envToken).toBe("s3cret");
    expect(config.qa).toMatchObject({
      workers: 3,
      openaiApiKey: "sk-test",
      openaiBaseUrl: "http://127.0.0.1:9999/v1",
      judgeModel: "judge-1",
      dockerHost: "unix:///run/docker.sock",
    });
    expect(loadServerConfig(["--data-dir", "/tmp/x"], env).config.dataDir).toBe("/tmp/x");
  });

  it("takes TLS files from flags or env, and only as a pair", () => {
    const tls = loadServerConfig(["--tls-cert", "c.pem", "--tls-key", "k.pem"], {}).config.tls;
    expect(tls).toEqual({ certFile: "c.pem", keyFile: "k.pem" });
    expect(loadServerConfig([], { DEVTRACE_TLS_CERT: "a", DEVTRACE_TLS_KEY: "b" }).config.tls).toEqual({ certFile: "a", keyFile: "b" });
    expect(() => loadServerConfig(["--tls-cert", "c.pem"], {})).toThrow(/--tls-cert and --tls-key go together/);
  });

  const bad: Array<[string, string[], Record<string, string>, RegExp]> = [
    ["an unknown flag", ["--lisen", "x"], {}, /lisen/],
    ["a listen address without port", ["--listen", "127.0.0.1"], {}, /--listen: expected host:port/],
    ["a port over 65535", ["--listen", "127.0.0.1:70000"], {}, /--listen/],
    ["a non-numeric worker count", ["--workers", "many"], {}, /--workers: expected a whole number/],
    ["a bad DEVTRACE_RATE_LIMIT", [], { DEVTRACE_RATE_LIMIT: "-1" }, /DEVTRACE_RATE_LIMIT/],
    ["plaintext on a public address", ["--listen", "0.0.0.0:50051"], {}, /plaintext is served on loopback only/],
  ];
  for (const [name, argv, env, message] of bad) {
    it(`refuses ${name} with a UsageError`, () => {
      expect(() => loadServerConfig(argv, env)).toThrow(UsageError);
      expect(() => loadServerConfig(argv, env)).toThrow(message);
    });
  }

  it("serves plaintext on a public address only when asked to", () => {
    expect(loadServerConfig(["--listen", "0.0.0.0:1", "--allow-plaintext"], {}).config.listen.host).toBe("0.0.0.0");
  });
});

describe("parseListenAddress()", () => {
  it.each([
    ["127.0.0.1:50051", { host: "127.0.0.1", port: 50051 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:8443", { host: "::1", port: 8443 }],
    [":9000", { host: "0.0.0.0", port: 9000 }],
  ])("parses %s", (raw, want) => {
    expect(parseListenAddress(raw)).toEqual(want);
  });
});
