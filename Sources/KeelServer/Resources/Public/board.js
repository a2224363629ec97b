// Drag a card onto another column to move the ticket there. Each legal move is already a
// small form on the card (the no-JavaScript fallback); dropping submits that form, so the
// server checks the transition exactly as when the button is pressed.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var dragged = null;
  board.querySelectorAll(".board-card[data-number]").forEach(function (card) {
    if (!card.querySelector(".moves form")) { return; }
    card.setAttribute("draggable", "true");
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      event.dataTransfer.setData("text/plain", card.dataset.number);
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", function () { card.classList.remove("dragging"); dragged = null; });
  });
  board.querySelectorAll(".column[data-status]").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (dragged && dragged.querySelector("form[data-to='" + column.dataset.status + "']")) {
        event.preventDefault();
        column.classList.add("drop-ok");
      }
    });
    column.addEventListener("dragleave", function () { column.classList.remove("drop-ok"); });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-ok");
      var form = dragged && dragged.querySelector("form[data-to='" + column.dataset.status + "']");
      if (form) { form.submit(); }
    });
  });
})();
