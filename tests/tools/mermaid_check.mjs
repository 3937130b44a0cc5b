// Parse Mermaid diagrams with the real Mermaid parser (as GitHub renders them).
//
//   node tests/tools/mermaid_check.mjs NODE_MODULES_DIR FILE...
//
// NODE_MODULES_DIR holds the `mermaid` and `jsdom` npm packages, e.g. after
//   npm install --prefix /tmp/mermaid mermaid jsdom
// Prints "ok FILE" per diagram; exits 1 at the first one Mermaid refuses.
import { createRequire } from "module";
import { readFileSync } from "fs";
import { join } from "path";
import { pathToFileURL } from "url";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(join(modules, "resolve.js"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const entry = join(modules, "mermaid", "dist", "mermaid.core.mjs");
const { default: mermaid } = await import(pathToFileURL(entry).href);
mermaid.initialize({ startOnLoad: false });
for (const file of files) {
  try {
    await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`ok ${file}`);
  } catch (error) {
    console.log(`refused ${file}: ${error.message || error}`);
    process.exit(1);
  }
}
