#!/usr/bin/env node
// Lint Cypher statements with Neo4j's @neo4j-cypher/language-support
// (the linter behind Neo4j's VS Code extension and Workspace): syntax errors,
// semantic errors (undefined variables, type errors, removed Neo4j 4 syntax),
// deprecation warnings, undeclared $parameters and, when a schema is given,
// unknown labels / relationship types / property keys.
//
// stdin:  a JSON array of statements
//           [{"name": "q1", "query": "MATCH (n:A {id: $id}) RETURN n", "params": ["id"],
//             "schema": {...optional DbSchema...}}, ...]
//         or an object {"schema": {...applied to every statement...}, "statements": [...]}.
//         DbSchema keys (all optional): labels, relationshipTypes, propertyKeys (string
//         arrays: when given, names outside them are warned about; the package checks
//         labels only when relationshipTypes is given too, so when just one of the two
//         is given the other is taken as [] here), graphSchema
//         ([{from, to, relType}]), functions / procedures (per Cypher version; when given,
//         undeclared ones are reported), defaultLanguage ("CYPHER 5" here by default,
//         or "CYPHER 25").
// stdout: a JSON array, same order:
//           [{"name": "q1", "diagnostics": [{"severity": 1, "severityName": "error",
//             "message": "...", "offsets": {"start": 9, "end": 15},
//             "range": {"start": {"line": 0, "character": 9}, "end": {...}}}]}]
// severity is the LSP DiagnosticSeverity: 1 = Error, 2 = Warning, 3 = Information, 4 = Hint.
// Exit status: 0 when linting ran (whatever it found), 2 on unusable input.

import { lintCypherQuery } from '@neo4j-cypher/language-support';

const SEVERITY_NAMES = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function fail(message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(2);
}

function lintOne(item, sharedSchema) {
  if (typeof item !== 'object' || item === null) throw new Error('each statement must be an object');
  const { name, query } = item;
  const params = item.params ?? [];
  if (typeof query !== 'string') throw new Error(`statement ${JSON.stringify(name)}: "query" must be a string`);
  if (!Array.isArray(params)) throw new Error(`statement ${JSON.stringify(name)}: "params" must be an array of names`);
  const schema = { defaultLanguage: 'CYPHER 5', ...sharedSchema, ...(item.schema ?? {}) };
  if (schema.labels && !schema.relationshipTypes) schema.relationshipTypes = [];
  if (schema.relationshipTypes && !schema.labels) schema.labels = [];
  // Only presence is checked ("Parameter $x is not defined"); the value is not used.
  const parameters = { ...(schema.parameters ?? {}) };
  for (const p of params) parameters[String(p).replace(/^\$/, '')] = '';
  schema.parameters = parameters;
  let diagnostics;
  try {
    diagnostics = lintCypherQuery(query, schema).diagnostics;
  } catch (err) {
    diagnostics = [{ severity: 1, message: `linter crashed: ${err?.message ?? err}`, offsets: { start: 0, end: 0 } }];
  }
  return {
    name,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      severityName: SEVERITY_NAMES[d.severity] ?? String(d.severity),
      message: d.message,
      offsets: d.offsets,
      range: d.range,
    })),
  };
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: node lint.mjs < statements.json > diagnostics.json  (see the header of lint.mjs)\n');
  process.exit(0);
}

let input;
try {
  input = JSON.parse(await readStdin());
} catch (err) {
  fail(`stdin is not JSON: ${err.message}`);
}
let statements = input;
let sharedSchema = {};
if (!Array.isArray(input)) {
  if (typeof input !== 'object' || input === null || !Array.isArray(input.statements)) {
    fail('expected a JSON array of statements or {"schema": {...}, "statements": [...]}');
  }
  statements = input.statements;
  sharedSchema = input.schema ?? {};
}
let out;
try {
  out = statements.map((item) => lintOne(item, sharedSchema));
} catch (err) {
  fail(err.message);
}
process.stdout.write(JSON.stringify(out));
process.stdout.write('\n');
