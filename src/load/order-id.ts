/** The id of the seq-th generated order (scripted orders come first and carry their own ids). */
export function orderIdFor(seq: number): string {
  return `ord-${String(seq).padStart(6, '0')}`;
}
