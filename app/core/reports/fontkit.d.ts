// The part of fontkit (pdfkit's font engine, no types of its own) that pdf-fonts.ts uses.
declare module 'fontkit' {
  export interface Font {
    readonly postscriptName: string;
    layout(text: string, features?: readonly string[] | Record<string, boolean>): unknown;
  }
  /** Parses a font file; a collection (TTC) would need a name, which DejaVu's single faces do not. */
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
