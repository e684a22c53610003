"""Loads a devtrace export with the libraries trainers use and checks what they need.

usage: validate_export.py swebench FILE.jsonl | messages FILE.jsonl | parquet DIR
Prints one JSON object (counts and what was read) for the test to assert on; exits non-zero
with the reason on the first instance a loader refuses. Never touches a hub: the caller sets
HF_DATASETS_OFFLINE=1 and HF_HUB_OFFLINE=1.
"""
import glob
import json
import os
import sys


def check_swebench(instances):
    from swebench.harness.constants import END_TEST_OUTPUT, FAIL_TO_PASS, PASS_TO_PASS, START_TEST_OUTPUT
    from swebench.harness.log_parsers import PARSER_REGISTRY
    from swebench.harness.utils import make_test_spec

    ids = set()
    parsers = {}
    for inst in instances:
        iid = inst["instance_id"]
        if iid in ids:
            raise SystemExit(f"duplicate instance_id {iid}")
        ids.add(iid)
        for key in ("repo", "instance_id", "base_commit", "patch", "test_patch", "problem_statement",
                    "created_at", "version", FAIL_TO_PASS, PASS_TO_PASS):
            if not isinstance(inst.get(key), str):
                raise SystemExit(f"{iid}: {key} is not a string")
        for key in (FAIL_TO_PASS, PASS_TO_PASS):
            tests = json.loads(inst[key])
            if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
                raise SystemExit(f"{iid}: {key} is not a JSON list of test names")
        if inst["log_parser"] and inst["log_parser"] not in PARSER_REGISTRY:
            raise SystemExit(f"{iid}: log_parser {inst['log_parser']} is not in the harness's registry")
        spec = make_test_spec(dict(inst))
        script = "\n".join(spec.eval_script_list)
        if START_TEST_OUTPUT not in script or END_TEST_OUTPUT not in script:
            raise SystemExit(f"{iid}: eval_script lacks the grading markers")
        if spec.FAIL_TO_PASS != json.loads(inst[FAIL_TO_PASS]):
            raise SystemExit(f"{iid}: the harness read FAIL_TO_PASS differently")
        parsers[inst["log_parser"]] = parsers.get(inst["log_parser"], 0) + 1
    return {"instances": len(ids), "log_parsers": parsers}


def check_messages(rows):
    roles = {}
    calls = 0
    for row in rows:
        tid = row["trace_id"]
        if row["source"] != "human":
            raise SystemExit(f"{tid}: source is {row['source']}")
        tools = {t["function"]["name"] for t in json.loads(row["tools"])}
        msgs = row["messages"]
        if [m["role"] for m in msgs[:2]] != ["system", "user"]:
            raise SystemExit(f"{tid}: does not open with system and user messages")
        open_calls = {}
        for m in msgs:
            roles[m["role"]] = roles.get(m["role"], 0) + 1
            for c in m["tool_calls"] or []:
                if c["function"]["name"] not in tools:
                    raise SystemExit(f"{tid}: call of {c['function']['name']} which tools does not declare")
                json.loads(c["function"]["arguments"])
                open_calls[c["id"]] = c["function"]["name"]
                calls += 1
            if m["role"] == "tool":
                if open_calls.pop(m["tool_call_id"], None) != m["name"]:
                    raise SystemExit(f"{tid}: tool result {m['tool_call_id']} answers no call")
            for s in m["steps"] or []:
                if not (s["seq"] >= 1 and s["session_id"] and s["time"]):
                    raise SystemExit(f"{tid}: a step lacks seq, session_id or time")
        if open_calls:
            raise SystemExit(f"{tid}: calls without results: {sorted(open_calls)}")
    return {"rows": len(rows), "roles": roles, "tool_calls": calls}


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "swebench":
        from swebench.harness.utils import load_swebench_dataset
        out = check_swebench(load_swebench_dataset(path))
    elif kind == "messages":
        import datasets
        ds = datasets.load_dataset("json", data_files=path, split="train")
        out = check_messages(list(ds))
    elif kind == "parquet":
        import datasets
        import pyarrow.parquet as pq
        from swebench.harness.utils import load_swebench_dataset
        out = {"tables": {}}
        for table in ("messages", "swebench"):
            files = sorted(glob.glob(os.path.join(path, table, "*.parquet")))
            splits = sorted({os.path.basename(f).rsplit("-", 3)[0] for f in files})
            tables = [pq.read_table(f) for f in files]
            rows = sum(t.num_rows for t in tables)
            t = tables[0]
            # The card's YAML configs name each table's splits; load_dataset reads them from there.
            by_card = datasets.load_dataset(path, table)
            info = {"files": len(files), "rows": rows, "splits": {s: by_card[s].num_rows for s in by_card},
                    "schema": {f.name: str(f.type) for f in t.schema}, "card_splits": splits}
            if table == "messages":
                checked = [check_messages(list(by_card[s])) for s in by_card]
                info["checked_rows"] = sum(c["rows"] for c in checked)
                info["tool_calls"] = sum(c["tool_calls"] for c in checked)
                info["feature"] = str(by_card[splits[0]].features["messages"])[:200]
            else:
                n = 0
                for f in files:
                    n += check_swebench(load_swebench_dataset(f))["instances"]
                info["instances"] = n
            out["tables"][table] = info
    else:
        raise SystemExit(f"unknown kind {kind}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
