/** Sum and count of a Prometheus histogram the server exposes on /metrics. */
export async function histogramTotals(url: string, name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (suffix: string) => Number(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return { sum: value("sum"), count: value("count") };
}
