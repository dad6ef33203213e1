'use strict';
// Reads a CloudFormation / SAM template with its short intrinsic tags (!Ref, !GetAtt, !Sub, !If, ...).
// Each tag becomes the long form CloudFormation itself uses ({"Ref": x}, {"Fn::GetAtt": [r, a]}, ...),
// so the result is the template as JSON, the way `aws cloudformation` would see it.
const fs = require('node:fs');
const yaml = require('js-yaml');

const functions = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform',
  'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length'];

function types() {
  const out = [];
  for (const kind of ['scalar', 'sequence', 'mapping']) {
    out.push(new yaml.Type('!Ref', { kind, construct: (d) => ({ Ref: d }) }));
    out.push(new yaml.Type('!Condition', { kind, construct: (d) => ({ Condition: d }) }));
    out.push(new yaml.Type('!GetAtt', {
      kind,
      construct: (d) => {
        if (typeof d !== 'string') return { 'Fn::GetAtt': d };
        const dot = d.indexOf('.');
        return { 'Fn::GetAtt': [d.slice(0, dot), d.slice(dot + 1)] };
      },
    }));
    for (const f of functions) out.push(new yaml.Type(`!${f}`, { kind, construct: (d) => ({ [`Fn::${f}`]: d }) }));
  }
  return out;
}

const schema = yaml.DEFAULT_SCHEMA.extend(types());

/** The template at `file` as plain JSON (long-form intrinsics). */
function loadTemplate(file) {
  return yaml.load(fs.readFileSync(file, 'utf8'), { schema, filename: file });
}

module.exports = { loadTemplate };
