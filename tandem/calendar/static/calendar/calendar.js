// The calendar: drag a bar to another day to move the campaign. A drop works out how
// many days the bar moved (from where it was grabbed and where it was dropped, across
// the week's or the timeline's columns) and posts the item's own "Move" form values
// through htmx (the page's hx-headers carry the CSRF token), so a drag and the keyboard's form reach the same service; the answer
// (the item panel, with a refusal or a conflict if any) fills the side panel and the
// grid reloads itself. Loaded only by calendar/calendar.html.
(function () {
  "use strict";
  var DAY = 86400000;
  var dragged = null;

  function dayAt(row, clientX) {
    var box = row.getBoundingClientRect();
    var days = parseInt(row.dataset.days, 10);
    var name = row.querySelector(".tl-name");
    var left = box.left + (name ? name.getBoundingClientRect().width : 0);
    var width = box.right - left;
    var index = Math.floor(((clientX - left) / width) * days);
    return Math.max(0, Math.min(days - 1, index));
  }

  function parse(text) {
    var p = text.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]);
  }

  function iso(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  document.addEventListener("dragstart", function (event) {
    var bar = event.target.closest && event.target.closest(".cal-bar[data-movable]");
    if (!bar) return;
    var row = bar.closest("[data-drop-row]");
    dragged = { bar: bar, grabbed: parse(row.dataset.first) + dayAt(row, event.clientX) * DAY };
    bar.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", bar.dataset.item);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.bar.classList.remove("dragging");
    document.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    var row = dragged && event.target.closest && event.target.closest("[data-drop-row]");
    if (!row) return;
    event.preventDefault();
    document.querySelectorAll(".drop-target").forEach(function (el) {
      if (el !== row) el.classList.remove("drop-target");
    });
    row.classList.add("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var row = dragged && event.target.closest && event.target.closest("[data-drop-row]");
    if (!row) return;
    event.preventDefault();
    var bar = dragged.bar;
    var dropped = parse(row.dataset.first) + dayAt(row, event.clientX) * DAY;
    var shift = Math.round((dropped - dragged.grabbed) / DAY);
    if (!shift) return;
    htmx.ajax("POST", "/calendar/items/" + bar.dataset.item + "/move/", {
      target: "#calendar-item",
      values: {
        starts_on: iso(parse(bar.dataset.starts) + shift * DAY),
        ends_on: iso(parse(bar.dataset.ends) + shift * DAY),
        version: bar.dataset.version,
      },
    });
  });

  // "Subscribe" offers a feed of what the calendar shows: as the filters change the grid
  // (htmx), its link takes the grid's filters (without JS the page reloads with them).
  document.addEventListener("htmx:afterSettle", function () {
    var grid = document.getElementById("calendar-grid");
    var link = document.getElementById("calendar-subscribe");
    if (grid && link) link.href = link.href.split("?")[0] + "?" + grid.dataset.query;
  });
})();
