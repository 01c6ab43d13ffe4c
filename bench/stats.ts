/** The benchmark's arithmetic: medians, rounding for print, and the rotated order of variants. */

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits))

/** `rotate([A, B, C], 1)` is `[B, C, A]`: each round starts with the next variant, so no variant always goes first. */
export const rotate = <T>(items: T[], by: number) => items.map((_, i) => items[(i + by) % items.length]!)
