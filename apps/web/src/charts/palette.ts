/** Colours readable on light and dark backgrounds, in a fixed order so a category keeps its colour. */
export const PALETTE = ['#0d9488', '#6366f1', '#f59e0b', '#ec4899', '#0ea5e9', '#84cc16', '#a855f7', '#ef4444', '#14b8a6', '#64748b'];
export const colorAt = (i: number) => PALETTE[i % PALETTE.length]!;
export const GAIN = '#059669';
export const LOSS = '#e11d48';
