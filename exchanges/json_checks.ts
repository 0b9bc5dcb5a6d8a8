/**
 * Validation primitives for what a venue sends: each either returns the checked value or throws a
 * {@link VenueDataError} that names the venue, the place, the field and the bad value.
 * @module
 */
import { clipWords } from "../bot/redact.ts";
import { type Decimal, parseDecimal } from "./decimal.ts";
import { VenueDataError } from "./venue.ts";

/** A JSON object as parsed, not yet checked. */
export type Json = Record<string, unknown>;

/** What a decimal must be: > 0, >= 0, or anything. */
export type Bound = "positive" | "nonNegative" | "any";

/** Longest quote of a bad value in an error message, characters. */
const QUOTE_LENGTH = 80;

/** A bad value for an error message: `missing`, or its JSON text cut between words. */
export function show(value: unknown): string {
  if (value === undefined) return "missing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // Cut between words: a secret echoed in a value is quoted whole (and redacted by the log) or not at all.
  return clipWords(text, QUOTE_LENGTH);
}

/** The checks of one venue; `where` says which answer or message is read, and starts each error. */
export interface JsonChecks {
  /** Throws `<venue> <where>: <message>`. */
  fail(where: string, message: string): never;
  /** A JSON object (not null, not an array). */
  object(value: unknown, where: string): Json;
  /** A JSON array. */
  array(value: unknown, where: string): unknown[];
  /** A non-empty string field. */
  string(o: Json, key: string, where: string): string;
  /** A string field, or `undefined` when missing, null or empty. */
  optionalString(o: Json, key: string, where: string): string | undefined;
  /** A decimal given as a string, within its bound; `name` is the field in the message. */
  decimalValue(v: unknown, name: string, where: string, bound: Bound): Decimal;
  /** A decimal string field within its bound. */
  decimal(o: Json, key: string, where: string, bound: Bound): Decimal;
  /** A decimal string field within its bound, or `undefined` when missing or null. */
  optionalDecimal(o: Json, key: string, where: string, bound: Bound): Decimal | undefined;
  /** A boolean field, or `undefined` when missing or null. */
  optionalBoolean(o: Json, key: string, where: string): boolean | undefined;
  /** A non-negative safe integer field, or `undefined` when missing or null. */
  optionalInteger(o: Json, key: string, where: string): number | undefined;
}

/** The {@link JsonChecks} of the venue named `venue` (`backpack`, `aster`, …). */
export function jsonChecks(venue: string): JsonChecks {
  function fail(where: string, message: string): never {
    throw new VenueDataError(`${venue} ${where}: ${message}`);
  }

  function decimalValue(v: unknown, name: string, where: string, bound: Bound): Decimal {
    if (typeof v !== "string") fail(where, `${name} must be a decimal string, got ${show(v)}`);
    const d = parseDecimal(v);
    if (d === undefined) fail(where, `${name} "${v}" is not a decimal number`);
    if (bound === "positive" && !d.gt(0)) fail(where, `${name} ${v} must be > 0`);
    if (bound === "nonNegative" && d.lt(0)) fail(where, `${name} ${v} must be >= 0`);
    return d;
  }

  return {
    fail,
    decimalValue,
    object(value, where) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail(where, `expected an object, got ${show(value)}`);
      }
      return value as Json;
    },
    array(value, where) {
      if (!Array.isArray(value)) fail(where, `expected an array, got ${show(value)}`);
      return value;
    },
    string(o, key, where) {
      const v = o[key];
      if (typeof v !== "string" || v === "") fail(where, `${key} must be a non-empty string, got ${show(v)}`);
      return v;
    },
    optionalString(o, key, where) {
      const v = o[key];
      if (v === undefined || v === null || v === "") return undefined;
      if (typeof v !== "string") fail(where, `${key} must be a string, got ${show(v)}`);
      return v;
    },
    decimal(o, key, where, bound) {
      return decimalValue(o[key], key, where, bound);
    },
    optionalDecimal(o, key, where, bound) {
      const v = o[key];
      return v === undefined || v === null ? undefined : decimalValue(v, key, where, bound);
    },
    optionalBoolean(o, key, where) {
      const v = o[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== "boolean") fail(where, `${key} must be a boolean, got ${show(v)}`);
      return v;
    },
    optionalInteger(o, key, where) {
      const v = o[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
        fail(where, `${key} must be a non-negative integer, got ${show(v)}`);
      }
      return v;
    },
  };
}
