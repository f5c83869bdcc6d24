// A bounded walk of the box tree inside moov, over bytes already in memory.
// Written by hand rather than taken from a library because the library we
// have, mp4box, is what allocated without bound: it believes every size and
// count it reads (an stsz claiming 50,000,000 samples cost 70 s and 4.7 GB
// before the heap ran out). Here every box must fit inside its parent before
// anything looks at it, 64-bit sizes are compared as 64-bit numbers, a size of
// 0 ("to the end of the file") is refused inside moov, and depth and box
// count are capped. Nothing is copied: a box is its path and byte range.
import { MEDIA_LIMITS, type MediaLimits } from './limits';
import { mediaProblem } from './problems';

export interface BoxNode {
  readonly type: string;
  /** Where it sits, for messages: `moov/trak[0]/mdia/minf/stbl/stsz`; a trak, and any second box of a type, is numbered. */
  readonly path: string;
  /** Offset of the header in the walked buffer. */
  readonly start: number;
  /** Offset of the payload (after size, type, largesize and uuid). */
  readonly payload: number;
  /** Offset one past the last byte. */
  readonly end: number;
  /** Child boxes of a container we descend into; empty for every other box. */
  readonly children: readonly BoxNode[];
}

/**
 * Containers whose payload is nothing but boxes. Boxes with a header before
 * their children (meta, stsd and its sample entries) are left whole: nothing
 * of ours reads inside them, and stsd goes to mp4box under its own budget.
 */
const CONTAINERS: ReadonlySet<string> = new Set(['moov', 'trak', 'edts', 'mdia', 'minf', 'dinf', 'stbl', 'mvex', 'udta', 'tref', 'trgr']);

interface Header {
  readonly type: string;
  readonly size: number;
  readonly headerSize: number;
}

/**
 * Reads the header of the box at `at`, which must fit in [at, end). `where` is the parent's path
 * ('' at the top), `fileAt` the box's offset in the file, both for messages.
 */
function readHeader(buf: Buffer, at: number, end: number, where: string, fileAt: number, file: string): Header {
  const room = end - at;
  const size32 = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  const name = `${where ? `${where}/` : ''}${type} at offset ${fileAt}`;
  let size: number;
  let headerSize = 8;
  if (size32 === 1) {
    if (room < 16) throw mediaProblem(file, 'media.bad-moov', `box ${name} has a 64-bit size but only ${room} bytes remain in ${where || 'the file'}`);
    const large = buf.readBigUInt64BE(at + 8);
    // Compared before converting: 2^63 would round to a number that still looks like a size.
    if (large > BigInt(room)) throw mediaProblem(file, 'media.bad-moov', `box ${name} claims ${large} bytes but only ${room} remain in ${where || 'the file'}`);
    size = Number(large);
    headerSize = 16;
  } else if (size32 === 0) {
    throw mediaProblem(file, 'media.bad-moov', `box ${name} has size 0 ("to the end of the file"), which only a last top-level box may have`);
  } else {
    if (size32 > room) throw mediaProblem(file, 'media.bad-moov', `box ${name} claims ${size32} bytes but only ${room} remain in ${where || 'the file'}`);
    size = size32;
  }
  if (type === 'uuid') headerSize += 16;
  if (size < headerSize) throw mediaProblem(file, 'media.bad-moov', `box ${name} claims ${size} bytes, less than its own ${headerSize}-byte header`);
  return { type, size, headerSize };
}

interface Open {
  readonly node: BoxNode & { children: BoxNode[] };
  pos: number;
  readonly depth: number;
  readonly seen: Map<string, number>;
}

/**
 * Walks the box at `start` (moov, as found by the top-level walk) and the containers inside it, in
 * one loop over an explicit stack (a box nested 100,000 deep costs no recursion). Throws a
 * MediaInputError: media.bad-moov for sizes that cannot be, media.limits past limits.boxDepth or
 * limits.moovBoxes. Up to 7 bytes after a container's last child are tolerated (QuickTime ends
 * udta with a 32-bit zero). `fileOffset` is where buf[start] lies in the file, for messages.
 */
export function walkBoxTree(buf: Buffer, start: number, end: number, file: string, limits: MediaLimits = MEDIA_LIMITS, fileOffset = start): BoxNode {
  if (end - start < 8) throw mediaProblem(file, 'media.bad-moov', `the movie box is ${end - start} bytes, too few for a header`);
  const inFile = (at: number) => fileOffset + at - start;
  const h = readHeader(buf, start, end, '', inFile(start), file);
  const root: Open['node'] = { type: h.type, path: h.type, start, payload: start + h.headerSize, end: start + h.size, children: [] };
  const stack: Open[] = [{ node: root, pos: root.payload, depth: 0, seen: new Map() }];
  let count = 0;
  while (stack.length > 0) {
    const open = stack[stack.length - 1]!;
    const { node } = open;
    if (node.end - open.pos < 8) {
      stack.pop();
      continue;
    }
    const child = readHeader(buf, open.pos, node.end, node.path, inFile(open.pos), file);
    if (++count > limits.moovBoxes) {
      throw mediaProblem(file, 'media.limits', `${root.path} holds more than ${limits.moovBoxes} boxes (limit moovBoxes); a recording has a few dozen`);
    }
    const nth = open.seen.get(child.type) ?? 0;
    open.seen.set(child.type, nth + 1);
    const path = `${node.path}/${child.type}${child.type === 'trak' || nth > 0 ? `[${nth}]` : ''}`;
    const box: Open['node'] = { type: child.type, path, start: open.pos, payload: open.pos + child.headerSize, end: open.pos + child.size, children: [] };
    node.children.push(box);
    open.pos = box.end;
    if (CONTAINERS.has(child.type)) {
      const depth = open.depth + 1;
      if (depth >= limits.boxDepth) {
        throw mediaProblem(file, 'media.limits', `boxes nest deeper than ${limits.boxDepth} levels (limit boxDepth) at ${path}`);
      }
      stack.push({ node: box, pos: box.payload, depth, seen: new Map() });
    }
  }
  return root;
}

/** The children of `node` of one type, in file order. */
export function childrenOf(node: BoxNode, type: string): BoxNode[] {
  return node.children.filter((c) => c.type === type);
}

/** The one child of a type, or undefined; two of a box that may appear once is a bad moov. */
export function onlyChild(node: BoxNode, type: string, file: string): BoxNode | undefined {
  const found = childrenOf(node, type);
  if (found.length > 1) throw mediaProblem(file, 'media.bad-moov', `${node.path} holds ${found.length} '${type}' boxes; it may hold one`);
  return found[0];
}
