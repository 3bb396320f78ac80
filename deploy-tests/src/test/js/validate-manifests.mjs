// Validates Kubernetes resources against their schemas the way the API server's strict field validation does:
// wrong types, missing required fields, and unknown fields are all errors.
//
// Usage: node validate-manifests.mjs <request.json>
//   request.json: {"crds": [CustomResourceDefinition, ...], "resources": [resource, ...]}
// Prints one JSON array to stdout, one entry per resource in the same order:
//   {"apiVersion": ..., "kind": ..., "name": ..., "problems": ["<JSON pointer>: <message>", ...]}
// Exits 0 whenever it could judge every resource (the caller decides what problems mean), 2 on bad input.
//
// Two sources of schemas, both offline:
//  - Built-in kinds, KEDA and the Prometheus Operator: the npm packages kubernetes-models,
//    @kubernetes-models/keda and @kubernetes-models/prometheus-operator. They ship ajv validators compiled ahead
//    of time, not the JSON schemas, and those validators ignore properties they do not know. So each resource is
//    wrapped in a Proxy that records which properties the validator reads: a compiled validator reads every
//    property its schema declares (to test whether it is present), and enumerates the keys of every map
//    (additionalProperties). A key of a non-map object that the validator never read is not in the schema: an
//    unknown field. (A free-form object, a schema with neither properties nor additionalProperties, would have
//    every key reported; should a kind deployed here ever have one, the overlay test fails loudly, never silently.)
//  - CRDs given in the request (Strimzi's, generated from its Java API): their openAPIV3Schema, closed the way a
//    structural schema is (every object without additionalProperties or x-kubernetes-preserve-unknown-fields
//    allows only its declared properties), compiled with ajv. Their metadata is checked as ObjectMeta.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { validate as validateObjectMeta } from "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta";

// API groups whose models come from a package other than kubernetes-models.
const MODEL_PACKAGES = {
  "keda.sh": "@kubernetes-models/keda",
  "eventing.keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

function splitApiVersion(apiVersion) {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The kubernetes-models class for a kind, or null when no package models it. */
async function modelClass(apiVersion, kind) {
  const { group, version } = splitApiVersion(apiVersion);
  const pkg = MODEL_PACKAGES[group] ?? "kubernetes-models";
  const path = group === "" ? `${pkg}/${version}/${kind}` : `${pkg}/${group}/${version}/${kind}`;
  try {
    const module = await import(path);
    return module[kind] ?? null;
  } catch (e) {
    if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e.code === "ERR_MODULE_NOT_FOUND") {
      return null;
    }
    throw e;
  }
}

/**
 * Wraps a value so that every property the validator reads through it, at any depth, is recorded. Each object or
 * array the validator reaches gets a record in `records`: `read` holds the keys it read, `enumerated` whether it
 * listed the keys (what a compiled validator does only for a map, to validate each value). An object the validator
 * never reaches (inside an unknown field, say) gets no record: the unknown field above it is the problem to report.
 */
function recordingReads(value, pointer, records) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  const record = { pointer, value, read: new Set(), enumerated: false };
  records.push(record);
  const wrappedChildren = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== "string") {
        return child;
      }
      record.read.add(key);
      if (!Object.prototype.hasOwnProperty.call(target, key) || child === null || typeof child !== "object") {
        return child;
      }
      if (!wrappedChildren.has(key)) {
        wrappedChildren.set(key, recordingReads(child, `${pointer}/${escapePointer(key)}`, records));
      }
      return wrappedChildren.get(key);
    },
    has(target, key) {
      if (typeof key === "string") {
        record.read.add(key);
      }
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function escapePointer(key) {
  return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}

function unknownFields(records) {
  const problems = [];
  for (const record of records) {
    if (Array.isArray(record.value) || record.enumerated) {
      continue;
    }
    for (const key of Object.keys(record.value)) {
      if (!record.read.has(key)) {
        problems.push(`${record.pointer}/${escapePointer(key)}: unknown field "${key}"`);
      }
    }
  }
  return problems;
}

function describe(errors) {
  return (errors ?? []).map((error) => {
    if (error.keyword === "additionalProperties") {
      const key = error.params.additionalProperty;
      return `${error.instancePath}/${escapePointer(key)}: unknown field "${key}"`;
    }
    return `${error.instancePath || "/"}: ${messageOf(error)}`;
  });
}

/** Ajv's own wording; the validators compiled ahead of time carry no messages, so they are written here. */
function messageOf(error) {
  const params = error.params ?? {};
  switch (error.keyword) {
    case "type":
      return `must be ${params.type}`;
    case "required":
      return `must have required property '${params.missingProperty}'`;
    case "enum":
      return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    case "pattern":
      return `must match pattern "${params.pattern}"`;
    case "format":
      return `must match format "${params.format}"`;
    case "minimum":
    case "maximum":
      return `must be ${params.comparison} ${params.limit}`;
    default:
      return error.message ?? `fails ${error.keyword} ${JSON.stringify(params)}`;
  }
}

/** Runs a compiled ajv validator on a resource (or part of one) and adds the unknown fields it never read. */
function strictlyValidate(validateFn, value, pointer) {
  const records = [];
  const wrapped = recordingReads(value, pointer, records);
  const valid = validateFn(wrapped, { instancePath: pointer });
  return [...(valid ? [] : describe(validateFn.errors)), ...unknownFields(records)];
}

/**
 * A CRD's openAPIV3Schema as the API server applies it with strict field validation: every object schema that
 * neither declares additionalProperties nor sets x-kubernetes-preserve-unknown-fields is closed. Logical junctors
 * (allOf, anyOf, oneOf, not) are left as they are: in a structural schema they only restrict values the structural
 * part already declares, so closing them would reject valid fields.
 */
function closedSchema(schema) {
  if (schema === null || typeof schema !== "object") {
    return schema;
  }
  const closed = { ...schema };
  if (closed.properties) {
    closed.properties = Object.fromEntries(Object.entries(closed.properties).map(([k, v]) => [k, closedSchema(v)]));
  }
  if (closed.items) {
    closed.items = closedSchema(closed.items);
  }
  if (closed.additionalProperties && typeof closed.additionalProperties === "object") {
    closed.additionalProperties = closedSchema(closed.additionalProperties);
  }
  if (closed["x-kubernetes-int-or-string"] && !closed.type && !closed.anyOf) {
    closed.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  const isObject = closed.type === "object" || (closed.type === undefined && closed.properties !== undefined);
  if (isObject && closed.additionalProperties === undefined && closed["x-kubernetes-preserve-unknown-fields"] !== true) {
    closed.additionalProperties = false;
  }
  return closed;
}

// The CEL rules this validator evaluates, each transcribed by hand into JavaScript (CEL's has(self.x) is
// self.x !== undefined), keyed by the rule's exact text: a rule whose text changes in a new release of the CRDs is
// no longer known, and is reported as below instead of being judged by a stale transcription. These are the rules
// of a KafkaUser's spec.authentication (Strimzi 1.2).
const KNOWN_CEL_RULES = new Map([
  ["self.type == 'tls' || (!has(self.validityDays) && !has(self.renewalDays))",
    (self) => self.type === "tls" || (self.validityDays === undefined && self.renewalDays === undefined)],
  ["self.type != 'tls' || (has(self.renewalDays) == has(self.validityDays))",
    (self) => self.type !== "tls" || (self.renewalDays !== undefined) === (self.validityDays !== undefined)],
  ["self.type != 'tls' || !has(self.renewalDays) || !has(self.validityDays) || self.renewalDays < self.validityDays",
    (self) => self.type !== "tls" || self.renewalDays === undefined || self.validityDays === undefined
      || self.renewalDays < self.validityDays],
]);

function crdValidators(crds) {
  // Formats are not checked: the API server checks only a few, and Strimzi's schemas use none that matter here.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  // A known CEL rule (KNOWN_CEL_RULES) is evaluated, and a value that breaks it gets the rule's own message, as from
  // the API server. Any other CEL rule cannot be evaluated here: rather than pass what it cannot judge, the validator
  // reports it when it applies to a value of the resource, so that someone checks that value by hand (or extends
  // KNOWN_CEL_RULES).
  ajv.addKeyword({
    keyword: "x-kubernetes-validations",
    errors: true,
    validate: function cel(rules, value) {
      const unknown = rules.filter((r) => !KNOWN_CEL_RULES.has(r.rule));
      const broken = rules.filter((r) => KNOWN_CEL_RULES.has(r.rule) && !KNOWN_CEL_RULES.get(r.rule)(value));
      cel.errors = broken.map((r) => ({
        keyword: "x-kubernetes-validations",
        message: r.message ?? `breaks the CEL rule ${r.rule}`,
        params: {},
      }));
      if (unknown.length > 0) {
        cel.errors.push({
          keyword: "x-kubernetes-validations",
          message: `CEL rules apply here that this offline validator cannot evaluate: ${unknown.map((r) => r.rule).join("; ")}`,
          params: {},
        });
      }
      return cel.errors.length === 0;
    },
  });
  const validators = new Map();
  for (const crd of crds) {
    for (const version of crd.spec.versions) {
      const schema = closedSchema(version.schema.openAPIV3Schema);
      // metadata is ObjectMeta, checked with the same validator as for built-in kinds.
      schema.properties = { ...schema.properties, metadata: { type: "object" } };
      const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
      validators.set(key, ajv.compile(schema));
    }
  }
  return validators;
}

async function validateResource(resource, crdValidatorsByKey) {
  const { apiVersion, kind } = resource ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return ["/: apiVersion and kind must be strings"];
  }
  const crdValidator = crdValidatorsByKey.get(`${apiVersion}/${kind}`);
  if (crdValidator) {
    // The closed schema rejects unknown fields itself, and leaves x-kubernetes-preserve-unknown-fields objects (a
    // Kafka cluster's config, say) open, which the recording of reads could not tell apart from closed ones.
    const problems = crdValidator(resource) ? [] : describe(crdValidator.errors);
    if (resource.metadata === undefined) {
      problems.push("/: must have required property 'metadata'");
    } else {
      problems.push(...strictlyValidate(validateObjectMeta, resource.metadata, "/metadata"));
    }
    return problems;
  }
  const model = await modelClass(apiVersion, kind);
  if (!model) {
    return [`/: no schema known for apiVersion ${apiVersion}, kind ${kind}`];
  }
  const records = [];
  const wrapped = recordingReads(resource, "", records);
  const problems = [];
  try {
    // The model's validate() runs its compiled validator on `this`; calling it on the wrapped resource itself
    // (instead of on a model built from it, which would copy and so read every property) keeps the reads honest.
    model.prototype.validate.call(wrapped);
  } catch (e) {
    if (!Array.isArray(e.errors)) {
      throw e;
    }
    problems.push(...describe(e.errors));
  }
  problems.push(...unknownFields(records));
  return problems;
}

async function main() {
  if (process.argv.length !== 3) {
    console.error("usage: node validate-manifests.mjs <request.json>");
    process.exit(2);
  }
  const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const validators = crdValidators(request.crds ?? []);
  const results = [];
  for (const resource of request.resources) {
    results.push({
      apiVersion: resource?.apiVersion ?? null,
      kind: resource?.kind ?? null,
      name: resource?.metadata?.name ?? null,
      problems: await validateResource(resource, validators),
    });
  }
  process.stdout.write(JSON.stringify(results));
}

await main();
