/*
 * Copyright © 2023 ZkLighter Protocol (elliottech/lighter-go).
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * Ported to TypeScript from lighter-go types/txtypes/tx_attributes.go (`AggregateTxHash`) and the `Hash` methods
 * of the transaction types.
 */

/**
 * The message hash Lighter signs for a transaction: `HashToQuinticExtension` of the field elements, then, when
 * attributes are set, `HashToQuinticExtension(txHash ‖ attributeHash)`.
 * @module
 */

import * as gl from "./goldilocks_field.ts";
import * as fp5 from "./quintic_extension.ts";
import { hashLimbsToQuinticExtension } from "./poseidon2.ts";
import { attributeHashInput, type AttributeMap } from "./tx_attributes.ts";

function toLimbs(values: readonly bigint[]): Float64Array {
  const limbs = new Float64Array(values.length * gl.LIMBS);
  values.forEach((v, i) => gl.setBigInt(limbs, i * gl.LIMBS, v));
  return limbs;
}

/**
 * Hashes transaction elements (u64 values, already reinterpreted from int64 as Go does) and folds in the
 * attributes. Returns the 40-byte message hash.
 */
export function hashTransaction(elements: readonly bigint[], attributes: AttributeMap): Uint8Array {
  const txHash = fp5.create();
  hashLimbsToQuinticExtension(txHash, toLimbs(elements), elements.length);
  const attributeInput = attributeHashInput(attributes);
  if (attributeInput === undefined) return fp5.toBytes(txHash);
  const attributeHash = fp5.create();
  hashLimbsToQuinticExtension(attributeHash, toLimbs(attributeInput), attributeInput.length);
  const combined = new Float64Array(2 * fp5.FP5_SIZE);
  combined.set(txHash, 0);
  combined.set(attributeHash, fp5.FP5_SIZE);
  const final = fp5.create();
  hashLimbsToQuinticExtension(final, combined, 10);
  return fp5.toBytes(final);
}
