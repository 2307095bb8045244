// Ordering items on the study, practice and quiz pages: move events with up/down buttons; the
// position selects underneath (the whole answer without JavaScript) follow the list's order.
// Inside a form marked data-ordering-lazy (a quiz) the events carry no positions until the
// student moves one or keeps the order shown, so an untouched item counts as unanswered.
(function () {
  "use strict";

  function itemsOf(list) {
    return Array.prototype.slice.call(list.querySelectorAll(".order-item"));
  }

  function position(item) {
    var select = item.querySelector("select");
    var value = select ? parseInt(select.value, 10) : NaN;
    return isNaN(value) ? 0 : value;
  }

  function changed(list) {
    var select = list.querySelector("select");
    if (select) select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setUnset(list, unset) {
    list.classList.toggle("unset", unset);
    var keep = list.parentNode.querySelector(".order-keep");
    if (keep) keep.hidden = !unset;
  }

  // The selects take the list's order: the order on screen becomes the answer.
  function renumber(list) {
    var items = itemsOf(list);
    for (var i = 0; i < items.length; i++) {
      var select = items[i].querySelector("select");
      if (select) select.value = String(i + 1);
    }
    setUnset(list, false);
  }

  // The list takes the selects' order (a saved or restored answer); events without a position
  // follow, in their order on the page. Returns whether every event had its own position.
  function sortBySelects(list) {
    var items = itemsOf(list);
    var placed = items.filter(function (item) { return position(item) > 0; });
    var rest = items.filter(function (item) { return position(item) === 0; });
    placed.sort(function (a, b) { return position(a) - position(b); });
    placed.concat(rest).forEach(function (item) { list.appendChild(item); });
    var seen = {};
    for (var i = 0; i < placed.length; i++) seen[position(placed[i])] = true;
    return rest.length === 0 && Object.keys(seen).length === items.length;
  }

  function announce(list, text) {
    var live = list.parentNode.querySelector(".order-live");
    if (live) live.textContent = text;
  }

  function move(item, delta) {
    var list = item.parentNode;
    var sibling = delta < 0 ? item.previousElementSibling : item.nextElementSibling;
    // At either end a move changes nothing, except in a quiz, where it makes the order shown
    // the answer.
    if (!sibling && !list.classList.contains("unset")) return;
    if (sibling) {
      if (delta < 0) list.insertBefore(item, sibling); else list.insertBefore(sibling, item);
    }
    renumber(list);
    changed(list);
    var marked = list.querySelectorAll(".moved");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("moved");
    item.classList.add("moved");
    var where = Array.prototype.indexOf.call(list.children, item) + 1;
    var text = item.querySelector(".order-text").textContent;
    announce(list, text + ": position " + where + " of " + list.children.length);
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

  function enhance(list) {
    if (list.classList.contains("enhanced")) return;
    var lazy = !!list.closest("[data-ordering-lazy]");
    var items = itemsOf(list);
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
    if (help) {
      help.textContent = "Put the events in order, earliest first: move them with the \u2191 and \u2193 buttons." +
        (lazy ? " It counts as answered once you move an event or keep the order shown." : "");
    }
    if (lazy) {
      var keep = document.createElement("button");
      keep.type = "button";
      keep.className = "button small order-keep";
      keep.textContent = "Keep this order";
      keep.addEventListener("click", function () {
        renumber(list);
        changed(list);
        announce(list, "This order is your answer.");
      });
      var after = help || live;
      after.parentNode.insertBefore(keep, after.nextSibling);
    }
    refresh(list);
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

  // Show what the selects hold (after a page load or a restored draft). Outside a quiz the
  // order shown is always the answer; in a quiz an incomplete one stays unnumbered.
  function refresh(list) {
    if (!list.classList.contains("enhanced")) return;
    var complete = sortBySelects(list);
    if (complete || !list.closest("[data-ordering-lazy]")) renumber(list);
    else setUnset(list, true);
  }

  function enhanceAll() {
    var lists = document.querySelectorAll("[data-ordering]");
    for (var i = 0; i < lists.length; i++) enhance(lists[i]);
  }

  window.StudyappOrdering = { enhanceAll: enhanceAll, refresh: refresh };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhanceAll);
  else enhanceAll();
})();
