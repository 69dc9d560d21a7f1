// Charts drawn from data the page carries in <script type="application/json"> (json_script).
// Every chart has its figures in a table beside it or behind a "Show the figures" control.
(function () {
  "use strict";

  function readJSON(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // One small line chart per measure: its recorded values over time, the target dashed.
  function measureCharts() {
    var charts = readJSON("measure-charts");
    if (!charts) return;
    charts.forEach(function (chart) {
      var canvas = document.getElementById("chart-" + chart.id);
      if (!canvas || chart.labels.length === 0) return;
      var datasets = [{label: "Value", data: chart.values, borderColor: "#0a58ca", tension: 0.2, spanGaps: true}];
      if (chart.target !== null) {
        datasets.push({label: "Target", data: chart.labels.map(function () { return chart.target; }), borderColor: "#146c43", borderDash: [4, 4], pointRadius: 0});
      }
      new Chart(canvas, {type: "line", data: {labels: chart.labels, datasets: datasets}, options: {plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true}}, animation: false}});
    });
  }

  // Survey results: one horizontal bar chart per question; the same counts are in its table.
  function surveyCharts() {
    var charts = readJSON("survey-charts");
    if (!charts) return;
    charts.forEach(function (chart) {
      var canvas = document.getElementById(chart.id);
      if (!canvas) return;
      new Chart(canvas, {
        type: "bar",
        data: {labels: chart.labels, datasets: [{label: "People (rounded to the nearest 5)", data: chart.values, backgroundColor: "#0a58ca"}]},
        options: {animation: false, indexAxis: "y", scales: {x: {beginAtZero: true, ticks: {precision: 0}}}},
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Chart === "undefined") return;
    measureCharts();
    surveyCharts();
  });
})();
