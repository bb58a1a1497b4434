import type { ImportPreset } from '@meridian/contracts';
import type { CsvRecord } from '../csv.js';
import type { Candidate, CsvOptions } from '../types.js';

/** Reads one kind of file (a broker's export, or any CSV through a column mapping). */
export interface CsvPreset {
  id: Exclude<ImportPreset, 'auto'>;
  /** Whether the records look like this preset's file (for `preset: auto`). */
  detect(records: readonly CsvRecord[]): boolean;
  /** One candidate per data line; lines that are not activities come back with `skip`. */
  read(records: readonly CsvRecord[], options: CsvOptions): Candidate[];
}
