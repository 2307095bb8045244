// Study pages: keyboard shortcuts in the spirit of Anki (ordering.js adds the up/down buttons of
// ordering items). Everything also works without this file: plain forms and links do the same.
(function () {
  "use strict";

  function isTextField(el) {
    return !!el && ((el.tagName === "INPUT" && /^(text|search|email|number)$/.test(el.type)) ||
      el.tagName === "TEXTAREA");
  }

  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }

  function submitAnswer() {
    var form = document.getElementById("answer-form");
    var button = form && form.querySelector("[data-submit]");
    if (!button) return false;
    button.click();
    return true;
  }

  // --- keys ---
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    var target = event.target;
    var card = document.querySelector("[data-study]");
    if (!card) return;
    var kind = card.getAttribute("data-study");
    if (isTextField(target)) {
      // Enter in a typed answer submits (Shift+Enter keeps a new line in the explain box).
      if (key === "Enter" && target.tagName === "TEXTAREA" && !event.shiftKey) {
        event.preventDefault();
        submitAnswer();
      }
      return;
    }
    if (target.tagName === "SELECT") {
      if (key === "Enter") { event.preventDefault(); submitAnswer(); }
      return;
    }
    var lower = key.toLowerCase();
    if (lower === "u") {
      if (click("[data-key='u']")) event.preventDefault();
      return;
    }
    if (key === " " || key === "Enter") {
      if (target.tagName === "BUTTON") return; // the focused button does its own job
      if (target.tagName === "A" && key === "Enter") return;
      if (kind === "feedback" || kind === "flashcard") {
        if (click("[data-key='next']")) event.preventDefault();
        return;
      }
      if (kind === "question") { event.preventDefault(); submitAnswer(); }
      return;
    }
    if (/^[1-9]$/.test(key)) {
      var rating = document.querySelector("button[data-key='" + key + "']");
      if (rating) { event.preventDefault(); rating.click(); return; }
      var options = card.querySelectorAll("[data-keys='options'] input[type=radio]");
      if (kind === "question" && options.length >= Number(key)) {
        event.preventDefault();
        options[Number(key) - 1].checked = true;
        submitAnswer();
      }
      return;
    }
    if ((lower === "t" || lower === "f") && kind === "question" &&
        card.querySelector("[data-keys='truefalse']")) {
      event.preventDefault();
      card.querySelector("input[value='" + (lower === "t" ? "true" : "false") + "']").checked = true;
      submitAnswer();
    }
  });

  window.addEventListener("DOMContentLoaded", function () {
    // A double click or a resend of the answer form must not send it twice from this page.
    var form = document.getElementById("answer-form");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
      });
    }
    var focus = document.querySelector("[data-autofocus]") || document.querySelector("[autofocus]");
    if (focus) focus.focus();
  });
})();
