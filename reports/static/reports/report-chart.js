// The report catalogue's chart: drawn from the figures the page carries (json_script), the same
// figures as the table beside it. A hidden figure is null: a gap, never a zero.
(function () {
  "use strict";
  var element = document.getElementById("report-chart-data");
  var canvas = document.getElementById("report-chart");
  if (!element || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(element.textContent);
  var colours = ["#0a58ca", "#b35900", "#146c43", "#6f42c1"];
  new Chart(canvas, {
    type: data.kind,
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set, i) {
        return {label: set.label, data: set.data, backgroundColor: colours[i % colours.length], borderColor: colours[i % colours.length]};
      }),
    },
    options: {animation: false, scales: {y: {beginAtZero: true, title: {display: !!data.axis, text: data.axis}}}},
  });
})();
