// Study pages: keyboard shortcuts in the spirit of Anki, and up/down buttons for ordering items.
// Everything also works without this file: plain forms and links do the same.
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

  // --- ordering: move items with buttons; the hidden position selects follow the list order ---
  function renumber(list) {
    var items = list.querySelectorAll(".order-item");
    for (var i = 0; i < items.length; i++) {
      var select = items[i].querySelector("select");
      if (select) select.value = String(i + 1);
    }
  }

  function announce(list, text) {
    var live = list.parentNode.querySelector(".order-live");
    if (live) live.textContent = text;
  }

  function move(item, delta) {
    var list = item.parentNode;
    var sibling = delta < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    if (delta < 0) list.insertBefore(item, sibling); else list.insertBefore(sibling, item);
    renumber(list);
    var marked = list.querySelectorAll(".moved");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("moved");
    item.classList.add("moved");
    var position = Array.prototype.indexOf.call(list.children, item) + 1;
    var text = item.querySelector(".order-text").textContent;
    announce(list, text + ": position " + position + " of " + list.children.length);
    // Keep the focus on the moved item: on the same button, or the other one at either end.
    var atEdge = delta < 0 ? !item.previousElementSibling : !item.nextElementSibling;
    var same = item.querySelector(delta < 0 ? "[data-move=up]" : "[data-move=down]");
    var other = item.querySelector(delta < 0 ? "[data-move=down]" : "[data-move=up]");
    (atEdge ? other : same).focus();
  }

  function button(direction, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small";
    b.setAttribute("data-move", direction);
    b.setAttribute("aria-label", "Move " + text + " " + direction);
    b.textContent = direction === "up" ? "\u2191" : "\u2193";
    return b;
  }

  function enhanceOrdering(list) {
    var items = list.querySelectorAll(".order-item");
    for (var i = 0; i < items.length; i++) {
      var text = items[i].querySelector(".order-text").textContent;
      var group = document.createElement("span");
      group.className = "move";
      group.appendChild(button("up", text));
      group.appendChild(button("down", text));
      items[i].appendChild(group);
      var select = items[i].querySelector("select");
      if (select) { select.tabIndex = -1; select.removeAttribute("autofocus"); }
    }
    list.classList.add("enhanced");
    var live = document.createElement("p");
    live.className = "order-live visually-hidden";
    live.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(live, list.nextSibling);
    var help = list.parentNode.querySelector(".help");
    if (help) help.textContent = "Put the events in order, earliest first: move them with the \u2191 and \u2193 buttons.";
    renumber(list);
    list.addEventListener("click", function (event) {
      var b = event.target.closest("[data-move]");
      if (!b) return;
      event.preventDefault();
      move(b.closest(".order-item"), b.getAttribute("data-move") === "up" ? -1 : 1);
    });
    list.addEventListener("keydown", function (event) {
      var b = event.target.closest("[data-move]");
      if (!b || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
      event.preventDefault();
      move(b.closest(".order-item"), event.key === "ArrowUp" ? -1 : 1);
    });
    var first = list.querySelector("[data-move]");
    if (first && list.closest("[data-study=question]")) first.setAttribute("data-autofocus", "");
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
    var lists = document.querySelectorAll("[data-ordering]");
    for (var i = 0; i < lists.length; i++) enhanceOrdering(lists[i]);
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
