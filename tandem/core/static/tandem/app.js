// Tandem's page behaviour. No inline scripts (CSP): charts read their data from a
// <script type="application/json"> block next to the canvas.
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      // One series ({title, values}) or several side by side ({datasets: [{label, values}]}).
      var several = Array.isArray(spec.datasets);
      var datasets = several
        ? spec.datasets.map(function (d) { return { label: d.label, data: d.values, borderWidth: 1 }; })
        : [{ label: spec.title, data: spec.values, borderWidth: 1 }];
      new Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: several } },
          scales: { y: { beginAtZero: true, ticks: several ? {} : { precision: 0 } } },
        },
      });
    });
  }

  // Ask before destructive actions: <form data-confirm="Revoke this token?">
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // SLA countdowns: <time data-countdown datetime="ISO">due in 2 h</time>. The server
  // writes the text (pages read without JS); this keeps it moving.
  function span(ms) {
    var minutes = Math.round(Math.abs(ms) / 60000);
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " days";
  }
  function tick() {
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var left = new Date(el.getAttribute("datetime")).getTime() - Date.now();
      el.textContent = left >= 0 ? "due in " + span(left) : "overdue by " + span(left);
      el.classList.toggle("overdue", left < 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    tick();
    window.setInterval(tick, 30000);
  });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
