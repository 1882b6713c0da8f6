// ECharts as a chunk of its own, fetched the first time a chart is shown (not with the app).
type ECharts = typeof import('./echarts-bundle').echarts;

let loading: Promise<ECharts> | null = null;

export function loadECharts(): Promise<ECharts> {
  loading ??= import('./echarts-bundle').then((m) => m.echarts);
  return loading;
}
