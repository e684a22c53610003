import type { Rubric } from "./rubric.js";

/**
 * Rubric v1. Changing any wording here is a new version: copy this file to
 * rubric-v2.ts, bump `version`, and point current-rubric.ts at it, so scores from
 * different rubrics are never compared unknowingly.
 */
export const rubricV1: Rubric = {
  version: "devtrace-rubric/v1",
  dimensions: [
    {
      key: "problem_understanding",
      title: "Problem understanding",
      criteria: "Did the developer grasp what is actually wrong — the failing behaviour, its scope and the root cause — rather than a symptom?",
      steps: [
        "Read the task description and the test verdict.",
        "Find where the developer states (in notes) or shows (in commands and edits) what they think the bug is.",
        "Check that belief against the final patch and the test outcome.",
      ],
      anchors: {
        1: "No sign the developer knew what was wrong; the change looks like guessing.",
        3: "The symptom is understood, the root cause only partly or implicitly.",
        5: "The root cause is stated or unmistakably targeted, and the patch addresses exactly it.",
      },
    },
    {
      key: "investigation_strategy",
      title: "Investigation strategy",
      criteria: "Was the search for the cause systematic: reproducing first, narrowing down, reading the relevant code, before editing?",
      steps: [
        "Order the events in time; note what happened before the first edit.",
        "Look for a reproduction (running the failing test), targeted reading (opening files, grep, go-to-definition) and narrowing.",
        "Penalise edit-and-pray loops with no information gathered between tries.",
      ],
      anchors: {
        1: "Edits started immediately with no investigation, or trial and error throughout.",
        3: "Some investigation, but unfocused or only after first edits failed.",
        5: "Reproduced the failure, narrowed it methodically, edited only once the cause was located.",
      },
    },
    {
      key: "decision_rationale",
      title: "Decision rationale",
      criteria: "Are the choices (where to fix, how, what alternatives) explained and sound?",
      steps: [
        "Find notes that explain why a change was made or an option rejected.",
        "Judge whether the explanation fits the code and is proportionate to the change.",
      ],
      anchors: {
        1: "No reasoning given for any decision, or the reasoning is wrong.",
        3: "Main decision explained briefly; alternatives and trade-offs not considered.",
        5: "Each significant decision is explained, alternatives weighed, trade-offs named.",
      },
    },
    {
      key: "use_of_evidence",
      title: "Use of evidence",
      criteria: "Did the developer act on what commands, tests and code actually showed, rather than on assumptions?",
      steps: [
        "Match notes and edits to outputs seen just before them (test failures, error messages, reads of the code).",
        "Check whether contrary evidence (a still-failing test, a new error) was noticed and acted on.",
      ],
      anchors: {
        1: "Outputs ignored; conclusions contradict what the trace shows.",
        3: "Evidence used for the main step, some signals missed.",
        5: "Every step follows from observed output; surprises are investigated.",
      },
    },
    {
      key: "reproducibility",
      title: "Reproducibility",
      criteria: "Could another engineer repeat the work: the failure reproduced with a command, the fix verified by tests, the final state clean?",
      steps: [
        "Look for a test command run before the fix that fails and after it that passes.",
        "Check the QA test verdict: RESOLVED supports a high score, regressions or an invalid run lower it.",
        "Check that the final patch contains only the intended change.",
      ],
      anchors: {
        1: "No test run at all, or the fix is unverified and QA shows it does not work.",
        3: "Tests run after the fix only, or QA finds a partial fix.",
        5: "Failure reproduced by a command, fix verified before and after, QA confirms RESOLVED.",
      },
    },
    {
      key: "safety_privacy_awareness",
      title: "Safety and privacy awareness",
      criteria: "Did the developer avoid risky actions (destructive commands, disabling checks, piping downloads to a shell) and keep secrets and personal data out of code, commands and notes?",
      steps: [
        "Scan commands for destructive or privilege-escalating actions and for secrets typed in clear.",
        "Scan edits for hard-coded credentials, disabled tests or checks, and broad exception swallowing.",
        "Credit notes that weigh safety or privacy consequences of the change.",
      ],
      anchors: {
        1: "Secrets exposed, destructive or check-disabling actions taken.",
        3: "Nothing harmful, but no sign of thinking about safety where it mattered.",
        5: "Careful throughout; risks considered explicitly where relevant.",
      },
    },
  ],
};
