// Keyboard shortcuts for studying, in the spirit of Anki. Everything also works without them.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" && el.type === "text" || el.tagName === "TEXTAREA" ||
      el.tagName === "SELECT");
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  function submitAnswer() {
    var form = document.getElementById("answer-form");
    if (!form) return false;
    var button = form.querySelector("[data-submit]");
    if (button) { button.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    var target = event.target;
    if (typing(target)) {
      if (key === "Enter" && target.tagName === "TEXTAREA" && !event.shiftKey) {
        event.preventDefault();
        submitAnswer();
      }
      return;
    }
    var card = document.querySelector("[data-study]");
    if (!card) return;
    var kind = card.getAttribute("data-study");
    var lower = key.toLowerCase();
    if (lower === "u") {
      if (click("[data-key='u']")) event.preventDefault();
      return;
    }
    if (kind === "feedback" || (kind === "flashcard" && document.querySelector("[data-key='next']"))) {
      if (key === " " || key === "Enter") {
        event.preventDefault();
        click("[data-key='next']");
      }
    }
    if (/^[1-4]$/.test(key)) {
      var rating = document.querySelector("[data-key='" + key + "']");
      if (rating) { event.preventDefault(); rating.click(); return; }
      var options = card.querySelectorAll("[data-keys='options'] input[type=radio]");
      if (options.length >= Number(key)) {
        event.preventDefault();
        options[Number(key) - 1].checked = true;
        submitAnswer();
        return;
      }
    }
    if ((lower === "t" || lower === "f") && card.querySelector("[data-keys='truefalse']")) {
      event.preventDefault();
      var value = lower === "t" ? "true" : "false";
      card.querySelector("input[value='" + value + "']").checked = true;
      submitAnswer();
      return;
    }
    if (kind === "question" && (key === "Enter" || key === " ")) {
      event.preventDefault();
      submitAnswer();
    }
  });
  // Put the cursor in the answer field, or on the main button of a feedback page.
  window.addEventListener("DOMContentLoaded", function () {
    var focus = document.querySelector("[autofocus]");
    if (focus) focus.focus();
  });
})();
