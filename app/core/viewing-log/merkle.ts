// RFC 6962 / RFC 9162 Merkle tree hashing for the viewing log (DC-6, Q-3).
// Leaf and interior hashes carry distinct prefixes (0x00 / 0x01) so a leaf can
// never be passed off as an interior node (second-preimage protection).
import { createHash, hash } from 'node:crypto';

export const HASH_SIZE = 32;

/** Root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

// One-shot crypto.hash over a reused scratch buffer is about twice as fast as
// createHash().update().update().digest() (no Hash object per call), which is
// what keeps verify() of a million entries within its budget. Safe because
// hashing is synchronous and the digest is a fresh buffer.
let leafScratch = Buffer.alloc(1024);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

function sha256(data: Buffer): Buffer {
  return hash('sha256', data, 'buffer');
}

export function leafHash(entry: Uint8Array): Buffer {
  if (entry.length + 1 > leafScratch.length) leafScratch = Buffer.alloc(2 * (entry.length + 1));
  leafScratch[0] = 0x00;
  leafScratch.set(entry, 1);
  return sha256(leafScratch.subarray(0, entry.length + 1));
}

/** leafHash of a string's UTF-8 bytes, encoded straight into the scratch buffer (no intermediate Buffer). */
export function leafHashOfText(entry: string): Buffer {
  if (3 * entry.length + 1 > leafScratch.length) leafScratch = Buffer.alloc(2 * (3 * entry.length + 1));
  leafScratch[0] = 0x00;
  const n = leafScratch.write(entry, 1, 'utf8');
  return sha256(leafScratch.subarray(0, n + 1));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return createHash('sha256').update(Buffer.from([0x01])).update(left).update(right).digest();
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/**
 * The roots of the perfect subtrees covering leaves [0, size), one per set bit
 * of size, largest first. Appending is O(log n) and the whole tree is never
 * held in memory, which is what lets a million-entry log be rehashed quickly.
 */
export class CompactRange {
  private readonly stack: Buffer[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Buffer): void {
    let h = leaf;
    // Each trailing 1 bit of the old size is a subtree of equal height that
    // merges with the new one.
    for (let n = this.count; (n & 1) === 1; n = Math.floor(n / 2)) {
      const left = this.stack.pop();
      if (left === undefined) throw new Error('compact range corrupt');
      h = nodeHash(left, h);
    }
    this.stack.push(h);
    this.count += 1;
  }

  root(): Buffer {
    let r: Buffer | undefined;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const s = this.stack[i] as Buffer;
      r = r === undefined ? s : nodeHash(s, r);
    }
    return r ?? EMPTY_ROOT;
  }

  clone(): CompactRange {
    const c = new CompactRange();
    c.stack.push(...this.stack);
    c.count = this.count;
    return c;
  }
}

/** Merkle tree hash of the given leaf hashes (streamed; nothing but a compact range is kept). */
export function rootFromLeafHashes(leaves: Iterable<Buffer>): Buffer {
  const cr = new CompactRange();
  for (const l of leaves) cr.append(l);
  return cr.root();
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root of leaves [lo, hi) as supplied by a store. */
export type SubtreeRoot = (lo: number, hi: number) => Buffer;

/** Audit path PATH(m, D[0:n]) of RFC 9162 §2.1.3.1, leaf-to-root order. */
export function inclusionProof(index: number, size: number, subtreeRoot: SubtreeRoot): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of size ${size}`);
  }
  const path: Buffer[] = [];
  let m = index;
  let lo = 0;
  let n = size;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      path.push(subtreeRoot(lo + k, lo + n));
      n = k;
    } else {
      path.push(subtreeRoot(lo, lo + k));
      lo += k;
      m -= k;
      n -= k;
    }
  }
  return path.reverse();
}

/** Consistency proof PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1. */
export function consistencyProof(oldSize: number, newSize: number, subtreeRoot: SubtreeRoot): Buffer[] {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    throw new RangeError(`no consistency proof from size ${oldSize} to size ${newSize}`);
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  const proof: Buffer[] = [];
  let m = oldSize;
  let lo = 0;
  let n = newSize;
  let complete = true; // b in SUBPROOF: the old tree is a complete subtree seen from the root
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      proof.push(subtreeRoot(lo + k, lo + n));
      n = k;
    } else {
      proof.push(subtreeRoot(lo, lo + k));
      lo += k;
      m -= k;
      n -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(subtreeRoot(lo, lo + m));
  return proof.reverse();
}

/** Subtree roots computed from an in-memory array of leaf hashes (tests, small trees). */
export function arraySubtreeRoot(leaves: readonly Buffer[]): SubtreeRoot {
  return (lo, hi) => rootFromLeafHashes(leaves.slice(lo, hi));
}

function isHash(b: Uint8Array): boolean {
  return b.length === HASH_SIZE;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Root implied by a leaf hash and its audit path (RFC 9162 §2.1.3.2), or null if the path cannot fit. */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (!isHash(leaf) || !proof.every(isHash)) return null;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const r = rootFromInclusionProof(index, size, leaf, proof);
  return r !== null && equalBytes(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show that the tree (newSize, newRoot) extends (oldSize, oldRoot)? */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (oldSize === newSize) {
    if (proof.length !== 0 || !equalBytes(oldRoot, newRoot)) return false;
    // An empty tree has exactly one root; anything else claimed for it is a lie.
    return oldSize !== 0 || equalBytes(oldRoot, EMPTY_ROOT);
  }
  // Every tree extends the empty tree, so such a proof proves nothing.
  if (oldSize === 0) return false;
  if (proof.length === 0 || !proof.every(isHash)) return false;

  const path: readonly Uint8Array[] = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const first = path[0] as Uint8Array;
  let fr: Buffer = Buffer.from(first);
  let sr: Buffer = Buffer.from(first);
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}
