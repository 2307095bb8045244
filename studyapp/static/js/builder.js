// The new-quiz page: show the draw options or the pick list, whichever is chosen, and count the
// ticks. Without this script the page does the same on the server ("Show this choice").
(function () {
  "use strict";
  var form = document.querySelector("[data-builder]");
  if (!form) return;

  function show() {
    var chosen = form.querySelector("input[name=source]:checked");
    var source = chosen ? chosen.value : "draw";
    form.querySelectorAll("[data-source]").forEach(function (el) {
      el.hidden = el.getAttribute("data-source") !== source;
    });
  }

  function count() {
    var out = form.querySelector("[data-ticked]");
    if (out) out.textContent = String(form.querySelectorAll("input[name=question_ids]:checked").length);
  }

  // The server-side switch is for pages without this script.
  form.querySelectorAll("[data-without-script]").forEach(function (el) { el.hidden = true; });

  form.addEventListener("change", function (event) {
    if (event.target.name === "source") show();
    if (event.target.name === "question_ids") count();
  });
})();
