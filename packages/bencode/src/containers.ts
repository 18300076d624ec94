// How the decoder makes lists and dicts: never by literals. The engine tracks the objects of each
// literal, and when most are still alive at a young-generation collection, as they are while a
// large result is being built, it allocates that literal's objects in the old generation from then
// on. The byte strings they hold then survive every young collection, and decoding a large torrent
// ran 2-4x slower for the rest of the process (seen in the benchmark after other work had run). Rest
// parameters and `new` of a plain function are always allocated young.
import type { BDict, BList, BValue } from './types.ts';

/** A list of the given items. */
export function listOf(...items: BValue[]): BList {
  return items;
}

interface PlainDict<A extends unknown[]> {
  new (...args: A): BDict;
  prototype: object;
}

/**
 * A constructor of plain objects: its prototype is Object.prototype itself, so what it makes cannot
 * be told from `{ key: value }`, same keys in the same order.
 */
function plainDict<A extends unknown[]>(init: (this: BDict, ...args: A) => void): PlainDict<A> {
  const make = init as unknown as PlainDict<A>;
  make.prototype = Object.prototype;
  return make;
}

const FileEntry = plainDict(function (this: BDict, length: BValue, path: BValue) {
  this.length = length;
  this.path = path;
});
const TreeLeaf = plainDict(function (this: BDict, length: BValue, root: BValue) {
  this.length = length;
  this['pieces root'] = root;
});
const TreeNode = plainDict(function (this: BDict, node: BValue) {
  this[''] = node;
});

/**
 * A dict of two entries. The commonest dicts of big torrents, a v1 file entry `{length, path}` and a
 * BEP 52 leaf `{length, pieces root}`, are made by their own constructors: adding keys one by one
 * goes through the engine's generic keyed store, about 200 instructions a key (measured with
 * cachegrind).
 */
export function pairDict(k0: string, v0: BValue, k1: string, v1: BValue): BDict {
  if (k0 === 'length') {
    if (k1 === 'path') return new FileEntry(v0, v1);
    if (k1 === 'pieces root') return new TreeLeaf(v0, v1);
  }
  const out: BDict = {};
  setEntry(out, k0, v0);
  setEntry(out, k1, v1);
  return out;
}

/** A dict of one entry; the BEP 52 file-tree node `{'': leaf}` by its own constructor. */
export function singleDict(k0: string, v0: BValue): BDict {
  if (k0 === '') return new TreeNode(v0);
  const out: BDict = {};
  setEntry(out, k0, v0);
  return out;
}

export function setEntry(out: BDict, key: string, value: BValue): void {
  // A plain assignment to __proto__ would set the prototype instead of adding the key.
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
