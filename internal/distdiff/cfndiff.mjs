// cfndiff.mjs: the CloudFormation half of distdiff, on the AWS CDK's own
// diff engine (@aws-cdk/cloudformation-diff) and resource database
// (@aws-cdk/aws-service-spec), both pinned in the root package.json.
//
// stdin:  [{"env", "stack", "file", "old": <template|null>, "new": <template|null>}, ...]
// stdout: [{"env", "stack", "file", "resources": [...], "outputs": [...],
//           "conditions": [...], "parameters": [...], "iam": {...},
//           "securityGroups": {...}}, ...]
//
// cfn.go runs it once per review (one `node` process for every stack) and
// adds the checks the engine does not make (cfnoverlay.go).
//
// What the engine gives, from its source in node_modules/@aws-cdk/cloudformation-diff:
// - fullDiff(old, new) (lib/diff-template.js) normalizes both templates and
//   diffs them; Resources become ResourceDifference objects
//   (lib/diff/types.js) with isAddition/isRemoval, propertyUpdates and
//   otherChanges (Difference with oldValue/newValue) and changeImpact:
//   WILL_REPLACE / MAY_REPLACE from the spec's causesReplacement of a
//   *top-level* property (lib/diff/index.js, _diffProperty), WILL_DESTROY or
//   WILL_ORPHAN for a removal (DeletionPolicy Retain/RetainExceptOnCreate).
// - diffTemplate (lib/diff-template.js) propagates a WILL_REPLACE through
//   Ref and Fn::* references (propagateReplacedReferences, not exported) by
//   rewriting references to "<id> (replaced)" in a copy of the new template
//   until nothing changes.
// - TemplateDiff.iamChanges.summarizeStatements() / summarizeManagedPolicies()
//   (lib/iam/iam-changes.js) and securityGroupChanges.summarize()
//   (lib/network/security-group-changes.js) are the tables `cdk diff` prints
//   (lib/format.js); first row is the header.
//
// What this script adds: the engine reads causesReplacement on top-level
// properties only, but the database marks nested property types too (e.g.
// AWS::EKS::Cluster ResourcesVpcConfig.SubnetIds,
// AccessConfig.BootstrapClusterCreatorAdminPermissions). The script walks
// the typeDefinitions of every changed property, raises the property's
// impact with the engine's own PropertyDifference, and repeats the engine's
// reference propagation with those replacements included.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
// One copy of the resource database for the engine and this script: the
// engine loads it through this module's loadAwsServiceSpecSync on first use
// (lib/diff/util.js, database()), which reads and parses db.json.gz anew on
// every call (aws-service-spec lib/index.js). Both resolve to the same
// node_modules/@aws-cdk/aws-service-spec, so caching its export here halves
// the start-up time.
const serviceSpec = require('@aws-cdk/aws-service-spec');
const loadSpec = serviceSpec.loadAwsServiceSpecSync;
let DB;
serviceSpec.loadAwsServiceSpecSync = () => (DB ??= loadSpec());
const db = () => serviceSpec.loadAwsServiceSpecSync();

const { fullDiff, PropertyDifference, ResourceImpact } = require('@aws-cdk/cloudformation-diff');

const resourceModels = new Map();
function resourceModel(type) {
  if (!resourceModels.has(type)) {
    resourceModels.set(type, db().lookup('resource', 'cloudFormationType', 'equals', type)[0]);
  }
  return resourceModels.get(type);
}

const BADNESS = {
  NO_CHANGE: 0, WILL_IMPORT: 0, WILL_UPDATE: 1, WILL_CREATE: 2, WILL_ORPHAN: 3,
  MAY_REPLACE: 4, WILL_REPLACE: 5, WILL_DESTROY: 6,
};
const worse = (a, b) => (BADNESS[a] >= BADNESS[b] ? a : b);
const impactOf = (causes) => (causes === 'yes' ? ResourceImpact.WILL_REPLACE
  : causes === 'maybe' ? ResourceImpact.MAY_REPLACE : undefined);

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const isObject = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);

// nestedReplacements walks a property's type in the spec and returns the
// nested paths whose change causes replacement: [{path, impact}].
function nestedReplacements(type, oldV, newV, path) {
  if (!type || same(oldV, newV)) return [];
  switch (type.type) {
    case 'ref': {
      const def = db().get('typeDefinition', type.reference.$ref);
      if (!def || !(isObject(oldV) || isObject(newV))) return [];
      const o = isObject(oldV) ? oldV : {};
      const n = isObject(newV) ? newV : {};
      const out = [];
      for (const key of new Set([...Object.keys(o), ...Object.keys(n)])) {
        const prop = def.properties[key];
        if (!prop || same(o[key], n[key])) continue;
        const impact = impactOf(prop.causesReplacement);
        if (impact) out.push({ path: `${path}.${key}`, impact });
        else out.push(...nestedReplacements(prop.type, o[key], n[key], `${path}.${key}`));
      }
      return out;
    }
    case 'array': {
      const o = Array.isArray(oldV) ? oldV : [];
      const n = Array.isArray(newV) ? newV : [];
      const out = [];
      for (let i = 0; i < Math.max(o.length, n.length); i++) {
        out.push(...nestedReplacements(type.element, o[i], n[i], `${path}[${i}]`));
      }
      return out;
    }
    case 'map': {
      const o = isObject(oldV) ? oldV : {};
      const n = isObject(newV) ? newV : {};
      const out = [];
      for (const key of new Set([...Object.keys(o), ...Object.keys(n)])) {
        out.push(...nestedReplacements(type.element, o[key], n[key], `${path}.${key}`));
      }
      return out;
    }
    case 'union': {
      const seen = new Set();
      const out = [];
      for (const t of type.types) {
        for (const hit of nestedReplacements(t, oldV, newV, path)) {
          if (!seen.has(hit.path)) { seen.add(hit.path); out.push(hit); }
        }
      }
      return out;
    }
    default:
      return [];
  }
}

// diffWithNested is the engine's fullDiff with nested create-only paths
// raised into the property impacts. It returns the diff and, per logical
// id, the nested hits.
function diffWithNested(oldT, newT) {
  const diff = fullDiff(oldT, newT);
  const nested = {};
  diff.resources.forEachDifference((id, change) => {
    if (change.isAddition || change.isRemoval || change.resourceTypeChanged) return;
    const model = resourceModel(change.resourceType);
    if (!model) return;
    for (const [prop, pd] of Object.entries(change.propertyUpdates)) {
      if (pd.changeImpact === ResourceImpact.WILL_REPLACE) continue;
      const hits = nestedReplacements(model.properties[prop]?.type, pd.oldValue, pd.newValue, `Properties.${prop}`);
      if (hits.length === 0) continue;
      nested[id] = (nested[id] ?? []).concat(hits);
      const impact = hits.map((h) => h.impact).reduce(worse, pd.changeImpact ?? ResourceImpact.WILL_UPDATE);
      change.setPropertyChange(prop, new PropertyDifference(pd.oldValue, pd.newValue, { changeImpact: impact }));
    }
  });
  return { diff, nested };
}

// replaceReferences is the engine's propagateReplacedReferences
// (lib/diff-template.js), which it does not export: rewrite Ref and Fn::*
// references to logicalId so that whatever refers to it differs.
function replaceReferences(template, logicalId) {
  let changed = false;
  const visit = (obj) => {
    if (Array.isArray(obj)) { obj.forEach(visit); return; }
    if (!isObject(obj)) return;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'Ref') {
      if (obj.Ref === logicalId) { obj.Ref = `${logicalId} (replaced)`; changed = true; }
      return;
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::')) {
      const v = obj[keys[0]];
      if (Array.isArray(v) && v.length > 0 && v[0] === logicalId) { v[0] = `${logicalId}(replaced)`; changed = true; return; }
      if (Array.isArray(v) || isObject(v)) visit(v);
      return;
    }
    Object.values(obj).forEach(visit);
  };
  visit(template);
  return changed;
}

const render = (v) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const byReference = (v) => JSON.stringify(v ?? null).includes('(replaced)');
// eslint-disable-next-line no-control-regex
const stripAnsi = (s) => String(s).replace(/\u001b\[[0-9;]*m/g, '');

// leafChanges splits a changed property into the changed leaves of its
// plain objects ("Properties.ResourcesVpcConfig.SubnetIds"); arrays and
// intrinsic functions stay whole.
function leafChanges(path, oldV, newV) {
  const intrinsic = (x) => isObject(x) && Object.keys(x).length === 1 && (Object.keys(x)[0] === 'Ref' || Object.keys(x)[0].startsWith('Fn::'));
  if (isObject(oldV) && isObject(newV) && !intrinsic(oldV) && !intrinsic(newV)) {
    const out = [];
    for (const key of [...new Set([...Object.keys(oldV), ...Object.keys(newV)])].sort()) {
      if (!same(oldV[key], newV[key])) out.push(...leafChanges(`${path}.${key}`, oldV[key], newV[key]));
    }
    return out;
  }
  return [{ path, old: render(oldV), new: render(newV) }];
}

function action(change) {
  if (change.isAddition) return 'added';
  if (change.isRemoval) return 'removed';
  return 'changed';
}

function stackDiff({ env, stack, file, old: oldT, new: newT }) {
  oldT ??= {};
  newT ??= {};
  // The plain diff, for the IAM and security group tables and the
  // parameters/conditions (no "(replaced)" markers in them).
  const plain = fullDiff(oldT, newT);

  // Replacement propagated through references, nested replacements included.
  const current = structuredClone(newT);
  let result;
  for (;;) {
    result = diffWithNested(oldT, current);
    let propagated = false;
    result.diff.resources.forEachDifference((id, change) => {
      if (change.changeImpact === ResourceImpact.WILL_REPLACE && replaceReferences(current, id)) propagated = true;
    });
    if (!propagated) break;
  }
  const { diff, nested } = result;

  const resources = [];
  diff.resources.forEachDifference((id, change) => {
    const r = {
      id,
      type: change.resourceTypeChanged ? `${change.oldResourceType} -> ${change.newResourceType}` : change.resourceType,
      action: action(change),
      impact: change.changeImpact,
      fields: [],
      replacements: [],
    };
    change.forEachDifference((kind, name, d) => {
      const path = kind === 'Property' ? `Properties.${name}` : name;
      r.fields.push(...leafChanges(path, d.oldValue, d.newValue));
      if (kind !== 'Property' || !d.changeImpact) return;
      if (d.changeImpact !== ResourceImpact.WILL_REPLACE && d.changeImpact !== ResourceImpact.MAY_REPLACE) return;
      const ref = byReference(d.newValue) && !byReference(d.oldValue);
      const hits = (nested[id] ?? []).filter((h) => h.path === path || h.path.startsWith(`${path}.`) || h.path.startsWith(`${path}[`));
      if (hits.length > 0) {
        for (const h of hits) r.replacements.push({ path: h.path, impact: h.impact, byReference: ref, nested: true });
      } else {
        r.replacements.push({ path, impact: d.changeImpact, byReference: ref, nested: false });
      }
    });
    if (change.resourceTypeChanged) r.replacements.push({ path: 'Type', impact: ResourceImpact.WILL_REPLACE, byReference: false, nested: false });
    resources.push(r);
  });

  const entries = (collection) => {
    const out = [];
    collection.forEachDifference((id, d) => {
      out.push({
        id,
        action: d.isAddition ? 'added' : d.isRemoval ? 'removed' : 'changed',
        old: render(d.oldValue),
        new: render(d.newValue),
      });
    });
    return out;
  };

  const table = (rows) => rows.map((row) => row.map(stripAnsi));
  const iam = plain.iamChanges;
  const sg = plain.securityGroupChanges;
  return {
    env, stack, file,
    resources,
    outputs: entries(diff.outputs),
    conditions: entries(plain.conditions),
    parameters: entries(plain.parameters),
    iam: {
      statements: iam.hasChanges ? table(iam.summarizeStatements()) : [],
      managedPolicies: iam.hasChanges ? table(iam.summarizeManagedPolicies()) : [],
      broadened: iam.permissionsBroadened,
    },
    securityGroups: {
      rows: sg.hasChanges ? table(sg.summarize()) : [],
      added: sg.rulesAdded,
    },
  };
}

const input = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(input.map(stackDiff)));
