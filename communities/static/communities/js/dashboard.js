// The dashboard's charts: each container names the json_script holding its chart
// ({key, title, type, points: [{label, value, url, detail}]}); ECharts draws it as SVG (crisp in print),
// and a click on a bar, point or slice opens the list or page behind it.
(function () {
  "use strict";
  const printButton = document.querySelector('[data-action="print"]');
  if (printButton) printButton.addEventListener("click", function () { window.print(); });
  if (typeof echarts === "undefined") return; // the tables of figures stand in for the charts
  const palette = ["#c8102e", "#e76f51", "#f4a261", "#2a9d8f", "#264653", "#8d99ae", "#6d597a"];
  const charts = [];

  function option(chart) {
    const labels = chart.points.map(function (p) { return p.label; });
    const values = chart.points.map(function (p) { return p.value; });
    const base = { color: palette, animation: false, tooltip: { trigger: chart.type === "pie" ? "item" : "axis", confine: true } };
    if (chart.type === "pie") {
      return Object.assign(base, {
        legend: { type: "scroll", bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
          label: { formatter: "{b}\n{c}" },
          data: chart.points.map(function (p) { return { name: p.label, value: p.value }; }),
        }],
      });
    }
    return Object.assign(base, {
      grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 5 ? 35 : 0, fontSize: 11 } },
      yAxis: { type: "value", max: chart.type === "line" || chart.key === "cadence" ? 100 : null },
      series: [{
        type: chart.type === "line" ? "line" : "bar", data: values, barMaxWidth: 36,
        connectNulls: true, label: { show: true, position: "top", fontSize: 11 },
        itemStyle: { color: palette[0] },
      }],
    });
  }

  document.querySelectorAll(".chart-canvas[data-chart-source]").forEach(function (element) {
    const source = document.getElementById(element.dataset.chartSource);
    if (!source) return;
    const chart = JSON.parse(source.textContent);
    element.hidden = false;
    const instance = echarts.init(element, null, { renderer: "svg" });
    instance.setOption(option(chart));
    instance.on("click", function (params) {
      const point = chart.points[params.dataIndex];
      if (point && point.url) window.location.href = point.url;
    });
    charts.push(instance);
  });

  let pending = null;
  function resizeAll() { charts.forEach(function (instance) { instance.resize(); }); }
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(resizeAll, 100);
  });
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
