import type { ImportPreset } from '@meridian/contracts';
import type { CsvRecord } from '../csv.js';
import { degiroPreset } from './degiro.js';
import { fidelityPreset } from './fidelity.js';
import { genericPreset, meridianPreset } from './generic.js';
import { ibkrActivityPreset, ibkrFlexPreset } from './ibkr.js';
import type { CsvPreset } from './preset.js';
import { schwabPreset } from './schwab.js';

export type { CsvPreset } from './preset.js';

/** In detection order: the generic preset takes whatever nothing else recognised. */
const PRESETS: readonly CsvPreset[] = [
  ibkrActivityPreset,
  ibkrFlexPreset,
  degiroPreset,
  schwabPreset,
  fidelityPreset,
  meridianPreset,
  genericPreset,
];

/** The named preset, or (for `auto`) the first that recognises the file. */
export function choosePreset(id: ImportPreset, records: readonly CsvRecord[]): CsvPreset {
  if (id !== 'auto') return PRESETS.find((p) => p.id === id) ?? genericPreset;
  return PRESETS.find((p) => p.detect(records)) ?? genericPreset;
}
