import { describe, expect, it } from "vitest";
import { findAssignments } from "../../../redact/assignment-rule.js";
import { applyRanges, mergeRanges } from "../../../redact/secret-range.js";

const redact = (text: string) => applyRanges(text, mergeRanges(findAssignments(text)));
const R = "[REDACTED:assignment]";

describe("findAssignments()", () => {
  it.each([
    ["NAME=value", "GITHUB_TOKEN=abc123def", `GITHUB_TOKEN=${R}`],
    ["export", "export DB_PASSWORD='p@ss w0rd!' && run", `export DB_PASSWORD='${R}' && run`],
    ["double quotes with an escape", 'API_KEY="ab\\"cd" next', `API_KEY="${R}" next`],
    ["a JSON field", '{"apiKey": "k-123456", "user": "ann"}', `{"apiKey": "${R}", "user": "ann"}`],
    ["minified JSON", '{"client_secret":"zz9-abc"}', `{"client_secret":"${R}"}`],
    ["YAML", "db:\n  password: hunter2x\n  host: db", `db:\n  password: ${R}\n  host: db`],
    ["a --flag=value", "mysql --password=hunter2x -h db", `mysql --password=${R} -h db`],
    ["a --flag value", "vault login --token s.abcdef12 -x", `vault login --token ${R} -x`],
    ["a query string", "GET /cb?access_token=abc.def-123&state=xyz", `GET /cb?access_token=${R}&state=xyz`],
    ["Go :=", 'secretKey := "s3kr3t"', `secretKey := "${R}"`],
    ["Ruby =>", '{ "password" => "x1y2z3" }', `{ "password" => "${R}" }`],
    ["a header", "-H 'X-Api-Key: 0123456789abcdef'", `-H 'X-Api-Key: ${R}'`],
    ["camelCase", "const accessToken = 'eyJx.y.z'", `const accessToken = '${R}'`],
    ["PRIVATE_KEY", "PRIVATE_KEY=MIIEvgIBADANBg", `PRIVATE_KEY=${R}`],
    ["CREDENTIALS", "AZURE_CREDENTIALS=abc:def", `AZURE_CREDENTIALS=${R}`],
    ["passwd", "passwd=letmein1", `passwd=${R}`],
  ])("redacts the value of %s and keeps the name", (_what, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    ["prose", "Forgot your password? Reset the token in settings."],
    ["an empty prompt", "Password: \n"],
    ["plural and longer words", "max_tokens=4096 tokenizer=bpe passwords=3 SECRETARY=ann"],
    ["key:value without a space", "see token:42 and https://secret:8080/x"],
    ["an arrow function", "tokens.map(token => token.trim())"],
    ["a call", "token = getToken(user)"],
    ["an index", "password = env['DB_PASSWORD']"],
    ["a member path", "token: config.auth.token,"],
    ["type names", "password: string, token: boolean, secret: Optional[str] = None"],
    ["a variable", "TOKEN=$GITHUB_TOKEN SECRET=%APP_SECRET% KEY=${X}"],
    ["a template placeholder", 'password: "{{ vault_password }}"'],
    ["an existing marker", "GITHUB_TOKEN=[REDACTED:github]"],
    ["comparisons", "password == '' || token != null || secret <= 3"],
  ])("leaves %s alone", (_what, input) => {
    expect(redact(input)).toBe(input);
  });
});
