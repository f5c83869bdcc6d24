// Zeroing the shared slot pool at memset speed. Every released slot is wiped
// (slots.ts), a gibibyte per gibibyte moved. On shared memory
// TypedArray.fill goes element by element (315 ms a GiB here); a copy from a
// buffer of zeros is a memcpy that reads as much as it writes (55-69 ms a GiB
// in a loop, 0.2 s a GiB in the import and TIS profiles, where the workers on
// the other core have just read the slot). WebAssembly's `memory.fill` is a
// memset over the same memory: 28-29 ms a GiB in the same loop. Node has no
// other memset for a SharedArrayBuffer.
//
// The module, assembled by hand because it is eleven instructions and a
// toolchain for it would be the larger risk to review:
//
//   (module
//     (import "m" "mem" (memory 1 65536 shared))
//     (func (export "fill") (param $at i32) (param $n i32)
//       local.get $at  i32.const 0  local.get $n  memory.fill))
//
// memory.fill checks its bounds and traps (a RuntimeError) past the memory's
// end, so a wrong offset fails loudly instead of wiping a neighbour.
const MODULE_BYTES = new Uint8Array([
  // magic, version 1
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type section: one type, (i32, i32) -> ()
  0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00,
  // import section: "m" "mem", a shared memory (flags 3), min 1 page, max 65536 pages
  0x02, 0x0d, 0x01, 0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x03, 0x01, 0x80, 0x80, 0x04,
  // function section: one function of type 0
  0x03, 0x02, 0x01, 0x00,
  // export section: "fill" is function 0
  0x07, 0x08, 0x01, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x00,
  // code section: no locals; local.get 0, i32.const 0, local.get 1, memory.fill 0, end
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x41, 0x00, 0x20, 0x01, 0xfc, 0x0b, 0x00, 0x0b,
]);

let compiled: WebAssembly.Module | null = null;

/** The compiled module: a worker given it and the memory instantiates its own filler (sha256.ts). */
export function zeroFillModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(MODULE_BYTES);
  return compiled;
}

/** A function that zeroes `length` bytes of `memory` from `offset`; throws past its end. */
export function zeroFiller(memory: WebAssembly.Memory): (offset: number, length: number) => void {
  const instance = new WebAssembly.Instance(zeroFillModule(), { m: { mem: memory } });
  const fill = instance.exports.fill as (at: number, n: number) => void;
  return (offset, length) => {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > memory.buffer.byteLength) {
      throw new RangeError(`zero fill of ${length} bytes at ${offset} is outside the memory`);
    }
    fill(offset, length);
  };
}
