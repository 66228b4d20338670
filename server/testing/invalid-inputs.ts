import fc from 'fast-check';

/** The subset of JSON Schema (OpenAPI 3.1) that the backend's zod schemas generate. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

const KINDS = {
  string: fc.string({ maxLength: 20 }),
  integer: fc.integer(),
  number: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
} as const;
type Kind = keyof typeof KINDS;

function typesOf(schema: JsonSchema): Kind[] | undefined {
  if (!schema.type) return undefined;
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as Kind[];
  // An integer is also a number.
  return types.includes('number' as Kind) ? [...types, 'integer'] : types;
}

/** Values of a JSON type the schema does not allow; undefined when the schema allows any type. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> | undefined {
  const allowed = typesOf(schema);
  if (!allowed) return undefined;
  const others = (Object.keys(KINDS) as Kind[]).filter((k) => !allowed.includes(k));
  return others.length ? fc.oneof(...others.map((k) => KINDS[k])) : undefined;
}

/** Values that break one constraint of the schema and so can never validate against it. */
export function invalidValue(schema: JsonSchema): fc.Arbitrary<unknown> | undefined {
  const options: fc.Arbitrary<unknown>[] = [];
  const typed = wrongType(schema);
  if (typed) options.push(typed);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches && branches.every((b) => b.type === 'object')) options.push(fc.oneof(KINDS.string, KINDS.integer, KINDS.array, KINDS.boolean));
  if (schema.enum && schema.enum.every((v) => typeof v === 'string')) {
    options.push(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !schema.enum!.includes(s)));
  }
  const types = typesOf(schema) ?? [];
  if (types.length === 1 && types[0] === 'string' && !schema.enum) {
    if (schema.minLength && schema.minLength > 0) options.push(fc.string({ maxLength: schema.minLength - 1 }));
    if (schema.maxLength !== undefined && schema.maxLength < 100_000) options.push(fc.constant('x'.repeat(schema.maxLength + 1)));
    if (schema.pattern) {
      const re = new RegExp(schema.pattern, 'u');
      options.push(fc.string({ maxLength: 16 }).filter((s) => !re.test(s)));
    }
  }
  if (types.includes('integer') && !types.includes('number')) options.push(fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)));
  if (types.some((t) => t === 'integer' || t === 'number')) {
    if (schema.minimum !== undefined) options.push(fc.integer({ min: -1e9, max: Math.ceil(schema.minimum) - 1 }));
    if (schema.maximum !== undefined) options.push(fc.integer({ min: Math.floor(schema.maximum) + 1, max: 1e12 }));
    if (schema.exclusiveMinimum !== undefined) options.push(fc.integer({ min: -1e9, max: Math.floor(schema.exclusiveMinimum) }));
    if (schema.exclusiveMaximum !== undefined) options.push(fc.integer({ min: Math.ceil(schema.exclusiveMaximum), max: 1e12 }));
  }
  if (types.length === 1 && types[0] === 'array') {
    if (schema.minItems && schema.minItems > 0) options.push(fc.constant([]));
    if (schema.items) {
      const bad = invalidValue(schema.items);
      if (bad) options.push(fc.array(bad, { minLength: 1, maxLength: 3 }));
    }
  }
  if (types.length === 1 && types[0] === 'object') {
    const bad = invalidObject(schema);
    if (bad) options.push(bad);
  }
  return options.length ? fc.oneof(...options) : undefined;
}

/**
 * Objects that break the schema in one named place: a required property missing, an unknown property where none is
 * allowed, or one property invalid; the other properties hold any JSON (they cannot make it valid again).
 */
export function invalidObject(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> | undefined {
  const props = schema.properties ?? {};
  const names = Object.keys(props);
  const anyOthers = names.length
    ? fc.record(Object.fromEntries(names.map((n) => [n, fc.jsonValue({ maxDepth: 2 })])), { requiredKeys: [] })
    : fc.constant({} as Record<string, unknown>);
  const options: fc.Arbitrary<Record<string, unknown>>[] = [];
  for (const name of names) {
    const bad = invalidValue(props[name]);
    if (bad) options.push(fc.tuple(anyOthers, bad).map(([others, value]) => ({ ...others, [name]: value })));
  }
  for (const name of schema.required ?? []) {
    options.push(anyOthers.map((others) => Object.fromEntries(Object.entries(others).filter(([k]) => k !== name))));
  }
  if (schema.additionalProperties === false) {
    options.push(fc.tuple(anyOthers, fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !names.includes(k)), fc.jsonValue({ maxDepth: 1 })).map(([o, k, v]) => ({ ...o, [k]: v })));
  } else if (typeof schema.additionalProperties === 'object') {
    const bad = invalidValue(schema.additionalProperties);
    if (bad) options.push(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !names.includes(k)), bad).map(([k, v]) => ({ [k]: v })));
  }
  return options.length ? fc.oneof(...options) : undefined;
}

/** Query-string values (always text) that a parameter's schema rejects. */
export function invalidQueryValue(schema: JsonSchema): fc.Arbitrary<string> | undefined {
  const types = typesOf(schema) ?? [];
  const options: fc.Arbitrary<string>[] = [];
  if (types.includes('integer') || types.includes('number')) {
    options.push(fc.stringMatching(/^[a-z!~]{1,8}$/), fc.constant('1e400'), fc.constant('0x1G'));
    if (types.includes('integer') && !types.includes('number')) options.push(fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)).map(String));
    if (schema.minimum !== undefined) options.push(fc.integer({ min: -1e9, max: Math.ceil(schema.minimum) - 1 }).map(String));
    if (schema.maximum !== undefined) options.push(fc.integer({ min: Math.floor(schema.maximum) + 1, max: 1e12 }).map(String));
  }
  if (schema.enum) options.push(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !schema.enum!.includes(s)));
  if (schema.pattern) {
    const re = new RegExp(schema.pattern, 'u');
    options.push(fc.string({ minLength: 1, maxLength: 16 }).filter((s) => !re.test(s)));
  }
  if (schema.format === 'date-time') options.push(fc.stringMatching(/^[a-z:\- ]{1,12}$/), fc.constant('2026-13-45T99:99:99Z'));
  return options.length ? fc.oneof(...options) : undefined;
}
