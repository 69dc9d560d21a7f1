// Charts drawn from data the page carries in <script type="application/json"> (json_script).
// Every chart has its figures in a table beside it or behind a "Show the figures" control.
(function () {
  "use strict";

  function readJSON(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // The training report: hours per head by job family, under-represented families in amber.
  function familyChart() {
    var data = readJSON("chart-data");
    var canvas = document.getElementById("family-chart");
    if (!data || !canvas) return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: "Hours per head",
            data: data.values,
            backgroundColor: data.values.map(function (v) { return v !== null && v < data.threshold ? "#b35900" : "#0a58ca"; }),
          },
          {label: "Institution average", data: data.labels.map(function () { return data.average; }), type: "line", borderColor: "#146c43", pointRadius: 0},
        ],
      },
      options: {scales: {y: {beginAtZero: true, title: {display: true, text: "hours per head"}}}},
    });
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
        data: {labels: chart.labels, datasets: [{label: "People (groups under 5 not shown)", data: chart.values, backgroundColor: "#0a58ca"}]},
        options: {animation: false, indexAxis: "y", scales: {x: {beginAtZero: true, ticks: {precision: 0}}}},
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Chart === "undefined") return;
    familyChart();
    measureCharts();
    surveyCharts();
  });
})();
