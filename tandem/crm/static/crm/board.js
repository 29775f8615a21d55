// The pipeline board: drag a card to another column to move the deal. A drop sets the
// card's own "Move to" form (the keyboard's and no-JS way) to the column's stage and
// submits it, so both ways post the same form to the same service; htmx swaps the
// board the server answers with (new counts and totals, or the reason a move was
// refused with the card's form open). Loaded only by crm/board.html.
(function () {
  "use strict";

  // htmx copies a swapped element's old "style" onto its new self while it settles;
  // SortableJS leaves styles on a dragged card, and setting a style attribute is inline
  // style to the CSP (style-src 'self'). The board needs no style transitions.
  if (typeof htmx !== "undefined") {
    htmx.config.attributesToSettle = htmx.config.attributesToSettle.filter(function (name) {
      return name !== "style";
    });
  }

  function columns(root) {
    var found = [];
    if (root.matches && root.matches("[data-board-column]")) found.push(root);
    if (root.querySelectorAll) {
      root.querySelectorAll("[data-board-column]").forEach(function (el) { found.push(el); });
    }
    return found;
  }

  function submitMove(card, stage) {
    var form = card.querySelector("form.board-move");
    if (!form) return;
    form.querySelector("select[name=stage]").value = stage;
    if (form.requestSubmit) form.requestSubmit();
    else htmx.trigger(form, "submit");
  }

  function makeSortable(root) {
    if (typeof Sortable === "undefined") return;
    columns(root).forEach(function (list) {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "pipeline",
        draggable: ".board-card[data-movable]",
        // Clicks on the card's link and its Move form stay clicks.
        filter: "a, summary, select, input, button, label",
        preventOnFilter: false,
        animation: 150,
        emptyInsertThreshold: 24,
        onEnd: function (event) {
          if (event.to === event.from) return;
          submitMove(event.item, event.to.dataset.stage);
        },
      });
    });
  }

  // After a swap: the card just moved keeps the keyboard focus (its link); a refused
  // move puts it on the reason the move needs.
  function refocus(root) {
    var board = document.getElementById("board");
    if (!board || !(root === board || board.contains(root) || root.contains(board))) return;
    var failed = board.querySelector("[data-failed] input[name=reason]");
    var moved = board.querySelector("[data-moved] a");
    if (failed) failed.focus();
    else if (moved) moved.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    makeSortable(document);
  });
  document.addEventListener("htmx:load", function (event) {
    makeSortable(event.target);
    refocus(event.target);
  });
  // A move the server answered with a page error (403, 404, 500) was not swapped in:
  // fetch the board again so the dragged card goes back where it is.
  document.addEventListener("htmx:responseError", function (event) {
    var board = document.getElementById("board");
    if (!board || !board.contains(event.detail.elt)) return;
    htmx.ajax("GET", window.location.href, { target: "#board", swap: "outerHTML" });
  });
})();
