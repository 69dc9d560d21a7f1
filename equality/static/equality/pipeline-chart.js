// The equality report's chart: one bar per group and stage, the rate of the group's eligible
// people; hidden figures are null and left out. The same figures are in the table beside it.
(function () {
  "use strict";
  var COLOURS = ["#0a58ca", "#146c43", "#b35900", "#6f42c1"];
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("pipeline-data");
    var canvas = document.getElementById("pipeline-chart");
    if (typeof Chart === "undefined" || !element || !canvas) return;
    var data = JSON.parse(element.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          return {label: series.label, data: series.values, backgroundColor: COLOURS[i % COLOURS.length]};
        }),
      },
      options: {
        animation: false,
        indexAxis: "y",
        scales: {
          x: {beginAtZero: true, max: 100, title: {display: true, text: "% of eligible"}},
          y: {ticks: {autoSkip: false}},
        },
      },
    });
  });
})();
