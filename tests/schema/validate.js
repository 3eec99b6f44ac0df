// Validate an SBOM written by awp against its official JSON schema.
// usage: node validate.js cyclonedx|spdx|sarif|awp-report FILE
// CycloneDX 1.5: the schema files shipped by @cyclonedx/cyclonedx-library.
// SPDX 2.3: spdx-2.3.schema.json beside this file (see SPDX-SCHEMA-NOTICE).
// SARIF 2.1.0: the OASIS schema (2.1.0-rtm.5, JSON Schema draft-04) shipped by
//   @microsoft/jest-sarif, validated with ajv-draft-04.
// awp report: docs/report.schema.json of this repository.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [kind, file] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
const Draft04 = require('ajv-draft-04');
// unicodeRegExp off: the SARIF schema's language pattern has a stray ']' that only non-Unicode regexps accept.
const ajv = kind === 'sarif' ? new Draft04({ strict: false, allErrors: true, validateFormats: true, unicodeRegExp: false })
  : new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// Formats ajv-formats lacks: IRIs may hold any non-space characters; e-mail needs one '@'.
ajv.addFormat('iri-reference', /^\S*$/);
ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/);
let schema;
if (kind === 'cyclonedx') {
  const dir = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
  const load = (n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8'));
  // bom-1.5 refers to its companions by these relative names
  for (const n of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    const s = load(n);
    delete s.$id;
    ajv.addSchema(s, 'http://cyclonedx.org/schema/' + n);
  }
  schema = load('bom-1.5.SNAPSHOT.schema.json');
} else if (kind === 'spdx') {
  schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'spdx-2.3.schema.json'), 'utf8'));
} else if (kind === 'sarif') {
  const dir = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas');
  schema = JSON.parse(fs.readFileSync(path.join(dir, 'sarif-2.1.0-rtm.5.json'), 'utf8'));
} else if (kind === 'awp-report') {
  schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'report.schema.json'), 'utf8'));
} else {
  console.error('usage: node validate.js cyclonedx|spdx|sarif|awp-report FILE');
  process.exit(2);
}
const validate = ajv.compile(schema);
if (!validate(doc)) {
  console.error(`${file}: INVALID ${kind}`);
  for (const e of validate.errors.slice(0, 20)) console.error(`  ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  process.exit(1);
}
console.log(`${file}: valid ${kind}`);
