// Draw Chart.js charts from data-* attributes (the CSP forbids inline script).
// <canvas data-chart="line|bar" data-chart-data='{"labels": [...], "series": [{"label": "...", "data": [...]}]}'>
(function () {
  const COLORS = ["#1f6feb", "#9aa4b2", "#d1242f", "#2da44e", "#bf8700", "#8250df"];

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    let spec;
    try {
      spec = JSON.parse(canvas.dataset.chartData || "{}");
    } catch (err) {
      return;
    }
    const kind = canvas.dataset.chart || "line";
    const datasets = (spec.series || []).map((s, i) => ({
      label: s.label,
      data: s.data,
      borderColor: COLORS[i % COLORS.length],
      backgroundColor: COLORS[i % COLORS.length],
      borderDash: i === 1 && kind === "line" ? [6, 4] : [],
      tension: 0.2,
    }));
    new Chart(canvas, {
      type: kind,
      data: { labels: spec.labels || [], datasets: datasets },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } },
    });
    canvas.dataset.drawn = "1";
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSwap", (event) => drawAll(event.target));
})();
