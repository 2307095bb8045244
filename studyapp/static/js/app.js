// Progressive enhancement shared by every page. Feature scripts add their own files.
// Loaded in <head> without `defer`: it marks the page as scripted before the first paint, so
// the phone menu is folded away only when this script is there to unfold it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Confirm destructive actions: <form data-confirm="Are you sure?">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Fill an empty time zone field with the browser's zone, or offer it where another is set
  // (the server checks the name either way).
  function detectTimeZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    document.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
      if (!input.value) input.value = zone;
    });
    document.querySelectorAll("input[data-offer-timezone]").forEach(function (input) {
      if (input.value === zone) return;
      var offer = document.createElement("p");
      var use = document.createElement("button");
      offer.className = "help";
      offer.textContent = "This device is set to " + zone + ". ";
      use.type = "button";
      use.className = "button small";
      use.textContent = "Use " + zone;
      use.addEventListener("click", function () {
        input.value = zone;
        offer.remove();
        input.focus();
      });
      offer.appendChild(use);
      input.parentNode.insertBefore(offer, input.nextSibling);
    });
  }

  // The phone menu: a disclosure button that shows and hides the main links.
  function menu() {
    var button = document.querySelector("[data-menu-toggle]");
    var links = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!links) return;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      links.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    detectTimeZone();
    menu();
  });
})();
