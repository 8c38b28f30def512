// Decision analytics: one stacked bar chart (upheld, overturned) per table, drawn from the table's JSON data
// (json_script), so the numbers in the chart and the table are the same ones. Loaded as a file: no inline script.
(function () {
  "use strict";
  const MAX_BARS = 15; // the table lists every group; the chart shows the largest ones
  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined") return;
    const groups = JSON.parse(source.textContent).slice(0, MAX_BARS);
    const horizontal = canvas.dataset.source !== "data-year";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: groups.map((g) => (g.key.length > 48 ? g.key.slice(0, 47) + "…" : g.key)),
        datasets: [
          { label: "Upheld", data: groups.map((g) => g.items - g.overturned), backgroundColor: "#6c757d" },
          { label: "Overturned", data: groups.map((g) => g.overturned), backgroundColor: "#198754" },
        ],
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        scales: { x: { stacked: true }, y: { stacked: true } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas.decision-chart").forEach(draw);
  });
})();
