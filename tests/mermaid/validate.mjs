// Parse Mermaid diagrams with Mermaid's own parser, as GitLab's renderer would.
//
//   node tests/mermaid/validate.mjs FILE...   a .md file: each ```mermaid block; else the whole file
//   node tests/mermaid/validate.mjs < x.json  a JSON array of diagram sources
//
// Prints a JSON array, one {index, source, ok, type, error} per diagram, and exits
// 0 when every diagram parses, 1 when one does not, 2 on bad usage.
// Install once: npm ci --prefix tests/mermaid
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const FENCE = /^(`{3,}|~{3,})[ \t]*mermaid[ \t]*\n([\s\S]*?)^\1[ \t]*$/gm;

function diagramsFrom(args) {
  if (args.length === 0) {
    const parsed = JSON.parse(readFileSync(0, 'utf8'));
    if (!Array.isArray(parsed) || !parsed.every((d) => typeof d === 'string')) {
      throw new Error('stdin must be a JSON array of strings');
    }
    return parsed.map((text, i) => ({ source: `stdin[${i}]`, text }));
  }
  const out = [];
  for (const file of args) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.md')) {
      let n = 0;
      for (const m of text.matchAll(FENCE)) out.push({ source: `${file}#${n++}`, text: m[2] });
    } else {
      out.push({ source: file, text });
    }
  }
  return out;
}

let diagrams;
try {
  diagrams = diagramsFrom(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`validate.mjs: ${e.message}\n`);
  process.exit(2);
}

// mermaid.parse() sanitises with DOMPurify, which needs a window.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const quiet = () => {};
for (const level of ['log', 'info', 'warn', 'debug', 'error']) console[level] = quiet;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', logLevel: 'fatal' });

const results = [];
for (const [index, { source, text }] of diagrams.entries()) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ index, source, ok: true, type: parsed.diagramType, error: null });
  } catch (e) {
    results.push({ index, source, ok: false, type: null, error: String(e?.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(results, null, 1) + '\n');
process.exit(results.every((r) => r.ok) ? 0 : 1);
