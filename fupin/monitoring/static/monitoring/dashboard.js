// Draws the monitoring dashboard from the numbers the page carries (#dashboard-data).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return; }
    var instance = echarts.init(node);
    instance.setOption(Object.assign({ tooltip: { trigger: "axis" }, grid: { containLabel: true } }, option));
    window.addEventListener("resize", function () { instance.resize(); });
  }
  function stacked(series, key) {
    return series.map(function (s) { return { name: s.name, type: "bar", stack: key, data: s[key] || s.data }; });
  }
  chart("chart-categories", {
    legend: {}, xAxis: { type: "category", data: data.villages }, yAxis: { type: "value" },
    series: stacked(data.categories, "households")
  });
  chart("chart-risks", {
    legend: { type: "scroll" }, xAxis: { type: "category", data: data.villages }, yAxis: { type: "value" },
    series: stacked(data.risks, "households")
  });
  chart("chart-states", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: data.states.filter(function (s) { return s.value > 0; }) }]
  });
  chart("chart-clues", {
    legend: {}, xAxis: { type: "category", data: data.months }, yAxis: { type: "value", minInterval: 1 },
    series: data.channels.map(function (c) { return { name: c.name, type: "bar", stack: "clues", data: c.data }; })
  });
  chart("chart-eliminations", {
    xAxis: { type: "category", data: data.elimination_months }, yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.eliminations }]
  });
})();
