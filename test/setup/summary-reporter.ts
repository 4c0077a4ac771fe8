// Prints one closing line, "N passed, N failed[, N skipped]", that CI tooling reads.
import type { Reporter } from "vitest/reporters";
import type { RunnerTask, RunnerTestFile } from "vitest";

function tests(tasks: RunnerTask[]): RunnerTask[] {
  return tasks.flatMap((task) => (task.type === "suite" ? tests(task.tasks) : [task]));
}

export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []) {
    const all = tests(files);
    const passed = all.filter((t) => t.result?.state === "pass").length;
    // A file that fails outside its tests (import error, failing beforeAll) counts as a failure too.
    const brokenFiles = files.filter(
      (file) => file.result?.state === "fail" && !tests([file]).some((t) => t.result?.state === "fail"),
    );
    const failed = all.filter((t) => t.result?.state === "fail").length + brokenFiles.length;
    const skipped = all.filter((t) => t.mode === "skip" || t.mode === "todo").length;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
}
