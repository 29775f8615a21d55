// Tandem's page behaviour. No inline scripts (CSP): charts read their data from a
// <script type="application/json"> block next to the canvas.
(function () {
  "use strict";

  // Okabe and Ito's colour-blind-safe palette, then Paul Tol's wine, teal, olive and
  // purple: twelve series before a colour repeats (the attribution chart has ten).
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                 "#F0E442", "#7F7F7F", "#882255", "#44AA99", "#999933", "#AA4499"];

  function moneyTicks(currency) {
    var format = new Intl.NumberFormat(document.documentElement.lang || "en-GB",
      { style: "currency", currency: currency, notation: "compact", maximumFractionDigits: 1 });
    return function (value) { return format.format(value); };
  }

  function drawCharts(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      var line = spec.type === "line";
      // One series ({title, values}) or several side by side ({datasets: [{label,
      // values, hidden}]}); a hidden series is one click on its legend away.
      var several = Array.isArray(spec.datasets);
      var series = several ? spec.datasets : [{ label: spec.title, values: spec.values }];
      var datasets = series.map(function (d, i) {
        var colour = PALETTE[i % PALETTE.length];
        return {
          label: d.label, data: d.values, hidden: !!d.hidden, borderWidth: line ? 2 : 1,
          borderColor: colour, backgroundColor: line ? colour : colour + "CC", tension: 0.2,
        };
      });
      // Counts step in whole numbers; money reads as money (£600k).
      var y = { beginAtZero: true, ticks: spec.money ? { callback: moneyTicks(spec.money) } : { precision: 0 } };
      new Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: several } },
          scales: { y: y },
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

  // A table wider than its card scrolls sideways; keyboard users reach the scroll by
  // tabbing to it, so a scrolling wrapper becomes a named, focusable region.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) return;
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (caption ? caption.textContent.trim() + " " : "") + "(table scrolls sideways)");
    });
  }


  // @-mentions: a textarea with data-mentions="<url>" suggests people as an "@name" is
  // typed (ARIA combobox with a listbox under the field). Arrow keys move, Enter or Tab
  // choose, Escape closes; the field keeps working as plain text without JS.
  function mentionBox(field) {
    if (field.dataset.mentionReady) return;
    field.dataset.mentionReady = "1";
    var list = document.createElement("ul");
    list.className = "mention-list dropdown-menu";
    list.id = field.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    field.insertAdjacentElement("afterend", list);
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", list.id);
    field.setAttribute("aria-expanded", "false");
    var people = [], active = -1, timer = null, asked = "";

    function typedHandle() {
      var before = field.value.slice(0, field.selectionStart);
      var match = /(^|\s)@([\w.\-]{1,40})$/.exec(before);
      return match ? match[2] : null;
    }
    function close() {
      list.classList.remove("show");
      list.innerHTML = "";
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
      people = []; active = -1;
    }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
        item.classList.toggle("active", i === index);
      });
      if (index >= 0) field.setAttribute("aria-activedescendant", list.id + "-" + index);
    }
    function choose(index) {
      var person = people[index];
      if (!person) return;
      var caret = field.selectionStart;
      var before = field.value.slice(0, caret).replace(/@[\w.\-]{1,40}$/, "@" + person.handle + " ");
      field.value = before + field.value.slice(caret);
      field.selectionStart = field.selectionEnd = before.length;
      close();
      field.focus();
    }
    function show(found) {
      people = found;
      list.innerHTML = "";
      if (!found.length) { close(); return; }
      found.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.className = "dropdown-item";
        item.setAttribute("role", "option");
        item.textContent = person.name + " ";
        var detail = document.createElement("small");
        detail.className = "text-secondary";
        detail.textContent = "@" + person.handle + (person.team ? " · " + person.team : "");
        item.appendChild(detail);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(item);
      });
      list.classList.add("show");
      field.setAttribute("aria-expanded", "true");
      highlight(0);
    }
    field.addEventListener("input", function () {
      var handle = typedHandle();
      window.clearTimeout(timer);
      if (!handle) { close(); return; }
      timer = window.setTimeout(function () {
        asked = handle;
        fetch(field.dataset.mentions + "?q=" + encodeURIComponent(handle), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { people: [] }; })
          .then(function (data) { if (asked === typedHandle()) show(data.people || []); })
          .catch(close);
      }, 150);
    });
    field.addEventListener("keydown", function (event) {
      if (!people.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % people.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + people.length) % people.length); }
      else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); choose(active < 0 ? 0 : active); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    field.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }
  function mentionBoxes(root) {
    root.querySelectorAll("textarea[data-mentions]").forEach(mentionBox);
  }

  // "/" or Ctrl-K (Cmd-K) jumps to the search box in the shell; Escape leaves it.
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("global-search");
    if (!box) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
    var ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k";
    if (ctrlK || (event.key === "/" && !typing)) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && document.activeElement === box) {
      event.preventDefault();  // closes the results; keeps what was typed
      document.getElementById("global-search-results").innerHTML = "";
      box.blur();
    }
  });

  // A click anywhere else closes the shell's search results.
  document.addEventListener("click", function (event) {
    var results = document.getElementById("global-search-results");
    if (results && !event.target.closest(".global-search")) results.innerHTML = "";
  });

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    focusableScrollers(document);
    mentionBoxes(document);
    tick();
    window.setInterval(tick, 30000);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    drawCharts(event.target);
    focusableScrollers(event.target);
    mentionBoxes(event.target);
  });
})();
