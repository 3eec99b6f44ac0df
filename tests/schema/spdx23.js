// SPDX 2.3 JSON conformance check, written for awp from the SPDX 2.3
// specification (spdx.github.io/spdx-spec/v2.3: clauses 6-12, Annex D for
// licence expressions, Annex F for external reference types). It is not the
// official JSON schema (no package ships that); it checks what the
// specification states: required fields and their formats, the properties
// each class defines (no others), enumerations, identifier patterns, that
// every licence field is a valid SPDX licence expression whose LicenseRef-
// ids are declared, that SPDX ids are unique and every reference resolves,
// and that purl locators parse.
//
// usage: node spdx23.js FILE...          check documents (exit 1 on any error)
//        node spdx23.js --negative FILE  mutate a valid document in several
//                                        ways; each mutation must be rejected
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const parseExpression = require('spdx-expression-parse');
const { PackageURL } = require('packageurl-js');

// --- structure (ajv) ---------------------------------------------------------

// Clause 6.9 / 8.x etc.: "YYYY-MM-DDThh:mm:ssZ", UTC.
const DATE = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(Z)$';
const SPDXREF = '^SPDXRef-[A-Za-z0-9.-]+$';
const DOCREF = '^DocumentRef-[A-Za-z0-9.-]+$';
// Agents (supplier, originator, annotator, reviewer): "Person: ...", "Organization: ...", "Tool: ..." (annotator/reviewer).
const PERSON_ORG = '^(Person|Organization): \\S.*$';
const AGENT = '^(Person|Organization|Tool): \\S.*$';
const LOWERHEX = '^[0-9a-f]+$';

const str = { type: 'string' };
const nonEmpty = { type: 'string', minLength: 1 };
const strings = { type: 'array', items: str };
const pattern = (p) => ({ type: 'string', pattern: p });
const oneOfValues = (...v) => ({ type: 'string', enum: v });
// An object with exactly these properties (additionalProperties: false) and these required.
const cls = (required, properties) => ({ type: 'object', required, properties, additionalProperties: false });

const ALGORITHMS = ['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-384', 'SHA3-512',
  'BLAKE2b-256', 'BLAKE2b-384', 'BLAKE2b-512', 'BLAKE3', 'MD2', 'MD4', 'MD5', 'MD6', 'ADLER32'];
const checksum = cls(['algorithm', 'checksumValue'], {
  algorithm: oneOfValues(...ALGORITHMS),
  checksumValue: pattern(LOWERHEX),
});
const annotation = cls(['annotationDate', 'annotationType', 'annotator', 'comment'], {
  annotationDate: pattern(DATE),
  annotationType: oneOfValues('REVIEW', 'OTHER'),
  annotator: pattern(AGENT),
  comment: str,
});
const annotations = { type: 'array', items: annotation };
// Clause 7.24. The 2.3 text writes OPERATING-SYSTEM, the schema released with
// it OPERATING_SYSTEM; later errata accept both spellings, so do we.
const PURPOSES = ['APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING-SYSTEM', 'OPERATING_SYSTEM',
  'DEVICE', 'FIRMWARE', 'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER'];
// Clause 7.21 and Annex F; PACKAGE_MANAGER / PERSISTENT_ID: the same errata.
const CATEGORIES = ['SECURITY', 'PACKAGE-MANAGER', 'PACKAGE_MANAGER', 'PERSISTENT-ID', 'PERSISTENT_ID', 'OTHER'];
const externalRef = cls(['referenceCategory', 'referenceType', 'referenceLocator'], {
  referenceCategory: oneOfValues(...CATEGORIES),
  referenceType: nonEmpty,
  referenceLocator: pattern('^\\S+$'), // "no spaces"
  comment: str,
});
const pkg = cls(['SPDXID', 'name', 'downloadLocation'], {
  SPDXID: pattern(SPDXREF),
  name: nonEmpty,
  versionInfo: str,
  packageFileName: str,
  supplier: { type: 'string', anyOf: [{ pattern: PERSON_ORG }, { const: 'NOASSERTION' }] },
  originator: { type: 'string', anyOf: [{ pattern: PERSON_ORG }, { const: 'NOASSERTION' }] },
  downloadLocation: nonEmpty,
  filesAnalyzed: { type: 'boolean' },
  packageVerificationCode: cls(['packageVerificationCodeValue'], {
    packageVerificationCodeValue: pattern('^[0-9a-f]{40}$'),
    packageVerificationCodeExcludedFiles: strings,
  }),
  checksums: { type: 'array', items: checksum },
  homepage: nonEmpty,
  sourceInfo: str,
  licenseConcluded: nonEmpty,
  licenseInfoFromFiles: { type: 'array', items: nonEmpty },
  licenseDeclared: nonEmpty,
  licenseComments: str,
  copyrightText: str,
  summary: str,
  description: str,
  comment: str,
  externalRefs: { type: 'array', items: externalRef },
  attributionTexts: strings,
  primaryPackagePurpose: oneOfValues(...PURPOSES),
  releaseDate: pattern(DATE),
  builtDate: pattern(DATE),
  validUntilDate: pattern(DATE),
  annotations,
  hasFiles: { type: 'array', items: pattern(SPDXREF) },
});
const FILE_TYPES = ['SOURCE', 'BINARY', 'ARCHIVE', 'APPLICATION', 'AUDIO', 'IMAGE', 'TEXT', 'VIDEO',
  'DOCUMENTATION', 'SPDX', 'OTHER'];
const file = cls(['SPDXID', 'fileName', 'checksums'], {
  SPDXID: pattern(SPDXREF),
  fileName: nonEmpty,
  fileTypes: { type: 'array', items: oneOfValues(...FILE_TYPES) },
  checksums: { type: 'array', minItems: 1, items: checksum, contains: { type: 'object', properties: { algorithm: { const: 'SHA1' } } } },
  licenseConcluded: nonEmpty,
  licenseInfoInFiles: { type: 'array', items: nonEmpty },
  licenseComments: str,
  copyrightText: str,
  comment: str,
  noticeText: str,
  fileContributors: strings,
  attributionTexts: strings,
  fileDependencies: strings, // deprecated since 2.0, still defined
  artifactOfs: { type: 'array', items: { type: 'object' } }, // deprecated, still defined
  annotations,
});
const pointer = cls(['reference'], { reference: pattern(SPDXREF), offset: { type: 'integer', minimum: 0 },
  lineNumber: { type: 'integer', minimum: 0 } });
const snippet = cls(['SPDXID', 'snippetFromFile', 'ranges'], {
  SPDXID: pattern(SPDXREF),
  snippetFromFile: pattern(SPDXREF),
  ranges: { type: 'array', minItems: 1, items: cls(['startPointer', 'endPointer'], { startPointer: pointer, endPointer: pointer }) },
  licenseConcluded: nonEmpty,
  licenseInfoInSnippets: { type: 'array', items: nonEmpty },
  licenseComments: str,
  copyrightText: str,
  comment: str,
  name: str,
  attributionTexts: strings,
  annotations,
});
// Clause 11.1: the relationship types of SPDX 2.3.
const RELATIONSHIPS = ['DESCRIBES', 'DESCRIBED_BY', 'CONTAINS', 'CONTAINED_BY', 'DEPENDS_ON', 'DEPENDENCY_OF',
  'DEPENDENCY_MANIFEST_OF', 'BUILD_DEPENDENCY_OF', 'DEV_DEPENDENCY_OF', 'OPTIONAL_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF', 'TEST_DEPENDENCY_OF', 'RUNTIME_DEPENDENCY_OF', 'EXAMPLE_OF', 'GENERATES',
  'GENERATED_FROM', 'ANCESTOR_OF', 'DESCENDANT_OF', 'VARIANT_OF', 'DISTRIBUTION_ARTIFACT', 'PATCH_FOR',
  'PATCH_APPLIED', 'COPY_OF', 'FILE_ADDED', 'FILE_DELETED', 'FILE_MODIFIED', 'EXPANDED_FROM_ARCHIVE',
  'DYNAMIC_LINK', 'STATIC_LINK', 'DATA_FILE_OF', 'TEST_CASE_OF', 'BUILD_TOOL_OF', 'DEV_TOOL_OF', 'TEST_OF',
  'TEST_TOOL_OF', 'DOCUMENTATION_OF', 'OPTIONAL_COMPONENT_OF', 'METAFILE_OF', 'PACKAGE_OF', 'AMENDS',
  'PREREQUISITE_FOR', 'HAS_PREREQUISITE', 'REQUIREMENT_DESCRIPTION_FOR', 'SPECIFICATION_FOR', 'OTHER'];
const elementRef = pattern('^((DocumentRef-[A-Za-z0-9.-]+:)?SPDXRef-[A-Za-z0-9.-]+)$');
const relationship = cls(['spdxElementId', 'relationshipType', 'relatedSpdxElement'], {
  spdxElementId: elementRef,
  relationshipType: oneOfValues(...RELATIONSHIPS),
  relatedSpdxElement: { type: 'string', anyOf: [{ pattern: elementRef.pattern }, { enum: ['NONE', 'NOASSERTION'] }] },
  comment: str,
});
const extractedLicence = cls(['licenseId', 'extractedText'], {
  licenseId: pattern('^LicenseRef-[A-Za-z0-9.-]+$'),
  extractedText: nonEmpty,
  name: str,
  seeAlsos: strings,
  comment: str,
  crossRefs: { type: 'array', items: cls(['url'], { url: nonEmpty, isLive: { type: 'boolean' },
    isValid: { type: 'boolean' }, isWayBackLink: { type: 'boolean' }, match: str, order: { type: 'integer' },
    timestamp: str }) },
});
const documentSchema = cls(['spdxVersion', 'dataLicense', 'SPDXID', 'name', 'documentNamespace', 'creationInfo'], {
  spdxVersion: { const: 'SPDX-2.3' },
  dataLicense: { const: 'CC0-1.0' },
  SPDXID: { const: 'SPDXRef-DOCUMENT' },
  name: nonEmpty,
  // absolute URI (scheme ':' ...) without '#' (clause 6.5)
  documentNamespace: pattern('^[A-Za-z][A-Za-z0-9+.-]*:[^#\\s]+$'),
  externalDocumentRefs: { type: 'array', items: cls(['externalDocumentId', 'spdxDocument', 'checksum'], {
    externalDocumentId: pattern(DOCREF),
    spdxDocument: pattern('^[A-Za-z][A-Za-z0-9+.-]*:[^#\\s]+$'),
    checksum: cls(['algorithm', 'checksumValue'], { algorithm: { const: 'SHA1' }, checksumValue: pattern('^[0-9a-f]{40}$') }),
  }) },
  creationInfo: cls(['created', 'creators'], {
    created: pattern(DATE),
    creators: { type: 'array', minItems: 1, items: pattern(AGENT) },
    comment: str,
    licenseListVersion: pattern('^\\d+\\.\\d+$'),
  }),
  comment: str,
  packages: { type: 'array', items: pkg },
  files: { type: 'array', items: file },
  snippets: { type: 'array', items: snippet },
  relationships: { type: 'array', items: relationship },
  annotations,
  hasExtractedLicensingInfos: { type: 'array', items: extractedLicence },
  documentDescribes: { type: 'array', items: elementRef },
  revieweds: { type: 'array', items: cls(['reviewDate'], { reviewDate: pattern(DATE), reviewer: pattern(AGENT), comment: str }) },
});

const ajv = new Ajv({ strict: true, allErrors: true });
const validateStructure = ajv.compile(documentSchema);

// --- semantics ---------------------------------------------------------------

// Annex F: reference types by category (OTHER: any type of the creator's choosing).
const REF_TYPES = {
  SECURITY: ['cpe22Type', 'cpe23Type', 'advisory', 'fix', 'url', 'swid'],
  'PACKAGE-MANAGER': ['maven-central', 'npm', 'nuget', 'bower', 'purl'],
  'PERSISTENT-ID': ['swh', 'gitoid'],
};
const LOCATORS = {
  cpe22Type: /^[cC][pP][eE]:\/[AHOaho]?(:[A-Za-z0-9._\-~%]*){0,6}$/,
  cpe23Type: /^cpe:2\.3:[aho*-](:[^:\s]+){10}$/,
  'maven-central': /^[^:]+:[^:]+(:[^:]+)?$/,
  npm: /^[^@]+@[^@]+$/,
  nuget: /^[^/]+\/[^/]+$/,
  bower: /^[^#]+#[^#]+$/,
  swh: /^swh:1:(snp|rel|rev|dir|cnt):[0-9a-f]{40}$/,
  gitoid: /^gitoid:(blob|tree|commit|tag):(sha1:[0-9a-f]{40}|sha256:[0-9a-f]{64})$/,
};
const HEX_LEN = { SHA1: 40, SHA224: 56, SHA256: 64, SHA384: 96, SHA512: 128, 'SHA3-256': 64, 'SHA3-384': 96,
  'SHA3-512': 128, 'BLAKE2b-256': 64, 'BLAKE2b-384': 96, 'BLAKE2b-512': 128, MD2: 32, MD4: 32, MD5: 32, ADLER32: 8 };

// A licence field: NONE, NOASSERTION or an SPDX licence expression (Annex D).
// Returns an error string or null; LicenseRef- ids go to `refs`.
function licence(value, refs) {
  if (value === 'NONE' || value === 'NOASSERTION') return null;
  let ast;
  try {
    ast = parseExpression(value);
  } catch (e) {
    return `not an SPDX licence expression (${e.message})`;
  }
  const walk = (n) => {
    if (n.license !== undefined) {
      if (/^LicenseRef-/.test(n.license) && !n.documentRef) refs.push(n.license);
    } else {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(ast);
  return null;
}

// Every downloadLocation/homepage: NONE, NOASSERTION or a URL/VCS locator (clause 7.7, 7.11).
function locationOk(v) {
  return v === 'NONE' || v === 'NOASSERTION' || /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(v);
}

function check(doc) {
  const errors = [];
  if (!validateStructure(doc)) {
    for (const e of validateStructure.errors) {
      const extra = e.params && e.params.additionalProperty ? ` "${e.params.additionalProperty}"` : '';
      const allowed = e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues).slice(0, 80)}` : '';
      errors.push(`${e.instancePath || '/'}: ${e.message}${extra}${allowed}`);
    }
    return errors; // semantics assume the structure
  }
  const ids = new Set(['SPDXRef-DOCUMENT']);
  const elements = [...(doc.packages || []), ...(doc.files || []), ...(doc.snippets || [])];
  elements.forEach((el) => {
    if (ids.has(el.SPDXID)) errors.push(`SPDXID ${el.SPDXID} is not unique`);
    ids.add(el.SPDXID);
  });
  const docRefs = new Set((doc.externalDocumentRefs || []).map((r) => r.externalDocumentId));
  const resolves = (ref) => {
    if (ref === 'NONE' || ref === 'NOASSERTION') return true;
    const m = /^(DocumentRef-[A-Za-z0-9.-]+):/.exec(ref);
    return m ? docRefs.has(m[1]) : ids.has(ref);
  };
  const usedRefs = [];
  const lic = (where, v) => {
    if (v === undefined) return;
    const err = licence(v, usedRefs);
    if (err) errors.push(`${where}: "${v}" ${err}`);
  };

  (doc.packages || []).forEach((p, i) => {
    const at = `/packages/${i} (${p.SPDXID})`;
    if (!locationOk(p.downloadLocation)) errors.push(`${at}/downloadLocation: "${p.downloadLocation}" is not NONE, NOASSERTION or a locator`);
    if (p.homepage !== undefined && !locationOk(p.homepage)) errors.push(`${at}/homepage: not NONE, NOASSERTION or a URL`);
    lic(`${at}/licenseConcluded`, p.licenseConcluded);
    lic(`${at}/licenseDeclared`, p.licenseDeclared);
    (p.licenseInfoFromFiles || []).forEach((v, k) => lic(`${at}/licenseInfoFromFiles/${k}`, v));
    // clause 7.8: filesAnalyzed false means no files and no verification code
    if (p.filesAnalyzed === false && (p.hasFiles || p.packageVerificationCode))
      errors.push(`${at}: filesAnalyzed is false but hasFiles/packageVerificationCode are given`);
    (p.hasFiles || []).forEach((f) => { if (!resolves(f)) errors.push(`${at}/hasFiles: ${f} does not exist`); });
    (p.checksums || []).forEach((c, k) => {
      if (HEX_LEN[c.algorithm] && c.checksumValue.length !== HEX_LEN[c.algorithm])
        errors.push(`${at}/checksums/${k}: ${c.algorithm} value has ${c.checksumValue.length} hex digits, not ${HEX_LEN[c.algorithm]}`);
    });
    (p.externalRefs || []).forEach((r, k) => {
      const where = `${at}/externalRefs/${k}`;
      const category = r.referenceCategory.replace('_', '-');
      const types = REF_TYPES[category];
      if (types && !types.includes(r.referenceType))
        errors.push(`${where}: referenceType "${r.referenceType}" is not one of ${category}'s (${types.join(', ')})`);
      if (r.referenceType === 'purl') {
        try {
          const u = PackageURL.fromString(r.referenceLocator);
          if (!u.type || !u.name) throw new Error('no type or name');
        } catch (e) {
          errors.push(`${where}: purl "${r.referenceLocator}" does not parse (${e.message})`);
        }
      } else if (LOCATORS[r.referenceType] && !LOCATORS[r.referenceType].test(r.referenceLocator)) {
        errors.push(`${where}: "${r.referenceLocator}" is not a ${r.referenceType} locator`);
      }
    });
  });
  (doc.files || []).forEach((f, i) => {
    const at = `/files/${i} (${f.SPDXID})`;
    lic(`${at}/licenseConcluded`, f.licenseConcluded);
    (f.licenseInfoInFiles || []).forEach((v, k) => lic(`${at}/licenseInfoInFiles/${k}`, v));
    (f.checksums || []).forEach((c, k) => {
      if (HEX_LEN[c.algorithm] && c.checksumValue.length !== HEX_LEN[c.algorithm])
        errors.push(`${at}/checksums/${k}: ${c.algorithm} value of the wrong length`);
    });
  });
  (doc.snippets || []).forEach((s, i) => {
    const at = `/snippets/${i} (${s.SPDXID})`;
    lic(`${at}/licenseConcluded`, s.licenseConcluded);
    (s.licenseInfoInSnippets || []).forEach((v, k) => lic(`${at}/licenseInfoInSnippets/${k}`, v));
    if (!resolves(s.snippetFromFile)) errors.push(`${at}/snippetFromFile: ${s.snippetFromFile} does not exist`);
  });

  // LicenseRef- ids: declared once each, and every one used is declared (clause 10.1)
  const declared = new Set();
  (doc.hasExtractedLicensingInfos || []).forEach((x, i) => {
    if (declared.has(x.licenseId)) errors.push(`/hasExtractedLicensingInfos/${i}: ${x.licenseId} declared twice`);
    declared.add(x.licenseId);
  });
  for (const r of new Set(usedRefs))
    if (!declared.has(r)) errors.push(`${r} is used but not declared in hasExtractedLicensingInfos`);

  // relationships and documentDescribes refer to elements that exist
  (doc.relationships || []).forEach((r, i) => {
    for (const k of ['spdxElementId', 'relatedSpdxElement'])
      if (!resolves(r[k])) errors.push(`/relationships/${i}/${k}: ${r[k]} does not exist`);
  });
  (doc.documentDescribes || []).forEach((d, i) => {
    if (!resolves(d)) errors.push(`/documentDescribes/${i}: ${d} does not exist`);
  });
  // clause 6: the document describes at least one element
  const describes = (doc.documentDescribes || []).length +
    (doc.relationships || []).filter((r) => (r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES') ||
      (r.relatedSpdxElement === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBED_BY')).length;
  if (elements.length && !describes) errors.push('the document DESCRIBES no element');
  return errors;
}

// --- command line ------------------------------------------------------------

// Mutations of a valid document, each of which the check must reject.
const MUTATIONS = [
  ['wrong spdxVersion', (d) => { d.spdxVersion = 'SPDX-2.2'; }],
  ['wrong dataLicense', (d) => { d.dataLicense = 'MIT'; }],
  ['missing documentNamespace', (d) => { delete d.documentNamespace; }],
  ['documentNamespace with #', (d) => { d.documentNamespace += '#frag'; }],
  ['created not in the SPDX date format', (d) => { d.creationInfo.created = '2024-01-01 10:00:00'; }],
  ['creator without Tool:/Person:/Organization:', (d) => { d.creationInfo.creators = ['awp']; }],
  ['extra document property', (d) => { d.awpExtra = 1; }],
  ['extra creationInfo property', (d) => { d.creationInfo.tool = 'awp'; }],
  ['extra package property', (d) => { d.packages[0].licence = 'MIT'; }],
  ['extra externalRef property', (d) => { firstWithRefs(d).externalRefs[0].url = 'x'; }],
  ['extra relationship property', (d) => { d.relationships[0].note = 'x'; }],
  ['bad package SPDXID', (d) => { d.packages[0].SPDXID = 'SPDXRef-has space'; }],
  ['package without downloadLocation', (d) => { delete d.packages[0].downloadLocation; }],
  ['package without name', (d) => { delete d.packages[0].name; }],
  ['duplicate SPDXID', (d) => { d.packages.push(JSON.parse(JSON.stringify(d.packages[0]))); }],
  ['dangling relationship', (d) => { d.relationships.push({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Nowhere' }); }],
  ['dangling documentDescribes', (d) => { d.documentDescribes = ['SPDXRef-Nowhere']; }],
  ['unknown relationshipType', (d) => { d.relationships[0].relationshipType = 'INCLUDES'; }],
  ['unknown primaryPackagePurpose', (d) => { d.packages[0].primaryPackagePurpose = 'PLUGIN'; }],
  ['invalid licence expression', (d) => { d.packages[0].licenseDeclared = 'GPL-2+ or Artistic'; }],
  ['unknown licence id', (d) => { d.packages[0].licenseDeclared = 'Not-A-Licence-1.0'; }],
  ['undeclared LicenseRef', (d) => { d.packages[0].licenseDeclared = 'MIT AND LicenseRef-undeclared'; }],
  ['LicenseRef with a bad character', (d) => { d.packages[0].licenseConcluded = 'LicenseRef-a_b'; }],
  ['unknown referenceCategory', (d) => { firstWithRefs(d).externalRefs[0].referenceCategory = 'PACKAGE'; }],
  ['referenceType not of its category', (d) => { firstWithRefs(d).externalRefs[0].referenceType = 'cpe23Type'; }],
  ['purl that does not parse', (d) => { const r = firstWithRefs(d).externalRefs[0]; r.referenceType = 'purl'; r.referenceLocator = 'deb/debian/bash@1'; }],
  ['unknown checksum algorithm', (d) => { d.packages[0].checksums = [{ algorithm: 'CRC32', checksumValue: '0badc0de' }]; }],
  ['checksum of the wrong length', (d) => { d.packages[0].checksums = [{ algorithm: 'SHA1', checksumValue: 'abcd' }]; }],
  ['LicenseRef declared twice', (d) => { const x = { licenseId: 'LicenseRef-x', extractedText: 't' }; d.hasExtractedLicensingInfos = [x, x]; }],
  ['extra extractedLicensingInfo property', (d) => { d.hasExtractedLicensingInfos = [{ licenseId: 'LicenseRef-x', extractedText: 't', text: 't' }]; }],
];

function firstWithRefs(d) {
  const p = d.packages.find((x) => x.externalRefs && x.externalRefs.length);
  if (p) return p;
  d.packages[0].externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:generic/x@1' }];
  return d.packages[0];
}

function main(argv) {
  if (argv[0] === '--negative') {
    const base = JSON.parse(fs.readFileSync(argv[1], 'utf8'));
    const baseErrors = check(base);
    if (baseErrors.length) {
      console.error(`${argv[1]}: the base document must be valid:\n  ${baseErrors.slice(0, 10).join('\n  ')}`);
      return 1;
    }
    let failed = 0;
    for (const [what, mutate] of MUTATIONS) {
      const d = JSON.parse(JSON.stringify(base));
      mutate(d);
      const errs = check(d);
      if (errs.length) {
        console.log(`rejected as it must be: ${what}: ${errs[0]}`);
      } else {
        console.error(`FAIL: accepted a document with: ${what}`);
        failed++;
      }
    }
    console.log(`${MUTATIONS.length - failed} of ${MUTATIONS.length} mutated documents rejected`);
    return failed ? 1 : 0;
  }
  if (!argv.length) {
    console.error('usage: node spdx23.js FILE... | --negative FILE');
    return 2;
  }
  let bad = 0;
  for (const f of argv) {
    const errs = check(JSON.parse(fs.readFileSync(f, 'utf8')));
    if (errs.length) {
      bad++;
      console.error(`${f}: NOT SPDX 2.3 (${errs.length} problems)`);
      for (const e of errs.slice(0, 20)) console.error(`  ${e}`);
    } else {
      console.log(`${f}: conforms to SPDX 2.3`);
    }
  }
  return bad ? 1 : 0;
}

module.exports = { check };
if (require.main === module) process.exitCode = main(process.argv.slice(2));
