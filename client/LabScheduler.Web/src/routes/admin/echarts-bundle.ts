// The parts of ECharts the dashboards use, imported statically so that the rest is left out;
// the app imports this module only dynamically (echarts.ts), which makes it a chunk of its own.
// No tooltips: the table beside each chart carries its exact numbers (for keyboard, touch and
// screen-reader users too), and leaving them out keeps all of the app's JavaScript under 300 KB
// gzip. The hour-of-week heat map is a shaded table (Dashboard.svelte) for the same reasons.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendPlainComponent, AriaComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendPlainComponent, AriaComponent, SVGRenderer]);

export { echarts };
